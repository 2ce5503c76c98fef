// A scenario on the host, through to its trace and summary: what `npm run sim -- X.json --trace`
// does (sim/cli.ts), and what the bench times (sim/bench/speed.ts).

import { runScenario } from "./run"
import { Scenario } from "./scenario"
import { formatSummary, SummaryBuilder } from "./summary"
import { streamTraceWriter } from "./trace"

/**
 * Runs the scenario, writing its trace to `sink` in chunks; returns the one-screen summary, built
 * as the rows go by (no row is kept).
 */
export function runToTrace(s: Scenario, sink: (chunk: string) => void): string {
    const writer = streamTraceWriter(sink)
    const summary = new SummaryBuilder()
    runScenario(s, row => {
        writer.write(row)
        summary.add(row)
    })
    writer.close()
    return formatSummary(summary.result())
}
