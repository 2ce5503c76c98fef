// Tests of the simulator's physical model of the table (sim/model/): drive, worm gear, end stops,
// IMU, injected faults and determinism. Tolerances come from the model's stated parameters.

import { describe, expect, it } from "vitest"
import fc from "fast-check"
import type { ImuSample } from "../src/control/types"
import { SIM_FAULT_NAMES, type SimFaultName } from "../sim/model/faults"
import {
    ACCEL_NOISE_G,
    FAULT_NOISE_FACTOR,
    FULL_DUTY_RATE_DPS,
    GYRO_BIAS_DRIFT_DPS_PER_SQRT_S,
    GYRO_NOISE_DPS,
    IMU_OFFSET_ALONG_BED_M,
    MOTOR_TIME_CONSTANT_S,
    STOP_DEEP_DEG,
    STOP_SHALLOW_DEG,
} from "../sim/model/params"
import { Rng } from "../sim/model/rng"
import { SimTable, type TableOptions } from "../sim/model/table"

const TICK_S = 0.02
const DEG_PER_RAD = 180 / Math.PI

function table(over: Partial<TableOptions> = {}): SimTable {
    return new SimTable({
        startAngleDeg: 0,
        userMassKg: 80,
        imuNoise: 1,
        seed: 1,
        ...over,
    })
}

function run(t: SimTable, seconds: number, duty: number): void {
    const ticks = Math.round(seconds / TICK_S)
    for (let i = 0; i < ticks; i++) t.advance(TICK_S, duty)
}

/** Advance tick by tick, reading the IMU after each tick as the runner does. */
function samples(t: SimTable, ticks: number, duty = 0): ImuSample[] {
    const out: ImuSample[] = []
    for (let i = 0; i < ticks; i++) {
        t.advance(TICK_S, duty)
        out.push(t.readImu())
    }
    return out
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
const stdev = (xs: number[]) => {
    const m = mean(xs)
    return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1))
}
const accelAngleDeg = (s: ImuSample) => Math.atan2(s.axG, s.azG) * DEG_PER_RAD
const values = (s: ImuSample) => [
    s.axG,
    s.ayG,
    s.azG,
    s.gxDps,
    s.gyDps,
    s.gzDps,
]

/** The table's rate as it passes angleDeg at full duty in direction dir, after a run-up to steady speed. */
function fullDutyRateAt(angleDeg: number, massKg: number, dir: 1 | -1): number {
    const t = table({ startAngleDeg: angleDeg - dir * 6, userMassKg: massKg })
    while ((t.angleDeg - angleDeg) * dir < 0) t.advance(0.001, dir)
    return t.rateDps
}

describe("Rng", () => {
    it("repeats its sequence for a seed and differs between seeds", () => {
        const a = new Rng(42)
        const b = new Rng(42)
        const c = new Rng(43)
        const xa = Array.from({ length: 50 }, () => a.next())
        expect(Array.from({ length: 50 }, () => b.next())).toEqual(xa)
        expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(xa)
    })

    it("gives uniforms in [0, 1) and standard normals", () => {
        const r = new Rng(7)
        const u = Array.from({ length: 20000 }, () => r.next())
        expect(Math.min(...u)).toBeGreaterThanOrEqual(0)
        expect(Math.max(...u)).toBeLessThan(1)
        expect(mean(u)).toBeCloseTo(0.5, 1)
        const g = Array.from({ length: 20000 }, () => r.gaussian())
        expect(g.every(Number.isFinite)).toBe(true)
        expect(Math.abs(mean(g))).toBeLessThan(0.03)
        expect(stdev(g)).toBeGreaterThan(0.97)
        expect(stdev(g)).toBeLessThan(1.03)
    })
})

