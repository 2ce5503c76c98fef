// The tilt drive: a DC gear motor turning the table through a self-locking worm gear, loaded by the
// user's weight, between two mechanical end stops.
//
// Model, per unit of table rate (deg/s):
//   tau * dRate/dt = loadFactor * gain * duty - friction * sign(rate) - rate          while moving
//   rate = 0 and the table does not move                                            while locked
// The friction term is what makes the static deadzone (a small duty cannot break the drive loose) and
// what brings a coasting motor to rest in finite time. Gravity does not appear as a torque of its own:
// a self-locking worm cannot be back-driven, so the user's weight can only make the motor run a little
// slower (lifting) or faster (lowering) while it is driven, never move the table by itself.

import {
    DEADZONE_DUTY,
    FULL_DUTY_RATE_DPS,
    GRAVITY_MPS2,
    LOAD_SPEED_FACTOR_MAX,
    LOAD_SPEED_FACTOR_MIN,
    MOTOR_STALL_TORQUE_AT_PIVOT_NM,
    MOTOR_TIME_CONSTANT_S,
    STOP_DEEP_DEG,
    USER_COM_ALONG_BED_M,
    USER_COM_NORMAL_M,
} from "./params"

const RAD_PER_DEG = Math.PI / 180

/** Table rate per unit duty before friction: chosen so that full duty, no load, gives FULL_DUTY_RATE_DPS. */
const DRIVE_GAIN_DPS = FULL_DUTY_RATE_DPS / (1 - DEADZONE_DUTY)
/** Friction as an equivalent rate: exactly the deadzone's worth of drive. */
const FRICTION_DPS = DRIVE_GAIN_DPS * DEADZONE_DUTY

export interface DriveState {
    angleDeg: number
    rateDps: number
    /** the frame's loading stop at the head-up end (the deep end stop is STOP_DEEP_DEG) */
    shallowStopDeg: number
}

/**
 * Torque of the user's weight about the pivot, positive when it pulls the table deeper.
 * The centre of mass sits at (along, normal) in the bed's frame; its height is
 * along * sin(A) + normal * cos(A), and the torque is minus the derivative of the potential energy.
 */
export function gravityTorqueNm(angleDeg: number, userMassKg: number): number {
    const a = angleDeg * RAD_PER_DEG
    return (
        userMassKg *
        GRAVITY_MPS2 *
        (USER_COM_NORMAL_M * Math.sin(a) - USER_COM_ALONG_BED_M * Math.cos(a))
    )
}

/**
 * How much the load changes the drive's speed when moving in direction `dir` (+1 deeper, -1 up):
 * above 1 when gravity helps, below 1 when the motor lifts the load (DC motor speed-torque line).
 */
export function loadSpeedFactor(
    angleDeg: number,
    userMassKg: number,
    dir: number
): number {
    const factor =
        1 +
        (dir * gravityTorqueNm(angleDeg, userMassKg)) /
            MOTOR_STALL_TORQUE_AT_PIVOT_NM
    return Math.min(
        LOAD_SPEED_FACTOR_MAX,
        Math.max(LOAD_SPEED_FACTOR_MIN, factor)
    )
}

/** The rate the drive settles at for a constant duty at this angle and load (0 inside the deadzone). */
export function steadyRateDps(
    angleDeg: number,
    userMassKg: number,
    duty: number
): number {
    const dir = Math.sign(duty)
    if (Math.abs(duty) <= DEADZONE_DUTY) return 0
    const rate =
        loadSpeedFactor(angleDeg, userMassKg, dir) * DRIVE_GAIN_DPS * duty -
        FRICTION_DPS * dir
    return rate * dir > 0 ? rate : 0
}

/**
 * Advance the drive by stepS seconds with a constant duty (already clamped to -1..1). Mutates state.
 * Within one step the load factor is held constant and the linear lag is solved exactly, so the
 * result does not depend much on the step size; the moment friction stops the motor is found exactly.
 */
export function stepDrive(
    state: DriveState,
    duty: number,
    userMassKg: number,
    stepS: number
): void {
    let dir = Math.sign(state.rateDps)
    if (dir === 0) {
        // Locked. The worm lets go only if the motor can beat the friction in the direction it pushes.
        if (steadyRateDps(state.angleDeg, userMassKg, duty) === 0) return
        dir = Math.sign(duty)
    }
    const targetDps =
        loadSpeedFactor(state.angleDeg, userMassKg, dir) *
            DRIVE_GAIN_DPS *
            duty -
        FRICTION_DPS * dir
    const startDps = state.rateDps
    let moveS = stepS
    let endDps =
        targetDps +
        (startDps - targetDps) * Math.exp(-stepS / MOTOR_TIME_CONSTANT_S)
    if (endDps * dir <= 0) {
        // Friction (and perhaps a reversed duty) brings the motor to rest inside this step, and the
        // worm locks there: solve target + (start - target) * exp(-t / tau) = 0 for t.
        const ratio = targetDps / (targetDps - startDps)
        const stopS =
            ratio > 0 && ratio <= 1
                ? -MOTOR_TIME_CONSTANT_S * Math.log(ratio)
                : stepS
        moveS = Math.min(stepS, Math.max(0, stopS))
        endDps = 0
    }
    // Exact integral of the rate over the moving part of the step.
    const travelDeg =
        targetDps * moveS +
        (startDps - targetDps) *
            MOTOR_TIME_CONSTANT_S *
            (1 - Math.exp(-moveS / MOTOR_TIME_CONSTANT_S))
    state.angleDeg += travelDeg
    state.rateDps = endDps
    // The end stops: the frame cannot pass them, and the motor stalls against them.
    if (state.angleDeg >= STOP_DEEP_DEG && state.rateDps >= 0) {
        state.angleDeg = STOP_DEEP_DEG
        state.rateDps = 0
    } else if (state.angleDeg <= state.shallowStopDeg && state.rateDps <= 0) {
        state.angleDeg = state.shallowStopDeg
        state.rateDps = 0
    }
}
