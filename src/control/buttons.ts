// The button pad rules of behaviour.md: press edges, UP and DOWN together (stop, then ignore both
// until both are released), stuck DOWN or PRESET (held over 60 s: ignored until released), and
// buttons already held when the controller starts (DOWN and PRESET must be released first, so a
// restart never resumes a move deeper on its own). PRESET acts when it is released: a tap (shorter
// than RHYTHM_HOLD_MS) picks the next preset; held RHYTHM_HOLD_MS..RHYTHM_HOLD_MAX_MS and released,
// it starts the rhythm program; held longer it does nothing.

import { RHYTHM_HOLD_MAX_MS, RHYTHM_HOLD_MS, STUCK_BUTTON_MS } from "./limits"
import { Since } from "./timer"
import { Inputs } from "./types"

/** One momentary button: level, press edge, how long it has been held. */
export class ButtonState {
    held: boolean
    pressed: boolean
    /** held since (stopped while released) */
    heldSince: Since
    /** ignored until released (stuck, or held since boot) */
    ignored: boolean
    /** released this tick after being held this long, and not ignored; -1 otherwise */
    releasedAfterMs: number

    constructor() {
        this.held = false
        this.pressed = false
        this.heldSince = new Since()
        this.ignored = false
        this.releasedAfterMs = -1
    }

    update(level: boolean, nowMs: number): void {
        this.pressed = level && !this.held
        this.releasedAfterMs =
            !level && this.held && !this.ignored
                ? this.heldSince.forMs(nowMs)
                : -1
        if (level && !this.held) this.heldSince.start(nowMs)
        if (!level) {
            this.heldSince.stop()
            this.ignored = false
        }
        this.held = level
    }

    heldForMs(nowMs: number): number {
        return this.held ? this.heldSince.forMs(nowMs) : 0
    }
}

export class ButtonPad {
    up: ButtonState
    down: ButtonState
    stop: ButtonState
    preset: ButtonState
    home: ButtonState
    /** UP and DOWN were pressed together: both ignored until both are released */
    upDownLockout: boolean
    /** the lockout began this tick: stop */
    upDownPressedTogether: boolean
    started: boolean

    constructor() {
        this.up = new ButtonState()
        this.down = new ButtonState()
        this.stop = new ButtonState()
        this.preset = new ButtonState()
        this.home = new ButtonState()
        this.upDownLockout = false
        this.upDownPressedTogether = false
        this.started = false
    }

    update(inputs: Inputs, nowMs: number): void {
        this.up.update(inputs.up, nowMs)
        this.down.update(inputs.down, nowMs)
        this.stop.update(inputs.stop, nowMs)
        this.preset.update(inputs.preset, nowMs)
        this.home.update(inputs.home, nowMs)
        if (!this.started) {
            this.started = true
            if (this.down.held) this.down.ignored = true
            if (this.preset.held) this.preset.ignored = true
            this.down.pressed = false
            this.preset.pressed = false
            this.stop.pressed = false
            this.home.pressed = false
            this.up.pressed = false
        }
        if (this.down.heldForMs(nowMs) > STUCK_BUTTON_MS)
            this.down.ignored = true
        if (this.preset.heldForMs(nowMs) > STUCK_BUTTON_MS)
            this.preset.ignored = true

        this.upDownPressedTogether = false
        if (this.up.held && this.down.held) {
            if (!this.upDownLockout) this.upDownPressedTogether = true
            this.upDownLockout = true
        } else if (!this.up.held && !this.down.held) this.upDownLockout = false
    }

    /** DOWN is held and counts. */
    downActive(): boolean {
        return this.down.held && !this.down.ignored && !this.upDownLockout
    }

    upActive(): boolean {
        return this.up.held && !this.up.ignored && !this.upDownLockout
    }

    /** STOP: whatever is held now is ignored until released; only a new press resumes. */
    consumeHeld(): void {
        if (this.up.held) this.up.ignored = true
        if (this.down.held) this.down.ignored = true
        if (this.preset.held) this.preset.ignored = true
    }

    /** PRESET released after a tap (shorter than the rhythm's hold). */
    presetTapped(): boolean {
        const ms = this.preset.releasedAfterMs
        return ms >= 0 && ms < RHYTHM_HOLD_MS
    }

    /** PRESET released after the rhythm program's hold (a deliberate gesture, never a tap). */
    rhythmAsked(): boolean {
        const ms = this.preset.releasedAfterMs
        return ms >= RHYTHM_HOLD_MS && ms <= RHYTHM_HOLD_MAX_MS
    }

    /** A button was pressed this tick (and counts): what ends the rhythm program. */
    anyPressed(): boolean {
        return (
            (this.up.pressed && !this.up.ignored) ||
            (this.down.pressed && !this.down.ignored) ||
            this.stop.pressed ||
            (this.preset.pressed && !this.preset.ignored) ||
            this.home.pressed
        )
    }

    /** PRESET has been held so long it is taken as stuck. */
    presetStuck(): boolean {
        return this.preset.held && this.preset.ignored
    }
}
