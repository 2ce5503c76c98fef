// A correction back from past a goal is a move toward home too: the controller hands the drive
// returnRateDps as its homeward limit whatever the move (controller.ts, carryOut; drive.ts,
// `homewardMaxDps`). Here a move deeper arrives at the deepest angle and the table then reads past it
// (fed to the IMU), so the drive brings it back: never faster toward home than returnRateDps.

import { describe, expect, it } from "vitest"
import { Controller } from "../src/control/controller"
import { acknowledgedTableStart } from "../src/control/exercise"
import { TICK_MS } from "../src/control/limits"
import { defaultSettings } from "../src/control/settings"
import { Inputs } from "../src/control/types"
import { releasedInputs } from "./device/util"
import { tiltSample } from "./fixtures/tiltSample"

describe("a correction back from past the deepest angle", () => {
    for (const pastDeg of [0.6, 0.9])
        it(`the table reading ${pastDeg} deg past it comes back at returnRateDps at most`, () => {
            const s = {
                ...defaultSettings(),
                progression: false,
                maxAngleDeg: 20,
                maxRateDps: 8,
                returnRateDps: 1,
            }
            const c = new Controller(s, null, null, acknowledgedTableStart())
            let t = 1000
            let seq = 0
            let angle = s.homeDeg
            const step = (over: Partial<Inputs>) => {
                c.step(
                    {
                        ...releasedInputs(
                            tiltSample(++seq, angle, c.planner.velDps)
                        ),
                        grip: true,
                        latch: true,
                        ...over,
                    },
                    t
                )
                t += TICK_MS
            }
            for (let i = 0; i < 100; i++) step({})
            // DOWN held: the table follows its plan to the deepest angle.
            let k = 0
            while (!c.planner.arrived() || c.planner.posDeg < 20) {
                step({ down: true })
                angle = c.planner.posDeg
                expect(++k).toBeLessThan(3000)
            }
            // Arrived; now it reads past the goal (DOWN still held).
            angle = 20 + pastDeg
            let fastestHomeward = 0
            for (let i = 0; i < 150; i++) {
                step({ down: true })
                fastestHomeward = Math.max(fastestHomeward, -c.drive.wantedDps)
            }
            expect(c.supervisor.faults.names()).toEqual([])
            // It did bring the table back, and no faster than returnRateDps.
            expect(fastestHomeward).toBeGreaterThan(0.3)
            expect(fastestHomeward).toBeLessThanOrEqual(s.returnRateDps + 1e-9)
        })
})
