// The sim command: exit codes, one-line errors, and a real run writing a trace.
// A few real processes check the wiring (each start costs about a second); the other refusals run
// in-process through runSimCli, which is what the process calls.

import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { MAX_SCENARIO_BYTES, runSimCli } from "../sim/cli"
import { parseTrace, TRACE_HEADER } from "../sim/trace"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-cli-test-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: string): string {
    const p = path.join(dir, name)
    fs.writeFileSync(p, content)
    return p
}

/** The command as `npm run sim` runs it (tsx sim/cli.ts), in one process: node --import tsx. */
function sim(...args: string[]) {
    const result = spawnSync(
        process.execPath,
        ["--import", "tsx", "sim/cli.ts", ...args],
        {
            cwd: ROOT,
            encoding: "utf8",
        }
    )
    return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** runSimCli in this process, with its output captured. */
async function simInProcess(...args: string[]) {
    let stdout = ""
    let stderr = ""
    const code = await runSimCli(args, {
        out: t => (stdout += t),
        err: t => (stderr += t),
    })
    return { code, stdout, stderr }
}

function expectOneLineError(
    result: { code: number | null; stdout: string; stderr: string },
    pattern: RegExp
) {
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr).toMatch(/^[^\n]*\n$/)
    expect(result.stderr).toMatch(pattern)
}

const tiny = JSON.stringify({
    name: "tiny",
    durationS: 2,
    seed: 5,
    events: [
        { t: 0, set: { latch: true, deadman: true } },
        { t: 0.5, set: { down: true } },
        { t: 1.5, set: { deadman: false } },
    ],
})

