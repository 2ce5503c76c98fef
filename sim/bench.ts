// `npm run bench [-- --json FILE] [--no-vm]`: the figures of the controller and the simulator, as a
// table on standard output and, with --json, the same figures in FILE. It reports; it asserts
// nothing (the tests do that). Wall-clock figures depend on the machine: the machine is printed
// with them. docs/performance.md explains each figure and keeps the measured ones.
//
// Host figures are measured here; the counts of calls and bytes per tick in a child process with
// its own V8 flags (sim/bench/counts.ts); the VM's figures in a child process in a network
// namespace of its own when `unshare -rn` works here (the VM's bus port is fixed: this bench then
// runs beside any other VM on the machine), else in a child that takes port 8081 if it is free.

import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { Counts } from "./bench/counts"
import { hostTickUs } from "./bench/hostTick"
import { machine } from "./bench/machine"
import { motionFigures } from "./bench/motion"
import { shippedScenarios, twoHourSession } from "./bench/scenarios"
import { scenarioSetSpeedX, simSpeedX } from "./bench/speed"
import { round } from "./bench/stats"
import { lastSuiteTimes, TEST_TIMES_FILE } from "./bench/suite"
import { VmFigures } from "./bench/vm"
import { DEVS_CLI, FIRMWARE_DEVS, REPO_ROOT } from "./firmware/paths"

const USAGE = "npm run bench [-- --json FILE] [--no-vm]"

function parseArgs(argv: string[]): { json: string | null; vm: boolean } {
    let json: string | null = null
    let vm = true
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--json" && i + 1 < argv.length) json = argv[++i]
        else if (argv[i] === "--no-vm") vm = false
        else {
            process.stderr.write(
                `bench: unknown argument ${argv[i]} (usage: ${USAGE})\n`
            )
            process.exit(2)
        }
    }
    return { json, vm }
}

/** Runs a TypeScript entry of the bench in a child process; resolves to its JSON, or the reason it gave none. */
function child<T>(
    command: string,
    args: string[]
): Promise<{ value: T } | { why: string }> {
    return new Promise(resolve => {
        const p = spawn(command, args, {
            cwd: REPO_ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        })
        let out = ""
        let err = ""
        p.stdout.on("data", d => (out += d))
        p.stderr.on("data", d => (err += d))
        p.on("error", e => resolve({ why: e.message }))
        p.on("exit", code => {
            if (code === 0) {
                try {
                    resolve({ value: JSON.parse(out) as T })
                    return
                } catch {
                    // fall through: the output was not the figures
                }
            }
            const lines = err.trim().split("\n")
            resolve({
                why: `exit ${code}: ${lines[lines.length - 1] || out.slice(-200)}`,
            })
        })
    })
}

function unshareWorks(): boolean {
    const r = spawnSync("unshare", ["-rn", "true"], { stdio: "ignore" })
    return r.status === 0
}

function vmChild(): Promise<{ value: VmFigures } | { why: string }> {
    const entry = path.join("sim", "bench", "vm.ts")
    if (unshareWorks())
        return child<VmFigures>("unshare", [
            "-rn",
            "sh",
            "-c",
            `ip link set lo up && exec "${process.execPath}" --import tsx ${entry}`,
        ])
    return child<VmFigures>(process.execPath, ["--import", "tsx", entry])
}

function buildFirmware(): string | null {
    const r = spawnSync(
        process.execPath,
        [DEVS_CLI, "build", "src/main.ts", "--quiet"],
        { cwd: REPO_ROOT, encoding: "utf8" }
    )
    return r.status === 0 ? null : `devs build failed: ${r.stderr.slice(-300)}`
}

