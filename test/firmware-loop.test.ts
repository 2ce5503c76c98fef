// Firmware-in-the-loop: the compiled firmware in the DeviceScript VM, against the same model table as
// the host simulator, in real time (sim/firmware/).
//
// - Harness checks that need no firmware: the port check, a missing firmware, cleanup of the VM
//   when the process that started it dies.
// - Conformance: a host scenario's controller inputs, recorded tick by tick, replayed through the
//   same src/control Controller compiled for the VM; every tick's outputs must match the host's.
// - Short scenarios against the built firmware (grip released while going deeper, latch opened
//   away from home, IMU stale, power cycle while inverted, stored settings), judged by the same
//   rules as on the host (sim/check.ts) plus targeted assertions, with the extra latency of the bus
//   allowed for (FIL_LATENCY_S).
//
// One VM at a time can use port 8081: this file runs its tests one after another, and
// vitest.config.ts runs it alone, after every other test file ("vm" project).
// Wall time: about 70 s (each scenario runs in real time, plus ~2.5 s per VM start).

import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
    DEADMAN_STOP_MS,
    DEADMAN_STOP_TRAVEL_DEG,
    IMU_FAULT_UP_DUTY,
    IMU_STALE_MS,
    LATCH_HELPER_RATE_DPS,
    TICK_MS,
} from "../src/control/limits"
import { defaultSettings } from "../src/control/settings"
import { OPEN_LOOP_FASTEST_DPS_PER_DUTY } from "../src/control/tuning"
import { DEBOUNCE_TICKS } from "../src/hw/debounce"
import {
    checkTrace,
    RATE_TRACKING_TOLERANCE_DPS,
    Violation,
} from "../sim/check"
import { EXIT_FIRMWARE, runSimCli } from "../sim/cli"
import { startBridgedBus } from "../sim/firmware/bus"
import { buildDevs, prepareDevsProject } from "../sim/firmware/devsBuild"
import {
    firmwareDevsPath,
    FIRMWARE_ENV,
    REPO_ROOT,
} from "../sim/firmware/paths"
import {
    describeLateness,
    disturbed as lateBeyondLimits,
    ON_TIME_ATTEMPTS,
} from "./fixtures/realTime"
import { isAlive, vmPidsOf } from "./fixtures/vmProcesses"
import {
    parseReplayLine,
    parseTimingLine,
    recordHostSteps,
    REPLAY_DONE,
    replayProgramSource,
    ReplayedStep,
} from "../sim/firmware/replay"
import {
    FirmwareRunOptions,
    FirmwareRunReport,
    runScenarioOnFirmware,
} from "../sim/firmware/runner"
import { FloodCount, floodService } from "../sim/campaign/fuzzVm"
import { FirmwareVm } from "../sim/firmware/vm"
import { runScenario } from "../sim/run"
import { parseScenario, Scenario } from "../sim/scenario"
import { parseTrace, TraceRow } from "../sim/trace"

const TICK_S = TICK_MS / 1000

// ---- allowances (stated once, with their reason) ----

/**
 * How much later a change shows in a firmware-in-the-loop trace than on the host, where an input
 * takes effect in the tick it changes. Through the firmware it waits up to one firmware tick (the
 * VM's loop runs at its own phase), then its debounce (DEBOUNCE_TICKS ticks, src/hw/debounce.ts),
 * and the trip over the bus; the row is completed at the next host tick. Measured, from the grip's
 * release pushed on the bus to the firmware's TICK line with duty 0: 25.1-40.4 ms over 47 releases
 * in 9 runs, median ~31 ms (each run settles at its own phase between the two loops; the motor's
 * write arrives 0.1-0.3 ms before that line); the FIL prototype saw tails of up to ~50 ms from the
 * VM's packet throttle: BUS_TAIL_S.
 */
const BUS_TAIL_S = 0.05
const FIL_LATENCY_S = (1 + DEBOUNCE_TICKS + 1) * TICK_S + BUS_TAIL_S
/** The VM exits this soon after the process that started it is killed (watchdog: 250 ms polls). */
const ORPHAN_EXIT_MS = 3000
/** Another run of these tests on the same machine may hold the one VM port: wait a while for it. */
const PORT_WAIT_MS = 60_000

// ---- the firmware under test ----

const work = fs.mkdtempSync(path.join(os.tmpdir(), "fil-test-"))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/**
 * The built firmware, copied aside now: `devs build` of anything in the repository overwrites the
 * one build output. Null (with the reason) when it does not follow the harness contract yet: it
 * must print TICK lines and have the contract's roles.
 */
function snapshotFirmware(): { devs: string | null; why: string } {
    const built = firmwareDevsPath()
    if (!fs.existsSync(built))
        return { devs: null, why: `no firmware built at ${built}` }
    const bytes = fs.readFileSync(built)
    const missing = [
        "TICK ",
        "accel",
        "gyro",
        "grip",
        "latch",
        "motor",
        "homeSwitch",
    ].filter(s => bytes.indexOf(Buffer.from(s)) < 0)
    if (missing.length > 0)
        return {
            devs: null,
            why: `the built firmware lacks ${missing.join(", ")}: it does not follow the harness contract yet`,
        }
    const copy = path.join(work, "firmware.devs")
    fs.copyFileSync(built, copy)
    return { devs: copy, why: "" }
}
const FIRMWARE = snapshotFirmware()

