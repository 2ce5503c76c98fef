// The drive loop (src/control/drive.ts) on its own: toward the planner's goal it never asks for more
// speed than a stop on the goal allows from where the table is (brakingSpeedDps of the distance), so
// a table lagging its plan does not catch up late and run past the goal. Only a speed already higher
// is brought down no faster than the move's deceleration allows.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { DriveLoop } from "../src/control/drive"
import { TICK_MS } from "../src/control/limits"
import { Planner, brakingSpeedDps } from "../src/control/planner"
import { CORRECTION_ACCEL_DPS2 } from "../src/control/tuning"

const DT = TICK_MS / 1000

describe("the drive loop's speed toward the goal", () => {
    it("never more than a stop on the goal allows from the table's angle (or the last speed, slewing down)", () => {
        fc.assert(
            fc.property(
                fc.record({
                    targetDeg: fc.integer({ min: -60, max: 90 }),
                    // the setpoint and the table, a little short of the goal or past it
                    setpointToGoDeg: fc.double({
                        min: -2,
                        max: 20,
                        noNaN: true,
                    }),
                    tableToGoDeg: fc.double({ min: -2, max: 20, noNaN: true }),
                    rateDps: fc.integer({ min: 1, max: 10 }),
                    accelDps2: fc.integer({ min: 1, max: 10 }),
                    tableRateDps: fc.double({ min: -10, max: 10, noNaN: true }),
                    lastWantedDps: fc.double({
                        min: -10,
                        max: 10,
                        noNaN: true,
                    }),
                    direction: fc.constantFrom(1, -1),
                }),
                c => {
                    const d = c.direction
                    const p = new Planner(c.targetDeg - d * c.setpointToGoDeg)
                    p.moveTo(c.targetDeg, c.rateDps, c.accelDps2)
                    // the setpoint already on its way toward the goal
                    p.velDps =
                        d * Math.min(c.rateDps, Math.abs(c.setpointToGoDeg))
                    const drive = new DriveLoop()
                    drive.settled = false
                    drive.wantedDps = c.lastWantedDps
                    const estDeg = c.targetDeg - d * c.tableToGoDeg
                    drive.duty(1000, p, estDeg, c.tableRateDps, DT)
                    const towardDps = d * drive.wantedDps
                    const roomDps = brakingSpeedDps(
                        Math.abs(c.targetDeg - estDeg),
                        p.accelDps2,
                        DT
                    )
                    const slewDps = (p.accelDps2 + CORRECTION_ACCEL_DPS2) * DT
                    const lastToward = d * c.lastWantedDps
                    if (d * (c.targetDeg - estDeg) > 0)
                        expect(towardDps).toBeLessThanOrEqual(
                            Math.max(roomDps, lastToward - slewDps) + 1e-9
                        )
                    // never more than the move's rate either way
                    expect(Math.abs(drive.wantedDps)).toBeLessThanOrEqual(
                        Math.max(
                            c.rateDps,
                            Math.abs(c.lastWantedDps) - slewDps
                        ) + 1e-9
                    )
                }
            ),
            { numRuns: 2000, seed: 20261202 }
        )
    })
})
