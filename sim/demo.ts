// `npm run demo`: the demonstration session, without the page. Runs sim/scenarios/demo.json (a
// beginner's first session) and writes out/demo.csv and out/demo.svg, then prints where they went
// and the one-screen summary.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { renderPlotSvg } from "./plot"
import { runScenario } from "./run"
import { parseScenario } from "./scenario"
import { formatSummary, summarize } from "./summary"
import { openTraceFile, TraceRow } from "./trace"

// Paths from the repository root, wherever npm start is run from.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const SCENARIO = path.join(ROOT, "sim", "scenarios", "demo.json")
const OUT_DIR = path.join(ROOT, "out")
const TRACE = path.join(OUT_DIR, "demo.csv")
const PLOT = path.join(OUT_DIR, "demo.svg")

const scenario = parseScenario(
    fs.readFileSync(SCENARIO, "utf8"),
    path.relative(ROOT, SCENARIO)
)
fs.mkdirSync(OUT_DIR, { recursive: true })
const writer = openTraceFile(TRACE)
const rows: TraceRow[] = []
runScenario(scenario, row => {
    writer.write(row)
    rows.push(row)
})
writer.close()
fs.writeFileSync(
    PLOT,
    renderPlotSvg(rows, scenario.name, {
        events: scenario.events,
        settings: scenario.settings,
    })
)

console.log(
    "scenario: " +
        path.relative(process.cwd(), SCENARIO) +
        " — " +
        scenario.name
)
console.log("trace:    " + path.relative(process.cwd(), TRACE))
console.log(
    "plot:     " +
        path.relative(process.cwd(), PLOT) +
        " (open it in a browser)"
)
console.log("")
process.stdout.write(formatSummary(summarize(rows)))
