// The logic of the table's Jacdac service (services/inversiontable.md), apart from DeviceScript: what
// each register reads, what a setting write and each command do, which events are due. The
// firmware's server (server.ts) is a thin shell around it; the host tests it against the real
// controller (test/service.test.ts). Pure: no @devicescript import.
//
// Fed once per control tick with the controller's Outputs: it keeps a reference to them and two
// numbers (state code, fault bits), and computes a register's value only when a client asks. Events
// (state changed, fault raised, refused) are queued here and sent by the server.
//
// Everything that changes the table goes through the controller, which refuses it outside service
// mode or out of range: the register then keeps its value, and `last_error` and the `refused` event
// say why. Nothing here bypasses a controller check.

import { settingSpec } from "../control/settings"
import { Outputs } from "../control/types"
import {
    CMD_ACKNOWLEDGE_WARNINGS,
    CMD_CALIBRATE,
    CMD_CLEAR_FAULTS,
    CMD_RESTORE_DEFAULTS,
    CMD_SAVE,
    CMD_SET_COUNTED_SESSIONS,
    EV_FAULT_RAISED,
    EV_REFUSED,
    EV_STATE_CHANGED,
    FLAG_ALARM,
    FLAG_GRIP,
    FLAG_LATCH,
    FLAG_UNSAVED,
    FLAG_WARNING,
    calibrationStepName,
    clipText,
    commandName,
    commandRefusalText,
    faultBits,
    settingFromWire,
    settingToWire,
    stateCode,
    toWireFixed10,
    writeRefusalText,
} from "./protocol"
import { SeqFilter } from "./seqFilter"

/** What the service needs of the controller (src/control/controller.ts's service-mode API). */
export interface ServiceController {
    settings: any
    /** increases with every change of the settings */
    settingsRevision: number
    setSetting(key: string, value: any): string | null
    restoreDefaults(): string | null
    startCalibration(step: string): string | null
    requestClearFaults(): void
    serviceRefusal(): string | null
    /** The exercise program's count, set by a technician with a reason (service mode only). */
    setCountedSessions(n: any, reason: any): string | null
}

/** What the service needs of the firmware around it (flash). */
export interface ServiceHooks {
    /** Store the controller's settings now. null: under way (or nothing to do), else why not. */
    save(): string | null
    /** Store the first-use acknowledgement. null: under way, else why not. */
    acknowledgeWarnings(): string | null
}

/** The session records a client may read: `record_index` 0..RECORD_INDEX_MAX. */
export const RECORD_INDEX_MAX = 49
/** What `record_index` reads while the record asked for is being read from flash. */
export const RECORD_LOADING = 255

/** An event to send: EV_STATE_CHANGED (State code), EV_FAULT_RAISED (Faults bits), EV_REFUSED (text). */
export interface ServiceEvent {
    code: number
    value: any
}

/** Before the first tick (the controller not running yet). */
const STARTING = "the table is starting, try again in a few seconds"
/** The telemetry report's fields: angle, target, rate, session_inverted, faults, state, flags. */
export const TELEMETRY_FIELDS = 7

export class TableServiceCore {
    ctl: ServiceController | null
    hooks: ServiceHooks
    out: Outputs | null
    stateCode: number
    faultBits: number
    lastError: string
    lastSeq: number
    commandsRun: number
    warningsAcknowledged: boolean
    /** the settings in use differ from the stored ones (set by the firmware around it) */
    settingsUnsaved: boolean
    seqs: SeqFilter
    events: ServiceEvent[]
    /** the index of the record `record` holds (0 the newest) */
    recordIndex: number
    /** that record in its stored form ("" for none) */
    recordText: string
    /** an index written and not read from flash yet (-1: none): the firmware reads it outside the packet handler */
    recordRequested: number

    constructor(hooks: ServiceHooks) {
        this.ctl = null
        this.hooks = hooks
        this.out = null
        this.stateCode = -1
        this.faultBits = 0
        this.lastError = ""
        this.lastSeq = 0
        this.commandsRun = 0
        this.warningsAcknowledged = false
        this.settingsUnsaved = false
        this.seqs = new SeqFilter()
        this.events = []
        this.recordIndex = -1
        this.recordText = ""
        this.recordRequested = 0
    }

    /** Once per control tick: keep the outputs, queue the events they call for. */
    feed(out: Outputs): void {
        this.out = out
        const code = stateCode(out.state)
        if (code !== this.stateCode) {
            this.stateCode = code
            this.events.push({ code: EV_STATE_CHANGED, value: code })
        }
        const bits = out.faults.length > 0 ? faultBits(out.faults) : 0
        if ((bits & ~this.faultBits) !== 0)
            this.events.push({ code: EV_FAULT_RAISED, value: bits })
        this.faultBits = bits
    }

    /** The events queued since the last call (and the queue emptied). */
    takeEvents(): ServiceEvent[] {
        const events = this.events
        this.events = []
        return events
    }

    // ---- registers (values ready for the wire: i22.10 ones through toWireFixed10) ----

    angle(): number {
        return this.out ? toWireFixed10(this.out.estDeg) : 0
    }

    target(): number {
        return this.out ? toWireFixed10(this.out.targetDeg) : 0
    }

    rate(): number {
        return this.out ? toWireFixed10(this.out.rateDps) : 0
    }

    state(): number {
        return this.stateCode >= 0 ? this.stateCode : 0
    }

    faults(): number {
        return this.faultBits
    }

    latch(): boolean {
        return this.out ? this.out.latch : false
    }

    grip(): boolean {
        return this.out ? this.out.grip : false
    }

    sessionInverted(): number {
        return this.out ? Math.max(0, this.out.sessionInvertedS) : 0
    }

