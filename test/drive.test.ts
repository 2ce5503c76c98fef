// The drive loop (src/control/drive.ts) on its own: toward the planner's goal it never asks for more
// speed than a stop on the goal allows from where the table is (brakingSpeedDps of the distance), so
// a table lagging its plan does not catch up late and run past the goal. Only a speed already higher
// is brought down no faster than the move's deceleration allows, and its acceleration turns over
// WANTED_ACCEL_TURN_TICKS ticks (a stop in the middle of a ramp never asks the motor for the whole
// turn in one tick).

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { DriveLoop } from "../src/control/drive"
import { HARD_MAX_RATE_DPS, TICK_MS } from "../src/control/limits"
import { Planner, brakingSpeedDps } from "../src/control/planner"
import {
    CORRECTION_ACCEL_DPS2,
    ESTIMATOR_QUIET_SCATTER_DEG,
    RATE_GAIN_NOISY_SCATTER_DEG,
    ACCEL_USABLE_MAX_DPS2,
    WANTED_ACCEL_TURN_TICKS,
} from "../src/control/tuning"

const DT = TICK_MS / 1000
/** The usual sensor's scatter, as the estimator starts */
const QUIET_SCATTER_DEG = ESTIMATOR_QUIET_SCATTER_DEG

describe("the drive loop's speed toward the goal", () => {
    it("never more than a stop on the goal allows from the table's angle (or the last speed, brought down as fast as its acceleration turns)", () => {
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
                    // how fast it was changing, as a share of the acceleration limit
                    lastAccelShare: fc.double({ min: -1, max: 1, noNaN: true }),
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
                    const accelLimitDps2 = Math.min(
                        p.accelDps2 + CORRECTION_ACCEL_DPS2,
                        ACCEL_USABLE_MAX_DPS2
                    )
                    const lastAccelDps2 = c.lastAccelShare * accelLimitDps2
                    drive.wantedAccelDps2 = lastAccelDps2
                    const estDeg = c.targetDeg - d * c.tableToGoDeg
                    drive.duty(
                        1000,
                        p,
                        estDeg,
                        c.tableRateDps,
                        DT,
                        HARD_MAX_RATE_DPS,
                        QUIET_SCATTER_DEG
                    )
                    const towardDps = d * drive.wantedDps
                    const roomDps = brakingSpeedDps(
                        Math.abs(c.targetDeg - estDeg),
                        p.accelDps2,
                        DT
                    )
                    const turnDps2 =
                        (2 * accelLimitDps2) / WANTED_ACCEL_TURN_TICKS
                    const lastToward = d * c.lastWantedDps
                    // the fastest it can be brought down this tick: the limit, or as far as the
                    // acceleration turns from where it was
                    const downDps =
                        Math.max(
                            -accelLimitDps2,
                            d * lastAccelDps2 - turnDps2
                        ) * DT
                    if (d * (c.targetDeg - estDeg) > 0)
                        expect(towardDps).toBeLessThanOrEqual(
                            Math.max(roomDps, lastToward + downDps) + 1e-9
                        )
                    // the acceleration turns no faster than the turn allows
                    expect(
                        Math.abs(drive.wantedAccelDps2 - lastAccelDps2)
                    ).toBeLessThanOrEqual(turnDps2 + 1e-9)
                    expect(Math.abs(drive.wantedAccelDps2)).toBeLessThanOrEqual(
                        accelLimitDps2 + 1e-9
                    )
                    // never more than the move's rate either way (a speed above it brought down
                    // as fast as the acceleration turns allow)
                    const away = Math.sign(c.lastWantedDps)
                    expect(Math.abs(drive.wantedDps)).toBeLessThanOrEqual(
                        Math.max(
                            c.rateDps,
                            Math.abs(c.lastWantedDps) +
                                Math.max(
                                    -accelLimitDps2,
                                    away * lastAccelDps2 - turnDps2
                                ) *
                                    DT
                        ) + 1e-9
                    )
                }
            ),
            { numRuns: 2000, seed: 20261202 }
        )
    })
})

