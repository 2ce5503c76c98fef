// Holding never drives the motor: the self-locking worm gear holds the table. The setpoint of a held
// table once followed a jumping estimate (a sensor gone wildly noisy, before the imu fault is
// raised): moved more than a degree from it, the setpoint was pulled along, the plan was no longer at
// rest, and the drive drove the table after it (test/campaign-found/
// holding-with-a-jumping-estimate-drove-the-motor.json, with the latch open: the latch rule broken).

import { describe, expect, it } from "vitest"
import { runSession } from "../sim/campaign/session"

describe("a held table with a jumping estimate", () => {
    it("with the latch open, the motor stays off after power-on, whatever the noise", () => {
        // As the session found: the sensor gone noisy from power-on, the latch opened as the start
        // ends; with the latch open only UP held may move the table, and nobody holds it.
        const driven: string[] = []
        for (let seed = 1; seed <= 60; seed++) {
            const r = runSession({
                name: "power-on with the sensor gone noisy, the latch opened",
                durationS: 4,
                seed,
                table: { imuNoise: 1 + (seed % 5), startAngleDeg: -45 },
                settings: { maxAngleDeg: 45, homeDeg: -45, progression: false },
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 0, fault: "imu-noise" },
                    { t: 0.5, set: { latch: false } },
                ],
            })
            const row = r.rows.find(x => !x.latch && x.duty !== 0)
            if (row)
                driven.push(`seed ${seed}: duty ${row.duty} at ${row.tS} s`)
        }
        expect(driven).toEqual([])
    })
})
