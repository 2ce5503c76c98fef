// The exercise program at work, tick by tick: the progress and the rest clock, the session under way
// (its cap and time limit fixed when it starts), the records it leaves, and the sounds it asks for.
// The rules are in program.ts and sessions.ts; this is their bookkeeping inside the controller.

import {
    Progress,
    RestClock,
    capFor,
    checkProgress,
    safestProgress,
    sessionLimitFor,
} from "./program"
import {
    ENDED_RESTART,
    IN_PROGRESS,
    SessionRecord,
    SessionTracker,
} from "./sessions"
import { FAULT_TABLE } from "./faultTable"
import { Deadline } from "./timer"

/** What the table's flash gives a new controller for the program. */
export interface ProgramStart {
    /** the stored progress; null when none is stored (a new table) */
    progress: Progress | null
    /** why the stored progress cannot be trusted (null: it can, or none is stored) */
    progressError: string | null
    /** this start's number (the firmware counts its starts) */
    bootCount: number
    /** the number the next session record gets */
    nextSessionNumber: number
    /** the rest clock as if the table had been running (scenarios): ms since the last counted
     *  session ended (negative: none), and how many counted in the last 24 h */
    sinceLastCountedMs: number
    countedInLast24h: number
}

/** A new table: nothing stored, nothing counted, the warnings not acknowledged. */
export function newTableStart(): ProgramStart {
    return {
        progress: null,
        progressError: null,
        bootCount: 1,
        nextSessionNumber: 1,
        sinceLastCountedMs: -1,
        countedInLast24h: 0,
    }
}

/** The buzzer's sounds, by the names the controller reports (Outputs.sound, the trace's `sound`):
 *  the session warning, the cap reached, a session that counted, the rhythm program started, and
 *  one alarm per fault. */
function soundNames(): string[] {
    const out = ["warning", "cap", "counted", "rhythm"]
    for (const row of FAULT_TABLE)
        if (row.kind === "alarm") out.push("alarm-" + row.name)
    return out
}
export const SOUND_NAMES: string[] = soundNames()

/** A new table whose warnings have been acknowledged, nothing counted yet (what a scenario without
 *  `progress` starts as). */
export function acknowledgedTableStart(): ProgramStart {
    const start = newTableStart()
    start.progress = { countedSessions: 0, warningsAcknowledged: true }
    return start
}

/** How long the one-shot sounds last. */
export const CAP_SOUND_MS = 800
export const COUNTED_SOUND_MS = 1500
export const RHYTHM_SOUND_MS = 600
/** The cap counts as reached within this of it. */
export const CAP_REACHED_DEG = 0.5

export class ExerciseProgram {
    progress: Progress
    /** bumped whenever the progress changes: the firmware stores it then */
    progressRevision: number
    rest: RestClock
    session: SessionTracker
    /** the session's time limit, fixed when it started */
    sessionLimitS: number
    bootCount: number
    nextNumber: number
    /** the record of the session under way, or of the last one (null: none since start) */
    record: SessionRecord | null
    /** bumped whenever `record` changes: the firmware stores it then */
    recordRevision: number
    /** a one-shot sound and until when */
    oneShot: string
    oneShotEnd: Deadline
    /** the rest clock is started on the first tick (it needs the controller's time) */
    restStarted: boolean
    start: ProgramStart

    constructor(start: ProgramStart) {
        this.start = start
        const stored = start.progress
        this.progress =
            stored !== null && checkProgress(stored) === null
                ? {
                      countedSessions: stored.countedSessions,
                      warningsAcknowledged: stored.warningsAcknowledged,
                  }
                : safestProgress()
        this.progressRevision = 0
        this.rest = new RestClock()
        this.session = new SessionTracker()
        this.sessionLimitS = 0
        this.bootCount = start.bootCount
        this.nextNumber = start.nextSessionNumber
        this.record = null
        this.recordRevision = 0
        this.oneShot = ""
        this.oneShotEnd = new Deadline()
        this.restStarted = false
    }

    /** Why the stored progress was not used (null: it was, or none was stored). */
    startProblem(): string | null {
        if (this.start.progressError !== null) return this.start.progressError
        if (this.start.progress === null) return null
        const problem = checkProgress(this.start.progress)
        return problem === null
            ? null
            : "stored progress impossible (" + problem + ")"
    }

    /** The cap now: the session's (fixed at its start), or the next session's. */
    capDeg(progressionOn: boolean): number {
        if (this.session.active) return this.session.capDeg
        return capFor(this.progress, progressionOn)
    }

