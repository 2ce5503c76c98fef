// The stored settings record: format version, checksum, JSON (the frame of framedRecord.ts). The pure half of settingsStore.ts
// (host-tested in test/settingsCodec.test.ts, and in the VM).
//
// The record is one ASCII string, stored as the bytes of the text under SETTINGS_KEY:
//
//     1|762136289|{"keys":3865791934,"values":[45,4,4,4,3,300,-65,true,0,0]}
//     ^ version  ^ checksum32 of the JSON text exactly as stored (the defaults of today's schema)
//
// - The values are in the order of SETTINGS_SCHEMA, and `keys` is the checksum of that schema's key
//   list: a record written by a firmware with other settings (a key added, removed or moved) is
//   refused as a whole, never read into the wrong keys. Values without their names keep the record
//   within one settings packet whatever the numbers (a record of named values can pass 224 bytes).
// - The checksum covers the JSON text itself, not the numbers parsed from it: DeviceScript's
//   JSON.stringify keeps 7 significant digits while the host keeps 17, and the check must not depend
//   on how either prints a number.

import {
    SETTINGS_SCHEMA,
    Settings,
    checkAllSettings,
    copySettings,
    defaultSettings,
    settingKeys,
} from "../control/settings"
import { checksum32 } from "./checksum"
import { frameRecord, unframeJson } from "./framedRecord"

/** The settings service's key (at most 13 characters). */
export const SETTINGS_KEY = "tblSettings"
/** Bump when the record's layout or meaning changes: an older record then gives defaults and the `settings` fault. */
export const SETTINGS_FORMAT_VERSION = 1
/** One settings packet carries 236 bytes: the key, its terminating zero, and the value. */
export const SETTINGS_MAX_RECORD_CHARS = 236 - SETTINGS_KEY.length - 1

export interface DecodedSettings {
    /** the stored settings, or the defaults when `error` is set */
    settings: Settings
    /** null when the record was good, else why the defaults are used (the `settings` fault's reason) */
    error: string | null
}

/** Identifies the settings schema's keys, in order. */
export function schemaSignature(): number {
    return checksum32(settingKeys().join(","))
}

export function encodeSettings(s: Settings): string {
    const values: any[] = []
    const source = s as any
    for (const spec of SETTINGS_SCHEMA) values.push(source[spec.key])
    const json = JSON.stringify({ keys: schemaSignature(), values: values })
    return frameRecord(SETTINGS_FORMAT_VERSION, json)
}

function fail(reason: string): DecodedSettings {
    return {
        settings: defaultSettings(),
        error: "stored settings " + reason + "; defaults in use",
    }
}

/** Decodes a stored record (undefined or empty when nothing is stored). Never throws. */
export function decodeSettings(record: any): DecodedSettings {
    const read = unframeJson(record, SETTINGS_FORMAT_VERSION)
    if (read.empty) return fail("missing (first start, or erased)")
    if (read.problem !== null) return fail(read.problem)
    const parsed = read.value
    if (
        parsed === null ||
        typeof parsed !== "object" ||
        !Array.isArray(parsed.values)
    )
        return fail("unreadable (no values)")
    const values: any[] = parsed.values
    if (
        parsed.keys !== schemaSignature() ||
        values.length !== SETTINGS_SCHEMA.length
    )
        return fail(
            "are of another settings schema (written by a firmware with other settings)"
        )
    const named: any = {}
    for (let i = 0; i < SETTINGS_SCHEMA.length; i++)
        named[SETTINGS_SCHEMA[i].key] = values[i]
    const error = checkAllSettings(named)
    if (error !== null) return fail("rejected: " + error)
    return { settings: copySettings(named as Settings), error: null }
}
