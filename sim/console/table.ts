// The table as the console sees it: its Jacdac service (services/inversiontable.md, codes in
// src/service/protocol.ts) on a bus, read and commanded the way services/README.md says.
//
// - Reads: a GET, then the next report of that register (sent again every RESEND_MS until
//   READ_TIMEOUT_MS). No cached value is ever returned.
// - Setting writes: SET (no ACK exists), then the register, settings_revision and last_error read
//   back: taken when the revision moved and the value reads as written; refused when the table says
//   so (the `refused` event, or last_error: a write refusal with the setting's register code); sent
//   once more if neither shows.
// - Commands: a fresh seq each, never an ACK; arrival is seen in last_seq (or a refusal with the
//   seq), the same seq resent every COMMAND_RESEND_MS until COMMAND_TIMEOUT_MS; a repeat is
//   harmless (the table runs a seq once). Then last_error tells whether it was refused.
// - Refusals and the calibration register are read as their fields (services/inversiontable.md):
//   which register or command, its seq, the step and status codes; the words are only shown.
// - Every wait has a timeout and ends at once when the connection is lost: a TableError (exit 3).

import * as fs from "node:fs"
import * as path from "node:path"
import {
    JDService,
    jdpack,
    loadServiceSpecifications,
    Packet,
    REPORT_RECEIVE,
    serviceSpecificationFromClassIdentifier,
} from "jacdac-ts"
import {
    SettingKey,
    SETTINGS_SCHEMA,
    settingSpec,
} from "../../src/control/settings"
import {
    CALIBRATION_STATUSES,
    CalibrationStatus,
} from "../../src/control/calibration"
import {
    CALIBRATION_STEP_NAMES,
    calibrationStepName,
    CMD_ACKNOWLEDGE_WARNINGS,
    CMD_CALIBRATE,
    CMD_RESTORE_DEFAULTS,
    CMD_SAVE,
    commandName,
    EV_REFUSED,
    faultNames,
    FLAG_ALARM,
    FLAG_GRIP,
    FLAG_LATCH,
    FLAG_UNSAVED,
    FLAG_WARNING,
    INVERSION_TABLE_SERVICE_CLASS,
    REG_CALIBRATION,
    REG_COMMANDS_RUN,
    REG_COUNTED_SESSIONS,
    REG_RECORD,
    REG_RECORD_INDEX,
    REG_SESSION_LIMIT,
    REG_EFFECTIVE_MAX_ANGLE,
    REG_FAULT_REASONS,
    REG_LAST_ERROR,
    REG_LAST_SEQ,
    CMD_SET_COUNTED_SESSIONS,
    REG_STREAMING_SAMPLES,
    REG_TELEMETRY,
    REG_WARNINGS_ACKNOWLEDGED,
    REFUSAL_COMMAND,
    REFUSAL_FORMAT,
    REFUSAL_NONE,
    REFUSAL_WRITE,
    settingRegister,
    stateName,
    TableRefusal,
} from "../../src/service/protocol"
import { REPO_ROOT } from "../firmware/paths"
import { SESSION_SLOTS, SessionRecord } from "../../src/control/sessions"
import { decodeSessionRecord } from "../../src/hw/sessionCodec"
import { ConsoleError, RefusedError, TableError } from "./exitCodes"
import {
    CalibrationReading,
    calibrationText,
    SettingValues,
    StatusSnapshot,
    Telemetry,
} from "./format"
import { SeqCounter } from "./seq"
import { BusLink } from "./transport"

/** Where `devs build` writes the service specifications for host programs. */
export const SERVICES_JSON = path.join(
    REPO_ROOT,
    ".devicescript",
    "services.json"
)