/** The firmware's bytecode, and the part of it compiled from src/control. */
function bytecodeKb(): { total: number; control: number } {
    const total = fs.statSync(FIRMWARE_DEVS).size
    const dbg = JSON.parse(
        fs.readFileSync(
            path.join(path.dirname(FIRMWARE_DEVS), "bytecode-dbg.json"),
            "utf8"
        )
    ) as {
        sources: { path: string; length: number }[]
        functions: { location: [number, number]; size: number }[]
    }
    // A function's location is an offset into the sources laid end to end.
    let at = 0
    const sources = dbg.sources.map(s => {
        const r = { path: s.path, start: at, end: at + s.length }
        at += s.length
        return r
    })
    let control = 0
    for (const f of dbg.functions) {
        const src = sources.find(
            s => f.location[0] >= s.start && f.location[0] < s.end
        )
        if (src && src.path.startsWith("src/control/")) control += f.size
    }
    return { total: total / 1024, control: control / 1024 }
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2))
    const t0 = performance.now()
    const m = machine()
    const buildProblem = buildFirmware()

    // One after another: each figure has the machine to itself (as far as this bench goes).
    const shipped = shippedScenarios()
    const motion = motionFigures(shipped)
    const sim = simSpeedX(twoHourSession())
    const set = scenarioSetSpeedX(shipped.map(x => x.s))
    const hostTick = hostTickUs()
    // Counts, not times: both at once.
    const countChild = <T>(kind: string) =>
        child<T>(process.execPath, [
            "--jitless",
            "--expose-gc",
            "--max-semi-space-size=64",
            "--no-warnings",
            "--import",
            "tsx",
            path.join("sim", "bench", "counts.ts"),
            kind,
        ])
    const [calls, alloc] = await Promise.all([
        countChild<Counts["callsPerTick"]>("calls"),
        countChild<Counts["allocPerTick"]>("alloc"),
    ])
    const vmResult = !args.vm
        ? { why: "--no-vm" }
        : buildProblem !== null
          ? { why: buildProblem }
          : await vmChild()
    const suites = lastSuiteTimes()
    const bytecode = buildProblem === null ? bytecodeKb() : null

    const vmFig = "value" in vmResult ? vmResult.value : null
    const callsFig = "value" in calls ? calls.value : null
    const allocFig = "value" in alloc ? alloc.value : null
    const figures = {
        machine: m,
        vmTickMs: vmFig
            ? {
                  median: round(vmFig.vmTickMs.median, 3),
                  p95: round(vmFig.vmTickMs.p95, 3),
                  windows: vmFig.vmTickMs.windows,
                  windowTicks: vmFig.vmTickMs.windowTicks,
                  cpuMs:
                      vmFig.vmTickMs.cpuMs === null
                          ? null
                          : round(vmFig.vmTickMs.cpuMs, 3),
              }
            : null,
        hostTickUs: {
            median: round(hostTick.median, 2),
            p95: round(hostTick.p95, 2),
        },
        vmHostRatio: vmFig
            ? round((vmFig.vmTickMs.median * 1000) / hostTick.median, 0)
            : null,
        callsPerTick: callsFig,
        allocPerTick: allocFig,
        bytecodeKb: bytecode ? round(bytecode.total, 1) : null,
        controlBytecodeKb: bytecode ? round(bytecode.control, 1) : null,
        simSpeedX: round(sim, 0),
        scenarioSetSpeedX: round(set, 0),
        gripReleaseMs: vmFig
            ? {
                  median: round(vmFig.gripReleaseMs.median, 1),
                  p95: round(vmFig.gripReleaseMs.p95, 1),
                  worst: round(vmFig.gripReleaseMs.worst, 1),
                  releases: vmFig.gripReleaseMs.releases,
              }
            : null,
        overshootDeg: round(motion.overshootDeg, 4),
        settleS: round(motion.settleS, 2),
        peakRateRatio: round(motion.peakRateRatio, 3),
        testSuiteS: suites,
        notMeasured: {
            ...("why" in vmResult
                ? { vmTickMs: vmResult.why, gripReleaseMs: vmResult.why }
                : {}),
            ...("why" in calls ? { callsPerTick: calls.why } : {}),
            ...("why" in alloc ? { allocPerTick: alloc.why } : {}),
            ...(suites === null
                ? {
                      testSuiteS: `no ${path.relative(REPO_ROOT, TEST_TIMES_FILE)}: run npm test first`,
                  }
                : {}),
        },
        benchS: 0,
    }
    figures.benchS = round((performance.now() - t0) / 1000, 1)

    const rows: [string, string, string][] = []
    const add = (name: string, value: string, how: string) =>
        rows.push([name, value, how])
    const why = (key: keyof typeof figures.notMeasured) =>
        "not measured: " + (figures.notMeasured[key] ?? "")
    add(
        "vmTickMs",
        figures.vmTickMs
            ? `${figures.vmTickMs.median} median, ${figures.vmTickMs.p95} p95`
            : "-",
        figures.vmTickMs
            ? `one controller tick in the VM (no GC stress), ${figures.vmTickMs.windows} windows of ${figures.vmTickMs.windowTicks} ticks; by the VM's CPU time ${figures.vmTickMs.cpuMs ?? "-"}`
            : why("vmTickMs")
    )
    add(
        "hostTickUs",
        `${figures.hostTickUs.median} median, ${figures.hostTickUs.p95} p95`,
        "one Controller.step on this host (node " + m.node + ")"
    )
    add(
        "vmHostRatio",
        figures.vmHostRatio === null ? "-" : String(figures.vmHostRatio),
        "VM tick over host tick (medians)"
    )
    add(
        "callsPerTick",
        callsFig ? `${callsFig.worst} (${callsFig.worstState})` : "-",
        callsFig
            ? "calls into src/control per tick, worst state's most; medians: " +
                  Object.entries(callsFig.byState)
                      .map(([s, p]) => `${s} ${p.median}`)
                      .join(", ")
            : why("callsPerTick")
    )
    add(
        "allocPerTick",
        allocFig ? `${allocFig.worstBytes} B (${allocFig.worstState})` : "-",
        allocFig
            ? "bytes per tick on the host (V8, interpreted), worst state's median; medians: " +
                  Object.entries(allocFig.byState)
                      .map(([s, p]) => `${s} ${p.median}`)
                      .join(", ")
            : why("allocPerTick")
    )
    add(
        "bytecodeKb",
        figures.bytecodeKb === null
            ? "-"
            : `${figures.bytecodeKb} (src/control ${figures.controlBytecodeKb})`,
        "the compiled firmware, kB of 1024 bytes"
    )
    add(
        "simSpeedX",
        String(figures.simSpeedX),
        "simulated s per wall s, 2-hour session with its trace written"
    )
    add(
        "scenarioSetSpeedX",
        String(figures.scenarioSetSpeedX),
        `the same over the ${shipped.length} shipped scenarios`
    )
    add(
        "gripReleaseMs",
        figures.gripReleaseMs
            ? `${figures.gripReleaseMs.median} median, ${figures.gripReleaseMs.p95} p95, ${figures.gripReleaseMs.worst} worst`
            : "-",
        figures.gripReleaseMs
            ? `grip let go to duty 0 through the firmware in the VM, ${figures.gripReleaseMs.releases} releases`
            : why("gripReleaseMs")
    )
    add(
        "overshootDeg",
        String(figures.overshootDeg),
        `past a move's goal, worst of ${motion.moves} moves (${motion.overshootWhere || "none"})`
    )
    add(
        "settleS",
        String(figures.settleS),
        `plan arrived to the table still at the goal, worst (${motion.settleWhere})`
    )
    add(
        "peakRateRatio",
        String(figures.peakRateRatio),
        `fastest rate over its setting (${motion.peakRateWhere})`
    )
    if (suites)
        for (const [name, s] of Object.entries(suites.suites))
            add(`testSuiteS ${name}`, String(round(s, 1)), "last npm test")
    else add("testSuiteS", "-", why("testSuiteS"))
    if (suites)
        add(
            "testSuiteS total",
            String(round(suites.totalS, 1)),
            `npm test, ${suites.date}`
        )

    const w0 = Math.max(...rows.map(r => r[0].length)) + 2
    const w1 = Math.max(...rows.map(r => r[1].length)) + 2
    console.log(
        `bench ${m.date}: ${m.nproc} cores, ${m.cpu}, node ${m.node}, load ${m.loadAvg1}; ${figures.benchS} s\n`
    )
    for (const [name, value, how] of rows)
        console.log(name.padEnd(w0) + value.padEnd(w1) + how)
    if (args.json !== null) {
        fs.mkdirSync(path.dirname(path.resolve(args.json)), { recursive: true })
        fs.writeFileSync(args.json, JSON.stringify(figures, null, 4) + "\n")
        console.log(`\nfigures written to ${args.json}`)
    }
}

void main()
