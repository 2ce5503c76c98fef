// The session clock (behaviour.md, Session): only time with angle > 0 counts; warning 30 s before
// sessionLimitS; at sessionLimitS the table must go home; a session ends at home.

import { describe, expect, it } from "vitest"
import { SESSION_WARNING_S, TICK_MS } from "../src/control/limits"
import { SessionClock } from "../src/control/session"

const LIMIT_S = 300

function runFor(
    c: SessionClock,
    ms: number,
    angle: number,
    atHome = false,
    limitS = LIMIT_S
): void {
    for (let i = 0; i < ms / TICK_MS; i++)
        c.update(TICK_MS, angle > 0, atHome, limitS)
}

describe("SessionClock", () => {
    it("counts only time with the angle above 0 (not 0 itself, not below)", () => {
        const c = new SessionClock()
        runFor(c, 10000, 0)
        runFor(c, 10000, -20)
        runFor(c, 10000, -0.001)
        expect(c.invertedMs).toBe(0)
        runFor(c, 10000, 0.001)
        expect(c.invertedMs).toBe(10000)
        runFor(c, 5000, 45)
        expect(c.invertedMs).toBe(15000)
    })

    it("pauses (does not reset) while away from home at or below flat", () => {
        const c = new SessionClock()
        runFor(c, 20000, 30)
        runFor(c, 20000, -10)
        expect(c.invertedMs).toBe(20000)
        runFor(c, 1000, 10)
        expect(c.invertedMs).toBe(21000)
    })

    it("warns from 30 s before the limit, not a tick earlier", () => {
        const c = new SessionClock()
        const warnAtMs = (LIMIT_S - SESSION_WARNING_S) * 1000
        runFor(c, warnAtMs - TICK_MS, 10)
        expect(c.warning(LIMIT_S)).toBe(false)
        runFor(c, TICK_MS, 10)
        expect(c.warning(LIMIT_S)).toBe(true)
        expect(c.expired).toBe(false)
    })

    it("expires at the limit, not a tick earlier, and stays expired away from home", () => {
        const c = new SessionClock()
        runFor(c, LIMIT_S * 1000 - TICK_MS, 10)
        expect(c.expired).toBe(false)
        runFor(c, TICK_MS, 10)
        expect(c.expired).toBe(true)
        // coming up past flat does not end it
        runFor(c, 10000, -30)
        expect(c.expired).toBe(true)
    })

    it("at home the session ends: the count, the warning and the expiry are reset", () => {
        const c = new SessionClock()
        runFor(c, LIMIT_S * 1000 + 1000, 10)
        expect(c.expired).toBe(true)
        expect(c.warning(LIMIT_S)).toBe(true)
        c.update(TICK_MS, false, true, LIMIT_S)
        expect(c.invertedMs).toBe(0)
        expect(c.expired).toBe(false)
        expect(c.warning(LIMIT_S)).toBe(false)
    })

    it("follows the limit it is given (60 s: warning at 30 s)", () => {
        const c = new SessionClock()
        runFor(c, 29980, 10, false, 60)
        expect(c.warning(60)).toBe(false)
        runFor(c, TICK_MS, 10, false, 60)
        expect(c.warning(60)).toBe(true)
        runFor(c, 30000 - TICK_MS, 10, false, 60)
        expect(c.expired).toBe(false)
        runFor(c, TICK_MS, 10, false, 60)
        expect(c.expired).toBe(true)
    })

    it("counts the real time of each tick (a late tick counts in full)", () => {
        const c = new SessionClock()
        c.update(150, true, false, LIMIT_S)
        c.update(20, true, false, LIMIT_S)
        expect(c.invertedMs).toBe(170)
    })

    it("a restart away from home ends the session until the table is home", () => {
        const c = new SessionClock()
        c.endByRestart()
        expect(c.expired).toBe(true)
        expect(c.endedByRestart).toBe(true)
        // Time passing away from home, inverted or not, does not bring it back.
        runFor(c, 5000, -20)
        runFor(c, 5000, 10)
        expect(c.expired).toBe(true)
        c.update(TICK_MS, false, true, LIMIT_S)
        expect(c.expired).toBe(false)
        expect(c.endedByRestart).toBe(false)
    })
})
