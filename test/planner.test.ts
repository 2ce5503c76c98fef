// The motion planner: properties over random moves. behaviour.md: every commanded move starts and ends
// with the acceleration limit, never jerks, never overshoots; the hard caps (10 deg/s, 15 deg/s^2)
// cannot be exceeded (the plan's acceleration stops at ACCEL_USABLE_MAX_DPS2, 9, so that the
// table's own stays under 15). planner.ts: a target moved inside the braking distance may be passed (the
// setpoint brakes and comes back); any other target is never passed; halt() stops at once.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
    HARD_MAX_ACCEL_DPS2,
    HARD_MAX_RATE_DPS,
    TICK_MS,
} from "../src/control/limits"
import {
    Planner,
    brakingDistanceDeg,
    brakingSpeedDps,
} from "../src/control/planner"
import { ACCEL_USABLE_MAX_DPS2 } from "../src/control/tuning"

const DT = TICK_MS / 1000
/** Float slack for comparisons of velocities and positions (sums of a few hundred steps). */
const EPS = 1e-9

const SEED = 20261126

interface Move {
    targetDeg: number
    rateDps: number
    accelDps2: number
    /** ticks to run before the next move is given (the last move runs to completion) */
    ticks: number
}

/** Angles on a 1e-4 degree grid: every value a sensor or a setting can really produce. (Arbitrary
 *  doubles find the tiny-distance bug reported below, which would hide every other finding.) */
const angleArb = fc.integer({ min: -850000, max: 900000 }).map(i => i / 10000)
const rateArb = fc.double({ min: 1, max: 10, noNaN: true })
const accelArb = fc.double({ min: 1, max: 15, noNaN: true })

const moveArb = fc.record({
    targetDeg: angleArb,
    rateDps: rateArb,
    accelDps2: accelArb,
    ticks: fc.integer({ min: 1, max: 300 }),
})

const startArb = fc.record({
    posDeg: angleArb,
    velDps: fc.double({ min: -10, max: 10, noNaN: true }),
})

function sign(x: number): number {
    return x > 0 ? 1 : x < 0 ? -1 : 0
}

/** Ticks certainly enough to reach a target from any state: stop, cover the distance, stop again. */
function ticksToSettle(p: Planner): number {
    const d =
        Math.abs(p.targetDeg - p.posDeg) +
        brakingDistanceDeg(p.velDps, p.accelDps2, DT)
    const s =
        Math.abs(p.velDps) / p.accelDps2 +
        d / p.rateDps +
        2 * (p.rateDps / p.accelDps2) +
        1
    return Math.ceil((2 * s) / DT) + 10
}

/**
 * Runs a plan, checking every step. Returns a description of the first violation, or null.
 * `strictLanding`: also hold the tick on which the setpoint lands on its target to |dv| <= a*dt
 * (held by the landing-tick tests below).
 */
function runPlan(
    start: { posDeg: number; velDps: number },
    moves: Move[],
    strictLanding = false
): string | null {
    const p = new Planner(start.posDeg)
    p.velDps = start.velDps
    for (let m = 0; m < moves.length; m++) {
        const mv = moves[m]
        const last = m === moves.length - 1
        p.moveTo(mv.targetDeg, mv.rateDps, mv.accelDps2)
        const a = p.accelDps2
        const rate = p.rateDps
        const target = p.targetDeg
        // From a state in which braking at `a` stops short of (or on) the target, the target is
        // never passed. Re-checked at every tick: once stoppable, always stoppable.
        let stoppable = false
        const limit = last ? ticksToSettle(p) : mv.ticks
        let speedCap = Math.max(rate, Math.abs(p.velDps))
        for (let k = 0; k < limit; k++) {
            const toGo = target - p.posDeg
            const v0 = p.velDps
            const x0 = p.posDeg
            if (!stoppable) {
                const towards = sign(v0) === 0 || sign(v0) === sign(toGo)
                stoppable =
                    towards &&
                    Math.abs(toGo) >= brakingDistanceDeg(v0, a, DT) + EPS
            }
            const side = sign(toGo)
            p.step(DT)
            const dv = Math.abs(p.velDps - v0)
            const landing = p.arrived() && v0 !== 0
            if ((strictLanding || !landing) && dv > a * DT + EPS)
                return (
                    "tick " +
                    k +
                    " of move " +
                    m +
                    (landing ? " (landing)" : "") +
                    ": |dv| " +
                    dv +
                    " > a*dt " +
                    a * DT
                )
            if (Math.abs(p.velDps) > speedCap + EPS)
                return (
                    "tick " +
                    k +
                    " of move " +
                    m +
                    ": speed " +
                    p.velDps +
                    " above " +
                    speedCap
                )
            // Braking down from a higher speed: the speed never grows again above the rate.
            speedCap = Math.max(rate, Math.abs(p.velDps))
            // The position moves by the new velocity, or lands on the target (where the velocity is
            // brought to zero over at most two ticks, each within the acceleration limit).
            const landed = p.posDeg === target
            if (!landed && Math.abs(p.posDeg - (x0 + p.velDps * DT)) > EPS)
                return "position does not follow velocity"
            // (EPS: the last step can land a float rounding, ~1e-19, beyond and come back)
            if (stoppable && side !== 0 && (p.posDeg - target) * side > EPS)
                return (
                    "move " +
                    m +
                    " passed its target " +
                    target +
                    " (at " +
                    p.posDeg +
                    ") from a stoppable state"
                )
        }
        if (last) {
            if (!p.arrived())
                return (
                    "did not arrive at " +
                    target +
                    " in " +
                    limit +
                    " ticks (at " +
                    p.posDeg +
                    ", v " +
                    p.velDps +
                    ")"
                )
            if (p.posDeg !== target || p.velDps !== 0)
                return "not resting exactly on the target"
            // and stays there
            for (let k = 0; k < 10; k++) p.step(DT)
            if (p.posDeg !== target || p.velDps !== 0)
                return "left the target after arriving"
        }
    }
    return null
}

