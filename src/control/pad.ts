// The `ready` mode's rules: what the button pad does while the table may move (docs/behaviour.md,
// "Button pad"): DOWN, UP and PRESET moves, the rhythm program (rhythm.ts), and the safety stops that
// end them (STOP, UP and DOWN together, going deeper without grip, settled latch or a clear fault).
// The automatic returns that can start from here are in returns.ts; the supervisor puts the two
// together.

import { ButtonPad } from "./buttons"
import { AT_HOME_TOLERANCE_DEG, RHYTHM_RATE_DPS } from "./limits"
import { MotionRequest } from "./motion"
import { nextPresetDeg } from "./presets"
import { Rhythm } from "./rhythm"
import { Deadline } from "./timer"
import type { World } from "./world"

/** What the pad has the table doing. */
export const PAD_NONE = 0
export const PAD_DOWN = 1
export const PAD_UP = 2
export const PAD_PRESET = 3
export const PAD_RHYTHM = 4

/** Arrived at a rhythm's end: the setpoint at rest within this of it. */
const RHYTHM_ARRIVED_DEG = 0.05

export class PadMoves {
    intent: number
    presetTargetDeg: number
    rhythm: Rhythm
    /** the rhythm program started this tick (for its sound) */
    rhythmStarted: boolean

    constructor() {
        this.intent = PAD_NONE
        this.presetTargetDeg = 0
        this.rhythm = new Rhythm()
        this.rhythmStarted = false
    }

    /** The move under way goes deeper (from the home band on: below it, "deeper" leads home). */
    goingDeeper(w: World, homeDeg: number): boolean {
        return (
            this.intent === PAD_DOWN ||
            (this.intent === PAD_PRESET &&
                this.presetTargetDeg > w.setpointDeg) ||
            (this.intent === PAD_RHYTHM && this.rhythm.goingDeeper()) ||
            (w.setpointVelDps > 0 &&
                w.setpointDeg >= homeDeg - AT_HOME_TOLERANCE_DEG)
        )
    }

    /**
     * The safety stops, first of all: true when the drive must be cut this tick. STOP, or UP and DOWN
     * pressed together (medical beds stop every movement when two buttons are pressed at once): stop
     * at once and hold, whatever is moving, automatic returns included; what is held is ignored until
     * released; a return that is still due resumes after the grace period (`returnsHeld`). A move
     * going deeper without the grip, a settled latch or a clear allowance is cut too.
     */
    safetyStop(
        w: World,
        b: ButtonPad,
        deeperAllowedNow: boolean,
        homeDeg: number,
        returnsHeld: Deadline,
        graceMs: number
    ): boolean {
        if (b.stop.pressed || b.upDownPressedTogether) {
            this.intent = PAD_NONE
            b.consumeHeld()
            returnsHeld.setIn(w.nowMs, graceMs)
            return true
        }
        if (this.goingDeeper(w, homeDeg) && !deeperAllowedNow) {
            this.intent = PAD_NONE
            return true
        }
        return false
    }

    /**
     * The pad's commands this tick. `mayGoDeeper`: grip, settled latch, no fault, the session not
     * over, the angle known. Returns true when HOME was pressed (a return home is asked for).
     */
    commands(
        w: World,
        b: ButtonPad,
        mayGoDeeper: boolean,
        stopDeg: number
    ): boolean {
        const grip = w.inputs.grip
        this.rhythmStarted = false
        // The rhythm program ends at once with any button pressed, the grip let go, or a leg deeper
        // that may not go deeper now; the press then does what it always does (a PRESET press is
        // spent on ending it, so that its release picks no preset).
        if (this.intent === PAD_RHYTHM) {
            const pressed = b.anyPressed()
            if (
                pressed ||
                !grip ||
                (this.rhythm.goingDeeper() && !mayGoDeeper)
            ) {
                this.intent = PAD_NONE
                if (b.preset.pressed) b.preset.ignored = true
            }
        }
        if (b.downActive() && mayGoDeeper && this.intent !== PAD_DOWN)
            this.intent = PAD_DOWN
        else if (this.intent === PAD_DOWN && (!b.downActive() || !mayGoDeeper))
            this.intent = PAD_NONE

        if (b.upActive() && this.intent !== PAD_UP) this.intent = PAD_UP
        else if (this.intent === PAD_UP && !b.upActive()) this.intent = PAD_NONE

        if (b.presetTapped() && grip) {
            // The next preset beyond where the table is heading, or would come to rest.
            const from =
                this.intent === PAD_PRESET ? this.presetTargetDeg : stopDeg
            const p = nextPresetDeg(from, w.effectiveMaxDeg)
            if (!isNaN(p) && (p <= w.setpointDeg || mayGoDeeper)) {
                this.intent = PAD_PRESET
                this.presetTargetDeg = p
            }
        }
        if (this.intent === PAD_PRESET) {
            const deeper = this.presetTargetDeg > w.setpointDeg
            if (!grip || (deeper && (!mayGoDeeper || b.presetStuck())))
                this.intent = PAD_NONE
        }
        // The rhythm program: PRESET held for its hold and released, with everything a move deeper
        // needs (it comes back down to where it started).
        if (
            b.rhythmAsked() &&
            mayGoDeeper &&
            this.rhythm.start(stopDeg, w.effectiveMaxDeg)
        ) {
            this.intent = PAD_RHYTHM
            this.rhythmStarted = true
        }
        if (this.intent === PAD_RHYTHM)
            this.rhythm.advance(
                w.nowMs,
                w.setpointArrived &&
                    Math.abs(
                        w.setpointDeg - this.rhythm.targetDeg(w.effectiveMaxDeg)
                    ) <= RHYTHM_ARRIVED_DEG
            )
        return b.home.pressed
    }

    /** Where the pad's move heads this tick (null: no move of the pad's). */
    request(
        req: MotionRequest,
        w: World,
        homeDeg: number,
        maxRateDps: number,
        returnRateDps: number
    ): MotionRequest | null {
        if (this.intent === PAD_DOWN)
            return req.moveTo(w.effectiveMaxDeg, maxRateDps)
        if (this.intent === PAD_UP) return req.moveTo(homeDeg, returnRateDps)
        if (this.intent === PAD_PRESET) {
            const deeper = this.presetTargetDeg > w.setpointDeg
            return req.moveTo(
                this.presetTargetDeg,
                deeper ? maxRateDps : returnRateDps
            )
        }
        if (this.intent === PAD_RHYTHM) {
            const rate = this.rhythm.goingDeeper() ? maxRateDps : returnRateDps
            return req.moveTo(
                this.rhythm.targetDeg(w.effectiveMaxDeg),
                rate < RHYTHM_RATE_DPS ? rate : RHYTHM_RATE_DPS
            )
        }
        return null
    }
}
