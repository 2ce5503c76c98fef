// The tilt motor: the controller's duty to the `motor` role (ds.Motor: speed -1..1, positive drives
// deeper; enabled switches the H-bridge). At most one register write per tick, speed 0 first after
// every start or re-binding, never a write to an unbound role (it would block the loop): the rules
// are in motorWrites.ts.

import * as ds from "@devicescript/core"
import { MotorWritePlanner, WRITE_ENABLED, WRITE_SPEED } from "./motorWrites"

export class MotorOutput {
    motor: ds.Motor
    planner: MotorWritePlanner

    constructor(motor: ds.Motor) {
        this.motor = motor
        this.planner = new MotorWritePlanner()
    }

    /** Applies this tick's duty (one packet at most). */
    async apply(duty: number): Promise<void> {
        const w = this.planner.next(duty, this.motor.isBound, ds.millis())
        if (w.kind === WRITE_SPEED) await this.motor.speed.write(w.value)
        else if (w.kind === WRITE_ENABLED)
            await this.motor.enabled.write(w.value === 1)
    }
}
