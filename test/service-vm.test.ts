// The table's Jacdac service, served by the compiled firmware in the DeviceScript VM and read from
// Node with jacdac-ts, the way the console does: registers, a refused write, a command sent twice
// (and once with an ACK requested, which a DeviceScript server never sends), streaming, and service
// mode entered on the simulated pad, where writes are taken and calibration runs.
//
// Uses the firmware-in-the-loop harness (sim/firmware/: the bus on 127.0.0.1:8081, the simulated
// table hardware, the VM with its roles bound). One VM at a time on that port: this file runs in the
// "vm" project (vitest.config.ts), after the host tests, one file at a time. ~15 s.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import {
    EVENT,
    jdpack,
    JDEvent,
    JDService,
    loadServiceSpecifications,
    REPORT_RECEIVE,
} from "jacdac-ts"
import { afterAll, beforeAll, describe, expect } from "vitest"
import { CALIBRATION_STATUSES } from "../src/control/calibration"
import { SERVICE_ENTRY_HOLD_MS } from "../src/control/limits"
import { defaultSettings } from "../src/control/settings"
import * as P from "../src/service/protocol"
import { decodeSessionRecord } from "../src/hw/sessionCodec"
import { liveChildCount } from "../sim/firmware/cleanup"
import { LatenessLog } from "../sim/firmware/lateness"
import { listRoles } from "../sim/firmware/roles"
import { FirmwareSession } from "../sim/firmware/session"
import { TickFeed } from "../sim/firmware/tickFeed"
import { onTimeTester } from "./fixtures/realTime"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))
const D2R = Math.PI / 180

/** The firmware's roles (the harness contract): the service adds none. */
const ROLES = [
    "accel",
    "buzzer",
    "down",
    "grip",
    "gyro",
    "home",
    "i2c",
    "homeSwitch",
    "latch",
    "led",
    "motor",
    "preset",
    "stop",
    "up",
]

let session: FirmwareSession
let srv: JDService
let feed: NodeJS.Timeout | undefined
/** The firmware's TICK lines (its loop's steps) and this file's IMU feed: did they keep time? */
const ticks = new TickFeed()
const lateness = new LatenessLog()
/** Command sequence numbers: a test run again sends new ones (the table runs each number once). */
let nextSeq = 4242
const events: { code: number; value: unknown }[] = []
const vmLines: string[] = []

/** Reads a register now (a GET and its report). */
async function get(code: number): Promise<unknown> {
    const r = srv.register(code)
    await r.refresh()
    if (r.unpackedValue === undefined)
        throw new Error(
            `register 0x${code.toString(16)} did not answer; the firmware's last lines: ${vmLines.slice(-5).join(" | ")}`
        )
    return r.unpackedValue[0]
}

/** Reads a register of several fields now: all of them, in their order. */
async function getFields(code: number): Promise<unknown[]> {
    await get(code)
    return srv.register(code).unpackedValue
}

/** Polls a register until `ok` holds (or fails after timeoutMs with the last value). */
async function waitFor(
    code: number,
    ok: (v: any) => boolean,
    timeoutMs: number,
    read: (code: number) => Promise<unknown> = get
): Promise<any> {
    const t0 = Date.now()
    let v: unknown
    while (Date.now() - t0 < timeoutMs) {
        v = await read(code)
        if (ok(v)) return v
        await sleep(50)
    }
    throw new Error(
        `register 0x${code.toString(16)} still ${JSON.stringify(v)} after ${timeoutMs} ms`
    )
}

function cmd(code: number, payload: Uint8Array, ack = false) {
    return srv.sendCmdAsync(code, payload, ack)
}

beforeAll(async () => {
    const specs = JSON.parse(
        fs.readFileSync(
            path.join(ROOT, ".devicescript", "services.json"),
            "utf8"
        )
    )
    loadServiceSpecifications(specs)
    session = await FirmwareSession.open({
        onVmLine: l => void (!l.includes("TICK ") && vmLines.push(l)),
    })
    // The IMU of a still table at home (with a little noise: frozen readings are an imu fault).
    let seq = 0
    let dueMs = performance.now() + 20
    feed = setInterval(() => {
        lateness.hostLate(performance.now() - dueMs)
        dueMs = performance.now() + 20
        seq++
        const a = -65 * D2R
        const n = () => (Math.random() - 0.5) * 0.002
        session.devices.imu.offer({
            ok: true,
            seq,
            axG: Math.sin(a) + n(),
            ayG: n(),
            azG: Math.cos(a) + n(),
            gxDps: n(),
            gyDps: n(),
            gzDps: n(),
        })
    }, 20)
    await session.bootWithSettings(defaultSettings())
    let lastNowMs = -1
    ticks.onTick((tick, atMs) => {
        if (lastNowMs >= 0) lateness.firmwareStep(tick.nowMs - lastNowMs, atMs)
        lastNowMs = tick.nowMs
    })
    ticks.follow(session.vm!)
    const t0 = Date.now()
    while (
        !(srv = session.bus.services({
            serviceClass: P.INVERSION_TABLE_SERVICE_CLASS,
        })[0])
    ) {
        if (Date.now() - t0 > 5000)
            throw new Error(
                "the firmware's InversionTable service did not appear within 5 s: " +
                    vmLines.slice(-5).join(" | ")
            )
        await sleep(50)
    }
    srv.on(EVENT, (ev: JDEvent) =>
        events.push({
            code: ev.code,
            // a refusal: all its fields; the other events carry one
            value:
                ev.code === P.EV_REFUSED
                    ? ev.unpackedValue
                    : ev.unpackedValue?.[0],
        })
    )
}, 60_000)

