// The table's Jacdac service (services/inversiontable.md) served from the host table: the same logic
// the firmware serves (src/service/core.ts, fed with the host controller's outputs every tick) in a
// jacdac-ts server on an in-process bus, so the console's own client and commands work against the
// host table exactly as against the firmware: service mode, settings, calibration, save, faults.
//
// The server answers each GET with the core's value at that moment, runs writes and commands through
// the core (which refuses them as the firmware does), sends its events, and streams the telemetry at
// 10 Hz while `streaming_samples` is above 0, as the firmware's sensor server does.

import {
    JDBus,
    JDRegisterServer,
    JDServerServiceProvider,
    JDServiceServer,
    jdpack,
    Packet,
    REGISTER_PRE_GET,
    REPORT_RECEIVE,
    serviceSpecificationFromClassIdentifier,
} from "jacdac-ts"
import { SETTINGS_SCHEMA } from "../../src/control/settings"
import { TableServiceCore } from "../../src/service/core"
import {
    CMD_ACKNOWLEDGE_WARNINGS,
    CMD_SET_COUNTED_SESSIONS,
    CMD_CALIBRATE,
    CMD_CLEAR_FAULTS,
    CMD_RESTORE_DEFAULTS,
    CMD_SAVE,
    EV_FAULT_RAISED,
    EV_STATE_CHANGED,
    FIXED10_LSB,
    REG_ANGLE,
    REG_CALIBRATION,
    REG_COMMANDS_RUN,
    REG_COUNTED_SESSIONS,
    REG_RECORD,
    REG_RECORD_INDEX,
    REG_RECORDS_REVISION,
    REG_SESSION_LIMIT,
    REG_EFFECTIVE_MAX_ANGLE,
    REG_FAULT_REASONS,
    REG_FAULTS,
    REG_GRIP,
    REG_LAST_ERROR,
    REFUSAL_FORMAT,
    REG_LAST_SEQ,
    REG_LATCH,
    REG_RATE,
    REG_SESSION_INVERTED,
    REG_SETTINGS_REVISION,
    REG_STATE,
    REG_STREAMING_INTERVAL,
    REG_STREAMING_SAMPLES,
    REG_TARGET,
    REG_TELEMETRY,
    REG_WARNINGS_ACKNOWLEDGED,
    settingRegister,
} from "../../src/service/protocol"
import { loadTableSpec } from "../console/table"
import { BusLink } from "../console/transport"
import { HostLiveTable } from "./hostLive"
import { memoryBusLink } from "./memoryLink"

/** The host table's device id on its bus (fixed: the console finds the service by class anyway). */
export const HOST_TABLE_DEVICE_ID = "4a4a4a4a4a4a4a4a"
/** The firmware streams telemetry every 100 ms (10 Hz); so does this server. */
export const TELEMETRY_INTERVAL_MS = 100

/**
 * The core hands i22.10 values ready for the DeviceScript VM's encoder, which rounds negatives one
 * LSB toward zero (protocol.ts toWireFixed10). jacdac-ts's encoder rounds correctly: undo the shift.
 */
export function fromVmWire(v: number): number {
    return v < 0 ? v + FIXED10_LSB : v
}

/** A service server whose commands can be added from outside (jacdac-ts keeps addCommand protected). */
class TableServer extends JDServiceServer {
    handle(code: number, handler: (pkt: Packet) => void): void {
        this.addCommand(code, handler)
    }
}

export class HostTableService {
    readonly core: TableServiceCore
    readonly server: TableServer
    readonly bus: JDBus
    private readonly provider: JDServerServiceProvider
    private samplesLeft = 0
    private lastStreamMs = -Infinity
    private readonly offStep: () => void

    constructor(private readonly table: HostLiveTable) {
        const serviceClass = loadTableSpec()
        if (!serviceSpecificationFromClassIdentifier(serviceClass))
            throw new Error("the table's service specification is not loaded")
        this.core = new TableServiceCore({
            save: () => {
                table.store()
                return null
            },
            acknowledgeWarnings: () => {
                table.acknowledgeWarnings()
                return null
            },
        })
        this.core.warningsAcknowledged = table.warningsAcknowledged
        this.server = new TableServer(serviceClass)
        this.serveRegisters()
        this.serveCommands()
        this.bus = new JDBus([], { client: false, disableRoleManager: true })
        this.provider = new JDServerServiceProvider(
            "host-table",
            [this.server],
            { deviceId: HOST_TABLE_DEVICE_ID }
        )
        this.bus.addServiceProvider(this.provider)
        this.offStep = table.onStep((out, ctl) => {
            this.core.ctl = ctl
            this.core.settingsUnsaved = table.settingsUnsaved()
            this.core.feed(out)
            this.flushEvents()
            this.stream()
        })
    }

    /** A console link to this service (the console's TableClient over it, as over a socket). */
    link(): BusLink {
        return memoryBusLink(this.bus, "the host table (in this process)")
    }

    close(): void {
        this.offStep()
        this.bus.removeServiceProvider(this.provider)
        this.bus.stop()
    }

    private reg(code: number): JDRegisterServer<any[]> {
        const reg = this.server.addRegister(code)
        if (!reg)
            throw new Error(
                `the service has no register 0x${code.toString(16)}`
            )
        return reg
    }

    /** Each GET is answered with the core's value now. */
    private computed(code: number, value: () => unknown[]): void {
        const reg = this.reg(code)
        reg.on(REGISTER_PRE_GET, () => reg.setValues(value() as never[], true))
    }

