// The calibration console against the simulated table: the compiled firmware in the DeviceScript VM
// (a live harness session, sim/console/liveSim.ts, whose button pad, grip and latch this test works
// as a person at the table would), reached over ws://127.0.0.1:8081 as a real table is through
// `devs devtools --serial`.
//
// Most commands run in-process (runConsole, the same code as the command line, output captured);
// some spawn the real one-shot command (sim/console/main.ts, what `npm run console -- ...` runs,
// in one process: node --import tsx) to prove the command line and its exit codes.
//
// Covered: status; writes, save, defaults and every calibration step refused outside service mode
// (exit 1, nothing changed); bad input refused before sending (exit 2, the table's command and
// settings counters unchanged); service mode entered at the pad; each calibration step with its
// outcome (level refused at home: not flat; home, axis, gyro done); watch and log; the first-use
// warnings and ack; two consoles at once; the settings round trip set -> save -> power cycle ->
// read back, timed; a table that stops answering, a bus without a table, no bus at all (exit 3).
//
// One VM at a time can use port 8081: this file is in the "vm" project (vitest.config.ts), which runs
// its files one after another, after every other test file. Wall time: about a minute.

import { ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { PassThrough, Writable } from "node:stream"
import { jdpack, Packet } from "jacdac-ts"
import { WebSocket, WebSocketServer } from "ws"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SETTINGS_SCHEMA, defaultSettings } from "../src/control/settings"
import {
    CALIBRATION_STEP_NAMES,
    CMD_CALIBRATE,
    CMD_CLEAR_FAULTS,
    INVERSION_TABLE_SERVICE_CLASS,
    REFUSAL_COMMAND,
    REFUSAL_WRITE,
    REG_COMMANDS_RUN,
    REG_LAST_SEQ,
    REG_SETTINGS_REVISION,
    settingRegister,
} from "../src/service/protocol"
import { ConsoleIo } from "../sim/console/console"
import {
    EXIT_NO_TABLE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    RefusedError,
} from "../sim/console/exitCodes"
import { CSV_HEADER } from "../sim/console/format"
import { LiveSimTable } from "../sim/console/liveSim"
import { runConsole } from "../sim/console/main"
import { SeqCounter } from "../sim/console/seq"
import { TableClient } from "../sim/console/table"
import {
    BusLink,
    BUS_URL,
    connectBus,
    isListening,
} from "../sim/console/transport"
import { liveChildCount } from "../sim/firmware/cleanup"
import { firmwareDevsPath, REPO_ROOT } from "../sim/firmware/paths"
import { onTimeTester } from "./fixtures/realTime"
import { isAlive, vmPidsOf } from "./fixtures/vmProcesses"

const CONSOLE_MAIN = path.join(REPO_ROOT, "sim", "console", "main.ts")
const work = fs.mkdtempSync(path.join(os.tmpdir(), "console-test-"))

/**
 * The built firmware, copied aside (a `devs build` of another entry overwrites the one output), or
 * null with the reason when it does not serve the table's service yet.
 */
function snapshotFirmware(): { devs: string | null; why: string } {
    const built = firmwareDevsPath()
    if (!fs.existsSync(built))
        return { devs: null, why: `no firmware built at ${built}` }
    const bytes = fs.readFileSync(built)
    if (bytes.indexOf(Buffer.from("InversionTable")) < 0)
        return {
            devs: null,
            why: "the built firmware does not serve the InversionTable service yet",
        }
    const copy = path.join(work, "firmware.devs")
    fs.copyFileSync(built, copy)
    return { devs: copy, why: "" }
}
const FIRMWARE = snapshotFirmware()
// A firmware that is missing or lacks the service fails these tests (npm test builds it first).
const withFirmware = describe

interface Run {
    code: number
    out: string
    err: string
    ms: number
}

function captureIo(
    answers: string[] = []
): ConsoleIo & { outLines: string[]; errLines: string[] } {
    const outLines: string[] = []
    const errLines: string[] = []
    return {
        outLines,
        errLines,
        out: t => outLines.push(t),
        err: t => errLines.push(t),
        live: t => outLines.push(t),
        endLive: () => {},
        ask: answers.length > 0 ? async () => answers.shift() ?? null : null,
    }
}

