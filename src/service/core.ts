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
// say why, in fields (what was refused, its seq and code, the reason last). Nothing here bypasses a
// controller check.

import { CALIBRATION_STATUSES } from "../control/calibration"
import { SETTINGS_SCHEMA, SettingSpec, settingSpec } from "../control/settings"
import { Outputs } from "../control/types"
import {
    DESK_CALIBRATE,
    DESK_CLEAR_FAULTS,
    DESK_DEFAULTS,
    DESK_SAVE,
    DESK_SETTING,
    DESK_SET_COUNT,
    ServiceDesk,
} from "../control/serviceDesk"
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
    CALIBRATION_STEP_CODES_TEXT,
    CALIBRATION_STEP_NAMES,
    CalibrationReport,
    REFUSAL_NONE,
    REFUSAL_COMMAND,
    REFUSAL_WRITE,
    REG_RECORD_INDEX,
    Refusal,
    clipText,
    faultBits,
    settingFromWire,
    REG_FIRST_SETTING,
    settingToWire,
    stateCode,
    toWireFixed10,
} from "./protocol"
import { SeqFilter } from "./seqFilter"

/**
 * What the service needs of the controller: its settings and their revision to read, and its service
 * desk (src/control/serviceDesk.ts) to hand writes and commands to. The controller takes them up at
 * the start of its next tick; their results come back through the desk and are reported in feed().
 */
