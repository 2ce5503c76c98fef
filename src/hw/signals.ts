// What the buzzer and the status LED say: the pure half of annunciator.ts (host-tested in
// test/signals.test.ts). Time in, commands out; cheap: a few packets per second at most.
//
// Buzzer: one pattern per sound the controller names (Outputs.sound, the trace's `sound` column:
// src/control/exercise.ts SOUND_NAMES), listed in BUZZER_PATTERNS (docs/exercise.md shows the table,
// checked by a test). The controller decides which sound wins (a fault's alarm, then the session
// warning, then a one-shot); this file only plays it. A pattern is `beeps` beeps of `beepMs` at
// `toneHz`, `gapMs` apart, starting again every `periodMs` while its sound lasts. A fault's alarm
// says which fault it is: as many short beeps as the fault's place in the fault table.
// LED (colour for an RGB LED; a single LED shows on/off)
//   boot: off; idle: steady green; service: blue, slow blink (1 s on, 1 s off);
//   moving / returning: amber, blinking 1 Hz; holding / deadman: steady amber;
//   fault: red, blinking 2 Hz.

import { FAULT_TABLE } from "../control/faultTable"

export const ALARM_TONE_HZ = 2500
export const ALARM_BEEP_MS = 150
export const ALARM_GAP_MS = 150
export const ALARM_PERIOD_MS = 3000
export const WARNING_TONE_HZ = 1500
export const WARNING_BEEP_MS = 150
/** the three warning beeps start this far apart */
export const WARNING_BEEP_SPACING_MS = 300
export const WARNING_PERIOD_MS = 10000
export const TONE_VOLUME = 0.5
/** The period of a one-shot's pattern: longer than any one-shot lasts, so it plays once. */
export const ONCE_PERIOD_MS = 60000

/** A buzzer pattern (see the top of this file). */
export interface BuzzerPatternSpec {
    sound: string
    toneHz: number
    beeps: number
    beepMs: number
    /** from the start of one beep to the start of the next */
    gapMs: number
    periodMs: number
}

function buzzerPatterns(): BuzzerPatternSpec[] {
    const out: BuzzerPatternSpec[] = [
        {
            sound: "warning",
            toneHz: WARNING_TONE_HZ,
            beeps: 3,
            beepMs: WARNING_BEEP_MS,
            gapMs: WARNING_BEEP_SPACING_MS,
            periodMs: WARNING_PERIOD_MS,
        },
        {
            sound: "cap",
            toneHz: 1000,
            beeps: 1,
            beepMs: 400,
            gapMs: 500,
            periodMs: ONCE_PERIOD_MS,
        },
        {
            sound: "counted",
            toneHz: 2000,
            beeps: 2,
            beepMs: 200,
            gapMs: 400,
            periodMs: ONCE_PERIOD_MS,
        },
        {
            sound: "rhythm",
            toneHz: 1500,
            beeps: 2,
            beepMs: 80,
            gapMs: 160,
            periodMs: ONCE_PERIOD_MS,
        },
    ]
    for (let i = 0; i < FAULT_TABLE.length; i++) {
        const row = FAULT_TABLE[i]
        if (row.kind !== "alarm") continue
        out.push({
            sound: "alarm-" + row.name,
            toneHz: ALARM_TONE_HZ,
            beeps: i + 1,
            beepMs: ALARM_BEEP_MS,
            gapMs: ALARM_BEEP_MS + ALARM_GAP_MS,
            periodMs: ALARM_PERIOD_MS,
        })
    }
    return out
}

/** Every sound's pattern: one row per name of SOUND_NAMES (a test checks both ways). */
export const BUZZER_PATTERNS: BuzzerPatternSpec[] = buzzerPatterns()

/** The pattern of a sound, or null (silence, or a name without one). */
export function patternOf(sound: string): BuzzerPatternSpec | null {
    for (const p of BUZZER_PATTERNS) if (p.sound === sound) return p
    return null
}

export const COLOR_OFF = 0x000000
export const COLOR_GREEN = 0x00ff00
export const COLOR_AMBER = 0xff8000
export const COLOR_RED = 0xff0000
export const COLOR_BLUE = 0x0000ff

/** A tone to start now. */
export interface Tone {
    frequencyHz: number
    durationMs: number
}

/** The LED's colour at `nowMs` for a state (blinking is derived from the clock, so it is stateless). */
export function ledColor(state: string, alarm: boolean, nowMs: number): number {
    if (alarm || state === "fault")
        return nowMs % 500 < 250 ? COLOR_RED : COLOR_OFF
    if (state === "boot") return COLOR_OFF
    if (state === "idle") return COLOR_GREEN
    if (state === "service") return nowMs % 2000 < 1000 ? COLOR_BLUE : COLOR_OFF
    if (state === "moving" || state === "returning")
        return nowMs % 1000 < 500 ? COLOR_AMBER : COLOR_OFF
    return COLOR_AMBER
}

/**
 * The buzzer's sequencer. Call `update` every few tens of milliseconds with the sound the controller
 * names; it returns the tone to start now, or null. A pattern starts from its beginning when its
 * sound starts; beeps missed while the caller was late are skipped (the next one is on the grid).
 */
export class BuzzerPattern {
    /** the sound playing, "" for silence */
    sound: string
    pattern: BuzzerPatternSpec | null
    sinceMs: number
    /** index of the next beep (counted over the periods since it started) */
    nextBeep: number

    constructor() {
        this.sound = ""
        this.pattern = null
        this.sinceMs = -1
        this.nextBeep = 0
    }

    update(nowMs: number, sound: string): Tone | null {
        if (sound !== this.sound) {
            this.sound = sound
            this.pattern = patternOf(sound)
            this.sinceMs = nowMs
            this.nextBeep = 0
        }
        const p = this.pattern
        if (p === null) return null
        const elapsed = nowMs - this.sinceMs
        const cycle = Math.floor(elapsed / p.periodMs)
        const beep = Math.floor((elapsed - cycle * p.periodMs) / p.gapMs)
        const index = cycle * p.beeps + beep
        if (beep < p.beeps && index >= this.nextBeep) {
            this.nextBeep = index + 1
            return { frequencyHz: p.toneHz, durationMs: p.beepMs }
        }
        return null
    }
}