describe("brakingSpeedDps and brakingDistanceDeg", () => {
    it("are inverses of each other", () => {
        fc.assert(
            fc.property(
                fc.double({ min: 0, max: 200, noNaN: true }),
                fc.double({ min: 0.1, max: 15, noNaN: true }),
                (d, a) => {
                    const v = brakingSpeedDps(d, a, DT)
                    return (
                        Math.abs(brakingDistanceDeg(v, a, DT) - d) <=
                        1e-9 * Math.max(1, d)
                    )
                }
            ),
            { numRuns: 2000, seed: SEED }
        )
    })

    it("from a whole number of ticks of speed, tick-by-tick braking covers exactly brakingDistanceDeg", () => {
        for (const a of [1, 4, 10, 15]) {
            for (let n = 0; n <= 50; n++) {
                const dv = a * DT
                let v = n * dv
                const d = brakingDistanceDeg(v, a, DT)
                let x = 0
                for (let k = 0; k < n; k++) {
                    x += v * DT
                    v -= dv
                }
                expect(Math.abs(x - d)).toBeLessThan(1e-9)
            }
        }
    })

    it("no speed for no distance; distance ignores the sign of the speed", () => {
        expect(brakingSpeedDps(0, 4, DT)).toBe(0)
        expect(brakingSpeedDps(-1, 4, DT)).toBe(0)
        expect(brakingDistanceDeg(-5, 4, DT)).toBe(brakingDistanceDeg(5, 4, DT))
        expect(brakingDistanceDeg(0, 4, DT)).toBe(0)
    })
})