/** The table's service appears within ~1 s of the firmware's start (it announces every 500 ms). */
export const FIND_TIMEOUT_MS = 5000
/** A GET is answered in one bus round trip (a few ms); resent this often, given up after this long. */
export const RESEND_MS = 250
export const READ_TIMEOUT_MS = 2000
/** A command's arrival shows in last_seq; the same seq is resent this often, given up after this. */
export const COMMAND_RESEND_MS = 300
export const COMMAND_TIMEOUT_MS = 3000
/** How long a calibration step may take at most (gyro 3 s, axis up to 6 s, plus the bus). */
export const CALIBRATION_TIMEOUT_MS = 15000
export const CALIBRATION_POLL_MS = 200
/** After a write, how long until the tick-based registers (settings_revision) and the refused event show it. */
export const WRITE_SETTLE_MS = 80
/** After a write, its value read again this often, this many times, until it shows (or is refused). */
export const WRITE_POLL_MS = 20
export const WRITE_POLLS = 5
/** Control ticks are 20 ms: after this long the registers show what a command started. */
export const CALIBRATION_SETTLE_MS = 100
/** Telemetry streaming: samples asked for at a time, and how often the request is renewed. */
export const STREAM_SAMPLES = 50
export const STREAM_RENEW_MS = 2000
/** Numbers are compared to this (i22.10 on the wire, 0.01 in the table). */
export const VALUE_TOLERANCE = 0.006

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))

/** The table's service in services.json (services/inversiontable.md's short id). */
export const TABLE_SERVICE_SHORT_ID = "inversiontable"
let tableClass: number | null = null
let tableClassFile = ""

/**
 * Loads the project's service specifications (services.json, written by `devs build`) into
 * jacdac-ts, once, and returns the table's service class from it. Throws a TableError (exit 3) when
 * the file is missing or does not describe the table's service, or disagrees with
 * src/service/protocol.ts (a stale build).
 */
export function loadTableSpec(file = SERVICES_JSON): number {
    if (tableClass !== null && file === tableClassFile) return tableClass
    let specs: { shortId?: string; classIdentifier?: number }[]
    try {
        specs = JSON.parse(fs.readFileSync(file, "utf8"))
    } catch (e) {
        throw new TableError(
            `cannot read the table's service specification ${file} (${(e as Error).message}): run npm run build:firmware`
        )
    }
    const spec = Array.isArray(specs)
        ? specs.find(s => s && s.shortId === TABLE_SERVICE_SHORT_ID)
        : undefined
    if (!spec || typeof spec.classIdentifier !== "number")
        throw new TableError(
            `${file} does not describe the table's service (${TABLE_SERVICE_SHORT_ID}): run npm run build:firmware`
        )
    if (spec.classIdentifier !== INVERSION_TABLE_SERVICE_CLASS)
        throw new TableError(
            `${file} gives the table's service class 0x${spec.classIdentifier.toString(16)}, src/service/protocol.ts 0x${INVERSION_TABLE_SERVICE_CLASS.toString(16)}: run npm run build:firmware`
        )
    if (!serviceSpecificationFromClassIdentifier(spec.classIdentifier))
        loadServiceSpecifications(specs as never)
    tableClass = spec.classIdentifier
    tableClassFile = file
    return tableClass
}

export type CalibrationOutcome = {
    step: string
    status: "done" | "refused" | "failed"
    message: string
}

/** A status that ends a step. */
function isOutcome(
    status: CalibrationStatus
): status is CalibrationOutcome["status"] {
    return status === "done" || status === "refused" || status === "failed"
}

/**
 * The `calibration` register's fields (CALIBRATION_FORMAT): the step by its CalibrationStep code ("" for
 * none, "step N" for a code this console does not know), the status by its CalibrationStatus code ("" for
 * none or an unknown code), the message.
 */
export function decodeCalibration(v: readonly unknown[]): CalibrationReading {
    const [step, status, message] = v
    const code = typeof step === "number" ? step : 0
    return {
        step: code === 0 ? "" : calibrationStepName(code) || `step ${code}`,
        status:
            typeof status === "number" && status < CALIBRATION_STATUSES.length
                ? CALIBRATION_STATUSES[status]
                : "",
        message: typeof message === "string" ? message : "",
    }
}

/**
 * The fields of `refused` or `last_error` (REFUSAL_FORMAT), or null when nothing was refused (kind
 * None) or the value is not one (a table that does not speak this service's version).
 */
export function decodeRefusal(v: readonly unknown[]): TableRefusal | null {
    const [seq, code, kind, step, reason] = v
    if (
        typeof seq !== "number" ||
        typeof code !== "number" ||
        typeof kind !== "number" ||
        typeof step !== "number" ||
        typeof reason !== "string" ||
        kind === REFUSAL_NONE
    )
        return null
    return { kind, seq, code, step, reason }
}

/** The same refusal (every field): a last_error read again that has not changed. */
export function sameRefusal(
    a: TableRefusal | null,
    b: TableRefusal | null
): boolean {
    if (a === null || b === null) return a === b
    return (
        a.kind === b.kind &&
        a.seq === b.seq &&
        a.code === b.code &&
        a.step === b.step &&
        a.reason === b.reason
    )
}

