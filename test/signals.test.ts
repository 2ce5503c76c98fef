// Buzzer and LED patterns (src/hw/signals.ts).

import { describe, expect, it } from "vitest"
import {
    ALARM_BEEP_MS,
    ALARM_TONE_HZ,
    ALARM_PERIOD_MS,
    BUZZER_PATTERNS,
    ONCE_PERIOD_MS,
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
import {
    CAP_SOUND_MS,
    COUNTED_SOUND_MS,
    RHYTHM_SOUND_MS,
    SOUND_NAMES,
} from "../src/control/exercise"
import { FAULT_TABLE } from "../src/control/faultTable"

/** Runs the pattern every 50 ms for `ms` with one sound, returning [time, tone] of every tone started. */
function play(
    p: BuzzerPattern,
    from: number,
    ms: number,
    sound: string
): [number, Tone][] {
    const out: [number, Tone][] = []
    for (let t = from; t < from + ms; t += 50) {
        const tone = p.update(t, sound)
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
    it("is silent without a sound, and for a name without a pattern", () => {
        expect(play(new BuzzerPattern(), 0, 5000, "")).toEqual([])
        expect(play(new BuzzerPattern(), 0, 5000, "kazoo")).toEqual([])
    })

    it("has one pattern per sound the controller names, and none it does not", () => {
        expect(BUZZER_PATTERNS.map(p => p.sound).sort()).toEqual(
            [...SOUND_NAMES].sort()
        )
        for (const p of BUZZER_PATTERNS) {
            expect(p.gapMs, p.sound).toBeGreaterThan(p.beepMs)
            expect(p.beeps * p.gapMs, p.sound).toBeLessThan(p.periodMs)
        }
    })

    it("tells the faults apart: each alarm beeps as often as its place in the fault table", () => {
        const counts = FAULT_TABLE.map((row, i) => {
            if (row.kind !== "alarm") return null
            const tones = play(
                new BuzzerPattern(),
                0,
                ALARM_PERIOD_MS,
                "alarm-" + row.name
            )
            expect(
                tones.every(([, t]) => t.frequencyHz === ALARM_TONE_HZ)
            ).toBe(true)
            expect(tones.length, row.name).toBe(i + 1)
            return tones.length
        }).filter(n => n !== null)
        expect(new Set(counts).size).toBe(counts.length)
    })

    it("beeps an alarm at once and again every period", () => {
        const tones = play(new BuzzerPattern(), 1000, 7000, "alarm-imu")
        expect(tones.map(([t]) => t)).toEqual([
            1000,
            1000 + ALARM_PERIOD_MS,
            1000 + 2 * ALARM_PERIOD_MS,
        ])
        expect(tones[0][1]).toEqual({
            frequencyHz: ALARM_TONE_HZ,
            durationMs: ALARM_BEEP_MS,
        })
    })

    it("sounds three warning beeps, repeated every 10 s", () => {
        const tones = play(new BuzzerPattern(), 0, 25000, "warning")
        expect(tones.map(([t]) => t)).toEqual([
            0, 300, 600, 10000, 10300, 10600, 20000, 20300, 20600,
        ])
        expect(
            tones.every(([, tone]) => tone.frequencyHz === WARNING_TONE_HZ)
        ).toBe(true)
    })

    it("plays a one-shot once, and restarts a pattern when its sound returns", () => {
        const p = new BuzzerPattern()
        expect(play(p, 0, 1500, "counted").map(([t]) => t)).toEqual([0, 400])
        expect(play(p, 1500, 1000, "")).toEqual([])
        expect(play(p, 2500, 100, "warning").map(([t]) => t)).toEqual([2500])
        expect(play(p, 2600, 900, "cap").map(([t]) => t)).toEqual([2600])
    })

    it("does not burst after a late call: one beep, then back on the grid", () => {
        const p = new BuzzerPattern()
        expect(p.update(0, "alarm-imu")).not.toBeNull()
        // Called again only two periods later: the missed beep is skipped, this one sounds.
        expect(p.update(2 * ALARM_PERIOD_MS + 10, "alarm-imu")).not.toBeNull()
        expect(p.update(2 * ALARM_PERIOD_MS + 60, "alarm-imu")).toBeNull()
        expect(p.update(3 * ALARM_PERIOD_MS, "alarm-imu")).not.toBeNull()
    })
})

describe("one-shot sounds", () => {
    it("last less than their pattern's period (so each plays once) and longer than their beeps", () => {
        const lasting: [string, number][] = [
            ["cap", CAP_SOUND_MS],
            ["counted", COUNTED_SOUND_MS],
            ["rhythm", RHYTHM_SOUND_MS],
        ]
        for (const [sound, ms] of lasting) {
            const p = BUZZER_PATTERNS.find(x => x.sound === sound)!
            expect(p.periodMs, sound).toBe(ONCE_PERIOD_MS)
            expect(ms, sound).toBeLessThan(p.periodMs)
            expect(ms, sound).toBeGreaterThanOrEqual(
                (p.beeps - 1) * p.gapMs + p.beepMs
            )
        }
    })
})
