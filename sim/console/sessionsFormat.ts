// The console's words for the exercise program: the session records as a table or CSV, and the
// progress in one short block. Pure: no bus, no I/O.

import { SessionRecord } from "../../src/control/sessions"
import { programCapDeg } from "../../src/control/program"
import { fixed1 } from "./format"

/** The CSV header of `sessions --csv`, one column per field of a record. */
export const SESSIONS_CSV_HEADER =
    "number,boot,start_s,inverted_s,deepest_deg,cap_deg,counted,end"

/** One CSV field: quoted when it holds a comma, a quote or a blank at either end. */
function csvField(text: string): string {
    return /[",]|^\s|\s$/.test(text)
        ? '"' + text.replace(/"/g, '""') + '"'
        : text
}

export function sessionsCsv(records: readonly SessionRecord[]): string {
    const rows = records.map(r =>
        [
            r.number,
            r.boot,
            fixed1(r.startS),
            fixed1(r.invertedS),
            fixed1(r.deepestDeg),
            fixed1(r.capDeg),
            r.counted ? 1 : 0,
            csvField(r.end),
        ].join(",")
    )
    return [SESSIONS_CSV_HEADER, ...rows].join("\n") + "\n"
}

/** The records as a table, newest first, with a line on what the table is. */
export function formatSessions(
    records: readonly SessionRecord[],
    unreadable: number
): string {
    if (records.length === 0)
        return (
            "no session recorded yet" +
            (unreadable > 0 ? ` (${unreadable} record(s) unreadable)` : "")
        )
    const head = [
        "  #",
        "boot",
        "start s",
        "inverted s",
        "deepest",
        "cap",
        "counted",
        "ended",
    ]
    const rows = records.map(r => [
        String(r.number).padStart(3),
        String(r.boot),
        fixed1(r.startS),
        fixed1(r.invertedS),
        fixed1(r.deepestDeg),
        fixed1(r.capDeg),
        r.counted ? "yes" : "no",
        r.end,
    ])
    const widths = head.map((h, i) =>
        Math.max(h.length, ...rows.map(row => row[i].length))
    )
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
            .join("  ")
    const out = [line(head), ...rows.map(line)]
    out.push(
        `${records.length} session(s), newest first; start is seconds since that boot (the table has no calendar)` +
            (unreadable > 0 ? `; ${unreadable} record(s) unreadable` : "")
    )
    return out.join("\n")
}

/** `progress`: the count, the cap it gives, the session limit now. */
export function formatProgress(p: {
    countedSessions: number
    sessionLimitS: number
    effectiveMaxDeg: number
    warningsAcknowledged: boolean
}): string {
    return [
        `counted sessions   ${p.countedSessions}`,
        `program's cap      ${programCapDeg(p.countedSessions)} deg (the next session's deepest angle, by the count alone)`,
        `deepest angle now  ${fixed1(p.effectiveMaxDeg)} deg (the least of 90, maxAngleDeg and the cap)`,
        `session limit now  ${Math.round(p.sessionLimitS)} s`,
        `warnings           ${p.warningsAcknowledged ? "acknowledged" : "not acknowledged: the table stays flat until they are (ack)"}`,
    ].join("\n")
}
