// The modes a fault leaves the table in, and how faults are cleared (docs/faults.md):
//   faultHold  nothing moves the table (direction; overtravel below home)
//   helperUp   only UP held, toward home at the helper's rate, the angle watched (latch while open,
//              overspeed, stall)
//   openLoop   the angle unknown (imu): toward home open-loop, ramped, with UP held, or on its own
//              with a known home switch (the dead-man and session returns)
// Faults that allow every move toward home (watchdog, settings, overtravel on the deep side, a latch
// closed steadily again) leave the table in the ready and returning modes, with nothing deeper.

import { Allowance } from "./faultPolicy"
import { FaultRegister } from "./faults"
import { ALLOW_TOWARD_HOME } from "./faultTable"
import { ButtonPad } from "./buttons"
import { IMU_FAULT_UP_MAX_MS } from "./limits"
import { MotionRequest } from "./motion"
import {
    FAULT_UP_NO_PROGRESS_MS,
    OPEN_LOOP_FASTEST_DPS_PER_DUTY,
    OPEN_LOOP_RESERVE_MS,
    STALL_MIN_PLANNED_DPS,
} from "./tuning"
import { Since } from "./timer"
import type { World } from "./world"

/** When a latched fault counts as gone, so that STOP at home may clear it. */
function conditionGone(
    name: string,
    w: World,
    atHome: boolean,
    monitorReason: string | null
): boolean {
    if (name === "imu") return w.imuHealthyMs > 0 && w.estTrusted
    if (name === "latch") return w.inputs.latch || atHome
    if (name === "overtravel" || name === "overspeed")
        return monitorReason === null
    // stall, direction, watchdog: momentary; the drive is off now, so they are gone.
    return true
}

/**
 * A STOP press clears what can be cleared: the settings notice anywhere (it is an acknowledgement),
 * every other fault only at home and once its condition has gone. `reasons` holds, for each latched
 * fault in faults.names() order, the monitor's reason now (null when its condition is not present).
 */
export function clearFaults(
    faults: FaultRegister,
    w: World,
    atHome: boolean,
    reasons: (string | null)[]
): void {
    if (faults.has("settings")) faults.clear("settings")
    if (!atHome) return
    const names = faults.names()
    for (let i = 0; i < names.length; i++)
        if (conditionGone(names[i], w, atHome, reasons[i]))
            faults.clear(names[i])
}

/** The helper's UP (latch while open, overspeed, stall). */
export class HelperUp {
    /** the drive was cut for not making progress, until UP is pressed again */
    cut: boolean
    noProgress: Since

    constructor() {
        this.cut = false
        this.noProgress = new Since()
    }

    tick(
        req: MotionRequest,
        w: World,
        b: ButtonPad,
        allow: Allowance,
        homeDeg: number,
        returnRateDps: number,
        movedLastTick: boolean
    ): MotionRequest {
        if (b.up.pressed) this.cut = false
        if (this.cut) return req.set("off")
        if (!b.upActive()) {
            // Released: decelerate and hold, as UP always does (the drive only went toward home).
            // A table that was not following (jammed) has no speed to take off: the drive is cut,
            // or it would push on against the jam toward a stop its setpoint can never reach (the
            // setpoint never runs more than MAX_TRACKING_LAG_DEG ahead of the table).
            const jammed = this.noProgress.running()
            this.noProgress.stop()
            return req.set(jammed ? "off" : movedLastTick ? "stop" : "hold")
        }
        // A jammed drive is not driven for ever: no progress for a while cuts it until UP is
        // pressed again.
        const planned = w.setpointVelDps
        this.noProgress.track(
            planned <= -STALL_MIN_PLANNED_DPS && w.rateDps > planned * 0.2,
            w.nowMs
        )
        if (this.noProgress.atLeast(w.nowMs, FAULT_UP_NO_PROGRESS_MS)) {
            this.cut = true
            return req.set("off")
        }
        return req.moveTo(homeDeg, Math.min(allow.rateCapDps, returnRateDps))
    }
}

/**
 * Open-loop driving toward home while the angle is unknown: the duty ramped within the acceleration
 * limit (on the fastest drive) up to the allowance's cap, and a budget of IMU_FAULT_UP_MAX_MS of
 * driving that a restart cannot give back (it is kept over restarts, reserved ahead).
 */
export class OpenLoopDrive {
    /** the duty commanded (negative: toward home) */
    duty: number
    usedMs: number
    /** what the record kept over a restart says has been used: always ahead of usedMs */
    reservedMs: number

    constructor() {
        this.duty = 0
        this.usedMs = 0
        this.reservedMs = 0
    }

    resetBudget(): void {
        this.usedMs = 0
        this.reservedMs = 0
    }

    /**
     * One tick. UP held drives; with the allowance at ALLOW_TOWARD_HOME (a known home switch) an
     * automatic return that is due drives too (`autoDue`; the dead-man's stops when the grip is held
     * again, the session's runs on). STOP cuts (the caller holds the returns back); the home switch
     * or a known home ends it (cut: the end of travel); the budget ends it with a ramp down.
     */
    tick(
        req: MotionRequest,
        w: World,
        b: ButtonPad,
        allow: Allowance,
        homeKnown: boolean,
        autoDue: boolean,
        sessionOver: boolean,
        accelDps2: number
    ): MotionRequest {
        if (b.stop.pressed || w.inputs.homeSwitch || homeKnown) {
            this.duty = 0
            return req.openLoop(0)
        }
        let wanted = b.upActive()
        if (!wanted && allow.level >= ALLOW_TOWARD_HOME && autoDue)
            wanted = sessionOver || !w.inputs.grip
        const stepDuty =
            ((accelDps2 / OPEN_LOOP_FASTEST_DPS_PER_DUTY) * w.dtMs) / 1000
        let duty = this.duty
        // The budget ends with the ramp down, inside it: driving on costs this tick and a tick per
        // step of the ramp down after it (a part step a whole tick).
        const onDuty = Math.max(-allow.openLoopDutyMax, duty - stepDuty)
        const onMs = Math.ceil(-onDuty / stepDuty - 1e-9) * w.dtMs
        if (this.usedMs + onMs > IMU_FAULT_UP_MAX_MS) wanted = false
        const target = wanted ? -allow.openLoopDutyMax : 0
        if (duty > target) duty = Math.max(target, duty - stepDuty)
        else if (duty < target) duty = Math.min(target, duty + stepDuty)
        // The ramp's last part step, down to a rounding residue: off (the budget above counts it so).
        if (duty > -1e-9 && duty < 1e-9) duty = 0
        this.duty = duty
        if (duty !== 0) {
            this.usedMs += w.dtMs
            // What a restart would find: reserved ahead, so that a restart never gives back time.
            const ahead = Math.min(
                IMU_FAULT_UP_MAX_MS,
                (Math.floor(this.usedMs / OPEN_LOOP_RESERVE_MS) + 1) *
                    OPEN_LOOP_RESERVE_MS
            )
            if (ahead > this.reservedMs) this.reservedMs = ahead
        }
        return req.openLoop(duty)
    }
}
