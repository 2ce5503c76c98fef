// The figures a campaign reports of each session it runs, from the scenario and its trace: how close
// the table came to each limit. All judged on the model's true angle and rate.
//
// - overshootDeg: the deepest the table went past the cap in force (the effective deepest angle),
//   once it has been within it (a table started beyond its cap is brought back, not judged);
// - deeperRateRatio / upRateRatio: the fastest rate deeper (toward home) against maxRateDps
//   (returnRateDps), in rows without a fault shown or injected (a lying sensor is judged only by the
//   hard limit: hardRateDps);
// - invertedPastLimitS: the longest time inverted between two visits home with nothing wrong, less
//   the session limit (positive: the return after the limit; the limit of the progress the scenario
//   starts with, the shortest a run can have);
// - gripStopMs: the longest time from letting go of the grip while moving deeper to the table at
//   rest;
// - homeAfterLetGoS: the longest time from letting go for good (away from home, nothing else wrong)
//   to the table at home, with graceS: that session's deadman grace.

import { AT_HOME_TOLERANCE_DEG } from "../../src/control/limits"
import { sessionLimitFor } from "../../src/control/program"
import { ScenarioEvents } from "../engine/events"
import { Scenario } from "../scenario"
import { TRACE_TICK_S, TraceRow } from "../trace"

export interface SessionFigures {
    overshootDeg: number
    hardRateDps: number
    deeperRateRatio: number
    upRateRatio: number
    invertedPastLimitS: number
    gripStopMs: number
    homeAfterLetGoS: number
    graceS: number
}

/** A table at rest: slower than this. */
const REST_DPS = 0.05
/** Moving deeper: faster than this. */
const MOVING_DPS = 0.5
/** The true angle counts as inverted above this (the sensor's accuracy of flat). */
const INVERTED_ABOVE_DEG = 0.5

export function noFigures(): SessionFigures {
    return {
        overshootDeg: -Infinity,
        hardRateDps: 0,
        deeperRateRatio: 0,
        upRateRatio: 0,
        invertedPastLimitS: -Infinity,
        gripStopMs: 0,
        homeAfterLetGoS: 0,
        graceS: 0,
    }
}

/** The injected faults of each tick (what the scenario did to the table). */
function injectedByTick(s: Scenario, ticks: number): boolean[] {
    const events = new ScenarioEvents(s)
    const out: boolean[] = []
    for (let k = 0; k < ticks; k++) {
        while (events.take(k) !== null) {
            /* take every event due */
        }
        out.push(events.injected.length > 0 || events.powerCycles > 0)
    }
    return out
}

export function figuresOf(
    s: Scenario,
    rows: readonly TraceRow[]
): SessionFigures {
    const f = noFigures()
    const st = s.settings
    const home = st.homeDeg
    const troubled = injectedByTick(s, rows.length)
    const limitS = sessionLimitFor(
        st.sessionLimitS,
        s.progress.countedSessions,
        st.progression
    )
    // A stretch inverted is judged when it began at home with nothing wrong all along.
    let invertedS = -Infinity
    // A table started beyond its cap is judged once it has been within it.
    let withinCap = false
    let stopFrom = -1
    let letGoFrom = -1
    rows.forEach((r, k) => {
        const clean = !troubled[k] && r.faults.length === 0
        const atHome = Math.abs(r.angleDeg - home) <= AT_HOME_TOLERANCE_DEG
        if (r.angleDeg <= r.capDeg) withinCap = true
        if (withinCap)
            f.overshootDeg = Math.max(f.overshootDeg, r.angleDeg - r.capDeg)
        f.hardRateDps = Math.max(f.hardRateDps, Math.abs(r.rateDps))
        if (clean && r.angleDeg >= home)
            f.deeperRateRatio = Math.max(
                f.deeperRateRatio,
                r.rateDps / st.maxRateDps
            )
        if (clean && r.angleDeg >= home)
            f.upRateRatio = Math.max(
                f.upRateRatio,
                -r.rateDps / st.returnRateDps
            )
        // Inverted time between visits home.
        if (atHome) invertedS = 0
        else if (!clean) invertedS = -Infinity
        else if (r.angleDeg > INVERTED_ABOVE_DEG) invertedS += TRACE_TICK_S
        f.invertedPastLimitS = Math.max(
            f.invertedPastLimitS,
            invertedS - limitS
        )
        // Letting go of the grip.
        const released = k > 0 && rows[k - 1].deadman && !r.deadman
        if (released && clean && rows[k - 1].rateDps > MOVING_DPS) stopFrom = k
        if (stopFrom >= 0) {
            if (!clean || r.deadman) stopFrom = -1
            else if (r.rateDps <= REST_DPS) {
                f.gripStopMs = Math.max(
                    f.gripStopMs,
                    (r.tS - rows[stopFrom].tS) * 1000
                )
                stopFrom = -1
            }
        }
        if (released && clean && !atHome) letGoFrom = k
        if (letGoFrom >= 0) {
            if (!clean || r.deadman) letGoFrom = -1
            else if (atHome) {
                const tookS = r.tS - rows[letGoFrom].tS
                if (tookS > f.homeAfterLetGoS) {
                    f.homeAfterLetGoS = tookS
                    f.graceS = st.deadmanGraceS
                }
                letGoFrom = -1
            }
        }
    })
    return f
}

/** The worst of two sets of figures (each figure's own worst). */
export function worstOf(a: SessionFigures, b: SessionFigures): SessionFigures {
    const home =
        a.homeAfterLetGoS >= b.homeAfterLetGoS
            ? { homeAfterLetGoS: a.homeAfterLetGoS, graceS: a.graceS }
            : { homeAfterLetGoS: b.homeAfterLetGoS, graceS: b.graceS }
    return {
        overshootDeg: Math.max(a.overshootDeg, b.overshootDeg),
        hardRateDps: Math.max(a.hardRateDps, b.hardRateDps),
        deeperRateRatio: Math.max(a.deeperRateRatio, b.deeperRateRatio),
        upRateRatio: Math.max(a.upRateRatio, b.upRateRatio),
        invertedPastLimitS: Math.max(
            a.invertedPastLimitS,
            b.invertedPastLimitS
        ),
        gripStopMs: Math.max(a.gripStopMs, b.gripStopMs),
        ...home,
    }
}
