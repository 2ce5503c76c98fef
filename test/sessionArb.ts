// Random sessions for the property tests, shaped like real use: a person strapped in and holding
// the grip, holding a button for a while (DOWN for a minute, a tap of STOP), letting go of the grip
// or opening the latch for a moment or for good; with restarts at any tick and, where asked, sensor
// and drive faults that combine (a fault is not cleared by the next one). The settings come from the
// schema's own ranges, with short session limits drawn often so that limits are reached in the
// middle of moves.

import fc from "fast-check"
import { SETTINGS_SCHEMA } from "../src/control/settings"
import { INPUT_NAMES, SCENARIO_FAULTS } from "../sim/scenario"

const BUTTONS = ["up", "down", "stop", "preset", "home"] as const
const TICKS_PER_S = 50

export interface SessionOptions {
    /** inject sensor and drive faults (and clears) */
    faults: boolean
    /** restart the controller at random ticks */
    restarts: boolean
}

/** User settings from the schema (whole numbers keep counterexamples readable). */
const settingsArb = fc
    .record(
        Object.fromEntries(
            SETTINGS_SCHEMA.filter(spec => spec.group === "user").map(spec => [
                spec.key,
                spec.kind === "boolean"
                    ? fc.constant(false)
                    : fc.integer({ min: spec.min, max: spec.max }),
            ])
        )
    )
    .chain(s =>
        // Half the time a short session limit, so that it is reached in the middle of something.
        fc
            .oneof(
                fc.constant(s.sessionLimitS as number),
                fc.integer({ min: 60, max: 100 })
            )
            .map((limit): Record<string, number | boolean> => ({
                ...s,
                sessionLimitS: limit,
            }))
    )

type Gesture =
    | { kind: "press"; button: string; at: number; forS: number }
    | { kind: "grip"; at: number; forS: number | null }
    | { kind: "latch"; at: number; forS: number | null }
    | { kind: "set"; at: number; set: Record<string, boolean> }

const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })

const gestureArb: fc.Arbitrary<Gesture> = fc.oneof(
    {
        weight: 5,
        arbitrary: fc.record({
            kind: fc.constant("press" as const),
            button: fc.constantFrom(...BUTTONS),
            at,
            forS: fc.oneof(
                fc.double({ min: 0.04, max: 1, noNaN: true }),
                fc.double({ min: 1, max: 70, noNaN: true })
            ),
        }),
    },
    {
        weight: 2,
        arbitrary: fc.record({
            kind: fc.constant("grip" as const),
            at,
            forS: fc.option(fc.double({ min: 0.04, max: 15, noNaN: true }), {
                freq: 2,
            }),
        }),
    },
    {
        weight: 1,
        arbitrary: fc.record({
            kind: fc.constant("latch" as const),
            at,
            forS: fc.option(fc.double({ min: 0.04, max: 5, noNaN: true }), {
                freq: 3,
            }),
        }),
    },
    {
        weight: 1,
        arbitrary: fc.record({
            kind: fc.constant("set" as const),
            at,
            set: fc
                .uniqueArray(fc.constantFrom(...INPUT_NAMES), {
                    minLength: 1,
                    maxLength: 3,
                })
                .chain(names =>
                    fc.tuple(
                        fc.constant(names),
                        fc.array(fc.boolean(), {
                            minLength: names.length,
                            maxLength: names.length,
                        })
                    )
                )
                .map(([names, values]) =>
                    Object.fromEntries(names.map((n, i) => [n, values[i]]))
                ),
        }),
    }
)

const INJECTED = SCENARIO_FAULTS.filter(f => f !== "power-cycle")

/** A scenario object (as a file would hold it) for a random session. */
export function sessionArb(opts: SessionOptions) {
    return fc
        .record({
            durationS: fc.integer({ min: 20, max: 240 }),
            seed: fc.integer({ min: 1, max: 1000000 }),
            settings: settingsArb,
            startAtHome: fc.double({ min: 0, max: 1, noNaN: true }),
            startFraction: fc.double({ min: 0, max: 1, noNaN: true }),
            userMassKg: fc.integer({ min: 30, max: 160 }),
            imuNoise: fc.double({ min: 0, max: 3, noNaN: true }),
            homeSwitch: fc.boolean(),
            gestures: fc.array(gestureArb, { maxLength: 16 }),
            faults: opts.faults
                ? fc.array(
                      fc.record({ at, fault: fc.constantFrom(...INJECTED) }),
                      { maxLength: 5 }
                  )
                : fc.constant([]),
            restarts: opts.restarts
                ? fc.array(at, { minLength: 1, maxLength: 4 })
                : fc.constant([]),
        })
        .map(r => {
            const home = r.settings.homeDeg as number
            const deepest = Math.min(90, r.settings.maxAngleDeg as number)
            // Mostly a user who gets on at home; sometimes a controller that starts anywhere.
            const start =
                r.startAtHome < 0.8
                    ? home
                    : home + r.startFraction * (deepest - home)
            const tickOf = (fraction: number) =>
                Math.floor(fraction * r.durationS * TICKS_PER_S) / TICKS_PER_S
            const events: Record<string, unknown>[] = []
            const put = (t: number, e: Record<string, unknown>) => {
                if (t < r.durationS - 1 / TICKS_PER_S) events.push({ t, ...e })
            }
            for (const g of r.gestures) {
                const t = tickOf(g.at)
                if (g.kind === "set") put(t, { set: g.set })
                else if (g.kind === "press") {
                    put(t, { set: { [g.button]: true } })
                    put(tickOf(g.at + g.forS / r.durationS), {
                        set: { [g.button]: false },
                    })
                } else {
                    const input = g.kind === "grip" ? "deadman" : "latch"
                    put(t, { set: { [input]: false } })
                    if (g.forS !== null)
                        put(tickOf(g.at + g.forS / r.durationS), {
                            set: { [input]: true },
                        })
                }
            }
            for (const f of r.faults) put(tickOf(f.at), { fault: f.fault })
            for (const a of r.restarts) put(tickOf(a), { fault: "power-cycle" })
            // Stable sort by time keeps each gesture's own order.
            events.sort((a, b) => (a.t as number) - (b.t as number))
            // Strapped in and holding the grip from the start.
            events.unshift({ t: 0, set: { latch: true, deadman: true } })
            return {
                name: "property",
                durationS: r.durationS,
                seed: r.seed,
                table: {
                    startAngleDeg: Math.round(start * 100) / 100,
                    userMassKg: r.userMassKg,
                    imuNoise: Math.round(r.imuNoise * 100) / 100,
                    homeSwitch: r.homeSwitch,
                },
                settings: r.settings,
                events,
            }
        })
}
