// What the active faults still allow: every fault stops the motor within the tick it is raised in;
// after that the table may move only as every active fault allows. Each fault's allowance is its row
// in the fault table, relaxed by one condition for a few of them (one line each below); several
// faults combine by the strictest rule: the lowest level, the lowest rate cap, open-loop if any
// fault leaves the angle unknown, and an open-loop duty low enough for every rate cap.

import { FaultRegister } from "./faults"
import {
    ALLOW_ALL,
    ALLOW_TOWARD_HOME,
    FAULT_TABLE,
    NO_RATE_CAP_DPS,
} from "./faultTable"
import { IMU_FAULT_UP_DUTY } from "./limits"
import { MOTOR_DEADZONE_DUTY, OPEN_LOOP_FASTEST_DPS_PER_DUTY } from "./tuning"

/** What may move the table now, given the active faults. */
export interface Allowance {
    /** ALLOW_NOTHING .. ALLOW_ALL (faultTable.ts) */
    level: number
    /** no rate may exceed this (NO_RATE_CAP_DPS: only the settings limit it) */
    rateCapDps: number
    /** the angle is unknown: any move is open-loop, toward home */
    openLoop: boolean
    /** the largest open-loop duty magnitude allowed */
    openLoopDutyMax: number
}

/** The conditions that relax some faults' allowance. */
export interface PolicyContext {
    estDeg: number
    homeDeg: number
    /** the latch has read closed, without a bounce, for LATCH_STEADY_MS */
    latchSteady: boolean
    /** the table knows it has a home switch (calibrated or set in service mode) */
    homeSwitchKnown: boolean
}

export function newAllowance(): Allowance {
    return {
        level: ALLOW_ALL,
        rateCapDps: NO_RATE_CAP_DPS,
        openLoop: false,
        // Nothing open-loop until allowanceOf has judged the faults.
        openLoopDutyMax: 0,
    }
}

/**
 * The open-loop duty that cannot drive the table faster than `rateDps` on any drive within the
 * tuning's margin (the fastest plausible speed per unit of duty above the deadzone).
 */
export function openLoopDutyFor(rateDps: number): number {
    return MOTOR_DEADZONE_DUTY + rateDps / OPEN_LOOP_FASTEST_DPS_PER_DUTY
}

/** Fills `out` with what the active faults allow (strictest of each); returns it. */
export function allowanceOf(
    faults: FaultRegister,
    ctx: PolicyContext,
    out: Allowance
): Allowance {
    let level = ALLOW_ALL
    let cap = NO_RATE_CAP_DPS
    let openLoop = false
    for (let i = 0; i < FAULT_TABLE.length; i++) {
        if (!faults.active[i]) continue
        const row = FAULT_TABLE[i]
        let allows = row.allows
        let rowCap = row.rateCapDps
        // The relaxing conditions, one per fault that has one:
        // - latch: the ankles have been locked again for a while: automatic returns may run.
        if (row.name === "latch" && ctx.latchSteady) {
            allows = ALLOW_TOWARD_HOME
            rowCap = NO_RATE_CAP_DPS
        }
        // - overtravel on the deep side: the way home is free.
        if (row.name === "overtravel" && ctx.estDeg >= ctx.homeDeg)
            allows = ALLOW_TOWARD_HOME
        // - imu with a known home switch: the returns may drive open-loop to the switch on their own.
        if (row.name === "imu" && ctx.homeSwitchKnown)
            allows = ALLOW_TOWARD_HOME
        if (allows < level) level = allows
        if (rowCap < cap) cap = rowCap
        if (row.openLoop) openLoop = true
    }
    out.level = level
    out.rateCapDps = cap
    out.openLoop = openLoop
    const capDuty = openLoopDutyFor(cap)
    out.openLoopDutyMax =
        capDuty < IMU_FAULT_UP_DUTY ? capDuty : IMU_FAULT_UP_DUTY
    return out
}