/** STOP and UP held 3 s on the pad, as a technician does: service mode. */
async function enterServiceMode(): Promise<void> {
    const panel = session.devices.panel
    panel.setButton("stop", true)
    panel.setButton("up", true)
    await sleep(SERVICE_ENTRY_HOLD_MS + 300)
    panel.setButton("stop", false)
    panel.setButton("up", false)
    await waitFor(P.REG_STATE, v => v === P.stateCode("service"), 2000)
}

/** STOP taps on the pad until the table is idle at home without a fault (out of service mode too). */
async function backToIdle(): Promise<void> {
    const panel = session.devices.panel
    for (let i = 0; i < 10; i++) {
        if (
            (await get(P.REG_FAULTS)) === 0 &&
            (await get(P.REG_STATE)) === P.stateCode("idle")
        )
            return
        panel.setButton("stop", true)
        await sleep(150)
        panel.setButton("stop", false)
        await sleep(850)
    }
}

/** The tests: judged only when the machine kept real time (fixtures/realTime.ts). */
const onTime = onTimeTester({
    lateSince: atMs => lateness.worstSince(atMs),
    recover: backToIdle,
})

afterAll(async () => {
    ticks.stop()
    if (feed) clearInterval(feed)
    if (session) await session.close()
    expect(liveChildCount(), "no VM left running").toBe(0)
})

