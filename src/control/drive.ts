// The drive loop: turns the planner's setpoint into a motor duty. Feed-forward of the planned
// velocity plus position feedback; once a move has finished and the table has settled, the motor is
// switched off and the self-locking worm gear holds the table (holding never drives the motor).

import {
    DRIVE_SPEED_MARGIN_DPS,
    MOTOR_DEADZONE_DUTY,
    MOTOR_NOMINAL_DPS_PER_DUTY,
    MOTOR_NOMINAL_TIME_CONSTANT_S,
    POSITION_GAIN_DUTY_PER_DEG,
    SETTLE_TIMEOUT_MS,
    SETTLE_TOLERANCE_DEG,
} from "./tuning"

function clamp(x: number, lo: number, hi: number): number {
    return x < lo ? lo : x > hi ? hi : x
}

export class DriveLoop {
    /** the motor is off and the worm gear holds */
    settled: boolean
    /** when the setpoint came to rest (-1 while it moves) */
    arrivedAtMs: number

    constructor() {
        this.settled = true
        this.arrivedAtMs = -1
    }

    /** The drive was cut (safety stop, fault, boot): it is settled where it is. */
    cut(): void {
        this.settled = true
        this.arrivedAtMs = -1
    }

    /** The duty for this tick; 0 once the move has finished and the table has settled. */
    duty(
        nowMs: number,
        setpointDeg: number,
        setpointVelDps: number,
        setpointAccelDps2: number,
        setpointArrived: boolean,
        estDeg: number
    ): number {
        const errorDeg = setpointDeg - estDeg
        if (!setpointArrived) {
            this.settled = false
            this.arrivedAtMs = -1
        } else {
            if (this.settled) return 0
            if (this.arrivedAtMs < 0) this.arrivedAtMs = nowMs
            if (Math.abs(errorDeg) < SETTLE_TOLERANCE_DEG || nowMs - this.arrivedAtMs >= SETTLE_TIMEOUT_MS) {
                this.settled = true
                return 0
            }
        }
        // Feed-forward: the duty for the planned speed, led by the motor's lag so the table keeps up
        // with the ramps instead of catching up (and overshooting the rate) afterwards.
        let ff = (setpointVelDps + MOTOR_NOMINAL_TIME_CONSTANT_S * setpointAccelDps2) / MOTOR_NOMINAL_DPS_PER_DUTY
        if (setpointVelDps > 0) ff += MOTOR_DEADZONE_DUTY
        else if (setpointVelDps < 0) ff -= MOTOR_DEADZONE_DUTY
        // The feedback may ask for a little more speed than planned, never much more: a table that
        // lagged (a jam that frees itself) must not then run away.
        const maxDuty = (Math.abs(setpointVelDps) + DRIVE_SPEED_MARGIN_DPS) / MOTOR_NOMINAL_DPS_PER_DUTY + MOTOR_DEADZONE_DUTY
        return clamp(ff + POSITION_GAIN_DUTY_PER_DEG * errorDeg, -Math.min(1, maxDuty), Math.min(1, maxDuty))
    }
}
