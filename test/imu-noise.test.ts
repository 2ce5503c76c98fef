// A sensor too noisy to trust (the scenario format's `imu-noise` fault: 20 times the noise) is the imu
// fault, whatever the table is doing; the noisiest sensor the format allows without a fault
// (imuNoise 10) is not. Before the noise trigger, 20x noise left the estimate up to 12 degrees off:
// in 150 sessions the table went past the deepest angle + 1 in 22, and the latch fault's UP ran
// faster than its 2 deg/s in 78.

import { describe, expect, it } from "vitest"
import { runSession } from "../sim/campaign/session"

/** A session: DOWN to the deepest angle, a hold, the grip let go (the dead-man return). */
function session(
    seed: number,
    table: Record<string, number>,
    faultAtS: number | null
) {
    const events: object[] = [
        { t: 0, set: { latch: true, deadman: true } },
        { t: 1, set: { down: true } },
        { t: 20, set: { down: false } },
        { t: 30, set: { deadman: false } },
    ]
    if (faultAtS !== null) {
        let i = 0
        while (i < events.length && (events[i] as { t: number }).t <= faultAtS)
            i++
        events.splice(i, 0, { t: faultAtS, fault: "imu-noise" })
    }
    return runSession({
        name: `seed ${seed}`,
        durationS: 60,
        seed,
        table,
        settings: {
            maxAngleDeg: 20 + (seed % 5) * 10,
            maxRateDps: 2 + (seed % 6),
            accelDps2: 1 + (seed % 9),
            progression: false,
        },
        events,
    })
}

describe("a sensor too noisy to trust", () => {
    // Within 3.5 s: the noise trigger judges a mean over about a second, whose jumps count for at
    // most 9 times its present value (tuning.ts, SCATTER_JUMP_CLIP_SQ), so that one wild sample of
    // the noisiest sensor allowed does not raise a false imu fault (a soak found one after 235 s),
    // and the trigger sits at 3.6 deg (limits.ts: the noisiest sensor's mean reached 3.4 once in a
    // soak). In 400 tries with Gaussian noise 20x noise reached it in 1.5 s (median), at most 3.0 s;
    // this test once said 2 s, when every jump counted in full and the trigger was 3.4. While the
    // fault is not raised, every rule holds: that is what this test asks first.
    it("20x noise, struck at any moment of a session: the imu fault within 3.5 s, every rule kept", () => {
        const problems: string[] = []
        for (let seed = 1; seed <= 24; seed++) {
            const atS = 0.5 + ((seed * 37) % 50)
            const r = session(seed, {}, atS)
            for (const v of r.violations.slice(0, 2))
                problems.push(
                    `seed ${seed}: ${v.rule} at ${v.tS} s: ${v.detail}`
                )
            const raised = r.rows.find(row => row.faults.includes("imu"))
            if (raised === undefined)
                problems.push(`seed ${seed}: no imu fault`)
            else if (raised.tS < atS || raised.tS > atS + 3.5)
                problems.push(
                    `seed ${seed}: imu fault at ${raised.tS} s for noise at ${atS} s`
                )
        }
        expect(problems).toEqual([])
    })

    it("the noisiest sensor allowed (imuNoise 10) raises nothing", () => {
        const problems: string[] = []
        for (let seed = 1; seed <= 24; seed++) {
            const r = session(seed, { imuNoise: 10 }, null)
            for (const v of r.violations.slice(0, 2))
                problems.push(
                    `seed ${seed}: ${v.rule} at ${v.tS} s: ${v.detail}`
                )
            const faults = new Set(r.rows.flatMap(row => row.faults))
            if (faults.size > 0) problems.push(`seed ${seed}: ${[...faults]}`)
        }
        expect(problems).toEqual([])
    })
})

describe("the noisiest sensor allowed, as the controller starts", () => {
    // The accelerometer/gyro comparison once started from the very first sample: a noisy one (7
    // degrees off at imuNoise 10) stayed in the gyro-carried reference for seconds and read as a
    // disagreement of more than 5 degrees, the imu fault of a healthy sensor (found by
    // test/home-side.test.ts). About one power-on in a hundred; here 400 of them, at rest and with
    // the first move at once.
    it("400 power-ons with imuNoise 10 raise nothing in their first 4 s", () => {
        const faulted: string[] = []
        for (let seed = 1; seed <= 400; seed++) {
            const r = runSession({
                name: `power-on ${seed}`,
                durationS: 4,
                seed,
                table: { imuNoise: 10, startAngleDeg: -65 + (seed % 3) * 5 },
                settings: {
                    maxAngleDeg: 45,
                    homeDeg: -65 + (seed % 3) * 5,
                    progression: false,
                },
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    ...(seed % 2 ? [{ t: 0.6, set: { down: true } }] : []),
                ],
            })
            const faults = new Set(r.rows.flatMap(row => row.faults))
            if (faults.size > 0) faulted.push(`seed ${seed}: ${[...faults]}`)
        }
        expect(faulted).toEqual([])
    })
})
