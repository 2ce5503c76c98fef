// Fuzzing the table's service: random and malformed packets into the firmware in the DeviceScript
// VM (the firmware-in-the-loop harness: the bus on 127.0.0.1:8081, one VM at a time on it, in real
// time). The table sits idle at home, out of service mode, as a person could leave it; every packet
// goes to its service: register writes (each setting's, every other register's, and codes that
// are none) with payloads of any length, register reads, the commands with and without their
// sequence number, and codes that are no command. Afterwards the firmware must still run (no
// restart, its ticks on time), every setting be what it was (writes outside service mode are
// refused), and the table idle without a fault.

import * as fs from "node:fs"
import * as path from "node:path"
import { loadServiceSpecifications, Packet, JDService } from "jacdac-ts"
import { defaultSettings, SETTINGS_SCHEMA } from "../../src/control/settings"
import * as P from "../../src/service/protocol"
import { FIRMWARE_STEP_LIMIT_MS } from "../firmware/lateness"
import { REPO_ROOT } from "../firmware/paths"
import { FirmwareSession } from "../firmware/session"
import { TickFeed } from "../firmware/tickFeed"
import { Rng } from "../model/rng"
import { FuzzCount } from "./fuzzHost"

const D2R = Math.PI / 180
const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))
const REG_SET = 0x2000
const REG_GET = 0x1000

export function randomPacket(rng: Rng): { cmd: number; data: Uint8Array } {
    const r = rng.next()
    let cmd: number
    if (r < 0.35)
        cmd =
            REG_SET |
            (P.REG_FIRST_SETTING +
                rng.intBetween(0, SETTINGS_SCHEMA.length + 2))
    else if (r < 0.5) cmd = REG_SET | rng.intBetween(0, 0x1ff)
    else if (r < 0.6) cmd = REG_GET | rng.intBetween(0, 0x1ff)
    else if (r < 0.85)
        cmd = rng.intBetween(P.CMD_CALIBRATE, P.CMD_ACKNOWLEDGE_WARNINGS + 2)
    else cmd = rng.intBetween(0, 0xffff)
    const lengths = [0, 1, 2, 3, 4, 5, 8, 12, 32, 200]
    const n = lengths[rng.intBetween(0, lengths.length - 1)]
    const data = new Uint8Array(n)
    for (let i = 0; i < n; i++) data[i] = rng.intBetween(0, 255)
    return { cmd: cmd & 0xffff, data }
}

/** What a flood beside a run sent and saw. */
export interface FloodCount {
    /** packets sent to the table's service */
    sent: number
    /** EV_REFUSED events the service sent meanwhile */
    refusedEvents: number
}

/**
 * Floods the table's service with random packets (randomPacket), one every `gapMs` (0: as fast as
 * the bus takes them), from now until the returned stop is called; stop resolves to the counts.
 * For runScenarioOnFirmware's `alongside`: the scenario runs while the flood goes on.
 */
export function floodService(
    session: FirmwareSession,
    seed: number,
    gapMs: number
): () => Promise<FloodCount> {
    const count: FloodCount = { sent: 0, refusedEvents: 0 }
    const rng = new Rng(seed)
    let running = true
    const flood = (async () => {
        let srv: JDService | undefined
        while (running && !srv) {
            srv = session.bus.services({
                serviceClass: P.INVERSION_TABLE_SERVICE_CLASS,
            })[0]
            if (!srv) await sleep(20)
        }
        if (!srv) return
        srv.on("event", (ev: { code: number }) => {
            if (ev.code === P.EV_REFUSED) count.refusedEvents++
        })
        while (running) {
            const p = randomPacket(rng)
            await srv.sendPacketAsync(Packet.from(p.cmd, p.data))
            count.sent++
            await sleep(gapMs)
        }
    })()
    return async () => {
        running = false
        await flood
        return count
    }
}

/** A register's value, asked again a few times (a report can be lost on a busy bus); undefined:
 *  the service never answered. */
async function readRegister(srv: JDService, code: number): Promise<unknown> {
    const reg = srv.register(code)
    for (let attempt = 0; attempt < 5; attempt++) {
        await reg.refresh(true)
        const v = reg.unpackedValue
        if (v !== undefined && v.length > 0) return v[0]
        await sleep(100)
    }
    return undefined
}

export interface ServiceFuzzResult extends FuzzCount {
    /** EV_REFUSED events the service sent */
    refusedEvents: number
    /** commands the service ran (its commands_run register) */
    commandsRun: number
    /** the firmware's longest step between two ticks during the fuzz, ms */
    longestTickStepMs: number
    /** why part of the result is not judged (the machine did not keep time), or "" */
    notJudged: string
}

