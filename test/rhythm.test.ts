// The rhythm program (docs/exercise.md, "Rhythm") through the controller and the model table: the
// gesture that starts it (PRESET held 2..10 s, then released) and what it must not be taken for (a
// tap, a button held on), the moves (between the starting angle and 15 degrees shallower, never
// above flat nor beyond the deepest angle, at most 2 deg/s, a 5 s pause at each end, for as long as
// the grip is held) and everything that ends it at once. Every trace is also held to the contract
// checker, which judges the rhythm on its own.

import { describe, expect, it } from "vitest"
import {
    RHYTHM_HOLD_MAX_MS,
    RHYTHM_HOLD_MS,
    RHYTHM_PAUSE_MS,
    RHYTHM_RATE_DPS,
    RHYTHM_SPAN_DEG,
    TICK_MS,
} from "../src/control/limits"
import { ButtonPad } from "../src/control/buttons"
import { Rhythm } from "../src/control/rhythm"
import { Inputs } from "../src/control/types"
import { checkTrace } from "../sim/check"
import { runScenario } from "../sim/run"
import { parseScenario, Scenario } from "../sim/scenario"
import { TraceRow } from "../sim/trace"

const TICK_S = TICK_MS / 1000
/** The model table's true angle against the controller's targets: a MEMS tilt's accuracy. */
const ANGLE_TOL_DEG = 0.5
/** The true rate against the planned one: the rate loop's tracking, measured by the checker too. */
const RATE_TOL_DPS = 0.5

interface Json {
    durationS: number
    events: object[]
    settings?: object
    progress?: object
    table?: object
}

function run(name: string, json: Json): { s: Scenario; rows: TraceRow[] } {
    const s = parseScenario(
        JSON.stringify({
            name,
            seed: 7,
            settings: { progression: false, ...(json.settings ?? {}) },
            ...json,
        }),
        name
    )
    const rows: TraceRow[] = []
    runScenario(s, r => rows.push(r))
    expect(checkTrace(s, rows), "the contract checker").toEqual([])
    return { s, rows }
}

const at = (rows: TraceRow[], tS: number) =>
    rows[Math.round(tS / TICK_S)] ?? rows[rows.length - 1]

/** Grip and latch from the start, DOWN until `downUntilS` (deeper at 4 deg/s from -65). */
const toAngle = (downUntilS: number) => [
    { t: 0, set: { latch: true, deadman: true } },
    { t: 0.8, set: { down: true } },
    { t: downUntilS, set: { down: false } },
]
/** PRESET held from `t` for `holdS`. */
const preset = (t: number, holdS: number) => [
    { t, set: { preset: true } },
    { t: t + holdS, set: { preset: false } },
]

/** The rows' turning points: where the true angle changes direction, ignoring pauses. */
function extremes(rows: TraceRow[]): number[] {
    const out: number[] = []
    let dir = 0
    for (let k = 1; k < rows.length; k++) {
        const d = rows[k].angleDeg - rows[k - 1].angleDeg
        if (Math.abs(d) < 1e-4) continue
        const nd = d > 0 ? 1 : -1
        if (dir !== 0 && nd !== dir) out.push(rows[k - 1].angleDeg)
        dir = nd
    }
    return out
}

