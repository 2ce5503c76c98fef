// The PRESET choice (behaviour.md): the next of 0, 15, 30, 45, 60, 90 that the effective limit
// allows, wrapping to the shallowest after the deepest allowed.

import { describe, expect, it } from "vitest"
import { PRESETS_DEG } from "../src/control/limits"
import { nextPresetDeg } from "../src/control/presets"

describe("nextPresetDeg", () => {
    it("the presets are behaviour.md's, shallowest first", () => {
        expect(PRESETS_DEG).toEqual([0, 15, 30, 45, 60, 90])
    })

    it("from home the first preset is 0 (flat)", () => {
        expect(nextPresetDeg(-65, 45)).toBe(0)
        expect(nextPresetDeg(-85, 90)).toBe(0)
    })

    it("steps to the next deeper preset the limit allows, then wraps to 0", () => {
        const seen: number[] = []
        let at = -65
        for (let i = 0; i < 6; i++) {
            at = nextPresetDeg(at, 45)
            seen.push(at)
        }
        expect(seen).toEqual([0, 15, 30, 45, 0, 15])
        expect(nextPresetDeg(45, 90)).toBe(60)
        expect(nextPresetDeg(60, 90)).toBe(90)
        expect(nextPresetDeg(90, 90)).toBe(0)
    })

    it("never offers a preset beyond the effective limit", () => {
        for (const limit of [0, 10, 15, 29.9, 30, 44, 45, 59, 60, 89, 90]) {
            for (let from = -85; from <= 90; from += 2.5) {
                const p = nextPresetDeg(from, limit)
                expect(p).toBeLessThanOrEqual(limit)
                expect(PRESETS_DEG).toContain(p)
            }
        }
    })

    it("a preset within 0.5 deg counts as here, not as the next one", () => {
        expect(nextPresetDeg(14.6, 45)).toBe(30)
        expect(nextPresetDeg(14.4, 45)).toBe(15)
        expect(nextPresetDeg(-0.4, 45)).toBe(15)
    })

    it("no preset allowed (limit below 0): NaN", () => {
        expect(nextPresetDeg(-65, -1)).toBeNaN()
    })
})
