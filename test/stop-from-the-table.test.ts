// A released move stops where the table can brake to from where it is, not from where its plan had
// got to (controller.ts, the `stop` request): a table ahead of its plan is not braked harder than the
// limit onto a stop it has nearly reached, and one behind it is not driven on to catch up with a stop
// it was never going to reach. Here the table is held a fixed distance ahead of or behind the plan
// (the IMU fed with the setpoint plus an offset), and the stop's goal is read at the release.

import { describe, expect, it } from "vitest"
import { Controller } from "../src/control/controller"
import { acknowledgedTableStart } from "../src/control/exercise"
import { TICK_MS } from "../src/control/limits"
import { brakingDistanceDeg } from "../src/control/planner"
import { defaultSettings } from "../src/control/settings"
import { Inputs } from "../src/control/types"
import { releasedInputs } from "./device/util"
import { tiltSample } from "./fixtures/tiltSample"

const DT_S = TICK_MS / 1000

/** DOWN held for `holdS`, the table `aheadDeg` ahead of the setpoint; the stop's goal and where the
 *  table was (the estimate) when DOWN was let go. */
function releasedStop(aheadDeg: number, holdS: number) {
    const s = { ...defaultSettings(), progression: false, maxAngleDeg: 60 }
    const c = new Controller(s, null, null, acknowledgedTableStart())
    let t = 1000
    let seq = 0
    let angle = s.homeDeg
    const step = (over: Partial<Inputs>) => {
        const p = c.planner
        c.step(
            {
                ...releasedInputs(tiltSample(++seq, angle, p.velDps)),
                grip: true,
                latch: true,
                ...over,
            },
            t
        )
        t += TICK_MS
        // The table keeps a fixed distance to the setpoint once it moves.
        if (c.state() === "moving") angle = c.planner.posDeg + aheadDeg
    }
    for (let i = 0; i < 100; i++) step({})
    expect(c.state()).toBe("idle")
    for (let i = 0; i < holdS / DT_S; i++) step({ down: true })
    expect(c.supervisor.faults.names()).toEqual([])
    expect(c.state()).toBe("moving")
    const velDps = c.planner.velDps
    expect(velDps).toBeGreaterThan(0)
    const estDeg = c.estimator.angleDeg
    step({})
    return { goalDeg: c.planner.targetDeg, estDeg, velDps, accel: s.accelDps2 }
}

describe("a released move stops from where the table is", () => {
    for (const aheadDeg of [0.4, -0.4])
        it(`the table ${aheadDeg > 0 ? "ahead of" : "behind"} its plan by ${Math.abs(aheadDeg)} deg: the stop is reckoned from the table`, () => {
            const r = releasedStop(aheadDeg, 1.5)
            // The estimate follows the fed angle; the goal is a braking distance beyond it.
            const fromTable =
                r.estDeg + brakingDistanceDeg(r.velDps, r.accel, DT_S)
            expect(Math.abs(r.goalDeg - fromTable)).toBeLessThan(0.1)
        })
})
