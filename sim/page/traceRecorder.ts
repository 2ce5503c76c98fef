// The session's trace as the page offers it for download: one row per control tick in the scenario
// format's trace layout (sim/trace.ts), the last MAX_TRACE_ROWS of them (two hours, the longest a
// scenario may run). It also tells when a fault of the controller is raised or goes away.

import { traceToCsv, TraceRow, TRACE_TICKS_PER_S } from "../trace"
import { Mark } from "./snapshot"

export const MAX_TRACE_ROWS = 7200 * TRACE_TICKS_PER_S

export class TraceRecorder {
    private rows: TraceRow[] = []
    private lastFaults: readonly string[] = []
    private readonly listeners = new Set<(mark: Omit<Mark, "tMs">) => void>()

    add(row: TraceRow): void {
        this.rows.push(row)
        if (this.rows.length > MAX_TRACE_ROWS)
            this.rows = this.rows.slice(this.rows.length - MAX_TRACE_ROWS * 0.9)
        for (const f of row.faults)
            if (this.lastFaults.indexOf(f) < 0)
                this.emit({ kind: "fault", name: f })
        for (const f of this.lastFaults)
            if (row.faults.indexOf(f) < 0) this.emit({ kind: "clear", name: f })
        this.lastFaults = row.faults
    }

    get length(): number {
        return this.rows.length
    }

    csv(): string {
        return traceToCsv(this.rows)
    }

    onMark(listener: (mark: Omit<Mark, "tMs">) => void): () => void {
        this.listeners.add(listener)
        return () => this.listeners.delete(listener)
    }

    private emit(mark: Omit<Mark, "tMs">): void {
        for (const l of Array.from(this.listeners)) l(mark)
    }
}

/** Seconds on the trace's clock, to the millisecond (the trace writes at most 4 decimals). */
export function traceSeconds(ms: number): number {
    return Math.round(ms) / 1000
}
