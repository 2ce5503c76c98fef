// The stored form every record of the table's flash shares: `version|checksum|body`, the checksum
// (checksum32.ts) over the body. One place reads and writes the frame; each record's codec
// (settingsCodec, keptCodec, progressCodec, sessionCodec) says what its body holds. Pure: host-tested.
//
// Kept small: the firmware's function code is close to the DeviceScript image's 64 KB limit
// (docs/platform.md).

import { printable } from "../control/printable"
import { checksum32 } from "./checksum"

/** A damaged record's version field is shown to at most this many characters (escaped). */
const VERSION_TEXT_MAX_CHARS = 12

/** A body framed with its format version and checksum. */
export function frameRecord(version: number, body: string): string {
    return version + "|" + checksum32(body) + "|" + body
}

/** A frame read back: its body, or why it cannot be trusted ("" / undefined: nothing stored). */
export interface Unframed {
    /** nothing is stored */
    empty: boolean
    /** the body, when the frame is sound ("" otherwise) */
    body: string
    /** why the frame cannot be trusted, or null */
    problem: string | null
    /** unframeJson's: the body parsed */
    value: any
}

export function unframeRecord(text: any, version: number): Unframed {
    const out: Unframed = { empty: false, body: "", problem: null, value: null }
    if (text === undefined || text === null || text === "") out.empty = true
    else if (typeof text !== "string") out.problem = "unreadable (not text)"
    else {
        // No first bar: no second either (both -1).
        const bar1 = text.indexOf("|")
        const bar2 = text.indexOf("|", bar1 + 1)
        const body = text.slice(bar2 + 1)
        if (bar1 <= 0 || bar2 <= bar1 + 1)
            out.problem = "unreadable (no version and checksum)"
        else if (text.slice(0, bar1) !== "" + version)
            out.problem =
                "of format version " +
                printable(text.slice(0, bar1), VERSION_TEXT_MAX_CHARS) +
                ", expected " +
                version
        else if (text.slice(bar1 + 1, bar2) !== "" + checksum32(body))
            out.problem = "corrupted (the checksum fails)"
        else out.body = body
    }
    return out
}

/** A framed JSON body: the parsed value, or why not (the frame's problem, or bad JSON). */
export function unframeJson(text: any, version: number): Unframed {
    const f = unframeRecord(text, version)
    if (!f.empty && f.problem === null) {
        try {
            f.value = JSON.parse(f.body)
        } catch (_e) {
            f.problem = "unreadable (bad JSON)"
        }
    }
    return f
}