describe("the InversionTable service in the VM", () => {
    onTime(
        "is served on the firmware's server device and adds no role",
        async () => {
            expect(srv.device.deviceId).not.toBe(session.vmBusDevice!.deviceId)
            const roles = (
                await listRoles(session.bus, session.vmBusDevice!)
            ).map(r => r.name)
            // The contract's roles, plus the settings store's role (bound to the VM's own settings service).
            const extra = roles.filter(name => !ROLES.includes(name))
            expect(extra).toHaveLength(1)
            expect(extra[0]).toMatch(/^settings/)
            for (const name of ROLES) expect(roles).toContain(name)
        }
    )

    onTime(
        "reads the table: idle at home, the default settings, exact negative fixed point",
        async () => {
            await waitFor(P.REG_STATE, v => v === P.stateCode("idle"), 5000)
            expect(
                Math.abs(((await get(P.REG_ANGLE)) as number) - -65)
            ).toBeLessThan(1)
            expect(await get(P.settingRegister("homeDeg"))).toBe(-65) // not -64.999 (toWireFixed10)
            expect(await get(P.settingRegister("maxRateDps"))).toBe(4)
            expect(await get(P.settingRegister("progression"))).toBeTruthy()
            // A new table: flat until the first-use warnings are acknowledged.
            expect(await get(P.REG_EFFECTIVE_MAX_ANGLE)).toBe(0)
            expect(await get(P.REG_FAULTS)).toBe(0)
            // Nothing refused, no calibration step yet: kind None, step 0, status None.
            expect(await getFields(P.REG_LAST_ERROR)).toEqual([
                0,
                0,
                P.REFUSAL_NONE,
                0,
                "",
            ])
            expect(await getFields(P.REG_CALIBRATION)).toEqual([0, 0, ""])
        }
    )

    onTime(
        "refuses a setting write outside service mode: the value stays, last_error and an event say why",
        async () => {
            await srv
                .register(P.settingRegister("maxRateDps"))
                .sendSetPackedAsync([3])
            const error = await waitFor(
                P.REG_LAST_ERROR,
                v => v[2] !== P.REFUSAL_NONE,
                2000,
                getFields
            )
            // The write named by its register's code; the reason without the key.
            expect(error).toEqual([
                0,
                P.settingRegister("maxRateDps"),
                P.REFUSAL_WRITE,
                0,
                expect.stringMatching(/^only in service mode/),
            ])
            expect(await get(P.settingRegister("maxRateDps"))).toBe(4)
            await sleep(100)
            expect(
                events.filter(e => e.code === P.EV_REFUSED).map(e => e.value)
            ).toContainEqual(error)
        }
    )

    onTime(
        "runs a command once per seq: sent twice, and sent with an ACK requested (five copies, no ACK)",
        async () => {
            const before = (await get(P.REG_COMMANDS_RUN)) as number
            const ack = nextSeq++
            const clear = nextSeq++
            await cmd(P.CMD_ACKNOWLEDGE_WARNINGS, jdpack("u32", [ack]))
            await cmd(P.CMD_ACKNOWLEDGE_WARNINGS, jdpack("u32", [ack]))
            await waitFor(P.REG_LAST_SEQ, v => v === ack, 2000)
            await sleep(200)
            expect(await get(P.REG_COMMANDS_RUN)).toBe(before + 1)
            expect(await get(P.REG_WARNINGS_ACKNOWLEDGED)).toBeTruthy()
            // The trap: jacdac-ts retries a command whose ACK does not come, then rejects.
            await expect(
                cmd(P.CMD_CLEAR_FAULTS, jdpack("u32", [clear]), true)
            ).rejects.toThrow(/no ACK/)
            await sleep(200)
            expect(await get(P.REG_COMMANDS_RUN)).toBe(before + 2)
            expect(await get(P.REG_LAST_SEQ)).toBe(clear)
        }
    )

    onTime(
        "refuses a calibration outside service mode, with the command's seq; a short payload too, without crashing",
        async () => {
            const calibrate = nextSeq++
            await cmd(P.CMD_CALIBRATE, jdpack("u32 u8", [calibrate, 3]))
            // The refusal carries the command's seq, its code and the step (3: home).
            expect(
                await waitFor(
                    P.REG_LAST_ERROR,
                    v => v[0] === calibrate,
                    2000,
                    getFields
                )
            ).toEqual([
                calibrate,
                P.CMD_CALIBRATE,
                P.REFUSAL_COMMAND,
                3,
                expect.stringMatching(/^only in service mode/),
            ])
            // The calibration register: step home, status refused, the same reason.
            expect(await getFields(P.REG_CALIBRATION)).toEqual([
                3,
                CALIBRATION_STATUSES.indexOf("refused"),
                expect.stringMatching(/^only in service mode/),
            ])
            await cmd(P.CMD_SAVE, new Uint8Array([1]))
            expect(
                await waitFor(
                    P.REG_LAST_ERROR,
                    v => v[1] === P.CMD_SAVE,
                    2000,
                    getFields
                )
            ).toEqual([
                0,
                P.CMD_SAVE,
                P.REFUSAL_COMMAND,
                0,
                "no seq (the payload is too short)",
            ])
            expect(await get(P.REG_STATE)).toBe(P.stateCode("idle"))
        }
    )

    onTime(
        "streams telemetry at 10 Hz while streaming_samples lasts",
        async () => {
            const reports: number[][] = []
            const off = srv
                .register(P.REG_TELEMETRY)
                .subscribe(REPORT_RECEIVE, () =>
                    reports.push(srv.register(P.REG_TELEMETRY).unpackedValue)
                )
            const t0 = Date.now()
            await srv.register(P.REG_STREAMING_SAMPLES).sendSetPackedAsync([10])
            await sleep(1500)
            off()
            const ms = Date.now() - t0
            expect(reports.length).toBeGreaterThanOrEqual(9)
            expect(reports.length).toBeLessThanOrEqual(11) // counted down: it stopped by itself
            const [angle, , , inverted, faults, state, flags] =
                reports[reports.length - 1]
            expect(Math.abs(angle - -65)).toBeLessThan(1)
            expect([inverted, faults, state, flags]).toEqual([
                0,
                0,
                P.stateCode("idle"),
                0,
            ])
            console.info(`telemetry: ${reports.length} reports in ${ms} ms`)
        }
    )

    onTime(
        "in service mode (STOP and UP held 3 s on the pad): takes a write, saves it, calibrates home",
        async () => {
            const panel = session.devices.panel
            await enterServiceMode()
            expect(
                events.some(
                    e =>
                        e.code === P.EV_STATE_CHANGED &&
                        e.value === P.stateCode("service")
                )
            ).toBe(true)

            const revision = (await get(P.REG_SETTINGS_REVISION)) as number
            // A change (a test run again finds its first run's 3.5 there).
            const rate =
                (await get(P.settingRegister("maxRateDps"))) === 3.5 ? 3 : 3.5
            await srv
                .register(P.settingRegister("maxRateDps"))
                .sendSetPackedAsync([rate])
            expect(
                await waitFor(
                    P.settingRegister("maxRateDps"),
                    v => v === rate,
                    2000
                )
            ).toBe(rate)
            expect(await get(P.REG_SETTINGS_REVISION)).toBe(revision + 1)
            await srv
                .register(P.settingRegister("maxRateDps"))
                .sendSetPackedAsync([9])
            expect(
                await waitFor(
                    P.REG_LAST_ERROR,
                    v => v[4].startsWith("9 "),
                    2000,
                    getFields
                )
            ).toEqual([
                0,
                P.settingRegister("maxRateDps"),
                P.REFUSAL_WRITE,
                0,
                "9 is out of range 1..8 deg/s",
            ])
            expect(await get(P.settingRegister("maxRateDps"))).toBe(rate)

            const save = nextSeq++
            await cmd(P.CMD_SAVE, jdpack("u32", [save]))
            expect(await waitFor(P.REG_LAST_SEQ, v => v === save, 2000)).toBe(
                save
            )
            await sleep(300)
            expect((await getFields(P.REG_LAST_ERROR))[0]).not.toBe(save)

            await cmd(P.CMD_CALIBRATE, jdpack("u32 u8", [nextSeq++, 3]))
            const done = CALIBRATION_STATUSES.indexOf("done")
            expect(
                await waitFor(
                    P.REG_CALIBRATION,
                    v => v[0] === 3 && v[1] === done,
                    3000,
                    getFields
                )
            ).toEqual([
                3,
                done,
                expect.stringMatching(/^home angle -6[456](\.\d)? deg$/),
            ])

            panel.setButton("stop", true)
            await sleep(150)
            panel.setButton("stop", false)
            await waitFor(
                P.REG_STATE,
                v => v === P.stateCode("idle") || v === P.stateCode("holding"),
                3000
            )
        }
    )

    onTime(
        "the exercise program: the count set and reset in service mode with a reason, each change a record read back from flash",
        async () => {
            const panel = session.devices.panel
            await enterServiceMode()
            const setCount = async (n: number, reason: string) => {
                const seq = nextSeq++
                await cmd(
                    P.CMD_SET_COUNTED_SESSIONS,
                    jdpack("u32 u8 s", [seq, n, reason])
                )
                await waitFor(P.REG_LAST_SEQ, v => v === seq, 2000)
                return seq
            }
            // A new table: no count before the warnings are acknowledged.
            if ((await get(P.REG_WARNINGS_ACKNOWLEDGED)) === 0) {
                const refused = await setCount(3, "moved tables")
                expect(
                    await waitFor(
                        P.REG_LAST_ERROR,
                        v => v[0] === refused,
                        2000,
                        getFields
                    )
                ).toEqual([
                    refused,
                    P.CMD_SET_COUNTED_SESSIONS,
                    P.REFUSAL_COMMAND,
                    0,
                    "countedSessions: the first-use warnings are not acknowledged yet",
                ])
                await cmd(
                    P.CMD_ACKNOWLEDGE_WARNINGS,
                    jdpack("u32", [nextSeq++])
                )
                await waitFor(P.REG_WARNINGS_ACKNOWLEDGED, v => v !== 0, 2000)
            }
            await setCount(3, "moved tables")
            expect(
                await waitFor(P.REG_COUNTED_SESSIONS, v => v === 3, 2000)
            ).toBe(3)
            await setCount(0, "a new user")
            await waitFor(P.REG_COUNTED_SESSIONS, v => v === 0, 2000)
            // The records, newest first, as the firmware stored them (read back from its flash).
            const record = async (index: number) => {
                await srv
                    .register(P.REG_RECORD_INDEX)
                    .sendSetPackedAsync([index])
                await waitFor(P.REG_RECORD_INDEX, v => v === index, 2000)
                return String(await get(P.REG_RECORD))
            }
            const newest = decodeSessionRecord(await record(0))
            expect(newest).toMatchObject({
                end: "progress 0: a new user",
                counted: false,
            })
            const before = decodeSessionRecord(await record(1))
            expect(before).toMatchObject({ end: "progress 3: moved tables" })
            expect(before!.number).toBe(newest!.number - 1)
            expect(await record(49)).toBe("")
            await srv.register(P.REG_RECORD_INDEX).sendSetPackedAsync([50])
            expect(
                await waitFor(
                    P.REG_LAST_ERROR,
                    v => v[1] === P.REG_RECORD_INDEX,
                    2000,
                    getFields
                )
            ).toEqual([
                0,
                P.REG_RECORD_INDEX,
                P.REFUSAL_WRITE,
                0,
                "50 is not a whole number in 0..49",
            ])
            expect(await get(P.REG_SESSION_LIMIT)).toBe(300)

            panel.setButton("stop", true)
            await sleep(150)
            panel.setButton("stop", false)
            await waitFor(
                P.REG_STATE,
                v => v === P.stateCode("idle") || v === P.stateCode("holding"),
                3000
            )
        }
    )
})