/** A one-shot command in this process (the command line's code, output captured). */
async function oneShot(argv: string[], signal?: AbortSignal): Promise<Run> {
    const io = captureIo()
    const t0 = performance.now()
    const code = await runConsole(argv, { io, signal })
    return {
        code,
        out: io.outLines.join("\n"),
        err: io.errLines.join("\n"),
        ms: performance.now() - t0,
    }
}

interface SpawnedRun extends Run {
    /** VM processes seen as children of the console while it ran */
    vmPids: number[]
}

/** The real one-shot command: `npm run console -- ARGS` is `tsx sim/console/main.ts ARGS` (here in one process). */
function spawnConsole(
    argv: string[],
    timeoutMs = 30000,
    whileRunning?: (child: ChildProcess, out: () => string) => void
): Promise<SpawnedRun> {
    return new Promise((resolve, reject) => {
        const t0 = performance.now()
        const child = spawn(
            process.execPath,
            ["--import", "tsx", CONSOLE_MAIN, ...argv],
            {
                cwd: REPO_ROOT,
                stdio: ["ignore", "pipe", "pipe"],
                env: {
                    ...process.env,
                    INVERSION_CONSOLE_HISTORY: path.join(work, "history"),
                },
            }
        )
        let out = ""
        let err = ""
        child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d))
        child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d))
        const vmPids = new Set<number>()
        const watch = setInterval(() => {
            for (const pid of vmPidsOf(child.pid!)) vmPids.add(pid)
        }, 100)
        const timer = setTimeout(() => {
            child.kill("SIGKILL")
            reject(
                new Error(
                    `console ${argv.join(" ")} did not exit within ${timeoutMs} ms: ${out} ${err}`
                )
            )
        }, timeoutMs)
        child.on("exit", (code, signal) => {
            clearTimeout(timer)
            clearInterval(watch)
            resolve({
                code: code ?? (signal ? 128 : -1),
                out: out.trimEnd(),
                err: err.trimEnd(),
                ms: performance.now() - t0,
                vmPids: [...vmPids],
            })
        })
        whileRunning?.(child, () => out)
    })
}

/** An interactive session fed with `script` (lines), its output captured. */
async function interactive(
    script: string,
    beforeEnd?: () => Promise<void>
): Promise<{ code: number; text: string; err: string }> {
    const input = new PassThrough()
    let text = ""
    const output = new Writable({
        write(chunk, _enc, done) {
            text += String(chunk)
            done()
        },
    })
    const io = captureIo()
    const run = runConsole([], {
        io,
        input,
        output,
        history: path.join(work, "history"),
    })
    input.write(script)
    if (beforeEnd) await beforeEnd()
    const code = await run
    return { code, text, err: io.errLines.join("\n") }
}

/** An error is one line. */
function oneLineError(run: Run): string {
    expect(run.err.split("\n"), `one error line: ${run.err}`).toHaveLength(1)
    return run.err
}

let sim: LiveSimTable
let probeLink: BusLink
/** A console-side client of the test's own, to read the table's counters (proof that nothing was sent). */
let probe: TableClient
const vmLines: string[] = []

async function counters(): Promise<{
    commands: number
    lastSeq: number
    revision: number
}> {
    return {
        commands: await probe.readNumber(REG_COMMANDS_RUN, "commands_run"),
        lastSeq: await probe.readNumber(REG_LAST_SEQ, "last_seq"),
        revision: await probe.readNumber(
            REG_SETTINGS_REVISION,
            "settings_revision"
        ),
    }
}

afterAll(async () => {
    await probeLink?.close()
    await sim?.close()
    fs.rmSync(work, { recursive: true, force: true })
    expect(liveChildCount(), "no VM left running").toBe(0)
})

/**
 * Service mode for the tests that need it. A loaded machine can delay a VM tick past 100 ms: the
 * firmware then raises `watchdog`, which ends service mode, as it should. The test then does what a
 * technician would: STOP at home clears it, and STOP+UP enters service mode again.
 */
async function ensureServiceMode(sim: LiveSimTable): Promise<void> {
    if (sim.latest?.state === "service") return
    await clearFaults(sim)
    await sim.enterServiceMode()
}

/** STOP at home, as a technician clears faults whose cause has gone (until they are gone, 10 s at most). */
async function clearFaults(sim: LiveSimTable): Promise<void> {
    for (let i = 0; i < 10 && (sim.latest?.faults.length ?? 0) > 0; i++) {
        await sim.hold(["stop"], 120)
        await sim
            .waitForTick(t => t.faults.length === 0, "the faults cleared", 1000)
            .catch(() => {})
    }
}

