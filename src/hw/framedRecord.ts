// The stored form every record of the table's flash shares: `version|checksum|body`, the checksum
// (checksum32.ts) over the body. One place reads and writes the frame; each record's codec
// (keptCodec, progressCodec, sessionCodec) says what its body holds. Pure: host-tested.

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

export function unframeRecord(text: any, version: number): Unframed {
    if (text === undefined || text === null || text === "")
        return { empty: true, body: "", problem: null }
    if (typeof text !== "string")
        return { empty: false, body: "", problem: "unreadable (not text)" }
    const bar1 = text.indexOf("|")
    const bar2 = bar1 < 0 ? -1 : text.indexOf("|", bar1 + 1)
    if (bar1 <= 0 || bar2 <= bar1 + 1)
        return {
            empty: false,
            body: "",
            problem: "unreadable (no version and checksum)",
        }
    if (text.slice(0, bar1) !== "" + version)
        return { empty: false, body: "", problem: "of another format version" }
    const body = text.slice(bar2 + 1)
    if (text.slice(bar1 + 1, bar2) !== "" + checksum32(body))
        return {
            empty: false,
            body: "",
            problem: "fails its checksum (corrupted)",
        }
    return { empty: false, body: body, problem: null }
}

/** A framed JSON body: the parsed value, or why not (the frame's problem, or bad JSON). */
export function unframeJson(
    text: any,
    version: number
): { empty: boolean; value: any; problem: string | null } {
    const f = unframeRecord(text, version)
    if (f.empty || f.problem !== null)
        return { empty: f.empty, value: null, problem: f.problem }
    try {
        return { empty: false, value: JSON.parse(f.body), problem: null }
    } catch (_e) {
        return { empty: false, value: null, problem: "unreadable (bad JSON)" }
    }
}
