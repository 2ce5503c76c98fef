// The motion monitor: overtravel, overspeed, stall and direction (behaviour.md's fault table), each
// on both sides of its threshold. Time is passed in; one check per 20 ms tick.

import { describe, expect, it } from "vitest"
import {
    DIRECTION_MS,
    HARD_MAX_RATE_DPS,
    OVERSPEED_MARGIN_DPS,
    OVERTRAVEL_DEEP_MARGIN_DEG,
    OVERTRAVEL_HOME_MARGIN_DEG,
    STALL_MS,
    STALL_RATE_FRACTION,
    TICK_MS,
} from "../src/control/limits"
import { MotionMonitor } from "../src/control/motionMonitor"
import {
    DIRECTION_COAST_MS,
    DIRECTION_MAX_TRAVEL_DEG,
    DIRECTION_MIN_DUTY,
    DIRECTION_MIN_RATE_DPS,
    DIRECTION_TRAVEL_MIN_DUTY,
    STALL_MIN_PLANNED_DPS,
} from "../src/control/tuning"

const MAX = 45
const HOME = -65
const DT = TICK_MS / 1000

/** One check at time t with the effective deepest angle MAX and home HOME. */
function chk(
    mon: MotionMonitor,
    t: number,
    est: number,
    rate: number,
    planned: number,
    duty: number,
    max = MAX,
    home = HOME
): void {
    mon.check(t, est, rate, planned, duty, max, home, DT)
}

interface Tick {
    est?: number
    rate?: number
    planned?: number
    duty?: number
}

/** Checks `n` ticks with the same values, from t = 0; returns the monitor. */
function hold(
    n: number,
    v: Tick,
    mon = new MotionMonitor(),
    t0 = 0
): MotionMonitor {
    for (let i = 0; i < n; i++)
        chk(
            mon,
            t0 + i * TICK_MS,
            v.est ?? 0,
            v.rate ?? 0,
            v.planned ?? 0,
            v.duty ?? 0
        )
    return mon
}

describe("overtravel: beyond the effective deepest angle + 1, or below home - 5", () => {
    it("at the deep limit + 1 no reason; just beyond, a reason naming angle and limit", () => {
        expect(
            hold(1, { est: MAX + OVERTRAVEL_DEEP_MARGIN_DEG }).overtravel
        ).toBeNull()
        const r = hold(1, {
            est: MAX + OVERTRAVEL_DEEP_MARGIN_DEG + 0.01,
        }).overtravel
        expect(r).not.toBeNull()
        expect(r!).toContain("46")
        expect(r!).toContain("45")
    })

    it("at home - 5 no reason; just below, a reason", () => {
        expect(
            hold(1, { est: HOME - OVERTRAVEL_HOME_MARGIN_DEG }).overtravel
        ).toBeNull()
        const r = hold(1, {
            est: HOME - OVERTRAVEL_HOME_MARGIN_DEG - 0.01,
        }).overtravel
        expect(r).not.toBeNull()
        expect(r!).toContain("home")
    })

    it("follows the limits it is given (effective max 15, home -80)", () => {
        const mon = new MotionMonitor()
        chk(mon, 0, 16.01, 0, 0, 0, 15, -80)
        expect(mon.overtravel).not.toBeNull()
        chk(mon, 20, 16, 0, 0, 0, 15, -80)
        expect(mon.overtravel).toBeNull()
        chk(mon, 40, -84.99, 0, 0, 0, 15, -80)
        expect(mon.overtravel).toBeNull()
        chk(mon, 60, -85.01, 0, 0, 0, 15, -80)
        expect(mon.overtravel).not.toBeNull()
    })

    it("is immediate and clears as soon as the angle is back (the supervisor latches it)", () => {
        const mon = hold(1, { est: 50 })
        expect(mon.overtravel).not.toBeNull()
        hold(1, { est: 40 }, mon, 20)
        expect(mon.overtravel).toBeNull()
    })
})

describe("overspeed: measured rate above the hard rate + 2 deg/s", () => {
    const limit = HARD_MAX_RATE_DPS + OVERSPEED_MARGIN_DPS
    it("12 deg/s is the limit in either direction", () => {
        expect(limit).toBe(12)
        expect(hold(1, { rate: limit }).overspeed).toBeNull()
        expect(hold(1, { rate: -limit }).overspeed).toBeNull()
        expect(hold(1, { rate: limit + 0.01 }).overspeed).not.toBeNull()
        expect(hold(1, { rate: -(limit + 0.01) }).overspeed).not.toBeNull()
    })
})

