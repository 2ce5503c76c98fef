// Property-based tests: random sessions of a person using the table (test/sessionArb.ts), with
// restarts at any tick and faults in combination, run through the simulator, every trace checked
// against the contract (sim/check.ts). fast-check shrinks a failing session to a small one and the
// failure message carries it as a scenario file that `npm run sim` replays.
//
// PROPERTY_RUNS sets the number of sessions per property (default 150; CI uses the default),
// PROPERTY_SEED the random seed (default fixed, so CI is repeatable).

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { checkTrace } from "../sim/check"
import { runScenario } from "../sim/run"
import { parseScenario } from "../sim/scenario"
import { TraceRow } from "../sim/trace"
import { sessionArb } from "../sim/campaign/sessionArb"

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150)
const SEED = Number(process.env.PROPERTY_SEED ?? 20261126)
/** Only stops a hung run: about 40 ms of work per session here, with room for a slow machine. */
const RUN_TIMEOUT_MS = 30_000 + RUNS * 400

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

describe("invariants over random sessions", () => {
    it(
        `hold for people pressing buttons and letting go (${RUNS} sessions)`,
        () => {
            fc.assert(
                fc.property(
                    sessionArb({ faults: false, restarts: false }),
                    holds
                ),
                { numRuns: RUNS, seed: SEED }
            )
        },
        RUN_TIMEOUT_MS
    )

    it(
        `hold with restarts at random ticks (${RUNS} sessions)`,
        () => {
            fc.assert(
                fc.property(
                    sessionArb({ faults: false, restarts: true }),
                    holds
                ),
                { numRuns: RUNS, seed: SEED + 1 }
            )
        },
        RUN_TIMEOUT_MS
    )

    it(
        `hold with sensor and drive faults in combination, and restarts (${RUNS} sessions)`,
        () => {
            fc.assert(
                fc.property(
                    sessionArb({ faults: true, restarts: true }),
                    holds
                ),
                { numRuns: RUNS, seed: SEED + 2 }
            )
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
