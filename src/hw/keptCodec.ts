// The stored record of what a restart must not forget (src/control/keptRecord.ts): format version,
// checksum, JSON, like the settings record (settingsCodec.ts), under a key of its own so that a
// settings change never rewrites it and a fault never rewrites the settings. Pure: host-tested in
// test/keptCodec.test.ts.
//
//     1|2893541017|{"faults":["direction"],"reasons":["table moved 0.4 deg against the drive"],"openLoopUsedMs":0}

import { KeptRecord, checkKeptRecord } from "../control/keptRecord"
import { frameRecord, unframeJson } from "./framedRecord"

/** The settings service's key (at most 13 characters). */
export const KEPT_KEY = "tblKept"
/** Bump when the record's layout or meaning changes. */
export const KEPT_FORMAT_VERSION = 1

export interface DecodedKept {
    /** the record, or null: nothing kept (none stored), or a record that cannot be trusted */
    record: KeptRecord | null
    /** null when the record was good or absent, else why it cannot be trusted (the `settings` notice) */
    error: string | null
}

export function encodeKept(r: KeptRecord): string {
    const json = JSON.stringify({
        faults: r.faults,
        reasons: r.reasons,
        openLoopUsedMs: r.openLoopUsedMs,
    })
    return frameRecord(KEPT_FORMAT_VERSION, json)
}

function bad(reason: string): DecodedKept {
    return { record: null, error: "stored safety record " + reason }
}

/** Decodes a stored record ("" or undefined when none is stored). Never throws. */
export function decodeKept(text: any): DecodedKept {
    const read = unframeJson(text, KEPT_FORMAT_VERSION)
    if (read.empty) return { record: null, error: null }
    if (read.problem !== null) return bad(read.problem)
    const parsed = read.value
    const problem = checkKeptRecord(parsed)
    if (problem !== null) return bad("impossible (" + problem + ")")
    return {
        record: {
            faults: parsed.faults,
            reasons: parsed.reasons,
            openLoopUsedMs: parsed.openLoopUsedMs,
        },
        error: null,
    }
}
