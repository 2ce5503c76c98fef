// What the supervisor asks of the drive in one tick. The controller carries it out with the planner
// and the drive loop. One request object is filled in each tick (no allocation per tick).

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

export class MotionRequest {
    kind: MotionKind
    targetDeg: number
    rateDps: number
    duty: number

    constructor() {
        this.kind = "off"
        this.targetDeg = 0
        this.rateDps = 0
        this.duty = 0
    }

    /** One of the kinds without a target: off, halt, stop, hold. */
    set(kind: MotionKind): MotionRequest {
        this.kind = kind
        this.targetDeg = 0
        this.rateDps = 0
        this.duty = 0
        return this
    }

    moveTo(targetDeg: number, rateDps: number): MotionRequest {
        this.kind = "move"
        this.targetDeg = targetDeg
        this.rateDps = rateDps
        this.duty = 0
        return this
    }

    openLoop(duty: number): MotionRequest {
        this.kind = "openLoop"
        this.targetDeg = 0
        this.rateDps = 0
        this.duty = duty
        return this
    }
}
