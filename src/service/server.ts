// The firmware's server for the table's own Jacdac service (services/inversiontable.md, generated
// into ds.InversionTable / ds.InversionTableServerSpec by `devs build`). A thin shell: every value
// and every decision is in core.ts (pure, host-tested); this file only connects it to DeviceScript.
//
// - Served on the firmware's server device (ds.deviceIdentifier("server"), a second device id next
//   to the VM's own), not as a role: the firmware's role list does not change.
// - A sensor: `streaming_samples` > 0 makes it send the telemetry report every 100 ms (10 Hz) and
//   count down. The interval is fixed (a write to `streaming_interval` changes nothing), and the
//   reports go out from the server's own fiber (startTableServer), not from the platform's
//   SensorServer: its timers, started and stopped by writes from the bus, broke under a flood of
//   packets (an assertion in the platform's setInterval, an endless loop in its timer worker).
// - Handlers run in the packet fiber, between control ticks (fibers switch only at await): a write
//   or a command sees the controller between two steps, never in the middle of one. They never
//   wait: what they decide goes out as registers and as events.
// - No ACK is ever sent for a command (DeviceScript servers do not): the core runs a seq once.
// - Events go out once each, not through the platform's unbounded event worker (sendNews); they
//   are few (state changes, new faults, refusals) and their queue is bounded (core.ts
//   EVENTS_QUEUED_MAX).
// - Everything the service sends is within its share of the VM's packet budget (sendShare.ts).

import * as ds from "@devicescript/core"
import { Server, startServer } from "@devicescript/server"
import { ServiceEvent, TableServiceCore } from "./core"
import { SENDS_KEPT_FOR_NEWS, SendShare } from "./sendShare"
import {
    CMD_ACKNOWLEDGE_WARNINGS,
    CMD_CALIBRATE,
    CMD_CLEAR_FAULTS,
    CMD_RESTORE_DEFAULTS,
    CMD_SAVE,
    CMD_SET_COUNTED_SESSIONS,
    EV_FAULT_RAISED,
    EV_STATE_CHANGED,
} from "./protocol"

/** 10 Hz telemetry while streaming. */
const TELEMETRY_INTERVAL_MS = 100

/** How often the server's fiber looks for events and telemetry to send: once per control tick. */
const SENDER_POLL_MS = 20

function eventName(code: number): string {
    if (code === EV_STATE_CHANGED) return "stateChanged"
    if (code === EV_FAULT_RAISED) return "faultRaised"
    return "refused"
}

