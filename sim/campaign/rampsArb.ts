// Sessions made of the corner where the hard acceleration limit and the rate limits are closest:
// the fastest acceleration settings, moves ended inside their ramps (taps of DOWN and UP, one
// after the other), the grip let go for a moment or past its grace, the lightest and heaviest
// users (the drive strongest or weakest against its nominal gain), noisy sensors, every home.
// The soak's mixed sessions meet this corner seldom; `npm run soak -- --ramps` and
// test/accel-limit.test.ts run these.

import fc from "fast-check"

const TICKS_PER_S = 50

type Step =
    | { kind: "down" | "up"; forS: number; gapS: number }
    | { kind: "letGo"; forS: number }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
    {
        weight: 3,
        arbitrary: fc.record({
            kind: fc.constantFrom("down" as const, "up" as const),
            // Mostly ended inside the ramp (at 10 deg/s^2 the fastest rate takes 0.8 s).
            forS: fc.oneof(
                fc.double({ min: 0.06, max: 1.3, noNaN: true }),
                fc.double({ min: 0.06, max: 5, noNaN: true })
            ),
            gapS: fc.oneof(
                fc.double({ min: 0.02, max: 0.3, noNaN: true }),
                fc.double({ min: 0, max: 2, noNaN: true })
            ),
        }),
    },
    {
        weight: 1,
        arbitrary: fc.record({
            kind: fc.constant("letGo" as const),
            forS: fc.double({ min: 0.2, max: 3.2, noNaN: true }),
        }),
    }
)

export const rampsSessionArb = fc
    .record({
        accelDps2: fc.constantFrom(10, 10, 10, 9, 8),
        maxRateDps: fc.oneof(
            fc.constantFrom(1, 3, 5, 8),
            fc.integer({ min: 1, max: 8 })
        ),
        returnRateDps: fc.oneof(
            fc.constantFrom(1, 3, 5, 8),
            fc.integer({ min: 1, max: 8 })
        ),
        maxAngleDeg: fc.oneof(
            fc.constantFrom(0, 20, 45, 60, 90),
            fc.integer({ min: 0, max: 90 })
        ),
        sessionLimitS: fc.constantFrom(60, 300),
        homeDeg: fc.constantFrom(-45, -45, -60, -85),
        userMassKg: fc.oneof(
            fc.constantFrom(30, 46, 80, 120, 160),
            fc.integer({ min: 30, max: 160 })
        ),
        imuNoise: fc.constantFrom(0, 0, 1, 2.5, 5, 10),
        steps: fc.array(stepArb, { minLength: 4, maxLength: 14 }),
        seed: fc.integer({ min: 1, max: 1000000 }),
    })
    .map(r => {
        const tick = (t: number) => Math.round(t * TICKS_PER_S) / TICKS_PER_S
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
            durationS: Math.ceil(t + 10),
            seed: r.seed,
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
                sessionLimitS: r.sessionLimitS,
                homeDeg: r.homeDeg,
                progression: false,
            },
            events,
        }
    })
