// The simulator's speed: simulated seconds per wall-clock second of the host runner, doing what
// `npm run sim -- X.json --trace OUT.csv` does (sim/cli.ts): every row formatted into the trace
// and written (here to a sink that drops the text), the one-screen summary made. simSpeedX is a
// two-hour session, the median of three runs; scenarioSetSpeedX every shipped scenario once.

import { Scenario } from "../scenario"
import { runToTrace } from "../traceRun"
import { median } from "./stats"

/** Simulated seconds per wall second for one run of the scenario through the trace pipeline. */
export function speedOf(s: Scenario): number {
    let chars = 0
    const t0 = performance.now()
    runToTrace(s, chunk => (chars += chunk.length))
    const wallS = (performance.now() - t0) / 1000
    if (chars === 0) throw new Error("no trace written")
    return s.durationS / wallS
}

export function simSpeedX(s: Scenario, runs = 3): number {
    const speeds: number[] = []
    for (let i = 0; i < runs; i++) speeds.push(speedOf(s))
    return median(speeds)
}

export function scenarioSetSpeedX(scenarios: Scenario[]): number {
    let simS = 0
    let chars = 0
    const t0 = performance.now()
    for (const s of scenarios) {
        runToTrace(s, chunk => (chars += chunk.length))
        simS += s.durationS
    }
    if (chars === 0) throw new Error("no trace written")
    return simS / ((performance.now() - t0) / 1000)
}
