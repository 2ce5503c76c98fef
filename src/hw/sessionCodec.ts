// The stored form of a session record (src/control/sessions.ts): one short line, version|checksum|
// fields, under a key of its own per slot of the ring (the table keeps its last SESSION_SLOTS).
// Pure: host-tested in test/programCodecs.test.ts.
//
//     1|3340922661|17,3,5421.4,288.2,35.1,35,1,home

import { SESSION_SLOTS, SessionRecord } from "../control/sessions"

export { SESSION_SLOTS }
import { frameRecord, unframeRecord } from "./framedRecord"

export const SESSION_RECORD_VERSION = 1
/** The longest `end` text kept (a record must fit a settings packet). */
export const SESSION_END_MAX_CHARS = 80

/** The key of a record slot (at most 13 characters). */
export function sessionKey(slot: number): string {
    return "tblSes" + (slot < 10 ? "0" : "") + slot
}

function round1(x: number): number {
    return Math.round(x * 10) / 10
}

/** One record as stored: version|checksum|fields. */
export function encodeSessionRecord(r: SessionRecord): string {
    let end =
        r.end.length > SESSION_END_MAX_CHARS
            ? r.end.slice(0, SESSION_END_MAX_CHARS)
            : r.end
    // The fields are comma-separated: a comma or a bar in a reason is shown as a semicolon.
    end = end.split(",").join(";").split("|").join(";")
    const body =
        r.number +
        "," +
        r.boot +
        "," +
        round1(r.startS) +
        "," +
        round1(r.invertedS) +
        "," +
        round1(r.deepestDeg) +
        "," +
        round1(r.capDeg) +
        "," +
        (r.counted ? 1 : 0) +
        "," +
        end
    return frameRecord(SESSION_RECORD_VERSION, body)
}

function numberField(text: string): number {
    if (text.length === 0) return NaN
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        // digits, '.', '-'
        if (!((c >= 48 && c <= 57) || c === 46 || c === 45)) return NaN
    }
    const x = parseFloat(text)
    return x - x === 0 ? x : NaN
}

/** A stored record, or null for text that is not one (damaged, of another version). */
export function decodeSessionRecord(text: any): SessionRecord | null {
    const frame = unframeRecord(text, SESSION_RECORD_VERSION)
    // Nothing stored, or a frame that cannot be trusted, has no body.
    if (frame.body === "") return null
    const f = frame.body.split(",")
    if (f.length !== 8) return null
    const r: SessionRecord = {
        number: numberField(f[0]),
        boot: numberField(f[1]),
        startS: numberField(f[2]),
        invertedS: numberField(f[3]),
        deepestDeg: numberField(f[4]),
        capDeg: numberField(f[5]),
        counted: f[6] === "1",
        end: f[7],
    }
    if (!(r.number >= 0 && Math.floor(r.number) === r.number)) return null
    if (!(r.boot >= 0 && Math.floor(r.boot) === r.boot)) return null
    if (!(r.startS >= 0) || !(r.invertedS >= 0)) return null
    if (!(r.deepestDeg >= -90 && r.deepestDeg <= 95)) return null
    if (!(r.capDeg >= 0 && r.capDeg <= 90)) return null
    if (f[6] !== "0" && f[6] !== "1") return null
    return r
}
