// The trace's text, written as bytes (the trace is ASCII): the number rule and a row's line.
//
// A number is what toFixed(4) gives with the trailing zeros (and a bare point) stripped, never
// "-0", never NaN or an infinity (TraceNumberError). That definition is exactTraceNumber; the
// writer gets the same digits by integer arithmetic wherever that provably agrees with it (see
// FAST_LIMIT), which is every number a table produces, and asks the definition otherwise.
// Writing bytes into the writer's chunk, rather than building strings, is most of what makes a
// two-hour trace quick to write.

import type { TraceRow } from "./trace"

export class TraceNumberError extends Error {}

/** The definition: toFixed(4), trailing zeros (and a bare point) stripped, "-0" as "0". */
export function exactTraceNumber(x: number, column: string): string {
    if (!Number.isFinite(x))
        throw new TraceNumberError(
            column + " is " + x + ": a trace number must be finite"
        )
    // toFixed switches to exponent notation from 1e21 on; a number that large is a whole number anyway.
    if (Math.abs(x) >= 1e21) return BigInt(x).toString()
    // toFixed rounds the exact binary value: 123.45675 is really 123.456749999..., so it gives 123.4567.
    const text = x.toFixed(4).replace(/\.?0+$/, "")
    return text === "-0" ? "0" : text
}

/**
 * Below this magnitude x * 10^4 is below 10^9, where the product is off the exact value by less
 * than 1.2e-7 (half an ulp): a product that lies farther than FAST_MARGIN from a rounding boundary
 * (a half) rounds to the same integer as the exact decimal value would, which is toFixed(4)'s.
 */
const FAST_LIMIT = 1e5
const FAST_MARGIN = 1e-6

/** The most bytes a row can take: six numbers of up to 310 digits, a state, every fault. */
export const MAX_ROW_BYTES = 4096

const MINUS = 45
const POINT = 46
const ZERO = 48
const COMMA = 44
const BAR = 124
const NEWLINE = 10

/** Writes the digits of a whole number 0 <= n < FAST_LIMIT; returns the new end. */
function writeWhole(buf: Uint8Array, pos: number, n: number): number {
    const end =
        pos + (n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5)
    let i = end
    do {
        const q = (n / 10) | 0
        buf[--i] = ZERO + (n - q * 10)
        n = q
    } while (n > 0)
    return end
}

function writeAscii(buf: Uint8Array, pos: number, text: string): number {
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i)
    return pos
}

/**
 * Writes x as the trace writes numbers; returns the new end. `column` names the number in the
 * error for one that is not finite, with the time of `row` when it is a row's.
 */
export function writeTraceNumber(
    buf: Uint8Array,
    pos: number,
    x: number,
    column: string,
    row: TraceRow | null = null
): number {
    if (x > -FAST_LIMIT && x < FAST_LIMIT) {
        const scaled = x * 10000
        const n = Math.round(scaled)
        const off = scaled - n
        if (off < 0.5 - FAST_MARGIN && off > FAST_MARGIN - 0.5) {
            if (n === 0) {
                buf[pos] = ZERO
                return pos + 1
            }
            let a = n
            if (n < 0) {
                buf[pos++] = MINUS
                a = -n
            }
            // a < 10^9: whole numbers, divisions truncated exactly.
            const whole = (a / 10000) | 0
            pos = writeWhole(buf, pos, whole)
            let frac = a - whole * 10000
            if (frac === 0) return pos
            // The fraction's 4 digits, leading zeros kept, trailing ones stripped.
            buf[pos++] = POINT
            const d1 = (frac / 1000) | 0
            frac -= d1 * 1000
            const d2 = (frac / 100) | 0
            frac -= d2 * 100
            const d3 = (frac / 10) | 0
            const d4 = frac - d3 * 10
            buf[pos++] = ZERO + d1
            if (d2 + d3 + d4 === 0) return pos
            buf[pos++] = ZERO + d2
            if (d3 + d4 === 0) return pos
            buf[pos++] = ZERO + d3
            if (d4 === 0) return pos
            buf[pos++] = ZERO + d4
            return pos
        }
    }
    const named = row === null ? column : "at t=" + row.tS + ": " + column
    return writeAscii(buf, pos, exactTraceNumber(x, named))
}

/** Writes the row's line, newline included; returns the new end (at most MAX_ROW_BYTES on). */
export function writeTraceRow(
    buf: Uint8Array,
    pos: number,
    row: TraceRow
): number {
    pos = writeTraceNumber(buf, pos, row.tS, "t_s")
    buf[pos++] = COMMA
    pos = writeTraceNumber(buf, pos, row.angleDeg, "angle_deg", row)
    buf[pos++] = COMMA
    pos = writeTraceNumber(buf, pos, row.estDeg, "est_deg", row)
    buf[pos++] = COMMA
    pos = writeTraceNumber(buf, pos, row.targetDeg, "target_deg", row)
    buf[pos++] = COMMA
    pos = writeTraceNumber(buf, pos, row.rateDps, "rate_dps", row)
    buf[pos++] = COMMA
    pos = writeTraceNumber(buf, pos, row.duty, "duty", row)
    buf[pos++] = COMMA
    pos = writeAscii(buf, pos, row.state)
    buf[pos++] = COMMA
    const faults = row.faults
    for (let i = 0; i < faults.length; i++) {
        if (i > 0) buf[pos++] = BAR
        pos = writeAscii(buf, pos, faults[i])
    }
    buf[pos++] = COMMA
    buf[pos++] = row.latch ? ZERO + 1 : ZERO
    buf[pos++] = COMMA
    buf[pos++] = row.deadman ? ZERO + 1 : ZERO
    buf[pos++] = COMMA
    pos = writeTraceNumber(buf, pos, row.capDeg, "cap_deg", row)
    buf[pos++] = COMMA
    pos = writeTraceNumber(buf, pos, row.sessionS, "session_s", row)
    buf[pos++] = COMMA
    pos = writeAscii(buf, pos, row.sound)
    buf[pos++] = NEWLINE
    return pos
}
