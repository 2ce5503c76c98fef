// What the console prints, from plain values: status, settings, report, faults, the watch line and
// the CSV log. Pure (no bus): the table client reads, these functions write.

import {
    rangeText,
    SETTINGS_SCHEMA,
    SettingKey,
    SettingSpec,
    settingSpec,
} from "../../src/control/settings"
import { FaultName } from "../../src/control/types"
import { CalibrationStatus } from "../../src/control/calibration"
import {
    calibrationStepName,
    commandName,
    REFUSAL_WRITE,
    REG_RECORD_INDEX,
    settingOfRegister,
    TableRefusal,
} from "../../src/service/protocol"
import { faultMeaning, FAULT_RULES } from "./faultTable"

/** One telemetry report (register 0x101), decoded. */
export interface Telemetry {
    angleDeg: number
    targetDeg: number
    rateDps: number
    sessionInvertedS: number
    faults: FaultName[]
    state: string
    latch: boolean
    grip: boolean
    warning: boolean
    alarm: boolean
    /** the settings in use are not the stored ones: a restart brings back the stored ones */
    unsaved: boolean
}

/** The `calibration` register, decoded: the step's name ("" before any), its status, its message. */
export interface CalibrationReading {
    step: string
    status: CalibrationStatus
    message: string
}

/** Everything `status` shows. */
export interface StatusSnapshot extends Telemetry {
    effectiveMaxDeg: number
    calibration: CalibrationReading
    warningsAcknowledged: boolean
    /** why each active fault was raised, "; "-joined, or "" */
    faultReasons: string
    /** the table's last refusal, or null */
    lastError: TableRefusal | null
}

/** A calibration reading in words: "level: done: accelerometer offset 0.3 deg", or "nothing". */
export function calibrationText(c: CalibrationReading): string {
    if (c.step === "" && c.status === "") return "nothing"
    return (
        `${c.step || "no step"}: ${c.status || "unknown status"}` +
        (c.message !== "" ? `: ${c.message}` : "")
    )
}

/** The register a refused write names: the setting's key, record_index, or its code. */
function registerName(code: number): string {
    const spec = settingOfRegister(code)
    if (spec) return spec.key
    if (code === REG_RECORD_INDEX) return "record_index"
    return `register 0x${code.toString(16)}`
}

/**
 * A refusal in words, from its fields: "maxRateDps: 12 is out of range 1..8 deg/s" for a write,
 * "seq 7 calibrate home: only in service mode: ..." for a command.
 */
export function refusalText(r: TableRefusal): string {
    if (r.kind === REFUSAL_WRITE) return `${registerName(r.code)}: ${r.reason}`
    const step =
        r.step !== 0
            ? " " + (calibrationStepName(r.step) || String(r.step))
            : ""
    return `seq ${r.seq} ${commandName(r.code)}${step}: ${r.reason}`
}

export type SettingValues = Partial<Record<SettingKey, number | boolean>>

const STATE_MEANINGS: Record<string, string> = {
    boot: "starting",
    idle: "at home, motor off",
    moving: "moving",
    holding: "holding its angle",
    deadman: "grip released, grace period counting",
    returning: "returning home",
    fault: "stopped by a fault",
    service: "service mode: settings and calibration allowed",
}

export function stateText(state: string): string {
    const meaning = STATE_MEANINGS[state]
    return meaning ? `${state} (${meaning})` : state === "" ? "unknown" : state
}

/** A number to at most `decimals` places, no trailing zeros, never "-0". */
export function num(x: number, decimals = 2): string {
    if (!Number.isFinite(x)) return String(x)
    const f = 10 ** decimals
    const r = Math.round(x * f) / f
    return String(Object.is(r, -0) ? 0 : r)
}

/** A number with exactly one decimal (angles and rates in the live line). */
export function fixed1(x: number): string {
    if (!Number.isFinite(x)) return String(x)
    const r = Math.round(x * 10) / 10
    return (Object.is(r, -0) ? 0 : r).toFixed(1)
}

function withUnit(value: string, unit: string): string {
    return unit === "" ? value : `${value} ${unit}`
}

/** A setting's value as text (numbers to 0.01, booleans true/false). */
export function settingValueText(
    spec: SettingSpec,
    value: number | boolean
): string {
    if (spec.kind === "boolean") return value ? "true" : "false"
    return num(value as number)
}

export function formatFaultList(faults: readonly string[]): string {
    return faults.length === 0 ? "none" : faults.join(", ")
}