/** Back to where the tests start: idle at home, no fault, not in service mode. */
async function backToIdle(sim: LiveSimTable): Promise<void> {
    if (sim.latest?.state === "service") await sim.leaveServiceMode()
    await clearFaults(sim)
    if (sim.latest?.state !== "idle") await sim.waitForState("idle", 5000)
}

/** The tests on the live table: judged only when the machine kept real time (fixtures/realTime.ts). */
const onTime = onTimeTester({
    lateSince: atMs => sim.lateSince(atMs),
    recover: () => backToIdle(sim),
})

withFirmware("the console against the simulated firmware", () => {
    it("has a built firmware that serves the table's service", () => {
        expect(FIRMWARE.why).toBe("")
    })

    beforeAll(async () => {
        const t0 = performance.now()
        sim = await LiveSimTable.start({
            devsFile: FIRMWARE.devs!,
            settings: defaultSettings(),
            onVmLine: l => void (!l.includes("TICK ") && vmLines.push(l)),
        })
        probeLink = await connectBus()
        probe = await TableClient.open(probeLink)
        console.log(
            `simulated table up in ${Math.round(performance.now() - t0)} ms`
        )
    }, 60_000)

    onTime(
        "status (the real one-shot command): idle at home, latch open, warnings not acknowledged",
        async () => {
            const run = await spawnConsole(["status"])
            expect(run.code, run.err).toBe(EXIT_OK)
            expect(run.err).toBe("")
            expect(run.out).toMatch(/^angle +-6[456]\.\d deg$/m)
            expect(run.out).toMatch(/^state +idle \(at home, motor off\)$/m)
            expect(run.out).toMatch(/^faults +none$/m)
            expect(run.out).toMatch(/^latch +open$/m)
            expect(run.out).toMatch(/^grip +released$/m)
            expect(run.out).toMatch(/^session +0 s inverted$/m)
            expect(run.out).toMatch(
                /^deepest angle +0 deg .*0 until the warnings are acknowledged/m
            )
            expect(run.out).toMatch(/^calibration +no step run since start$/m)
            expect(run.out).toMatch(/^warnings +NOT acknowledged/m)
            console.log(`spawned one-shot status: ${Math.round(run.ms)} ms`)
            // --sim with a table already on the bus: it just connects (starts no VM of its own).
            const get = await spawnConsole(["--sim", "get", "maxRateDps"])
            expect(get).toMatchObject({
                code: EXIT_OK,
                out: "maxRateDps = 4 deg/s",
                err: "",
                vmPids: [],
            })
        }
    )

    onTime(
        "outside service mode: writes, save, defaults and every calibration step are refused (exit 1), nothing changes",
        async () => {
            const before = await counters()
            const set = await spawnConsole(["set", "maxRateDps", "3"])
            expect(set.code).toBe(EXIT_REFUSED)
            expect(oneLineError(set)).toBe(
                "the table refused: maxRateDps: only in service mode: hold STOP and UP together for 3 s at home with the latch open"
            )
            // What the table said, as fields: a write, to maxRateDps's register.
            expect(await probe.lastError()).toEqual({
                kind: REFUSAL_WRITE,
                seq: 0,
                code: settingRegister("maxRateDps"),
                step: 0,
                reason: "only in service mode: hold STOP and UP together for 3 s at home with the latch open",
            })
            // The client's own refusal carries them too.
            const refusal = await probe.writeSetting("maxRateDps", 3).then(
                () => null,
                (e: unknown) => e
            )
            expect(refusal).toBeInstanceOf(RefusedError)
            expect((refusal as RefusedError).refusal).toMatchObject({
                kind: REFUSAL_WRITE,
                code: settingRegister("maxRateDps"),
            })
            expect((await oneShot(["get", "maxRateDps"])).out).toBe(
                "maxRateDps = 4 deg/s"
            )
            for (const argv of [["save"], ["defaults"]]) {
                const run = await oneShot(argv)
                expect(run.code, argv.join(" ")).toBe(EXIT_REFUSED)
                expect(oneLineError(run)).toMatch(
                    /^the table refused (save|restore_defaults): only in service mode/
                )
            }
            for (const step of ["level", "gyro", "home", "axis"]) {
                const run = await oneShot(["calibrate", step])
                expect(run.code, step).toBe(EXIT_REFUSED)
                expect(oneLineError(run)).toBe(
                    `calibrate ${step}: refused: only in service mode: hold STOP and UP together for 3 s at home with the latch open`
                )
                // As fields: the console's calibrate (the last command handled: its seq), the step.
                const lastSeq = await probe.readNumber(REG_LAST_SEQ, "last_seq")
                expect(await probe.lastError(), step).toEqual({
                    kind: REFUSAL_COMMAND,
                    seq: lastSeq,
                    code: CMD_CALIBRATE,
                    step: CALIBRATION_STEP_NAMES.indexOf(step),
                    reason: expect.stringMatching(/^only in service mode/),
                })
                expect(await probe.calibration(), step).toEqual({
                    step,
                    status: "refused",
                    message: expect.stringMatching(/^only in service mode/),
                })
            }
            const after = await counters()
            expect(after.revision).toBe(before.revision) // no setting changed
            expect(after.commands).toBe(before.commands + 6) // save, defaults, 4 x calibrate: each handled once
            expect((await oneShot(["get"])).out).toMatch(/maxRateDps +4 deg\/s/)
        }
    )

    onTime(
        "bad input is refused before anything is sent (exit 2, one line, the table's counters unchanged)",
        async () => {
            const before = await counters()
            const cases: [string[], RegExp][] = [
                [
                    ["set", "maxRateDps", "12"],
                    /^maxRateDps: 12 is out of range 1..8 deg\/s$/,
                ],
                [
                    ["set", "maxRateDps", "fast"],
                    /^maxRateDps: "fast" is not a number \(range 1..8 deg\/s\)$/,
                ],
                [
                    ["set", "homeDeg", "-40"],
                    /^homeDeg: -40 is out of range -85..-45 deg$/,
                ],
                [["set", "progression", "maybe"], /expected true\/false/],
                [["set", "maxSpeed", "3"], /^unknown setting "maxSpeed"/],
                [["calibrate", "everything"], /unknown step "everything"/],
                [["frobnicate"], /^unknown command "frobnicate"/],
                [["status", "\u0001\u0002garbage"], /unreadable input/],
                [["watch", "--seconds", "-1"], /--seconds/],
            ]
            for (const [argv, message] of cases) {
                const run = await oneShot(argv)
                expect(run.code, argv.join(" ")).toBe(EXIT_USAGE)
                expect(oneLineError(run)).toMatch(message)
                expect(run.out).toBe("")
            }
            const spawned = await spawnConsole(["set", "maxRateDps", "9"])
            expect(spawned.code).toBe(EXIT_USAGE)
            expect(oneLineError(spawned)).toBe(
                "maxRateDps: 9 is out of range 1..8 deg/s"
            )
            expect(await counters()).toEqual(before)
        }
    )

    onTime(
        "interactive: the first-use warnings are offered, errors are one line, the session goes on",
        async () => {
            const { code, text, err } = await interactive(
                "help get\nstatus\nset maxRateDps 99\nset maxRateDps 3\nnonsense\nget maxRateDps\nquit\n"
            )
            expect(code).toBe(EXIT_OK)
            expect(err).toMatch(
                /^connected to the inversion table [0-9a-f]{16} on ws:\/\/127.0.0.1:8081; type help/
            )
            expect(text).toContain(
                "This table's first-use warnings have not been acknowledged yet."
            )
            expect(text).toMatch(/glaucoma/)
            expect(text).toContain("Type ack to acknowledge them")
            expect(text).toContain("get [KEY]")
            expect(text).toMatch(/^state +idle/m)
            expect(text).toContain(
                "maxRateDps: 99 is out of range 1..8 deg/s\n"
            )
            expect(text).toContain(
                "the table refused: maxRateDps: only in service mode"
            )
            expect(text).toContain(
                'unknown command "nonsense": type help for the list\n'
            )
            expect(text).toContain("maxRateDps = 4 deg/s\n")
            expect(
                fs.readFileSync(path.join(work, "history"), "utf8")
            ).toContain("set maxRateDps 3\n")
        }
    )

    onTime(
        "watch and log follow the 10 Hz telemetry for the seconds asked",
        async () => {
            const watch = await oneShot(["watch", "--seconds", "1"])
            expect(watch.code).toBe(EXIT_OK)
            const lines = watch.out
                .split("\n")
                .filter(l => l.startsWith("angle"))
            expect(lines.length).toBeGreaterThanOrEqual(7)
            expect(lines.length).toBeLessThanOrEqual(13)
            expect(lines[0]).toMatch(
                /^angle +-6\d\.\d deg +target +-6\d\.\d deg +rate +-?\d\.\d deg\/s +idle/
            )
            const file = path.join(work, "telemetry.csv")
            const log = await oneShot(["log", file, "--seconds", "2"])
            expect(log.code, log.err).toBe(EXIT_OK)
            const rows = fs.readFileSync(file, "utf8").trimEnd().split("\n")
            expect(rows[0]).toBe(CSV_HEADER)
            expect(rows.length - 1).toBeGreaterThanOrEqual(15)
            expect(rows.length - 1).toBeLessThanOrEqual(24)
            expect(log.out).toContain(
                `${rows.length - 1} rows written to ${file}`
            )
            for (const row of rows.slice(1))
                expect(row).toMatch(
                    /^[\d.]+,-6\d(\.\d+)?,-6\d(\.\d+)?,-?[\d.]+,0,idle,-,0,0,0,0$/
                )
            // Ended by a signal (Ctrl-C, Enter) before its time.
            const stop = new AbortController()
            setTimeout(() => stop.abort(), 700)
            const stopped = await oneShot(["watch"], stop.signal)
            expect(stopped.code).toBe(EXIT_OK)
            expect(stopped.ms).toBeLessThan(3000)
            // The table streams only while someone listens.
            const samples = await probe.read(0x03, "streaming_samples")
            expect(samples[0]).toBe(0)
        }
    )

    onTime(
        "ack: shows the warnings and records the acknowledgement (one-shot --yes)",
        async () => {
            const run = await spawnConsole(["ack", "--yes"])
            expect(run.code, run.err).toBe(EXIT_OK)
            expect(run.out).toMatch(
                /heart disease, high blood pressure or glaucoma/
            )
            expect(run.out).toMatch(/someone watching/)
            expect(run.out).toMatch(/straps twice/)
            expect(run.out.split("\n").at(-1)).toBe(
                "Acknowledged: recorded on the table."
            )
            expect((await oneShot(["status"])).out).toMatch(
                /^warnings +acknowledged$/m
            )
        },
        { retry: false }
    )

    onTime(
        "two consoles at once: each command runs once, each console sees its own",
        async () => {
            const otherLink = await connectBus()
            try {
                const a = probe
                const b = await TableClient.open(
                    otherLink,
                    5000,
                    new SeqCounter()
                )
                const before = await a.readNumber(
                    REG_COMMANDS_RUN,
                    "commands_run"
                )
                // Each console runs its commands one after another, both at the same time.
                const three = async (c: TableClient) => [
                    await c.command(CMD_CLEAR_FAULTS),
                    await c.command(CMD_CLEAR_FAULTS),
                    await c.command(CMD_CLEAR_FAULTS),
                ]
                const [seqsA, seqsB] = await Promise.all([three(a), three(b)])
                expect(new Set([...seqsA, ...seqsB]).size).toBe(6)
                expect(
                    await a.readNumber(REG_COMMANDS_RUN, "commands_run")
                ).toBe(before + 6)
                // Even several commands in flight on one client at once are each run once and seen.
                await Promise.all([
                    a.command(CMD_CLEAR_FAULTS),
                    a.command(CMD_CLEAR_FAULTS),
                    b.command(CMD_CLEAR_FAULTS),
                    b.command(CMD_CLEAR_FAULTS),
                ])
                expect(
                    await a.readNumber(REG_COMMANDS_RUN, "commands_run")
                ).toBe(before + 10)
                b.dispose()
            } finally {
                await otherLink.close()
            }
        }
    )

    onTime(
        "garbage on the bus crashes neither the table nor the console",
        async () => {
            const before = await counters()
            const raw = new WebSocket(BUS_URL)
            await new Promise(
                (r, j) => (raw.once("open", r), raw.once("error", j))
            )
            let junk = 12345
            const rand = () =>
                (junk = (junk * 1103515245 + 12345) % 2 ** 31) & 0xff
            for (let i = 0; i < 200; i++)
                raw.send(
                    Buffer.from(Array.from({ length: 1 + (i % 40) }, rand))
                )
            raw.send("not a frame")
            raw.close()
            // Well-formed packets with bad payloads, straight to the table's service.
            const svc = probeLink.bus
                .services({ serviceClass: INVERSION_TABLE_SERVICE_CLASS })
                .find(x => !x.device.lost)!
            const send = (cmd: number, data: Uint8Array) =>
                svc.sendPacketAsync(Packet.from(cmd, data))
            await send(CMD_CALIBRATE, new Uint8Array([]))
            await send(CMD_CALIBRATE, jdpack("u32 u8", [777001, 0]))
            await send(CMD_CALIBRATE, jdpack("u32 u8", [777002, 200]))
            await send(0x99, new Uint8Array([1, 2, 3]))
            await send(
                0x2000 | settingRegister("maxRateDps"),
                new Uint8Array([7])
            )
            await send(
                0x2000 | settingRegister("progression"),
                new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])
            )
            await send(0x2000 | 0x180, jdpack("i22.10", [45])) // a read-only register
            await new Promise(r => setTimeout(r, 300))
            expect(sim.problem).toBeNull()
            const status = await oneShot(["status"])
            expect(status.code, status.err).toBe(EXIT_OK)
            expect(status.out).toMatch(/^state +idle/m)
            expect((await oneShot(["get", "maxRateDps"])).out).toBe(
                "maxRateDps = 4 deg/s"
            )
            expect((await counters()).revision).toBe(before.revision)
        }
    )

    onTime(
        "service mode (STOP+UP held 3 s at the pad): each calibration step and its outcome",
        async () => {
            await sim.enterServiceMode()
            expect((await oneShot(["status"])).out).toMatch(/^state +service/m)
            // level: the table is at home, not flat against a spirit level.
            const level = await spawnConsole(["calibrate", "level"])
            expect(level.code).toBe(EXIT_REFUSED)
            expect(oneLineError(level)).toMatch(
                /^calibrate level: refused: the table reads -6\d(\.\d)? deg, not flat: lock it flat against a spirit level first$/
            )
            // home: at its loading stop.
            const home = await oneShot(["calibrate", "home"])
            expect(home.code, home.err).toBe(EXIT_OK)
            expect(home.out).toMatch(
                /^calibrate home: done: home angle -6\d(\.\d)? deg$/m
            )
            expect(await probe.calibration()).toEqual({
                step: "home",
                status: "done",
                message: expect.stringMatching(/^home angle -6\d(\.\d)? deg$/),
            })
            // axis: a small move deeper, the angle must rise.
            const axis = await oneShot(["calibrate", "axis"])
            expect(axis.code, axis.err).toBe(EXIT_OK)
            expect(axis.out).toMatch(
                /^calibrate axis: done: axis agrees: the angle rose [\d.]+ deg$/m
            )
            // gyro: the table still (after the axis move it settles first).
            await sim.waitForTick(t => t.duty === 0, "the motor off", 5000)
            let gyro: Run = await oneShot(["calibrate", "gyro"])
            let gyroTries = 0
            for (
                ;
                gyroTries < 10 &&
                gyro.code === EXIT_REFUSED &&
                /moving/.test(gyro.err);
                gyroTries++
            ) {
                await new Promise(r => setTimeout(r, 500))
                gyro = await oneShot(["calibrate", "gyro"])
            }
            if (gyroTries > 0)
                console.log(
                    `calibrate gyro was refused ${gyroTries} time(s) as "moving" after the axis move before it ran`
                )
            expect(gyro.code, gyro.err).toBe(EXIT_OK)
            expect(gyro.out).toMatch(
                /^calibrate gyro: done: gyro bias -?[\d.]+ deg\/s$/m
            )
            const report = await oneShot(["report"])
            expect(report.out).toMatch(/^set homeDeg -6\d(\.\d+)?$/m)
            expect(report.out).toMatch(/^set gyroBiasDps -?[\d.]+$/m)
        }
    )

    onTime(
        "report: every setting as set lines that, pasted back, restore them",
        async () => {
            await ensureServiceMode(sim)
            const report = await oneShot(["report"])
            expect(report.code).toBe(EXIT_OK)
            const before = (await oneShot(["get"])).out
            const defaults = await oneShot(["defaults"])
            expect(defaults.code, defaults.err).toBe(EXIT_OK)
            expect((await oneShot(["get", "homeDeg"])).out).toBe(
                "homeDeg = -65 deg"
            )
            expect((await oneShot(["get", "gyroBiasDps"])).out).toBe(
                "gyroBiasDps = 0 deg/s"
            )
            const pasted = await interactive(report.out + "\nquit\n")
            expect(pasted.code).toBe(EXIT_OK)
            expect(
                pasted.text.match(
                    /: (taken by the table|the table already had this value)/g
                ),
                pasted.text
            ).toHaveLength(SETTINGS_SCHEMA.length)
            // The gyro step measured a bias (the model's gyro has one): restored from the report.
            expect(pasted.text).toMatch(
                /^gyroBiasDps = -?[\d.]+ deg\/s: taken by the table/m
            )
            expect(pasted.text).toMatch(
                /^maxRateDps = 4 deg\/s: the table already had this value$/m
            )
            expect((await oneShot(["get"])).out).toBe(before)
        }
    )

    onTime(
        "settings round trip: set -> save -> power cycle -> read back (timed)",
        async () => {
            await ensureServiceMode(sim)
            const t0 = performance.now()
            const set = await spawnConsole(["set", "maxRateDps", "3"])
            expect(set.code, set.err).toBe(EXIT_OK)
            expect(set.out).toBe(
                "maxRateDps = 3 deg/s: taken by the table, in use now; save stores it (a restart without save brings back the stored value)"
            )
            const tSet = performance.now()
            const save = await oneShot(["save"])
            const tSave = performance.now()
            const cycleMs = await sim.powerCycle()
            const tCycle = performance.now()
            const get = await spawnConsole(["get", "maxRateDps"])
            const tGet = performance.now()
            expect(get.code, get.err).toBe(EXIT_OK)
            const ms = (x: number) => `${Math.round(x)} ms`
            console.log(
                `settings round trip: ${ms(tGet - t0)} in all: set (spawned one-shot) ${ms(tSet - t0)}, save ${ms(tSave - tSet)}, ` +
                    `power cycle ${ms(cycleMs)} (firmware ticking again), get (spawned one-shot) ${ms(tGet - tCycle)}`
            )
            // The firmware keeps its settings in flash on the simulator too (src/main.ts USE_STORED_SETTINGS).
            expect(save.code, save.err).toBe(EXIT_OK)
            expect(save.out).toBe("settings stored in the table's flash")
            expect(get.out).toBe("maxRateDps = 3 deg/s")
            // After a restart the table is idle at home again: service mode is gone.
            expect((await oneShot(["status"])).out).toMatch(/^state +idle/m)
        },
        {
            // A first run may have set and saved 3 already: "taken by the table" needs another value.
            beforeRetry: async () => {
                await ensureServiceMode(sim)
                expect((await oneShot(["defaults"])).code).toBe(EXIT_OK)
            },
        }
    )

    onTime(
        "save means what it says: a change without save is in use, status says so, and a power cycle brings back the stored value",
        async () => {
            await ensureServiceMode(sim)
            // What the flash holds: saved by the round trip above, or stored here first.
            expect((await oneShot(["save"])).code).toBe(EXIT_OK)
            expect((await oneShot(["status"])).out).toMatch(
                /^settings +as stored$/m
            )
            const storedLine = (await oneShot(["get", "returnRateDps"])).out
            const stored = Number(/= ([\d.]+) deg/.exec(storedLine)![1])
            const changed = stored === 2 ? 3 : 2
            const set = await oneShot(["set", "returnRateDps", String(changed)])
            expect(set.code, set.err).toBe(EXIT_OK)
            expect(set.out).toMatch(
                /taken by the table, in use now; save stores it/
            )
            expect((await oneShot(["get", "returnRateDps"])).out).toBe(
                `returnRateDps = ${changed} deg/s`
            )
            expect((await oneShot(["status"])).out).toMatch(
                /^settings +CHANGED, not saved: save stores them/m
            )
            await sim.powerCycle()
            expect((await oneShot(["get", "returnRateDps"])).out).toBe(
                storedLine
            )
            const after = (await oneShot(["status"])).out
            expect(after).toMatch(/^settings +as stored$/m)
            expect(after).toMatch(/^state +idle/m)
        }
    )

    onTime(
        "a table that stops answering: one line, exit 3, within the timeouts",
        async () => {
            await sim.powerOff()
            try {
                const t0 = performance.now()
                await expect(
                    probe.readNumber(REG_COMMANDS_RUN, "commands_run")
                ).rejects.toThrow(
                    /^the table does not answer \(no reply reading commands_run within 2 s\)$/
                )
                expect(performance.now() - t0).toBeLessThan(3000)
                const run = await spawnConsole(["status"])
                expect(run.code).toBe(EXIT_NO_TABLE)
                expect(oneLineError(run)).toMatch(
                    /^the table does not answer: no inversion-table service on ws:\/\/127.0.0.1:8081 within 5 s/
                )
                expect(run.ms).toBeLessThan(12000)
            } finally {
                await sim.powerOn()
            }
            expect((await oneShot(["get", "maxRateDps"])).code).toBe(EXIT_OK)
        }
    )

    onTime(
        "interactive: the table going away ends the session (exit 3, one line)",
        async () => {
            const session = await interactive("status\n", async () => {
                await new Promise(r => setTimeout(r, 1500))
                await sim.close() // the bus goes away, as when devtools is stopped or the cable pulled
            })
            expect(session.code).toBe(EXIT_NO_TABLE)
            expect(session.text).toMatch(/^state +idle/m)
            expect(session.text.trimEnd().split("\n").at(-1)).toBe(
                "the connection to ws://127.0.0.1:8081 was closed"
            )
        },
        { retry: false }
    )
})