export class InversionTableServer
    extends Server
    implements ds.InversionTableServerSpec
{
    core: TableServiceCore
    /** the service's share of the packet budget */
    share: SendShare
    /** telemetry reports still to stream (`streaming_samples`), and when the next is due */
    samples: number
    nextSampleMs: number

    constructor(core: TableServiceCore) {
        super(ds.InversionTable.spec)
        this.core = core
        this.share = new SendShare()
        this.samples = 0
        this.nextSampleMs = 0
    }

    /** Sends a packet if it is within the service's share (sendShare.ts), leaving `kept` of it. */
    async sendWithin(pkt: ds.Packet, kept: number) {
        if (this.share.take(ds.millis(), kept))
            await (ds as any)._serverSend(this.serviceIndex, pkt)
    }

    /** The platform's answers (register reads, "not implemented"): within the share, after the news. */
    override async _send(pkt: ds.Packet) {
        await this.sendWithin(pkt, SENDS_KEPT_FOR_NEWS)
    }

    /**
     * The server's news, from its own fiber only (neither the control loop nor a packet handler
     * waits for the packet budget): the events the core has queued, each once (the platform's
     * sendEvent queues three sends per event on a worker with no bound), and a telemetry report
     * when one is due.
     */
    async sendNews() {
        // (taken only when there are some: this runs every tick, and a take allocates)
        if (this.core.events.length > 0) {
            const events: ServiceEvent[] = this.core.takeEvents()
            for (const e of events) {
                const pkt = this.spec.lookup(eventName(e.code)).encode(e.value)
                await (ds as any)._serverSend(0x100, pkt)
                await this.sendWithin(pkt, 0)
            }
        }
        const nowMs = ds.millis()
        if (this.samples > 0 && nowMs >= this.nextSampleMs) {
            this.samples--
            // On a 100 ms grid; after a pause, from now.
            this.nextSampleMs =
                (nowMs - this.nextSampleMs > TELEMETRY_INTERVAL_MS
                    ? nowMs
                    : this.nextSampleMs) + TELEMETRY_INTERVAL_MS
            await this.sendWithin(
                this.spec.lookup("reading").encode(this.core.telemetry()),
                0
            )
        }
    }

    streamingSamples() {
        return this.samples
    }
    set_streamingSamples(v: number) {
        // (a short payload decodes to undefined: none)
        this.samples = v > 0 ? v : 0
    }
    streamingInterval() {
        return TELEMETRY_INTERVAL_MS
    }
    set_streamingInterval(_v: number) {}
    streamingPreferredInterval() {
        return TELEMETRY_INTERVAL_MS
    }

    /** A setting's register written (`code`: REG_FIRST_SETTING + its SETTINGS_SCHEMA index). */
    writeSetting(code: number, value: any) {
        this.core.writeSetting(code, value)
    }

    runCommand(code: number, seq: any, arg: any, arg2?: any) {
        // A multi-field command may arrive as one array argument: take it apart.
        if (Array.isArray(seq)) {
            const fields: any[] = seq
            seq = fields[0]
            arg = fields[1]
            arg2 = fields[2]
        }
        this.core.command(code, seq, arg, arg2)
    }

    reading(): any {
        return this.core.telemetry()
    }
    angle() {
        return this.core.angle()
    }
    target() {
        return this.core.target()
    }
    rate() {
        return this.core.rate()
    }
    state() {
        return this.core.state()
    }
    faults() {
        return this.core.faults()
    }
    latch() {
        return this.core.latch()
    }
    grip() {
        return this.core.grip()
    }
    sessionInverted() {
        return this.core.sessionInverted()
    }
    effectiveMaxAngle() {
        return this.core.effectiveMaxAngle()
    }
    calibration() {
        return this.core.calibration()
    }
    lastError() {
        return this.core.lastError
    }
    warningsAcknowledged() {
        return this.core.warningsAcknowledged
    }
    settingsRevision() {
        return this.core.settingsRevision()
    }
    lastSeq() {
        return this.core.lastSeq
    }
    commandsRun() {
        return this.core.commandsRun
    }
    faultReasons() {
        return this.core.faultReasons()
    }
    countedSessions() {
        return this.core.countedSessions()
    }
    sessionLimit() {
        return this.core.sessionLimit()
    }
    recordsRevision() {
        return this.core.recordsRevision()
    }
    recordIndex() {
        return this.core.recordIndexNow()
    }
    set_recordIndex(v: number) {
        this.core.writeRecordIndex(v)
    }
    record() {
        return this.core.recordText
    }

    maxAngleDeg() {
        return this.core.setting("maxAngleDeg")
    }
    set_maxAngleDeg(v: number) {
        this.writeSetting(0x80, v)
    }
    maxRateDps() {
        return this.core.setting("maxRateDps")
    }
    set_maxRateDps(v: number) {
        this.writeSetting(0x81, v)
    }
    returnRateDps() {
        return this.core.setting("returnRateDps")
    }
    set_returnRateDps(v: number) {
        this.writeSetting(0x82, v)
    }
    accelDps2() {
        return this.core.setting("accelDps2")
    }
    set_accelDps2(v: number) {
        this.writeSetting(0x83, v)
    }
    deadmanGraceS() {
        return this.core.setting("deadmanGraceS")
    }
    set_deadmanGraceS(v: number) {
        this.writeSetting(0x84, v)
    }
    sessionLimitS() {
        return this.core.setting("sessionLimitS")
    }
    set_sessionLimitS(v: number) {
        this.writeSetting(0x85, v)
    }
    homeDeg() {
        return this.core.setting("homeDeg")
    }
    set_homeDeg(v: number) {
        this.writeSetting(0x86, v)
    }
    progression() {
        return this.core.setting("progression")
    }
    set_progression(v: boolean) {
        this.writeSetting(0x87, v)
    }
    accelOffsetDeg() {
        return this.core.setting("accelOffsetDeg")
    }
    set_accelOffsetDeg(v: number) {
        this.writeSetting(0x88, v)
    }
    gyroBiasDps() {
        return this.core.setting("gyroBiasDps")
    }
    set_gyroBiasDps(v: number) {
        this.writeSetting(0x89, v)
    }
    homeSwitchFitted() {
        return this.core.setting("homeSwitchFitted")
    }
    set_homeSwitchFitted(v: boolean) {
        this.writeSetting(0x8a, v)
    }

    calibrate(seq: number, step: number) {
        this.runCommand(CMD_CALIBRATE, seq, step)
    }
    save(seq: number) {
        this.runCommand(CMD_SAVE, seq, 0)
    }
    restoreDefaults(seq: number) {
        this.runCommand(CMD_RESTORE_DEFAULTS, seq, 0)
    }
    clearFaults(seq: number) {
        this.runCommand(CMD_CLEAR_FAULTS, seq, 0)
    }
    acknowledgeWarnings(seq: number) {
        this.runCommand(CMD_ACKNOWLEDGE_WARNINGS, seq, 0)
    }
    setCountedSessions(seq: number, count: number, reason: string) {
        this.runCommand(CMD_SET_COUNTED_SESSIONS, seq, count, reason)
    }
}

/**
 * Starts the server on the firmware's server device; returns it (the loop feeds its core).
 * - Its events and telemetry go out from a fiber of their own (sendNews), so that the control
 *   loop never waits for the packet budget they cost.
 */
export function startTableServer(core: TableServiceCore): InversionTableServer {
    const server = new InversionTableServer(core)
    startServer(server)
    const sendNews = async () => {
        while (true) {
            await server.sendNews()
            await ds.sleep(SENDER_POLL_MS)
        }
    }
    sendNews.start()
    return server
}