describe("tilt drive and worm gear", () => {
    it("holds its angle with the motor off, at any angle and mass: gravity cannot back-drive the worm", () => {
        fc.assert(
            fc.property(
                fc.double({
                    min: STOP_SHALLOW_DEG,
                    max: STOP_DEEP_DEG,
                    noNaN: true,
                }),
                fc.double({ min: 30, max: 160, noNaN: true }),
                fc.oneof(
                    fc.constant(0),
                    fc.double({ min: -0.039, max: 0.039, noNaN: true }),
                    fc.constant(Number.NaN)
                ),
                (angleDeg, massKg, duty) => {
                    const t = table({
                        startAngleDeg: angleDeg,
                        userMassKg: massKg,
                    })
                    run(t, 3, duty)
                    expect(t.angleDeg).toBe(angleDeg)
                    expect(t.rateDps).toBe(0)
                }
            ),
            { numRuns: 60 }
        )
    })

    it("stays where a move left it once the duty is cut", () => {
        for (const angleDeg of [-80, -30, 20, 60, 88]) {
            for (const massKg of [30, 160]) {
                const t = table({ startAngleDeg: angleDeg, userMassKg: massKg })
                run(t, 0.3, angleDeg > 0 ? -1 : 1)
                run(t, 0.5, 0)
                const restDeg = t.angleDeg
                run(t, 20, 0)
                expect(t.angleDeg).toBe(restDeg)
            }
        }
    })

    it("does not move inside the deadzone and does just above it", () => {
        const t = table()
        run(t, 2, 0.039)
        expect(t.angleDeg).toBe(0)
        run(t, 2, -0.039)
        expect(t.angleDeg).toBe(0)
        run(t, 2, 0.06)
        expect(t.angleDeg).toBeGreaterThan(0.5)
    })

    it("runs at about 15 deg/s at full duty, within ±15 % for 30 and 160 kg, both ways", () => {
        for (const angleDeg of [-65, 0, 45, 90]) {
            for (const massKg of [30, 160]) {
                for (const dir of [1, -1] as const) {
                    const speedDps = fullDutyRateAt(angleDeg, massKg, dir) * dir
                    expect(speedDps).toBeGreaterThanOrEqual(
                        0.85 * FULL_DUTY_RATE_DPS
                    )
                    expect(speedDps).toBeLessThanOrEqual(
                        1.15 * FULL_DUTY_RATE_DPS
                    )
                    // the hard rate limit stays reachable with margin for every user
                    expect(speedDps).toBeGreaterThan(12)
                }
            }
        }
    })

    it("slows a little when lifting the load and speeds up when the load helps, more for heavier users", () => {
        // At 45 degrees the user's centre of mass pulls deeper: going deeper is helped, going up lifts.
        const heavyDeeper = fullDutyRateAt(45, 160, 1)
        const heavyUp = -fullDutyRateAt(45, 160, -1)
        const lightDeeper = fullDutyRateAt(45, 30, 1)
        const lightUp = -fullDutyRateAt(45, 30, -1)
        expect(heavyDeeper).toBeGreaterThan(heavyUp)
        expect(heavyDeeper - heavyUp).toBeGreaterThan(lightDeeper - lightUp)
    })

    it("follows a duty step with a first-order lag of about 0.08 s", () => {
        const steady = table()
        run(steady, 1, 1)
        const finalDps = steady.rateDps
        const t = table()
        t.advance(MOTOR_TIME_CONSTANT_S, 1)
        expect(t.rateDps / finalDps).toBeGreaterThan(0.6)
        expect(t.rateDps / finalDps).toBeLessThan(0.66)
        t.advance(2 * MOTOR_TIME_CONSTANT_S, 1)
        expect(t.rateDps / finalDps).toBeGreaterThan(0.93)
        expect(t.rateDps / finalDps).toBeLessThan(0.97)
    })

    it("stops within 0.25 s and about 1 degree when the duty is cut at 10 deg/s", () => {
        for (const [startDeg, massKg, dir] of [
            [-60, 80, 1],
            [0, 160, 1],
            [90, 160, -1],
            [-80, 30, 1],
            [80, 30, -1],
        ] as const) {
            const t = table({ startAngleDeg: startDeg, userMassKg: massKg })
            // Find the duty that holds 10 deg/s with a slow integrating loop, then cut it.
            let duty = 0.68 * dir
            for (let i = 0; i < 200; i++) {
                t.advance(TICK_S, duty)
                duty += (0.1 * (10 * dir - t.rateDps)) / FULL_DUTY_RATE_DPS
            }
            expect(Math.abs(t.rateDps)).toBeGreaterThan(9.9)
            expect(Math.abs(t.rateDps)).toBeLessThan(10.1)
            const cutDeg = t.angleDeg
            let stopS = 0
            while (t.rateDps !== 0 && stopS < 1) {
                t.advance(0.001, 0)
                stopS += 0.001
            }
            expect(stopS).toBeLessThanOrEqual(0.25)
            const travelDeg = (t.angleDeg - cutDeg) * dir
            expect(travelDeg).toBeGreaterThan(0.3)
            expect(travelDeg).toBeLessThan(1.0)
        }
    })

    it("cannot pass the mechanical end stops, and drives away from them again", () => {
        const deep = table({ startAngleDeg: 85 })
        run(deep, 3, 1)
        expect(deep.angleDeg).toBe(STOP_DEEP_DEG)
        expect(deep.rateDps).toBe(0)
        run(deep, 0.5, -1)
        expect(deep.angleDeg).toBeLessThan(STOP_DEEP_DEG - 3)

        const shallow = table({ startAngleDeg: -80 })
        run(shallow, 3, -1)
        expect(shallow.angleDeg).toBe(STOP_SHALLOW_DEG)
        expect(shallow.rateDps).toBe(0)
        run(shallow, 0.5, 1)
        expect(shallow.angleDeg).toBeGreaterThan(STOP_SHALLOW_DEG + 3)
    })

    it("clamps the duty and treats a non-finite duty or time step as nothing", () => {
        const a = table()
        const b = table()
        run(a, 1, 5)
        run(b, 1, 1)
        expect(a.angleDeg).toBe(b.angleDeg)
        const c = table()
        run(c, 1, Number.POSITIVE_INFINITY)
        run(c, 1, Number.NaN)
        expect(c.angleDeg).toBe(0)
        expect(c.timeS).toBeCloseTo(2, 9)
        for (const dtS of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY])
            c.advance(dtS, 1)
        expect(c.angleDeg).toBe(0)
        expect(c.timeS).toBeCloseTo(2, 9)
    })

    it("turns absurd options into sane values", () => {
        const t = new SimTable({
            startAngleDeg: Number.NaN,
            userMassKg: -5,
            imuNoise: Number.NaN,
            seed: Number.NaN,
        })
        expect(t.angleDeg).toBe(-65)
        expect(t.userMassKg).toBe(30)
        expect(
            new SimTable({
                startAngleDeg: 400,
                userMassKg: 1e9,
                imuNoise: 1,
                seed: 1,
            }).angleDeg
        ).toBe(STOP_DEEP_DEG)
        run(t, 1, 1)
        expect(values(t.readImu()).every(Number.isFinite)).toBe(true)
    })

    it("never produces NaN, whatever the duties and faults", () => {
        fc.assert(
            fc.property(
                fc.array(
                    fc.record({
                        duty: fc.oneof(
                            fc.double(),
                            fc.double({ min: -1, max: 1, noNaN: true })
                        ),
                        fault: fc.option(
                            fc.constantFrom(
                                ...SIM_FAULT_NAMES,
                                "clear" as const
                            ),
                            { freq: 8 }
                        ),
                    }),
                    { minLength: 1, maxLength: 150 }
                ),
                fc.integer(),
                (steps, seed) => {
                    const t = table({ seed, startAngleDeg: 0 })
                    for (const { duty, fault } of steps) {
                        if (fault === "clear") t.clearFaults()
                        else if (fault !== null) t.injectFault(fault)
                        t.advance(TICK_S, duty)
                        const s = t.readImu()
                        expect(
                            [t.angleDeg, t.rateDps, ...values(s)].every(
                                Number.isFinite
                            )
                        ).toBe(true)
                        expect(t.angleDeg).toBeGreaterThanOrEqual(
                            STOP_SHALLOW_DEG
                        )
                        expect(t.angleDeg).toBeLessThanOrEqual(STOP_DEEP_DEG)
                    }
                }
            ),
            { numRuns: 40 }
        )
    })
})

