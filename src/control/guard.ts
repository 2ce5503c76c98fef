// The last word on the duty, independent of the supervisor: it recomputes the hard rules from the
// inputs, the estimate, the settings and the fault register, with timers and a session clock of its
// own, so that a mistake in the layers above cannot drive the table where the contract forbids:
//   nothing deeper without the grip, a settled latch, a known angle, an allowance of ALLOW_ALL;
//   once the session is over (its limit, or a start away from home) only the braking of a move
//   already going deeper; never past the effective deepest angle, nor toward a goal past it;
//   nothing toward home past home;
//   open-loop only toward home, as the active faults allow, ramped within the acceleration limit;
//   in service mode (the table empty) only between home and SERVICE_MAX_DEG.

import { Allowance, allowanceOf, newAllowance } from "./faultPolicy"
import { FaultRegister } from "./faults"
import { ALLOW_ALL } from "./faultTable"
import {
    AT_HOME_TOLERANCE_DEG,
    HOME_SWITCH_BELIEVED_BELOW_DEG,
    LATCH_SETTLE_MS,
    LATCH_STEADY_MS,
    SERVICE_MAX_DEG,
} from "./limits"
import { MotionRequest } from "./motion"
import { Planner } from "./planner"
import { SessionClock } from "./session"
import { Settings } from "./settings"
import { Since } from "./timer"
import { OPEN_LOOP_FASTEST_DPS_PER_DUTY } from "./tuning"
import { Inputs } from "./types"

/**
 * After the plan stops going deeper, the table may still be slowing for this long (the drive follows
 * the plan's last deceleration); past it, nothing pushes deeper once the session is over.
 */
export const BRAKING_TAIL_MS = 1000

/** The guard's backstop lies this far beyond the limits the planner keeps to (estimate noise). */
export const GUARD_MARGIN_DEG = 0.5

function finite(x: any): boolean {
    return typeof x === "number" && x - x === 0
}

/** What the guard judges a duty by: filled in by the controller each tick (one object, reused). */
export interface GuardView {
    duty: number
    request: MotionRequest
    inputs: Inputs
    faults: FaultRegister
    settings: Settings
    estTrusted: boolean
    estDeg: number
    effMaxDeg: number
    planner: Planner
    /** the duty sent last tick */
    lastDuty: number
    /** the table was in service mode at the start of the tick */
    inService: boolean
    nowMs: number
    dtMs: number
}

export class Guard {
    latchClosed: Since
    session: SessionClock
    decidedOnce: boolean
    lastTrustedDeg: number
    allowance: Allowance
    /** when the plan last went deeper (-1: never, in this controller's life) */
    deeperPlanMs: number

    constructor(homeDeg: number) {
        this.latchClosed = new Since()
        this.session = new SessionClock()
        this.decidedOnce = false
        this.lastTrustedDeg = homeDeg
        this.allowance = newAllowance()
        this.deeperPlanMs = -1
    }

    /** Every tick, booting included: the latch's own timer. */
    observe(inputs: Inputs, nowMs: number): void {
        this.latchClosed.track(inputs.latch, nowMs)
    }

    /**
     * Every tick after the boot: the guard's own session clock and restart rule (a start away from
     * home ends the session). `inService`: the table was in service mode at the start of the tick.
     */
    track(
        s: Settings,
        inputs: Inputs,
        estTrusted: boolean,
        estDeg: number,
        dtMs: number,
        inService: boolean,
        sessionLimitS: number
    ): void {
        const atHome =
            estTrusted && Math.abs(estDeg - s.homeDeg) <= AT_HOME_TOLERANCE_DEG
        const switchBelieved =
            inputs.homeSwitch &&
            (!estTrusted || estDeg <= HOME_SWITCH_BELIEVED_BELOW_DEG)
        const homeKnown = atHome || (!estTrusted && switchBelieved)
        if (!this.decidedOnce) {
            this.decidedOnce = true
            if (!homeKnown && !switchBelieved) this.session.endByRestart()
        }
        if (estTrusted) this.lastTrustedDeg = estDeg
        if (!inService)
            this.session.update(
                dtMs,
                this.lastTrustedDeg > 0,
                homeKnown,
                sessionLimitS
            )
    }

    /** The duty allowed for the one the layers above asked for (`v.duty`). */
    limit(v: GuardView): number {
        const duty = v.duty
        const request = v.request
        const inputs = v.inputs
        const faults = v.faults
        const s = v.settings
        const estDeg = v.estDeg
        const planner = v.planner
        const nowMs = v.nowMs
        const dtMs = v.dtMs
        if (!finite(duty)) return 0
        const home = s.homeDeg
        const allow = allowanceOf(
            faults,
            {
                estDeg: estDeg,
                homeDeg: home,
                latchSteady: this.latchClosed.atLeast(nowMs, LATCH_STEADY_MS),
                homeSwitchKnown: s.homeSwitchFitted,
            },
            this.allowance
        )
        if (request.kind === "openLoop") {
            if (!allow.openLoop) return 0
            // Toward home only, within the faults' duty cap, and ramped up no faster than the
            // acceleration limit allows on the fastest drive (cutting is always allowed).
            const rampDuty =
                ((s.accelDps2 / OPEN_LOOP_FASTEST_DPS_PER_DUTY) * dtMs) / 1000
            const previous = v.lastDuty < 0 ? -v.lastDuty : 0
            const most = Math.min(allow.openLoopDutyMax, previous + rampDuty)
            return Math.max(-most, Math.min(0, duty))
        }
        if (!v.estTrusted) return 0
        if (v.inService) {
            // The table is empty: it may move between home and SERVICE_MAX_DEG, nothing more.
            if (faults.anyAlarm()) return 0
            if (duty > 0 && estDeg >= SERVICE_MAX_DEG + GUARD_MARGIN_DEG)
                return 0
            if (duty < 0 && estDeg <= home - GUARD_MARGIN_DEG) return 0
            return Math.max(-1, Math.min(1, duty))
        }
        if (planner.velDps > 0) this.deeperPlanMs = nowMs
        // Below the home band, "deeper" is toward home: allowed as any move toward home is.
        if (duty > 0 && estDeg >= home - AT_HOME_TOLERANCE_DEG) {
            // A move going deeper when the session ended (its limit, or a restart) ends with its
            // normal deceleration: only a plan that goes no deeper than where it can stop (braking,
            // or just turned toward home while the table still slows), never one that goes on. A
            // plan that has not gone deeper lately (a return after a restart) gets no push deeper,
            // whatever a noisy estimate makes the drive ask for.
            const braking =
                planner.velDps > 0
                    ? planner.targetDeg <=
                      planner.stoppingPointDeg(dtMs / 1000) + 1e-9
                    : planner.targetDeg <= planner.posDeg + 1e-9 &&
                      this.deeperPlanMs >= 0 &&
                      nowMs - this.deeperPlanMs <= BRAKING_TAIL_MS
            const deeperOk =
                inputs.grip &&
                inputs.latch &&
                this.latchClosed.atLeast(nowMs, LATCH_SETTLE_MS) &&
                allow.level === ALLOW_ALL &&
                (!this.session.expired || braking) &&
                estDeg < v.effMaxDeg + GUARD_MARGIN_DEG &&
                // Never toward a goal past the deepest angle: a stop planned while the table is
                // already past it (arriving at speed, then UP let go) ends where it is.
                planner.targetDeg <= v.effMaxDeg + 1e-9
            if (!deeperOk) return 0
        }
        if (duty < 0 && estDeg <= home - GUARD_MARGIN_DEG) return 0
        return Math.max(-1, Math.min(1, duty))
    }
}