// ---- helpers ----

function scenario(name: string, json: object): Scenario {
    return parseScenario(JSON.stringify({ name, ...json }), name)
}

async function waitUntil(
    cond: () => boolean,
    timeoutMs: number
): Promise<boolean> {
    const end = performance.now() + timeoutMs
    while (performance.now() < end) {
        if (cond()) return true
        await new Promise(r => setTimeout(r, 50))
    }
    return cond()
}

interface FilRun {
    rows: TraceRow[]
    report: FirmwareRunReport
    /** input changes pushed: [input, level, performance.now()] */
    inputs: [string, boolean, number][]
    /** TICK lines: [grip, duty, performance.now()] */
    ticks: [boolean, number, number][]
}

/** The machine too busy to keep real time in this run (fixtures/realTime.ts): its trace would show the machine's stalls. */
function disturbed(r: FirmwareRunReport): boolean {
    return lateBeyondLimits(lateness(r))
}

function lateness(r: FirmwareRunReport) {
    return { firmwareStepMs: r.maxFirmwareStepMs, hostLateMs: r.maxHostLateMs }
}

function timing(r: FirmwareRunReport): string {
    return describeLateness(lateness(r))
}

/** Runs the scenario against the firmware; again (ON_TIME_ATTEMPTS runs in all) while the machine does not keep real time. */
async function runFil(
    s: Scenario,
    signal: AbortSignal,
    alongside?: FirmwareRunOptions["alongside"]
): Promise<FilRun> {
    let run: FilRun | null = null
    for (let attempt = 0; attempt < ON_TIME_ATTEMPTS; attempt++) {
        const r: FilRun = {
            rows: [],
            report: null as unknown as FirmwareRunReport,
            inputs: [],
            ticks: [],
        }
        r.report = await runScenarioOnFirmware(s, row => r.rows.push(row), {
            devsFile: FIRMWARE.devs!,
            waitForPortMs: PORT_WAIT_MS,
            signal, // a timed-out test stops its run, and the VM, instead of holding the port
            alongside,
            probe: {
                onInput: (name, level, at) => r.inputs.push([name, level, at]),
                onTick: (tick, at) => r.ticks.push([tick.grip, tick.duty, at]),
            },
        })
        run = r
        if (!disturbed(r.report)) break
        console.warn(
            `firmware-loop.test: ${s.name}: the machine did not keep real time (${timing(r.report)}); running it again`
        )
    }
    expect(vmPidsOf(process.pid), "no VM left after a run").toEqual([])
    return run!
}

/** Rules of sim/check.ts judged against the scenario's input timeline rather than the controller's view. */
const TIMELINE_RULES = ["imu-fault-duty", "latch-fault"]
/**
 * Rules a real-time run cannot be held to: the acceleration of a commanded move over 0.1 s windows
 * shows every stall of a busy machine (a firmware tick late by 20 ms jerks the model's motor). The
 * controller's outputs are proven identical to the host's by the conformance replay, and the host's
 * traces keep the rule (expectHostClean).
 */
const REAL_TIME_RULES = ["accel"]

/**
 * checkTrace, less what the bus latency alone explains: a rule judged against the scenario's input
 * timeline (e.g. "driving without UP held") broken within FIL_LATENCY_S after that input changed.
 */
function violations(s: Scenario, rows: TraceRow[]): Violation[] {
    const changes = s.events
        .filter(e => Object.keys(e.set).length > 0)
        .map(e => e.t)
    return checkTrace(s, rows).filter(
        v =>
            !REAL_TIME_RULES.includes(v.rule) &&
            !(
                TIMELINE_RULES.includes(v.rule) &&
                changes.some(t => v.tS >= t && v.tS - t <= FIL_LATENCY_S + 1e-9)
            )
    )
}

/** The scenario on the host: the rules must hold there, or the scenario judges the controller, not the firmware. */
function expectHostClean(s: Scenario): void {
    const rows: TraceRow[] = []
    runScenario(s, r => rows.push(r))
    expect(
        checkTrace(s, rows),
        "the host controller keeps every rule in this scenario"
    ).toEqual([])
}

function rowsBetween(rows: TraceRow[], fromS: number, toS: number): TraceRow[] {
    return rows.filter(r => r.tS >= fromS - 1e-9 && r.tS < toS - 1e-9)
}

function firstRow(
    rows: TraceRow[],
    fromS: number,
    test: (r: TraceRow) => boolean
): TraceRow | undefined {
    return rows.find(r => r.tS >= fromS - 1e-9 && test(r))
}