describe("IMU", () => {
    it("makes one new sample per 20 ms tick and repeats it when read again", () => {
        const t = table()
        const first = t.readImu()
        expect(first.ok).toBe(true)
        expect(first.seq).toBe(1)
        for (let i = 2; i < 50; i++) {
            t.advance(TICK_S, 0.5)
            const s = t.readImu()
            expect(s.seq).toBe(i)
            expect(t.readImu()).toEqual(s)
        }
    })

    it("reads the true angle from the accelerometer, within its noise", () => {
        for (const angleDeg of [-85, -65, -20, 0, 30, 60, 90]) {
            const t = table({ startAngleDeg: angleDeg, seed: 3 })
            const s = samples(t, 200)
            const errorsDeg = s.map(x => accelAngleDeg(x) - angleDeg)
            // 0.004 g of noise per axis is about 0.23 degrees of angle per sample
            expect(Math.max(...errorsDeg.map(Math.abs))).toBeLessThan(1.5)
            expect(Math.abs(mean(errorsDeg))).toBeLessThan(0.1)
            expect(
                mean(s.map(x => Math.hypot(x.axG, x.ayG, x.azG)))
            ).toBeCloseTo(1, 2)
            expect(Math.abs(mean(s.map(x => x.ayG)))).toBeLessThan(0.002)
        }
        const ideal = table({ startAngleDeg: 37, imuNoise: 0 })
        const s = samples(ideal, 3)[2]
        expect(s.axG).toBeCloseTo(Math.sin((37 * Math.PI) / 180), 12)
        expect(s.azG).toBeCloseTo(Math.cos((37 * Math.PI) / 180), 12)
    })

    it("feels the sensor's own acceleration 0.5 m from the pivot, with the right sign", () => {
        const t = table({ imuNoise: 0 })
        t.advance(TICK_S, 1)
        const s = t.readImu()
        // average angular acceleration over the first sample period, in rad/s^2
        const alpha = t.rateDps / TICK_S / DEG_PER_RAD
        const wRadS = t.rateDps / DEG_PER_RAD
        expect(s.azG - Math.cos(t.angleDeg / DEG_PER_RAD)).toBeCloseTo(
            (alpha * IMU_OFFSET_ALONG_BED_M) / 9.81,
            9
        )
        expect(s.axG - Math.sin(t.angleDeg / DEG_PER_RAD)).toBeCloseTo(
            (-wRadS * wRadS * IMU_OFFSET_ALONG_BED_M) / 9.81,
            9
        )
        // At a steady rate only the centripetal part is left: it tilts the reading by about
        // omega^2 * r / g radians (0.2 degrees at full speed), toward shallower.
        run(t, 1, 1)
        const steady = samples(t, 1, 1)[0]
        const steadyW = t.rateDps / DEG_PER_RAD
        const expectedDeg =
            -((steadyW * steadyW * IMU_OFFSET_ALONG_BED_M) / 9.81) *
            DEG_PER_RAD *
            Math.cos(t.angleDeg / DEG_PER_RAD)
        expect(accelAngleDeg(steady) - t.angleDeg).toBeCloseTo(expectedDeg, 2)
        expect(Math.abs(accelAngleDeg(steady) - t.angleDeg)).toBeLessThan(0.25)
    })

    it("measures the rate plus its bias with the gyro", () => {
        const t = table({ startAngleDeg: -60, seed: 5 })
        const atRest = samples(t, 300)
        expect(mean(atRest.map(s => s.gyDps))).toBeCloseTo(t.gyroBiasDps, 1)
        expect(stdev(atRest.map(s => s.gyDps))).toBeGreaterThan(
            0.8 * GYRO_NOISE_DPS
        )
        expect(stdev(atRest.map(s => s.gyDps))).toBeLessThan(
            1.3 * GYRO_NOISE_DPS
        )
        run(t, 1, 0.7)
        const errors: number[] = []
        for (let i = 0; i < 200; i++) {
            t.advance(TICK_S, 0.7)
            errors.push(t.readImu().gyDps - t.gyroBiasDps - t.rateDps)
        }
        expect(Math.abs(mean(errors))).toBeLessThan(0.015)
    })

    it("starts each gyro with its own bias within ±1 deg/s, which drifts as a random walk", () => {
        const starts: number[] = []
        const changes: number[] = []
        for (let seed = 1; seed <= 60; seed++) {
            const t = table({ seed, imuNoise: 0 })
            starts.push(t.gyroBiasDps)
            run(t, 25, 0)
            changes.push(t.gyroBiasDps - starts[starts.length - 1])
        }
        expect(Math.max(...starts.map(Math.abs))).toBeLessThanOrEqual(1)
        expect(stdev(starts)).toBeGreaterThan(0.4)
        // expected spread of the change after 25 s: 0.01 * sqrt(25) = 0.05 deg/s
        const expected = GYRO_BIAS_DRIFT_DPS_PER_SQRT_S * Math.sqrt(25)
        expect(stdev(changes)).toBeGreaterThan(0.7 * expected)
        expect(stdev(changes)).toBeLessThan(1.4 * expected)
    })

    it("never gives two bit-identical consecutive samples, even with imuNoise 0", () => {
        const t = table({ startAngleDeg: 20, imuNoise: 0 })
        const s = samples(t, 2000)
        for (let i = 1; i < s.length; i++)
            expect(values(s[i])).not.toEqual(values(s[i - 1]))
        // and with no white noise the gyro reads exactly rate + bias
        t.advance(TICK_S, 0)
        expect(t.readImu().gyDps).toBe(t.gyroBiasDps)
    })
})

