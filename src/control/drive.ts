// The drive loop: turns the planner's setpoint into a motor duty, as a cascade. The position error
// asks for a small speed correction on top of the planned speed; the commanded speed is never more
// than the move's rate limit; a rate loop on the gyro-measured speed makes the table keep to it.
// Feed-forward (the wanted speed and its acceleration, the motor's deadzone) does most of the work,
// the feedback the rest. Once a move has finished and the table has come to rest, the motor is switched
// off and the self-locking worm gear holds the table (holding never drives the motor).

import { clamp } from "./clamp"
import { Since } from "./timer"
import {
    ACCEL_USABLE_MAX_DPS2,
    CORRECTION_ACCEL_DPS2,
    DRIVE_SPEED_MARGIN_DPS,
    DEADZONE_FADE_DPS,
    MOTOR_DEADZONE_DUTY,
    MOTOR_NOMINAL_DPS_PER_DUTY,
    MOTOR_NOMINAL_TIME_CONSTANT_S,
    POSITION_GAIN_PER_S,
    POSITION_CORRECTION_MAX_DPS,
    RATE_FILTER_TAU_S,
    RATE_GAIN_DUTY_PER_DPS,
    RATE_INTEGRAL_DUTY_PER_DEG,
    RATE_INTEGRAL_MAX_DUTY,
    SETTLE_RATE_DPS,
    SETTLE_TIMEOUT_MS,
    SETTLE_TOLERANCE_DEG,
    WANTED_ACCEL_TURN_TICKS,
    RATE_GAIN_NOISY_SCATTER_DEG,
} from "./tuning"
import { filterGain } from "./estimator"
import { brakingSpeedDps, Planner } from "./planner"

export class DriveLoop {
    /** the motor is off and the worm gear holds */
    settled: boolean
    /** since the setpoint came to rest (stopped while it moves) */
    arrived: Since
    /** the rate loop's integral: the duty the load needs beyond the nominal feed-forward */
    integralDuty: number
    /** the speed asked of the table last tick */
    wantedDps: number
    /** the wanted speed as the rate measurement will show it (through the rate filter's lag) */
    expectedDps: number
    /** how fast the wanted speed changed last tick */
    wantedAccelDps2: number

    constructor() {
        this.settled = true
        this.arrived = new Since()
        this.integralDuty = 0
        this.wantedDps = 0
        this.expectedDps = 0
        this.wantedAccelDps2 = 0
    }

    /** The drive was cut (safety stop, fault, boot): it is settled where it is. */
    cut(): void {
        this.settled = true
        this.arrived.stop()
        this.integralDuty = 0
        this.wantedDps = 0
        this.expectedDps = 0
        this.wantedAccelDps2 = 0
    }

