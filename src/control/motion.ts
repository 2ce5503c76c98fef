// What the supervisor asks of the drive in one tick. The controller carries it out with the planner
// and the drive loop.

export type MotionKind =
    /** motor off, and it stays off: the setpoint follows the table */
    | "off"
    /** safety stop: cut the drive this tick and hold where the table is */
    | "halt"
    /** decelerate at the acceleration limit and hold where the setpoint comes to rest */
    | "stop"
    /** go to targetDeg at no more than rateDps */
    | "move"
    /** carry on with what the planner is doing (finish a stop, or hold) */
    | "hold"
    /** drive at a fixed duty without position feedback (only with an imu fault, toward home) */
    | "openLoop"

export interface MotionRequest {
    kind: MotionKind
    targetDeg: number
    rateDps: number
    duty: number
}

export function motion(kind: MotionKind): MotionRequest {
    return { kind: kind, targetDeg: 0, rateDps: 0, duty: 0 }
}

export function moveTo(targetDeg: number, rateDps: number): MotionRequest {
    return { kind: "move", targetDeg: targetDeg, rateDps: rateDps, duty: 0 }
}

export function openLoop(duty: number): MotionRequest {
    return { kind: "openLoop", targetDeg: 0, rateDps: 0, duty: duty }
}
