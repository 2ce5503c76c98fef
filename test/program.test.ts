// The exercise program (docs/exercise.md): the rules of src/control/program.ts one by one, then
// whole sessions through the host runner, each ending counted or not for one reason.

import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import {
    COUNT_NEAR_MS,
    DAY_MS,
    NO_COUNTED_END_MS,
    PROGRESS_MAX_COUNTED,
    REASON_MAX_CHARS,
    REST_AFTER_COUNTED_MS,
    RestClock,
    capFor,
    checkProgress,
    programCapDeg,
    sessionLimitFor,
} from "../src/control/program"
import { SESSION_SLOTS } from "../src/control/sessions"
import { encodeProgress } from "../src/hw/progressCodec"
import { encodeSessionRecord } from "../src/hw/sessionCodec"
import { runScenario } from "../sim/run"
import { parseScenario } from "../sim/scenario"
import { TraceRow } from "../sim/trace"

describe("the program's cap", () => {
    it("is 15, 25, 35, then 45 until 28 counted, then 10 more per counted session up to 90", () => {
        const caps = Array.from({ length: PROGRESS_MAX_COUNTED + 1 }, (_, n) =>
            programCapDeg(n)
        )
        expect(caps.slice(0, 4)).toEqual([15, 25, 35, 45])
        expect(caps.slice(3, 28).every(c => c === 45)).toBe(true)
        expect(caps.slice(28)).toEqual([55, 65, 75, 85, 90])
    })

    it("is 0 until the warnings are acknowledged, whatever the count or the setting; none (90) with the program off", () => {
        for (const on of [true, false]) {
            expect(
                capFor({ countedSessions: 30, warningsAcknowledged: false }, on)
            ).toBe(0)
        }
        expect(
            capFor({ countedSessions: 0, warningsAcknowledged: true }, false)
        ).toBe(90)
        expect(
            capFor({ countedSessions: 2, warningsAcknowledged: true }, true)
        ).toBe(35)
    })
})

describe("the program's session time", () => {
    it("is min(setting, 300) for the first 28 counted sessions, then 60 s more every 4 counted, up to the setting", () => {
        for (let n = 0; n < 28; n++) {
            expect(sessionLimitFor(900, n, true)).toBe(300)
            expect(sessionLimitFor(200, n, true)).toBe(200)
        }
        expect(sessionLimitFor(900, 28, true)).toBe(360)
        expect(sessionLimitFor(900, 31, true)).toBe(360)
        expect(sessionLimitFor(900, 32, true)).toBe(420)
        expect(sessionLimitFor(400, 32, true)).toBe(400)
        expect(sessionLimitFor(700, 0, false)).toBe(700)
    })
})

describe("a progress record", () => {
    it("is trusted only when possible", () => {
        expect(
            checkProgress({ countedSessions: 5, warningsAcknowledged: true })
        ).toBeNull()
        for (const bad of [
            null,
            "5",
            { countedSessions: -1, warningsAcknowledged: true },
            { countedSessions: 33, warningsAcknowledged: true },
            { countedSessions: 2.5, warningsAcknowledged: true },
            { countedSessions: 1, warningsAcknowledged: "yes" },
            { countedSessions: 1, warningsAcknowledged: false },
        ])
            expect(checkProgress(bad), JSON.stringify(bad)).not.toBeNull()
    })
})

describe("the rest clock", () => {
    const H = 3600 * 1000
    it("has no counted session on a new start", () => {
        const c = new RestClock()
        expect(c.endsMs.every(e => e === NO_COUNTED_END_MS)).toBe(true)
        expect(c.restRefusal(0)).toBeNull()
    })

    it("started as if running: the last counted an hour before this start (a negative time) is too soon", () => {
        // The first tick of a start is at 0 ms: an end before it lies at a negative time, and must
        // still count as an end.
        const c = new RestClock()
        c.startAs(0, 1 * H, 1)
        expect(c.restRefusal(0)).toMatch(/too soon/)
        expect(c.restRefusal(2.9 * H)).toMatch(/too soon/)
        expect(c.restRefusal(REST_AFTER_COUNTED_MS - 1 * H)).toBeNull()
    })

    it("asks 4 h after the last counted session, and allows two counted in 24 h", () => {
        const c = new RestClock()
        c.counted(10 * H)
        expect(c.restRefusal(10 * H + REST_AFTER_COUNTED_MS - 1)).toMatch(
            /too soon/
        )
        expect(c.restRefusal(10 * H + REST_AFTER_COUNTED_MS)).toBeNull()
        c.counted(15 * H)
        expect(c.restRefusal(20 * H)).toMatch(/two sessions counted/)
        expect(c.restRefusal(10 * H + DAY_MS)).toBeNull()
    })

    it("started as if two counted in the last day: a third waits until the earlier is a day old", () => {
        const c = new RestClock()
        c.startAs(0, 5 * H, 2)
        expect(c.restRefusal(0)).toMatch(/two sessions counted/)
        // The earlier one ended 4 h before the last: 9 h before this start.
        expect(c.restRefusal(DAY_MS - 9 * H - 1)).toMatch(/two sessions/)
        expect(c.restRefusal(DAY_MS - 9 * H)).toBeNull()
    })
})

