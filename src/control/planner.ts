// The motion planner: turns "go to this angle at most this fast" into a setpoint that moves within
// the rate and acceleration limits, starts and ends every move with the acceleration limit, never
// passes its target, and handles a new target mid-move smoothly. A safety stop (halt) is the one
// exception: it drops the velocity to zero at once, because the drive is cut.

import { clamp } from "./clamp"
import { HARD_MAX_RATE_DPS } from "./limits"
import { ACCEL_USABLE_MAX_DPS2 } from "./tuning"

/**
 * The fastest speed from which braking at `accelDps2`, one tick of `dtS` at a time, still stops
 * within `distanceDeg`. Continuous braking needs v^2 / 2a; stepping adds about v * dt / 2.
 */
export function brakingSpeedDps(
    distanceDeg: number,
    accelDps2: number,
    dtS: number
): number {
    if (distanceDeg <= 0) return 0
    const half = (accelDps2 * dtS) / 2
    const v = Math.sqrt(half * half + 2 * accelDps2 * distanceDeg) - half
    // For distances so small that the difference rounds to 0, the speed that covers them in one tick.
    return v > 0 ? v : distanceDeg / dtS
}

/** Distance covered while braking from `speedDps` at `accelDps2`, tick by tick. */
export function brakingDistanceDeg(
    speedDps: number,
    accelDps2: number,
    dtS: number
): number {
    const v = Math.abs(speedDps)
    return (v * v) / (2 * accelDps2) + (v * dtS) / 2
}

export class Planner {
    /** the setpoint: where the table should be now */
    posDeg: number
    /** the setpoint's velocity, positive deeper */
    velDps: number
    /** the goal the setpoint moves to */
    targetDeg: number
    rateDps: number
    accelDps2: number

    constructor(posDeg: number) {
        this.posDeg = posDeg
        this.velDps = 0
        this.targetDeg = posDeg
        this.rateDps = 1
        this.accelDps2 = 1
    }

    /** Safety stop: the drive is cut; the setpoint stays where the table is, with no velocity. */
    halt(atDeg: number): void {
        this.posDeg = atDeg
        this.velDps = 0
        this.targetDeg = atDeg
    }

    /** Head for `targetDeg` at no more than `rateDps`, ramping at `accelDps2` (at most
     *  ACCEL_USABLE_MAX_DPS2: the table's own acceleration stays within the hard limit). */
    moveTo(targetDeg: number, rateDps: number, accelDps2: number): void {
        this.targetDeg = targetDeg
        this.rateDps = clamp(rateDps, 0, HARD_MAX_RATE_DPS)
        this.accelDps2 = clamp(accelDps2, 0.1, ACCEL_USABLE_MAX_DPS2)
    }

    /** Decelerate at `accelDps2` and hold where the setpoint comes to rest. */
    stopSmoothly(accelDps2: number, dtS: number): void {
        const a = clamp(accelDps2, 0.1, ACCEL_USABLE_MAX_DPS2)
        const d = brakingDistanceDeg(this.velDps, a, dtS)
        const dir = this.velDps > 0 ? 1 : this.velDps < 0 ? -1 : 0
        let stopAt = this.posDeg + dir * d
        // Already braking onto a target closer than that (braking distance is reckoned with a
        // margin): stop there, never past it (it may be the deepest angle).
        const ahead = (this.targetDeg - this.posDeg) * dir
        if (dir !== 0 && ahead >= 0 && ahead < d) stopAt = this.targetDeg
        this.moveTo(stopAt, this.rateDps, a)
    }

    /** Where the setpoint would stop if it braked now. */
    stoppingPointDeg(dtS: number): number {
        const dir = this.velDps > 0 ? 1 : this.velDps < 0 ? -1 : 0
        return (
            this.posDeg +
            dir * brakingDistanceDeg(this.velDps, this.accelDps2, dtS)
        )
    }

    /** At rest on its target. */
    arrived(): boolean {
        return this.velDps === 0 && this.posDeg === this.targetDeg
    }

    step(dtS: number): void {
        const dv = this.accelDps2 * dtS
        const toGo = this.targetDeg - this.posDeg
        if (toGo === 0 && Math.abs(this.velDps) <= dv) {
            this.velDps = 0
            return
        }
        const dir = toGo > 0 ? 1 : toGo < 0 ? -1 : 0
        const wanted =
            dir *
            Math.min(
                this.rateDps,
                brakingSpeedDps(Math.abs(toGo), this.accelDps2, dtS)
            )
        const v = clamp(wanted, this.velDps - dv, this.velDps + dv)
        const next = this.posDeg + v * dtS
        const passes =
            (toGo > 0 && next >= this.targetDeg) ||
            (toGo < 0 && next <= this.targetDeg)
        // Arriving: land on the target instead of passing it. The velocity drops to zero in this tick
        // only if it was no more than one tick of acceleration; otherwise it lands with the slower
        // velocity and stops in the next tick, so no tick changes it by more than the limit. (Only a
        // target moved inside the braking distance can be passed; then the setpoint brakes and comes
        // back.)
        if (passes && Math.abs(v) <= dv) {
            this.posDeg = this.targetDeg
            this.velDps = Math.abs(this.velDps) <= dv ? 0 : v
            return
        }
        this.posDeg = next
        this.velDps = v
    }
}