function median(xs: number[]): number {
    const s = xs.slice().sort((a, b) => a - b)
    return s.length % 2
        ? s[(s.length - 1) / 2]
        : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

// ---- the tests, one after another ----

describe.sequential("firmware-in-the-loop harness", () => {
    it("refuses in one line when the port is taken, and names it (exit 3)", async () => {
        const holder = net.createServer()
        await new Promise<void>(resolve =>
            holder.listen(8081, "127.0.0.1", resolve)
        )
        try {
            const file = path.join(work, "port.json")
            fs.writeFileSync(file, JSON.stringify({ durationS: 1, events: [] }))
            let err = ""
            const code = await runSimCli([file, "--firmware"], {
                out: () => {},
                err: t => (err += t),
            })
            expect(code).toBe(EXIT_FIRMWARE)
            expect(err).toMatch(
                /^sim: --firmware: port 127\.0\.0\.1:8081 is in use: [^\n]*\n$/
            )
        } finally {
            await new Promise(r => holder.close(r))
        }
    })

    it("refuses in one line when there is no compiled firmware (exit 3), and writes no trace", async () => {
        const file = path.join(work, "nofw.json")
        const trace = path.join(work, "nofw.csv")
        fs.writeFileSync(file, JSON.stringify({ durationS: 1, events: [] }))
        const saved = process.env[FIRMWARE_ENV]
        process.env[FIRMWARE_ENV] = path.join(work, "no-such.devs")
        try {
            let err = ""
            const code = await runSimCli(
                [file, "--firmware", "--trace", trace],
                { out: () => {}, err: t => (err += t) }
            )
            expect(code).toBe(EXIT_FIRMWARE)
            expect(err).toMatch(
                /^sim: --firmware: no compiled firmware at .*no-such\.devs; run npm run build:firmware first\n$/
            )
            expect(fs.existsSync(trace)).toBe(false)
        } finally {
            if (saved === undefined) delete process.env[FIRMWARE_ENV]
            else process.env[FIRMWARE_ENV] = saved
        }
    })

    it("never leaves a VM behind when the process that started it is killed (SIGKILL, SIGTERM)", async () => {
        const holder = path.join(REPO_ROOT, "test", "fixtures", "vm-holder.ts")
        for (const signal of ["SIGKILL", "SIGTERM"] as const) {
            // node --import tsx: one process (the tsx command would run the script in a child of its own).
            const child = spawn(process.execPath, ["--import", "tsx", holder], {
                cwd: REPO_ROOT,
                stdio: ["ignore", "pipe", "inherit"],
            })
            const vmPid = await new Promise<number>((resolve, reject) => {
                let out = ""
                child.stdout.on("data", d => {
                    out += d
                    const m = /VM (\d+)/.exec(out)
                    if (m) resolve(Number(m[1]))
                })
                child.on("exit", code =>
                    reject(
                        new Error(
                            `the holder exited (${code}) before starting a VM: ${out}`
                        )
                    )
                )
            })
            expect(isAlive(vmPid)).toBe(true)
            child.kill(signal)
            expect(
                await waitUntil(() => !isAlive(vmPid), ORPHAN_EXIT_MS),
                `VM ${vmPid} still running after ${signal} of its parent`
            ).toBe(true)
        }
    })
})

describe.sequential(
    "conformance: the controller compiled for the VM gives the host's outputs",
    () => {
        // Covers boot, idle, moving, the dead-man grace and return, holding, PRESET, STOP, UP, a noisy
        // then a stale sensor (imu fault) and UP open-loop. 20 s = 1000 ticks: the recorded inputs fill
        // 56 KB of the program; the VM aborts a program much above 110 KB.
        const s = scenario("conformance", {
            durationS: 20,
            seed: 11,
            settings: {
                maxAngleDeg: 30,
                progression: false,
                maxRateDps: 6,
                accelDps2: 6,
                deadmanGraceS: 2,
            },
            events: [
                { t: 0, set: { latch: true, deadman: true } },
                { t: 0.6, set: { down: true } },
                { t: 4, set: { deadman: false } },
                { t: 4.3, set: { down: false } },
                { t: 7, set: { deadman: true } },
                { t: 8, set: { preset: true } },
                { t: 8.2, set: { preset: false } },
                { t: 9.5, set: { stop: true } },
                { t: 9.7, set: { stop: false } },
                { t: 10, set: { up: true } },
                { t: 11.5, set: { up: false }, fault: "imu-noise" },
                { t: 12.5, fault: "clear" },
                { t: 13, fault: "imu-stale" },
                { t: 14, set: { up: true } },
                { t: 16, set: { up: false } },
                { t: 17, fault: "clear" },
            ],
        })
        let host: ReturnType<typeof recordHostSteps> = []
        const vm: ReplayedStep[] = []
        let vmTiming: { ticks: number; ms: number } | null = null

        beforeAll(async () => {
            host = recordHostSteps(s)
            const dir = path.join(work, "replay")
            const src = prepareDevsProject(dir)
            fs.writeFileSync(
                path.join(src, "main.ts"),
                replayProgramSource(host, s.settings, src)
            )
            const devs = await buildDevs(dir)
            const bus = await startBridgedBus(undefined, PORT_WAIT_MS)
            const replay = FirmwareVm.start({ devsFile: devs, workDir: dir })
            try {
                const done = replay.waitForLine(
                    l => l.includes(REPLAY_DONE),
                    "the end of the replay",
                    60000
                )
                done.catch(() => {}) // awaited below, after `ready` (which reports a failed start first)
                replay.onLine(line => {
                    const step = parseReplayLine(line)
                    if (step) vm.push(step)
                    vmTiming = parseTimingLine(line) ?? vmTiming
                })
                await replay.ready
                await done
            } finally {
                await replay.kill()
                await bus.close()
            }
        })

        it("replays every tick", () => {
            const states = new Set(host.map(h => h.out.state))
            for (const state of [
                "boot",
                "idle",
                "moving",
                "deadman",
                "returning",
                "holding",
                "fault",
            ])
                expect(states, `the scenario reaches ${state}`).toContain(state)
            expect(vm.map(r => r.k)).toEqual(host.map((_, k) => k))
            expect(vmTiming?.ticks).toBe(host.length)
        })

        it("gives the same duty, estimate, target, state and faults at every tick", () => {
            // The same IEEE doubles in, the same operations: bit for bit here; 1e-9 would still
            // tolerate a last-digit difference of a math routine should one ever appear.
            let exact = 0
            for (let k = 0; k < host.length; k++) {
                const h = host[k].out
                const v = vm[k]
                const at = `tick ${k} (t=${(k * TICK_S).toFixed(2)} s)`
                expect(v.state, at).toBe(h.state)
                expect(v.faults, at).toEqual(h.faults)
                expect(v.duty, at).toBeCloseTo(h.duty, 9)
                expect(v.estDeg, at).toBeCloseTo(h.estDeg, 9)
                expect(v.targetDeg, at).toBeCloseTo(h.targetDeg, 9)
                if (
                    v.duty === h.duty &&
                    v.estDeg === h.estDeg &&
                    v.targetDeg === h.targetDeg
                )
                    exact++
            }
            console.info(
                `conformance: ${exact} of ${host.length} ticks bit-exact; VM ${(vmTiming!.ms / vmTiming!.ticks).toFixed(3)} ms per controller tick`
            )
        })
    }
)

/** A scenario takes its duration plus ~3 s per firmware start (plus PORT_WAIT_MS at worst); a hung one fails long before vitest's own limit. */
const SCENARIO_TIMEOUT_MS = 120_000

describe(
    "scenarios against the firmware in the VM",
    { timeout: SCENARIO_TIMEOUT_MS },
    () => {
        it("has a built firmware that follows the harness contract", () => {
            expect(FIRMWARE.why).toBe("")
        })

        afterAll(async () => {
            expect(
                await waitUntil(
                    () => vmPidsOf(process.pid).length === 0,
                    ORPHAN_EXIT_MS
                ),
                "no VM left at the end"
            ).toBe(true)
        })

        it("a flood of service packets while the user goes deeper and lets go: the stop and the return home as without it, no fault, no restart", async ({
            signal,
        }) => {
            const release = 4
            const s = scenario("a flood of service packets", {
                durationS: 16,
                seed: 7,
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 1, set: { down: true } },
                    { t: release, set: { deadman: false } },
                    { t: release + 0.3, set: { down: false } },
                ],
            })
            expectHostClean(s)
            // Random and malformed packets into the service, as fast as the bus takes them, from
            // the firmware's start to the end of the run.
            const floods: FloodCount[] = []
            const { rows, report } = await runFil(s, signal, session => {
                const stop = floodService(session, 20261202, 0)
                return async () => {
                    floods.push(await stop())
                }
            })
            const flood = floods[floods.length - 1]
            console.info(
                `flood: ${flood.sent} packets in ${(report.wallMs / 1000).toFixed(1)} s, ${flood.refusedEvents} refused events; ${timing(report)}`
            )
            expect(flood.sent).toBeGreaterThan(100 * s.durationS)
            expect(flood.refusedEvents).toBeGreaterThan(0)
            expect(report.boots, "no restart").toHaveLength(1)
            expect(violations(s, rows), timing(report)).toEqual([])
            const before = rows.find(
                r => Math.abs(r.tS - (release - TICK_S)) < 1e-9
            )!
            expect(before.state).toBe("moving")
            expect(before.rateDps).toBeGreaterThan(1)
            const stopped = firstRow(rows, release, r => r.duty === 0)!
            expect(stopped.tS - release).toBeLessThanOrEqual(
                FIL_LATENCY_S + 1e-9
            )
            expect(rows.some(r => r.state === "returning")).toBe(true)
            const last = rows[rows.length - 1]
            expect(last.state, "home at the end").toBe("idle")
            expect(last.faults).toEqual([])
        })

        it("grip released while going deeper: the drive stops at once, every time; then the return home", async ({
            signal,
        }) => {
            const releases = [2.3, 4.8, 7.3]
            const finalRelease = 10
            const events: object[] = [
                { t: 0, set: { latch: true, deadman: true } },
            ]
            for (const t of releases)
                events.push(
                    { t: t - 1.3, set: { down: true } },
                    { t, set: { deadman: false } },
                    { t: t + 0.3, set: { down: false } },
                    { t: t + 0.8, set: { deadman: true } }
                )
            events.push(
                { t: finalRelease - 1.5, set: { down: true } },
                { t: finalRelease, set: { deadman: false } },
                { t: finalRelease + 0.3, set: { down: false } }
            )
            const s = scenario("grip release while going deeper", {
                durationS: 15,
                seed: 4,
                events,
            })
            expectHostClean(s)
            const { rows, inputs, ticks, report } = await runFil(s, signal)

            expect(violations(s, rows), timing(report)).toEqual([])
            const grace = s.settings.deadmanGraceS
            for (const t of [...releases, finalRelease]) {
                const before = rows.find(
                    r => Math.abs(r.tS - (t - TICK_S)) < 1e-9
                )!
                expect(
                    before.state,
                    `moving deeper when the grip is let go at ${t} s`
                ).toBe("moving")
                expect(before.rateDps).toBeGreaterThan(1)
                const stopped = firstRow(
                    rows,
                    t,
                    r => !r.deadman && r.duty === 0
                )!
                expect(
                    stopped.tS - t,
                    `duty 0 after the release at ${t} s`
                ).toBeLessThanOrEqual(FIL_LATENCY_S + 1e-9)
                const after = rowsBetween(
                    rows,
                    t,
                    t + DEADMAN_STOP_MS / 1000 + FIL_LATENCY_S + 0.3
                )
                const rise =
                    Math.max(...after.map(r => r.angleDeg)) - before.angleDeg
                expect(
                    rise,
                    `travel after the release at ${t} s`
                ).toBeLessThanOrEqual(DEADMAN_STOP_TRAVEL_DEG)
                const late = rowsBetween(
                    rows,
                    t + DEADMAN_STOP_MS / 1000 + FIL_LATENCY_S,
                    t + 0.6
                )
                for (const r of late)
                    expect(
                        r.rateDps,
                        `still going deeper at ${r.tS} s`
                    ).toBeLessThanOrEqual(0.05)
            }
            // Gripped again within the grace: stop and hold, no return.
            for (const t of releases)
                expect(
                    rowsBetween(rows, t + 0.8 + FIL_LATENCY_S, t + 1.2).every(
                        r => r.state === "holding" && r.duty === 0
                    )
                ).toBe(true)
            // Let go for good: the return starts after the grace period and heads home.
            const returning = firstRow(
                rows,
                finalRelease,
                r => r.state === "returning"
            )!
            expect(returning.tS - finalRelease).toBeGreaterThanOrEqual(
                grace - 0.05
            )
            expect(returning.tS - finalRelease).toBeLessThanOrEqual(
                grace + FIL_LATENCY_S + 0.1
            )
            expect(rows[rows.length - 1].rateDps).toBeLessThan(-1)

            // The latency itself: from the grip's release pushed on the bus to the firmware's duty 0.
            const latencies = inputs
                .filter(([name, level]) => name === "deadman" && !level)
                .map(
                    ([, , at]) =>
                        ticks.find(
                            ([grip, duty, t]) => t >= at && !grip && duty === 0
                        )![2] - at
                )
            expect(latencies).toHaveLength(releases.length + 1)
            for (const ms of latencies)
                expect(ms).toBeLessThanOrEqual(FIL_LATENCY_S * 1000)
            console.info(
                `grip release to duty 0 in the VM: min ${Math.min(...latencies).toFixed(1)}, median ${median(latencies).toFixed(1)}, max ${Math.max(...latencies).toFixed(1)} ms; ${timing(report)}`
            )
        })

        it("latch opened away from home: stop, latch fault; DOWN does nothing; only UP held, slowly", async ({
            signal,
        }) => {
            // UP stays held to the end: on release the helper decelerates over half a second, which
            // check.ts counts as "driving without UP held" on the host too.
            const s = scenario("latch opens away from home", {
                durationS: 9,
                seed: 8,
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 0.6, set: { down: true } },
                    { t: 3.5, set: { latch: false } },
                    { t: 4, set: { down: false } },
                    { t: 4.5, set: { down: true } },
                    { t: 5.3, set: { down: false } },
                    { t: 6, set: { up: true } },
                ],
            })
            expectHostClean(s)
            const { rows, report } = await runFil(s, signal)

            expect(violations(s, rows), timing(report)).toEqual([])
            const fault = firstRow(rows, 3.5, r => r.faults.includes("latch"))!
            expect(fault.tS - 3.5).toBeLessThanOrEqual(FIL_LATENCY_S + 1e-9)
            expect(fault.duty).toBe(0)
            expect(
                rowsBetween(rows, fault.tS, 9).every(
                    r => r.faults.includes("latch") && r.state === "fault"
                )
            ).toBe(true)
            expect(rowsBetween(rows, fault.tS, 9).every(r => r.duty <= 0)).toBe(
                true
            )
            expect(
                rowsBetween(rows, 4.5, 6).every(r => r.duty === 0),
                "DOWN does nothing"
            ).toBe(true)
            const helped = rowsBetween(rows, 6 + FIL_LATENCY_S, 9)
            expect(
                helped.some(r => r.duty < 0),
                "UP held moves the table toward home"
            ).toBe(true)
            for (const r of helped)
                expect(-r.rateDps).toBeLessThanOrEqual(
                    LATCH_HELPER_RATE_DPS + RATE_TRACKING_TOLERANCE_DPS
                )
            expect(Math.min(...helped.map(r => r.rateDps))).toBeLessThan(-0.5)
        })

        it("IMU stale: imu fault within 100 ms (plus the bus); motor off; UP held drives home open-loop at 30 % at most, ramped up and down", async ({
            signal,
        }) => {
            const s = scenario("IMU goes stale", {
                durationS: 8.5,
                seed: 17,
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 0.6, set: { down: true } },
                    { t: 3.5, set: { down: false } },
                    { t: 4, fault: "imu-stale" },
                    { t: 5, set: { up: true } },
                    { t: 6.5, set: { up: false } },
                ],
            })
            expectHostClean(s)
            const { rows, report } = await runFil(s, signal)

            expect(violations(s, rows), timing(report)).toEqual([])
            expect(
                rowsBetween(rows, 0, 4).every(r => r.faults.length === 0),
                "no fault before the sensor stops"
            ).toBe(true)
            const fault = firstRow(rows, 4, r => r.faults.includes("imu"))!
            expect(fault.tS - 4).toBeLessThanOrEqual(
                IMU_STALE_MS / 1000 + 2 * TICK_S + FIL_LATENCY_S
            )
            expect(fault.duty).toBe(0)
            expect(
                rowsBetween(rows, fault.tS, 5).every(r => r.duty === 0),
                "motor off until UP"
            ).toBe(true)
            const up = rowsBetween(rows, 5 + FIL_LATENCY_S, 6.5)
            for (const r of up)
                expect(r.duty).toBeGreaterThanOrEqual(-IMU_FAULT_UP_DUTY - 1e-9)
            expect(
                up.some(r => r.duty < 0),
                "UP held drives"
            ).toBe(true)
            expect(
                Math.min(...up.map(r => r.rateDps)),
                "toward home"
            ).toBeLessThan(-0.5)
            // Released: the open-loop duty ramps down, never up, and is off within the ramp's time.
            const down = rowsBetween(rows, 6.5 + FIL_LATENCY_S, 8.5)
            for (let i = 1; i < down.length; i++)
                expect(Math.abs(down[i].duty)).toBeLessThanOrEqual(
                    Math.abs(down[i - 1].duty)
                )
            const rampS =
                IMU_FAULT_UP_DUTY /
                (s.settings.accelDps2 / OPEN_LOOP_FASTEST_DPS_PER_DUTY)
            expect(
                firstRow(rows, 6.5, r => r.duty === 0)!.tS - 6.5
            ).toBeLessThanOrEqual(rampS + FIL_LATENCY_S)
        })

        it("power cycle while inverted (through `npm run sim -- … --firmware`): the table keeps its angle; a restart away from home ends the session, so once booted the table returns home at once", async ({
            signal,
        }) => {
            const file = path.join(work, "power-cycle.json")
            const trace = path.join(work, "power-cycle.csv")
            const json = {
                name: "power cycle while inverted",
                durationS: 7,
                seed: 25,
                table: { startAngleDeg: 20 },
                // The program off: a new table's 15-degree cap would make 20 degrees an overtravel.
                settings: { progression: false },
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 1, set: { deadman: false }, fault: "power-cycle" },
                ],
            }
            fs.writeFileSync(file, JSON.stringify(json))
            const runCommand = () =>
                new Promise<{
                    code: number | null
                    out: string
                    err: string
                }>(resolve => {
                    // What `npm run sim` runs (tsx sim/cli.ts), in one process: node --import tsx.
                    const child = spawn(
                        process.execPath,
                        [
                            "--import",
                            "tsx",
                            "sim/cli.ts",
                            file,
                            "--firmware",
                            "--trace",
                            trace,
                        ],
                        {
                            cwd: REPO_ROOT,
                            env: {
                                ...process.env,
                                [FIRMWARE_ENV]: FIRMWARE.devs!,
                            },
                            signal, // SIGTERM on a timeout: the command kills its VM on the way out
                        }
                    )
                    let out = ""
                    let err = ""
                    child.stdout.on("data", d => (out += d))
                    child.stderr.on("data", d => (err += d))
                    child.on("exit", code => resolve({ code, out, err }))
                })
            // The command reports how well the machine kept time: a disturbed run is run again.
            const firmwareLine =
                /\nfirmware: \d+ ticks in [\d.]+ s real time, 1 power cycle; firmware step max (\d+) ms, host late max ([\d.]+) ms\n/
            let result = await runCommand()
            for (let attempt = 1; attempt < ON_TIME_ATTEMPTS; attempt++) {
                const m = firmwareLine.exec(result.out)
                const late = m && {
                    firmwareStepMs: Number(m[1]),
                    hostLateMs: Number(m[2]),
                }
                if (result.code !== 0 || !late || !lateBeyondLimits(late)) break
                console.warn(
                    `firmware-loop.test: power cycle while inverted: the machine did not keep real time (${describeLateness(late)}); running it again`
                )
                result = await runCommand()
            }
            // Standard error holds only the progress lines (sim-firmware-cli.test.ts checks them).
            expect(
                result.err
                    .split("\n")
                    .filter(
                        l =>
                            l !== "" &&
                            !/^firmware: [\d.]+ s of 7 s simulated, state /.test(
                                l
                            )
                    )
            ).toEqual([])
            expect(result.code).toBe(0)
            expect(result.out).toMatch(
                /^trace: .*power-cycle\.csv \(350 rows\)\n/
            )
            expect(result.out).toMatch(firmwareLine)
            expect(vmPidsOf(process.pid)).toEqual([])

            // parseTrace enforces the trace format: every number finite, at most 4 decimals.
            const rows = parseTrace(fs.readFileSync(trace, "utf8"))
            const s = parseScenario(JSON.stringify(json), file)
            expectHostClean(s)
            expect(rows).toHaveLength(350)
            expect(violations(s, rows)).toEqual([])
            // A start away from home ends the session too: the table heads home from the first boot
            // (slowly at first: the ramp), and the restart at 1 s changes nothing of that.
            expect(
                Math.max(
                    ...rowsBetween(rows, 0, 1).map(r =>
                        Math.abs(r.angleDeg - 20)
                    )
                )
            ).toBeLessThan(2)
            expect(rows[50].state, "the restarted controller boots").toBe(
                "boot"
            )
            // The drive is cut at the restart: the table (heading home since the first boot) keeps
            // its angle but for one tick at its speed and the motor's short coast.
            expect(
                Math.abs(rows[50].angleDeg - rows[49].angleDeg),
                "the table keeps its angle"
            ).toBeLessThan(Math.abs(rows[49].rateDps) * TICK_S + 0.02)
            const booted = firstRow(rows, 1, r => r.state !== "boot")!
            expect(booted.state, "the session is over: returning").toBe(
                "returning"
            )
            expect(booted.tS - 1).toBeLessThan(s.settings.deadmanGraceS)
            expect(rows[rows.length - 1].rateDps, "heading home").toBeLessThan(
                -1
            )
        })

        it("stored settings: the scenario's settings reach the firmware through the VM's flash, and survive a power cycle", async ({
            signal,
        }) => {
            const settings = {
                maxRateDps: 2.5,
                returnRateDps: 2.5,
                progression: false,
            }
            const s = scenario("stored settings", {
                durationS: 6,
                seed: 2,
                settings,
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 0.6, set: { down: true } },
                    { t: 3.5, set: { down: false } },
                    { t: 4, set: { deadman: false }, fault: "power-cycle" },
                ],
            })
            expect(s.settings.maxRateDps).not.toBe(defaultSettings().maxRateDps)
            expectHostClean(s)
            const { rows, report } = await runFil(s, signal)
            expect(violations(s, rows), timing(report)).toEqual([])
            expect(
                rows.every(r => !r.faults.includes("settings")),
                "the stored record is read without complaint"
            ).toBe(true)
            const moving = rowsBetween(rows, 1.5, 3.5)
            expect(
                Math.max(...moving.map(r => r.rateDps)),
                "maxRateDps 2.5, not the default 4"
            ).toBeLessThanOrEqual(
                settings.maxRateDps + RATE_TRACKING_TOLERANCE_DPS
            )
            expect(Math.max(...moving.map(r => r.rateDps))).toBeGreaterThan(
                settings.maxRateDps - 0.5
            )
            // After the restart (away from home: the session is over) the table returns at the
            // stored returnRateDps, not the default 4.
            const back = rowsBetween(rows, 4.5, 6)
            expect(
                Math.min(...back.map(r => r.rateDps)),
                "returnRateDps 2.5 after the restart, not the default 4"
            ).toBeGreaterThanOrEqual(
                -settings.returnRateDps - RATE_TRACKING_TOLERANCE_DPS
            )
            expect(Math.min(...back.map(r => r.rateDps))).toBeLessThan(-1.5)
            expect(report.boots).toHaveLength(2)
        })

        it("a direction fault is kept over a power cycle in the firmware's flash: UP after the restart moves nothing", async ({
            signal,
        }) => {
            const s = scenario("direction fault over a restart", {
                durationS: 16,
                seed: 3,
                settings: { progression: false },
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 0.6, set: { down: true } },
                    { t: 5, set: { down: false } },
                    { t: 6, fault: "motor-reversed" },
                    { t: 6.5, set: { up: true } },
                    { t: 8.5, set: { up: false } },
                    { t: 10, fault: "power-cycle" },
                    { t: 12, set: { up: true } },
                    { t: 15, set: { up: false } },
                ],
            })
            expectHostClean(s)
            const { rows, report } = await runFil(s, signal)
            expect(violations(s, rows), timing(report)).toEqual([])
            const fault = firstRow(rows, 6.5, r =>
                r.faults.includes("direction")
            )!
            expect(fault.tS).toBeLessThan(8)
            const booted = firstRow(rows, 10, r => r.state !== "boot")!
            expect(booted.faults, "kept over the restart").toContain(
                "direction"
            )
            const after = rowsBetween(rows, booted.tS, 16)
            expect(after.every(r => r.duty === 0)).toBe(true)
            expect(
                Math.max(...after.map(r => r.angleDeg)),
                "UP after the restart takes the user no deeper"
            ).toBeLessThanOrEqual(
                Math.max(
                    ...rowsBetween(rows, fault.tS, 10).map(r => r.angleDeg)
                ) + 0.05
            )
            expect(report.boots).toHaveLength(2)
        })
    }
)

