// One session of the campaign: a scenario object (as a file would hold it) read by the strict
// reader, run on the host controller, its trace checked against the contract and measured.

import fc from "fast-check"
import { checkTrace, Violation } from "../check"
import { runScenario } from "../run"
import { parseScenario, Scenario } from "../scenario"
import { TraceRow } from "../trace"
import { figuresOf, SessionFigures } from "./figures"
import { rampsSessionArb } from "./rampsArb"
import { sessionArb, SessionOptions } from "./sessionArb"

export interface SessionResult {
    scenario: Scenario
    rows: TraceRow[]
    violations: Violation[]
    figures: SessionFigures
}

export function runSession(
    json: object,
    label = "session.json"
): SessionResult {
    const scenario = parseScenario(JSON.stringify(json), label)
    const rows: TraceRow[] = []
    runScenario(scenario, row => rows.push(row))
    return {
        scenario,
        rows,
        violations: checkTrace(scenario, rows),
        figures: figuresOf(scenario, rows),
    }
}

/** The soak's kinds of session, taken in turn: a person alone, with restarts, with faults too. */
export const SOAK_KINDS: SessionOptions[] = [
    { faults: false, restarts: false, progress: true },
    { faults: false, restarts: true, progress: true },
    { faults: true, restarts: true, progress: true },
]

/** What a soak runs: the mixed sessions of real use, or only the ramps' corner (rampsArb.ts). */
export type SoakKind = "mixed" | "ramps"

function soakArb(kind: SoakKind, i: number): fc.Arbitrary<object> {
    return kind === "ramps"
        ? rampsSessionArb
        : sessionArb(SOAK_KINDS[i % SOAK_KINDS.length])
}

/**
 * The generator's seed for session i of a soak seeded `seed`: soaks of different seeds share no
 * session (seed + i would make seed 7's session 14 seed 21's session 0).
 */
export function sessionSeed(seed: number, i: number): number {
    return (seed * 1000003 + i) % 2147483647
}

/** Session number i of a soak with this seed: the same for every run, worker and machine. */
export function soakSession(
    seed: number,
    i: number,
    kind: SoakKind = "mixed"
): object {
    return fc.sample(soakArb(kind, i), {
        seed: sessionSeed(seed, i),
        numRuns: 1,
    })[0]
}

/**
 * The smallest session fast-check finds that still breaks a rule, starting from session i (shrunk
 * along the generator), or the session itself when it no longer fails.
 */
export function shrunkSession(
    seed: number,
    i: number,
    kind: SoakKind = "mixed"
): object {
    const arb = soakArb(kind, i)
    const details = fc.check(
        fc.property(arb, json => runSession(json).violations.length === 0),
        { seed: sessionSeed(seed, i), numRuns: 1 }
    )
    return details.counterexample !== null
        ? details.counterexample[0]
        : soakSession(seed, i, kind)
}
