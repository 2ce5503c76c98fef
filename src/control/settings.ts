// The settings schema: the one source of truth for every user setting (behaviour.md).
// The firmware, the console, the simulator, the scenario validator and the docs all read this table.

import { HARD_MAX_ANGLE_DEG } from "./limits"
import { printable } from "./printable"

/** A string value in a message is shown to at most this many characters. */
export const VALUE_TEXT_MAX_CHARS = 24

export interface Settings {
    maxAngleDeg: number
    maxRateDps: number
    returnRateDps: number
    accelDps2: number
    deadmanGraceS: number
    sessionLimitS: number
    homeDeg: number
    progression: boolean
    accelOffsetDeg: number
    gyroBiasDps: number
    homeSwitchFitted: boolean
}

export type SettingKey = keyof Settings

export interface SettingSpec {
    key: SettingKey
    /** "user": the settings table of behaviour.md; "calibration": measured by the calibration steps */
    group: "user" | "calibration"
    /** "number" settings have min and max; "boolean" ones only a default */
    kind: "number" | "boolean"
    min: number
    max: number
    defaultValue: number | boolean
    unit: string
    meaning: string
}

export const SETTINGS_SCHEMA: SettingSpec[] = [
    {
        key: "maxAngleDeg",
        group: "user",
        kind: "number",
        min: 0,
        max: 90,
        defaultValue: 45,
        unit: "deg",
        meaning: "the user's deepest angle",
    },
    {
        key: "maxRateDps",
        group: "user",
        kind: "number",
        min: 1,
        max: 8,
        defaultValue: 4,
        unit: "deg/s",
        meaning: "tilt rate going deeper",
    },
    {
        key: "returnRateDps",
        group: "user",
        kind: "number",
        min: 1,
        max: 8,
        defaultValue: 4,
        unit: "deg/s",
        meaning: "tilt rate going back up",
    },
    {
        key: "accelDps2",
        group: "user",
        kind: "number",
        min: 1,
        max: 10,
        defaultValue: 4,
        unit: "deg/s^2",
        meaning: "acceleration and deceleration of every move",
    },
    {
        key: "deadmanGraceS",
        group: "user",
        kind: "number",
        min: 1,
        max: 10,
        defaultValue: 3,
        unit: "s",
        meaning:
            "how long the grip may be released before the table returns home",
    },
    {
        key: "sessionLimitS",
        group: "user",
        kind: "number",
        min: 60,
        max: 900,
        defaultValue: 300,
        unit: "s",
        meaning: "time allowed inverted (angle > 0) in one session",
    },
    {
        key: "homeDeg",
        group: "user",
        kind: "number",
        min: -85,
        max: -45,
        defaultValue: -65,
        unit: "deg",
        meaning: "calibrated home (loading) angle",
    },
    {
        key: "progression",
        group: "user",
        kind: "boolean",
        min: 0,
        max: 1,
        defaultValue: true,
        unit: "",
        meaning: "the beginner's progression program",
    },
    {
        key: "accelOffsetDeg",
        group: "calibration",
        kind: "number",
        min: -15,
        max: 15,
        defaultValue: 0,
        unit: "deg",
        meaning:
            "calibration: what the accelerometer reads with the table level",
    },
    {
        key: "gyroBiasDps",
        group: "calibration",
        kind: "number",
        min: -10,
        max: 10,
        defaultValue: 0,
        unit: "deg/s",
        meaning: "calibration: what the gyro reads with the table still",
    },
    {
        key: "homeSwitchFitted",
        group: "calibration",
        kind: "boolean",
        min: 0,
        max: 1,
        defaultValue: false,
        unit: "",
        meaning:
            "calibration: the table has a home switch (learned when home is calibrated with it pressed)",
    },
]

/** The schema entry for a key, or undefined when the key is not a setting. */
export function settingSpec(key: string): SettingSpec | undefined {
    for (const spec of SETTINGS_SCHEMA) {
        if (spec.key === key) return spec
    }
    return undefined
}

/** The deepest angle the user's own settings allow: min(hard limit, maxAngleDeg). */
export function userMaxDeg(s: Settings): number {
    return Math.min(HARD_MAX_ANGLE_DEG, s.maxAngleDeg)
}

export function defaultSettings(): Settings {
    const s: any = {}
    for (const spec of SETTINGS_SCHEMA) s[spec.key] = spec.defaultValue
    return s as Settings
}

