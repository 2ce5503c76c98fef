// Property-based tests: random timelines of inputs and faults, run through the simulator, every trace
// checked against the contract (sim/check.ts). fast-check shrinks a failing timeline to a small one
// and the failure message carries it as a scenario file that `npm run sim` replays.
//
// PROPERTY_RUNS sets the number of timelines (default 150; CI uses the default), PROPERTY_SEED the
// random seed (default fixed, so CI is repeatable).

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { SETTINGS_SCHEMA } from "../src/control/settings"
import { checkTrace } from "../sim/check"
import { runScenario } from "../sim/run"
import { INPUT_NAMES, parseScenario, SCENARIO_FAULTS } from "../sim/scenario"
import { TraceRow } from "../sim/trace"

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150)
const SEED = Number(process.env.PROPERTY_SEED ?? 20261126)
/** Only stops a hung run: about 20 ms of work per timeline here, with room for a slow machine. */
const RUN_TIMEOUT_MS = 30_000 + RUNS * 200

const INPUTS = INPUT_NAMES
const FAULTS = SCENARIO_FAULTS

/** User settings drawn from the schema's own ranges (whole numbers keep counterexamples readable).
 *  The calibration values stay at their defaults: the simulated IMU is mounted true. */
const settingsArb = fc.record(
    Object.fromEntries(
        SETTINGS_SCHEMA.filter(spec => spec.group === "user").map(spec => [
            spec.key,
            spec.kind === "boolean"
                ? fc.constant(false)
                : fc.integer({ min: spec.min, max: spec.max }),
        ])
    )
)

/** What a person does: mostly holding grip and latch and pressing buttons, sometimes letting go. */
const setArb = fc
    .uniqueArray(fc.constantFrom(...INPUTS), { minLength: 1, maxLength: 3 })
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
    )

function scenarioArb(withFaults: boolean) {
    return fc
        .record({
            durationS: fc.integer({ min: 20, max: 120 }),
            seed: fc.integer({ min: 1, max: 1000000 }),
            settings: settingsArb,
            startFraction: fc.double({ min: 0, max: 1, noNaN: true }),
            startAtHome: fc.boolean(),
            userMassKg: fc.integer({ min: 30, max: 160 }),
            imuNoise: fc.double({ min: 0, max: 3, noNaN: true }),
            events: fc.array(
                fc.record({
                    tFraction: fc.double({
                        min: 0,
                        max: 1,
                        noNaN: true,
                        maxExcluded: true,
                    }),
                    set: setArb,
                    fault: withFaults
                        ? fc.option(fc.constantFrom(...FAULTS), { freq: 3 })
                        : fc.constant(null),
                }),
                { maxLength: 25 }
            ),
        })
        .map(r => {
            const home = r.settings.homeDeg as number
            const deepest = Math.min(90, r.settings.maxAngleDeg as number)
            const start = r.startAtHome
                ? home
                : home + r.startFraction * (deepest - home)
            const events = r.events
                .map(e => {
                    const ev: Record<string, unknown> = {
                        t: Math.floor(e.tFraction * r.durationS * 50) / 50,
                        set: e.set,
                    }
                    if (e.fault) ev.fault = e.fault
                    return ev
                })
                .sort((a, b) => (a.t as number) - (b.t as number))
            // Most sessions begin the way a person would: strapped in and holding the grip.
            events.unshift({ t: 0, set: { latch: true, deadman: true } })
            return {
                name: "property",
                durationS: r.durationS,
                seed: r.seed,
                table: {
                    startAngleDeg: Math.round(start * 100) / 100,
                    userMassKg: r.userMassKg,
                    imuNoise: Math.round(r.imuNoise * 100) / 100,
                },
                settings: r.settings,
                events,
            }
        })
}

function run(json: object): TraceRow[] {
    const scenario = parseScenario(JSON.stringify(json), "property.json")
    const rows: TraceRow[] = []
    runScenario(scenario, row => rows.push(row))
    return rows
}

function holds(json: object): boolean {
    const scenario = parseScenario(JSON.stringify(json), "property.json")
    const rows = run(json)
    const violations = checkTrace(scenario, rows)
    if (violations.length > 0) {
        throw new Error(
            violations
                .slice(0, 5)
                .map(v => `${v.rule} at ${v.tS.toFixed(2)} s: ${v.detail}`)
                .join("\n") +
                "\nscenario:\n" +
                JSON.stringify(json)
        )
    }
    return true
}

describe("invariants over random timelines", () => {
    it(
        `hold for people pressing buttons and letting go (${RUNS} timelines)`,
        () => {
            fc.assert(fc.property(scenarioArb(false), holds), {
                numRuns: RUNS,
                seed: SEED,
            })
        },
        RUN_TIMEOUT_MS
    )

    it(
        `hold with sensor and drive faults injected (${RUNS} timelines)`,
        () => {
            fc.assert(fc.property(scenarioArb(true), holds), {
                numRuns: RUNS,
                seed: SEED + 1,
            })
        },
        RUN_TIMEOUT_MS
    )

    it("catch a controller that breaks a rule (the checker can fail)", () => {
        // A trace doctored to go deeper after the grip is let go must be refused.
        const json = {
            durationS: 5,
            settings: { progression: false },
            events: [{ t: 0, set: { latch: true, deadman: true } }],
        }
        const scenario = parseScenario(JSON.stringify(json), "x.json")
        const rows = run(json)
        const doctored = rows.map((r, k) => ({
            ...r,
            deadman: k < 100,
            angleDeg: k < 100 ? r.angleDeg : r.angleDeg + (k - 100) * 0.05,
        }))
        const rules = checkTrace(scenario, doctored).map(v => v.rule)
        expect(rules).toContain("deeper-without-grip")
    })
})
