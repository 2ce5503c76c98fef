// The hard acceleration limit (15 deg/s^2) where it is closest: sessions made of the fastest
// acceleration settings and moves ended in the middle of their ramps (sim/campaign/rampsArb.ts, the
// same as `npm run soak -- --ramps`). The soak's mixed sessions met this corner too seldom to find
// it (2 of 10,000 did); here every session is made of it.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { HARD_MAX_ACCEL_DPS2 } from "../src/control/limits"
import { rampsSessionArb } from "../sim/campaign/rampsArb"
import { runSession } from "../sim/campaign/session"
import { ACCEL_WINDOW_S } from "../sim/check"
import { TRACE_TICKS_PER_S, TraceRow } from "../sim/trace"

const SESSIONS = 200
const SEED = 20261203

/** The fastest change of the true rate over the checker's window while the drive is on. */
function fastestAccelDps2(rows: TraceRow[]): number {
    const w = Math.round(ACCEL_WINDOW_S * TRACE_TICKS_PER_S)
    let worst = 0
    let on = 0
    rows.forEach((r, k) => {
        on = r.duty !== 0 && r.faults.length === 0 ? on + 1 : 0
        if (on > w)
            worst = Math.max(
                worst,
                Math.abs(r.rateDps - rows[k - w].rateDps) / ACCEL_WINDOW_S
            )
    })
    return worst
}

describe("the hard acceleration limit, with moves ended inside their ramps", () => {
    it(`${SESSIONS} sessions at the fastest settings keep every rule, the acceleration under ${HARD_MAX_ACCEL_DPS2} deg/s^2`, () => {
        let worst = 0
        fc.assert(
            fc.property(rampsSessionArb, json => {
                const r = runSession(json)
                worst = Math.max(worst, fastestAccelDps2(r.rows))
                return r.violations.length === 0
            }),
            { numRuns: SESSIONS, seed: SEED }
        )
        console.log(
            `fastest acceleration with the drive on: ${worst.toFixed(2)} deg/s^2 (limit ${HARD_MAX_ACCEL_DPS2})`
        )
        expect(worst).toBeGreaterThan(8)
    })
})