describe("stall: commanded to move and the rate below a fifth of the planned for 1 s", () => {
    const nAt = STALL_MS / TICK_MS
    const planned = 4
    const slow = planned * STALL_RATE_FRACTION - 0.01

    for (const sign of [1, -1]) {
        it(
            (sign > 0 ? "deeper" : "toward home") +
                ": no reason at 0.98 s, a reason at 1 s",
            () => {
                const mon = new MotionMonitor()
                for (let i = 0; i < nAt; i++) {
                    chk(
                        mon,
                        i * TICK_MS,
                        0,
                        sign * slow,
                        sign * planned,
                        sign * 0.3
                    )
                    expect(mon.stall, "tick " + i).toBeNull()
                }
                chk(
                    mon,
                    nAt * TICK_MS,
                    0,
                    sign * slow,
                    sign * planned,
                    sign * 0.3
                )
                expect(mon.stall).not.toBeNull()
            }
        )
    }

    it("at exactly a fifth of the planned rate it is following: no stall", () => {
        expect(
            hold(200, { rate: planned * STALL_RATE_FRACTION, planned }).stall
        ).toBeNull()
        expect(
            hold(200, {
                rate: -planned * STALL_RATE_FRACTION,
                planned: -planned,
            }).stall
        ).toBeNull()
    })

    it("moving the wrong way counts as not following", () => {
        expect(hold(nAt + 1, { rate: -2, planned }).stall).not.toBeNull()
    })

    it("nothing planned (or below the minimum judged), nothing judged", () => {
        expect(hold(200, { rate: 0, planned: 0 }).stall).toBeNull()
        expect(
            hold(200, { rate: 0, planned: STALL_MIN_PLANNED_DPS - 0.01 }).stall
        ).toBeNull()
        expect(
            hold(nAt + 1, { rate: 0, planned: STALL_MIN_PLANNED_DPS }).stall
        ).not.toBeNull()
    })

    it("following again for one tick restarts the second", () => {
        const mon = new MotionMonitor()
        let t = 0
        for (let round = 0; round < 5; round++) {
            for (let i = 0; i < nAt; i++) {
                chk(mon, t, 0, 0, planned, 0.3)
                t += TICK_MS
                expect(mon.stall).toBeNull()
            }
            chk(mon, t, 0, planned, planned, 0.3)
            t += TICK_MS
        }
    })

    it("resetTimers restarts the second", () => {
        const mon = hold(nAt - 1, { rate: 0, planned })
        mon.resetTimers()
        hold(nAt, { rate: 0, planned }, mon, nAt * TICK_MS)
        expect(mon.stall).toBeNull()
    })
})

