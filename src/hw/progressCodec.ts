// The stored progress of the exercise program (src/control/program.ts): format version, checksum,
// JSON, under a key of its own, like the settings record. A start counts itself under another key
// (the session records name the start they happened in). Pure: host-tested in
// test/progressCodec.test.ts.
//
//     1|1953471227|{"countedSessions":5,"warningsAcknowledged":true}

import { Progress, checkProgress } from "../control/program"
import { checksum32 } from "./checksum"

/** The settings service's keys (at most 13 characters). */
export const PROGRESS_KEY = "tblProgress"
export const BOOTS_KEY = "tblBoots"
export const PROGRESS_FORMAT_VERSION = 1

export interface DecodedProgress {
    /** the progress, or null: none stored (a new table) or one that cannot be trusted */
    progress: Progress | null
    /** why a stored progress cannot be trusted (null: it can, or none is stored) */
    error: string | null
}

export function encodeProgress(p: Progress): string {
    const json = JSON.stringify({
        countedSessions: p.countedSessions,
        warningsAcknowledged: p.warningsAcknowledged,
    })
    return PROGRESS_FORMAT_VERSION + "|" + checksum32(json) + "|" + json
}

function bad(reason: string): DecodedProgress {
    return {
        progress: null,
        error:
            "stored progress " +
            reason +
            "; the safest progress in use (0 counted, warnings not acknowledged)",
    }
}

/** Decodes a stored record ("" or undefined when none is stored). Never throws. */
export function decodeProgress(text: any): DecodedProgress {
    if (text === undefined || text === null || text === "")
        return { progress: null, error: null }
    if (typeof text !== "string") return bad("unreadable (not text)")
    const bar1 = text.indexOf("|")
    const bar2 = bar1 < 0 ? -1 : text.indexOf("|", bar1 + 1)
    if (bar1 <= 0 || bar2 <= bar1 + 1)
        return bad("unreadable (no version and checksum)")
    if (text.slice(0, bar1) !== "" + PROGRESS_FORMAT_VERSION)
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
    const problem = checkProgress(parsed)
    if (problem !== null) return bad("impossible (" + problem + ")")
    return {
        progress: {
            countedSessions: parsed.countedSessions,
            warningsAcknowledged: parsed.warningsAcknowledged,
        },
        error: null,
    }
}

/** The stored start count ("" or a damaged one: 0, so the next start is 1). */
export function decodeBoots(text: any): number {
    if (typeof text !== "string" || text.length === 0 || text.length > 9)
        return 0
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (c < 48 || c > 57) return 0
    }
    return parseInt(text)
}
