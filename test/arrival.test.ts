// Arriving at the end of a move at speed, the whole controller on the simulated table: DOWN held onto
// the deepest angle, then UP held onto home, over a grid of rates, ramps, deepest angles and users.
// A table that lags its plan must not catch up so late that it runs past the goal: the drive keeps
// the speed toward the goal to what a stop on it allows (drive.ts). Before that rule, a light user at
// a fast rate ran 0.35 degrees past the deepest angle, the guard's backstop cut the drive, and the
// table turned back toward the limit without a ramp (the accel rule, up to 22 deg/s^2).

import { describe, expect, it } from "vitest"
import { GUARD_MARGIN_DEG } from "../src/control/guard"
import { SETTLE_TOLERANCE_DEG } from "../src/control/tuning"
import { runSession } from "../sim/campaign/session"

/** How far past the goal the table itself may run: the estimate's error at speed, no more. */
const OVERRUN_DEG = 0.25

interface Case {
    rateDps: number
    accelDps2: number
    capDeg: number
    massKg: number
}

const HOME_DEG = -45

/** Seconds to travel between home and the deepest angle, with room to settle. */
function travelS(c: Case): number {
    return Math.ceil(
        (c.capDeg - HOME_DEG) / c.rateDps + c.rateDps / c.accelDps2 + 3
    )
}

const CASES: Case[] = []
for (const rateDps of [1, 3, 5, 8])
    for (const accelDps2 of [1, 2, 4, 7, 10])
        for (const capDeg of [0, 15, 45, 90])
            for (const massKg of [30, 80, 160]) {
                const c = { rateDps, accelDps2, capDeg, massKg }
                // A button held longer than a minute counts as stuck (behaviour.md): each move fits in less.
                if (travelS(c) <= 55) CASES.push(c)
            }

function session(c: Case) {
    const homeDeg = HOME_DEG
    const upS = 2 + travelS(c)
    return runSession({
        name: `DOWN onto ${c.capDeg} at ${c.rateDps} deg/s, ${c.accelDps2} deg/s^2, ${c.massKg} kg; UP onto home`,
        durationS: upS + travelS(c),
        seed: c.rateDps * 1000 + c.accelDps2 * 100 + c.capDeg + c.massKg,
        table: { userMassKg: c.massKg },
        settings: {
            maxAngleDeg: c.capDeg,
            maxRateDps: c.rateDps,
            returnRateDps: c.rateDps,
            accelDps2: c.accelDps2,
            homeDeg,
            sessionLimitS: 600,
            progression: false,
        },
        events: [
            { t: 0, set: { latch: true, deadman: true } },
            { t: 1, set: { down: true } },
            { t: upS - 1, set: { down: false } },
            { t: upS, set: { up: true } },
        ],
    })
}

describe("arriving at a goal at speed (DOWN onto the deepest angle, UP onto home)", () => {
    // One test per rate, each a share of the grid's CASES.length cases.
    for (const rateDps of [1, 3, 5, 8]) {
        const cases = CASES.filter(c => c.rateDps === rateDps)
        expect(cases.length).toBeGreaterThan(0)
        it(`at ${rateDps} deg/s, ${cases.length} cases: every rule kept, no overrun past either goal, the guard never needed`, () => {
            const problems: string[] = []
            for (const c of cases) {
                const r = session(c)
                const name = r.scenario.name
                for (const v of r.violations.slice(0, 2))
                    problems.push(
                        `${name}: ${v.rule} at ${v.tS} s: ${v.detail}`
                    )
                const home = r.scenario.settings.homeDeg
                let deepest = -Infinity
                let deepestEst = -Infinity
                let lowest = Infinity
                for (const row of r.rows) {
                    deepest = Math.max(deepest, row.angleDeg)
                    deepestEst = Math.max(deepestEst, row.estDeg)
                    lowest = Math.min(lowest, row.angleDeg)
                }
                if (deepest > c.capDeg + OVERRUN_DEG)
                    problems.push(`${name}: ran to ${deepest.toFixed(3)}`)
                // The guard's backstop lies GUARD_MARGIN_DEG past the deepest angle: a drive that
                // reaches it has let the table overrun.
                if (deepestEst >= c.capDeg + GUARD_MARGIN_DEG)
                    problems.push(
                        `${name}: estimate reached ${deepestEst.toFixed(3)}`
                    )
                if (lowest < home - OVERRUN_DEG)
                    problems.push(
                        `${name}: ran below home to ${lowest.toFixed(3)}`
                    )
                // ...and it does get there: it comes to rest within the settle tolerance of each goal.
                const atDepth = r.rows.find(row => row.tS >= travelS(c) + 0.9)
                const atEnd = r.rows[r.rows.length - 1]
                if (
                    atDepth === undefined ||
                    Math.abs(atDepth.estDeg - c.capDeg) > SETTLE_TOLERANCE_DEG
                )
                    problems.push(`${name}: not at the deepest angle before UP`)
                if (Math.abs(atEnd.estDeg - home) > SETTLE_TOLERANCE_DEG)
                    problems.push(`${name}: not home at the end`)
            }
            expect(problems).toEqual([])
        })
    }
})
