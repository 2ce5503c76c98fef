// What the buzzer and the status LED say: the pure half of annunciator.ts (host-tested in
// test/signals.test.ts). Time in, commands out; cheap: a few packets per second at most.
//
// Buzzer
//   fault alarm (Outputs.alarm): a 2.5 kHz beep of 400 ms every second, for as long as it lasts;
//   session warning (Outputs.warning, 30 s before the limit): three 150 ms beeps at 1.5 kHz,
//   repeated every 10 s. The alarm wins over the warning.
// LED (colour for an RGB LED; a single LED shows on/off)
//   boot: off; idle: steady green; service: blue, slow blink (1 s on, 1 s off);
//   moving / returning: amber, blinking 1 Hz; holding / deadman: steady amber;
//   fault: red, blinking 2 Hz.

export const ALARM_TONE_HZ = 2500
export const ALARM_BEEP_MS = 400
export const ALARM_PERIOD_MS = 1000
export const WARNING_TONE_HZ = 1500
export const WARNING_BEEP_MS = 150
/** the three warning beeps start this far apart */
export const WARNING_BEEP_SPACING_MS = 300
export const WARNING_PERIOD_MS = 10000
export const TONE_VOLUME = 0.5

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
 * The buzzer's sequencer. Call `update` every few tens of milliseconds; it returns the tone to start
 * now, or null. Patterns restart when their condition starts.
 */
export class BuzzerPattern {
    /** when the current alarm or warning pattern started; -1 when none is sounding */
    alarmSinceMs: number
    warningSinceMs: number
    /** index of the next beep to start within the current pattern */
    nextBeep: number

    constructor() {
        this.alarmSinceMs = -1
        this.warningSinceMs = -1
        this.nextBeep = 0
    }

    update(nowMs: number, alarm: boolean, warning: boolean): Tone | null {
        if (alarm) {
            this.warningSinceMs = -1
            if (this.alarmSinceMs < 0) {
                this.alarmSinceMs = nowMs
                this.nextBeep = 0
            }
            const due = this.alarmSinceMs + this.nextBeep * ALARM_PERIOD_MS
            if (nowMs >= due) {
                // Skip beeps missed while the caller was late: one beep now, the next on the grid.
                this.nextBeep =
                    Math.floor((nowMs - this.alarmSinceMs) / ALARM_PERIOD_MS) +
                    1
                return { frequencyHz: ALARM_TONE_HZ, durationMs: ALARM_BEEP_MS }
            }
            return null
        }
        this.alarmSinceMs = -1
        if (warning) {
            if (this.warningSinceMs < 0) {
                this.warningSinceMs = nowMs
                this.nextBeep = 0
            }
            const cycle = Math.floor(
                (nowMs - this.warningSinceMs) / WARNING_PERIOD_MS
            )
            const inCycle =
                nowMs - this.warningSinceMs - cycle * WARNING_PERIOD_MS
            const beep = Math.floor(inCycle / WARNING_BEEP_SPACING_MS)
            const index = cycle * 3 + beep
            if (beep < 3 && index >= this.nextBeep) {
                this.nextBeep = index + 1
                return {
                    frequencyHz: WARNING_TONE_HZ,
                    durationMs: WARNING_BEEP_MS,
                }
            }
            return null
        }
        this.warningSinceMs = -1
        return null
    }
}