describe("without a table", () => {
    it("no bus at 8081: exit 3, one line telling to run devs devtools --serial", async () => {
        await sim?.close()
        await probeLink?.close()
        expect(await isListening()).toBe(false)
        const run = await spawnConsole(["status"])
        expect(run.code).toBe(EXIT_NO_TABLE)
        expect(oneLineError(run)).toBe(
            "no table: nothing serves the Jacdac bus at ws://127.0.0.1:8081. Plug the table in by USB and run `npx devs devtools --serial` in another terminal (or use --sim for the simulated table)"
        )
    })

    it("--sim with nothing on the bus: starts a simulated table for the command, and leaves no VM behind", async () => {
        const run = await spawnConsole(["--sim", "status"], 60000)
        expect(run.code, run.err).toBe(EXIT_OK)
        expect(run.err).toBe(
            "starting the simulated table (the firmware in the DeviceScript VM)..."
        )
        expect(run.out).toMatch(/^state +idle/m)
        expect(run.vmPids.length).toBe(1)
        await new Promise(r => setTimeout(r, 500))
        for (const pid of run.vmPids)
            expect(isAlive(pid), `VM ${pid} left running`).toBe(false)
        console.log(
            `one-shot --sim status, starting its own simulated table: ${Math.round(run.ms)} ms`
        )
    })

    it("--sim watch ended by Ctrl-C (SIGINT): exit 0, the VM it started is gone", async () => {
        const run = await spawnConsole(
            ["--sim", "watch"],
            60000,
            (child, out) => {
                const poll = setInterval(() => {
                    if (/^angle .*$/m.test(out())) {
                        clearInterval(poll)
                        child.kill("SIGINT")
                    }
                }, 100)
                child.once("exit", () => clearInterval(poll))
            }
        )
        expect(run.code, run.err).toBe(EXIT_OK)
        expect(run.out).toMatch(/^watching \(Ctrl-C to stop\)\nangle /)
        expect(run.vmPids.length).toBe(1)
        await new Promise(r => setTimeout(r, 500))
        for (const pid of run.vmPids)
            expect(isAlive(pid), `VM ${pid} left running`).toBe(false)
    })

    it("a bus without a table, and a connection that drops: exit 3, one line", async () => {
        const wss = new WebSocketServer({ host: "127.0.0.1", port: 8081 })
        await new Promise(r => wss.once("listening", r))
        // The fake bus answers with junk: frames that are no Jacdac frames, text.
        wss.on("connection", ws => {
            ws.send(
                Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
            )
            ws.send(Buffer.alloc(300, 0xff))
            ws.send("hello")
        })
        try {
            const silent = await oneShot(["status"])
            expect(silent.code).toBe(EXIT_NO_TABLE)
            expect(oneLineError(silent)).toMatch(
                /^the table does not answer: no inversion-table service/
            )
            wss.on("connection", ws => setTimeout(() => ws.terminate(), 300))
            const dropped = await oneShot(["status"])
            expect(dropped.code).toBe(EXIT_NO_TABLE)
            expect(oneLineError(dropped)).toBe(
                "the connection to ws://127.0.0.1:8081 was closed"
            )
        } finally {
            for (const c of wss.clients) c.terminate()
            await new Promise(r => wss.close(r))
        }
    })
})
