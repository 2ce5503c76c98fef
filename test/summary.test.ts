// The one-screen summary, from hand-made rows whose answers are known.

import { describe, expect, it } from "vitest"
import { formatSummary, summarize } from "../sim/summary"
import { TraceRow } from "../sim/trace"

function rows(
    spec: [number, number, TraceRow["state"], string[]][]
): TraceRow[] {
    return spec.map(([angleDeg, rateDps, state, faults], k) => ({
        tS: k / 50,
        angleDeg,
        estDeg: angleDeg,
        targetDeg: angleDeg,
        rateDps,
        duty: 0,
        state,
        faults,
        latch: true,
        deadman: true,
        capDeg: 45,
        sessionS: 0,
        sound: "",
    }))
}

describe("summarize", () => {
    const trace = rows([
        [-65, 0, "idle", []],
        [-1, 3, "moving", []],
        [0, 4, "moving", []],
        [10, -5, "moving", []],
        [44.5, 1, "holding", ["latch"]],
        [45, 0, "fault", ["imu", "latch"]],
        [45, 0, "fault", ["imu"]],
        [2, -4, "returning", []],
    ])
    const s = summarize(trace)

    it("finds the extremes and when they happened", () => {
        expect(s.deepestAngleDeg).toBe(45)
        expect(s.deepestAtS).toBeCloseTo(0.1, 10)
        expect(s.fastestRateDps).toBe(5)
        expect(s.fastestAtS).toBeCloseTo(0.06, 10)
    })

    it("counts time by ticks: inverted only above 0, each state, the whole run", () => {
        expect(s.durationS).toBeCloseTo(8 * 0.02, 10)
        expect(s.invertedS).toBeCloseTo(5 * 0.02, 10)
        expect(s.stateTimes.map(e => e.state)).toEqual([
            "idle",
            "moving",
            "holding",
            "fault",
            "returning",
        ])
        expect(s.stateTimes.map(e => Math.round(e.s / 0.02))).toEqual([
            1, 3, 1, 2, 1,
        ])
    })

    it("lists each fault once, with its first time, in order of appearance", () => {
        expect(s.faults.map(f => f.name)).toEqual(["latch", "imu"])
        expect(s.faults[0].firstS).toBeCloseTo(0.08, 10)
        expect(s.faults[1].firstS).toBeCloseTo(0.1, 10)
        expect(s.finalState).toBe("returning")
        expect(s.finalAngleDeg).toBe(2)
    })

    it("formats to one screen", () => {
        const text = formatSummary(s)
        expect(text.split("\n").length).toBeLessThan(24)
        expect(text).toContain("deepest angle   45.0 deg at 0.10 s")
        expect(text).toContain("fastest rate    5.00 deg/s at 0.06 s")
        expect(text).toContain("faults          latch at 0.08 s, imu at 0.10 s")
        expect(text).not.toMatch(/-0\.0+\b/)
    })

    it("copes with an empty trace", () => {
        const empty = summarize([])
        expect(empty.durationS).toBe(0)
        expect(empty.deepestAngleDeg).toBeNull()
        expect(formatSummary(empty)).toBe("duration        0.00 s (0 ticks)\n")
    })

    it("says none when no fault was seen", () => {
        expect(
            formatSummary(summarize(rows([[-65, 0, "idle", []]])))
        ).toContain("faults          none")
    })
})