    private serveRegisters(): void {
        const c = this.core
        const n = (f: () => number) => () => [fromVmWire(f())]
        this.computed(REG_TELEMETRY, () => {
            const v = c.telemetry()
            return [
                fromVmWire(v[0]),
                fromVmWire(v[1]),
                fromVmWire(v[2]),
                ...v.slice(3),
            ]
        })
        this.computed(
            REG_ANGLE,
            n(() => c.angle())
        )
        this.computed(
            REG_TARGET,
            n(() => c.target())
        )
        this.computed(
            REG_RATE,
            n(() => c.rate())
        )
        this.computed(REG_STATE, () => [c.state()])
        this.computed(REG_FAULTS, () => [c.faults()])
        this.computed(REG_LATCH, () => [c.latch()])
        this.computed(REG_GRIP, () => [c.grip()])
        this.computed(REG_SESSION_INVERTED, () => [c.sessionInverted()])
        this.computed(
            REG_EFFECTIVE_MAX_ANGLE,
            n(() => c.effectiveMaxAngle())
        )
        this.computed(REG_CALIBRATION, () => c.calibration())
        this.computed(REG_LAST_ERROR, () => c.lastError)
        this.computed(REG_WARNINGS_ACKNOWLEDGED, () => [c.warningsAcknowledged])
        this.computed(REG_SETTINGS_REVISION, () => [c.settingsRevision()])
        this.computed(REG_LAST_SEQ, () => [c.lastSeq])
        this.computed(REG_COMMANDS_RUN, () => [c.commandsRun])
        this.computed(REG_FAULT_REASONS, () => [c.faultReasons()])
        this.computed(REG_COUNTED_SESSIONS, () => [c.countedSessions()])
        this.computed(REG_SESSION_LIMIT, () => [c.sessionLimit()])
        this.computed(REG_RECORDS_REVISION, () => [c.recordsRevision()])
        // The host's flash answers at once: a record is loaded as soon as it is asked for.
        const load = () => {
            if (c.recordRequested >= 0)
                c.recordLoaded(
                    c.recordRequested,
                    this.table.sessionLine(c.recordRequested)
                )
        }
        this.computed(REG_RECORD, () => (load(), [c.recordText]))
        const index = this.reg(REG_RECORD_INDEX)
        index.skipBoundaryCheck = true
        index.on(REGISTER_PRE_GET, () => {
            load()
            index.setValues([c.recordIndexNow()], true)
        })
        index.on(REPORT_RECEIVE, () => {
            const [raw] = index.values() as unknown[]
            c.writeRecordIndex(raw)
            load()
            index.setValues([c.recordIndexNow()], true)
            this.flushEvents()
        })
        for (const spec of SETTINGS_SCHEMA) {
            const key = spec.key
            const value = () => {
                const v = c.setting(key)
                return [typeof v === "number" ? fromVmWire(v) : v]
            }
            const reg = this.reg(settingRegister(key))
            // The core refuses out-of-range values with a reason; jacdac-ts must not clamp them first.
            reg.skipBoundaryCheck = true
            reg.on(REGISTER_PRE_GET, () =>
                reg.setValues(value() as never[], true)
            )
            reg.on(REPORT_RECEIVE, () => {
                const [raw] = reg.values() as unknown[]
                c.writeSetting(settingRegister(key), raw)
                reg.setValues(value() as never[], true)
                this.flushEvents()
            })
        }
        const samples = this.reg(REG_STREAMING_SAMPLES)
        samples.on(REPORT_RECEIVE, () => {
            this.samplesLeft = Number(samples.values()[0]) || 0
        })
        this.reg(REG_STREAMING_INTERVAL).setValues(
            [TELEMETRY_INTERVAL_MS],
            true
        )
    }

    private serveCommands(): void {
        const run = (code: number) => (pkt: Packet) => {
            const d = pkt.data
            const seq =
                d.length >= 4 ? pkt.jdunpack<[number]>("u32")[0] : undefined
            const arg = d.length >= 5 ? d[4] : 0
            // set_counted_sessions: u32 seq, u8 count, string reason
            const arg2 =
                code === CMD_SET_COUNTED_SESSIONS && d.length >= 5
                    ? pkt.jdunpack<[number, number, string]>("u32 u8 s")[2]
                    : undefined
            this.core.command(code, seq, arg, arg2)
            this.flushEvents()
        }
        for (const code of [
            CMD_CALIBRATE,
            CMD_SAVE,
            CMD_RESTORE_DEFAULTS,
            CMD_CLEAR_FAULTS,
            CMD_ACKNOWLEDGE_WARNINGS,
            CMD_SET_COUNTED_SESSIONS,
        ])
            this.server.handle(code, run(code))
    }

    private flushEvents(): void {
        for (const e of this.core.takeEvents()) {
            const data =
                e.code === EV_STATE_CHANGED
                    ? jdpack("u8", [e.value])
                    : e.code === EV_FAULT_RAISED
                      ? jdpack("u16", [e.value])
                      : jdpack(REFUSAL_FORMAT, e.value)
            void this.server.sendEvent(e.code, data)
        }
    }

    private stream(): void {
        if (this.samplesLeft <= 0) return
        const now = performance.now()
        if (now - this.lastStreamMs < TELEMETRY_INTERVAL_MS) return
        this.lastStreamMs = now
        this.samplesLeft--
        this.reg(REG_STREAMING_SAMPLES).setValues([this.samplesLeft], true)
        void this.reg(REG_TELEMETRY).sendGetAsync()
    }
}
