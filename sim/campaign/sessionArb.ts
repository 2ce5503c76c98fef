// Random sessions for the property tests and the campaign's soak, shaped like real use. A session is a sequence of steps a
// person takes one after the other: strapped in and holding the grip, DOWN for a while, a hold at
// depth, a little deeper, UP, a preset, letting go of the grip (for a moment, or for good: a faint),
// the latch opening (a moment, or for good), a STOP, UP and DOWN pressed together. On top of that,
// where asked: restarts at any tick, and sensor and drive faults that combine (a fault is not cleared
// by the next one). The settings come from the schema's ranges, with short session limits and slow
// accelerations drawn often, so that limits are reached in the middle of moves.

import fc from "fast-check"
import {
    COUNTED_PER_DAY,
    DAY_MS,
    PROGRESS_MAX_COUNTED,
    REST_AFTER_COUNTED_MS,
} from "../../src/control/program"
import { SETTINGS_SCHEMA } from "../../src/control/settings"
import { SCENARIO_FAULTS } from "../scenario"

const TICKS_PER_S = 50

export interface SessionOptions {
    /** inject sensor and drive faults (and clears) */
    faults: boolean
    /** restart the controller at random ticks */
    restarts: boolean
    /** the exercise program on (the `progression` setting) half of the time, with a table's stored
     *  progress drawn from every possible one (scenario-format's `progress` object) */
    progress?: boolean
}

/** A progress a table can have stored (every rule of the scenario reader holds). */
const progressArb = fc
    .record({
        counted: fc.integer({ min: 0, max: PROGRESS_MAX_COUNTED }),
        acknowledged: fc.boolean(),
        sinceS: fc.option(fc.integer({ min: 0, max: (3 * DAY_MS) / 1000 }), {
            freq: 4,
        }),
        two: fc.boolean(),
    })
    .map(r => {
        const dayS = DAY_MS / 1000
        const since = r.counted === 0 ? null : r.sinceS
        let inDay = 0
        if (since !== null && since < dayS) {
            const twoFit =
                r.counted >= COUNTED_PER_DAY &&
                since + REST_AFTER_COUNTED_MS / 1000 < dayS
            inDay = r.two && twoFit ? COUNTED_PER_DAY : 1
        }
        const p: Record<string, unknown> = {
            countedSessions: r.counted,
            warningsAcknowledged: r.counted > 0 || r.acknowledged,
            countedInLast24h: inDay,
        }
        if (since !== null) p.sinceLastCountedS = since
        return p
    })

/** User settings from the schema (whole numbers keep counterexamples readable), biased toward the
 *  corners where limits meet moves: short sessions, slow ramps, fast rates, deep limits. */
const settingsArb = fc
    .record({
        base: fc.record(
            Object.fromEntries(
                SETTINGS_SCHEMA.filter(spec => spec.group === "user").map(
                    spec => [
                        spec.key,
                        spec.kind === "boolean"
                            ? fc.constant(false)
                            : fc.integer({ min: spec.min, max: spec.max }),
                    ]
                )
            )
        ),
        shortSession: fc.boolean(),
        shortLimitS: fc.integer({ min: 60, max: 100 }),
        slowRamp: fc.boolean(),
        fastRamp: fc.boolean(),
        deep: fc.boolean(),
    })
    .map((r): Record<string, number | boolean> => {
        const s: Record<string, number | boolean> = { ...r.base }
        if (r.shortSession) s.sessionLimitS = r.shortLimitS
        if (r.slowRamp) s.accelDps2 = Math.min(s.accelDps2 as number, 2)
        // The top of the range, where the hard acceleration limit is close.
        else if (r.fastRamp) s.accelDps2 = Math.max(s.accelDps2 as number, 9)
        if (r.deep) s.maxAngleDeg = Math.max(s.maxAngleDeg as number, 60)
        return s
    })

/** How long a button is held: often a tap that ends a move in the middle of its ramp. */
const pressS = (maxS: number) =>
    fc.oneof(
        fc.double({ min: 0.1, max: maxS, noNaN: true }),
        fc.double({ min: 0.04, max: 1.2, noNaN: true })
    )

/** The user's weight: the lightest and the heaviest often, where the drive is strongest or weakest. */
const massArb = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 30, max: 160 }) },
    { weight: 1, arbitrary: fc.constantFrom(30, 160) }
)

