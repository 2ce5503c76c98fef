// The rhythm program (docs/exercise.md, "Rhythm"): moving gently while inverted instead of a static
// hold. Started at the pad on purpose (PRESET held RHYTHM_HOLD_MS..RHYTHM_HOLD_MAX_MS, then
// released; buttons.ts), it moves the table between the angle it started at and RHYTHM_SPAN_DEG
// shallower (never shallower than flat, never deeper than the deepest angle allowed), at no more
// than RHYTHM_RATE_DPS with the acceleration limit, pausing RHYTHM_PAUSE_MS at each end. What ends
// it (any button, the grip, a fault, the session limit, a change of mode) is the pad's and the
// supervisor's business: this file only says where the table heads next.

import { RHYTHM_MIN_SPAN_DEG, RHYTHM_PAUSE_MS, RHYTHM_SPAN_DEG } from "./limits"
import { Deadline } from "./timer"

/** Heading for the shallow end, or for the deep one. */
export const LEG_SHALLOWER = 0
export const LEG_DEEPER = 1

export class Rhythm {
    deepDeg: number
    shallowDeg: number
    leg: number
    /** pausing at an end until then */
    pause: Deadline
    pausing: boolean

    constructor() {
        this.deepDeg = 0
        this.shallowDeg = 0
        this.leg = LEG_SHALLOWER
        this.pause = new Deadline()
        this.pausing = false
    }

    /**
     * Begin from where the table would come to rest, within the deepest angle allowed. False when
     * there is no span to move in (the table at or near flat, or shallower).
     */
    start(fromDeg: number, deepestDeg: number): boolean {
        const deep = fromDeg < deepestDeg ? fromDeg : deepestDeg
        const shallow = deep - RHYTHM_SPAN_DEG > 0 ? deep - RHYTHM_SPAN_DEG : 0
        if (deep - shallow < RHYTHM_MIN_SPAN_DEG) return false
        this.deepDeg = deep
        this.shallowDeg = shallow
        this.leg = LEG_SHALLOWER
        this.pausing = false
        this.pause.clear()
        return true
    }

    /** The end the table heads for now, never deeper than `deepestDeg` (it can only have fallen). */
    targetDeg(deepestDeg: number): number {
        const t = this.leg === LEG_DEEPER ? this.deepDeg : this.shallowDeg
        return t < deepestDeg ? t : deepestDeg
    }

    /**
     * Once per tick: when the table has arrived at the end it headed for, pause there, then turn.
     */
    advance(nowMs: number, arrived: boolean): void {
        if (this.pausing) {
            if (this.pause.passed(nowMs)) {
                this.pausing = false
                this.leg = this.leg === LEG_DEEPER ? LEG_SHALLOWER : LEG_DEEPER
            }
            return
        }
        if (arrived) {
            this.pausing = true
            this.pause.setIn(nowMs, RHYTHM_PAUSE_MS)
        }
    }

    /** Heading deeper, and moving (a pause at the deep end goes nowhere). */
    goingDeeper(): boolean {
        return this.leg === LEG_DEEPER && !this.pausing
    }
}
