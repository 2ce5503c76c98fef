// The firmware's per-tick report on its console (the contract between firmware and harness):
//   TICK <nowMs> <estDeg> <targetDeg> <duty> <state> <faults joined with | or -> <latch 0/1> <grip 0/1>
// The VM prefixes every printed line with "WASM> ".

import { FAULT_NAMES, FaultName, StateName } from "../../src/control/types"
import { PROGRAM_LINE_PREFIX } from "./vm"

const STATES: readonly string[] = [
    "boot",
    "idle",
    "moving",
    "holding",
    "deadman",
    "returning",
    "fault",
    "service",
]

export interface TickLine {
    nowMs: number
    estDeg: number
    targetDeg: number
    duty: number
    state: StateName
    faults: FaultName[]
    latch: boolean
    grip: boolean
}

/** The program's text of a VM output line, or null when the line is the CLI's own. */
export function programText(line: string): string | null {
    return line.startsWith(PROGRAM_LINE_PREFIX)
        ? line.slice(PROGRAM_LINE_PREFIX.length)
        : null
}

/**
 * Parses a TICK line (with or without the VM's prefix). Returns null for any other line; throws an
 * Error saying what is wrong for a line that starts with TICK but breaks the format.
 */
export function parseTickLine(line: string): TickLine | null {
    const text = programText(line) ?? line
    if (!text.startsWith("TICK ")) return null
    const cells = text.trim().split(/\s+/)
    const fail = (what: string): never => {
        throw new Error(`bad TICK line (${what}): ${text}`)
    }
    if (cells.length !== 9) fail(`expected 9 fields, found ${cells.length}`)
    const num = (i: number, name: string): number => {
        const x = Number(cells[i])
        if (cells[i] === "" || !Number.isFinite(x))
            fail(`${name} is ${cells[i]}`)
        return x
    }
    const flag = (i: number, name: string): boolean => {
        if (cells[i] !== "0" && cells[i] !== "1")
            fail(`${name} is ${cells[i]}, expected 0 or 1`)
        return cells[i] === "1"
    }
    const state = cells[5]
    if (STATES.indexOf(state) < 0) fail(`unknown state ${state}`)
    const faults = cells[6] === "-" ? [] : cells[6].split("|")
    for (const f of faults)
        if ((FAULT_NAMES as string[]).indexOf(f) < 0) fail(`unknown fault ${f}`)
    return {
        nowMs: num(1, "nowMs"),
        estDeg: num(2, "estDeg"),
        targetDeg: num(3, "targetDeg"),
        duty: num(4, "duty"),
        state: state as StateName,
        faults: faults as FaultName[],
        latch: flag(7, "latch"),
        grip: flag(8, "grip"),
    }
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
