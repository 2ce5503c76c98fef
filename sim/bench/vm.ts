// Measured in the DeviceScript VM (run as a child process of the bench, in a network namespace of
// its own where the machine allows: the VM's bus port is fixed; it prints JSON):
//
//   vmTickMs        one controller tick in the VM as the firmware runs it (`devs run`, no GC
//                   stress): the tick session's recorded inputs replayed through src/control's
//                   Controller compiled for the VM (sim/firmware/replay.ts), timed in windows of
//                   WINDOW_TICKS ticks (the VM's clock has 1 ms steps and moves only at an await),
//                   less the same loop without the steps. Each window is replayed in PASSES
//                   passes and its median taken (a busy machine delays some passes); median and p95
//                   over the windows, per tick. Besides, cpuMs: the mean per tick from the VM
//                   process's own CPU time (Linux /proc), which a busy machine does not inflate
//   gripReleaseMs   through the compiled firmware against the model (firmware-in-the-loop): from
//                   the grip's release pushed on the bus while going deeper to the firmware's first
//                   TICK line with the grip released and duty 0; median, p95, worst

import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { startBridgedBus } from "../firmware/bus"
import { buildDevs, prepareDevsProject } from "../firmware/devsBuild"
import {
    parseWindowLine,
    recordHostSteps,
    REPLAY_DONE,
    tickTimingProgramSource,
} from "../firmware/replay"
import { runScenarioOnFirmware } from "../firmware/runner"
import { FirmwareVm } from "../firmware/vm"
import { GRIP_RELEASES_S, gripReleases, tickSession } from "./scenarios"
import { median, quantile } from "./stats"

const PASSES = 6
const WINDOW_TICKS = 50

export interface VmFigures {
    vmTickMs: {
        median: number
        p95: number
        windows: number
        windowTicks: number
        /** the loop, input decoding and await alone, per tick (subtracted) */
        loopMs: number
        /** the mean per tick from the VM process's CPU time (null where it cannot be read) */
        cpuMs: number | null
    }
    gripReleaseMs: {
        median: number
        p95: number
        worst: number
        releases: number
    }
}

async function vmTickMs(work: string): Promise<VmFigures["vmTickMs"]> {
    const s = tickSession()
    const steps = recordHostSteps(s)
    const dir = path.join(work, "tick-timing")
    const src = prepareDevsProject(dir)
    fs.writeFileSync(
        path.join(src, "main.ts"),
        tickTimingProgramSource(steps, s.settings, src, PASSES, WINDOW_TICKS)
    )
    const devs = await buildDevs(dir)
    const withSteps: number[][] = []
    const without: number[] = []
    /** the VM's CPU time at the end of each pass (and at the start) */
    const cpuMarks: { withSteps: boolean; cpuMs: number | null }[] = []
    const bus = await startBridgedBus()
    const vm = FirmwareVm.start({ devsFile: devs, workDir: dir })
    try {
        const done = vm.waitForLine(
            l => l.includes(REPLAY_DONE),
            "the end of the timing passes",
            120_000
        )
        done.catch(() => {})
        vm.onLine(line => {
            const w = parseWindowLine(line)
            if (w === null) return
            cpuMarks.push({
                withSteps: w.withSteps,
                cpuMs: processCpuMs(vm.pid),
            })
            if (w.withSteps) withSteps.push(w.windowsMs)
            else without.push(...w.windowsMs)
        })
        await vm.ready
        cpuMarks.push({ withSteps: false, cpuMs: processCpuMs(vm.pid) })
        await done
    } finally {
        await vm.kill()
        await bus.close()
    }
    const cpuMs = cpuPerTick(cpuMarks, steps.length)
    if (withSteps.length !== PASSES)
        throw new Error(
            `expected ${PASSES} timed passes, got ${withSteps.length}`
        )
    const loopMs = median(without) / WINDOW_TICKS
    const perTick = withSteps[0].map(
        (_, w) => median(withSteps.map(pass => pass[w])) / WINDOW_TICKS - loopMs
    )
    return {
        median: median(perTick),
        p95: quantile(perTick, 0.95),
        windows: perTick.length,
        windowTicks: WINDOW_TICKS,
        loopMs,
        cpuMs,
    }
}

/** A process's CPU time (user + system) so far, from /proc; null where there is none. */
function processCpuMs(pid: number): number | null {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
        // utime and stime (fields 14 and 15) in clock ticks of 10 ms (USER_HZ on Linux)
        return (Number(fields[11]) + Number(fields[12])) * 10
    } catch {
        return null
    }
}

/** The CPU time per tick of the passes with steps, less that of the passes without. */
function cpuPerTick(
    marks: { withSteps: boolean; cpuMs: number | null }[],
    ticks: number
): number | null {
    let withMs = 0
    let withoutMs = 0
    for (let i = 1; i < marks.length; i++) {
        const a = marks[i - 1].cpuMs
        const b = marks[i].cpuMs
        if (a === null || b === null) return null
        if (marks[i].withSteps) withMs += b - a
        else withoutMs += b - a
    }
    return (withMs - withoutMs) / (PASSES * ticks)
}

async function gripReleaseMs(): Promise<VmFigures["gripReleaseMs"]> {
    const releases: number[] = []
    const ticks: [boolean, number, number][] = []
    await runScenarioOnFirmware(gripReleases(), () => {}, {
        probe: {
            onInput: (name, level, at) => {
                if (name === "deadman" && !level) releases.push(at)
            },
            onTick: (tick, at) => ticks.push([tick.grip, tick.duty, at]),
        },
    })
    const latencies = releases.map(at => {
        const stop = ticks.find(([grip, duty, t]) => t >= at && !grip && !duty)
        if (!stop) throw new Error("a release the firmware never answered")
        return stop[2] - at
    })
    if (latencies.length !== GRIP_RELEASES_S.length)
        throw new Error(
            `expected ${GRIP_RELEASES_S.length} releases, saw ${latencies.length}`
        )
    return {
        median: median(latencies),
        p95: quantile(latencies, 0.95),
        worst: Math.max(...latencies),
        releases: latencies.length,
    }
}

export async function vmFigures(): Promise<VmFigures> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-vm-"))
    try {
        return {
            vmTickMs: await vmTickMs(work),
            gripReleaseMs: await gripReleaseMs(),
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true })
    }
}

if (process.argv[1]?.endsWith("vm.ts"))
    vmFigures().then(
        f => {
            process.stdout.write(JSON.stringify(f) + "\n")
            process.exit(0)
        },
        e => {
            process.stderr.write(String((e as Error).message ?? e) + "\n")
            process.exit(1)
        }
    )