describe("rhythm program: the gesture", () => {
    const inputs = (preset: boolean): Inputs =>
        ({
            imu: undefined,
            grip: true,
            latch: true,
            up: false,
            down: false,
            stop: false,
            preset,
            home: false,
            homeSwitch: false,
        }) as unknown as Inputs

    /** PRESET held `ms`, then released: what the pad makes of the release. */
    function release(ms: number): { tap: boolean; rhythm: boolean } {
        const pad = new ButtonPad()
        pad.update(inputs(false), 0)
        let t = TICK_MS
        for (; t <= TICK_MS + ms; t += TICK_MS) {
            pad.update(inputs(true), t)
            expect(pad.presetTapped() || pad.rhythmAsked()).toBe(false)
        }
        pad.update(inputs(false), t)
        return { tap: pad.presetTapped(), rhythm: pad.rhythmAsked() }
    }

    it("a tap acts when released; a hold of 2..10 s asks for the rhythm; longer holds do nothing", () => {
        expect(release(TICK_MS)).toEqual({ tap: true, rhythm: false })
        expect(release(RHYTHM_HOLD_MS - 2 * TICK_MS)).toEqual({
            tap: true,
            rhythm: false,
        })
        expect(release(RHYTHM_HOLD_MS)).toEqual({ tap: false, rhythm: true })
        expect(release(RHYTHM_HOLD_MAX_MS - TICK_MS)).toEqual({
            tap: false,
            rhythm: true,
        })
        expect(release(RHYTHM_HOLD_MAX_MS + 2 * TICK_MS)).toEqual({
            tap: false,
            rhythm: false,
        })
        expect(release(70000)).toEqual({ tap: false, rhythm: false })
    })

    it("a PRESET held since the controller started asks for nothing when released", () => {
        const pad = new ButtonPad()
        for (let t = 0; t < 3000; t += TICK_MS) pad.update(inputs(true), t)
        pad.update(inputs(false), 3000)
        expect(pad.presetTapped()).toBe(false)
        expect(pad.rhythmAsked()).toBe(false)
    })

    it("spans 15 degrees shallower than its start, never above flat, never beyond the deepest angle; no span near flat", () => {
        const r = new Rhythm()
        expect(r.start(40, 45)).toBe(true)
        expect([r.shallowDeg, r.deepDeg]).toEqual([40 - RHYTHM_SPAN_DEG, 40])
        expect(r.start(50, 45)).toBe(true)
        expect([r.shallowDeg, r.deepDeg]).toEqual([30, 45])
        expect(r.start(9, 45)).toBe(true)
        expect([r.shallowDeg, r.deepDeg]).toEqual([0, 9])
        expect(r.start(0.5, 45)).toBe(false)
        expect(r.start(-20, 45)).toBe(false)
        // A deepest angle that fell since the start holds the deep end.
        r.start(40, 45)
        r.leg = 1
        expect(r.targetDeg(35)).toBe(35)
    })
})

