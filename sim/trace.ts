// The trace (scenario-format.md): one CSV row per control tick, 50 per second.
//
// Numbers carry at most 4 decimals, with trailing zeros stripped and never "-0". A number that is not
// finite is never written: it means the controller or the model produced garbage, and the run must stop
// loudly at that tick rather than leave an empty or "NaN" cell for someone to puzzle over later.

import * as fs from "node:fs"
import { SOUND_NAMES } from "../src/control/exercise"
import { FAULT_NAMES, STATE_NAMES, StateName } from "../src/control/types"
import { TICK_S, TICKS_PER_S } from "./engine/clock"
import {
    MAX_ROW_BYTES,
    TraceNumberError,
    writeTraceNumber,
    writeTraceRow,
} from "./traceText"

/** The control loop runs at 50 Hz; the trace has one row per tick. */
export const TRACE_TICKS_PER_S = TICKS_PER_S
export const TRACE_TICK_S = TICK_S

export const TRACE_COLUMNS = [
    "t_s",
    "angle_deg",
    "est_deg",
    "target_deg",
    "rate_dps",
    "duty",
    "state",
    "faults",
    "latch",
    "deadman",
    "cap_deg",
    "session_s",
    "sound",
] as const
export const TRACE_HEADER = TRACE_COLUMNS.join(",")

export interface TraceRow {
    tS: number
    /** true angle of the model table */
    angleDeg: number
    /** the controller's estimate */
    estDeg: number
    /** where the controller is heading */
    targetDeg: number
    /** true angular rate */
    rateDps: number
    /** motor command, -1..1, positive = deeper */
    duty: number
    state: StateName
    /** active controller faults, in the controller's order (a row's own list: never changed) */
    faults: readonly string[]
    /** the latch and the grip as the controller saw them */
    latch: boolean
    deadman: boolean
    /** the effective deepest angle at that tick, every limit included (the exercise program's cap) */
    capDeg: number
    /** time inverted in the current session, as the controller counts it */
    sessionS: number
    /** what the buzzer sounds now: "" or a name of SOUND_NAMES */
    sound: string
}

export { TraceNumberError }

/** A scratch line for formatting one number or row as text. */
const scratch = Buffer.alloc(MAX_ROW_BYTES)

/** A number as the trace writes it (traceText.ts); throws TraceNumberError for NaN and infinities. */
export function formatTraceNumber(x: number, column = "number"): string {
    const end = writeTraceNumber(scratch, 0, x, column)
    return scratch.toString("latin1", 0, end)
}

/** A row's line as the trace writes it, without its newline. */
export function formatTraceRow(row: TraceRow): string {
    const end = writeTraceRow(scratch, 0, row)
    return scratch.toString("latin1", 0, end - 1)
}

/** A whole trace as text (header and rows, newline-terminated). */
export function traceToCsv(rows: readonly TraceRow[]): string {
    let out = TRACE_HEADER + "\n"
    for (const row of rows) out += formatTraceRow(row) + "\n"
    return out
}

export interface TraceWriter {
    write(row: TraceRow): void
    /** flushes what is buffered; for a file, also closes it */
    close(): void
}

// Rows are gathered into chunks of about this size: one write per row would make a two-hour trace
// (360 000 rows) spend most of its time in system calls.
const CHUNK_CHARS = 1 << 16

class ChunkedTraceWriter implements TraceWriter {
    private readonly chunk = Buffer.alloc(CHUNK_CHARS + MAX_ROW_BYTES)
    private end = 0

    constructor(
        private readonly sink: (chunk: string) => void,
        private readonly done: () => void
    ) {
        this.end = this.chunk.write(TRACE_HEADER + "\n", 0, "latin1")
    }

    write(row: TraceRow): void {
        this.end = writeTraceRow(this.chunk, this.end, row)
        if (this.end >= CHUNK_CHARS) this.flush()
    }

    close(): void {
        this.flush()
        this.done()
    }

    private flush(): void {
        if (this.end > 0) this.sink(this.chunk.toString("latin1", 0, this.end))
        this.end = 0
    }
}

/** Opens (creates or truncates) a trace file at once, so a bad path fails before anything runs. */
export function openTraceFile(path: string): TraceWriter {
    const fd = fs.openSync(path, "w")
    return new ChunkedTraceWriter(
        chunk => fs.writeSync(fd, chunk),
        () => fs.closeSync(fd)
    )
}

/** Streams the trace through `write` (standard output, say), in chunks. */
export function streamTraceWriter(write: (chunk: string) => void): TraceWriter {
    return new ChunkedTraceWriter(write, () => {})
}

export class TraceParseError extends Error {}

function soundCell(cell: string, fail: (problem: string) => never): string {
    if (cell !== "" && SOUND_NAMES.indexOf(cell) < 0)
        fail("sound: " + JSON.stringify(cell) + " is not a sound")
    return cell
}

/** Parses trace text strictly (for tests and tools); throws TraceParseError naming the line. */
export function parseTrace(csv: string): TraceRow[] {
    const lines = csv.split("\n")
    if (lines[lines.length - 1] === "") lines.pop()
    if (lines[0] !== TRACE_HEADER)
        throw new TraceParseError("line 1: expected the header " + TRACE_HEADER)
    const rows: TraceRow[] = []
    for (let i = 1; i < lines.length; i++) rows.push(parseRow(lines[i], i + 1))
    return rows
}

const NUMBER_CELL = /^-?(0|[1-9][0-9]*)(\.[0-9]{0,3}[1-9])?$/

function parseRow(line: string, lineNumber: number): TraceRow {
    const fail = (problem: string): never => {
        throw new TraceParseError("line " + lineNumber + ": " + problem)
    }
    const cells = line.split(",")
    if (cells.length !== TRACE_COLUMNS.length)
        fail(
            "expected " + TRACE_COLUMNS.length + " cells, found " + cells.length
        )
    const num = (i: number): number => {
        const cell = cells[i]
        if (!NUMBER_CELL.test(cell) || cell === "-0")
            fail(
                TRACE_COLUMNS[i] +
                    ": " +
                    JSON.stringify(cell) +
                    " is not a trace number"
            )
        return Number(cell)
    }
    const flag = (i: number): boolean => {
        if (cells[i] !== "0" && cells[i] !== "1")
            fail(
                TRACE_COLUMNS[i] +
                    ": expected 0 or 1, found " +
                    JSON.stringify(cells[i])
            )
        return cells[i] === "1"
    }
    const state = STATE_NAMES.find(name => name === cells[6])
    if (state === undefined)
        fail("state: " + JSON.stringify(cells[6]) + " is not a state")
    const faults = cells[7] === "" ? [] : cells[7].split("|")
    for (const fault of faults) {
        if ((FAULT_NAMES as string[]).indexOf(fault) < 0)
            fail("faults: " + JSON.stringify(fault) + " is not a fault")
    }
    return {
        tS: num(0),
        angleDeg: num(1),
        estDeg: num(2),
        targetDeg: num(3),
        rateDps: num(4),
        duty: num(5),
        state: state as StateName,
        faults,
        latch: flag(8),
        deadman: flag(9),
        capDeg: num(10),
        sessionS: num(11),
        sound: soundCell(cells[12], fail),
    }
}