export async function fuzzService(
    seed: number,
    packets: number,
    gapMs: number
): Promise<ServiceFuzzResult> {
    const specs = JSON.parse(
        fs.readFileSync(
            path.join(REPO_ROOT, ".devicescript", "services.json"),
            "utf8"
        )
    )
    loadServiceSpecifications(specs)
    const result: ServiceFuzzResult = {
        input: "service packets into the firmware (VM)",
        tried: 0,
        refused: 0,
        accepted: 0,
        failures: [],
        refusedEvents: 0,
        commandsRun: 0,
        longestTickStepMs: 0,
        notJudged: "",
    }
    const session = await FirmwareSession.open({})
    const ticks = new TickFeed()
    let feed: NodeJS.Timeout | undefined
    try {
        let seq = 0
        const noise = new Rng(seed + 1)
        feed = setInterval(() => {
            seq++
            const a = -65 * D2R
            const n = () => (noise.next() - 0.5) * 0.002
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
        let srv: JDService | undefined
        const t0 = Date.now()
        while (
            !(srv = session.bus.services({
                serviceClass: P.INVERSION_TABLE_SERVICE_CLASS,
            })[0])
        ) {
            if (Date.now() - t0 > 5000)
                throw new Error(
                    "the firmware's service did not appear within 5 s"
                )
            await sleep(50)
        }
        let lastNowMs = -1
        let fuzzing = false
        let restarts = 0
        let lastTickAtMs = Date.now()
        ticks.onTick(tick => {
            lastTickAtMs = Date.now()
            // A firmware that restarts (a panic) starts its clock over.
            if (lastNowMs >= 0 && tick.nowMs < lastNowMs) restarts++
            if (fuzzing && lastNowMs >= 0)
                result.longestTickStepMs = Math.max(
                    result.longestTickStepMs,
                    tick.nowMs - lastNowMs
                )
            lastNowMs = tick.nowMs
        })
        ticks.follow(session.vm!)
        srv.on("event", (ev: { code: number }) => {
            if (ev.code === P.EV_REFUSED) result.refusedEvents++
        })
        const settingsBefore: unknown[] = []
        for (let i = 0; i < SETTINGS_SCHEMA.length; i++)
            settingsBefore.push(
                await readRegister(srv, P.REG_FIRST_SETTING + i)
            )
        const runBefore = (await readRegister(
            srv,
            P.REG_COMMANDS_RUN
        )) as number
        const rng = new Rng(seed)
        fuzzing = true
        for (let i = 0; i < packets; i++) {
            const p = randomPacket(rng)
            await srv.sendPacketAsync(Packet.from(p.cmd, p.data))
            result.tried++
            await sleep(gapMs)
        }
        await sleep(500)
        fuzzing = false
        if (!session.vm || !session.vm.isRunning)
            result.failures.push("the firmware's VM stopped")
        const silentMs = Date.now() - lastTickAtMs
        if (silentMs > 1000)
            result.failures.push(
                `the firmware's control loop stopped (no tick for ${silentMs} ms)`
            )
        if (restarts > 0)
            result.failures.push(`the firmware restarted ${restarts} times`)
        for (let i = 0; i < SETTINGS_SCHEMA.length; i++) {
            const now = await readRegister(srv, P.REG_FIRST_SETTING + i)
            if (JSON.stringify(now) !== JSON.stringify(settingsBefore[i]))
                result.failures.push(
                    `${SETTINGS_SCHEMA[i].key} changed from ${JSON.stringify(settingsBefore[i])} to ${JSON.stringify(now)}`
                )
        }
        // A late tick is a watchdog or imu fault in the firmware's eyes (rightly): the state and
        // faults are judged only when the firmware kept time.
        const keptTime = result.longestTickStepMs < FIRMWARE_STEP_LIMIT_MS
        if (!keptTime)
            result.notJudged = `the firmware's loop stepped ${result.longestTickStepMs} ms: the state and faults afterwards are not judged`
        const state = await readRegister(srv, P.REG_STATE)
        if (state === undefined)
            result.failures.push("the service no longer answers")
        else if (keptTime && state !== P.stateCode("idle"))
            result.failures.push(
                `state ${P.stateName(state as number)} after the fuzz`
            )
        const faults = (await readRegister(srv, P.REG_FAULTS)) as
            number | undefined
        if (keptTime && faults !== undefined && faults !== 0)
            result.failures.push(
                `faults ${P.faultNames(faults).join(", ")} after the fuzz`
            )
        const runAfter = await readRegister(srv, P.REG_COMMANDS_RUN)
        result.commandsRun =
            typeof runAfter === "number" ? runAfter - runBefore : 0
        result.accepted = result.commandsRun
        result.refused = result.refusedEvents
        return result
    } finally {
        ticks.stop()
        if (feed) clearInterval(feed)
        await session.close()
    }
}
