// Sessions as the exercise program sees them (docs/exercise.md): a session starts when the table
// leaves home and ends when it is back; each leaves a record (the table keeps its last 50; their
// stored form is src/hw/sessionCodec.ts), and the tracker decides whether it counted.
//
// A record: number, boot, start (s on that boot's clock), time inverted (s), deepest (deg), cap (deg),
// counted, how it ended: home | session limit | grip released | fault NAME | restart |
// progress N: REASON (a technician's change of the count in service mode).

import { COUNT_NEAR_DEG, COUNT_NEAR_MS } from "./program"

export interface SessionRecord {
    number: number
    boot: number
    startS: number
    invertedS: number
    deepestDeg: number
    capDeg: number
    counted: boolean
    /** how it ended; "in progress" while it runs */
    end: string
}

/** How many records the table keeps (a ring: record n is stored in slot n % SESSION_SLOTS). */
export const SESSION_SLOTS = 50
export const IN_PROGRESS = "in progress"
export const ENDED_RESTART = "restart"

/** Follows the session under way, and says how it ended and whether it counted. */
export class SessionTracker {
    active: boolean
    startMs: number
    capDeg: number
    /** what the user may reach in it: the cap, or maxAngleDeg when lower */
    targetDeg: number
    nearTargetMs: number
    deepestDeg: number
    /** a fault was raised during it (the first one's name) */
    faultName: string
    /** it was ended, or at some point driven home, by the dead-man return */
    deadmanReturn: boolean
    /** its session limit was reached */
    limitReached: boolean
    /** why it may not count by the rest rules (null: it may), decided when it began */
    restRefusal: string | null
    /** the fault register's raise count when it began */
    raisesAtStart: number
    /** the cap has been reached in it (for the cap's sound, once) */
    capReached: boolean

    constructor() {
        this.active = false
        this.startMs = 0
        this.capDeg = 0
        this.targetDeg = 0
        this.nearTargetMs = 0
        this.deepestDeg = 0
        this.faultName = ""
        this.deadmanReturn = false
        this.limitReached = false
        this.restRefusal = null
        this.raisesAtStart = 0
        this.capReached = false
    }

    begin(
        nowMs: number,
        capDeg: number,
        userMaxDeg: number,
        estDeg: number,
        raises: number,
        restRefusal: string | null
    ): void {
        this.active = true
        this.startMs = nowMs
        this.capDeg = capDeg
        this.targetDeg = capDeg < userMaxDeg ? capDeg : userMaxDeg
        this.nearTargetMs = 0
        this.deepestDeg = estDeg
        this.faultName = ""
        this.deadmanReturn = false
        this.limitReached = false
        this.restRefusal = restRefusal
        this.raisesAtStart = raises
        this.capReached = false
    }

    /** One tick of the session (the angle known or not). */
    follow(
        dtMs: number,
        estTrusted: boolean,
        estDeg: number,
        faultNameNow: string,
        deadmanReturning: boolean,
        limitReached: boolean
    ): void {
        if (estTrusted) {
            if (estDeg > this.deepestDeg) this.deepestDeg = estDeg
            if (Math.abs(estDeg - this.targetDeg) <= COUNT_NEAR_DEG)
                this.nearTargetMs += dtMs
        }
        if (this.faultName === "" && faultNameNow !== "")
            this.faultName = faultNameNow
        if (deadmanReturning) this.deadmanReturn = true
        if (limitReached) this.limitReached = true
    }

    /** Whether the session that just ended at home counts, and why not. */
    countRefusal(raisesNow: number): string | null {
        if (this.faultName !== "" || raisesNow !== this.raisesAtStart)
            return "a fault was raised"
        if (this.deadmanReturn) return "ended by the dead-man return"
        if (this.nearTargetMs < COUNT_NEAR_MS)
            return "less than 60 s near the session's cap"
        return this.restRefusal
    }

    /** How it ended, in the record's words. */
    endText(): string {
        if (this.faultName !== "") return "fault " + this.faultName
        if (this.deadmanReturn) return "grip released"
        if (this.limitReached) return "session limit"
        return "home"
    }
}
