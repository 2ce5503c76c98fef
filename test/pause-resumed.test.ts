// The pause near flat is taken once per trip away from home (docs/behaviour.md, "Dead-man
// release"): a return interrupted during its pause (a STOP, UP and DOWN together, the grip taken
// again) goes on, once resumed, with what the pause had left, never with the whole pause again and
// never without it.

import { describe, expect, it } from "vitest"
import { RETURN_PAUSE_AT_DEG, RETURN_PAUSE_MS } from "../src/control/limits"
import { SETTLE_TIMEOUT_MS } from "../src/control/tuning"
import { runSession } from "../sim/campaign/session"
import { TRACE_TICKS_PER_S, TraceRow } from "../sim/trace"

const TICK_S = 1 / TRACE_TICKS_PER_S
const GRACE_S = 2

/** Deep, the grip let go: the return pauses near flat; `interrupt` `intoPauseS` into the pause. */
function session(
    interrupt: Record<string, boolean>[],
    intoPauseS: number
): TraceRow[] {
    // A first run finds when the pause begins (the table at rest at the pause point).
    const base = (events: object[]) =>
        runSession({
            name: "a return from deep interrupted during its pause near flat",
            durationS: 120,
            seed: 2,
            settings: {
                maxAngleDeg: 40,
                maxRateDps: 8,
                returnRateDps: 8,
                accelDps2: 8,
                deadmanGraceS: GRACE_S,
                progression: false,
            },
            events: [
                { t: 0, set: { latch: true, deadman: true } },
                { t: 0.5, set: { down: true } },
                { t: 20, set: { down: false } },
                { t: 21, set: { deadman: false } },
                ...events,
            ],
        })
    const plain = base([]).rows
    const kPause = restStart(plain)
    const t = Math.round((plain[kPause].tS + intoPauseS) * 50) / 50
    const events = interrupt.map((set, i) => ({ t: t + i * 0.1, set }))
    const r = base(events)
    expect(r.violations).toEqual([])
    return r.rows
}

/** The first tick the table rests at the pause point. */
function restStart(rows: TraceRow[]): number {
    const k = rows.findIndex(
        r =>
            r.state === "returning" &&
            r.rateDps === 0 &&
            Math.abs(r.angleDeg - RETURN_PAUSE_AT_DEG) < 0.5
    )
    expect(k, "no pause near flat").toBeGreaterThan(0)
    return k
}

/** How long the table rested near flat (0..10 degrees) before going upright. */
function restNearFlatS(rows: TraceRow[]): number {
    const k0 = restStart(rows)
    const kUpright = rows.findIndex((r, k) => k > k0 && r.angleDeg < 0)
    expect(kUpright, "never went upright").toBeGreaterThan(k0)
    const kMoves = rows.findIndex((r, k) => k > k0 && r.rateDps < 0)
    return (kMoves - k0) * TICK_S
}

describe("an interrupted pause near flat goes on with what it had left", () => {
    const pauseS = RETURN_PAUSE_MS / 1000
    const settleS = SETTLE_TIMEOUT_MS / 1000

    it("uninterrupted: the whole pause", () => {
        const rest = restNearFlatS(session([], 0))
        expect(rest).toBeGreaterThanOrEqual(pauseS)
        expect(rest).toBeLessThanOrEqual(pauseS + TICK_S)
    })

    for (const intoS of [1, 5, 9.5])
        it(`a STOP ${intoS} s into the pause: held for the grace, then the rest of the pause`, () => {
            const rest = restNearFlatS(
                session([{ stop: true }, { stop: false }], intoS)
            )
            // The pause in all, plus the hold the STOP asked for; never the pause twice.
            expect(rest).toBeGreaterThanOrEqual(pauseS + GRACE_S)
            expect(rest).toBeLessThanOrEqual(
                pauseS + GRACE_S + settleS + 0.1 + 2 * TICK_S
            )
        })
})
