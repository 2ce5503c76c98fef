// The motion monitor: compares what the drive was told with what the table did. Implements the
// overtravel, overspeed, stall and direction triggers of behaviour.md; reports reasons, decides
// nothing.

import { fmt1 } from "./format"
import { Since } from "./timer"
import {
    DIRECTION_MS,
    HARD_MAX_RATE_DPS,
    OVERSPEED_MARGIN_DPS,
    OVERTRAVEL_DEEP_MARGIN_DEG,
    OVERTRAVEL_HOME_MARGIN_DEG,
    STALL_MS,
    STALL_RATE_FRACTION,
} from "./limits"
import {
    DIRECTION_COAST_MS,
    DIRECTION_MAX_TRAVEL_DEG,
    DIRECTION_MIN_DUTY,
    DIRECTION_MIN_RATE_DPS,
    DIRECTION_TRAVEL_MIN_DUTY,
    STALL_MIN_PLANNED_DPS,
} from "./tuning"

export class MotionMonitor {
    overtravel: string | null
    /** how far the estimate itself may be off, set before each check: the overtravel fault needs
     *  the estimate beyond its margin by more than this (tuning.ts, OVERTRAVEL_DOUBT_SIGMAS) */
    doubtDeg: number
    overspeed: string | null
    stall: string | null
    direction: string | null
    stalling: Since
    against: Since
    /** the duty has pushed one way (beyond the deadzone) since; 0 while it does not push */
    pushSign: number
    pushing: Since
    /** travel against a steady push, once the coasting time has passed */
    againstTravelDeg: number

    constructor() {
        this.overtravel = null
        this.doubtDeg = 0
        this.overspeed = null
        this.stall = null
        this.direction = null
        this.stalling = new Since()
        this.against = new Since()
        this.pushSign = 0
        this.pushing = new Since()
        this.againstTravelDeg = 0
    }

    /**
     * `plannedRateDps` is the planner's velocity when the drive follows it in closed loop (0
     * otherwise); `duty` the command sent last tick, which the table is answering now.
     */
    check(
        nowMs: number,
        estDeg: number,
        rateDps: number,
        plannedRateDps: number,
        duty: number,
        effectiveMaxDeg: number,
        homeDeg: number,
        dtS: number
    ): void {
        this.overtravel = null
        const doubtDeg = this.doubtDeg
        if (estDeg > effectiveMaxDeg + OVERTRAVEL_DEEP_MARGIN_DEG + doubtDeg)
            this.overtravel =
                "angle " +
                fmt1(estDeg) +
                " beyond the deepest allowed " +
                fmt1(effectiveMaxDeg)
        else if (estDeg < homeDeg - OVERTRAVEL_HOME_MARGIN_DEG - doubtDeg)
            this.overtravel =
                "angle " + fmt1(estDeg) + " below home " + fmt1(homeDeg)

        this.overspeed = null
        if (Math.abs(rateDps) > HARD_MAX_RATE_DPS + OVERSPEED_MARGIN_DPS)
            this.overspeed =
                "rate " +
                fmt1(rateDps) +
                " deg/s above " +
                (HARD_MAX_RATE_DPS + OVERSPEED_MARGIN_DPS)

        this.stall = null
        const plannedAbs = Math.abs(plannedRateDps)
        const following = plannedRateDps > 0 ? rateDps : -rateDps
        this.stalling.track(
            plannedAbs >= STALL_MIN_PLANNED_DPS &&
                following < plannedAbs * STALL_RATE_FRACTION,
            nowMs
        )
        if (this.stalling.atLeast(nowMs, STALL_MS))
            this.stall =
                "table not following the drive (" +
                fmt1(rateDps) +
                " of " +
                fmt1(plannedRateDps) +
                " deg/s)"

        this.direction = null
        const against = duty > 0 ? -rateDps : rateDps
        this.against.track(
            Math.abs(duty) >= DIRECTION_MIN_DUTY &&
                against > DIRECTION_MIN_RATE_DPS,
            nowMs
        )
        if (this.against.atLeast(nowMs, DIRECTION_MS))
            this.direction =
                "table moving against the drive (" +
                fmt1(rateDps) +
                " deg/s, duty " +
                fmt1(duty) +
                ")"

        const push =
            duty >= DIRECTION_TRAVEL_MIN_DUTY
                ? 1
                : duty <= -DIRECTION_TRAVEL_MIN_DUTY
                  ? -1
                  : 0
        if (push !== this.pushSign) {
            this.pushSign = push
            this.pushing.start(nowMs)
            this.againstTravelDeg = 0
        }
        if (push !== 0 && this.pushing.atLeast(nowMs, DIRECTION_COAST_MS)) {
            const againstDps = push > 0 ? -rateDps : rateDps
            if (againstDps > 0) this.againstTravelDeg += againstDps * dtS
            if (
                this.direction === null &&
                this.againstTravelDeg > DIRECTION_MAX_TRAVEL_DEG
            )
                this.direction =
                    "table moved " +
                    fmt1(this.againstTravelDeg) +
                    " deg against the drive"
        }
    }

    /** Forget the running timers (after the drive was cut). */
    resetTimers(): void {
        this.stalling.stop()
        this.against.stop()
        this.pushSign = 0
        this.againstTravelDeg = 0
    }
}
