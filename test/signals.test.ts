// Buzzer and LED patterns (src/hw/signals.ts).

import { describe, expect, it } from "vitest"
import {
    ALARM_BEEP_MS,
    ALARM_TONE_HZ,
    BuzzerPattern,
    COLOR_AMBER,
    COLOR_BLUE,
    COLOR_GREEN,
    COLOR_OFF,
    COLOR_RED,
    Tone,
    WARNING_TONE_HZ,
    ledColor,
} from "../src/hw/signals"

/** Runs the pattern every 50 ms for `ms`, returning [time, tone] of every tone started. */
function play(
    p: BuzzerPattern,
    from: number,
    ms: number,
    alarm: boolean,
    warning: boolean
): [number, Tone][] {
    const out: [number, Tone][] = []
    for (let t = from; t < from + ms; t += 50) {
        const tone = p.update(t, alarm, warning)
        if (tone) out.push([t, tone])
    }
    return out
}

describe("ledColor", () => {
    it("shows the state", () => {
        expect(ledColor("boot", false, 0)).toBe(COLOR_OFF)
        expect(ledColor("idle", false, 0)).toBe(COLOR_GREEN)
        expect(ledColor("idle", false, 777)).toBe(COLOR_GREEN)
        expect(ledColor("holding", false, 0)).toBe(COLOR_AMBER)
        expect(ledColor("deadman", false, 600)).toBe(COLOR_AMBER)
        expect(ledColor("moving", false, 100)).toBe(COLOR_AMBER)
        expect(ledColor("moving", false, 600)).toBe(COLOR_OFF)
        expect(ledColor("returning", false, 600)).toBe(COLOR_OFF)
        expect(ledColor("service", false, 500)).toBe(COLOR_BLUE)
        expect(ledColor("service", false, 1500)).toBe(COLOR_OFF)
        expect(ledColor("fault", true, 100)).toBe(COLOR_RED)
        expect(ledColor("fault", true, 300)).toBe(COLOR_OFF)
        expect(ledColor("idle", true, 100)).toBe(COLOR_RED)
    })

    it("changes at most 4 times a second (each change is one packet)", () => {
        for (const [state, alarm] of [
            ["fault", true],
            ["moving", false],
            ["service", false],
            ["idle", false],
        ] as [string, boolean][]) {
            let changes = 0
            let last = ledColor(state, alarm, 0)
            for (let t = 10; t <= 10000; t += 10) {
                const c = ledColor(state, alarm, t)
                if (c !== last) changes++
                last = c
            }
            expect(changes).toBeLessThanOrEqual(40)
        }
    })
})

describe("BuzzerPattern", () => {
    it("is silent without alarm or warning", () => {
        expect(play(new BuzzerPattern(), 0, 5000, false, false)).toEqual([])
    })

    it("beeps the alarm at once and then every second", () => {
        const tones = play(new BuzzerPattern(), 1000, 3500, true, false)
        expect(tones.map(([t]) => t)).toEqual([1000, 2000, 3000, 4000])
        expect(tones[0][1]).toEqual({
            frequencyHz: ALARM_TONE_HZ,
            durationMs: ALARM_BEEP_MS,
        })
    })

    it("sounds three warning beeps, repeated every 10 s", () => {
        const tones = play(new BuzzerPattern(), 0, 25000, false, true)
        expect(tones.map(([t]) => t)).toEqual([
            0, 300, 600, 10000, 10300, 10600, 20000, 20300, 20600,
        ])
        expect(
            tones.every(([, tone]) => tone.frequencyHz === WARNING_TONE_HZ)
        ).toBe(true)
    })

    it("lets the alarm win over the warning, and restarts a pattern when its condition returns", () => {
        const p = new BuzzerPattern()
        expect(
            play(p, 0, 1500, true, true).every(
                ([, tone]) => tone.frequencyHz === ALARM_TONE_HZ
            )
        ).toBe(true)
        expect(play(p, 1500, 1000, false, false)).toEqual([])
        expect(play(p, 2500, 100, false, true).map(([t]) => t)).toEqual([2500])
    })

    it("does not burst after a late call: one beep, then back on the grid", () => {
        const p = new BuzzerPattern()
        expect(p.update(0, true, false)).not.toBeNull()
        expect(p.update(3500, true, false)).not.toBeNull()
        expect(p.update(3550, true, false)).toBeNull()
        expect(p.update(4000, true, false)).not.toBeNull()
    })
})
