// The one line the firmware prints per control tick; the firmware-in-the-loop harness parses it from
// the VM's output to build the trace. Pure (host-tested in test/tickLine.test.ts, and in the VM).
//
//     TICK <nowMs> <estDeg> <targetDeg> <duty> <state> <faults or -> <latch 0/1> <grip 0/1>
//
// Numbers as DeviceScript prints them (about 7 significant digits; integers in full); faults joined
// by "|", "-" when none. Nothing else the firmware prints starts with "TICK ".

import { Outputs } from "../control/types"

export const TICK_PREFIX = "TICK "

export function faultsField(faults: string[]): string {
    return faults.length > 0 ? faults.join("|") : "-"
}

export function tickLine(nowMs: number, out: Outputs): string {
    // Built in three steps: DeviceScript's compiler crashes on a string expression (template or
    // "+" chain) with 8 or more interpolated values.
    let line = TICK_PREFIX + nowMs + " " + out.estDeg + " " + out.targetDeg
    line =
        line + " " + out.duty + " " + out.state + " " + faultsField(out.faults)
    line = line + " " + (out.latch ? 1 : 0) + " " + (out.grip ? 1 : 0)
    return line
}
