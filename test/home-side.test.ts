// Moves that start at home with a noisy sensor. Above home a move deeper is held to maxRateDps, below
// home the same move is a move toward home, held to returnRateDps; at home the estimate can read the
// table on the wrong side (half a degree off with a noisy sensor, more just after power-on), so the
// controller moves there at the smaller of the two (docs/behaviour.md, "Button pad"). These sessions
// tap UP, DOWN and HOME at home from the first second on, with the two rates far apart either way and
// every noise the scenario format allows, and judge every rule but one: the acceleration at the hard
// limit is test/accel-limit.test.ts's (these sessions meet it only by chance).

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { runSession } from "../sim/campaign/session"

const SESSIONS = 500
const SEED = 20261204

const tapArb = fc.record({
    button: fc.constantFrom("up", "up", "down", "down", "home"),
    atS: fc.double({ min: 0.04, max: 1.5, noNaN: true }),
    forS: fc.double({ min: 0.04, max: 0.8, noNaN: true }),
})

export const homeSessionArb = fc
    .record({
        rates: fc.oneof(
            {
                weight: 2,
                arbitrary: fc.constantFrom([1, 8], [8, 1], [1, 3], [3, 1]),
            },
            fc.tuple(
                fc.integer({ min: 1, max: 8 }),
                fc.integer({ min: 1, max: 8 })
            )
        ),
        // A move of half a degree reaches a speed that tells the rates apart only at the fastest
        // accelerations.
        accelDps2: fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(8, 9, 10) },
            fc.integer({ min: 1, max: 10 })
        ),
        homeDeg: fc.constantFrom(-45, -60, -65, -85),
        userMassKg: fc.integer({ min: 30, max: 160 }),
        imuNoise: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(2.5, 5, 7.5, 10, 10) },
            fc.double({ min: 0, max: 10, noNaN: true })
        ),
        // The first tap comes as the controller starts (the estimate still settling) or later.
        firstS: fc.oneof(
            {
                weight: 3,
                arbitrary: fc.double({ min: 0.5, max: 1.6, noNaN: true }),
            },
            fc.double({ min: 0.5, max: 5, noNaN: true })
        ),
        seed: fc.integer({ min: 1, max: 1_000_000 }),
        taps: fc.array(tapArb, { minLength: 2, maxLength: 8 }),
    })
    .map(r => {
        const tick = (t: number) => Math.round(t * 50) / 50
        const events: object[] = [{ t: 0, set: { latch: true, deadman: true } }]
        let t = r.firstS
        for (const [i, tap] of r.taps.entries()) {
            if (i > 0) t += tap.atS
            events.push({ t: tick(t), set: { [tap.button]: true } })
            t += tap.forS
            events.push({ t: tick(t), set: { [tap.button]: false } })
        }
        return {
            name: "taps at home with a noisy sensor",
            durationS: Math.ceil(t + 8),
            seed: r.seed,
            table: {
                startAngleDeg: r.homeDeg,
                userMassKg: r.userMassKg,
                imuNoise: r.imuNoise,
                homeSwitch: false,
            },
            settings: {
                maxAngleDeg: 45,
                maxRateDps: r.rates[0],
                returnRateDps: r.rates[1],
                accelDps2: r.accelDps2,
                deadmanGraceS: 1,
                homeDeg: r.homeDeg,
                progression: false,
            },
            events,
        }
    })

describe("moves at home with a noisy sensor", () => {
    it(`${SESSIONS} sessions of taps at home keep every rule, the rates on either side of home included`, () => {
        fc.assert(
            fc.property(homeSessionArb, json => {
                const v = runSession(json).violations
                return v.filter(x => x.rule !== "accel").length === 0
            }),
            { numRuns: SESSIONS, seed: SEED }
        )
    })

    it("the band is needed: a table just below home that the estimate reads at or above it", () => {
        // A move deeper from there is a move toward home for the table (returnRateDps) and a move
        // deeper for the estimate (maxRateDps). The soak found it by chance (the estimate 0.54 below
        // home just after power-on); here the table starts 0.3 below home with the noisiest sensor
        // (the boot's mean off by some 0.4 deg), DOWN pressed with the rates far apart.
        let readAbove = 0
        const problems: string[] = []
        for (let seed = 1; seed <= 40; seed++) {
            const r = runSession({
                name: "DOWN just below home",
                durationS: 4,
                seed,
                table: {
                    startAngleDeg: -60.3,
                    userMassKg: 80,
                    imuNoise: 10,
                    homeSwitch: false,
                },
                settings: {
                    maxAngleDeg: 45,
                    maxRateDps: 8,
                    returnRateDps: 1,
                    accelDps2: 10,
                    homeDeg: -60,
                    progression: false,
                },
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 1.2, set: { down: true } },
                    { t: 1.6, set: { down: false } },
                ],
            })
            const before = r.rows.find(x => x.tS >= 1.18)
            if (before !== undefined && before.estDeg >= -60) readAbove++
            for (const v of r.violations.filter(x => x.rule !== "accel"))
                problems.push(`seed ${seed}: ${v.rule} at ${v.tS}: ${v.detail}`)
        }
        expect(readAbove).toBeGreaterThan(3)
        expect(problems).toEqual([])
    })
})
