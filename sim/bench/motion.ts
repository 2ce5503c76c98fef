// Figures of merit of the motion, over every shipped scenario on the host: how far a move goes past
// its goal (overshootDeg), how long the table takes to come to rest at the goal once the plan has
// arrived (settleS), how fast it runs against the rate setting (peakRateRatio), how far it ever
// went beyond the effective deepest angle, and the estimator's error. Judged on the model's true
// angle and rate, in stretches without any fault (injected or raised). A move: a goal the
// controller moves to (state moving or returning), from the tick it is set until it changes.

import { userMaxDeg } from "../../src/control/settings"
import { SETTLE_TOLERANCE_DEG } from "../../src/control/tuning"
import { Outputs } from "../../src/control/types"
import { timelineOf } from "../check"
import { runScenario } from "../run"
import { Scenario } from "../scenario"
import { TraceRow } from "../trace"

export interface MotionFigures {
    /** the most a move's true angle went past its goal, in its direction of travel (0: never) */
    overshootDeg: number
    overshootWhere: string
    /** the longest from the plan's arrival at a goal to the table at rest within tolerance of it */
    settleS: number
    settleWhere: string
    moves: number
    /** the fastest true rate over the rate setting that applied (going deeper or back up) */
    peakRateRatio: number
    peakRateWhere: string
    /** the deepest true angle beyond the effective deepest angle (or the start, if deeper) */
    beyondLimitDeg: number
    beyondLimitWhere: string
    estMaxErrDeg: number
    estRmsErrDeg: number
}

interface Tick {
    row: TraceRow
    setpointDeg: number
    targetDeg: number
    faulty: boolean
}

/** A move: from the tick its goal was set until the next goal (or a fault, or the end). */
interface Move {
    startK: number
    targetDeg: number
    startAngleDeg: number
}

export function motionFigures(
    scenarios: { file: string; s: Scenario }[]
): MotionFigures {
    const f: MotionFigures = {
        overshootDeg: 0,
        overshootWhere: "",
        settleS: 0,
        settleWhere: "",
        moves: 0,
        peakRateRatio: 0,
        peakRateWhere: "",
        beyondLimitDeg: -Infinity,
        beyondLimitWhere: "",
        estMaxErrDeg: 0,
        estRmsErrDeg: 0,
    }
    let estSq = 0
    let estN = 0
    for (const { file, s } of scenarios) {
        const ticks = record(s)
        const effMax = userMaxDeg(s.settings)
        const at = (k: number) => `${file} at ${ticks[k].row.tS.toFixed(2)} s`
        for (let k = 0; k < ticks.length; k++) {
            const r = ticks[k].row
            const beyond = r.angleDeg - Math.max(effMax, s.table.startAngleDeg)
            if (beyond > f.beyondLimitDeg) {
                f.beyondLimitDeg = beyond
                f.beyondLimitWhere = at(k)
            }
            if (ticks[k].faulty || r.state === "boot") continue
            const limit =
                r.rateDps > 0 ? s.settings.maxRateDps : s.settings.returnRateDps
            const ratio = Math.abs(r.rateDps) / limit
            if (ratio > f.peakRateRatio) {
                f.peakRateRatio = ratio
                f.peakRateWhere = `${at(k)} (${r.rateDps.toFixed(2)} deg/s, setting ${limit})`
            }
            const err = Math.abs(r.estDeg - r.angleDeg)
            estSq += err * err
            estN++
            f.estMaxErrDeg = Math.max(f.estMaxErrDeg, err)
        }
        for (const move of movesOf(ticks)) {
            const judged = judgeMove(ticks, move)
            if (judged === null) continue
            f.moves++
            if (judged.overshootDeg > f.overshootDeg) {
                f.overshootDeg = judged.overshootDeg
                f.overshootWhere = at(move.startK)
            }
            if (judged.settleS > f.settleS) {
                f.settleS = judged.settleS
                f.settleWhere = at(move.startK)
            }
        }
    }
    f.estRmsErrDeg = Math.sqrt(estSq / Math.max(1, estN))
    return f
}

/** Each tick's row and plan; faulty where the controller raised a fault or one was injected. */
function record(s: Scenario): Tick[] {
    const ticks: Tick[] = []
    let out: Outputs | null = null
    runScenario(
        s,
        row =>
            ticks.push({
                row,
                setpointDeg: out!.setpointDeg,
                targetDeg: out!.targetDeg,
                faulty: row.faults.length > 0,
            }),
        (_inputs, _nowMs, o) => (out = o)
    )
    const injected = timelineOf(s, ticks.length).injected
    for (let k = 0; k < ticks.length; k++)
        if (injected[k].length > 0) ticks[k].faulty = true
    return ticks
}

/** Every goal set for a move (moving, returning), outside faults. */
function movesOf(ticks: Tick[]): Move[] {
    const moves: Move[] = []
    for (let k = 1; k < ticks.length; k++) {
        const t = ticks[k]
        if (
            t.faulty ||
            (t.row.state !== "moving" && t.row.state !== "returning")
        )
            continue
        if (t.targetDeg !== ticks[k - 1].targetDeg)
            moves.push({
                startK: k,
                targetDeg: t.targetDeg,
                startAngleDeg: t.row.angleDeg,
            })
    }
    return moves
}

/**
 * A move whose plan arrived at its goal and that then held it long enough to see it settle: how far
 * the table went past the goal, and how long from the plan's arrival until it stood still within
 * SETTLE_TOLERANCE_DEG of the goal. Null for a move cut short (a new goal, a fault, the end).
 */
function judgeMove(
    ticks: Tick[],
    move: Move
): { overshootDeg: number; settleS: number } | null {
    const dir = Math.sign(move.targetDeg - move.startAngleDeg)
    if (dir === 0) return null
    let arrivedK = -1
    let settledK = -1
    let overshoot = 0
    for (let k = move.startK; k < ticks.length; k++) {
        const t = ticks[k]
        if (t.targetDeg !== move.targetDeg || t.faulty) break
        overshoot = Math.max(overshoot, (t.row.angleDeg - move.targetDeg) * dir)
        if (arrivedK < 0 && t.setpointDeg === move.targetDeg) arrivedK = k
        const still =
            t.row.rateDps === 0 &&
            Math.abs(t.row.angleDeg - move.targetDeg) <= SETTLE_TOLERANCE_DEG
        if (arrivedK >= 0 && still) {
            settledK = k
            break
        }
    }
    if (arrivedK < 0 || settledK < 0) return null
    return {
        overshootDeg: overshoot,
        settleS: ticks[settledK].row.tS - ticks[arrivedK].row.tS,
    }
}