/** A refusal of a write to the register `code`. */
export function refusesWrite(r: TableRefusal | null, code: number): boolean {
    return r !== null && r.kind === REFUSAL_WRITE && r.code === code
}

/** A refusal of the command `code` sent with `seq`. */
export function refusesCommand(
    r: TableRefusal | null,
    code: number,
    seq: number
): boolean {
    return (
        r !== null &&
        r.kind === REFUSAL_COMMAND &&
        r.code === code &&
        r.seq === seq
    )
}

export function decodeTelemetry(v: readonly unknown[]): Telemetry {
    const n = (i: number) => (typeof v[i] === "number" ? (v[i] as number) : NaN)
    const flags = n(6) | 0
    return {
        angleDeg: n(0),
        targetDeg: n(1),
        rateDps: n(2),
        sessionInvertedS: n(3),
        faults: faultNames(n(4) | 0),
        state: stateName(n(5)) || `unknown state ${v[5]}`,
        latch: (flags & FLAG_LATCH) !== 0,
        grip: (flags & FLAG_GRIP) !== 0,
        warning: (flags & FLAG_WARNING) !== 0,
        alarm: (flags & FLAG_ALARM) !== 0,
        unsaved: (flags & FLAG_UNSAVED) !== 0,
    }
}

/** A command's refusal: what the console sent (`label`) and the table's reason. */
function refused(label: string, r: TableRefusal): RefusedError {
    return new RefusedError(`the table refused ${label}: ${r.reason}`, r)
}

/** A write's refusal: the setting and the table's reason. */
function refusedWrite(key: string, r: TableRefusal): RefusedError {
    return new RefusedError(`the table refused: ${key}: ${r.reason}`, r)
}

export function sameSettingValue(a: unknown, b: unknown): boolean {
    if (typeof a === "number" && typeof b === "number")
        return Math.abs(a - b) <= VALUE_TOLERANCE
    return a === b
}

/**
 * The table services on the bus whose device still announces. After a restart the old device stays
 * listed for ~3 s (jacdac-ts marks it lost after 1.5 s without an announce).
 */
export function liveTableServices(link: BusLink): JDService[] {
    return link.bus
        .services({ serviceClass: loadTableSpec() })
        .filter(s => !s.device.lost)
}

/** Waits for the table's service on the bus; a TableError after timeoutMs. */
export async function findTable(
    link: BusLink,
    timeoutMs = FIND_TIMEOUT_MS
): Promise<JDService> {
    loadTableSpec()
    const deadline = performance.now() + timeoutMs
    for (;;) {
        if (link.lostReason !== null) throw new TableError(link.lostReason)
        const found = liveTableServices(link)[0]
        if (found) return found
        if (performance.now() > deadline)
            throw new TableError(
                `the table does not answer: no inversion-table service on ${link.url} within ${timeoutMs / 1000} s (is the table on and running its firmware?)`
            )
        await sleep(50)
    }
}

export class TableClient {
    private svc: JDService
    /** the last `refused` events, numbered in arrival order (refusalCount counts them all) */
    private refusals: { n: number; refusal: TableRefusal }[] = []
    private refusalCount = 0
    private readonly detachers: (() => void)[] = []

    constructor(
        readonly link: BusLink,
        service: JDService,
        readonly seq: SeqCounter = new SeqCounter()
    ) {
        this.svc = service
        this.watchEvents(service)
    }

    /** Connects to the table's service on this bus (waits up to timeoutMs for it). */
    static async open(
        link: BusLink,
        timeoutMs = FIND_TIMEOUT_MS,
        seq?: SeqCounter
    ): Promise<TableClient> {
        return new TableClient(link, await findTable(link, timeoutMs), seq)
    }

    get deviceId(): string {
        return this.svc.device.deviceId
    }

    dispose(): void {
        for (const d of this.detachers.splice(0)) d()
    }

    private watchEvents(service: JDService): void {
        this.detachers.push(
            service.subscribe(REPORT_RECEIVE, (pkt: Packet) => {
                if (pkt.isEvent && pkt.eventCode === EV_REFUSED) {
                    const refusal = decodeRefusal(
                        pkt.data.length >= 8 ? pkt.jdunpack(REFUSAL_FORMAT) : []
                    )
                    if (refusal === null) return
                    this.refusals.push({ n: ++this.refusalCount, refusal })
                    if (this.refusals.length > 50) this.refusals.shift()
                }
            })
        )
    }

