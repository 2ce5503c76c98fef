// The firmware's server for the table's own Jacdac service (services/inversiontable.md, generated
// into ds.InversionTable / ds.InversionTableServerSpec by `devs build`). A thin shell: every value
// and every decision is in core.ts (pure, host-tested); this file only connects it to DeviceScript.
//
// - Served on the firmware's server device (ds.deviceIdentifier("server"), a second device id next
//   to the VM's own), not as a role: the firmware's role list does not change.
// - A sensor: `streaming_samples` > 0 makes it send the telemetry report every `streaming_interval`
//   (100 ms: 10 Hz) and count down (SensorServer of @devicescript/server).
// - Handlers run in the packet fiber, between control ticks (fibers switch only at await): a write
//   or a command sees the controller between two steps, never in the middle of one.
// - No ACK is ever sent for a command (DeviceScript servers do not): the core runs a seq once.
// - Events go out once each, at once, not through the platform's unbounded event worker (see
//   sendEvent); each costs the VM's packet budget, so they are few (state changes, new faults,
//   refusals).

import * as ds from "@devicescript/core"
import { SensorServer, startServer } from "@devicescript/server"
import { ServiceEvent, TableServiceCore } from "./core"
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

/** 10 Hz telemetry while streaming (the SensorServer's minimum interval is 100 ms). */
const TELEMETRY_INTERVAL_MS = 100

function eventName(code: number): string {
    if (code === EV_STATE_CHANGED) return "stateChanged"
    if (code === EV_FAULT_RAISED) return "faultRaised"
    return "refused"
}

export class InversionTableServer
    extends SensorServer
    implements ds.InversionTableServerSpec
{
    core: TableServiceCore
    /** an event is being sent */
    sendingEvent: boolean

    constructor(core: TableServiceCore) {
        super(ds.InversionTable.spec, { interval: TELEMETRY_INTERVAL_MS })
        this.core = core
        this.sendingEvent = false
    }

    /**
     * An event goes out at once, once, and one at a time (another arriving meanwhile is dropped:
     * its register still tells). The platform's own sendEvent queues three sends per event on a
     * worker with no bound, and a flood of refused packets grew that queue until the VM ran out of
     * memory.
     */
    override async sendEvent(pkt: ds.Packet) {
        if (this.sendingEvent) return
        this.sendingEvent = true
        try {
            await (ds as any)._serverSend(0x100, pkt)
            await this._send(pkt)
        } finally {
            this.sendingEvent = false
        }
    }

    /** Sends the events the core has queued (called after every tick, write and command). */
    async flushEvents() {
        if (this.core.events.length === 0) return
        const events: ServiceEvent[] = this.core.takeEvents()
        const spec: ds.ServiceSpec = ds.InversionTable.spec
        for (const e of events)
            await this.sendEvent(spec.lookup(eventName(e.code)).encode(e.value))
    }

    /** A setting's register written (`code`: REG_FIRST_SETTING + its SETTINGS_SCHEMA index). */
    async writeSetting(code: number, value: any) {
        this.core.writeSetting(code, value)
        await this.flushEvents()
    }

    async runCommand(code: number, seq: any, arg: any, arg2?: any) {
        // A multi-field command may arrive as one array argument: take it apart.
        if (Array.isArray(seq)) {
            const fields: any[] = seq
            seq = fields[0]
            arg = fields[1]
            arg2 = fields[2]
        }
        this.core.command(code, seq, arg, arg2)
        await this.flushEvents()
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
    async set_recordIndex(v: number) {
        this.core.writeRecordIndex(v)
        await this.flushEvents()
    }
    record() {
        return this.core.recordText
    }

    maxAngleDeg() {
        return this.core.setting("maxAngleDeg")
    }
    async set_maxAngleDeg(v: number) {
        await this.writeSetting(0x80, v)
    }
    maxRateDps() {
        return this.core.setting("maxRateDps")
    }
    async set_maxRateDps(v: number) {
        await this.writeSetting(0x81, v)
    }
    returnRateDps() {
        return this.core.setting("returnRateDps")
    }
    async set_returnRateDps(v: number) {
        await this.writeSetting(0x82, v)
    }
    accelDps2() {
        return this.core.setting("accelDps2")
    }
    async set_accelDps2(v: number) {
        await this.writeSetting(0x83, v)
    }
    deadmanGraceS() {
        return this.core.setting("deadmanGraceS")
    }
    async set_deadmanGraceS(v: number) {
        await this.writeSetting(0x84, v)
    }
    sessionLimitS() {
        return this.core.setting("sessionLimitS")
    }
    async set_sessionLimitS(v: number) {
        await this.writeSetting(0x85, v)
    }
    homeDeg() {
        return this.core.setting("homeDeg")
    }
    async set_homeDeg(v: number) {
        await this.writeSetting(0x86, v)
    }
    progression() {
        return this.core.setting("progression")
    }
    async set_progression(v: boolean) {
        await this.writeSetting(0x87, v)
    }
    accelOffsetDeg() {
        return this.core.setting("accelOffsetDeg")
    }
    async set_accelOffsetDeg(v: number) {
        await this.writeSetting(0x88, v)
    }
    gyroBiasDps() {
        return this.core.setting("gyroBiasDps")
    }
    async set_gyroBiasDps(v: number) {
        await this.writeSetting(0x89, v)
    }
    homeSwitchFitted() {
        return this.core.setting("homeSwitchFitted")
    }
    async set_homeSwitchFitted(v: boolean) {
        await this.writeSetting(0x8a, v)
    }

    async calibrate(seq: number, step: number) {
        await this.runCommand(CMD_CALIBRATE, seq, step)
    }
    async save(seq: number) {
        await this.runCommand(CMD_SAVE, seq, 0)
    }
    async restoreDefaults(seq: number) {
        await this.runCommand(CMD_RESTORE_DEFAULTS, seq, 0)
    }
    async clearFaults(seq: number) {
        await this.runCommand(CMD_CLEAR_FAULTS, seq, 0)
    }
    async acknowledgeWarnings(seq: number) {
        await this.runCommand(CMD_ACKNOWLEDGE_WARNINGS, seq, 0)
    }
    async setCountedSessions(seq: number, count: number, reason: string) {
        await this.runCommand(CMD_SET_COUNTED_SESSIONS, seq, count, reason)
    }
}

/** Starts the server on the firmware's server device; returns it (the loop feeds its core). */
export function startTableServer(core: TableServiceCore): InversionTableServer {
    const server = new InversionTableServer(core)
    startServer(server)
    return server
}
