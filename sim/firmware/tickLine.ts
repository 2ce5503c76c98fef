// The firmware's per-tick report on its console, as the VM prints it: every program line comes with
// the prefix "WASM> ". The line itself is src/hw/tickLine.ts's (writer and parser in one module).

import { parseTickText, TickLine } from "../../src/hw/tickLine"
import { PROGRAM_LINE_PREFIX } from "./vm"

export type { TickLine } from "../../src/hw/tickLine"

/** The program's text of a VM output line, or null when the line is the CLI's own. */
export function programText(line: string): string | null {
    return line.startsWith(PROGRAM_LINE_PREFIX)
        ? line.slice(PROGRAM_LINE_PREFIX.length)
        : null
}

/**
 * Parses a TICK line (with or without the VM's prefix): the firmware's own parser
 * (src/hw/tickLine.ts). Null for any other line; throws for a TICK line that breaks the format.
 */
export function parseTickLine(line: string): TickLine | null {
    return parseTickText(programText(line) ?? line)
}

/**
 * A line telling that the program died: the VM prints "Unhandled exception", "Exception: <kind>",
 * then "PANIC <code>" (without the prefix) and "stop program". The program stops; the VM process
 * does not. Errors the firmware catches and reports itself are not failures.
 */
export function isProgramFailure(line: string): boolean {
    if (/^PANIC\b/.test(line)) return true
    const text = programText(line)
    return (
        text !== null &&
        /^(Unhandled exception|Exception: |stop program)/.test(text)
    )
}