describe("Planner properties", () => {
    it("single moves from rest: within rate and accel, never past the target, resting exactly on it", () => {
        fc.assert(
            fc.property(angleArb, moveArb, (pos, mv) => {
                const r = runPlan({ posDeg: pos, velDps: 0 }, [mv])
                if (r) throw new Error(r)
                return true
            }),
            { numRuns: 400, seed: SEED }
        )
    })

    it("random starting velocities and mid-move target, rate and accel changes", () => {
        fc.assert(
            fc.property(
                startArb,
                fc.array(moveArb, { minLength: 1, maxLength: 6 }),
                (start, moves) => {
                    const r = runPlan(start, moves)
                    if (r) throw new Error(r)
                    return true
                }
            ),
            { numRuns: 400, seed: SEED + 1 }
        )
    })

    it("a target changed to one just inside the braking distance is passed, then reached (the documented exception)", () => {
        const p = new Planner(0)
        p.moveTo(40, 8, 4)
        for (let k = 0; k < 200 && p.velDps < 8 - 1e-9; k++) p.step(DT)
        expect(p.velDps).toBeCloseTo(8, 9)
        const stopAt = p.stoppingPointDeg(DT)
        // a target half-way to where it could stop
        const target = (p.posDeg + stopAt) / 2
        p.moveTo(target, 8, 4)
        let passed = false
        let maxDv = 0
        for (let k = 0; k < 2000 && !p.arrived(); k++) {
            const v0 = p.velDps
            p.step(DT)
            if (!p.arrived()) maxDv = Math.max(maxDv, Math.abs(p.velDps - v0))
            if (p.posDeg > target + EPS) passed = true
        }
        expect(passed).toBe(true)
        expect(maxDv).toBeLessThanOrEqual(4 * DT + EPS)
        expect(p.arrived()).toBe(true)
        expect(p.posDeg).toBe(target)
    })

    it("the hard caps (10 deg/s, 15 deg/s^2) hold whatever rate and acceleration are asked", () => {
        const huge = fc.double({ min: 10, max: 1e6, noNaN: true })
        fc.assert(
            fc.property(
                fc.double({ min: -85, max: 0, noNaN: true }),
                fc.double({ min: 1, max: 90, noNaN: true }),
                huge,
                huge,
                (from, dist, rate, accel) => {
                    const p = new Planner(from)
                    p.moveTo(from + dist, rate, accel)
                    for (let k = 0; k < 3000 && !p.arrived(); k++) {
                        const v0 = p.velDps
                        p.step(DT)
                        if (Math.abs(p.velDps) > HARD_MAX_RATE_DPS + EPS)
                            return false
                        // (the landing tick is held by the landing-tick tests below)
                        if (
                            !p.arrived() &&
                            Math.abs(p.velDps - v0) >
                                HARD_MAX_ACCEL_DPS2 * DT + EPS
                        )
                            return false
                    }
                    return p.arrived() && p.posDeg === from + dist
                }
            ),
            { numRuns: 300, seed: SEED + 2 }
        )
    })

    it("Infinity asked as rate or acceleration is capped too", () => {
        const p = new Planner(-65)
        p.moveTo(90, Infinity, Infinity)
        expect(p.rateDps).toBe(HARD_MAX_RATE_DPS)
        // (below the hard limit: the table follows its plan up to some 1.5 times as hard)
        expect(p.accelDps2).toBe(ACCEL_USABLE_MAX_DPS2)
        expect(ACCEL_USABLE_MAX_DPS2).toBeLessThan(HARD_MAX_ACCEL_DPS2)
        let maxV = 0
        for (let k = 0; k < 3000 && !p.arrived(); k++) {
            p.step(DT)
            maxV = Math.max(maxV, Math.abs(p.velDps))
        }
        expect(maxV).toBeLessThanOrEqual(HARD_MAX_RATE_DPS)
        expect(p.posDeg).toBe(90)
    })

    // The landing tick: the velocity falls to zero over at most two ticks, each within a*dt (it was
    // once allowed to drop by up to 2*a*dt in the last tick, above the hard cap with accelDps2 = 10).
    it("every move starts with one tick of acceleration and ends with at most one", () => {
        fc.assert(
            fc.property(angleArb, moveArb, (pos, mv) => {
                const p = new Planner(pos)
                p.moveTo(mv.targetDeg, mv.rateDps, mv.accelDps2)
                if (p.arrived()) return true
                p.step(DT)
                if (Math.abs(p.velDps) > mv.accelDps2 * DT + EPS) return false
                let prev = p.velDps
                for (let k = 0; k < 20000 && !p.arrived(); k++) {
                    prev = p.velDps
                    p.step(DT)
                }
                return p.arrived() && Math.abs(prev) <= mv.accelDps2 * DT + EPS
            }),
            { numRuns: 300, seed: SEED + 3 }
        )
    })
})