/** "1..8 deg/s", or "true/false" for a boolean setting. */
export function rangeText(spec: SettingSpec): string {
    if (spec.kind === "boolean") return "true/false"
    const unit = spec.unit.length > 0 ? " " + spec.unit : ""
    return spec.min + ".." + spec.max + unit
}

/** A value as a message shows it: strings quoted, escaped and shortened (printable.ts); -0 as "-0". */
export function valueText(value: any): string {
    if (typeof value === "string")
        return '"' + printable(value, VALUE_TEXT_MAX_CHARS) + '"'
    if (value === undefined) return "undefined"
    if (value === null) return "null"
    if (typeof value === "number")
        return value === 0 && 1 / value < 0 ? "-0" : "" + value
    if (typeof value === "boolean") return "" + value
    return "a " + typeof value
}

/**
 * Checks one value against the schema. Returns null when it is acceptable, or one line naming the
 * key, the value and the range.
 */
export function checkSetting(key: string, value: any): string | null {
    const spec = settingSpec(key)
    if (!spec)
        return (
            printable(key, VALUE_TEXT_MAX_CHARS) +
            ": not a setting (settings are " +
            settingKeys().join(", ") +
            ")"
        )
    if (spec.kind === "boolean") {
        if (typeof value !== "boolean")
            return (
                key +
                ": " +
                valueText(value) +
                " is not allowed, expected " +
                rangeText(spec)
            )
        return null
    }
    // A number setting takes a number (NaN is none); -0 is 0: taken where 0 is in range.
    if (typeof value !== "number" || !(value === value))
        return (
            key +
            ": " +
            valueText(value) +
            " is not a number (range " +
            rangeText(spec) +
            ")"
        )
    if (!(value >= spec.min && value <= spec.max))
        return (
            key +
            ": " +
            valueText(value) +
            " is out of range " +
            rangeText(spec)
        )
    return null
}

/** The keys of behaviour.md's settings table (what scenarios and users set). */
export function userSettingKeys(): string[] {
    const keys: string[] = []
    for (const spec of SETTINGS_SCHEMA)
        if (spec.group === "user") keys.push(spec.key)
    return keys
}

export function settingKeys(): string[] {
    const keys: string[] = []
    for (const spec of SETTINGS_SCHEMA) keys.push(spec.key)
    return keys
}

/**
 * Applies a set of changes to a copy of `base`. Every change is checked first; if any is refused,
 * nothing changes and the first error is returned in `error`.
 */
export function applySettings(
    base: Settings,
    changes: any
): { settings: Settings; error: string | null } {
    if (
        changes === null ||
        changes === undefined ||
        typeof changes !== "object"
    )
        return {
            settings: base,
            error: "settings: expected an object of key/value changes",
        }
    const keys = Object.keys(changes)
    for (const key of keys) {
        const error = checkSetting(key, changes[key])
        if (error) return { settings: base, error: error }
    }
    const next = copySettings(base)
    const target = next as any
    // -0 is taken as 0 (it would show as "0" anyway, and must compare as the same setting).
    for (const key of keys)
        target[key] =
            typeof changes[key] === "number" ? changes[key] + 0 : changes[key]
    return { settings: next, error: null }
}

/** Every setting of `a` is the one of `b` (the test for unsaved changes). */
export function sameSettings(a: Settings, b: Settings): boolean {
    const x = a as any
    const y = b as any
    for (const spec of SETTINGS_SCHEMA)
        if (x[spec.key] !== y[spec.key]) return false
    return true
}

export function copySettings(s: Settings): Settings {
    return {
        maxAngleDeg: s.maxAngleDeg,
        maxRateDps: s.maxRateDps,
        returnRateDps: s.returnRateDps,
        accelDps2: s.accelDps2,
        deadmanGraceS: s.deadmanGraceS,
        sessionLimitS: s.sessionLimitS,
        homeDeg: s.homeDeg,
        progression: s.progression,
        accelOffsetDeg: s.accelOffsetDeg,
        gyroBiasDps: s.gyroBiasDps,
        homeSwitchFitted: s.homeSwitchFitted,
    }
}

/** Checks a whole stored settings object; returns null or the first error. Unknown keys are errors. */
export function checkAllSettings(s: any): string | null {
    if (s === null || s === undefined || typeof s !== "object")
        return "settings: not an object"
    for (const key of Object.keys(s)) {
        const error = checkSetting(key, s[key])
        if (error) return error
    }
    for (const spec of SETTINGS_SCHEMA) {
        if (s[spec.key] === undefined) return spec.key + ": missing"
    }
    return null
}
