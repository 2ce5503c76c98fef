// The contract checker's rule for the rhythm program (docs/exercise.md, "Rhythm"), judged from the
// scenario's inputs and the trace alone: after PRESET is held RHYTHM_HOLD_MS..RHYTHM_HOLD_MAX_MS and
// released with the grip held, and until anything that ends the rhythm (a button, the grip let go,
// the latch, a fault, an injected failure, a return, a restart), the table stays between where it
// was and RHYTHM_SPAN_DEG shallower (never above flat), and moves at no more than RHYTHM_RATE_DPS.

import {
    RHYTHM_HOLD_MAX_MS,
    RHYTHM_HOLD_MS,
    RHYTHM_RATE_DPS,
    RHYTHM_SPAN_DEG,
} from "../src/control/limits"
import type { Timeline } from "./check"
import { TRACE_TICK_S, TraceRow } from "./trace"

/** Where the rhythm's ends may lie against the angle at the release: the table may still have been
 *  braking, and the true angle differs from the estimate by a MEMS tilt's accuracy. */
const END_SLACK_DEG = 1
/** The rate loop's tracking of a planned rate (the checker's tolerance elsewhere too). */
const RATE_SLACK_DPS = 0.75

export function checkRhythm(
    rows: TraceRow[],
    tl: Timeline,
    restartAt: boolean[],
    accelDps2: number,
    add: (rule: string, k: number, detail: string) => void
): void {
    const holdMin = Math.round(RHYTHM_HOLD_MS / 1000 / TRACE_TICK_S)
    const holdMax = Math.round(RHYTHM_HOLD_MAX_MS / 1000 / TRACE_TICK_S)
    let heldTicks = 0
    for (let k = 0; k < rows.length; k++) {
        const lv = tl.levels[k]
        if (lv.preset) {
            heldTicks++
            continue
        }
        const held = heldTicks
        heldTicks = 0
        // A gesture ends at this tick: held long enough, not too long (a tick off either bound is
        // not judged: the controller's clock may see it either way), the grip held.
        if (held <= holdMin + 1 || held >= holdMax - 1 || !lv.deadman) continue
        // It starts from where the table comes to rest: a move under way brakes first.
        const v = rows[k].rateDps
        const deep = rows[k].angleDeg + (v > 0 ? (v * v) / (2 * accelDps2) : 0)
        const shallow = Math.max(0, deep - RHYTHM_SPAN_DEG)
        for (let j = k + 1; j < rows.length; j++) {
            const l = tl.levels[j]
            const r = rows[j]
            if (
                l.up ||
                l.down ||
                l.stop ||
                l.preset ||
                l.home ||
                !l.deadman ||
                !l.latch ||
                tl.injected[j].length > 0 ||
                restartAt[j] ||
                r.faults.length > 0 ||
                r.state === "returning" ||
                r.state === "deadman"
            )
                break
            if (
                r.angleDeg > deep + END_SLACK_DEG ||
                r.angleDeg < shallow - END_SLACK_DEG
            ) {
                add(
                    "rhythm-span",
                    j,
                    `angle ${r.angleDeg.toFixed(2)} outside ${shallow.toFixed(2)}..${deep.toFixed(2)} of the rhythm started at ${rows[k].tS} s`
                )
                break
            }
            if (Math.abs(r.rateDps) > RHYTHM_RATE_DPS + RATE_SLACK_DPS) {
                add(
                    "rhythm-rate",
                    j,
                    `rate ${r.rateDps.toFixed(2)} deg/s in the rhythm started at ${rows[k].tS} s`
                )
                break
            }
        }
    }
}