// The exercise program through the firmware: the cap, the first-use gate, a restart in the middle of
// a session, and a session that counts (the progress in the VM's flash, as on a table). Home at -45
// and the fastest rates keep the travel short; the counting rule itself needs its 60 s near the cap.
describe(
    "the exercise program through the firmware",
    { timeout: SCENARIO_TIMEOUT_MS },
    () => {
        const FAST = {
            homeDeg: -45,
            maxRateDps: 8,
            returnRateDps: 8,
            accelDps2: 10,
        }
        /** How far past the cap a trace may go (the planner's landing, the estimate's noise). */
        const CAP_MARGIN_DEG = 0.5

        it("first use: warnings not acknowledged, the table goes no further than flat (cap 0) whatever DOWN asks", async ({
            signal,
        }) => {
            const s = scenario("first use", {
                durationS: 10,
                seed: 3,
                settings: FAST,
                progress: { warningsAcknowledged: false },
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 0.6, set: { down: true } },
                    { t: 9, set: { down: false } },
                ],
            })
            expectHostClean(s)
            const { rows, report } = await runFil(s, signal)
            expect(violations(s, rows), timing(report)).toEqual([])
            expect(rows.every(r => r.capDeg === 0)).toBe(true)
            const deepest = Math.max(...rows.map(r => r.estDeg))
            expect(deepest).toBeLessThanOrEqual(CAP_MARGIN_DEG)
            // DOWN did move it (the cap stops it, nothing else does): up to flat.
            expect(deepest).toBeGreaterThan(-1.5)
        })

        it("the cap (25 after one counted session) stops DOWN; a restart mid-session ends it and the table returns home", async ({
            signal,
        }) => {
            const cap = 25
            const s = scenario("cap and restart", {
                durationS: 30,
                seed: 4,
                settings: FAST,
                progress: { countedSessions: 1 },
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 0.6, set: { down: true } },
                    { t: 12.5, set: { down: false } },
                    { t: 13, fault: "power-cycle" },
                ],
            })
            expectHostClean(s)
            const { rows, report } = await runFil(s, signal)
            expect(violations(s, rows), timing(report)).toEqual([])
            expect(report.boots).toHaveLength(2)
            const before = rowsBetween(rows, 1, 13)
            expect(before.every(r => r.capDeg === cap)).toBe(true)
            expect(Math.max(...rows.map(r => r.estDeg))).toBeLessThanOrEqual(
                cap + CAP_MARGIN_DEG
            )
            const held = rowsBetween(rows, 11.5, 12.5)
            expect(Math.min(...held.map(r => r.estDeg))).toBeGreaterThan(
                cap - 1
            )
            // After the restart: never deeper than where it was, and home again before the end.
            const after = rowsBetween(rows, 13, 30)
            expect(Math.max(...after.map(r => r.estDeg))).toBeLessThanOrEqual(
                cap + CAP_MARGIN_DEG
            )
            expect(rows[rows.length - 1].estDeg).toBeLessThan(FAST.homeDeg + 3)
        })

        // 87 s of real time a run, and runFil may need ON_TIME_ATTEMPTS runs on a busy machine.
        it(
            "a session 60 s at its cap, ended at home, counts: the counted sound, then the next cap",
            {
                timeout: ON_TIME_ATTEMPTS * 100_000,
            },
            async ({ signal }) => {
                const s = scenario("a session that counts", {
                    durationS: 87,
                    seed: 5,
                    settings: FAST,
                    progress: {
                        countedSessions: 1,
                        sinceLastCountedS: 20000,
                        countedInLast24h: 1,
                    },
                    events: [
                        { t: 0, set: { latch: true, deadman: true } },
                        { t: 0.6, set: { down: true } },
                        { t: 12, set: { down: false } },
                        { t: 73, set: { home: true } },
                        { t: 73.3, set: { home: false } },
                    ],
                })
                expectHostClean(s)
                const { rows, report } = await runFil(s, signal)
                expect(violations(s, rows), timing(report)).toEqual([])
                expect(
                    rowsBetween(rows, 1, 72).every(r => r.capDeg === 25)
                ).toBe(true)
                const counted = rows.find(r => r.sound === "counted")
                expect(counted, "the counted sound").toBeDefined()
                expect(counted!.estDeg).toBeLessThan(FAST.homeDeg + 3)
                // The count went to 2 (cap 35): the cap shown at home after the session says so.
                expect(rows[rows.length - 1].capDeg).toBe(35)
            }
        )
    }
)