    /** A `refused` event that arrived after mark (a refusalCount) and that `which` picks. */
    private refusalSince(
        mark: number,
        which: (r: TableRefusal) => boolean
    ): TableRefusal | undefined {
        return this.refusals.find(r => r.n > mark && which(r.refusal))?.refusal
    }

    /** The service now: after a restart of the table its device may be a new one; take that. */
    private service(): JDService {
        if (this.link.lostReason !== null)
            throw new TableError(this.link.lostReason)
        const all = liveTableServices(this.link)
        if (all.length > 0 && !all.includes(this.svc)) {
            this.dispose()
            this.svc = all[0]
            this.watchEvents(this.svc)
        }
        return this.svc
    }

    // ---- registers ----

    /** A fresh value of a register (its unpacked fields). */
    read(
        code: number,
        what: string,
        timeoutMs = READ_TIMEOUT_MS
    ): Promise<unknown[]> {
        const reg = this.service().register(code)
        return new Promise((resolve, reject) => {
            let settled = false
            const finish = (error: Error | null, value?: unknown[]) => {
                if (settled) return
                settled = true
                clearInterval(resend)
                clearTimeout(timer)
                offReport()
                offLost()
                if (error) reject(error)
                else resolve(value!)
            }
            const offReport = reg.subscribe(REPORT_RECEIVE, () => {
                const v = reg.unpackedValue
                if (Array.isArray(v)) finish(null, v)
                else
                    finish(
                        new TableError(
                            `the table sent ${what} in a form this console cannot read (services.json out of date?)`
                        )
                    )
            })
            const offLost = this.link.onLost(reason =>
                finish(new TableError(reason))
            )
            const get = () => void reg.sendGetAsync().catch(() => {})
            const resend = setInterval(get, RESEND_MS)
            const timer = setTimeout(
                () =>
                    finish(
                        new TableError(
                            `the table does not answer (no reply reading ${what} within ${timeoutMs / 1000} s)`
                        )
                    ),
                timeoutMs
            )
            get()
        })
    }

    async readNumber(code: number, what: string): Promise<number> {
        const [v] = await this.read(code, what)
        if (typeof v !== "number")
            throw new TableError(
                `the table sent ${what} as ${typeof v}, not a number`
            )
        return v
    }

    async readBool(code: number, what: string): Promise<boolean> {
        const [v] = await this.read(code, what)
        return !!v // jacdac-ts reads a true bool as 255
    }

    async readString(code: number, what: string): Promise<string> {
        const [v] = await this.read(code, what)
        return typeof v === "string" ? v : ""
    }

    /** `last_error`: the table's last refusal, or null when there was none. */
    async lastError(): Promise<TableRefusal | null> {
        return decodeRefusal(await this.read(REG_LAST_ERROR, "last_error"))
    }

    /** The `calibration` register: the last step, its status and message. */
    async calibration(): Promise<CalibrationReading> {
        return decodeCalibration(
            await this.read(REG_CALIBRATION, "calibration")
        )
    }

    async telemetry(): Promise<Telemetry> {
        return decodeTelemetry(await this.read(REG_TELEMETRY, "telemetry"))
    }

    async status(): Promise<StatusSnapshot> {
        // One register at a time: every reply costs the VM's packet budget, shared with its motor.
        const t = await this.telemetry()
        const effectiveMaxDeg = await this.readNumber(
            REG_EFFECTIVE_MAX_ANGLE,
            "effective_max_angle"
        )
        const calibration = await this.calibration()
        const warningsAcknowledged = await this.readBool(
            REG_WARNINGS_ACKNOWLEDGED,
            "warnings_acknowledged"
        )
        const faultReasons =
            t.faults.length > 0
                ? await this.readString(REG_FAULT_REASONS, "fault_reasons")
                : ""
        const lastError = await this.lastError()
        return {
            ...t,
            effectiveMaxDeg,
            calibration,
            warningsAcknowledged,
            faultReasons,
            lastError,
        }
    }

    async warningsAcknowledged(): Promise<boolean> {
        return this.readBool(REG_WARNINGS_ACKNOWLEDGED, "warnings_acknowledged")
    }

