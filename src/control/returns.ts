// The `returning` mode: a return home (HOME pressed, the grip let go past the grace period, the
// session over), the pause near flat on the way, and what holds an automatic return back (a STOP).
// See docs/behaviour.md, "Dead-man release" and "Session".

import {
    RETURN_PAUSE_AT_DEG,
    RETURN_PAUSE_FROM_DEG,
    RETURN_PAUSE_MS,
} from "./limits"
import { MotionRequest } from "./motion"
import { SETTLE_TOLERANCE_DEG } from "./tuning"
import { Deadline, Since } from "./timer"
import { SessionClock } from "./session"
import type { World } from "./world"

/** Why a return home is under way. */
export type ReturnReason = "home" | "deadman" | "session"

/** The phases of a return: to the pause near flat, the pause, then home. */
export const PHASE_TO_PAUSE = 0
export const PHASE_PAUSING = 1
export const PHASE_TO_HOME = 2

export class Returns {
    reason: ReturnReason
    phase: number
    pauseAtDeg: number
    pauseEnd: Deadline
    /** how much of the pause near flat this trip still owes (an interrupted pause goes on with what
     *  is left when the return resumes: taken once per trip, never again in full) */
    pauseLeftMs: number
    /** the deepest estimate since the table was last at home */
    deepestSinceHomeDeg: number
    /** automatic returns wait until then (a STOP press holds them for the grace period) */
    held: Deadline

    constructor(homeDeg: number) {
        this.reason = "home"
        this.phase = PHASE_TO_HOME
        this.pauseAtDeg = RETURN_PAUSE_AT_DEG
        this.pauseEnd = new Deadline()
        this.pauseLeftMs = RETURN_PAUSE_MS
        this.deepestSinceHomeDeg = homeDeg
        this.held = new Deadline()
    }

    /** Every tick the angle is known: the trip's deepest point; at home a new trip begins. */
    track(w: World, atHome: boolean): void {
        if (!w.estTrusted) return
        if (atHome) {
            this.deepestSinceHomeDeg = w.estDeg
            this.pauseLeftMs = RETURN_PAUSE_MS
        } else if (w.estDeg > this.deepestSinceHomeDeg)
            this.deepestSinceHomeDeg = w.estDeg
    }

    /** An automatic return is due: the grip released past the grace period, or the session over. */
    due(
        nowMs: number,
        gripReleased: Since,
        session: SessionClock,
        graceMs: number
    ): boolean {
        if (!this.held.passed(nowMs)) return false
        return session.expired || gripReleased.atLeast(nowMs, graceMs)
    }

    /**
     * A return begins. From deeper than 30 it pauses near flat once per trip before going upright
     * (what an interrupted pause left, when the return resumes); the pause
     * is where the table can stop at or above 5 degrees, never deeper than it is (`stopDeg`: where it
     * would come to rest now), and it is skipped when the table is already past flat.
     */
    start(reason: ReturnReason, stopDeg: number): void {
        this.reason = reason
        this.phase = PHASE_TO_HOME
        if (
            this.deepestSinceHomeDeg > RETURN_PAUSE_FROM_DEG &&
            this.pauseLeftMs > 0
        ) {
            const pauseAt = Math.min(RETURN_PAUSE_AT_DEG, stopDeg)
            if (pauseAt >= 0) {
                this.pauseAtDeg = pauseAt
                this.phase = PHASE_TO_PAUSE
            }
        }
    }

    /** One tick of a return under way; false once it has ended (home, the plan at rest). */
    advance(w: World, atHome: boolean): boolean {
        const atPause =
            Math.abs(w.setpointDeg - this.pauseAtDeg) <= SETTLE_TOLERANCE_DEG
        // The pause is timed from when the table has come to rest there, so it is never shorter.
        if (
            this.phase === PHASE_TO_PAUSE &&
            w.setpointArrived &&
            atPause &&
            w.driveSettled
        ) {
            this.phase = PHASE_PAUSING
            this.pauseEnd.setIn(w.nowMs, this.pauseLeftMs)
        }
        if (this.phase === PHASE_PAUSING) {
            this.pauseLeftMs = Math.max(0, this.pauseEnd.atMs - w.nowMs)
            if (this.pauseLeftMs === 0) this.phase = PHASE_TO_HOME
        }
        return !(this.phase === PHASE_TO_HOME && atHome && w.setpointArrived)
    }

    /** Where the return heads this tick. */
    request(
        req: MotionRequest,
        homeDeg: number,
        rateDps: number
    ): MotionRequest {
        if (this.phase === PHASE_TO_HOME) return req.moveTo(homeDeg, rateDps)
        return req.moveTo(this.pauseAtDeg, rateDps)
    }
}