    /** The session limit now: the session's (fixed at its start), or the next session's. */
    limitS(settingS: number, progressionOn: boolean): number {
        if (this.session.active) return this.sessionLimitS
        return sessionLimitFor(
            settingS,
            this.progress.countedSessions,
            progressionOn
        )
    }

    /** The first tick: the rest clock as the start says (a scenario's "as if it had been running"). */
    firstTick(nowMs: number): void {
        if (this.restStarted) return
        this.restStarted = true
        this.rest.startAs(
            nowMs,
            this.start.sinceLastCountedMs,
            this.start.countedInLast24h
        )
    }

    /** The table left home: a session begins, its cap and its time limit fixed now. */
    begin(
        nowMs: number,
        userMaxDeg: number,
        estDeg: number,
        raises: number,
        settingLimitS: number,
        progressionOn: boolean
    ): void {
        const cap = capFor(this.progress, progressionOn)
        this.sessionLimitS = sessionLimitFor(
            settingLimitS,
            this.progress.countedSessions,
            progressionOn
        )
        this.session.begin(
            nowMs,
            cap,
            userMaxDeg,
            estDeg,
            raises,
            this.rest.restRefusal(nowMs)
        )
        this.record = {
            number: this.nextNumber++,
            boot: this.bootCount,
            startS: nowMs / 1000,
            invertedS: 0,
            deepestDeg: estDeg,
            capDeg: cap,
            counted: false,
            end: IN_PROGRESS,
        }
        this.recordRevision++
    }

    /** The table is home again: the session ends, counts or not. */
    end(
        nowMs: number,
        invertedS: number,
        raisesNow: number,
        progressionOn: boolean
    ): void {
        const t = this.session
        t.active = false
        const refusal = t.countRefusal(raisesNow)
        // Only the program counts sessions (with it off, progress stays where it is).
        const counted =
            refusal === null &&
            this.progress.warningsAcknowledged &&
            progressionOn
        if (counted) {
            if (this.progress.countedSessions < 32)
                this.progress.countedSessions++
            this.progressRevision++
            this.rest.counted(nowMs)
            this.sound("counted", nowMs, COUNTED_SOUND_MS)
        }
        if (this.record !== null) {
            this.record.invertedS = invertedS
            this.record.deepestDeg = t.deepestDeg
            this.record.counted = counted
            this.record.end = t.endText()
            this.recordRevision++
        }
    }

    /** The first-use warnings have been acknowledged (the console or the page, never the pad). */
    acknowledge(): void {
        if (this.progress.warningsAcknowledged) return
        this.progress.warningsAcknowledged = true
        this.progressRevision++
    }

    /** A technician sets the count (service mode); recorded with the reason. */
    setCounted(n: number, reason: string, nowMs: number): void {
        this.progress.countedSessions = n
        this.progressRevision++
        this.record = {
            number: this.nextNumber++,
            boot: this.bootCount,
            startS: nowMs / 1000,
            invertedS: 0,
            deepestDeg: 0,
            capDeg: capFor(this.progress, true),
            counted: false,
            end: "progress " + n + ": " + reason,
        }
        this.recordRevision++
    }

    sound(name: string, nowMs: number, ms: number): void {
        this.oneShot = name
        this.oneShotEnd.setIn(nowMs, ms)
    }

    /** The one-shot sound sounding now ("" when none). */
    oneShotNow(nowMs: number): string {
        if (this.oneShot !== "" && this.oneShotEnd.passed(nowMs))
            this.oneShot = ""
        return this.oneShot
    }
}

/** What a controller started afresh after another one failed carries over (as after a restart). */
export function startAfter(p: ExerciseProgram): ProgramStart {
    return {
        progress: {
            countedSessions: p.progress.countedSessions,
            warningsAcknowledged: p.progress.warningsAcknowledged,
        },
        progressError: null,
        bootCount: p.bootCount,
        nextSessionNumber: p.nextNumber,
        sinceLastCountedMs: -1,
        countedInLast24h: 0,
    }
}

/** A stored record found in progress at a start ended with that restart. */
export function closedByRestart(r: SessionRecord): SessionRecord {
    return {
        number: r.number,
        boot: r.boot,
        startS: r.startS,
        invertedS: r.invertedS,
        deepestDeg: r.deepestDeg,
        capDeg: r.capDeg,
        counted: false,
        end: r.end === IN_PROGRESS ? ENDED_RESTART : r.end,
    }
}
