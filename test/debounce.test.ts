// The switch debouncer (src/hw/debounce.ts); also checked in the VM by test/device/hw.dtest.ts.

import { describe, expect, it } from "vitest"
import { DEBOUNCE_TICKS, Debouncer, rawLevel } from "../src/hw/debounce"

function feed(d: Debouncer, levels: boolean[]): boolean[] {
    return levels.map(l => d.update(l))
}

describe("Debouncer", () => {
    it("holds a level for two consecutive 20 ms ticks before believing it", () => {
        expect(DEBOUNCE_TICKS).toBe(2)
        const d = new Debouncer(DEBOUNCE_TICKS)
        expect(feed(d, [true, true, true])).toEqual([false, true, true])
        expect(feed(d, [false, false, false])).toEqual([true, false, false])
    })

    it("starts released/open", () => {
        expect(new Debouncer(2).level).toBe(false)
        expect(new Debouncer(2).update(false)).toBe(false)
    })

    it("ignores a one-tick glitch either way", () => {
        const d = new Debouncer(2)
        expect(feed(d, [true, false, true, false, false])).toEqual([
            false,
            false,
            false,
            false,
            false,
        ])
        feed(d, [true, true])
        expect(feed(d, [false, true, false, true, true])).toEqual([
            true,
            true,
            true,
            true,
            true,
        ])
    })

    it("restarts the count when the raw level flips back", () => {
        const d = new Debouncer(3)
        expect(feed(d, [true, true, false, true, true, true])).toEqual([
            false,
            false,
            false,
            false,
            false,
            true,
        ])
    })

    it("with one tick follows the raw level at once", () => {
        const d = new Debouncer(1)
        expect(feed(d, [true, false, true])).toEqual([true, false, true])
        expect(new Debouncer(0).ticks).toBe(1)
    })

    it("prime takes a level at once (a button held when the firmware starts), then debounces as usual", () => {
        const d = new Debouncer(2)
        d.prime(true)
        expect(d.level).toBe(true)
        expect(feed(d, [true, false, true, false, false])).toEqual([
            true,
            true,
            true,
            true,
            false,
        ])
        d.prime(false)
        expect(d.update(true)).toBe(false)
    })

    it("reset goes back to released", () => {
        const d = new Debouncer(2)
        feed(d, [true, true])
        d.reset()
        expect(d.level).toBe(false)
        expect(d.update(true)).toBe(false)
    })
})

describe("rawLevel: the wiring rule in software", () => {
    it("reads released/open unless the role is bound, has reported, and reports pressed/closed", () => {
        expect(rawLevel(true, true, true)).toBe(true)
        expect(rawLevel(false, true, true)).toBe(false)
        expect(rawLevel(true, false, true)).toBe(false)
        expect(rawLevel(true, true, false)).toBe(false)
    })
})
