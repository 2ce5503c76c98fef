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

/**
 * The summary built row by row, as the rows are made: a run need not keep its rows (a two-hour
 * trace has 360 000) to give its summary.
 */
export class SummaryBuilder {
    private rows = 0
    private deepestAngleDeg: number | null = null
    private deepestAtS: number | null = null
    private fastestRateDps: number | null = null
    private fastestAtS: number | null = null
    // Counted in ticks and multiplied once, so long runs do not gather rounding error.
    private invertedTicks = 0
    private readonly stateTicks: { state: string; ticks: number }[] = []
    private readonly faults: { name: string; firstS: number }[] = []
    private last: TraceRow | null = null

    add(row: TraceRow): void {
        this.rows++
        if (
            this.deepestAngleDeg === null ||
            row.angleDeg > this.deepestAngleDeg
        ) {
            this.deepestAngleDeg = row.angleDeg
            this.deepestAtS = row.tS
        }
        const speedDps = Math.abs(row.rateDps)
        if (this.fastestRateDps === null || speedDps > this.fastestRateDps) {
            this.fastestRateDps = speedDps
            this.fastestAtS = row.tS
        }
        if (row.angleDeg > 0) this.invertedTicks++
        const stateTicks = this.stateTicks
        let entry = null
        for (let i = 0; i < stateTicks.length && entry === null; i++)
            if (stateTicks[i].state === row.state) entry = stateTicks[i]
        if (entry === null)
            stateTicks.push((entry = { state: row.state, ticks: 0 }))
        entry.ticks++
        for (const name of row.faults) {
            if (!this.faults.some(f => f.name === name))
                this.faults.push({ name, firstS: row.tS })
        }
        this.last = row
    }

    result(): Summary {
        return {
            durationS: this.rows * TRACE_TICK_S,
            rows: this.rows,
            deepestAngleDeg: this.deepestAngleDeg,
            deepestAtS: this.deepestAtS,
            fastestRateDps: this.fastestRateDps,
            fastestAtS: this.fastestAtS,
            invertedS: this.invertedTicks * TRACE_TICK_S,
            stateTimes: this.stateTicks.map(e => ({
                state: e.state,
                s: e.ticks * TRACE_TICK_S,
            })),
            faults: this.faults.map(f => ({ ...f })),
            finalAngleDeg: this.last === null ? null : this.last.angleDeg,
            finalState: this.last === null ? null : this.last.state,
        }
    }
}

export function summarize(rows: readonly TraceRow[]): Summary {
    const builder = new SummaryBuilder()
    for (const row of rows) builder.add(row)
    return builder.result()
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