/** One thing a person does, and for how long (seconds). */
type Step =
    | { kind: "down" | "up" | "both" | "wait"; forS: number }
    | { kind: "preset" | "home" | "stop" }
    | { kind: "letGo" | "unlatch"; forS: number | null }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
    {
        weight: 6,
        arbitrary: fc.record({
            kind: fc.constant("down" as const),
            forS: pressS(40),
        }),
    },
    {
        weight: 3,
        arbitrary: fc.record({
            kind: fc.constant("up" as const),
            forS: pressS(30),
        }),
    },
    {
        weight: 6,
        arbitrary: fc.record({
            kind: fc.constant("wait" as const),
            forS: fc.double({ min: 0.5, max: 60, noNaN: true }),
        }),
    },
    {
        weight: 1,
        arbitrary: fc.record({
            kind: fc.constant("both" as const),
            forS: fc.double({ min: 0.1, max: 12, noNaN: true }),
        }),
    },
    {
        weight: 2,
        arbitrary: fc.record({
            kind: fc.constantFrom(
                "preset" as const,
                "home" as const,
                "stop" as const
            ),
        }),
    },
    {
        weight: 2,
        arbitrary: fc.record({
            kind: fc.constant("letGo" as const),
            forS: fc.option(fc.double({ min: 0.1, max: 15, noNaN: true }), {
                freq: 2,
            }),
        }),
    },
    {
        weight: 1,
        arbitrary: fc.record({
            kind: fc.constant("unlatch" as const),
            forS: fc.option(fc.double({ min: 0.1, max: 4, noNaN: true }), {
                freq: 3,
            }),
        }),
    }
)

const INJECTED = SCENARIO_FAULTS.filter(f => f !== "power-cycle")
const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })

/** A scenario object (as a file would hold it) for a random session. */
export function sessionArb(opts: SessionOptions) {
    return fc
        .record({
            durationS: fc.integer({ min: 30, max: 400 }),
            seed: fc.integer({ min: 1, max: 1000000 }),
            settings: settingsArb,
            startAtHome: fc.double({ min: 0, max: 1, noNaN: true }),
            startFraction: fc.double({ min: 0, max: 1, noNaN: true }),
            userMassKg: massArb,
            // Mostly an ordinary sensor; now and then up to the noisiest the format allows.
            imuNoise: fc.oneof(
                {
                    weight: 4,
                    arbitrary: fc.double({ min: 0, max: 3, noNaN: true }),
                },
                fc.double({ min: 0, max: 10, noNaN: true })
            ),
            homeSwitch: fc.boolean(),
            steps: fc.array(stepArb, { minLength: 1, maxLength: 14 }),
            faults: opts.faults
                ? fc.array(
                      fc.record({ at, fault: fc.constantFrom(...INJECTED) }),
                      { maxLength: 4 }
                  )
                : fc.constant([]),
            restarts: opts.restarts
                ? fc.array(at, { minLength: 1, maxLength: 4 })
                : fc.constant([]),
            progress: opts.progress
                ? fc.option(progressArb, { freq: 2 })
                : fc.constant(null),
        })
        .map(r => {
            const home = r.settings.homeDeg as number
            const deepest = Math.min(90, r.settings.maxAngleDeg as number)
            // Mostly a user who gets on at home; sometimes a controller that starts anywhere.
            const start =
                r.startAtHome < 0.85
                    ? home
                    : home + r.startFraction * (deepest - home)
            const tick = (tS: number) =>
                Math.floor(tS * TICKS_PER_S) / TICKS_PER_S
            const events: Record<string, unknown>[] = []
            const put = (tS: number, e: Record<string, unknown>) => {
                const t = tick(tS)
                if (t < r.durationS - 1 / TICKS_PER_S) events.push({ t, ...e })
            }
            // Strapped in and holding the grip from the start; the steps one after the other.
            let t = 0.5
            for (const step of r.steps) {
                if (step.kind === "wait") t += step.forS
                else if (
                    step.kind === "preset" ||
                    step.kind === "home" ||
                    step.kind === "stop"
                ) {
                    put(t, { set: { [step.kind]: true } })
                    put(t + 0.1, { set: { [step.kind]: false } })
                    t += 0.3
                } else if (step.kind === "both") {
                    put(t, { set: { up: true, down: true } })
                    put(t + step.forS, { set: { up: false, down: false } })
                    t += step.forS + 0.2
                } else if (step.kind === "down" || step.kind === "up") {
                    put(t, { set: { [step.kind]: true } })
                    put(t + step.forS, { set: { [step.kind]: false } })
                    t += step.forS + 0.2
                } else if (step.kind === "letGo" || step.kind === "unlatch") {
                    const input = step.kind === "letGo" ? "deadman" : "latch"
                    put(t, { set: { [input]: false } })
                    if (step.forS === null) t += 0.2
                    else {
                        put(t + step.forS, { set: { [input]: true } })
                        t += step.forS + 0.2
                    }
                }
            }
            for (const f of r.faults)
                put(f.at * r.durationS, { fault: f.fault })
            for (const a of r.restarts)
                put(a * r.durationS, { fault: "power-cycle" })
            // Stable sort by time keeps each step's own order.
            events.sort((a, b) => (a.t as number) - (b.t as number))
            events.unshift({ t: 0, set: { latch: true, deadman: true } })
            const program =
                r.progress === null
                    ? {}
                    : {
                          settings: { ...r.settings, progression: true },
                          progress: r.progress,
                      }
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
                ...program,
            }
        })
}
