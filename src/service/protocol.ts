// The table's Jacdac service (services/inversiontable.md) in plain numbers and words: state and
// calibration-step codes, the fault bitmask, register codes, fixed-point and text helpers. Pure: no
// @devicescript import, so the host tests it, and a host program (the console) may import it too.
// The firmware's server (server.ts) and its logic (core.ts) use it.

import { SETTINGS_SCHEMA, SettingSpec } from "../control/settings"
import { FAULT_NAMES, FaultName, StateName } from "../control/types"

/** The service class: services/inversiontable.md `identifier`. */
export const INVERSION_TABLE_SERVICE_CLASS = 0x1a3c95e7

/** enum State, in code order (code = index). */
export const STATE_NAMES: StateName[] = [
    "boot",
    "idle",
    "moving",
    "holding",
    "deadman",
    "returning",
    "fault",
    "service",
]
/** A state the enum does not know (a controller newer than this table): never sent by this firmware. */
export const UNKNOWN_STATE_CODE = 255

/**
 * enum CalibrationStep: code = index; 0 is no step. The steps are calibration.ts CALIBRATION_STEPS,
 * in its order (test/service.test.ts holds the two together; a literal here keeps the firmware's
 * code small).
 */
export const CALIBRATION_STEP_NAMES = ["", "level", "gyro", "home", "axis"]
/** The codes as a refusal names them (checked against the list by the same test). */
export const CALIBRATION_STEP_CODES_TEXT = "1 level, 2 gyro, 3 home, 4 axis"

/**
 * The fields of the `calibration` register, in their order on the wire: the CalibrationStep code,
 * the CalibrationStatus code (the index in calibration.ts CALIBRATION_STATUSES) and the message.
 */
export type CalibrationReport = [step: number, status: number, message: string]
/** Its pack format (services.json's, checked by test/service.test.ts). */
export const CALIBRATION_FORMAT = "u8 u8 s"

/** Register codes (the rw ones are the settings, one each, 0x80 + the SETTINGS_SCHEMA index). */
export const REG_TELEMETRY = 0x101
export const REG_STREAMING_SAMPLES = 0x03
export const REG_STREAMING_INTERVAL = 0x04
export const REG_ANGLE = 0x180
export const REG_TARGET = 0x181
export const REG_RATE = 0x182
export const REG_STATE = 0x183
export const REG_FAULTS = 0x184
export const REG_LATCH = 0x185
export const REG_GRIP = 0x186
export const REG_SESSION_INVERTED = 0x187
export const REG_EFFECTIVE_MAX_ANGLE = 0x188
export const REG_CALIBRATION = 0x189
export const REG_LAST_ERROR = 0x18a
export const REG_WARNINGS_ACKNOWLEDGED = 0x18b
export const REG_SETTINGS_REVISION = 0x18c
export const REG_LAST_SEQ = 0x18d
export const REG_COMMANDS_RUN = 0x18e
export const REG_FAULT_REASONS = 0x18f
export const REG_COUNTED_SESSIONS = 0x190
export const REG_SESSION_LIMIT = 0x191
export const REG_RECORDS_REVISION = 0x192
export const REG_RECORD_INDEX = 0xc0
export const REG_RECORD = 0x193
export const REG_FIRST_SETTING = 0x80

/** Command codes. Every command's payload starts with `seq: u32`. */
export const CMD_CALIBRATE = 0x80
export const CMD_SAVE = 0x81
export const CMD_RESTORE_DEFAULTS = 0x82
export const CMD_CLEAR_FAULTS = 0x83
export const CMD_ACKNOWLEDGE_WARNINGS = 0x84
export const CMD_SET_COUNTED_SESSIONS = 0x85

/** Event codes. */
export const EV_STATE_CHANGED = 0x80
export const EV_FAULT_RAISED = 0x81
export const EV_REFUSED = 0x82

/** Telemetry flags (the last field of the telemetry report). */
export const FLAG_LATCH = 0x01
export const FLAG_GRIP = 0x02
export const FLAG_WARNING = 0x04
export const FLAG_ALARM = 0x08
/** The settings in use are not the ones stored (a change not saved yet): a restart would lose it. */
export const FLAG_UNSAVED = 0x10

/** The longest text the service sends (last_error, refused, fault_reasons): one packet holds 236 bytes. */
export const MAX_TEXT_CHARS = 160

export function commandName(code: number): string {
    if (code === CMD_CALIBRATE) return "calibrate"
    if (code === CMD_SAVE) return "save"
    if (code === CMD_RESTORE_DEFAULTS) return "restore_defaults"
    if (code === CMD_CLEAR_FAULTS) return "clear_faults"
    if (code === CMD_ACKNOWLEDGE_WARNINGS) return "acknowledge_warnings"
    if (code === CMD_SET_COUNTED_SESSIONS) return "set_counted_sessions"
    return "command " + code
}

/** The State code of a controller state name (UNKNOWN_STATE_CODE for a name the enum lacks). */
export function stateCode(name: string): number {
    for (let i = 0; i < STATE_NAMES.length; i++)
        if (STATE_NAMES[i] === name) return i
    return UNKNOWN_STATE_CODE
}