describe("the drive loop's speed toward home", () => {
    it("never more than the return rate, also when it brings the table back from past its goal", () => {
        fc.assert(
            fc.property(
                fc.record({
                    goalDeg: fc.integer({ min: -60, max: 90 }),
                    pastDeg: fc.double({ min: 0, max: 20, noNaN: true }),
                    rateDps: fc.integer({ min: 1, max: 10 }),
                    returnRateDps: fc.integer({ min: 1, max: 8 }),
                    accelDps2: fc.integer({ min: 1, max: 10 }),
                }),
                c => {
                    // A move deeper has arrived at its goal, and the table reads past it.
                    const p = new Planner(c.goalDeg)
                    p.moveTo(c.goalDeg, c.rateDps, c.accelDps2)
                    const drive = new DriveLoop()
                    drive.settled = false
                    for (let i = 0; i < 200; i++) {
                        drive.duty(
                            1000 + i * TICK_MS,
                            p,
                            c.goalDeg + c.pastDeg,
                            0,
                            DT,
                            c.returnRateDps,
                            QUIET_SCATTER_DEG
                        )
                        expect(-drive.wantedDps).toBeLessThanOrEqual(
                            c.returnRateDps + 1e-9
                        )
                    }
                }
            ),
            { numRuns: 300, seed: 20261203 }
        )
    })
})

describe("the drive loop's acceleration under the hard limit", () => {
    it("the speed asked never changes faster than ACCEL_USABLE_MAX_DPS2, whatever the plan's acceleration", () => {
        fc.assert(
            fc.property(
                fc.record({
                    accelDps2: fc.constantFrom(9.5, 10, 12, 15),
                    rateDps: fc.integer({ min: 1, max: 10 }),
                    stopAfterTicks: fc.integer({ min: 1, max: 60 }),
                }),
                c => {
                    // A move deeper from rest, stopped after a while (inside its ramp or not).
                    const p = new Planner(0)
                    p.moveTo(90, c.rateDps, c.accelDps2)
                    const drive = new DriveLoop()
                    let last = 0
                    let estDeg = 0
                    for (let i = 0; i < 200; i++) {
                        if (i === c.stopAfterTicks)
                            p.stopSmoothly(c.accelDps2, DT)
                        p.step(DT)
                        drive.duty(
                            1000 + i * TICK_MS,
                            p,
                            estDeg,
                            drive.wantedDps,
                            DT,
                            HARD_MAX_RATE_DPS,
                            QUIET_SCATTER_DEG
                        )
                        estDeg += drive.wantedDps * DT
                        // (once settled the drive is off: no speed is asked)
                        if (!drive.settled)
                            expect(
                                Math.abs(drive.wantedDps - last) / DT
                            ).toBeLessThanOrEqual(ACCEL_USABLE_MAX_DPS2 + 1e-6)
                        last = drive.wantedDps
                    }
                }
            ),
            { numRuns: 300, seed: 20261205 }
        )
    })

    it("a noisy sensor's rate moves the duty less, in proportion to its scatter", () => {
        // The same rate error (the table reads 1 deg/s slow) with a quiet and a noisy sensor.
        const dutyWith = (scatterDeg: number) => {
            const p = new Planner(0)
            p.moveTo(0, 4, 4)
            const drive = new DriveLoop()
            drive.settled = false
            drive.wantedDps = 2
            drive.expectedDps = 2
            p.velDps = 2
            p.targetDeg = 20
            return drive.duty(1000, p, 0, 1, DT, 4, scatterDeg)
        }
        const quiet = dutyWith(QUIET_SCATTER_DEG)
        const at = dutyWith(RATE_GAIN_NOISY_SCATTER_DEG)
        const noisy = dutyWith(4 * RATE_GAIN_NOISY_SCATTER_DEG)
        const base = dutyWith(1e9) // the rate feedback all but gone
        expect(at).toBeCloseTo(quiet, 12)
        expect(noisy - base).toBeCloseTo((quiet - base) / 4, 6)
        expect(quiet - base).toBeGreaterThan(0.03)
    })
})