describe("sim as a process", () => {
    it("runs a valid scenario: exit 0, the header, 50 rows per second", () => {
        const scenario = file("tiny.json", tiny)
        const trace = path.join(dir, "tiny.csv")
        const result = sim(scenario, "--trace", trace)
        expect(result.stderr).toBe("")
        expect(result.code).toBe(0)
        const csv = fs.readFileSync(trace, "utf8")
        expect(csv.split("\n")[0]).toBe(TRACE_HEADER)
        const rows = parseTrace(csv)
        expect(rows).toHaveLength(100)
        rows.forEach((row, k) => expect(row.tS).toBe(k / 50))
        // The inputs reached the controller when the scenario set them.
        expect(rows[0].latch).toBe(true)
        expect(rows[74].deadman).toBe(true)
        expect(rows[75].deadman).toBe(false)
        expect(result.stdout).toContain("trace: " + trace + " (100 rows)")
    })

    it("refuses an unknown option with one line and exit 2", () => {
        expectOneLineError(
            sim("x.json", "--tracefile", "o.csv"),
            /^sim: unknown option --tracefile \(usage: npm run sim -- SCENARIO\.json/
        )
    })

    it("refuses an invalid scenario with one line naming the file and the place, and writes nothing", () => {
        const scenario = file(
            "bad.json",
            JSON.stringify({
                durationS: 5,
                events: [{ t: 0, set: { down: "yes" } }],
            })
        )
        const trace = path.join(dir, "bad.csv")
        const result = sim(scenario, "--trace", trace)
        expectOneLineError(
            result,
            new RegExp(
                "^" +
                    scenario.replace(/[.\\/]/g, "\\$&") +
                    ': events\\[0\\]\\.set\\.down: expected true or false, got "yes"\\n$'
            )
        )
        expect(fs.existsSync(trace)).toBe(false)
    })

    // --firmware runs themselves are in firmware-loop.test.ts: they need the one VM port, in turn.
    it("checks the scenario before starting the firmware: an invalid one is refused, exit 2", () => {
        const result = sim(
            file("fw-bad.json", JSON.stringify({ durationS: 0, events: [] })),
            "--firmware"
        )
        expectOneLineError(result, /fw-bad\.json: durationS: 0 is out of range/)
    })
})

describe("sim in-process", () => {
    it("writes the trace to stdout without --trace, and nothing else", async () => {
        const result = await simInProcess(file("stdout.json", tiny))
        expect(result.code).toBe(0)
        expect(result.stderr).toBe("")
        expect(parseTrace(result.stdout)).toHaveLength(100)
    })

    it("writes a plot when asked", async () => {
        const plot = path.join(dir, "p.svg")
        const result = await simInProcess(
            file("plot.json", tiny),
            "--trace",
            path.join(dir, "p.csv"),
            "--plot",
            plot
        )
        expect(result.code).toBe(0)
        expect(fs.readFileSync(plot, "utf8")).toMatch(/^<svg /)
    })

    it("refuses a missing or unreadable scenario file", async () => {
        expectOneLineError(
            await simInProcess(path.join(dir, "nope.json")),
            /nope\.json: cannot read the scenario file \(no such file or folder\)\n$/
        )
        expectOneLineError(
            await simInProcess(dir),
            /: cannot read the scenario file \(is a folder\)\n$/
        )
    })

    it("refuses a missing value and a missing scenario", async () => {
        expectOneLineError(
            await simInProcess("x.json", "--plot"),
            /^sim: --plot needs a file name \(usage: /
        )
        expectOneLineError(
            await simInProcess(),
            /^sim: no scenario file given \(usage: /
        )
    })

    it("refuses outputs that cannot be written or would overwrite the scenario", async () => {
        const scenario = file("keep.json", tiny)
        expectOneLineError(
            await simInProcess(
                scenario,
                "--trace",
                path.join(scenario, "under-a-file", "t.csv")
            ),
            /t\.csv: cannot write here \(a part of the path is not a folder\)\n$/
        )
        const folder = path.join(dir, "folder.svg")
        fs.mkdirSync(folder, { recursive: true })
        expectOneLineError(
            await simInProcess(scenario, "--plot", folder),
            /: is a folder, expected a file name\n$/
        )
        expectOneLineError(
            await simInProcess(scenario, "--trace", scenario),
            /keep\.json: is the scenario file itself/
        )
        expect(fs.readFileSync(scenario, "utf8")).toBe(tiny)
        const same = path.join(dir, "same.svg")
        expectOneLineError(
            await simInProcess(scenario, "--trace", same, "--plot", same),
            /same\.svg: given as both --trace and --plot\n$/
        )
    })

    it("creates the missing folders of --trace and --plot (a fresh clone has no out/)", async () => {
        const fresh = path.join(dir, "fresh", "out")
        const result = await simInProcess(
            file("fresh.json", tiny),
            "--trace",
            path.join(fresh, "grip.csv"),
            "--plot",
            path.join(fresh, "plots", "grip.svg")
        )
        expect(result.code, result.stderr).toBe(0)
        expect(
            parseTrace(fs.readFileSync(path.join(fresh, "grip.csv"), "utf8"))
        ).toHaveLength(100)
        expect(
            fs.readFileSync(path.join(fresh, "plots", "grip.svg"), "utf8")
        ).toMatch(/^<svg /)
    })

    it("--plot writes SVG: another name is refused; without --trace the CSV goes nowhere, the summary to the terminal", async () => {
        expectOneLineError(
            await simInProcess(
                file("png.json", tiny),
                "--plot",
                path.join(dir, "x.png")
            ),
            /^sim: --plot writes an SVG image: name the file \.svg \(got ".*x\.png"\)/
        )
        expect(fs.existsSync(path.join(dir, "x.png"))).toBe(false)
        const plot = path.join(dir, "only.SVG")
        const result = await simInProcess(
            file("only.json", tiny),
            "--plot",
            plot
        )
        expect(result.code, result.stderr).toBe(0)
        expect(result.stdout).not.toContain(TRACE_HEADER)
        expect(result.stdout).toMatch(
            /^plot: +.*only\.SVG\nduration +2\.00 s \(100 ticks\)\n/
        )
        expect(fs.readFileSync(plot, "utf8")).toMatch(/^<svg /)
    })

    it("a trace or plot that cannot be written while running: one line, exit 4, no stack trace", async () => {
        const scenario = file("full.json", tiny)
        const result = await simInProcess(scenario, "--trace", "/dev/full")
        expect(result.code).toBe(4)
        expect(result.stdout).toBe("")
        expect(result.stderr).toBe(
            "sim: /dev/full: cannot write the trace (no space left on the device); what was written is incomplete\n"
        )
        const fullPlot = path.join(dir, "full.svg")
        fs.symlinkSync("/dev/full", fullPlot)
        const plot = await simInProcess(scenario, "--plot", fullPlot)
        expect(plot.code).toBe(4)
        expect(plot.stderr).toMatch(
            /^sim: .*full\.svg: cannot write the plot \(no space left on the device\)\n$/
        )
        const spawned = sim(scenario, "--trace", "/dev/full")
        expect(spawned.code).toBe(4)
        expect(spawned.stderr).toMatch(
            /^sim: \/dev\/full: cannot write the trace \(no space left on the device\)[^\n]*\n$/
        )
    })

    it("refuses a scenario that is not a regular file (a FIFO, /dev/zero) or is too large, with one line, without reading it", async () => {
        expectOneLineError(
            await simInProcess("/dev/zero"),
            /^\/dev\/zero: cannot read the scenario file \(not a regular file: a FIFO, a device or a socket is not read\)\n$/
        )
        const fifo = path.join(dir, "fifo.json")
        spawnSync("mkfifo", [fifo])
        expect(fs.statSync(fifo).isFIFO()).toBe(true)
        expectOneLineError(
            await simInProcess(fifo),
            /fifo\.json: cannot read the scenario file \(not a regular file/
        )
        const big = file("big.json", " ".repeat(MAX_SCENARIO_BYTES) + tiny)
        expectOneLineError(
            await simInProcess(big),
            new RegExp(
                `big\\.json: cannot read the scenario file \\(larger than ${MAX_SCENARIO_BYTES} bytes\\)\\n$`
            )
        )
    })

    it("prints the usage for --help", async () => {
        const result = await simInProcess("--help")
        expect(result.code).toBe(0)
        expect(result.stdout).toMatch(/^usage: npm run sim -- SCENARIO\.json/)
    })
})