    async faults(): Promise<{ faults: string[]; reasons: string }> {
        const t = await this.telemetry()
        const reasons =
            t.faults.length > 0
                ? await this.readString(REG_FAULT_REASONS, "fault_reasons")
                : ""
        return { faults: t.faults, reasons }
    }

    // ---- settings ----

    async readSetting(key: SettingKey): Promise<number | boolean> {
        const spec = settingSpec(key)!
        const [v] = await this.read(settingRegister(key), key)
        if (spec.kind === "boolean") return !!v
        if (typeof v !== "number")
            throw new TableError(
                `the table sent ${key} as ${typeof v}, not a number`
            )
        return Math.round(v * 100) / 100
    }

    async readAllSettings(): Promise<SettingValues> {
        const out: SettingValues = {}
        for (const spec of SETTINGS_SCHEMA)
            out[spec.key] = await this.readSetting(spec.key)
        return out
    }

    /**
     * Writes a setting (already checked against the schema) and confirms it by reading back.
     * Resolves with the value the table holds and whether it changed; throws a RefusedError with
     * the table's reason when it refused, a TableError when it does not answer or confirm.
     *
     * The table takes a write up at its next control tick (its service desk); the setting's register
     * then reads the new value, polled for a few ticks. A value that changed to the one written was
     * taken. Otherwise the table says why it refused: the `refused` event, or
     * last_error naming the key. A write of the value the setting already has changes nothing (no
     * revision): with no refusal, it was taken if the table is in service mode. With no sign either
     * way (the write lost on the way, or an event lost) it is sent once more.
     */
    async writeSetting(
        key: SettingKey,
        value: number | boolean
    ): Promise<{ value: number | boolean; changed: boolean }> {
        const spec = settingSpec(key)!
        const code = settingRegister(key)
        const reg = this.service().register(code)
        const ours = (r: TableRefusal | null) => refusesWrite(r, code)
        const wire =
            spec.kind === "boolean" ? (value ? 1 : 0) : (value as number)
        for (let attempt = 0; attempt < 2; attempt++) {
            const old = await this.readSetting(key)
            const lastErrorBefore = await this.lastError()
            const mark = this.refusalCount
            await reg.sendSetPackedAsync([wire], false)
            // The table takes the write up at its next control tick (its service desk): a refusal
            // or the new value shows within a tick or two.
            let now = await this.readSetting(key)
            for (
                let i = 0;
                i < WRITE_POLLS &&
                !sameSettingValue(now, value) &&
                this.refusalSince(mark, ours) === undefined;
                i++
            ) {
                await sleep(WRITE_POLL_MS)
                now = await this.readSetting(key)
            }
            const same = sameSettingValue(now, value)
            if (same && !sameSettingValue(old, value))
                return { value: now, changed: true }
            await sleep(WRITE_SETTLE_MS)
            const refusal = this.refusalSince(mark, ours)
            if (refusal !== undefined) throw refusedWrite(key, refusal)
            const lastError = await this.lastError()
            const named = ours(lastError)
            if (named && !sameRefusal(lastError, lastErrorBefore))
                throw refusedWrite(key, lastError!)
            if (same && (await this.telemetry()).state === "service")
                return { value: now, changed: false }
            if (!same && !sameSettingValue(now, old))
                throw new RefusedError(
                    `${key} reads ${now} after writing ${value}: another console may have changed it at the same time`
                )
            // No sign yet: the write or the refused event may have been lost. The second attempt decides.
            if (attempt > 0) {
                if (named) throw refusedWrite(key, lastError!)
                if ((await this.telemetry()).state !== "service")
                    throw new RefusedError(
                        `the table refused ${key}: it is not in service mode`
                    )
            }
        }
        throw new TableError(
            `the table did not confirm the write of ${key} (no change, no refusal)`
        )
    }

    // ---- commands ----