    /**
     * The duty for this tick following the planner `plan`; 0 once the move has finished and the
     * table has settled. The speed asked of the table never exceeds the move's rate limit (one
     * already above it, the limit lowered, is brought down to it as fast as its acceleration turns),
     * and toward home (negative) never exceeds `homewardMaxDps` (returnRateDps), whatever the move:
     * a correction back from past a goal is a move toward home too. `scatterDeg` is the
     * accelerometer's scatter as the estimator sees it (how noisy the sensor is).
     */
    duty(
        nowMs: number,
        plan: Planner,
        estDeg: number,
        estRateDps: number,
        dtS: number,
        homewardMaxDps: number,
        scatterDeg: number
    ): number {
        const setpointDeg = plan.posDeg
        const setpointVelDps = plan.velDps
        const setpointArrived = plan.arrived()
        const rateLimitDps = plan.rateDps
        const errorDeg = setpointDeg - estDeg
        if (!setpointArrived) {
            this.settled = false
            this.arrived.stop()
        } else {
            if (this.settled) return 0
            if (!this.arrived.running()) this.arrived.start(nowMs)
            // Switch off only once the table has come to rest on its own: cutting a moving motor
            // would stop it with the worm gear's jolt instead of the acceleration limit.
            const resting =
                Math.abs(errorDeg) < SETTLE_TOLERANCE_DEG &&
                Math.abs(estRateDps) < SETTLE_RATE_DPS
            if (resting || this.arrived.atLeast(nowMs, SETTLE_TIMEOUT_MS)) {
                this.cut()
                return 0
            }
        }
        const correctionDps = clamp(
            POSITION_GAIN_PER_S * errorDeg,
            -POSITION_CORRECTION_MAX_DPS,
            POSITION_CORRECTION_MAX_DPS
        )
        // Toward the goal, never faster than a stop on it allows from where the table is: a table
        // lagging its plan must not catch up so late that it runs past the goal (the deepest angle).
        const toGoDeg = plan.targetDeg - estDeg
        const roomDps = Math.min(
            rateLimitDps,
            brakingSpeedDps(Math.abs(toGoDeg), plan.accelDps2, dtS)
        )
        const aimDps = clamp(
            setpointVelDps + correctionDps,
            -Math.min(toGoDeg < 0 ? roomDps : rateLimitDps, homewardMaxDps),
            toGoDeg > 0 ? roomDps : rateLimitDps
        )
        // The speed asked of the table changes no faster than the move's acceleration (plus a
        // little room for the correction): the feedback may not jerk the table either. And that
        // acceleration turns over WANTED_ACCEL_TURN_TICKS ticks at least, never in one: a stop in
        // the middle of a ramp asks the motor for the full turn at once otherwise, which a drive
        // stronger than its nominal gain (a heavy user going deeper) follows well past the limit.
        const accelLimitDps2 = Math.min(
            plan.accelDps2 + CORRECTION_ACCEL_DPS2,
            ACCEL_USABLE_MAX_DPS2
        )
        const turnDps2 = (2 * accelLimitDps2) / WANTED_ACCEL_TURN_TICKS
        const wantedAccelDps2 = clamp(
            clamp(
                (aimDps - this.wantedDps) / dtS,
                -accelLimitDps2,
                accelLimitDps2
            ),
            this.wantedAccelDps2 - turnDps2,
            this.wantedAccelDps2 + turnDps2
        )
        const wantedDps = this.wantedDps + wantedAccelDps2 * dtS
        this.wantedDps = wantedDps
        this.wantedAccelDps2 = wantedAccelDps2
        // The motor's lag is fed forward from the wanted speed's own acceleration (not the plan's):
        // the two differ where the correction or the braking room bends the wanted speed, and a
        // feed-forward that does not match it kicks the table at the bend.
        let duty =
            (wantedDps + MOTOR_NOMINAL_TIME_CONSTANT_S * wantedAccelDps2) /
            MOTOR_NOMINAL_DPS_PER_DUTY
        // The deadzone's share fades in over the slowest speeds, so that a speed crossing zero (a
        // move reversing) does not flip the duty across the deadzone in one tick and stop the
        // table on the drive's friction.
        duty +=
            MOTOR_DEADZONE_DUTY * clamp(wantedDps / DEADZONE_FADE_DPS, -1, 1)
        // The measured rate comes through a filter: compare it with the wanted speed seen through
        // the same lag, so a ramp does not look like a table falling behind (which would push it
        // past the rate limit when the ramp ends).
        this.expectedDps +=
            (wantedDps - this.expectedDps) *
            filterGain(dtS, RATE_FILTER_TAU_S + dtS / 2)
        const rateErrorDps = this.expectedDps - estRateDps
        // A noisy sensor's rate would shake the table through this gain: weakened in proportion.
        duty +=
            (RATE_GAIN_DUTY_PER_DPS * rateErrorDps) /
            Math.max(1, scatterDeg / RATE_GAIN_NOISY_SCATTER_DEG)
        // The integral learns what the load needs (a heavy user, the angle) so that the table keeps
        // to the commanded speed instead of running a little over or under it.
        this.integralDuty = clamp(
            this.integralDuty + RATE_INTEGRAL_DUTY_PER_DEG * rateErrorDps * dtS,
            -RATE_INTEGRAL_MAX_DUTY,
            RATE_INTEGRAL_MAX_DUTY
        )
        // Never much more drive than the wanted speed needs: a table that runs the wrong way (a
        // reversed motor) must not be driven ever harder by the rate loop before the direction
        // monitor stops it.
        const ceiling =
            (Math.abs(wantedDps) + DRIVE_SPEED_MARGIN_DPS) /
                MOTOR_NOMINAL_DPS_PER_DUTY +
            MOTOR_DEADZONE_DUTY
        return clamp(
            duty + this.integralDuty,
            -Math.min(1, ceiling),
            Math.min(1, ceiling)
        )
    }
}
