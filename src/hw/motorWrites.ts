// Which motor register to write this tick: the pure half of motorOut.ts (host-tested in
// test/motorWrites.test.ts, and in the VM).
//
// Rules:
// - At most ONE register write per control tick. Every packet the VM sends costs 20 ms of a send
//   budget (burst of 5); two writes per tick throttle a 50 Hz loop to ~26 Hz (FIL prototype).
// - The first write after start, and after the motor role is (re)bound, is speed 0: whatever the
//   server was doing before (a restarted program, a swapped device), the table stops first.
// - A stop is written as speed 0 at once (one packet, no ramp), then the driver is disabled on a
//   later tick. A move enables the driver first (its speed is then 0), then writes the speed.
//   Disabled means the H-bridge's enable pin is low: no current while the worm gear holds.
// - Writes happen only on change; the duty is quantized so that noise below the driver's PWM
//   resolution does not cost packets. A change of speed in the same direction (a ramp) is written
//   at most every SPEED_REFRESH_MS, at most 25 packets/s while moving; a stop (0) and a reversal
//   are written at once.

/** The native motor server drives a 9-bit PWM: finer steps than this are not physical. */
export const MOTOR_DUTY_STEP = 1 / 512
/** Same-direction speed changes wait this long after the last speed write: every other 20 ms tick, with room for jitter. */
export const SPEED_REFRESH_MS = 30

export const WRITE_NONE = 0
export const WRITE_SPEED = 1
export const WRITE_ENABLED = 2

/** What to write now: kind WRITE_NONE, WRITE_SPEED (value = speed) or WRITE_ENABLED (value 1/0). */
export interface MotorWrite {
    kind: number
    value: number
}

/** Rounds toward zero to the PWM step: never more drive than the controller asked for. */
export function quantizeDuty(duty: number): number {
    if (!(duty === duty)) return 0 // NaN: off
    const d = duty > 1 ? 1 : duty < -1 ? -1 : duty
    const q =
        d >= 0
            ? Math.floor(d / MOTOR_DUTY_STEP) * MOTOR_DUTY_STEP
            : -Math.floor(-d / MOTOR_DUTY_STEP) * MOTOR_DUTY_STEP
    return q === 0 ? 0 : q // never -0
}

export class MotorWritePlanner {
    /** last speed written to the current server; NaN = unknown (not written since binding) */
    sentSpeed: number
    /** last enabled written: 1, 0, or -1 = unknown */
    sentEnabled: number
    /** when the speed was last written */
    sentSpeedMs: number
    /** packets planned since start (telemetry) */
    writes: number

    constructor() {
        this.sentSpeed = NaN
        this.sentEnabled = -1
        this.sentSpeedMs = -1
        this.writes = 0
    }

    /** The server went away: what it holds is unknown until written again. */
    forget(): void {
        this.sentSpeed = NaN
        this.sentEnabled = -1
    }

    /** The one write for this tick, given the controller's duty and whether the motor is bound. */
    next(duty: number, bound: boolean, nowMs: number): MotorWrite {
        if (!bound) {
            this.forget()
            return { kind: WRITE_NONE, value: 0 }
        }
        const q = quantizeDuty(duty)
        // Unknown server state: stop it first, whatever is wanted.
        if (!(this.sentSpeed === this.sentSpeed)) return this.speed(0, nowMs)
        if (q === 0) {
            if (this.sentSpeed !== 0) return this.speed(0, nowMs)
            if (this.sentEnabled !== 0) return this.enabled(0)
            return { kind: WRITE_NONE, value: 0 }
        }
        if (this.sentEnabled !== 1) {
            // Enable only with speed 0 on the server: the move starts with the speed write.
            if (this.sentSpeed !== 0) return this.speed(0, nowMs)
            return this.enabled(1)
        }
        if (this.sentSpeed === q) return { kind: WRITE_NONE, value: 0 }
        const sameDirection = this.sentSpeed * q > 0
        if (sameDirection && nowMs - this.sentSpeedMs < SPEED_REFRESH_MS)
            return { kind: WRITE_NONE, value: 0 }
        return this.speed(q, nowMs)
    }

    speed(v: number, nowMs: number): MotorWrite {
        this.sentSpeed = v
        this.sentSpeedMs = nowMs
        this.writes++
        return { kind: WRITE_SPEED, value: v }
    }

    enabled(on: number): MotorWrite {
        this.sentEnabled = on
        this.writes++
        return { kind: WRITE_ENABLED, value: on }
    }
}