    /**
     * Sends a command with a fresh seq and waits until the table has handled it. Resolves with the
     * seq; throws a RefusedError with the table's reason if it refused, a TableError if it never
     * showed that it arrived.
     *
     * Arrival: last_seq is read right after each send (the table handles packets in order, so the
     * read sees the command unless it was lost or another console's command came in between). If it
     * shows another seq, the same seq is sent again: a seq already handled is ignored (last_seq does
     * not change), one that was lost runs now (last_seq shows it). So: last_seq = seq, or, after a
     * resend, last_seq still another's while commands_run has grown since the first send: handled.
     */
    async command(
        code: number,
        extra: { format: string; values: unknown[] } | null = null,
        label = commandName(code)
    ): Promise<number> {
        const seq = this.seq.next()
        const format = "u32" + (extra ? " " + extra.format : "")
        const payload = jdpack(format, [seq, ...(extra ? extra.values : [])])
        const ours = (r: TableRefusal | null) => refusesCommand(r, code, seq)
        const mark = this.refusalCount
        const runBefore = await this.readNumber(
            REG_COMMANDS_RUN,
            "commands_run"
        )
        const deadline = performance.now() + COMMAND_TIMEOUT_MS
        let sends = 0
        for (;;) {
            // Never ask for an ACK: a DeviceScript server sends none, and jacdac-ts would resend.
            await this.service().sendCmdAsync(code, payload, false)
            sends++
            const last = await this.readNumber(REG_LAST_SEQ, "last_seq")
            if (last === seq) break
            const refusal = this.refusalSince(mark, ours)
            if (refusal !== undefined) throw refused(label, refusal)
            if (
                sends >= 2 &&
                (await this.readNumber(REG_COMMANDS_RUN, "commands_run")) !==
                    runBefore
            )
                break
            if (performance.now() > deadline)
                throw new TableError(
                    `the table does not answer: ${label} (seq ${seq}) not handled within ${COMMAND_TIMEOUT_MS / 1000} s`
                )
            await sleep(sends === 1 ? 20 : COMMAND_RESEND_MS)
        }
        const refusal = this.refusalSince(mark, ours)
        if (refusal !== undefined) throw refused(label, refusal)
        const lastError = await this.lastError()
        if (lastError !== null && ours(lastError))
            throw refused(label, lastError)
        return seq
    }

    /** Sends `save`; resolves with its seq (a storing failure is reported with it later). */
    async save(): Promise<number> {
        return this.command(CMD_SAVE)
    }

    async restoreDefaults(): Promise<void> {
        await this.command(CMD_RESTORE_DEFAULTS)
    }

    async acknowledgeWarnings(): Promise<boolean> {
        await this.command(CMD_ACKNOWLEDGE_WARNINGS)
        return this.warningsAcknowledged()
    }

    /**
     * Runs one calibration step: the command, then the `calibration` register followed until it
     * shows this step done, refused or failed. `onProgress` sees every new reading.
     */
    async calibrate(
        step: string,
        onProgress?: (reading: CalibrationReading) => void
    ): Promise<CalibrationOutcome> {
        const code = CALIBRATION_STEP_NAMES.indexOf(step)
        if (code <= 0)
            throw new ConsoleError(2, `unknown calibration step ${step}`)
        const label = `calibrate ${step}`
        try {
            await this.command(
                CMD_CALIBRATE,
                { format: "u8", values: [code] },
                label
            )
        } catch (e) {
            // The table's refusal of this calibrate (its seq): the step's own words.
            if (e instanceof RefusedError && e.refusal !== null)
                return { step, status: "refused", message: e.refusal.reason }
            throw e
        }
        // The calibration register shows the controller's outputs of the last control tick: until
        // the next tick it may still show this step's previous outcome (word for word the same,
        // for home). Let a few ticks pass first.
        await sleep(CALIBRATION_SETTLE_MS)
        const deadline = performance.now() + CALIBRATION_TIMEOUT_MS
        let shown: CalibrationReading | null = null
        for (;;) {
            const now = await this.calibration()
            if (
                shown === null ||
                now.step !== shown.step ||
                now.status !== shown.status ||
                now.message !== shown.message
            ) {
                shown = now
                onProgress?.(now)
            }
            if (now.step === step && isOutcome(now.status))
                return { step, status: now.status, message: now.message }
            if (performance.now() > deadline)
                throw new TableError(
                    `the table does not answer: calibrate ${step} did not finish within ${CALIBRATION_TIMEOUT_MS / 1000} s (last: ${calibrationText(now)})`
                )
            await sleep(CALIBRATION_POLL_MS)
        }
    }

    // ---- streaming ----

    /**
     * Telemetry at the table's 10 Hz while it runs: asks the table to stream (streaming_samples),
     * renews the request, calls onReport for each report, and stops the stream when `signal`
     * aborts or the time is up. A table silent for READ_TIMEOUT_MS is a TableError.
     */
    // ---- the exercise program ----

