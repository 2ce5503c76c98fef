// The one-screen summary of a trace: what a person wants to know first after a run.

import { TRACE_TICK_S, TraceRow } from "./trace"

export interface Summary {
    /** rows × tick: the simulated time */
    durationS: number
    rows: number
    /** the deepest true angle and when it was first reached (null for an empty trace) */
    deepestAngleDeg: number | null
    deepestAtS: number | null
    /** the largest |true rate| and when */
    fastestRateDps: number | null
    fastestAtS: number | null
    /** time with the true angle > 0 (head below feet), the quantity the session limit counts */
    invertedS: number
    /** time in each state, in the order the states first appeared */
    stateTimes: { state: string; s: number }[]
    /** every controller fault seen, with the time it first appeared, in that order */
    faults: { name: string; firstS: number }[]
    /** where the run ended */
    finalAngleDeg: number | null
    finalState: string | null
}

export function summarize(rows: readonly TraceRow[]): Summary {
    const summary: Summary = {
        durationS: rows.length * TRACE_TICK_S,
        rows: rows.length,
        deepestAngleDeg: null,
        deepestAtS: null,
        fastestRateDps: null,
        fastestAtS: null,
        invertedS: 0,
        stateTimes: [],
        faults: [],
        finalAngleDeg: null,
        finalState: null,
    }
    let invertedTicks = 0
    const stateTicks: { state: string; ticks: number }[] = []
    for (const row of rows) {
        if (
            summary.deepestAngleDeg === null ||
            row.angleDeg > summary.deepestAngleDeg
        ) {
            summary.deepestAngleDeg = row.angleDeg
            summary.deepestAtS = row.tS
        }
        const speedDps = Math.abs(row.rateDps)
        if (
            summary.fastestRateDps === null ||
            speedDps > summary.fastestRateDps
        ) {
            summary.fastestRateDps = speedDps
            summary.fastestAtS = row.tS
        }
        // Counted in ticks and multiplied once, so long runs do not gather rounding error.
        if (row.angleDeg > 0) invertedTicks++
        let entry = stateTicks.find(e => e.state === row.state)
        if (!entry) stateTicks.push((entry = { state: row.state, ticks: 0 }))
        entry.ticks++
        for (const name of row.faults) {
            if (!summary.faults.some(f => f.name === name))
                summary.faults.push({ name, firstS: row.tS })
        }
    }
    summary.invertedS = invertedTicks * TRACE_TICK_S
    summary.stateTimes = stateTicks.map(e => ({
        state: e.state,
        s: e.ticks * TRACE_TICK_S,
    }))
    if (rows.length > 0) {
        summary.finalAngleDeg = rows[rows.length - 1].angleDeg
        summary.finalState = rows[rows.length - 1].state
    }
    return summary
}

export function formatSummary(summary: Summary): string {
    const lines: string[] = []
    const line = (label: string, text: string) =>
        lines.push(label.padEnd(16) + text)
    line(
        "duration",
        fixed(summary.durationS, 2) + " s (" + summary.rows + " ticks)"
    )
    if (summary.rows === 0) return lines.join("\n") + "\n"
    line(
        "deepest angle",
        fixed(summary.deepestAngleDeg!, 1) +
            " deg at " +
            fixed(summary.deepestAtS!, 2) +
            " s"
    )
    line(
        "fastest rate",
        fixed(summary.fastestRateDps!, 2) +
            " deg/s at " +
            fixed(summary.fastestAtS!, 2) +
            " s"
    )
    line("time inverted", fixed(summary.invertedS, 2) + " s (angle > 0)")
    line(
        "ended",
        fixed(summary.finalAngleDeg!, 1) + " deg, " + summary.finalState
    )
    lines.push("time per state")
    for (const { state, s } of summary.stateTimes)
        lines.push("  " + state.padEnd(14) + fixed(s, 2).padStart(9) + " s")
    if (summary.faults.length === 0) line("faults", "none")
    else
        line(
            "faults",
            summary.faults
                .map(f => f.name + " at " + fixed(f.firstS, 2) + " s")
                .join(", ")
        )
    return lines.join("\n") + "\n"
}

/** Rounded to `decimals`, never "-0.0". */
function fixed(x: number, decimals: number): string {
    const text = x.toFixed(decimals)
    return /^-0\.?0*$/.test(text) ? text.slice(1) : text
}