    effectiveMaxAngle(): number {
        return this.out ? toWireFixed10(this.out.effectiveMaxDeg) : 0
    }

    calibration(): string {
        return this.out ? clipText(this.out.calibration) : ""
    }

    faultReasons(): string {
        return this.out ? clipText(this.out.faultReasons.join("; ")) : ""
    }

    countedSessions(): number {
        return this.out ? this.out.countedSessions : 0
    }

    /** The session's time limit now (the setting, or the program's shorter one), whole seconds. */
    sessionLimit(): number {
        return this.out ? Math.round(this.out.sessionLimitS) : 0
    }

    recordsRevision(): number {
        return this.out ? this.out.recordRevision : 0
    }

    /**
     * `record_index` written: a whole number 0..RECORD_INDEX_MAX, else refused. The record is read
     * from flash outside the packet handler (recordRequested); `record_index` reads the new index
     * once `record` holds its record (recordLoaded).
     */
    writeRecordIndex(raw: any): boolean {
        if (
            typeof raw !== "number" ||
            !(raw >= 0 && raw <= RECORD_INDEX_MAX) ||
            Math.floor(raw) !== raw
        ) {
            this.refuse(
                writeRefusalText(
                    "record_index",
                    raw + " is not a whole number in 0.." + RECORD_INDEX_MAX
                )
            )
            return false
        }
        this.recordRequested = raw
        return true
    }

    /** The record of `index` has been read (its stored form, "" for none). */
    recordLoaded(index: number, text: string): void {
        if (index === this.recordRequested) this.recordRequested = -1
        this.recordIndex = index
        this.recordText = text
    }

    /**
     * `record_index`: the index whose record `record` holds, or RECORD_LOADING while a written index
     * is being read (a client waits for its index to show).
     */
    recordIndexNow(): number {
        if (this.recordRequested >= 0 || this.recordIndex < 0)
            return RECORD_LOADING
        return this.recordIndex
    }

    /** The controller's own count, not the last tick's: a write shows at once. */
    settingsRevision(): number {
        return this.ctl ? this.ctl.settingsRevision : 0
    }

    flags(): number {
        const o = this.out
        if (!o) return 0
        return (
            (o.latch ? FLAG_LATCH : 0) |
            (o.grip ? FLAG_GRIP : 0) |
            (o.warning ? FLAG_WARNING : 0) |
            (o.alarm ? FLAG_ALARM : 0) |
            (this.settingsUnsaved ? FLAG_UNSAVED : 0)
        )
    }

    /** The telemetry report: [angle, target, rate, session_inverted, faults, state, flags]. */
    telemetry(): any[] {
        return [
            this.angle(),
            this.target(),
            this.rate(),
            this.sessionInverted(),
            this.faultBits,
            this.state(),
            this.flags(),
        ]
    }

    /** A setting's register value (the controller's setting now; the default before it runs). */
    setting(key: string): any {
        const spec = settingSpec(key)
        if (!spec) return 0
        const value = this.ctl ? this.ctl.settings[key] : spec.defaultValue
        return settingToWire(spec, value)
    }

    // ---- writes and commands ----

    /** A register write to a setting. True when the controller took it; else refused and reported. */
    writeSetting(key: string, raw: any): boolean {
        const spec = settingSpec(key)
        if (!spec) {
            this.refuse(writeRefusalText(key, "not a setting"))
            return false
        }
        if (!this.ctl) {
            this.refuse(writeRefusalText(key, STARTING))
            return false
        }
        const error = this.ctl.setSetting(key, settingFromWire(spec, raw))
        if (error !== null) {
            this.refuse(writeRefusalText(key, error))
            return false
        }
        return true
    }

    /**
     * A command: runs once per seq (a repeated seq is ignored: not run, not counted, not reported).
     * `arg` is the calibrate command's step code, or set_counted_sessions' count (`arg2` its reason).
     */
    command(code: number, seq: any, arg: any, arg2?: any): void {
        let name = commandName(code)
        if (typeof seq !== "number" || !(seq >= 0)) {
            this.refuse(clipText(name + ": no seq (the payload is too short)"))
            return
        }
        if (!this.seqs.accept(seq)) return
        this.lastSeq = seq
        this.commandsRun++
        let reason: string | null = null
        const ctl = this.ctl
        if (code === CMD_CALIBRATE) {
            const step = calibrationStepName(arg)
            name = name + " " + (step !== "" ? step : "" + arg)
            if (step === "")
                reason =
                    "unknown calibration step (1 level, 2 gyro, 3 home, 4 axis)"
            else if (!ctl) reason = STARTING
            else reason = ctl.startCalibration(step)
        } else if (!ctl) reason = STARTING
        else if (code === CMD_SAVE) {
            reason = ctl.serviceRefusal()
            if (reason === null) reason = this.hooks.save()
        } else if (code === CMD_RESTORE_DEFAULTS) reason = ctl.restoreDefaults()
        else if (code === CMD_CLEAR_FAULTS) ctl.requestClearFaults()
        else if (code === CMD_ACKNOWLEDGE_WARNINGS) {
            reason = this.hooks.acknowledgeWarnings()
            if (reason === null) this.warningsAcknowledged = true
        } else if (code === CMD_SET_COUNTED_SESSIONS) {
            name = name + " " + arg
            reason = ctl.setCountedSessions(arg, arg2)
        } else reason = "unknown command"
        if (reason !== null) this.refuse(commandRefusalText(seq, name, reason))
    }

    /** Something that went wrong after a command was taken (storing failed): reported like a refusal. */
    report(text: string): void {
        this.refuse(clipText(text))
    }

    refuse(text: string): void {
        this.lastError = text
        this.events.push({ code: EV_REFUSED, value: text })
    }
}