/** The state name of a State code, or "" for an unknown code. */
export function stateName(code: number): string {
    return code >= 0 && code < STATE_NAMES.length ? STATE_NAMES[code] : ""
}

/** The Faults bitmask: bit i for FAULT_NAMES[i]. Unknown names are left out. */
export function faultBits(faults: string[]): number {
    let bits = 0
    for (const f of faults) {
        for (let i = 0; i < FAULT_NAMES.length; i++)
            if (FAULT_NAMES[i] === f) bits = bits | (1 << i)
    }
    return bits
}

/** The fault names of a bitmask, in FAULT_NAMES order (bits beyond them are ignored). */
export function faultNames(bits: number): FaultName[] {
    const out: FaultName[] = []
    for (let i = 0; i < FAULT_NAMES.length; i++)
        if (bits & (1 << i)) out.push(FAULT_NAMES[i])
    return out
}

/** The calibration step of a CalibrationStep code, or "" when the code names none. */
export function calibrationStepName(code: any): string {
    if (
        typeof code !== "number" ||
        !(code >= 1 && code < CALIBRATION_STEP_NAMES.length) ||
        Math.round(code) !== code
    )
        return ""
    return CALIBRATION_STEP_NAMES[code]
}

/** The register code of a setting (0x80 + its SETTINGS_SCHEMA index), or -1 for a key that is none. */
export function settingRegister(key: string): number {
    for (let i = 0; i < SETTINGS_SCHEMA.length; i++)
        if (SETTINGS_SCHEMA[i].key === key) return REG_FIRST_SETTING + i
    return -1
}

/** The setting a register code stands for, or undefined. */
export function settingOfRegister(code: number): SettingSpec | undefined {
    const i = code - REG_FIRST_SETTING
    return i >= 0 && i < SETTINGS_SCHEMA.length ? SETTINGS_SCHEMA[i] : undefined
}

/** Number settings travel as i22.10: written values are rounded to this (1/100). */
export const SETTING_RESOLUTION = 0.01

/**
 * A setting's value as it arrived in a register write, made ready for the schema check: a number
 * rounded to SETTING_RESOLUTION (an i22.10 value of 4.1 arrives as 4.0996), a bool as true/false
 * (Jacdac: any non-zero byte is true). Anything else is passed on as it is, for the check to refuse.
 */
export function settingFromWire(spec: SettingSpec, raw: any): any {
    if (spec.kind === "boolean") {
        if (typeof raw === "boolean") return raw
        if (typeof raw === "number") return raw !== 0
        return raw
    }
    if (typeof raw !== "number" || !(raw === raw)) return raw
    return Math.round(raw * 100) / 100
}

/** A setting's value for its register: booleans as they are, numbers ready for i22.10 (toWireFixed10). */
export function settingToWire(spec: SettingSpec, value: any): any {
    if (spec.kind === "boolean") return value === true
    return toWireFixed10(typeof value === "number" ? value : 0)
}

/** One LSB of an i22.10/u22.10 field. */
export const FIXED10_LSB = 1 / 1024

/**
 * A value for an i22.10 field encoded by the DeviceScript VM. Trap (2.16.4): the VM encodes a fixed
 * point field as trunc(v * 1024 + 0.5), which rounds a negative value one LSB toward zero whenever
 * v * 1024 is within half an LSB of an integer (-65 went out as -64.999). Handing it v - 1 LSB for
 * negative values gives trunc(v * 1024 - 0.5): rounding to nearest for negatives too. NaN and
 * infinities (not expected) go out as 0.
 */
export function toWireFixed10(v: number): number {
    if (!(v === v) || v === Infinity || v === -Infinity) return 0
    return v < 0 ? v - FIXED10_LSB : v
}

/** At most MAX_TEXT_CHARS characters, shortened with "..." (texts are ASCII: one byte each). */
export function clipText(text: string): string {
    if (text.length <= MAX_TEXT_CHARS) return text
    return text.slice(0, MAX_TEXT_CHARS - 3) + "..."
}

/**
 * enum RefusalKind: what a refusal (`refused`, `last_error`) is about. None: nothing refused since
 * start; Write: a register write (its `code` the register); Command: a command (`code`, `seq`).
 */
export const REFUSAL_NONE = 0
export const REFUSAL_WRITE = 1
export const REFUSAL_COMMAND = 2

/** The fields of `refused` and `last_error`, in their order on the wire. */
export type Refusal = [
    seq: number,
    code: number,
    kind: number,
    step: number,
    reason: string,
]
/** Their pack format (services.json's, checked by test/service.test.ts). */
export const REFUSAL_FORMAT = "u32 u16 u8 u8 s"

/** A refusal as a host program reads it (sim/console/table.ts decodeRefusal). */
export interface TableRefusal {
    /** REFUSAL_WRITE or REFUSAL_COMMAND */
    kind: number
    /** the command's seq (0 for a write, and for a command that came without one) */
    seq: number
    /** the register written, or the command */
    code: number
    /** the CalibrationStep code a calibrate asked for, 0 otherwise */
    step: number
    /** why, in words */
    reason: string
}
