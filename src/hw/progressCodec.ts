// The stored progress of the exercise program (src/control/program.ts): format version, checksum,
// JSON, under a key of its own, like the settings record. A start counts itself under another key
// (the session records name the start they happened in). Pure: host-tested in
// test/programCodecs.test.ts.
//
//     1|1953471227|{"countedSessions":5,"warningsAcknowledged":true}

import { Progress, checkProgress } from "../control/program"
import { frameRecord, unframeJson } from "./framedRecord"

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
    return frameRecord(PROGRESS_FORMAT_VERSION, json)
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
    const read = unframeJson(text, PROGRESS_FORMAT_VERSION)
    if (read.empty) return { progress: null, error: null }
    if (read.problem !== null) return bad(read.problem)
    const parsed = read.value
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