describe("injected faults", () => {
    it("imu-stale: seq stops and the values repeat, until cleared", () => {
        const t = table()
        samples(t, 5, 1)
        const last = t.readImu()
        t.injectFault("imu-stale")
        for (const s of samples(t, 10, 1)) expect(s).toEqual(last)
        t.clearFaults()
        const next = samples(t, 1, 1)[0]
        expect(next.seq).toBe(last.seq + 1)
        expect(values(next)).not.toEqual(values(last))
    })

    it("imu-stuck: seq goes on but the values are frozen, until cleared", () => {
        const t = table()
        samples(t, 5, 1)
        const last = t.readImu()
        t.injectFault("imu-stuck")
        samples(t, 10, 1).forEach((s, i) => {
            expect(s.seq).toBe(last.seq + i + 1)
            expect(s.ok).toBe(true)
            expect(values(s)).toEqual(values(last))
        })
        t.clearFaults()
        expect(values(samples(t, 1, 1)[0])).not.toEqual(values(last))
    })

    it("imu-i2c: reads fail with seq unchanged, until cleared", () => {
        const t = table()
        samples(t, 5)
        const last = t.readImu()
        t.injectFault("imu-i2c")
        for (const s of samples(t, 10)) {
            expect(s.ok).toBe(false)
            expect(s.seq).toBe(last.seq)
            expect(values(s).every(Number.isFinite)).toBe(true)
        }
        t.clearFaults()
        const next = samples(t, 1)[0]
        expect(next.ok).toBe(true)
        expect(next.seq).toBeGreaterThan(last.seq)
    })

    it("imu-bias: the accelerometer reads 8 degrees deeper, the gyro is unaffected", () => {
        const t = table({ startAngleDeg: 30, seed: 9 })
        t.injectFault("imu-bias")
        const s = samples(t, 200)
        expect(mean(s.map(x => accelAngleDeg(x) - 30))).toBeCloseTo(8, 1)
        expect(mean(s.map(x => Math.hypot(x.axG, x.azG)))).toBeCloseTo(1, 2)
        expect(mean(s.map(x => x.gyDps))).toBeCloseTo(t.gyroBiasDps, 1)
        t.clearFaults()
        expect(
            mean(samples(t, 200).map(x => accelAngleDeg(x) - 30))
        ).toBeCloseTo(0, 1)
    })

    it("imu-noise: the noise grows twentyfold, also on an otherwise ideal sensor", () => {
        const t = table({ seed: 11 })
        t.injectFault("imu-noise")
        const s = samples(t, 400)
        const axStd = stdev(s.map(x => x.axG))
        expect(axStd).toBeGreaterThan(0.85 * FAULT_NOISE_FACTOR * ACCEL_NOISE_G)
        expect(axStd).toBeLessThan(1.15 * FAULT_NOISE_FACTOR * ACCEL_NOISE_G)
        const gyStd = stdev(s.map(x => x.gyDps))
        expect(gyStd).toBeGreaterThan(
            0.85 * FAULT_NOISE_FACTOR * GYRO_NOISE_DPS
        )
        expect(gyStd).toBeLessThan(1.15 * FAULT_NOISE_FACTOR * GYRO_NOISE_DPS)
        t.clearFaults()
        expect(stdev(samples(t, 400).map(x => x.axG))).toBeLessThan(
            1.2 * ACCEL_NOISE_G
        )

        const ideal = table({ imuNoise: 0, seed: 11 })
        ideal.injectFault("imu-noise")
        expect(stdev(samples(ideal, 400).map(x => x.axG))).toBeGreaterThan(
            10 * ACCEL_NOISE_G
        )
    })

    it("motor-stall: the table does not move whatever the duty, and stops at once if moving", () => {
        const t = table()
        run(t, 0.5, 1)
        expect(t.rateDps).toBeGreaterThan(10)
        t.injectFault("motor-stall")
        t.advance(0.001, 1)
        expect(t.rateDps).toBe(0)
        const jammedDeg = t.angleDeg
        run(t, 2, 1)
        run(t, 2, -1)
        expect(t.angleDeg).toBe(jammedDeg)
        t.clearFaults()
        run(t, 0.5, 1)
        expect(t.angleDeg).toBeGreaterThan(jammedDeg + 3)
    })

    it("motor-reversed: the duty's sign is inverted", () => {
        const t = table()
        t.injectFault("motor-reversed")
        run(t, 1, 1)
        expect(t.angleDeg).toBeLessThan(-10)
        expect(t.rateDps).toBeLessThan(-10)
        t.clearFaults()
        run(t, 1, 1)
        expect(t.rateDps).toBeGreaterThan(10)
    })

    it("latch-chatter: the contact bounces open 1..3 ticks every 2..10 ticks, whatever the level", () => {
        for (const level of [true, false]) {
            const t = table({ seed: 13 })
            t.injectFault("latch-chatter")
            const read: boolean[] = []
            for (let i = 0; i < 1500; i++) {
                t.advance(TICK_S, 0)
                read.push(t.readLatch(level))
            }
            // lengths of the runs of equal readings, leaving out the first and last (cut short)
            const runs: { closed: boolean; ticks: number }[] = []
            for (const r of read) {
                const lastRun = runs[runs.length - 1]
                if (lastRun && lastRun.closed === r) lastRun.ticks++
                else runs.push({ closed: r, ticks: 1 })
            }
            const whole = runs.slice(1, -1)
            const open = whole.filter(r => !r.closed).map(r => r.ticks)
            const closed = whole.filter(r => r.closed).map(r => r.ticks)
            expect(open.length).toBeGreaterThan(50)
            expect(Math.min(...open)).toBe(1)
            expect(Math.max(...open)).toBe(3)
            expect(Math.min(...closed)).toBe(2)
            expect(Math.max(...closed)).toBe(10)
            t.clearFaults()
            t.advance(TICK_S, 0)
            for (let i = 0; i < 20; i++) expect(t.readLatch(level)).toBe(level)
        }
        expect(table().readLatch(true)).toBe(true)
        expect(table().readLatch(false)).toBe(false)
    })

    it("combines, lists in a fixed order, clears all at once, and refuses unknown names", () => {
        const t = table()
        const names: SimFaultName[] = [
            "motor-reversed",
            "imu-stale",
            "latch-chatter",
            "imu-bias",
        ]
        for (const n of names) t.injectFault(n)
        t.injectFault("imu-stale")
        expect(t.activeFaults()).toEqual([
            "imu-stale",
            "imu-bias",
            "motor-reversed",
            "latch-chatter",
        ])
        const before = t.readImu()
        run(t, 0.5, 1)
        expect(t.angleDeg).toBeLessThan(0)
        expect(t.readImu()).toEqual(before)
        t.clearFaults()
        expect(t.activeFaults()).toEqual([])
        expect(() => t.injectFault("power-cycle" as SimFaultName)).toThrow(
            /power-cycle/
        )
        expect(t.activeFaults()).toEqual([])
    })
})

describe("determinism", () => {
    function trace(seed: number): number[] {
        const t = table({
            seed,
            startAngleDeg: -65,
            userMassKg: 120,
            imuNoise: 2,
        })
        const out: number[] = []
        for (let i = 0; i < 600; i++) {
            if (i === 100) t.injectFault("latch-chatter")
            if (i === 200) t.injectFault("imu-noise")
            if (i === 300) t.clearFaults()
            t.advance(TICK_S, Math.sin(i / 40))
            const s = t.readImu()
            out.push(
                t.angleDeg,
                t.rateDps,
                s.seq,
                ...values(s),
                t.readLatch(true) ? 1 : 0
            )
        }
        return out
    }

    it("gives identical numbers for the same seed and calls, different ones for another seed", () => {
        const a = trace(7)
        expect(trace(7)).toEqual(a)
        expect(trace(8)).not.toEqual(a)
    })

    it("keeps the IMU's randomness apart from the latch's: chatter does not change the sensor noise", () => {
        const quiet = table({ seed: 21 })
        const noisy = table({ seed: 21 })
        noisy.injectFault("latch-chatter")
        expect(samples(noisy, 100)).toEqual(samples(quiet, 100))
    })
})
