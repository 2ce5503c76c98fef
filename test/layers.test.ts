// Rules kept twice, by the supervisor and again by the guard (guard.ts): each copy must hold on its
// own, or a slip in one is hidden by the other and no test of the whole controller sees it (the
// mutation check found the supervisor's latch settle unguarded that way). Here the supervisor's
// request is read before the guard has its say, and the guard is judged without the supervisor.

import { describe, expect, it } from "vitest"
import { Controller } from "../src/control/controller"
import { acknowledgedTableStart } from "../src/control/exercise"
import { FaultRegister } from "../src/control/faults"
import { Guard, GuardView } from "../src/control/guard"
import { LATCH_SETTLE_MS, TICK_MS } from "../src/control/limits"
import { MotionRequest } from "../src/control/motion"
import { Planner } from "../src/control/planner"
import { defaultSettings } from "../src/control/settings"
import { Inputs } from "../src/control/types"
import { releasedInputs } from "./device/util"
import { tiltSample } from "./fixtures/tiltSample"

function inputs(seq: number, angleDeg: number, over: Partial<Inputs>): Inputs {
    return { ...releasedInputs(tiltSample(seq, angleDeg)), ...over }
}

/** A request that takes the table deeper than `estDeg`. */
function goesDeeper(r: MotionRequest, estDeg: number): boolean {
    return (
        (r.kind === "move" && r.targetDeg > estDeg + 0.01) ||
        (r.kind === "openLoop" && r.duty > 0)
    )
}

describe("the latch settle, kept by each layer on its own", () => {
    it("the supervisor asks for nothing deeper until the latch has read closed for 0.2 s", () => {
        const s = { ...defaultSettings(), progression: false }
        const c = new Controller(s, null, null, acknowledgedTableStart())
        const home = s.homeDeg
        let t = 1000
        let seq = 0
        // At home, the grip held, the latch open: the boot and a second of rest.
        for (let i = 0; i < 100; i++, t += TICK_MS)
            c.step(inputs(++seq, home, { grip: true }), t)
        expect(c.state()).toBe("idle")
        // The latch closes with DOWN held; the table does not move in this test (the supervisor's
        // request is what is judged, before the drive and the guard).
        const closedAt = t
        let asked = -1
        for (let i = 0; i < 30; i++, t += TICK_MS) {
            c.step(
                inputs(++seq, home, { grip: true, latch: true, down: true }),
                t
            )
            const deeper = goesDeeper(c.supervisor.request, home)
            if (t - closedAt < LATCH_SETTLE_MS)
                expect(deeper, `at ${t - closedAt} ms`).toBe(false)
            else if (deeper && asked < 0) asked = t - closedAt
        }
        // ...and once settled it does ask (DOWN is still held).
        expect(asked).toBeGreaterThanOrEqual(LATCH_SETTLE_MS)
        expect(asked).toBeLessThanOrEqual(LATCH_SETTLE_MS + 2 * TICK_MS)
    })

    it("the guard drives nothing deeper until the latch has read closed for 0.2 s, whatever it is asked", () => {
        const s = { ...defaultSettings(), progression: false }
        const home = s.homeDeg
        const g = new Guard(home)
        const planner = new Planner(home)
        planner.moveTo(home + 20, s.maxRateDps, s.accelDps2)
        planner.velDps = 1
        const request = new MotionRequest()
        request.kind = "move"
        request.targetDeg = home + 20
        request.rateDps = s.maxRateDps
        const faults = new FaultRegister()
        let t = 1000
        let seq = 0
        const view = (i: Inputs): GuardView => ({
            duty: 0.5,
            request,
            inputs: i,
            faults,
            settings: s,
            estTrusted: true,
            estDeg: home,
            effMaxDeg: 45,
            planner,
            lastDuty: 0,
            inService: false,
            nowMs: t,
            dtMs: TICK_MS,
        })
        for (let i = 0; i < 50; i++, t += TICK_MS) {
            const open = inputs(++seq, home, { grip: true })
            g.observe(open, t)
            g.track(s, open, true, home, TICK_MS, false, s.sessionLimitS)
            expect(g.limit(view(open))).toBe(0)
        }
        const closedAt = t
        let allowed = -1
        for (let i = 0; i < 30; i++, t += TICK_MS) {
            const closed = inputs(++seq, home, {
                grip: true,
                latch: true,
                down: true,
            })
            g.observe(closed, t)
            g.track(s, closed, true, home, TICK_MS, false, s.sessionLimitS)
            const duty = g.limit(view(closed))
            if (t - closedAt < LATCH_SETTLE_MS)
                expect(duty, `at ${t - closedAt} ms`).toBe(0)
            else if (duty > 0 && allowed < 0) allowed = t - closedAt
        }
        expect(allowed).toBeGreaterThanOrEqual(LATCH_SETTLE_MS)
        expect(allowed).toBeLessThanOrEqual(LATCH_SETTLE_MS + 2 * TICK_MS)
    })
})
