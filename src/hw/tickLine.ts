// The one line the firmware prints per control tick in the simulator (never on the table: main.ts's
// TICK_LINES), and its parser: the contract between the firmware and the firmware-in-the-loop
// harness, written once. Pure (host-tested in
// test/tickLine.test.ts, and in the VM); no regular expressions (DeviceScript has none).
//
//     TICK <nowMs> <estDeg> <targetDeg> <duty> <state> <faults or -> <latch 0/1> <grip 0/1>
//          <capDeg> <sessionS> <sound or ->
//
// Numbers as DeviceScript prints them (about 7 significant digits; integers in full); faults joined
// by "|", "-" when none; the sound a name of SOUND_NAMES, "-" for silence. Nothing else the
// firmware prints starts with "TICK ".

import { SOUND_NAMES } from "../control/exercise"
import { FAULT_NAMES } from "../control/faultTable"
import { FaultName, Outputs, STATE_NAMES, StateName } from "../control/types"

export const TICK_PREFIX = "TICK "
/** The fields of a TICK line, the word TICK included. */
export const TICK_FIELDS = 12

export interface TickLine {
    nowMs: number
    estDeg: number
    targetDeg: number
    duty: number
    state: StateName
    faults: FaultName[]
    latch: boolean
    grip: boolean
    /** the effective deepest angle, every limit included */
    capDeg: number
    /** time inverted in the session */
    sessionS: number
    /** what the buzzer sounds ("" for silence) */
    sound: string
}

export function faultsField(faults: string[]): string {
    return faults.length > 0 ? faults.join("|") : "-"
}

export function tickLine(nowMs: number, out: Outputs): string {
    // Built in steps: DeviceScript's compiler crashes on a string expression (template or "+"
    // chain) with 8 or more interpolated values.
    let line = TICK_PREFIX + nowMs + " " + out.estDeg + " " + out.targetDeg
    line =
        line + " " + out.duty + " " + out.state + " " + faultsField(out.faults)
    line = line + " " + (out.latch ? 1 : 0) + " " + (out.grip ? 1 : 0)
    line = line + " " + out.effectiveMaxDeg + " " + out.sessionInvertedS
    return line + " " + (out.sound === "" ? "-" : out.sound)
}

/** The words of a line, split on runs of spaces. */
function words(text: string): string[] {
    const out: string[] = []
    let word = ""
    for (let i = 0; i < text.length; i++) {
        const c = text[i]
        if (c === " " || c === "\t" || c === "\r" || c === "\n") {
            if (word !== "") out.push(word)
            word = ""
        } else word = word + c
    }
    if (word !== "") out.push(word)
    return out
}

/** A number as the firmware prints it, or NaN for anything else. */
function numberWord(w: string): number {
    if (w === "") return NaN
    const x = parseFloat(w)
    return x - x === 0 ? x : NaN
}

/**
 * Parses the text of a TICK line. Returns null for any other line; throws an Error saying what is
 * wrong for a line that starts with TICK but breaks the format.
 */
export function parseTickText(text: string): TickLine | null {
    if (text.slice(0, TICK_PREFIX.length) !== TICK_PREFIX) return null
    const cells = words(text)
    const fail = (what: string): TickLine => {
        throw new Error("bad TICK line (" + what + "): " + text)
    }
    if (cells.length !== TICK_FIELDS)
        return fail(
            "expected " + TICK_FIELDS + " fields, found " + cells.length
        )
    const nums: number[] = []
    const names = ["nowMs", "estDeg", "targetDeg", "duty"]
    for (let i = 1; i <= 4; i++) {
        const x = numberWord(cells[i])
        if (x !== x) return fail(names[i - 1] + " is " + cells[i])
        nums.push(x)
    }
    const state = cells[5]
    if ((STATE_NAMES as string[]).indexOf(state) < 0)
        return fail("unknown state " + state)
    const faults = cells[6] === "-" ? [] : cells[6].split("|")
    for (const f of faults)
        if ((FAULT_NAMES as string[]).indexOf(f) < 0)
            return fail("unknown fault " + f)
    for (const i of [7, 8])
        if (cells[i] !== "0" && cells[i] !== "1")
            return fail("field " + i + " is " + cells[i] + ", expected 0 or 1")
    const cap = numberWord(cells[9])
    if (cap !== cap) return fail("capDeg is " + cells[9])
    const session = numberWord(cells[10])
    if (session !== session) return fail("sessionS is " + cells[10])
    const sound = cells[11] === "-" ? "" : cells[11]
    if (sound !== "" && SOUND_NAMES.indexOf(sound) < 0)
        return fail("unknown sound " + sound)
    return {
        nowMs: nums[0],
        estDeg: nums[1],
        targetDeg: nums[2],
        duty: nums[3],
        state: state as StateName,
        faults: faults as FaultName[],
        latch: cells[7] === "1",
        grip: cells[8] === "1",
        capDeg: cap,
        sessionS: session,
        sound,
    }
}
