// The helper's UP on a jammed drive (the stall fault, the latch open): UP held drives toward home
// until the table has not followed for FAULT_UP_NO_PROGRESS_MS; UP released before that once left
// the drive pushing on against the jam for good, toward a stop its setpoint could never reach (the
// setpoint never runs more than MAX_TRACKING_LAG_DEG ahead of the table), with the latch open: the
// mixed soak found it (test/campaign-found/helper-up-released-on-a-jammed-drive-pushed-on.json). A
// release with the table not following now cuts the drive (recovery.ts, HelperUp).

import { describe, expect, it } from "vitest"
import { runSession } from "../sim/campaign/session"

function session(upForS: number, accelDps2: number) {
    return runSession({
        name: `UP held ${upForS} s on a jammed drive`,
        durationS: 14,
        seed: 5,
        table: { startAngleDeg: -30, userMassKg: 80, imuNoise: 1 },
        settings: {
            maxAngleDeg: 45,
            returnRateDps: 2,
            accelDps2,
            deadmanGraceS: 1,
            homeDeg: -45,
            progression: false,
        },
        events: [
            { t: 0, set: { latch: true, deadman: true }, fault: "motor-stall" },
            { t: 0.5, set: { latch: false } },
            { t: 1, set: { up: true } },
            { t: 7, set: { up: false } },
            { t: 8, set: { up: true } },
            { t: 8 + upForS, set: { up: false } },
        ],
    })
}

describe("the helper's UP released on a jammed drive", () => {
    for (const accelDps2 of [1, 2, 10])
        for (const upForS of [0.3, 0.9, 1.5])
            it(`UP held ${upForS} s (accelDps2 ${accelDps2}): the drive is off once the release's stop is over, every rule kept`, () => {
                const r = session(upForS, accelDps2)
                expect(r.rows.some(x => x.faults.includes("stall"))).toBe(true)
                // The longest stop a release can ask for: from the helper's rate (returnRateDps 2)
                // at accelDps2, and a tick to see the release. Before the fix the drive ran on to
                // the end of the session.
                const offByS = 8 + upForS + 2 / accelDps2 + 0.04
                const after = r.rows.filter(x => x.tS >= offByS)
                expect(after.filter(x => x.duty !== 0).map(x => x.tS)).toEqual(
                    []
                )
                expect(r.violations).toEqual([])
            })
})
