// The hard acceleration limit (15 deg/s^2) where it is closest: the fastest acceleration settings,
// moves ended in the middle of their ramps (taps of DOWN and UP, one after the other, the grip let
// go for a moment), and the users who make the drive strongest or weakest against its nominal gain.
// The soak's sessions meet this corner too seldom to find it (2 of 10,000 did); here every session
// is made of it.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { HARD_MAX_ACCEL_DPS2 } from "../src/control/limits"
import { runSession } from "../sim/campaign/session"
import { ACCEL_WINDOW_S } from "../sim/check"
import { TRACE_TICKS_PER_S, TraceRow } from "../sim/trace"

const SESSIONS = 200
const SEED = 20261203

type Step =
    | { kind: "down" | "up"; forS: number; gapS: number }
    | { kind: "letGo"; forS: number }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
    {
        weight: 4,
        arbitrary: fc.record({
            kind: fc.constantFrom("down" as const, "up" as const),
            // Mostly ended inside the ramp (at 10 deg/s^2 the fastest rate takes 0.8 s).
            forS: fc.oneof(
                {
                    weight: 3,
                    arbitrary: fc.double({ min: 0.06, max: 1.2, noNaN: true }),
                },
                {
                    weight: 1,
                    arbitrary: fc.double({ min: 1.2, max: 6, noNaN: true }),
                }
            ),
            gapS: fc.double({ min: 0.02, max: 1.5, noNaN: true }),
        }),
    },
    {
        weight: 1,
        arbitrary: fc.record({
            kind: fc.constant("letGo" as const),
            forS: fc.double({ min: 0.2, max: 3, noNaN: true }),
        }),
    }
)

const sessionArb = fc
    .record({
        accelDps2: fc.constantFrom(10, 10, 9, 8),
        maxRateDps: fc.integer({ min: 1, max: 8 }),
        returnRateDps: fc.integer({ min: 1, max: 8 }),
        maxAngleDeg: fc.integer({ min: 0, max: 90 }),
        homeDeg: fc.constantFrom(-45, -60, -85),
        userMassKg: fc.oneof(
            fc.constantFrom(30, 160),
            fc.integer({ min: 30, max: 160 })
        ),
        imuNoise: fc.constantFrom(0, 0, 1, 2.5),
        steps: fc.array(stepArb, { minLength: 4, maxLength: 14 }),
    })
    .map(r => {
        const tick = (t: number) =>
            Math.round(t * TRACE_TICKS_PER_S) / TRACE_TICKS_PER_S
        const events: object[] = [{ t: 0, set: { latch: true, deadman: true } }]
        let t = 0.5
        for (const s of r.steps) {
            if (s.kind === "letGo") {
                events.push({ t: tick(t), set: { deadman: false } })
                events.push({ t: tick(t + s.forS), set: { deadman: true } })
                t += s.forS + 0.2
            } else {
                events.push({ t: tick(t), set: { [s.kind]: true } })
                events.push({ t: tick(t + s.forS), set: { [s.kind]: false } })
                t += s.forS + s.gapS
            }
        }
        return {
            name: "moves ended inside their ramps at the fastest accelerations",
            durationS: Math.ceil(t + 8),
            seed: 1,
            table: {
                startAngleDeg: r.homeDeg,
                userMassKg: r.userMassKg,
                imuNoise: r.imuNoise,
                homeSwitch: false,
            },
            settings: {
                maxAngleDeg: r.maxAngleDeg,
                maxRateDps: r.maxRateDps,
                returnRateDps: r.returnRateDps,
                accelDps2: r.accelDps2,
                deadmanGraceS: 1,
                sessionLimitS: 300,
                homeDeg: r.homeDeg,
                progression: false,
            },
            events,
        }
    })

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
            fc.property(sessionArb, json => {
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
