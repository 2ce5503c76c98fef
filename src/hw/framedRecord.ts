// The stored form every record of the table's flash shares: `version|checksum|body`, the checksum
// (checksum32.ts) over the body. One place reads and writes the frame; each record's codec
// (keptCodec, progressCodec, sessionCodec) says what its body holds. Pure: host-tested.
//
// Kept small: the firmware's function code is close to the DeviceScript image's 64 KB limit
// (docs/platform.md).

import { checksum32 } from "./checksum"

/** A body framed with its format version and checksum. */
export function frameRecord(version: number, body: string): string {
    return version + "|" + checksum32(body) + "|" + body
}

/** A frame read back: its body, or why it cannot be trusted ("" / undefined: nothing stored). */
export interface Unframed {
    /** nothing is stored */
    empty: boolean
    /** the body, when the frame is sound */
    body: string
    /** why the frame cannot be trusted, or null */
    problem: string | null
}

/** Why a stored frame cannot be trusted, or null when it can (text is a non-empty string). */
function frameProblem(text: string, version: number): string | null {
    const bar1 = text.indexOf("|")
    const bar2 = bar1 < 0 ? -1 : text.indexOf("|", bar1 + 1)
    if (bar1 <= 0 || bar2 <= bar1 + 1)
        return "unreadable (no version and checksum)"
    if (text.slice(0, bar1) !== "" + version) return "of another format version"
    if (text.slice(bar1 + 1, bar2) !== "" + checksum32(text.slice(bar2 + 1)))
        return "fails its checksum (corrupted)"
    return null
}

export function unframeRecord(text: any, version: number): Unframed {
    const out: Unframed = { empty: false, body: "", problem: null }
    if (text === undefined || text === null || text === "") out.empty = true
    else if (typeof text !== "string") out.problem = "unreadable (not text)"
    else {
        out.problem = frameProblem(text, version)
        if (out.problem === null)
            out.body = text.slice(text.indexOf("|", text.indexOf("|") + 1) + 1)
    }
    return out
}

/** A framed JSON body: the parsed value, or why not (the frame's problem, or bad JSON). */
export function unframeJson(
    text: any,
    version: number
): { empty: boolean; value: any; problem: string | null } {
    const f = unframeRecord(text, version)
    const out = { empty: f.empty, value: null as any, problem: f.problem }
    if (!f.empty && f.problem === null) {
        try {
            out.value = JSON.parse(f.body)
        } catch (_e) {
            out.problem = "unreadable (bad JSON)"
        }
    }
    return out
}
