// What a soak has seen so far: sessions run, the sessions that broke a rule (with the rules and the
// shrunk scenario saved for each), and each figure's worst with the session that gave it.

import { noFigures, SessionFigures } from "./figures"

export interface SessionOutcome {
    /** the session's number in the soak (its scenario is soakSession(seed, i)) */
    i: number
    /** the rules it broke (empty: none) */
    rules: string[]
    figures: SessionFigures
    /** the shrunk scenario saved for a session that broke a rule */
    savedAs: string | null
}

export type FigureName = keyof SessionFigures

/** The figures a soak reports (graceS goes with homeAfterLetGoS). */
export const REPORTED_FIGURES: FigureName[] = [
    "overshootDeg",
    "hardRateDps",
    "deeperRateRatio",
    "upRateRatio",
    "invertedPastLimitS",
    "gripStopMs",
    "homeAfterLetGoS",
]

export class SoakTally {
    sessions = 0
    readonly failed: SessionOutcome[] = []
    readonly ruleCounts = new Map<string, number>()
    readonly worst: SessionFigures = noFigures()
    /** the session that gave each figure's worst */
    readonly worstAt: Partial<Record<FigureName, number>> = {}

    add(o: SessionOutcome): void {
        this.sessions++
        if (o.rules.length > 0) {
            this.failed.push(o)
            for (const rule of new Set(o.rules))
                this.ruleCounts.set(rule, (this.ruleCounts.get(rule) ?? 0) + 1)
        }
        for (const name of REPORTED_FIGURES)
            if (o.figures[name] > this.worst[name]) {
                this.worst[name] = o.figures[name]
                this.worstAt[name] = o.i
                if (name === "homeAfterLetGoS")
                    this.worst.graceS = o.figures.graceS
            }
    }
}