// ---- whole sessions through the runner ----

interface SessionPlan {
    progress?: object
    settings?: object
    /** DOWN held this long from t = 1 s (to the cap, which takes about 20 s at 4 deg/s) */
    downS?: number
    /** how long after DOWN is let go the session ends (DOWN reaches the cap a few seconds before) */
    atCapS: number
    /** how it ends: HOME pressed, or the grip let go */
    end?: "home" | "grip" | "power-cycle"
    /** extra events */
    events?: object[]
}

interface Outcome {
    counted: boolean
    capDeg: number
    endCapDeg: number
    rows: TraceRow[]
}

function session(plan: SessionPlan): Outcome {
    const downS = plan.downS ?? 24
    const endT = 1 + downS + plan.atCapS
    const end = plan.end ?? "home"
    const events: object[] = [
        { t: 0, set: { latch: true, deadman: true } },
        { t: 1, set: { down: true } },
        { t: 1 + downS, set: { down: false } },
        ...(plan.events ?? []),
    ]
    if (end === "home")
        events.push(
            { t: endT, set: { home: true } },
            { t: endT + 0.3, set: { home: false } }
        )
    else if (end === "grip") events.push({ t: endT, set: { deadman: false } })
    else events.push({ t: endT, fault: "power-cycle" })
    const s = parseScenario(
        JSON.stringify({
            name: "a session",
            durationS: endT + 45,
            seed: 7,
            settings: { maxAngleDeg: 45, ...plan.settings },
            progress: plan.progress ?? {},
            events: events.sort(
                (a, b) => (a as { t: number }).t - (b as { t: number }).t
            ),
        }),
        "a session"
    )
    const rows: TraceRow[] = []
    runScenario(s, r => rows.push(r))
    const last = rows[rows.length - 1]
    expect(last.estDeg, "home again at the end").toBeLessThan(
        s.settings.homeDeg + 3
    )
    return {
        counted: rows.some(r => r.sound === "counted"),
        capDeg: rows[Math.round(10 * 50)].capDeg,
        endCapDeg: last.capDeg,
        rows,
    }
}

const ENOUGH_S = COUNT_NEAR_MS / 1000

