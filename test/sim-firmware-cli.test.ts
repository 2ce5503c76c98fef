// `npm run sim -- X.json --firmware` as a process, against the built firmware in the DeviceScript
// VM, in real time: its progress on standard error while it runs (simulated time, state), and Ctrl-C
// (SIGINT), which writes the rows simulated so far, says so on standard error, exits 130 and leaves
// no VM behind. The runs themselves are judged in firmware-loop.test.ts.

import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { EXIT_INTERRUPTED } from "../sim/cli"
import { REPO_ROOT } from "../sim/firmware/paths"
import { parseTrace, TRACE_HEADER } from "../sim/trace"
import { isAlive, vmPidsOf } from "./fixtures/vmProcesses"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-firmware-cli-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Long enough that Ctrl-C always comes in the middle. */
const SCENARIO = JSON.stringify({
    name: "long hold",
    durationS: 120,
    events: [
        { t: 0, set: { latch: true, deadman: true } },
        { t: 1, set: { down: true } },
    ],
})

describe("sim --firmware as a process", () => {
    it("shows its progress on standard error, and Ctrl-C writes what was simulated and says so (exit 130)", async () => {
        const scenario = path.join(dir, "long.json")
        fs.writeFileSync(scenario, SCENARIO)
        const trace = path.join(dir, "out", "long.csv")
        const child = spawn(
            process.execPath,
            [
                "--import",
                "tsx",
                "sim/cli.ts",
                scenario,
                "--firmware",
                "--trace",
                trace,
            ],
            { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] }
        )
        let stdout = ""
        let stderr = ""
        child.stdout
            .setEncoding("utf8")
            .on("data", (d: string) => (stdout += d))
        const vms = new Set<number>()
        const progressSeen = new Promise<void>(resolve => {
            child.stderr.setEncoding("utf8").on("data", (d: string) => {
                stderr += d
                for (const pid of vmPidsOf(child.pid!)) vms.add(pid)
                // Two progress lines: the firmware has been ticking for a while.
                if ((stderr.match(/^firmware: /gm) ?? []).length >= 2) resolve()
            })
        })
        const exited = new Promise<number | null>(resolve =>
            child.on("exit", code => resolve(code))
        )
        await Promise.race([progressSeen, exited])
        child.kill("SIGINT")
        const code = await exited
        expect(code, stderr).toBe(EXIT_INTERRUPTED)

        const progress = stderr
            .split("\n")
            .filter(l => l.startsWith("firmware: "))
        expect(progress.length).toBeGreaterThanOrEqual(2)
        for (const line of progress)
            expect(line).toMatch(
                /^firmware: \d+\.\d s of 120 s simulated, state [a-z]+ \(real time; Ctrl-C writes what was simulated\)$/
            )
        const times = progress.map(l =>
            Number(/^firmware: ([\d.]+) s/.exec(l)![1])
        )
        expect(times[times.length - 1]).toBeGreaterThan(times[0])

        const csv = fs.readFileSync(trace, "utf8")
        expect(csv.split("\n")[0]).toBe(TRACE_HEADER)
        const rows = parseTrace(csv)
        expect(rows.length).toBeGreaterThan(0)
        rows.forEach((row, k) => expect(row.tS).toBe(k / 50))
        const said = new RegExp(
            `^sim: --firmware interrupted \\(Ctrl-C\\): ${rows.length} rows simulated \\(to ${rows[rows.length - 1].tS.toFixed(2)} s of 120 s\\); ${trace.replace(/[.\\/]/g, "\\$&")} holds them$`,
            "m"
        )
        expect(stderr).toMatch(said)
        expect(stdout).toMatch(/^trace: .*long\.csv \(\d+ rows\)$/m)
        expect(stdout).toMatch(/^interrupted: the run is incomplete$/m)
        // The VM it started is gone.
        expect(vms.size).toBeGreaterThan(0)
        for (const pid of vms) expect(isAlive(pid)).toBe(false)
    })
})
