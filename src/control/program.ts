// The exercise program (docs/exercise.md): the guidance as rules the controller enforces.
//   the cap       15, 25, 35, then 45 until 28 counted sessions, then +10 per counted session to 90;
//                 0 (flat) until the first-use warnings are acknowledged; fixed for a session when it
//                 starts (the table leaves home)
//   the time      min(sessionLimitS, 300) for the first 28 counted sessions, then +60 s every 4
//   counting      a session counts when it spent 60 s within 2 degrees of its cap (or of maxAngleDeg
//                 when lower), ended at home with no fault raised during it and not by a dead-man
//                 return, began at least 4 h after the last counted one ended, and fewer than 2 had
//                 counted in the 24 h before it began, on the table's own clock
// The progress (counted sessions, the acknowledgement) is stored by the firmware; the rest clock is
// the table's own since it started: after a restart it sees no earlier counted session.

import { HARD_MAX_ANGLE_DEG } from "./limits"

/** The progress kept on the table. */
export interface Progress {
    /** sessions that counted toward the program, 0..PROGRESS_MAX_COUNTED */
    countedSessions: number
    /** the first-use warnings have been acknowledged (through the console or the page) */
    warningsAcknowledged: boolean
}

/** The count stops here: the cap is 90 from it on. */
export const PROGRESS_MAX_COUNTED = 32
/** The longest reason a technician may give for a change of the count (it goes into a record). */
export const REASON_MAX_CHARS = 60
export const FIRST_CAP_DEG = 15
export const CAP_STEP_DEG = 10
export const PLATEAU_CAP_DEG = 45
/** The cap stays at PLATEAU_CAP_DEG until this many sessions have counted (two weeks, twice a day). */
export const PLATEAU_UNTIL_COUNTED = 28
/** The session time of the first PLATEAU_UNTIL_COUNTED counted sessions (at most). */
export const FIRST_SESSION_LIMIT_S = 300
export const SESSION_STEP_S = 60
export const SESSION_STEP_EVERY_COUNTED = 4
/** A session counts after this long within COUNT_NEAR_DEG of its cap. */
export const COUNT_NEAR_DEG = 2
export const COUNT_NEAR_MS = 60000
/** Rest between counted sessions, and how many may count a day. */
export const REST_AFTER_COUNTED_MS = 4 * 3600 * 1000
export const COUNTED_PER_DAY = 2
export const DAY_MS = 24 * 3600 * 1000

/** A new table's progress, and what a progress record that cannot be trusted falls back to. */
export function safestProgress(): Progress {
    return { countedSessions: 0, warningsAcknowledged: false }
}

/** The program's cap for `counted` sessions (acknowledged, the program on). */
export function programCapDeg(counted: number): number {
    if (counted < 3) return FIRST_CAP_DEG + CAP_STEP_DEG * counted
    if (counted < PLATEAU_UNTIL_COUNTED) return PLATEAU_CAP_DEG
    const cap =
        PLATEAU_CAP_DEG + CAP_STEP_DEG * (counted - PLATEAU_UNTIL_COUNTED + 1)
    return cap < HARD_MAX_ANGLE_DEG ? cap : HARD_MAX_ANGLE_DEG
}

/**
 * The cap a session starting now gets: 0 until the warnings are acknowledged (whatever the progress
 * and the `progression` setting), the program's cap with `progression` on, none (90) with it off.
 */
export function capFor(p: Progress, progressionOn: boolean): number {
    if (!p.warningsAcknowledged) return 0
    if (!progressionOn) return HARD_MAX_ANGLE_DEG
    return programCapDeg(p.countedSessions)
}

/** The session limit a session gets: with the program on, it grows after two weeks. */
export function sessionLimitFor(
    settingS: number,
    counted: number,
    progressionOn: boolean
): number {
    if (!progressionOn) return settingS
    let limit = FIRST_SESSION_LIMIT_S
    if (counted >= PLATEAU_UNTIL_COUNTED)
        limit +=
            SESSION_STEP_S *
            (Math.floor(
                (counted - PLATEAU_UNTIL_COUNTED) / SESSION_STEP_EVERY_COUNTED
            ) +
                1)
    return limit < settingS ? limit : settingS
}

/** null when `x` is a progress record a table may trust, else what is wrong (one line). */
export function checkProgress(x: any): string | null {
    if (x === null || x === undefined || typeof x !== "object")
        return "not a record"
    const n = x.countedSessions
    if (
        typeof n !== "number" ||
        !(n >= 0 && n <= PROGRESS_MAX_COUNTED) ||
        Math.floor(n) !== n
    )
        return "countedSessions out of range 0.." + PROGRESS_MAX_COUNTED
    if (typeof x.warningsAcknowledged !== "boolean")
        return "warningsAcknowledged is not true or false"
    // Counting needs a session past flat, which needs the acknowledgement: a count without it is
    // out of order.
    if (n > 0 && !x.warningsAcknowledged)
        return "sessions counted without the warnings acknowledged"
    return null
}

/** The rest clock's mark for "no counted session": far before any time the table's clock can show. */
export const NO_COUNTED_END_MS = -1e15

/**
 * The rest clock: when the last counted sessions ended, on the table's own clock (ms since this
 * start). A restart starts it over; a scenario may start it as if the table had been running (see
 * startAs): such an end lies before this start, at a negative time.
 */
export class RestClock {
    /** the end times of the last COUNTED_PER_DAY counted sessions, newest last (NO_COUNTED_END_MS: none) */
    endsMs: number[]

    constructor() {
        this.endsMs = []
        for (let i = 0; i < COUNTED_PER_DAY; i++)
            this.endsMs.push(NO_COUNTED_END_MS)
    }

    /**
     * As if the table had been running since the last counted session ended `sinceLastMs` before
     * `nowMs` (negative: no counted session yet), with `inLast24h` counted in the last 24 h. The
     * caller has checked that this is possible.
     */
    startAs(nowMs: number, sinceLastMs: number, inLast24h: number): void {
        for (let i = 0; i < this.endsMs.length; i++)
            this.endsMs[i] = NO_COUNTED_END_MS
        if (sinceLastMs < 0) return
        const last = this.endsMs.length - 1
        this.endsMs[last] = nowMs - sinceLastMs
        // An earlier one within the day ended at least the rest before the last one.
        if (inLast24h >= 2 && last >= 1)
            this.endsMs[last - 1] = nowMs - sinceLastMs - REST_AFTER_COUNTED_MS
    }

    counted(endMs: number): void {
        for (let i = 0; i + 1 < this.endsMs.length; i++)
            this.endsMs[i] = this.endsMs[i + 1]
        this.endsMs[this.endsMs.length - 1] = endMs
    }

    /** Why a session starting at `startMs` may not count by the rest rules, or null. */
    restRefusal(startMs: number): string | null {
        const last = this.endsMs[this.endsMs.length - 1]
        if (
            last !== NO_COUNTED_END_MS &&
            startMs - last < REST_AFTER_COUNTED_MS
        )
            return "too soon after the last counted session (4 h rest)"
        let inDay = 0
        for (const end of this.endsMs)
            if (end !== NO_COUNTED_END_MS && startMs - end < DAY_MS) inDay++
        if (inDay >= COUNTED_PER_DAY)
            return "two sessions counted in the last 24 h already"
        return null
    }
}
