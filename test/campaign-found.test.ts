// Sessions the proof campaign found breaking a contract rule, shrunk, kept as they were found: each
// must now hold every rule. The message of the commit that added each says what was wrong.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { checkTrace } from "../sim/check"
import { runSession } from "../sim/campaign/session"

const DIR = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    "campaign-found"
)

describe("sessions the campaign found", () => {
    for (const file of fs.readdirSync(DIR).filter(f => f.endsWith(".json")))
        it(file, () => {
            const json = JSON.parse(
                fs.readFileSync(path.join(DIR, file), "utf8")
            )
            expect(runSession(json, file).violations).toEqual([])
        })
})

describe("the rules the campaign corrected still catch what they are for", () => {
    it("open-loop-ramp: a jump in the rate once the cut's stop is over", () => {
        // As in imu-fault-during-up-cut-then-ramp.json, an imu fault while UP is held: UP goes on
        // open-loop. (That session's imu fault now comes from its noise, before the table has moved.)
        const r = runSession({
            name: "an imu fault while UP brings the table home: UP goes on open-loop",
            durationS: 40,
            seed: 3,
            settings: { maxAngleDeg: 45, progression: false },
            events: [
                { t: 0, set: { latch: true, deadman: true } },
                { t: 1, set: { down: true } },
                { t: 15, set: { down: false } },
                { t: 16, set: { up: true } },
                { t: 18, fault: "imu-i2c" },
                { t: 30, set: { up: false } },
            ],
        })
        // The middle of the open-loop drive, long after the cut.
        const open = r.rows
            .map((row, i) =>
                row.faults.includes("imu") && row.duty !== 0 ? i : -1
            )
            .filter(i => i >= 0)
        const k = open[Math.floor(open.length / 2)]
        expect(k).toBeGreaterThan(50)
        const doctored = r.rows.map((row, i) =>
            i >= k - 2 && i <= k ? { ...row, rateDps: row.rateDps - 3 } : row
        )
        expect(checkTrace(r.scenario, doctored).map(v => v.rule)).toContain(
            "open-loop-ramp"
        )
    })
})