describe("rhythm program: through the controller and the model table", () => {
    it("moves between its start and 15 degrees shallower, at most 2 deg/s, pausing 5 s at each end, while the grip is held", () => {
        // DOWN from -65 for 24 s at 4 deg/s: about 30 deg.
        const { rows } = run("rhythm", {
            durationS: 110,
            events: [...toAngle(24.8), ...preset(28, 2.5)],
        })
        const start = at(rows, 30.4).angleDeg
        expect(start).toBeGreaterThan(25)
        const during = rows.slice(Math.round(30.6 / TICK_S))
        // Within the span, at the rate, both ways.
        for (const r of during) {
            expect(r.angleDeg).toBeLessThanOrEqual(start + ANGLE_TOL_DEG)
            expect(r.angleDeg).toBeGreaterThanOrEqual(
                start - RHYTHM_SPAN_DEG - ANGLE_TOL_DEG
            )
            expect(Math.abs(r.rateDps)).toBeLessThanOrEqual(
                RHYTHM_RATE_DPS + RATE_TOL_DPS
            )
        }
        // It really goes back and forth: at least two turns at each end.
        const turns = extremes(during)
        expect(turns.length).toBeGreaterThanOrEqual(4)
        for (const deg of turns)
            expect(
                Math.min(
                    Math.abs(deg - start),
                    Math.abs(deg - (start - RHYTHM_SPAN_DEG))
                )
            ).toBeLessThan(ANGLE_TOL_DEG)
        // A pause at an end: still for about 5 s (holding), then on again.
        let still = 0
        let longest = 0
        for (const r of during) {
            if (r.state === "holding" && Math.abs(r.rateDps) < 0.01) still++
            else still = 0
            longest = Math.max(longest, still)
        }
        expect(longest * TICK_S).toBeGreaterThanOrEqual(
            RHYTHM_PAUSE_MS / 1000 - 1
        )
        expect(longest * TICK_S).toBeLessThanOrEqual(RHYTHM_PAUSE_MS / 1000 + 1)
        // Its sound once, at the start.
        expect(rows.filter(r => r.sound === "rhythm").length).toBeGreaterThan(0)
        expect(at(rows, 29).sound).toBe("")
    })

    it("a PRESET tap picks the next preset, not the rhythm; a PRESET held 12 s does nothing", () => {
        const tap = run("rhythm-tap", {
            durationS: 40,
            events: [...toAngle(24.8), ...preset(28, 0.3)],
        })
        // The next preset beyond about 30: 45, reached at 4 deg/s, then held.
        expect(at(tap.rows, 39).angleDeg).toBeCloseTo(45, 0)
        expect(extremes(tap.rows.slice(Math.round(28 / TICK_S)))).toEqual([])

        const long = run("rhythm-long-hold", {
            durationS: 60,
            events: [...toAngle(24.8), ...preset(28, 12)],
        })
        const still = at(long.rows, 27).angleDeg
        for (const r of long.rows.slice(Math.round(27 / TICK_S)))
            expect(Math.abs(r.angleDeg - still)).toBeLessThan(ANGLE_TOL_DEG)
    })

    it("never starts without the grip, or near flat", () => {
        const noGrip = run("rhythm-no-grip", {
            durationS: 40,
            events: [
                ...toAngle(24.8),
                // Let go just before PRESET is held, taken again just after it is released (within
                // the dead-man grace): the release found no grip.
                { t: 26.9, set: { deadman: false } },
                { t: 27, set: { preset: true } },
                { t: 29.5, set: { preset: false } },
                { t: 29.7, set: { deadman: true } },
            ],
        })
        const a = at(noGrip.rows, 26.8).angleDeg
        for (const r of noGrip.rows.slice(Math.round(26.8 / TICK_S)))
            expect(Math.abs(r.angleDeg - a)).toBeLessThan(ANGLE_TOL_DEG)

        const flat = run("rhythm-flat", {
            durationS: 40,
            // About 0.2 deg above flat: no span to move in.
            events: [...toAngle(17.06), ...preset(20, 2.5)],
        })
        const f = at(flat.rows, 19).angleDeg
        expect(Math.abs(f)).toBeLessThan(1)
        for (const r of flat.rows.slice(Math.round(19 / TICK_S)))
            expect(Math.abs(r.angleDeg - f)).toBeLessThan(ANGLE_TOL_DEG)
    })

    it("never reaches past the deepest angle allowed: started at the cap, it moves between the cap and 15 below", () => {
        // The program on, 5 counted sessions: the cap is 45; DOWN stops there.
        const { rows } = run("rhythm-at-cap", {
            durationS: 90,
            settings: { progression: true },
            progress: { countedSessions: 5, warningsAcknowledged: true },
            events: [...toAngle(40), ...preset(42, 2.5)],
        })
        for (const r of rows) expect(r.angleDeg).toBeLessThanOrEqual(45.5)
        const turns = extremes(rows.slice(Math.round(44.6 / TICK_S)))
        expect(turns.length).toBeGreaterThanOrEqual(2)
        expect(Math.min(...turns)).toBeCloseTo(30, 0)
    })

    /** The rhythm running from about 30, then `what` at 40 s; the rows from then on. */
    function endedBy(name: string, what: object[], durationS = 70) {
        const { rows } = run(name, {
            durationS,
            events: [...toAngle(24.8), ...preset(28, 2.5), ...what],
        })
        return { rows, from: rows.slice(Math.round(40 / TICK_S)) }
    }

    it("STOP ends it at once: stopped and holding, and it stays there", () => {
        const { from } = endedBy("rhythm-stop", [
            { t: 40, set: { stop: true } },
            { t: 40.2, set: { stop: false } },
        ])
        const a = from[Math.round(1 / TICK_S)].angleDeg
        for (const r of from.slice(Math.round(1 / TICK_S))) {
            expect(Math.abs(r.angleDeg - a)).toBeLessThan(0.05)
            expect(r.state).toBe("holding")
        }
    })

    it("a PRESET press ends it (the table stops and holds) and its release picks no preset", () => {
        const { from } = endedBy("rhythm-preset", [
            { t: 40, set: { preset: true } },
            { t: 40.2, set: { preset: false } },
        ])
        const a = from[Math.round(2 / TICK_S)].angleDeg
        for (const r of from.slice(Math.round(2 / TICK_S)))
            expect(Math.abs(r.angleDeg - a)).toBeLessThan(0.05)
    })

    it("UP ends it and then does what UP does: up toward home while held", () => {
        const { from } = endedBy("rhythm-up", [
            { t: 40, set: { up: true } },
            { t: 45, set: { up: false } },
        ])
        expect(from[Math.round(4 / TICK_S)].rateDps).toBeLessThan(-2.5)
        const a = from[Math.round(6 / TICK_S)].angleDeg
        for (const r of from.slice(Math.round(6 / TICK_S)))
            expect(Math.abs(r.angleDeg - a)).toBeLessThan(0.05)
    })

    it("HOME ends it and takes the table home", () => {
        const { rows } = endedBy(
            "rhythm-home",
            [
                { t: 40, set: { home: true } },
                { t: 40.2, set: { home: false } },
            ],
            80
        )
        expect(at(rows, 41).state).toBe("returning")
        expect(rows[rows.length - 1].state).toBe("idle")
    })

    it("letting go of the grip ends it: stopped, the dead-man grace, then home", () => {
        const { rows, from } = endedBy(
            "rhythm-grip",
            [{ t: 40, set: { deadman: false } }],
            80
        )
        expect(from[Math.round(0.5 / TICK_S)].state).toBe("deadman")
        expect(Math.abs(from[Math.round(0.5 / TICK_S)].rateDps)).toBeLessThan(
            0.05
        )
        expect(at(rows, 45).state).toBe("returning")
        expect(rows[rows.length - 1].state).toBe("idle")
    })

    it("a fault ends it: the motor off at once", () => {
        const { from } = endedBy("rhythm-fault", [
            { t: 40, fault: "imu-stale" },
        ])
        for (const r of from.slice(Math.round(0.2 / TICK_S)))
            expect(r.duty).toBe(0)
    })

    it("the session limit ends it: the table returns home", () => {
        const { rows } = run("rhythm-session", {
            durationS: 140,
            settings: { sessionLimitS: 60 },
            events: [...toAngle(24.8), ...preset(28, 2.5)],
        })
        // Inverted from about 17 s on: the limit at about 77 s.
        const ended = rows.findIndex(r => r.state === "returning")
        expect(ended * TICK_S).toBeGreaterThan(70)
        expect(ended * TICK_S).toBeLessThan(85)
        expect(rows[rows.length - 1].state).toBe("idle")
    })
})

describe("rhythm program: the contract checker's rule", () => {
    const { s, rows } = run("rhythm-checked", {
        durationS: 70,
        events: [...toAngle(24.8), ...preset(28, 2.5)],
    })
    const kIn = Math.round(50 / TICK_S)

    it("finds a table taken deeper than where the rhythm started", () => {
        const bad = rows.map((r, k) =>
            k === kIn ? { ...r, angleDeg: at(rows, 30.4).angleDeg + 2 } : r
        )
        expect(checkTrace(s, bad).map(v => v.rule)).toContain("rhythm-span")
    })

    it("finds a table taken more than 15 degrees shallower", () => {
        const bad = rows.map((r, k) =>
            k === kIn ? { ...r, angleDeg: at(rows, 30.4).angleDeg - 17 } : r
        )
        expect(checkTrace(s, bad).map(v => v.rule)).toContain("rhythm-span")
    })

    it("finds a rhythm faster than 2 deg/s", () => {
        const bad = rows.map((r, k) =>
            k === kIn ? { ...r, rateDps: -(RHYTHM_RATE_DPS + 1) } : r
        )
        expect(checkTrace(s, bad).map(v => v.rule)).toContain("rhythm-rate")
    })
})