describe("a session through the host runner", () => {
    it("counts: 60 s within 2 degrees of its cap, ended at home with HOME; the next cap is the next step", () => {
        const o = session({ atCapS: ENOUGH_S })
        expect(o.capDeg).toBe(15)
        expect(o.counted).toBe(true)
        expect(o.endCapDeg).toBe(25)
    })

    it("does not count when too short at its cap", () => {
        const o = session({ atCapS: ENOUGH_S - 10 })
        expect(o.counted).toBe(false)
        expect(o.endCapDeg).toBe(15)
    })

    it("does not count when held short of the cap (more than 2 degrees)", () => {
        // DOWN let go after 17 s: about 10 degrees short of 15.
        const o = session({ downS: 17, atCapS: ENOUGH_S + 5 })
        expect(Math.max(...o.rows.map(r => r.estDeg))).toBeLessThan(13)
        expect(o.counted).toBe(false)
    })

    it("counts near maxAngleDeg when the user's own limit is below the cap", () => {
        const o = session({ settings: { maxAngleDeg: 10 }, atCapS: ENOUGH_S })
        expect(o.capDeg).toBe(10)
        expect(o.counted).toBe(true)
    })

    it("does not count when the grip is let go (the dead-man return ends it)", () => {
        const o = session({ atCapS: ENOUGH_S + 5, end: "grip" })
        expect(o.counted).toBe(false)
    })

    it("does not count when a fault was raised in it", () => {
        const o = session({
            atCapS: ENOUGH_S + 5,
            events: [
                { t: 35, set: { latch: false } },
                { t: 35.5, set: { latch: true } },
            ],
        })
        expect(o.rows.some(r => r.faults.includes("latch"))).toBe(true)
        expect(o.counted).toBe(false)
    })

    it("does not count when it ends by a restart", () => {
        const o = session({ atCapS: ENOUGH_S + 5, end: "power-cycle" })
        expect(o.counted).toBe(false)
        expect(o.endCapDeg).toBe(15)
    })

    it("does not count an hour after the last counted one, nor a third within 24 h", () => {
        const soon = session({
            progress: {
                countedSessions: 1,
                sinceLastCountedS: 3600,
                countedInLast24h: 1,
            },
            atCapS: ENOUGH_S,
        })
        expect(soon.capDeg).toBe(25)
        expect(soon.counted).toBe(false)
        const third = session({
            progress: {
                countedSessions: 2,
                sinceLastCountedS: 5 * 3600,
                countedInLast24h: 2,
            },
            downS: 30,
            atCapS: ENOUGH_S,
        })
        expect(third.counted).toBe(false)
        const rested = session({
            progress: {
                countedSessions: 2,
                sinceLastCountedS: 5 * 3600,
                countedInLast24h: 1,
            },
            downS: 30,
            atCapS: ENOUGH_S,
        })
        expect(rested.counted).toBe(true)
        expect(rested.endCapDeg).toBe(45)
    })

    it("never counts with the program off, or before the warnings are acknowledged", () => {
        const off = session({
            settings: { progression: false },
            atCapS: ENOUGH_S,
            downS: 30,
        })
        expect(off.capDeg).toBe(45)
        expect(off.counted).toBe(false)
        const notAcked = session({
            progress: { warningsAcknowledged: false },
            atCapS: ENOUGH_S,
            downS: 20,
        })
        expect(notAcked.capDeg).toBe(0)
        expect(Math.max(...notAcked.rows.map(r => r.estDeg))).toBeLessThan(0.6)
        expect(notAcked.counted).toBe(false)
    })
})

describe("the program's records in the table's flash", () => {
    const runFile = (file: string) => {
        const s = parseScenario(
            fs.readFileSync(path.join("sim", "scenarios", file), "utf8"),
            file
        )
        return runScenario(s, () => {}).flashWrites
    }

    it("are written only when they change: a session's record at its start and its end, the progress once when it counts", () => {
        const counts = runFile("program-session-counts.json")
        expect(counts).toMatchObject({
            progress: 1,
            sessions: 2,
            boots: 1,
            settings: 0,
        })
        const short = runFile("program-session-too-short.json")
        expect(short).toMatchObject({ progress: 0, sessions: 2, settings: 0 })
        // Holding at the cap for half a minute writes nothing more.
        const holding = runFile("program-new-user-capped-at-15.json")
        expect(holding).toMatchObject({ progress: 0, sessions: 1 })
    })

    it("fit the settings store: a progress record and 50 session records of the longest kind", () => {
        const progress = encodeProgress({
            countedSessions: 32,
            warningsAcknowledged: true,
        })
        const longest = encodeSessionRecord({
            number: 999999,
            boot: 99999,
            startS: 9999999.9,
            invertedS: 900,
            deepestDeg: -85.5,
            capDeg: 90,
            counted: true,
            end: "progress 32: " + "x".repeat(REASON_MAX_CHARS),
        })
        const usual = encodeSessionRecord({
            number: 17,
            boot: 3,
            startS: 5421.4,
            invertedS: 288.2,
            deepestDeg: 35.1,
            capDeg: 35,
            counted: true,
            end: "home",
        })
        const total = progress.length + SESSION_SLOTS * longest.length
        console.log(
            `program records: progress ${progress.length} B, a session record ${usual.length} B (at most ${longest.length} B), all ${SESSION_SLOTS} at most ${total} B`
        )
        // One settings write is one Jacdac packet: 236 bytes of payload for the key (at most 13
        // characters and its terminator) and the value.
        expect(14 + longest.length).toBeLessThanOrEqual(236)
        expect(total).toBeLessThan(8 * 1024)
    })
})