describe("direction: the table moving against the motor command for 0.3 s", () => {
    const nAt = DIRECTION_MS / TICK_MS
    const against = DIRECTION_MIN_RATE_DPS + 0.01

    for (const sign of [1, -1]) {
        it(
            "duty " +
                (sign > 0 ? "deeper" : "toward home") +
                ": no reason at 0.28 s, a reason at 0.3 s",
            () => {
                const mon = new MotionMonitor()
                for (let i = 0; i < nAt; i++) {
                    chk(mon, i * TICK_MS, 0, -sign * against, 0, sign * 0.5)
                    expect(mon.direction, "tick " + i).toBeNull()
                }
                chk(mon, nAt * TICK_MS, 0, -sign * against, 0, sign * 0.5)
                expect(mon.direction).not.toBeNull()
            }
        )
    }

    it("moving with the command: never a reason", () => {
        expect(hold(200, { rate: 5, duty: 0.5 }).direction).toBeNull()
        expect(hold(200, { rate: -5, duty: -0.5 }).direction).toBeNull()
    })

    it("against at exactly the minimum rate: the 0.3 s trigger does not fire (0.5 s, less than the travel trigger needs)", () => {
        // travel is counted from DIRECTION_COAST_MS: held just short of the time that makes
        // DIRECTION_MAX_TRAVEL_DEG at the minimum rate
        const n =
            Math.floor(
                (DIRECTION_COAST_MS +
                    (DIRECTION_MAX_TRAVEL_DEG / DIRECTION_MIN_RATE_DPS) *
                        1000) /
                    TICK_MS
            ) - 1
        expect(n * TICK_MS).toBeGreaterThan(300)
        expect(
            hold(n, { rate: -DIRECTION_MIN_RATE_DPS, duty: 0.5 }).direction
        ).toBeNull()
        expect(
            hold(n, { rate: DIRECTION_MIN_RATE_DPS, duty: -0.5 }).direction
        ).toBeNull()
    })

    it("the time trigger judges only duties from DIRECTION_MIN_DUTY", () => {
        const d = DIRECTION_MIN_DUTY - 0.001
        // against at 1.5 deg/s (above the minimum rate) for 0.3 s: the travel trigger has counted
        // 0.3 - DIRECTION_COAST_MS of it, short of its DIRECTION_MAX_TRAVEL_DEG
        const rate = 1.5
        expect(
            ((300 - DIRECTION_COAST_MS + TICK_MS) / 1000) * rate
        ).toBeLessThan(DIRECTION_MAX_TRAVEL_DEG)
        expect(hold(nAt + 1, { rate: -rate, duty: d }).direction).toBeNull()
        expect(
            hold(nAt + 1, { rate: -rate, duty: DIRECTION_MIN_DUTY }).direction
        ).not.toBeNull()
    })

    it("motor off (or inside the deadzone): the table drifting is never a direction fault", () => {
        expect(hold(200, { rate: -5, duty: 0 }).direction).toBeNull()
        expect(hold(200, { rate: 5, duty: 0 }).direction).toBeNull()
        expect(
            hold(200, { rate: -5, duty: DIRECTION_TRAVEL_MIN_DUTY - 0.001 })
                .direction
        ).toBeNull()
    })

    it("one tick with the command restarts the 0.3 s", () => {
        // Each round: pushing deeper while the table goes up for 0.28 s, then one tick pushing up
        // (with the motion): the push changes, so both triggers start again.
        const mon = new MotionMonitor()
        let t = 0
        for (let round = 0; round < 5; round++) {
            for (let i = 0; i < nAt; i++) {
                chk(mon, t, 0, -(DIRECTION_MIN_RATE_DPS + 0.5), 0, 0.5)
                t += TICK_MS
                expect(
                    mon.direction,
                    "round " + round + " tick " + i
                ).toBeNull()
            }
            chk(mon, t, 0, -(DIRECTION_MIN_RATE_DPS + 0.5), 0, -0.5)
            t += TICK_MS
            expect(mon.direction).toBeNull()
        }
    })

    // tuning.ts: "the direction fault also trips once the table has travelled DIRECTION_MAX_TRAVEL_DEG
    // against a command held steady for DIRECTION_COAST_MS".
    it("travel trigger: a slow creep against a steady push trips once 0.3 deg have been travelled after the coast time", () => {
        const mon = new MotionMonitor()
        const creep = 0.9 // below the time trigger's 1 deg/s
        let travelled = 0
        let tripped = -1
        for (let i = 0; i < 100 && tripped < 0; i++) {
            const t = i * TICK_MS
            chk(mon, t, 0, -creep, 0, 0.3)
            if (t >= DIRECTION_COAST_MS) travelled += creep * DT
            if (mon.direction !== null) tripped = t
            else
                expect(travelled).toBeLessThanOrEqual(
                    DIRECTION_MAX_TRAVEL_DEG + 1e-9
                )
        }
        expect(tripped).toBeGreaterThan(0)
        expect(travelled).toBeGreaterThan(DIRECTION_MAX_TRAVEL_DEG)
        expect(travelled - creep * DT).toBeLessThanOrEqual(
            DIRECTION_MAX_TRAVEL_DEG + 1e-9
        )
    })

    it("travel trigger: motion during the coast time does not count", () => {
        const mon = new MotionMonitor()
        // against at 5 deg/s for the coast time (a motor coasting on after the push reversed), then still
        const coastTicks = DIRECTION_COAST_MS / TICK_MS
        for (let i = 0; i < coastTicks; i++)
            chk(mon, i * TICK_MS, 0, -5, 0, 0.3)
        for (let i = coastTicks; i < 200; i++)
            chk(mon, i * TICK_MS, 0, 0, 0, 0.3)
        expect(mon.direction).toBeNull()
    })
})

describe("all four together", () => {
    it("report independently in one check", () => {
        const mon = hold(STALL_MS / TICK_MS + 1, {
            est: 60,
            rate: -13,
            planned: 4,
            duty: 0.5,
        })
        expect(mon.overtravel).not.toBeNull()
        expect(mon.overspeed).not.toBeNull()
        expect(mon.stall).not.toBeNull()
        expect(mon.direction).not.toBeNull()
    })
})
