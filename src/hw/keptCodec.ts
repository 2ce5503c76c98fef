// The stored record of what a restart must not forget (src/control/keptRecord.ts): format version,
// checksum, JSON, like the settings record (settingsCodec.ts), under a key of its own so that a
// settings change never rewrites it and a fault never rewrites the settings. Pure: host-tested in
// test/keptCodec.test.ts.
//
//     1|2893541017|{"faults":["direction"],"reasons":["table moved 0.4 deg against the drive"],"openLoopUsedMs":0}

import { KeptRecord, checkKeptRecord } from "../control/keptRecord"
import { checksum32 } from "./checksum"

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
    return KEPT_FORMAT_VERSION + "|" + checksum32(json) + "|" + json
}

function bad(reason: string): DecodedKept {
    return { record: null, error: "stored safety record " + reason }
}

/** Decodes a stored record ("" or undefined when none is stored). Never throws. */
export function decodeKept(text: any): DecodedKept {
    if (text === undefined || text === null || text === "")
        return { record: null, error: null }
    if (typeof text !== "string") return bad("unreadable (not text)")
    const bar1 = text.indexOf("|")
    const bar2 = bar1 < 0 ? -1 : text.indexOf("|", bar1 + 1)
    if (bar1 <= 0 || bar2 <= bar1 + 1)
        return bad("unreadable (no version and checksum)")
    if (text.slice(0, bar1) !== "" + KEPT_FORMAT_VERSION)
        return bad("of another format version")
    const json = text.slice(bar2 + 1)
    if (text.slice(bar1 + 1, bar2) !== "" + checksum32(json))
        return bad("fails its checksum (corrupted)")
    let parsed: any = null
    try {
        parsed = JSON.parse(json)
    } catch (_e) {
        return bad("unreadable (bad JSON)")
    }
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