export function formatStatus(s: StatusSnapshot): string {
    const rows: [string, string][] = [
        ["angle", `${fixed1(s.angleDeg)} deg`],
        ["target", `${fixed1(s.targetDeg)} deg`],
        ["rate", `${fixed1(s.rateDps)} deg/s`],
        ["state", stateText(s.state)],
        [
            "faults",
            formatFaultList(s.faults) +
                (s.faults.length > 0 ? "   (faults: explains them)" : ""),
        ],
        ["latch", s.latch ? "closed" : "open"],
        ["grip", s.grip ? "held" : "released"],
        [
            "session",
            `${num(s.sessionInvertedS, 1)} s inverted` +
                (s.warning ? " (session limit near: warning sounding)" : ""),
        ],
        [
            "deepest angle",
            `${num(s.effectiveMaxDeg, 1)} deg (the least of 90, maxAngleDeg and the program's cap; 0 until the warnings are acknowledged)`,
        ],
        [
            "calibration",
            s.calibration.step === "" && s.calibration.status === ""
                ? "no step run since start"
                : calibrationText(s.calibration),
        ],
        [
            "settings",
            s.unsaved
                ? "CHANGED, not saved: save stores them (a restart brings back the stored ones)"
                : "as stored",
        ],
        [
            "warnings",
            s.warningsAcknowledged
                ? "acknowledged"
                : "NOT acknowledged: run ack before the first use",
        ],
    ]
    if (s.alarm) rows.push(["alarm", "sounding"])
    if (s.faultReasons !== "") rows.push(["fault reasons", s.faultReasons])
    if (s.lastError !== null)
        rows.push(["last refusal", refusalText(s.lastError)])
    return rows.map(([k, v]) => `${k.padEnd(14)} ${v}`).join("\n")
}

/** `get` with no key: every setting with value, unit, range, default and meaning. */
export function formatSettings(values: SettingValues): string {
    const lines: string[] = []
    for (const group of ["user", "calibration"] as const) {
        lines.push(group === "user" ? "Settings:" : "Calibration:")
        for (const spec of SETTINGS_SCHEMA.filter(s => s.group === group)) {
            const v = values[spec.key]
            const value =
                v === undefined
                    ? "?"
                    : withUnit(settingValueText(spec, v), spec.unit)
            lines.push(
                `  ${spec.key.padEnd(15)} ${value.padEnd(14)} range ${rangeText(spec).padEnd(18)} default ${String(spec.defaultValue).padEnd(6)} ${spec.meaning}`
            )
        }
    }
    return lines.join("\n")
}

/** `get KEY`: "maxRateDps = 4 deg/s". */
export function formatSetting(
    key: SettingKey,
    value: number | boolean
): string {
    const spec = settingSpec(key)!
    return `${key} = ${withUnit(settingValueText(spec, value), spec.unit)}`
}

/** `report`: every setting as a line that `set` takes back, with comment lines (#) around. */
export function formatReport(
    values: SettingValues,
    header: string[] = []
): string {
    const lines = header.map(h => "# " + h)
    lines.push(
        "# paste these lines back into the console in service mode to restore the settings"
    )
    for (const spec of SETTINGS_SCHEMA) {
        const v = values[spec.key]
        if (v === undefined) lines.push(`# ${spec.key}: not read`)
        else lines.push(`set ${spec.key} ${settingValueText(spec, v)}`)
    }
    return lines.join("\n")
}

/**
 * `faults`: each active fault with its meaning (the fault table) and the table's reason, then the
 * rules of clearing. `reasons` is the table's fault_reasons text ("imu: ...; latch: ...").
 */
export function formatFaults(
    faults: readonly string[],
    reasons: string
): string {
    if (faults.length === 0) return "No active faults."
    const byName = new Map<string, string>()
    for (const part of reasons.split("; ")) {
        const colon = part.indexOf(":")
        if (colon > 0)
            byName.set(
                part.slice(0, colon).trim(),
                part.slice(colon + 1).trim()
            )
    }
    const lines = [`Active faults (${faults.length}):`]
    for (const f of faults) {
        lines.push(`  ${f}: ${faultMeaning(f)}`)
        const why = byName.get(f)
        if (why) lines.push(`    the table says: ${why}`)
    }
    lines.push(...FAULT_RULES)
    return lines.join("\n")
}

/** The live line of `watch`, fixed width so a refreshed line overwrites the previous one cleanly. */
export function watchLine(t: Telemetry): string {
    const faults = t.faults.length === 0 ? "-" : t.faults.join("|")
    return (
        `angle ${fixed1(t.angleDeg).padStart(6)} deg  target ${fixed1(t.targetDeg).padStart(6)} deg  ` +
        `rate ${fixed1(t.rateDps).padStart(5)} deg/s  ${t.state.padEnd(9)}  faults ${faults.padEnd(8)}  ` +
        `latch ${t.latch ? "closed" : "open  "}  grip ${t.grip ? "held    " : "released"}  ` +
        `session ${num(t.sessionInvertedS, 1).padStart(5)} s` +
        (t.warning ? "  WARNING" : "") +
        (t.alarm ? "  ALARM" : "")
    )
}

export const CSV_HEADER =
    "t_s,angle_deg,target_deg,rate_dps,session_inverted_s,state,faults,latch,grip,warning,alarm"

/** One CSV row; `tS` is seconds since the log began. */
export function csvRow(tS: number, t: Telemetry): string {
    const b = (x: boolean) => (x ? "1" : "0")
    return [
        num(tS, 3),
        num(t.angleDeg, 3),
        num(t.targetDeg, 3),
        num(t.rateDps, 3),
        num(t.sessionInvertedS, 2),
        t.state,
        t.faults.length === 0 ? "-" : t.faults.join("|"),
        b(t.latch),
        b(t.grip),
        b(t.warning),
        b(t.alarm),
    ].join(",")
}
