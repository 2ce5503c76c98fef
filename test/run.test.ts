// The scenario runner: the fixed tick, when events take effect, power cycles, and determinism.
// It runs the real controller against the real table model.

import { describe, expect, it } from "vitest"
import { tickCount, tickTimeS } from "../sim/engine/clock"
import { runScenario } from "../sim/run"
import { parseScenario, Scenario } from "../sim/scenario"
import { traceToCsv, TraceRow } from "../sim/trace"

function scenario(s: object): Scenario {
    return parseScenario(JSON.stringify(s), "test.json")
}

function rowsOf(s: Scenario): TraceRow[] {
    const rows: TraceRow[] = []
    runScenario(s, row => rows.push(row))
    return rows
}

describe("ticks", () => {
    it("run every k with k/50 < durationS", () => {
        expect(tickCount(1)).toBe(50)
        expect(tickCount(1.1)).toBe(55)
        expect(tickCount(1.11)).toBe(56)
        expect(tickCount(0.001)).toBe(1)
        expect(tickCount(7200)).toBe(360000)
        for (const d of [0.02, 0.07, 0.3, 2.46, 99.99]) {
            const n = tickCount(d)
            expect(tickTimeS(n - 1)).toBeLessThan(d)
            expect(tickTimeS(n)).toBeGreaterThanOrEqual(d)
        }
    })
})

describe("runScenario", () => {
    const session = scenario({
        durationS: 20,
        seed: 11,
        settings: { progression: false },
        events: [
            { t: 0, set: { latch: true, deadman: true } },
            { t: 1.01, set: { down: true } },
            { t: 8, fault: "power-cycle" },
            { t: 12, set: { deadman: false } },
        ],
    })
    const rows = rowsOf(session)

    it("gives one row per tick at k/50 s", () => {
        expect(rows).toHaveLength(1000)
        rows.forEach((row, k) => expect(row.tS).toBe(k / 50))
    })

    it("starts the table at home and applies an event at the first tick at or after its time", () => {
        expect(rows[0].angleDeg).toBe(-65)
        expect(rows[0].latch && rows[0].deadman).toBe(true)
        // DOWN from t=1.01 is first seen by the controller in the tick at t=1.02, and not before.
        for (let k = 0; k <= 50; k++) expect(rows[k].duty).toBe(0)
        expect(rows.slice(51, 150).some(r => r.duty > 0)).toBe(true)
        expect(rows[599].deadman).toBe(true)
        expect(rows[600].deadman).toBe(false)
    })

    it("restarts the controller on a power cycle while the table keeps its angle", () => {
        const before = rows[399]
        const after = rows[400]
        expect(before.state).toBe("moving")
        expect(after.state).toBe("boot")
        expect(after.angleDeg).toBeGreaterThan(-60)
        expect(Math.abs(after.angleDeg - before.angleDeg)).toBeLessThan(0.5)
    })

    it("is deterministic for a scenario and seed, and the seed matters", () => {
        expect(traceToCsv(rowsOf(session))).toBe(traceToCsv(rows))
        const other = rowsOf({ ...session, seed: 12 })
        expect(traceToCsv(other)).not.toBe(traceToCsv(rows))
    })

    it("injects and clears table faults", () => {
        const faulty = rowsOf(
            scenario({
                durationS: 6,
                settings: { progression: false },
                events: [
                    { t: 0, set: { latch: true, deadman: true } },
                    { t: 1, set: { down: true } },
                    { t: 3, fault: "imu-i2c" },
                ],
            })
        )
        expect(faulty[149].faults).toEqual([])
        expect(faulty[299].faults).toContain("imu")
        expect(faulty[299].duty).toBe(0)
    })
})