describe("Planner: the landing tick and tiny distances (reported bugs)", () => {
    it("the landing tick keeps |dv| <= a*dt (0 -> 1 at rate 10, accel 10)", () => {
        const p = new Planner(0)
        p.moveTo(1, 10, 10)
        let maxDv = 0
        for (let k = 0; k < 500 && !p.arrived(); k++) {
            const v0 = p.velDps
            p.step(DT)
            maxDv = Math.max(maxDv, Math.abs(p.velDps - v0))
        }
        expect(p.arrived()).toBe(true)
        // measured: 0.3265 (16.3 deg/s^2); the limit is 10 * 0.02 = 0.2, the hard cap 15 * 0.02 = 0.3
        expect(maxDv).toBeLessThanOrEqual(10 * DT + EPS)
    })

    it("the landing tick keeps |dv| <= a*dt in random plans (strict version of the property)", () => {
        fc.assert(
            fc.property(
                startArb,
                fc.array(moveArb, { minLength: 1, maxLength: 4 }),
                (start, moves) => {
                    const r = runPlan(start, moves, true)
                    if (r) throw new Error(r)
                    return true
                }
            ),
            { numRuns: 200, seed: SEED + 6 }
        )
    })

    it("the landing tick stays within 2*a*dt (what the code does guarantee)", () => {
        fc.assert(
            fc.property(startArb, moveArb, (start, mv) => {
                const p = new Planner(start.posDeg)
                p.velDps = start.velDps
                p.moveTo(mv.targetDeg, mv.rateDps, mv.accelDps2)
                for (let k = 0; k < 20000 && !p.arrived(); k++) {
                    const v0 = p.velDps
                    p.step(DT)
                    if (Math.abs(p.velDps - v0) > 2 * p.accelDps2 * DT + EPS)
                        return false
                }
                return p.arrived()
            }),
            { numRuns: 300, seed: SEED + 7 }
        )
    })

    // BUG (reported): brakingSpeedDps computes sqrt(h^2 + 2ad) - h, which cancels to exactly 0 when
    // 2ad is below about 1e-16 * h^2 (d below about 1e-20 * a degrees). Then the setpoint never
    // moves, never lands and arrived() stays false for ever: the drive loop never settles and keeps
    // feeding the deadzone duty. Reachable only with a position within ~1e-20 of a target near 0
    // (e.g. the 0 preset), so practically harmless; 2ad / (sqrt(h^2 + 2ad) + h) has no cancellation.
    it("a target 1e-21 degree away is reached (setpoint stuck, arrived() never true)", () => {
        const p = new Planner(0)
        p.moveTo(1e-21, 4, 4)
        for (let k = 0; k < 100 && !p.arrived(); k++) p.step(DT)
        expect(p.arrived()).toBe(true)
    })

    it("brakingSpeedDps is positive for every positive distance", () => {
        expect(brakingSpeedDps(1e-21, 4, DT)).toBeGreaterThan(0)
    })
})

describe("Planner.halt and stopSmoothly", () => {
    it("halt() stops at once where it is told, whatever the speed, and stays", () => {
        fc.assert(
            fc.property(
                startArb,
                fc.double({ min: -85, max: 90, noNaN: true }),
                (start, at) => {
                    const p = new Planner(start.posDeg)
                    p.velDps = start.velDps
                    p.moveTo(90, 10, 15)
                    p.step(DT)
                    p.halt(at)
                    if (!(
                        p.velDps === 0 &&
                        p.posDeg === at &&
                        p.targetDeg === at &&
                        p.arrived()
                    ))
                        return false
                    for (let k = 0; k < 5; k++) p.step(DT)
                    return p.velDps === 0 && p.posDeg === at
                }
            ),
            { numRuns: 200, seed: SEED + 4 }
        )
    })

    it("stopSmoothly() brakes at the given acceleration and rests where it said it would", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: -600, max: 600 }).map(i => i / 10),
                fc.integer({ min: 1, max: 200 }),
                fc.double({ min: 1, max: ACCEL_USABLE_MAX_DPS2, noNaN: true }),
                (from, ticks, a) => {
                    const p = new Planner(from)
                    p.moveTo(from > 0 ? -85 : 90, 10, 15)
                    for (let k = 0; k < ticks; k++) p.step(DT)
                    const predicted =
                        p.posDeg +
                        sign(p.velDps) * brakingDistanceDeg(p.velDps, a, DT)
                    p.stopSmoothly(a, DT)
                    const dir = sign(p.velDps)
                    for (let k = 0; k < 2000 && !p.arrived(); k++) {
                        const v0 = p.velDps
                        p.step(DT)
                        // (the landing tick is held by the landing-tick tests above)
                        if (
                            !p.arrived() &&
                            Math.abs(p.velDps - v0) > a * DT + EPS
                        )
                            return false
                        // never reverses
                        if (sign(p.velDps) === -dir) return false
                    }
                    return p.arrived() && Math.abs(p.posDeg - predicted) < 1e-9
                }
            ),
            { numRuns: 300, seed: SEED + 5 }
        )
    })

    it("a new Planner rests where it was made", () => {
        const p = new Planner(-65)
        expect(p.arrived()).toBe(true)
        p.step(DT)
        expect(p.posDeg).toBe(-65)
        expect(p.velDps).toBe(0)
    })
})