    /** The count of sessions that counted, and the session's time limit now (s). */
    async progress(): Promise<{
        countedSessions: number
        sessionLimitS: number
    }> {
        const countedSessions = await this.readNumber(
            REG_COUNTED_SESSIONS,
            "counted_sessions"
        )
        const sessionLimitS = await this.readNumber(
            REG_SESSION_LIMIT,
            "session_limit"
        )
        return { countedSessions, sessionLimitS }
    }

    /**
     * The session records the table keeps, newest first: `record_index` written 0, 1, ... and
     * `record` read after each (the table handles packets in order), until an empty one. A line
     * that does not decode (damaged on the way or in flash) is counted in `unreadable`.
     */
    async sessionRecords(): Promise<{
        records: SessionRecord[]
        unreadable: number
    }> {
        const index = this.service().register(REG_RECORD_INDEX)
        const records: SessionRecord[] = []
        let unreadable = 0
        for (let i = 0; i < SESSION_SLOTS; i++) {
            // Newest first, so each number is below the one before: a reply to an earlier index
            // (a late answer to a resent read) is read again.
            let line = ""
            let r: SessionRecord | null = null
            for (let attempt = 0; attempt < 3; attempt++) {
                await index.sendSetPackedAsync([i], false)
                await this.untilRecordIndex(i)
                line = await this.readString(REG_RECORD, "record")
                r = decodeSessionRecord(line)
                const previous = records[records.length - 1]
                if (r === null || previous === undefined) break
                if (r.number < previous.number) break
                r = null
                line = "?"
            }
            if (line === "") break
            if (r === null) unreadable++
            else records.push(r)
        }
        return { records, unreadable }
    }

    /**
     * Waits until `record_index` reads i: the table reads a record from flash after the index is
     * written (outside its packet handler), and shows the index once `record` holds it.
     */
    private async untilRecordIndex(i: number): Promise<void> {
        const deadline = performance.now() + READ_TIMEOUT_MS
        for (;;) {
            if ((await this.readNumber(REG_RECORD_INDEX, "record_index")) === i)
                return
            if (performance.now() > deadline)
                throw new TableError(
                    `the table does not answer: session record ${i} not read within ${READ_TIMEOUT_MS / 1000} s`
                )
            await sleep(20)
        }
    }

    /** Sets the count of sessions that counted (service mode), recorded with the reason. */
    async setCountedSessions(n: number, reason: string): Promise<void> {
        await this.command(
            CMD_SET_COUNTED_SESSIONS,
            { format: "u8 s", values: [n, reason] },
            `set_counted_sessions ${n}`
        )
    }

    async stream(
        onReport: (t: Telemetry, atMs: number) => void,
        signal: AbortSignal,
        seconds: number | null = null
    ): Promise<number> {
        const service = this.service()
        const reading = service.register(REG_TELEMETRY)
        const samples = service.register(REG_STREAMING_SAMPLES)
        let count = 0
        let lastAt = performance.now()
        const offReport = reading.subscribe(REPORT_RECEIVE, () => {
            const v = reading.unpackedValue
            if (!Array.isArray(v)) return
            lastAt = performance.now()
            count++
            onReport(decodeTelemetry(v), lastAt)
        })
        const endAt =
            seconds === null ? Infinity : performance.now() + seconds * 1000
        let failure: Error | null = null
        const offLost = this.link.onLost(
            reason => (failure = new TableError(reason))
        )
        try {
            let renewAt = 0
            while (!signal.aborted && performance.now() < endAt) {
                if (failure) throw failure
                if (this.link.lostReason !== null)
                    throw new TableError(this.link.lostReason)
                const now = performance.now()
                if (now >= renewAt) {
                    await samples.sendSetPackedAsync([STREAM_SAMPLES], false)
                    renewAt = now + STREAM_RENEW_MS
                }
                if (now - lastAt > READ_TIMEOUT_MS)
                    throw new TableError(
                        `the table does not answer: no telemetry for ${READ_TIMEOUT_MS / 1000} s`
                    )
                await sleep(
                    Math.max(0, Math.min(50, endAt - performance.now()))
                )
            }
        } finally {
            offReport()
            offLost()
            if (this.link.lostReason === null)
                await samples.sendSetPackedAsync([0], false).catch(() => {})
        }
        return count
    }
}