export interface ServiceController {
    settings: any
    /** increases with every change of the settings */
    settingsRevision: number
    desk: ServiceDesk
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

/** An event to send: EV_STATE_CHANGED (State code), EV_FAULT_RAISED (Faults bits), EV_REFUSED (Refusal). */
export interface ServiceEvent {
    code: number
    value: any
}

/**
 * Events waiting for the server to send them, at most: each send costs the device's packet budget
 * (20 ms a packet), so a sender flooding the table with refused packets must not grow the queue
 * without bound. A refusal is queued only while fewer than REFUSALS_QUEUED_MAX wait (`last_error`
 * still tells), so a flood of refusals never crowds out a state change or a new fault.
 */
export const EVENTS_QUEUED_MAX = 16
export const REFUSALS_QUEUED_MAX = 4

/** Before the first tick (the controller not running yet). */
const STARTING = "the table is starting, try again in a few seconds"
/** The desk full (a sender flooding the table). */
const BUSY = "the table is busy, try again"

/** A command handed to the desk, waiting for its result. */
interface PendingCommand {
    seq: number
    /** the command's code, and the calibration step it asked for (0: none) */
    code: number
    step: number
}
/** The telemetry report's fields: angle, target, rate, session_inverted, faults, state, flags. */
export const TELEMETRY_FIELDS = 7

export class TableServiceCore {
    ctl: ServiceController | null
    hooks: ServiceHooks
    out: Outputs | null
    stateCode: number
    faultBits: number
    /** the last refusal's fields (`last_error`) */
    lastError: Refusal
    /** the seq of the last `save` handed to the storing (its failure is reported with it) */
    saveSeq: number
    lastSeq: number
    commandsRun: number
    warningsAcknowledged: boolean
    /** the settings in use differ from the stored ones (set by the firmware around it) */
    settingsUnsaved: boolean
    seqs: SeqFilter
    events: ServiceEvent[]
    /** commands handed to the desk and not answered yet */
    pending: PendingCommand[]
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
        this.lastError = [0, 0, REFUSAL_NONE, 0, ""]
        this.saveSeq = 0
        this.lastSeq = 0
        this.commandsRun = 0
        this.warningsAcknowledged = false
        this.settingsUnsaved = false
        this.seqs = new SeqFilter()
        this.events = []
        this.pending = []
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
            this.queueEvent(EV_STATE_CHANGED, code, EVENTS_QUEUED_MAX)
        }
        const bits = out.faults.length > 0 ? faultBits(out.faults) : 0
        if ((bits & ~this.faultBits) !== 0)
            this.queueEvent(EV_FAULT_RAISED, bits, EVENTS_QUEUED_MAX)
        this.faultBits = bits
        if (this.ctl !== null && this.ctl.desk.results.length > 0)
            this.takeAnswers(this.ctl.desk)
    }

    /** The desk's answers to what was handed in: refusals reported, commands counted as handled. */
    takeAnswers(desk: ServiceDesk): void {
        for (const r of desk.takeResults()) {
            if (r.kind === DESK_SETTING) {
                // A setting check's reason starts with the key: the register code names it.
                const named = r.key + ": "
                if (r.error !== null)
                    this.refuseWrite(
                        -r.tag,
                        r.error.indexOf(named) === 0
                            ? r.error.slice(named.length)
                            : r.error
                    )
                continue
            }
            let found: PendingCommand | null = null
            const waiting: PendingCommand[] = []
            for (const p of this.pending) {
                if (p.seq === r.tag && found === null) found = p
                else waiting.push(p)
            }
            this.pending = waiting
            let reason = r.error
            // Storing is the firmware's: once the controller says it may (service mode).
            if (r.kind === DESK_SAVE && reason === null) {
                this.saveSeq = r.tag
                reason = this.hooks.save()
            }
            if (found === null) this.handled(r.tag, 0, 0, reason)
            else this.handled(r.tag, found.code, found.step, reason)
        }
    }

    /** A command has been dealt with: last_seq and commands_run say so, a refusal says why. */
    handled(
        seq: number,
        code: number,
        step: number,
        reason: string | null
    ): void {
        this.lastSeq = seq
        this.commandsRun++
        if (reason !== null)
            this.refuse([seq, code, REFUSAL_COMMAND, step, reason])
    }

    /** Hands a command to the desk (refused at once when the table is starting or the desk full). */
    toDesk(
        seq: number,
        code: number,
        step: number,
        kind: number,
        key: string,
        value: any,
        reason: any
    ): void {
        const ctl = this.ctl
        if (ctl === null) {
            this.handled(seq, code, step, STARTING)
            return
        }
        if (!ctl.desk.submit(seq, kind, key, value, reason)) {
            this.handled(seq, code, step, BUSY)
            return
        }
        this.pending.push({ seq: seq, code: code, step: step })
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

    /** [step code, status code, message]; step 0 and status 0 before any step. */
    calibration(): CalibrationReport {
        const o = this.out
        if (!o) return [0, 0, ""]
        // The steps the service hands in are known ones (an unknown code is refused in command());
        // only a host program calling the controller itself could leave another (-1 here).
        return [
            CALIBRATION_STEP_NAMES.indexOf(o.calibrationStep),
            CALIBRATION_STATUSES.indexOf(o.calibrationStatus),
            clipText(o.calibrationMessage),
        ]
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
            this.refuseWrite(
                REG_RECORD_INDEX,
                raw + " is not a whole number in 0.." + RECORD_INDEX_MAX
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

    /**
     * A write to a setting's register (`code`: REG_FIRST_SETTING + its SETTINGS_SCHEMA index),
     * handed to the controller's desk (taken up at its next tick). False when refused at once (not a setting, the table starting, the desk full); a refusal by
     * the controller (not in service mode, out of range) comes with the tick's answers.
     */
    writeSetting(code: number, raw: any): boolean {
        // The setting of the register (protocol.ts settingOfRegister, written out: fewer
        // instructions on the device). The server writes only its settings' codes, 0x80 and up.
        const spec: SettingSpec | undefined =
            SETTINGS_SCHEMA[code - REG_FIRST_SETTING]
        if (!spec) {
            this.refuseWrite(code, "not a setting")
            return false
        }
        if (!this.ctl) {
            this.refuseWrite(code, STARTING)
            return false
        }
        // The desk's tag of a write: minus its register code (apart from the seqs, which are >= 0).
        if (
            !this.ctl.desk.submit(
                -code,
                DESK_SETTING,
                spec.key,
                settingFromWire(spec, raw),
                null
            )
        ) {
            this.refuseWrite(code, BUSY)
            return false
        }
        return true
    }

    /**
     * A command: runs once per seq (a repeated seq is ignored: not run, not counted, not reported).
     * `arg` is the calibrate command's step code, or set_counted_sessions' count (`arg2` its reason).
     */
    command(code: number, seq: any, arg: any, arg2?: any): void {
        if (typeof seq !== "number" || !(seq >= 0)) {
            this.refuse([
                0,
                code,
                REFUSAL_COMMAND,
                0,
                "no seq (the payload is too short)",
            ])
            return
        }
        if (!this.seqs.accept(seq)) return
        if (code === CMD_CALIBRATE) {
            // The step as asked for, known or not (0: none, when the payload lacks it), and its
            // name ("" for none: protocol.ts calibrationStepName, written out for the device).
            const asked = arg | 0
            const step =
                asked > 0 && asked < CALIBRATION_STEP_NAMES.length
                    ? CALIBRATION_STEP_NAMES[asked]
                    : ""
            if (step === "")
                this.handled(
                    seq,
                    code,
                    asked,
                    "unknown calibration step (" +
                        CALIBRATION_STEP_CODES_TEXT +
                        ")"
                )
            else this.toDesk(seq, code, asked, DESK_CALIBRATE, step, null, null)
        } else if (code === CMD_SAVE)
            this.toDesk(seq, code, 0, DESK_SAVE, "", null, null)
        else if (code === CMD_RESTORE_DEFAULTS)
            this.toDesk(seq, code, 0, DESK_DEFAULTS, "", null, null)
        else if (code === CMD_CLEAR_FAULTS)
            this.toDesk(seq, code, 0, DESK_CLEAR_FAULTS, "", null, null)
        else if (code === CMD_SET_COUNTED_SESSIONS)
            this.toDesk(seq, code, 0, DESK_SET_COUNT, "", arg, arg2)
        else if (code === CMD_ACKNOWLEDGE_WARNINGS) {
            // The firmware records it and tells the controller at its next tick (src/main.ts).
            const reason = this.hooks.acknowledgeWarnings()
            if (reason === null) this.warningsAcknowledged = true
            this.handled(seq, code, 0, reason)
        } else this.handled(seq, code, 0, "unknown command")
    }

    /**
     * Storing the settings failed after the `save` was taken (the firmware stores in a fiber of its
     * own): reported like a refusal of that save, with its seq.
     */
    storingFailed(reason: string): void {
        this.refuse([this.saveSeq, CMD_SAVE, REFUSAL_COMMAND, 0, reason])
    }

    /** A refused register write: its code, and why. */
    refuseWrite(code: number, reason: string): void {
        this.refuse([0, code, REFUSAL_WRITE, 0, reason])
    }

    /** `last_error` and the `refused` event: the refusal's fields, its reason cut to one packet. */
    refuse(r: Refusal): void {
        r[4] = clipText(r[4])
        this.lastError = r
        this.queueEvent(EV_REFUSED, r, REFUSALS_QUEUED_MAX)
    }

    /** An event for the server to send, unless `room` events already wait (the registers still tell). */
    queueEvent(code: number, value: any, room: number): void {
        if (this.events.length < room)
            this.events.push({ code: code, value: value })
    }
}
