// The example scenarios of sim/scenarios/, run through the controller and the model table.
//
// Every shipped scenario file is found by reading the folder, so a new file is covered at once:
// it must parse, give 50 rows a second with every number finite, and keep the rules that hold in
// every trace (hard limits, who may drive deeper, what each fault still allows). Then each scenario
// is checked, by file name, for the behaviour it exists to show.
//
// The numbers come from behaviour.md through src/control/limits.ts and the scenario's own settings
// (filled in from the settings schema), never from a run. Where behaviour.md leaves a detail open,
// the check follows the choice the controller documents (supervisor.ts, faultPolicy.ts). The few
// allowances below are stated once, with their reason; none was fitted to a trace.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { PROGRAM_CHECKS } from "./fixtures/programChecks"
import {
    AT_HOME_TOLERANCE_DEG,
    DEADMAN_STOP_MS,
    DEADMAN_STOP_TRAVEL_DEG,
    DIRECTION_MS,
    HARD_MAX_ACCEL_DPS2,
    HARD_MAX_ANGLE_DEG,
    HARD_MAX_RATE_DPS,
    IMU_DISAGREE_MS,
    IMU_FAULT_UP_DUTY,
    IMU_FAULT_UP_MAX_MS,
    IMU_FROZEN_MS,
    IMU_STALE_MS,
    LATCH_HELPER_RATE_DPS,
    LATCH_SETTLE_MS,
    PRESETS_DEG,
    RETURN_PAUSE_AT_DEG,
    RETURN_PAUSE_FROM_DEG,
    RETURN_PAUSE_MS,
    STALL_MS,
    STUCK_BUTTON_MS,
    TICK_MS,
} from "../src/control/limits"
import {
    FAULT_UP_NO_PROGRESS_MS,
    SETTLE_TIMEOUT_MS,
    STALL_MIN_PLANNED_DPS,
} from "../src/control/tuning"
import {
    ACCEL_TRACKING_FACTOR,
    ACCEL_WINDOW_S,
    RATE_TRACKING_TOLERANCE_DPS,
    checkTrace,
} from "../sim/check"
import { openLoopDutyFor } from "../src/control/faultPolicy"
import { runScenario } from "../sim/run"
import {
    INPUT_NAMES,
    InputName,
    parseScenario,
    Scenario,
    ScenarioEvent,
} from "../sim/scenario"
import { TRACE_TICKS_PER_S, TraceRow } from "../sim/trace"

const SCENARIO_DIR = fileURLToPath(
    new URL("../sim/scenarios/", import.meta.url)
)

/** Scenario files owned elsewhere (the CLI's demo): the rules for every trace apply, nothing more. */
const GENERIC_ONLY = ["demo.json"]

// ---- allowances (stated once, with their reason) ----

const TICK_S = TICK_MS / 1000
/** A physical event reaches the controller at the latest with the next IMU sample and tick. */
const SENSE_S = 2 * TICK_S
/** Triggers that judge a filtered quantity (the rate, the smoothed accelerometer angle) see a step
 *  change only once the filter has followed it: one tenth of a second, a few filter time constants. */
const FILTER_S = 0.1
/** How far the true angle may differ from where the controller puts the table: the accuracy of a
 *  MEMS accelerometer tilt, which is all the controller can know the angle by. */
const ANGLE_TOL_DEG = 0.5
/** A ramped (commanded) stop takes its braking ramp, then the drive settles and the worm locks. */
const SETTLE_S = 0.5
/** behaviour.md: safety stops cut the drive and "the worm gear stops the table within a fraction of
 *  a second"; the only figures it gives for a cut drive are those of the dead-man release. */
const CUT_STOP_S = DEADMAN_STOP_MS / 1000
const CUT_STOP_TRAVEL_DEG = DEADMAN_STOP_TRAVEL_DEG

// ---- running a scenario ----

type Levels = { [K in InputName]: boolean }

interface Run {
    file: string
    scenario: Scenario
    rows: TraceRow[]
    /** the input levels the runner applied at each tick, from the scenario's events */
    inputs: Levels[]
    /** ticks at which a power-cycle event restarted the controller */
    powerCycles: number[]
    /** the deepest angle the settings allow (the progression program can only lower it) */
    effMax: number
    home: number
}

const runs = new Map<string, Run>()

function run(file: string): Run {
    const cached = runs.get(file)
    if (cached) return cached
    const scenario = parseScenario(
        fs.readFileSync(path.join(SCENARIO_DIR, file), "utf8"),
        file
    )
    const rows: TraceRow[] = []
    // The home switch the controller saw: the scenario's level, or the model's own switch.
    const switchSeen: boolean[] = []
    runScenario(
        scenario,
        row => rows.push(row),
        inputs => switchSeen.push(inputs.homeSwitch)
    )
    // The runner applies every event with t <= the tick's time before that tick.
    const inputs: Levels[] = []
    const powerCycles: number[] = []
    const levels = {} as Levels
    for (const name of INPUT_NAMES) levels[name] = false
    let next = 0
    for (let k = 0; k < rows.length; k++) {
        while (
            next < scenario.events.length &&
            scenario.events[next].t <= k / TRACE_TICKS_PER_S
        ) {
            const e = scenario.events[next++]
            for (const name of INPUT_NAMES) {
                const level = e.set[name]
                if (level !== undefined) levels[name] = level
            }
            if (e.fault === "power-cycle") powerCycles.push(k)
        }
        inputs.push({ ...levels, homeSwitch: switchSeen[k] })
    }
    const r: Run = {
        file,
        scenario,
        rows,
        inputs,
        powerCycles,
        effMax: Math.min(HARD_MAX_ANGLE_DEG, scenario.settings.maxAngleDeg),
        home: scenario.settings.homeDeg,
    }
    runs.set(file, r)
    return r
}

/** The first tick at or after time t (the tick in which an event at t takes effect). */
function tickAt(t: number): number {
    return Math.ceil(t * TRACE_TICKS_PER_S - 1e-9)
}

function timeOf(k: number): number {
    return k / TRACE_TICKS_PER_S
}

/** Times of the events that set `input` to `level`, in order. */
function setTimes(r: Run, input: InputName, level: boolean): number[] {
    return r.scenario.events
        .filter((e: ScenarioEvent) => e.set[input] === level)
        .map(e => e.t)
}

/** The first tick from `k0` on at which the controller saw the home switch pressed. */
function switchTick(r: Run, k0: number): number {
    for (let k = k0; k < r.inputs.length; k++)
        if (r.inputs[k].homeSwitch) return k
    throw new Error("the home switch never closed after t=" + timeOf(k0))
}

function faultTimes(r: Run, fault: string): number[] {
    return r.scenario.events.filter(e => e.fault === fault).map(e => e.t)
}

function first<T>(xs: T[], what: string): T {
    if (xs.length === 0) throw new Error("the scenario has no " + what)
    return xs[0]
}

/** The first tick in [from, to) for which `pred` holds, or -1. */
function findTick(
    r: Run,
    pred: (row: TraceRow, k: number) => boolean,
    from = 0,
    to = r.rows.length
): number {
    for (let k = Math.max(0, from); k < Math.min(to, r.rows.length); k++)
        if (pred(r.rows[k], k)) return k
    return -1
}

/** Ticks in [from, to) for which `pred` fails, as "t=...: detail" lines (empty when it always holds). */
function violations(
    r: Run,
    pred: (row: TraceRow, k: number) => boolean,
    detail: (row: TraceRow, k: number) => string,
    from = 0,
    to = r.rows.length
): string[] {
    const out: string[] = []
    for (let k = Math.max(0, from); k < Math.min(to, r.rows.length); k++) {
        if (!pred(r.rows[k], k)) {
            out.push("t=" + r.rows[k].tS + ": " + detail(r.rows[k], k))
            if (out.length >= 5) break
        }
    }
    return out
}

/** No violations: the message lists the first few, one a line. */
function expectNone(lines: string[], message = "violations"): void {
    expect(lines.join("\n"), message).toBe("")
}

function rowText(row: TraceRow): string {
    return (
        "angle " +
        row.angleDeg.toFixed(3) +
        ", est " +
        row.estDeg.toFixed(3) +
        ", rate " +
        row.rateDps.toFixed(3) +
        ", duty " +
        row.duty.toFixed(3) +
        ", " +
        row.state +
        (row.faults.length ? " [" + row.faults.join("|") + "]" : "")
    )
}

function maxOf(
    r: Run,
    f: (row: TraceRow) => number,
    from = 0,
    to = r.rows.length
): { value: number; k: number } {
    let best = { value: -Infinity, k: -1 }
    for (let k = Math.max(0, from); k < Math.min(to, r.rows.length); k++) {
        const v = f(r.rows[k])
        if (v > best.value) best = { value: v, k }
    }
    return best
}

/** The first tick from which the table stays at rest (true rate exactly 0: the worm gear holds) until `to`. */
function restsFrom(r: Run, from: number, to = r.rows.length): number {
    let k = Math.min(to, r.rows.length)
    while (k > from && r.rows[k - 1].rateDps === 0) k--
    return k
}

function atHomeTrue(r: Run, row: TraceRow): boolean {
    return (
        Math.abs(row.angleDeg - r.home) <= AT_HOME_TOLERANCE_DEG + ANGLE_TOL_DEG
    )
}

/** How long the latch column has read closed without a break, up to and including tick k. */
function latchClosedForS(r: Run, k: number): number {
    let j = k
    while (j >= 0 && r.rows[j].latch) j--
    if (j === k) return -1
    return timeOf(k) - timeOf(j + 1)
}

/** The largest change of the true rate over ACCEL_WINDOW_S in [from, to), as an acceleration. */
function maxAccel(
    r: Run,
    from: number,
    to: number
): { value: number; k: number } {
    const w = Math.round(ACCEL_WINDOW_S / TICK_S)
    let best = { value: 0, k: -1 }
    for (let k = Math.max(w, from); k < Math.min(to, r.rows.length); k++) {
        const a =
            Math.abs(r.rows[k].rateDps - r.rows[k - w].rateDps) / ACCEL_WINDOW_S
        if (a > best.value) best = { value: a, k }
    }
    return best
}

/** The fastest the real table may go under a rate setting: the setting plus the drive's tracking
 *  tolerance (sim/check.ts, the one place that claim is made). */
function rateCeiling(settingDps: number): number {
    return settingDps + RATE_TRACKING_TOLERANCE_DPS
}

/** Likewise for the acceleration of a commanded move. */
function accelCeiling(settingDps2: number): number {
    return Math.min(HARD_MAX_ACCEL_DPS2, settingDps2 * ACCEL_TRACKING_FACTOR)
}

// ---- shared checks of one behaviour ----

/** Grip released while moving deeper (the trace's deadman column goes 0 at tick kRel). */
function expectGripReleaseStop(r: Run, kRel: number): void {
    const a0 = r.rows[kRel].angleDeg
    const deepest = maxOf(r, row => row.angleDeg, kRel)
    expect(
        deepest.value - a0,
        "further travel after the release at t=" + timeOf(kRel)
    ).toBeLessThanOrEqual(DEADMAN_STOP_TRAVEL_DEG)
    const kStop = tickAt(timeOf(kRel) + DEADMAN_STOP_MS / 1000)
    expectNone(
        violations(r, row => row.rateDps <= 0, rowText, kStop),
        "still moving deeper 0.25 s after the release"
    )
    expectNone(
        violations(r, row => row.duty <= 0, rowText, kRel),
        "driving deeper after the release"
    )
}

/** A safety stop at tick k: the drive is cut in that tick and the table stops within a fraction of a second. */
function expectCutStop(r: Run, k: number, until: number): void {
    expect(r.rows[k].duty, "duty in the tick of the stop, t=" + timeOf(k)).toBe(
        0
    )
    expectNone(
        violations(r, row => row.duty === 0, rowText, k, until),
        "motor driven after the stop at t=" + timeOf(k)
    )
    const rest = restsFrom(r, k, until)
    expect(
        timeOf(rest) - timeOf(k),
        "time to rest after the stop at t=" + timeOf(k)
    ).toBeLessThanOrEqual(CUT_STOP_S)
    expect(
        Math.abs(r.rows[rest].angleDeg - r.rows[k].angleDeg),
        "travel after the stop"
    ).toBeLessThanOrEqual(CUT_STOP_TRAVEL_DEG)
}

/** A commanded (ramped) stop begun at tick k while moving at `speed`: braking at accelDps2, then rest. */
function expectRampedStop(
    r: Run,
    k: number,
    until: number,
    speed: number
): number {
    const a = r.scenario.settings.accelDps2
    const rest = restsFrom(r, k, until)
    expect(
        timeOf(rest) - timeOf(k),
        "time to rest after t=" + timeOf(k)
    ).toBeLessThanOrEqual(speed / a + SETTLE_S)
    const braking = (speed * speed) / (2 * a)
    expect(
        Math.abs(r.rows[rest].angleDeg - r.rows[k].angleDeg),
        "braking distance after t=" + timeOf(k)
    ).toBeLessThanOrEqual(braking + ANGLE_TOL_DEG)
    return rest
}

/** The table holds still over [from, to): it does not move, and by the end the motor is off (the
 *  worm gear holds; a drive still settling may send a duty too small to turn it). */
function expectHolds(r: Run, from: number, to: number): void {
    expectNone(
        violations(r, row => row.rateDps === 0, rowText, from, to),
        "not holding"
    )
    expect(
        r.rows[to - 1].duty,
        "motor off at the end of the hold, t=" + timeOf(to - 1)
    ).toBe(0)
}

/** The tick the state first becomes `returning` at or after `from`. */
function returnStart(r: Run, from: number): number {
    const k = findTick(r, row => row.state === "returning", from)
    expect(k, "no return after t=" + timeOf(from)).toBeGreaterThanOrEqual(0)
    return k
}

/**
 * A return from deeper than RETURN_PAUSE_FROM_DEG that starts at tick kRet: it rests near flat (at
 * RETURN_PAUSE_AT_DEG, the controller's choice inside behaviour.md's 0..10) for RETURN_PAUSE_MS
 * before going upright (below 0), then reaches home.
 */
function expectReturnWithPause(
    r: Run,
    kRet: number,
    pauseAtTolDeg: number | null = ANGLE_TOL_DEG
): void {
    const kUpright = findTick(r, row => row.angleDeg < 0, kRet)
    expect(kUpright, "the return never went upright").toBeGreaterThan(kRet)
    // The longest rest inside the near-flat band before going upright.
    let best = { start: -1, len: 0 }
    let start = -1
    for (let k = kRet; k <= kUpright; k++) {
        const row = r.rows[k]
        const resting =
            k < kUpright &&
            row.rateDps === 0 &&
            row.angleDeg >= 0 &&
            row.angleDeg <= 10
        if (resting && start < 0) start = k
        if (!resting && start >= 0) {
            if (k - start > best.len) best = { start, len: k - start }
            start = -1
        }
    }
    const pauseS = best.len * TICK_S
    expect(pauseS, "the pause near flat").toBeGreaterThanOrEqual(
        RETURN_PAUSE_MS / 1000
    )
    // The controller times the pause from when its drive has settled there, which may take up to its
    // settle timeout after the table stopped.
    expect(
        pauseS,
        "the pause near flat (not much longer than asked)"
    ).toBeLessThanOrEqual((RETURN_PAUSE_MS + SETTLE_TIMEOUT_MS) / 1000 + TICK_S)
    if (pauseAtTolDeg !== null)
        expect(
            Math.abs(r.rows[best.start].angleDeg - RETURN_PAUSE_AT_DEG),
            "where the pause is"
        ).toBeLessThanOrEqual(pauseAtTolDeg)
    expectEndsIdleAtHome(r)
}

function expectReturnWithoutPause(r: Run, kRet: number): void {
    const kHome = findTick(r, row => atHomeTrue(r, row), kRet)
    expect(kHome, "never reached home").toBeGreaterThan(kRet)
    // Straight home: no rest at all between the start of the return and home.
    const moving = findTick(r, row => row.rateDps < 0, kRet)
    expectNone(
        violations(
            r,
            row => row.rateDps < 0,
            rowText,
            moving + tickAt(1),
            kHome - tickAt(1)
        ),
        "stopped on the way"
    )
    expectEndsIdleAtHome(r)
}

function expectEndsIdleAtHome(r: Run): void {
    const last = r.rows[r.rows.length - 1]
    expect(last.state, "final state").toBe("idle")
    expect(last.faults, "final faults").toEqual([])
    expect(
        Math.abs(last.angleDeg - r.home),
        "final distance from home"
    ).toBeLessThanOrEqual(AT_HOME_TOLERANCE_DEG + ANGLE_TOL_DEG)
}

/** The tick a fault name first appears at or after `from`. */
function faultAppears(r: Run, name: string, from = 0): number {
    const k = findTick(r, row => row.faults.includes(name), from)
    expect(k, "the " + name + " fault never appeared").toBeGreaterThanOrEqual(0)
    return k
}

// ---- the rules every trace keeps ----

const files = fs
    .readdirSync(SCENARIO_DIR)
    .filter(f => f.endsWith(".json"))
    .sort()

describe("the shipped scenarios", () => {
    it("are there: at least 12, kebab-case names", () => {
        expect(files.length).toBeGreaterThanOrEqual(12)
        for (const f of files)
            expect(f).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.json$/)
    })

    it("each have checks of their own", () => {
        const missing = files.filter(
            f => !GENERIC_ONLY.includes(f) && !(f in SPECIFIC)
        )
        expect(missing).toEqual([])
    })
})

describe.each(files)("%s: the rules of every trace", file => {
    it("keeps every rule of the contract checker (sim/check.ts)", () => {
        const r = run(file)
        const found = checkTrace(r.scenario, r.rows).map(
            v => v.rule + " at " + v.tS + ": " + v.detail
        )
        expectNone(found)
    })

    it("parses, runs, and gives 50 rows a second with every number finite", () => {
        const r = run(file)
        let expected = 0
        while (timeOf(expected) < r.scenario.durationS) expected++
        expect(r.rows.length).toBe(expected)
        expect(TRACE_TICKS_PER_S).toBe(1000 / TICK_MS)
        const bad = violations(
            r,
            (row, k) =>
                row.tS === timeOf(k) &&
                [
                    row.tS,
                    row.angleDeg,
                    row.estDeg,
                    row.targetDeg,
                    row.rateDps,
                    row.duty,
                ].every(x => Number.isFinite(x)),
            rowText
        )
        expectNone(bad)
    })

    it("stays within the hard limits: 90 degrees, 10 deg/s, duty -1..1", () => {
        const r = run(file)
        expectNone(
            violations(r, row => row.angleDeg <= HARD_MAX_ANGLE_DEG, rowText)
        )
        expectNone(
            violations(
                r,
                row => Math.abs(row.rateDps) <= HARD_MAX_RATE_DPS,
                rowText
            )
        )
        expectNone(
            violations(r, row => row.duty >= -1 && row.duty <= 1, rowText)
        )
    })

    it("never goes deeper than the effective deepest angle (or where it started)", () => {
        const r = run(file)
        const ceiling = Math.max(
            r.effMax + ANGLE_TOL_DEG,
            r.scenario.table.startAngleDeg
        )
        expectNone(violations(r, row => row.angleDeg <= ceiling, rowText))
    })

    it("drives deeper only with the grip held, the latch settled, no fault and inside the limit", () => {
        const r = run(file)
        const bad = violations(
            r,
            (row, k) =>
                row.duty <= 0 ||
                (row.deadman &&
                    latchClosedForS(r, k) >= LATCH_SETTLE_MS / 1000 &&
                    row.faults.length === 0 &&
                    row.estDeg < r.effMax + ANGLE_TOL_DEG &&
                    row.state !== "boot"),
            (row, k) =>
                rowText(row) +
                ", latch closed for " +
                latchClosedForS(r, k).toFixed(2) +
                " s"
        )
        expectNone(bad)
    })

    it("stops the motor in the tick a fault appears, and shows the fault state while one is active", () => {
        const r = run(file)
        const bad = violations(
            r,
            (row, k) => {
                const before =
                    k > 0 && !r.powerCycles.includes(k)
                        ? r.rows[k - 1].faults
                        : []
                const appeared = row.faults.some(f => !before.includes(f))
                return !appeared || row.duty === 0
            },
            rowText
        )
        expectNone(bad, "duty in the tick a fault appeared")
        const shown = violations(
            r,
            row =>
                row.faults.filter(f => f !== "settings").length === 0 ||
                row.state === "fault" ||
                row.state === "boot",
            rowText
        )
        expectNone(shown)
    })

    it("with an imu fault: motor off, except toward home open-loop at no more than 30 % duty until the home switch (UP held, or on its own with a known switch), ramping down otherwise", () => {
        const r = run(file)
        const bad = violations(
            r,
            (row, k) =>
                !row.faults.includes("imu") ||
                row.duty === 0 ||
                (row.duty < 0 &&
                    row.duty >= -IMU_FAULT_UP_DUTY &&
                    !r.inputs[k].homeSwitch &&
                    ((r.inputs[k].up && !r.inputs[k].down) ||
                        r.scenario.table.homeSwitch ||
                        (k > 0 &&
                            Math.abs(row.duty) <
                                Math.abs(r.rows[k - 1].duty)))),
            (row, k) =>
                rowText(row) +
                ", UP " +
                r.inputs[k].up +
                ", home switch " +
                r.inputs[k].homeSwitch
        )
        expectNone(bad)
        // At most 120 s of open-loop driving under one fault.
        let drivenMs = 0
        let worst = 0
        for (let k = 0; k < r.rows.length; k++) {
            if (!r.rows[k].faults.includes("imu")) drivenMs = 0
            else if (r.rows[k].duty < 0) drivenMs += TICK_MS
            worst = Math.max(worst, drivenMs)
        }
        expect(worst).toBeLessThanOrEqual(IMU_FAULT_UP_MAX_MS)
    })

    it("with a latch, stall or overspeed fault: only UP held moves the table, toward home (a latch closed steadily again: every move toward home)", () => {
        // The fault table: these allow UP held at the helper's rate, nothing else; once UP is
        // released the move decelerates and settles. A latch that has read closed for 2 s allows the
        // automatic returns again.
        const r = run(file)
        const helper = (row: TraceRow) =>
            ["latch", "stall", "overspeed"].some(f => row.faults.includes(f)) &&
            !row.faults.includes("imu")
        const latchOnly = (row: TraceRow) =>
            !row.faults.includes("stall") && !row.faults.includes("overspeed")
        const releaseTicks = tickAt(
            LATCH_HELPER_RATE_DPS / r.scenario.settings.accelDps2 + 1.5
        )
        let lastUp = -Infinity
        const bad = violations(
            r,
            (row, k) => {
                if (r.inputs[k].up) lastUp = k
                return (
                    !helper(row) ||
                    row.duty === 0 ||
                    (row.duty < 0 &&
                        (r.inputs[k].up ||
                            k - lastUp <= releaseTicks ||
                            (latchOnly(row) && latchClosedForS(r, k) >= 2)))
                )
            },
            (row, k) => rowText(row) + ", UP " + r.inputs[k].up
        )
        expectNone(bad)
    })

    it("with a direction fault: nothing drives the motor", () => {
        // faultPolicy.ts: the drive turns the wrong way, so even UP could take the user deeper.
        const r = run(file)
        expectNone(
            violations(
                r,
                row => !row.faults.includes("direction") || row.duty === 0,
                rowText
            )
        )
    })

    it("is idle only at home, and the motor is off while booting", () => {
        const r = run(file)
        expectNone(
            violations(
                r,
                row => row.state !== "idle" || atHomeTrue(r, row),
                rowText
            )
        )
        expectNone(
            violations(
                r,
                row => row.state !== "boot" || row.duty === 0,
                rowText
            )
        )
    })
})

// ---- what each scenario exists to show ----

type Checks = { [title: string]: (r: Run) => void }

const SPECIFIC: { [file: string]: Checks } = {
    ...PROGRAM_CHECKS,
    "beginner-to-45.json": {
        "DOWN held goes to the user's limit, and no further": r => {
            const deepest = maxOf(r, row => row.angleDeg)
            expect(deepest.value).toBeGreaterThanOrEqual(
                r.effMax - ANGLE_TOL_DEG
            )
            expect(deepest.value).toBeLessThanOrEqual(r.effMax + ANGLE_TOL_DEG)
            expectNone(
                violations(
                    r,
                    row => row.estDeg <= r.effMax + ANGLE_TOL_DEG,
                    rowText
                )
            )
        },
        "going deeper no faster than maxRateDps": r => {
            const fastest = maxOf(r, row => row.rateDps)
            expect(
                fastest.value,
                "at t=" + timeOf(fastest.k)
            ).toBeLessThanOrEqual(rateCeiling(r.scenario.settings.maxRateDps))
        },
        "the move never accelerates beyond the hard limit (15 deg/s^2)": r => {
            // Acceleration: the change of the true rate over one tick. A commanded move has no safety stop.
            const acc = maxAccel(r, 0, r.rows.length)
            expect(
                acc.value,
                "at t=" + timeOf(acc.k) + ": " + rowText(r.rows[acc.k])
            ).toBeLessThanOrEqual(HARD_MAX_ACCEL_DPS2)
        },
        "the move starts with the acceleration setting (accelDps2), no jerk":
            r => {
                const kPress = tickAt(
                    first(setTimes(r, "down", true), "DOWN press")
                )
                const kCruise = findTick(
                    r,
                    row => row.rateDps >= r.scenario.settings.maxRateDps * 0.9,
                    kPress
                )
                const acc = maxAccel(r, kPress, kCruise + 1)
                expect(
                    acc.value,
                    "at t=" + timeOf(acc.k) + ": " + rowText(r.rows[acc.k])
                ).toBeLessThanOrEqual(
                    accelCeiling(r.scenario.settings.accelDps2)
                )
            },
        "the move ends with the acceleration setting (accelDps2), no jerk":
            r => {
                const kPress = tickAt(
                    first(setTimes(r, "down", true), "DOWN press")
                )
                const kCruise = findTick(
                    r,
                    row => row.rateDps >= r.scenario.settings.maxRateDps * 0.9,
                    kPress
                )
                const acc = maxAccel(r, kCruise + tickAt(1), r.rows.length)
                expect(
                    acc.value,
                    "at t=" + timeOf(acc.k) + ": " + rowText(r.rows[acc.k])
                ).toBeLessThanOrEqual(
                    accelCeiling(r.scenario.settings.accelDps2)
                )
            },
        "after DOWN is released the table holds at the limit": r => {
            const kUp = tickAt(
                first(setTimes(r, "down", false), "DOWN release")
            )
            expectHolds(r, kUp, r.rows.length)
            expect(r.rows[r.rows.length - 1].state).toBe("holding")
        },
    },

    "down-up-release-hold.json": {
        "DOWN released mid-move: decelerate and hold": r => {
            const kRel = tickAt(
                first(setTimes(r, "down", false), "DOWN release")
            )
            const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
            expect(
                r.rows[kRel].rateDps,
                "moving deeper when DOWN was released"
            ).toBeGreaterThan(0)
            const rest = expectRampedStop(r, kRel, kUp, r.rows[kRel].rateDps)
            expectHolds(r, rest, kUp)
        },
        "UP released mid-move: decelerate and hold": r => {
            const kRel = tickAt(first(setTimes(r, "up", false), "UP release"))
            expect(
                r.rows[kRel].rateDps,
                "moving toward home when UP was released"
            ).toBeLessThan(0)
            const rest = expectRampedStop(
                r,
                kRel,
                r.rows.length,
                -r.rows[kRel].rateDps
            )
            expectHolds(r, rest, r.rows.length)
            expect(r.rows[r.rows.length - 1].state).toBe("holding")
        },
        "the stops on release ramp with accelDps2 (release: decelerate)": r => {
            const kDown = tickAt(
                first(setTimes(r, "down", false), "DOWN release")
            )
            const kUp = tickAt(first(setTimes(r, "up", false), "UP release"))
            for (const k of [kDown, kUp]) {
                const acc = maxAccel(r, k, k + tickAt(2))
                expect(
                    acc.value,
                    "after the release at t=" +
                        timeOf(k) +
                        ", worst at t=" +
                        timeOf(acc.k)
                ).toBeLessThanOrEqual(
                    accelCeiling(r.scenario.settings.accelDps2)
                )
            }
        },
    },

    "preset-cycle.json": {
        "each PRESET tap moves to the next allowed preset, wrapping to flat after the deepest":
            r => {
                const allowed = PRESETS_DEG.filter(p => p <= r.effMax)
                const taps = setTimes(r, "preset", true)
                expect(taps.length).toBeGreaterThan(allowed.length)
                const ends = taps.slice(1).concat([r.scenario.durationS])
                taps.forEach((t, i) => {
                    const expected = allowed[i % allowed.length]
                    const kEnd = tickAt(ends[i]) - 1
                    const row = r.rows[kEnd]
                    expect(
                        Math.abs(row.angleDeg - expected),
                        "tap " + (i + 1) + " at t=" + t + ": " + rowText(row)
                    ).toBeLessThanOrEqual(ANGLE_TOL_DEG)
                    expect(row.rateDps, "at rest before the next tap").toBe(0)
                })
            },
        "never reaches a preset beyond the limit": r => {
            const beyond = PRESETS_DEG.filter(p => p > r.effMax)
            expect(beyond.length).toBeGreaterThan(0)
            expect(maxOf(r, row => row.angleDeg).value).toBeLessThan(
                beyond[0] - ANGLE_TOL_DEG
            )
        },
    },

    "grip-release-while-going-deeper.json": {
        "stops moving deeper within 0.25 s and at most 1.5 degrees further":
            r => {
                const kRel = findTick(
                    r,
                    (row, k) => k > 0 && !row.deadman && r.rows[k - 1].deadman
                )
                expect(
                    r.rows[kRel].rateDps,
                    "moving deeper when released"
                ).toBeGreaterThan(0)
                expectGripReleaseStop(r, kRel)
            },
        "returns home after the grace period (no pause: never deeper than 30)":
            r => {
                const kRel = findTick(
                    r,
                    (row, k) => k > 0 && !row.deadman && r.rows[k - 1].deadman
                )
                const kRet = returnStart(r, kRel)
                const waited = timeOf(kRet) - timeOf(kRel)
                expect(waited).toBeGreaterThanOrEqual(
                    r.scenario.settings.deadmanGraceS - TICK_S
                )
                expect(waited).toBeLessThanOrEqual(
                    r.scenario.settings.deadmanGraceS + SENSE_S
                )
                expect(maxOf(r, row => row.angleDeg).value).toBeLessThanOrEqual(
                    RETURN_PAUSE_FROM_DEG
                )
                expectReturnWithoutPause(r, kRet)
            },
    },

    "grip-release-at-top-speed.json": {
        "at the fastest settings too: stops within 0.25 s and at most 1.5 degrees further":
            r => {
                const kRel = findTick(
                    r,
                    (row, k) => k > 0 && !row.deadman && r.rows[k - 1].deadman
                )
                expect(
                    r.rows[kRel].rateDps,
                    "moving deeper when released"
                ).toBeGreaterThan(r.scenario.settings.maxRateDps / 2)
                expectGripReleaseStop(r, kRel)
            },
        "going deeper no faster than maxRateDps": r => {
            const fastest = maxOf(r, row => row.rateDps)
            expect(
                fastest.value,
                "at t=" + timeOf(fastest.k)
            ).toBeLessThanOrEqual(rateCeiling(r.scenario.settings.maxRateDps))
        },
        "then returns home": r => {
            const kRel = findTick(
                r,
                (row, k) => k > 0 && !row.deadman && r.rows[k - 1].deadman
            )
            expectReturnWithoutPause(r, returnStart(r, kRel))
        },
    },

    "deadman-return-with-pause.json": {
        "waits out the grace period holding, then returns": r => {
            const kRel = findTick(
                r,
                (row, k) => k > 0 && !row.deadman && r.rows[k - 1].deadman
            )
            const kRet = returnStart(r, kRel)
            const waited = timeOf(kRet) - timeOf(kRel)
            expect(waited).toBeGreaterThanOrEqual(
                r.scenario.settings.deadmanGraceS - TICK_S
            )
            expect(waited).toBeLessThanOrEqual(
                r.scenario.settings.deadmanGraceS + SENSE_S
            )
            expectHolds(r, kRel, kRet)
            expectNone(
                violations(
                    r,
                    row => row.state === "deadman",
                    rowText,
                    kRel,
                    kRet
                )
            )
        },
        "pauses 10 s near flat, then goes home": r => {
            const kRel = findTick(
                r,
                (row, k) => k > 0 && !row.deadman && r.rows[k - 1].deadman
            )
            expect(r.rows[kRel].angleDeg).toBeGreaterThan(RETURN_PAUSE_FROM_DEG)
            expectReturnWithPause(r, returnStart(r, kRel))
        },
        "returns no faster than returnRateDps": r => {
            const kRet = returnStart(r, 0)
            const fastest = maxOf(r, row => -row.rateDps, kRet)
            expect(
                fastest.value,
                "at t=" + timeOf(fastest.k)
            ).toBeLessThanOrEqual(
                rateCeiling(r.scenario.settings.returnRateDps)
            )
        },
    },

    "grip-again-during-grace-and-return.json": {
        "gripped again within the grace period: no return, the table holds":
            r => {
                const [tRel1, tRel2] = setTimes(r, "deadman", false)
                const tGrip = first(
                    setTimes(r, "deadman", true).filter(t => t > tRel1),
                    "re-grip"
                )
                expect(tGrip - tRel1).toBeLessThan(
                    r.scenario.settings.deadmanGraceS
                )
                expectHolds(r, tickAt(tRel1), tickAt(tRel2))
                expectNone(
                    violations(
                        r,
                        row => row.state !== "returning",
                        rowText,
                        tickAt(tRel1),
                        tickAt(tRel2)
                    )
                )
            },
        "gripped again during the return: stop and hold": r => {
            const tRel2 = setTimes(r, "deadman", false)[1]
            const tGrip = first(
                setTimes(r, "deadman", true).filter(t => t > tRel2),
                "re-grip during the return"
            )
            const kGrip = tickAt(tGrip)
            expect(
                r.rows[kGrip - 1].state,
                "returning when gripped again"
            ).toBe("returning")
            expect(
                r.rows[kGrip].rateDps,
                "moving when gripped again"
            ).toBeLessThan(0)
            expectNone(
                violations(
                    r,
                    row => row.state !== "returning",
                    rowText,
                    kGrip + 1
                )
            )
            const rest = expectRampedStop(
                r,
                kGrip,
                r.rows.length,
                -r.rows[kGrip].rateDps
            )
            expectHolds(r, rest, r.rows.length)
            expect(r.rows[r.rows.length - 1].state).toBe("holding")
        },
    },

    "latch-open-away-from-home.json": {
        "latch opening while going deeper: latch fault and a stop at once":
            r => {
                const kOpen = findTick(
                    r,
                    (row, k) => k > 0 && !row.latch && r.rows[k - 1].latch
                )
                expect(
                    r.rows[kOpen].rateDps,
                    "moving when the latch opened"
                ).toBeGreaterThan(0)
                expect(r.rows[kOpen].faults).toContain("latch")
                expectCutStop(
                    r,
                    kOpen,
                    tickAt(first(setTimes(r, "up", true), "UP press"))
                )
            },
        "DOWN, HOME and letting go of the grip move nothing; UP held brings the user home":
            r => {
                const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
                const kUpEnd = tickAt(
                    first(setTimes(r, "up", false), "UP release")
                )
                const kOpen = findTick(
                    r,
                    (row, k) => k > 0 && !row.latch && r.rows[k - 1].latch
                )
                const rest = restsFrom(r, kOpen, kUp)
                expectHolds(r, rest, kUp)
                // The grip was released for longer than the grace period in there.
                const released =
                    r.inputs.slice(rest, kUp).filter(l => !l.deadman).length *
                    TICK_S
                expect(released).toBeGreaterThan(
                    r.scenario.settings.deadmanGraceS
                )
                const reached = findTick(
                    r,
                    row => atHomeTrue(r, row),
                    kUp,
                    kUpEnd
                )
                expect(
                    reached,
                    "home reached while UP was held"
                ).toBeGreaterThan(kUp)
            },
        "the helper's UP moves at most 2 deg/s": r => {
            const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
            const fastest = maxOf(r, row => Math.abs(row.rateDps), kUp)
            expect(
                fastest.value,
                "at t=" + timeOf(fastest.k) + ": " + rowText(r.rows[fastest.k])
            ).toBeLessThanOrEqual(rateCeiling(LATCH_HELPER_RATE_DPS))
        },
        "the helper's move ends within the hard acceleration limit (a commanded move, not a safety stop)":
            r => {
                const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
                const kUpEnd = tickAt(
                    first(setTimes(r, "up", false), "UP release")
                )
                const acc = maxAccel(r, kUp, kUpEnd)
                expect(
                    acc.value,
                    "at t=" + timeOf(acc.k) + ": " + rowText(r.rows[acc.k])
                ).toBeLessThanOrEqual(HARD_MAX_ACCEL_DPS2)
            },
        "the helper's move switches the motor on once and off once (no chatter at home)":
            r => {
                const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
                const kUpEnd = tickAt(
                    first(setTimes(r, "up", false), "UP release")
                )
                const offs: number[] = []
                for (let k = kUp + 1; k < kUpEnd; k++)
                    if (r.rows[k].duty === 0 && r.rows[k - 1].duty !== 0)
                        offs.push(r.rows[k].tS)
                expect(
                    offs.join(", "),
                    "times the motor was switched off while UP was held"
                ).toBe(offs.length ? String(offs[0]) : "")
            },
        "the fault stays until STOP at home, which clears it": r => {
            const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
            const kOpen = findTick(
                r,
                (row, k) => k > 0 && !row.latch && r.rows[k - 1].latch
            )
            expectNone(
                violations(
                    r,
                    row => row.faults.includes("latch"),
                    rowText,
                    kOpen,
                    kStop
                )
            )
            expect(r.rows[kStop + 1].faults).toEqual([])
            expect(r.rows[r.rows.length - 1].state).toBe("idle")
        },
    },

    "latch-not-settled.json": {
        "nothing moves until the latch has read closed for 0.2 s": r => {
            const lastClose = tickAt(setTimes(r, "latch", true).slice(-1)[0])
            const settled = tickAt(timeOf(lastClose) + LATCH_SETTLE_MS / 1000)
            expectNone(
                violations(
                    r,
                    row => row.duty <= 0 && row.angleDeg === r.rows[0].angleDeg,
                    rowText,
                    0,
                    settled
                )
            )
            // DOWN was held all along: once settled, the table does go.
            const moved = findTick(
                r,
                row => row.angleDeg > r.rows[0].angleDeg + 1,
                settled
            )
            expect(moved).toBeGreaterThan(settled)
        },
    },

    "session-limit-while-going-deeper.json": {
        "the limit is reached while the table goes deeper, and it raises no fault":
            r => {
                const kRet = returnStart(r, 0)
                expect(r.rows[kRet].rateDps).toBeGreaterThan(1)
                expect(r.inputs[kRet].down).toBe(true)
                expectNone(
                    violations(r, row => row.faults.length === 0, rowText)
                )
            },
        "the move ends with its normal deceleration, not a cut": r => {
            const kRet = returnStart(r, 0)
            const kTurn = findTick(r, row => row.rateDps <= 0, kRet)
            expect(kTurn).toBeGreaterThan(kRet)
            // Braking from its speed at the setting's deceleration: the drive stays on throughout.
            expectNone(
                violations(r, row => row.duty !== 0, rowText, kRet, kTurn),
                "the drive was cut while the table still went deeper"
            )
            const a = maxAccel(r, kRet, kTurn)
            expect(a.value, "at t=" + timeOf(a.k)).toBeLessThanOrEqual(
                accelCeiling(r.scenario.settings.accelDps2) + 1
            )
        },
        "then the table returns home, with the pause near flat": r => {
            expectReturnWithPause(r, returnStart(r, 0))
            expectEndsIdleAtHome(r)
        },
    },

    "direction-fault-over-restarts.json": {
        "UP with the wires reversed takes the table deeper until the direction fault stops it":
            r => {
                const kFault = faultAppears(r, "direction")
                expect(r.rows[kFault].duty).toBe(0)
                expect(timeOf(kFault)).toBeGreaterThan(
                    first(setTimes(r, "up", true), "UP")
                )
            },
        "every restart keeps the fault, and nothing moves the table again":
            r => {
                const kFault = faultAppears(r, "direction")
                expect(r.powerCycles.length).toBe(10)
                for (const kPc of r.powerCycles) {
                    const kBooted = findTick(
                        r,
                        row => row.state !== "boot",
                        kPc
                    )
                    expect(r.rows[kBooted].faults).toContain("direction")
                }
                expectNone(
                    violations(
                        r,
                        row =>
                            row.duty === 0 && row.faults.includes("direction"),
                        rowText,
                        kFault
                    )
                )
                // Beyond the coast of the cut, never deeper again.
                const kCoast = tickAt(timeOf(kFault) + CUT_STOP_S)
                const ceiling = maxOf(
                    r,
                    row => row.angleDeg,
                    kFault,
                    kCoast
                ).value
                expectNone(
                    violations(
                        r,
                        row => row.angleDeg <= ceiling + 1e-9,
                        rowText,
                        kCoast
                    )
                )
            },
    },

    "restarts-during-session.json": {
        "the first restart away from home ends the session: the table returns home at once":
            r => {
                const kPc = r.powerCycles[0]
                expect(atHomeTrue(r, r.rows[kPc])).toBe(false)
                const kBooted = findTick(r, row => row.state !== "boot", kPc)
                const kRet = returnStart(r, kPc)
                expect(timeOf(kRet) - timeOf(kBooted)).toBeLessThanOrEqual(
                    SENSE_S
                )
                const kHome = findTick(r, row => row.state === "idle", kRet)
                expect(kHome).toBeGreaterThan(kRet)
                expect(timeOf(kHome)).toBeLessThan(timeOf(r.powerCycles[1]))
            },
        "time inverted stays within the session limit, restarts or not": r => {
            const invertedS =
                r.rows.filter(row => row.angleDeg > 0).length * TICK_S
            expect(invertedS).toBeLessThan(r.scenario.settings.sessionLimitS)
        },
        "later restarts at home change nothing": r => {
            for (const kPc of r.powerCycles.slice(1)) {
                expect(atHomeTrue(r, r.rows[kPc])).toBe(true)
                expectNone(
                    violations(r, row => row.rateDps === 0, rowText, kPc)
                )
            }
            expectEndsIdleAtHome(r)
        },
    },

    "latch-open-during-imu-fault.json": {
        "the imu fault stays latched after the glitch, and the latch fault joins it":
            r => {
                const kImu = faultAppears(r, "imu")
                const kClear = tickAt(first(faultTimes(r, "clear"), "clear"))
                const kLatch = faultAppears(r, "latch", kClear)
                expectNone(
                    violations(
                        r,
                        row => row.faults.includes("imu"),
                        rowText,
                        kImu
                    )
                )
                expect(r.rows[kLatch].faults).toContain("imu")
            },
        "the helper's UP drives open-loop, ramped, no faster than the latch's 2 deg/s":
            r => {
                const kUp = tickAt(first(setTimes(r, "up", true), "UP"))
                const kRel = tickAt(
                    first(setTimes(r, "up", false), "UP release")
                )
                const cap = openLoopDutyFor(LATCH_HELPER_RATE_DPS)
                expectNone(
                    violations(
                        r,
                        row => row.duty <= 0 && row.duty >= -cap - 1e-12,
                        rowText,
                        kUp,
                        kRel
                    )
                )
                expect(
                    findTick(r, row => row.duty < 0, kUp, kRel)
                ).toBeGreaterThanOrEqual(kUp)
                const fastest = maxOf(r, row => -row.rateDps, kUp, kRel + 50)
                expect(
                    fastest.value,
                    "at t=" + timeOf(fastest.k)
                ).toBeLessThanOrEqual(rateCeiling(LATCH_HELPER_RATE_DPS))
                // It does bring the user up.
                expect(r.rows[kRel].angleDeg).toBeLessThan(
                    r.rows[kUp].angleDeg - 40
                )
            },
    },

    "latch-brief-opening.json": {
        "the latch fault is raised and stays shown; nothing goes deeper": r => {
            const kLatch = faultAppears(r, "latch")
            const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
            expectNone(
                violations(
                    r,
                    row => row.faults.includes("latch"),
                    rowText,
                    kLatch,
                    kStop
                )
            )
            const kDown = tickAt(setTimes(r, "down", true)[1])
            expectNone(
                violations(r, row => row.duty <= 0, rowText, kDown, kStop)
            )
        },
        "letting go of the grip with the latch closed again: the dead-man return, after the grace period, with the pause":
            r => {
                const kRel = tickAt(
                    first(setTimes(r, "deadman", false), "release")
                )
                expect(latchClosedForS(r, kRel)).toBeGreaterThanOrEqual(2)
                // The state is `fault` while the latch fault is shown: the return is the drive
                // going home.
                const kRet = findTick(r, row => row.duty < 0, kRel)
                const waited = timeOf(kRet) - timeOf(kRel)
                expect(waited).toBeGreaterThanOrEqual(
                    r.scenario.settings.deadmanGraceS - TICK_S
                )
                expect(waited).toBeLessThanOrEqual(
                    r.scenario.settings.deadmanGraceS + SENSE_S
                )
                expectReturnWithPause(r, kRet)
                // STOP at home clears the fault.
                expectEndsIdleAtHome(r)
            },
    },

    "imu-fault-home-switch-return.json": {
        "with the grip let go past the grace period, the table drives toward home open-loop on its own, ramped":
            r => {
                const kImu = faultAppears(r, "imu")
                const rel = setTimes(r, "deadman", false)
                const kRel = Math.max(kImu, tickAt(rel[0]))
                const kMove = findTick(r, row => row.duty < 0, kRel)
                const waited = timeOf(kMove) - timeOf(kRel)
                expect(waited).toBeGreaterThanOrEqual(
                    r.scenario.settings.deadmanGraceS - TICK_S
                )
                expect(waited).toBeLessThanOrEqual(
                    r.scenario.settings.deadmanGraceS + SENSE_S
                )
                expect(r.rows[kMove].duty).toBeGreaterThan(-0.05)
                expectNone(
                    violations(
                        r,
                        row => row.duty >= -IMU_FAULT_UP_DUTY - 1e-12,
                        rowText,
                        kMove
                    )
                )
            },
        "gripped again it stops (ramped down), let go again it resumes after the grace period":
            r => {
                const kGrip = tickAt(
                    first(
                        setTimes(r, "deadman", true).filter(t => t > 0),
                        "grip again"
                    )
                )
                const kStopped = findTick(r, row => row.duty === 0, kGrip)
                expect(timeOf(kStopped) - timeOf(kGrip)).toBeLessThanOrEqual(
                    1.5
                )
                const kRel2 = tickAt(setTimes(r, "deadman", false)[1])
                expectNone(
                    violations(
                        r,
                        row => row.duty === 0,
                        rowText,
                        kStopped,
                        kRel2
                    )
                )
                const kAgain = findTick(r, row => row.duty < 0, kRel2)
                expect(timeOf(kAgain) - timeOf(kRel2)).toBeLessThanOrEqual(
                    r.scenario.settings.deadmanGraceS + SENSE_S
                )
            },
        "it ends at the home switch, at home": r => {
            const kRel2 = tickAt(setTimes(r, "deadman", false)[1])
            const kSwitch = switchTick(r, kRel2)
            expect(atHomeTrue(r, r.rows[kSwitch])).toBe(true)
            expectNone(violations(r, row => row.duty === 0, rowText, kSwitch))
            expect(atHomeTrue(r, r.rows[r.rows.length - 1])).toBe(true)
        },
    },

    "up-and-down-during-return.json": {
        "both pressed during the return: the drive is cut at once and the table holds for the grace period":
            r => {
                const kRet = returnStart(r, 0)
                const kBoth = tickAt(first(setTimes(r, "up", true), "UP"))
                expect(kBoth).toBeGreaterThan(kRet)
                expect(r.rows[kBoth].duty).toBe(0)
                const kResume = findTick(r, row => row.duty !== 0, kBoth)
                const heldS = timeOf(kResume) - timeOf(kBoth)
                expect(heldS).toBeGreaterThanOrEqual(
                    r.scenario.settings.deadmanGraceS - TICK_S
                )
                expect(heldS).toBeLessThanOrEqual(
                    r.scenario.settings.deadmanGraceS + SENSE_S
                )
                const rest = restsFrom(r, kBoth, kResume)
                expect(timeOf(rest) - timeOf(kBoth)).toBeLessThanOrEqual(
                    CUT_STOP_S
                )
            },
        "the return resumes while both are still held, and ends at home": r => {
            const kBoth = tickAt(first(setTimes(r, "up", true), "UP"))
            const kResume = findTick(r, row => row.duty !== 0, kBoth)
            expect(r.inputs[kResume].up && r.inputs[kResume].down).toBe(true)
            expect(r.rows[kResume].duty).toBeLessThan(0)
            expectEndsIdleAtHome(r)
        },
    },

    "up-and-down-together.json": {
        "UP pressed while DOWN is held: stop at once, then both ignored until both are released":
            r => {
                const kBoth = findTick(
                    r,
                    (_row, k) => r.inputs[k].up && r.inputs[k].down
                )
                const kFree = findTick(
                    r,
                    (_row, k) => !r.inputs[k].up && !r.inputs[k].down,
                    kBoth
                )
                expect(
                    r.rows[kBoth].rateDps,
                    "moving deeper when UP was pressed too"
                ).toBeGreaterThan(0)
                // Between kBoth and kFree one of the two is released while the other is still held.
                expect(
                    findTick(
                        r,
                        (_row, k) => r.inputs[k].up !== r.inputs[k].down,
                        kBoth,
                        kFree
                    )
                ).toBeGreaterThan(kBoth)
                expectCutStop(r, kBoth, kFree)
            },
        "UP pressed again afterwards moves toward home": r => {
            const kAgain = tickAt(setTimes(r, "up", true)[1])
            const moved = findTick(r, row => row.rateDps < 0, kAgain)
            expect(moved).toBeGreaterThanOrEqual(kAgain)
            expect(timeOf(moved) - timeOf(kAgain)).toBeLessThanOrEqual(SENSE_S)
        },
    },

    "stuck-down-button.json": {
        "DOWN held over 60 s: the table stops going deeper and stays until DOWN is pressed again":
            r => {
                const tPress = first(setTimes(r, "down", true), "DOWN press")
                const tRelease = first(
                    setTimes(r, "down", false),
                    "DOWN release"
                )
                expect(tRelease - tPress).toBeGreaterThan(
                    STUCK_BUTTON_MS / 1000
                )
                const kStuck = tickAt(tPress + STUCK_BUTTON_MS / 1000)
                expect(
                    r.rows[kStuck].rateDps,
                    "still going deeper when DOWN became stuck"
                ).toBeGreaterThan(0)
                const kAgain = tickAt(setTimes(r, "down", true)[1])
                const rest = expectRampedStop(
                    r,
                    kStuck,
                    kAgain,
                    r.scenario.settings.maxRateDps
                )
                expectHolds(r, rest, kAgain)
            },
        "released and pressed again, DOWN works again": r => {
            const kAgain = tickAt(setTimes(r, "down", true)[1])
            const moved = findTick(r, row => row.rateDps > 0, kAgain)
            expect(moved).toBeGreaterThanOrEqual(kAgain)
        },
    },

    "stuck-preset-button.json": {
        "PRESET held over 60 s: the table stops going deeper until a fresh tap":
            r => {
                // A tap starts the move (PRESET acts when released); PRESET is then pressed again and
                // held beyond the stuck limit while the move goes on.
                const tPress = setTimes(r, "preset", true)[1]
                const tRelease = setTimes(r, "preset", false)[1]
                expect(tRelease - tPress).toBeGreaterThan(
                    STUCK_BUTTON_MS / 1000
                )
                const kStuck = tickAt(tPress + STUCK_BUTTON_MS / 1000)
                expect(
                    r.rows[kStuck].rateDps,
                    "still going deeper when PRESET became stuck"
                ).toBeGreaterThan(0)
                const kTap = tickAt(setTimes(r, "preset", false)[2])
                const rest = expectRampedStop(
                    r,
                    kStuck,
                    kTap,
                    r.scenario.settings.maxRateDps
                )
                expectHolds(r, rest, kTap)
            },
        "a fresh tap goes on to the preset": r => {
            const kTap = tickAt(setTimes(r, "preset", false)[2])
            const stoppedAt = r.rows[kTap].angleDeg
            const next = PRESETS_DEG.filter(
                p => p > stoppedAt && p <= r.effMax
            )[0]
            const last = r.rows[r.rows.length - 1]
            expect(
                Math.abs(last.angleDeg - next),
                rowText(last)
            ).toBeLessThanOrEqual(ANGLE_TOL_DEG)
        },
    },

    "up-held-over-a-minute.json": {
        "UP held for over a minute keeps moving the user up, all the way home":
            r => {
                const tUp = first(setTimes(r, "up", true), "UP press")
                const tUpEnd = first(setTimes(r, "up", false), "UP release")
                expect(tUpEnd - tUp).toBeGreaterThan(STUCK_BUTTON_MS / 1000)
                const kMinute = tickAt(tUp + STUCK_BUTTON_MS / 1000)
                const kHome = findTick(r, row => atHomeTrue(r, row), kMinute)
                expect(kHome, "home reached").toBeGreaterThan(kMinute)
                expectNone(
                    violations(
                        r,
                        row => row.rateDps < 0,
                        rowText,
                        kMinute,
                        kHome
                    )
                )
                expect(r.rows[r.rows.length - 1].state).toBe("idle")
            },
        "went to 90, the hard limit, and no further": r => {
            const deepest = maxOf(r, row => row.angleDeg).value
            expect(deepest).toBeGreaterThanOrEqual(
                HARD_MAX_ANGLE_DEG - ANGLE_TOL_DEG
            )
            expect(deepest).toBeLessThanOrEqual(HARD_MAX_ANGLE_DEG)
        },
        "going deeper no faster than maxRateDps": r => {
            const fastest = maxOf(r, row => row.rateDps)
            expect(
                fastest.value,
                "at t=" + timeOf(fastest.k)
            ).toBeLessThanOrEqual(rateCeiling(r.scenario.settings.maxRateDps))
        },
        "going up no faster than returnRateDps": r => {
            const fastest = maxOf(r, row => -row.rateDps)
            expect(
                fastest.value,
                "at t=" + timeOf(fastest.k)
            ).toBeLessThanOrEqual(
                rateCeiling(r.scenario.settings.returnRateDps)
            )
        },
    },

    "session-limit.json": {
        "returns home once the time inverted (angle > 0) reaches sessionLimitS":
            r => {
                let inverted = 0
                let kLimit = -1
                for (let k = 0; k < r.rows.length && kLimit < 0; k++) {
                    if (r.rows[k].angleDeg > 0) inverted++
                    if (inverted * TICK_S >= r.scenario.settings.sessionLimitS)
                        kLimit = k
                }
                expect(kLimit, "the session limit was reached").toBeGreaterThan(
                    0
                )
                const kRet = returnStart(r, 0)
                expect(r.rows[kRet].angleDeg).toBeGreaterThan(0)
                expect(
                    Math.abs(timeOf(kRet) - timeOf(kLimit)),
                    "return at t=" +
                        timeOf(kRet) +
                        ", limit at t=" +
                        timeOf(kLimit)
                ).toBeLessThanOrEqual(FILTER_S)
                // Nobody was told to go anywhere: the grip is held and no button pressed at that time.
                expect(r.inputs[kRet].deadman).toBe(true)
                expect(r.inputs[kRet].home).toBe(false)
            },
        "after the limit nothing goes deeper (DOWN is refused), and the session ends at home":
            r => {
                const kRet = returnStart(r, 0)
                const tDown = first(
                    setTimes(r, "down", true).filter(t => t > timeOf(kRet)),
                    "DOWN press after the limit"
                )
                expectNone(
                    violations(
                        r,
                        row => row.duty <= 0 && row.rateDps <= 0,
                        rowText,
                        kRet
                    )
                )
                expect(tickAt(tDown)).toBeLessThan(
                    findTick(r, row => atHomeTrue(r, row), kRet)
                )
                expectReturnWithoutPause(r, kRet)
            },
    },

    "stop-button.json": {
        "STOP during a preset move: stop at once and hold until the next command, which resumes":
            r => {
                const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
                // A PRESET tap acts when it is released.
                const kNext = tickAt(setTimes(r, "preset", false)[1])
                expect(
                    r.rows[kStop].rateDps,
                    "moving when STOP was pressed"
                ).toBeGreaterThan(0)
                expectCutStop(r, kStop, kNext)
                const moved = findTick(r, row => row.rateDps > 0, kNext)
                expect(timeOf(moved) - timeOf(kNext)).toBeLessThanOrEqual(
                    SENSE_S
                )
                const last = tickAt(setTimes(r, "down", true)[0]) - 1
                expect(
                    Math.abs(r.rows[last].angleDeg - PRESETS_DEG[0]),
                    "the preset move finished"
                ).toBeLessThanOrEqual(ANGLE_TOL_DEG)
            },
        "STOP while DOWN is still held: stop at once and hold until DOWN is pressed again":
            r => {
                const kStop = tickAt(setTimes(r, "stop", true)[1])
                expect(
                    r.inputs[kStop].down,
                    "DOWN held when STOP was pressed"
                ).toBe(true)
                expect(
                    r.rows[kStop].rateDps,
                    "moving when STOP was pressed"
                ).toBeGreaterThan(0)
                const kAgain = tickAt(setTimes(r, "down", true)[1])
                expectCutStop(r, kStop, kAgain)
                const moved = findTick(r, row => row.rateDps > 0, kAgain)
                expect(moved).toBeGreaterThanOrEqual(kAgain)
            },
    },

    "home-button.json": {
        "HOME tap: return home with the pause near flat, the grip still held":
            r => {
                const kHome = tickAt(
                    first(setTimes(r, "home", true), "HOME tap")
                )
                const kRet = returnStart(r, kHome)
                expect(timeOf(kRet) - timeOf(kHome)).toBeLessThanOrEqual(
                    SENSE_S
                )
                expect(r.rows[kHome].angleDeg).toBeGreaterThan(
                    RETURN_PAUSE_FROM_DEG
                )
                expect(r.inputs.slice(kHome).every(l => l.deadman)).toBe(true)
                expectReturnWithPause(r, kRet)
            },
    },

    "imu-stale.json": {
        "imu fault within 100 ms of the last sample, motor off": r => {
            const tFault = first(faultTimes(r, "imu-stale"), "imu-stale")
            const k = faultAppears(r, "imu", tickAt(tFault))
            expect(timeOf(k) - tFault).toBeLessThanOrEqual(
                IMU_STALE_MS / 1000 + SENSE_S
            )
            expect(r.rows[k].duty).toBe(0)
        },
        "no dead-man return without a known angle; UP held drives toward home open-loop, stopping at the home switch":
            r => {
                const kFault = faultAppears(r, "imu")
                const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
                const kSwitch = switchTick(r, kUp)
                expect(
                    r.inputs.slice(kFault, kUp).filter(l => !l.deadman).length *
                        TICK_S
                ).toBeGreaterThan(r.scenario.settings.deadmanGraceS)
                expectHolds(r, restsFrom(r, kFault, kUp), kUp)
                expect(r.rows[kSwitch].angleDeg).toBeLessThan(
                    r.rows[kUp].angleDeg - 45
                )
                expectNone(
                    violations(r, row => row.duty < 0, rowText, kUp, kSwitch)
                )
                expectNone(
                    violations(r, row => row.duty === 0, rowText, kSwitch)
                )
            },
        "cleared by a STOP at home once the sensor is back": r => {
            const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
            const kClear = tickAt(first(faultTimes(r, "clear"), "clear"))
            expectNone(
                violations(
                    r,
                    row => row.faults.includes("imu"),
                    rowText,
                    faultAppears(r, "imu"),
                    kStop
                )
            )
            expect(kStop).toBeGreaterThan(kClear)
            expectEndsIdleAtHome(r)
        },
    },

    "imu-stuck.json": {
        "frozen readings: imu fault within 0.5 s, motor off": r => {
            const tFault = first(faultTimes(r, "imu-stuck"), "imu-stuck")
            const k = faultAppears(r, "imu", tickAt(tFault))
            expect(timeOf(k) - tFault).toBeLessThanOrEqual(
                IMU_FROZEN_MS / 1000 + SENSE_S
            )
            expect(r.rows[k].duty).toBe(0)
        },
        "going deeper no faster than maxRateDps while the sensor froze": r => {
            const kFault = faultAppears(r, "imu")
            const fastest = maxOf(r, row => row.rateDps, 0, kFault + 1)
            expect(
                fastest.value,
                "at t=" + timeOf(fastest.k)
            ).toBeLessThanOrEqual(rateCeiling(r.scenario.settings.maxRateDps))
        },
        "UP held brings the table home open-loop, stopping at the home switch":
            r => {
                const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
                const kSwitch = switchTick(r, kUp)
                expectNone(
                    violations(r, row => row.duty < 0, rowText, kUp, kSwitch)
                )
                expectNone(
                    violations(r, row => row.duty === 0, rowText, kSwitch)
                )
                expect(atHomeTrue(r, r.rows[kSwitch])).toBe(true)
            },
        "cleared by a STOP at home once the sensor is back": r => {
            const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
            expectNone(
                violations(
                    r,
                    row => row.faults.includes("imu"),
                    rowText,
                    faultAppears(r, "imu"),
                    kStop
                )
            )
            expectEndsIdleAtHome(r)
        },
    },

    "imu-i2c.json": {
        "an I2C error: imu fault at once, motor off": r => {
            const tFault = first(faultTimes(r, "imu-i2c"), "imu-i2c")
            const k = faultAppears(r, "imu", tickAt(tFault))
            expect(timeOf(k) - tFault).toBeLessThanOrEqual(SENSE_S)
            expect(r.rows[k].duty).toBe(0)
        },
        "without a home switch, UP held drives open-loop for 120 s, then stops though UP is still held":
            r => {
                const tUp = first(setTimes(r, "up", true), "UP press")
                const tUpEnd = first(setTimes(r, "up", false), "UP release")
                expect(tUpEnd - tUp).toBeGreaterThan(IMU_FAULT_UP_MAX_MS / 1000)
                expect(setTimes(r, "homeSwitch", true)).toEqual([])
                const kUp = tickAt(tUp)
                const kLimit = tickAt(tUp + IMU_FAULT_UP_MAX_MS / 1000)
                expectNone(
                    violations(
                        r,
                        row => row.duty < 0,
                        rowText,
                        kUp + 1,
                        kLimit - 1
                    )
                )
                expectNone(
                    violations(r, row => row.duty === 0, rowText, kLimit + 1)
                )
            },
    },

    "imu-bias.json": {
        "accelerometer and gyro disagree by 8 degrees: imu fault within 0.5 s, motor off":
            r => {
                const tFault = first(faultTimes(r, "imu-bias"), "imu-bias")
                const k = faultAppears(r, "imu", tickAt(tFault))
                expect(timeOf(k) - tFault).toBeLessThanOrEqual(
                    IMU_DISAGREE_MS / 1000 + SENSE_S + FILTER_S
                )
                expect(r.rows[k].duty).toBe(0)
                expect(
                    r.rows
                        .slice(tickAt(tFault), k + 1)
                        .every(row => row.rateDps === 0)
                ).toBe(true)
            },
        "UP held drives toward home open-loop until the home switch": r => {
            const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
            const kSwitch = switchTick(r, kUp)
            expectNone(
                violations(r, row => row.duty < 0, rowText, kUp, kSwitch)
            )
            expect(atHomeTrue(r, r.rows[kSwitch])).toBe(true)
        },
        "STOP at home does not clear it while the sensor is still wrong": r => {
            const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
            expect(first(faultTimes(r, "clear").concat([Infinity]), "")).toBe(
                Infinity
            )
            expect(r.rows[kStop].faults).toContain("imu")
            expect(r.rows[r.rows.length - 1].faults).toContain("imu")
        },
    },

    "imu-noise.json": {
        "with 20x sensor noise the session stays safe: it faults, or it works as without noise":
            r => {
                const kFault = findTick(r, row => row.faults.includes("imu"))
                if (kFault >= 0) return // the generic rules above hold the table to the imu fault's limits
                const deepest = maxOf(r, row => row.angleDeg).value
                expect(deepest).toBeGreaterThanOrEqual(r.effMax - ANGLE_TOL_DEG)
                const kRel = findTick(
                    r,
                    (row, k) => k > 0 && !row.deadman && r.rows[k - 1].deadman
                )
                const kRet = returnStart(r, kRel)
                expect(timeOf(kRet) - timeOf(kRel)).toBeLessThanOrEqual(
                    r.scenario.settings.deadmanGraceS + SENSE_S
                )
                // With 20x noise the estimate is not good to ANGLE_TOL_DEG: behaviour.md's band (0..10) is what counts.
                expectReturnWithPause(r, kRet, null)
            },
        "the motor is not chattering on noise while holding": r => {
            // While the table holds (state holding or deadman), the worm gear holds it with the motor off.
            expectNone(
                violations(
                    r,
                    row =>
                        !(row.state === "holding" || row.state === "deadman") ||
                        row.duty === 0,
                    rowText
                )
            )
        },
    },

    "motor-stall.json": {
        "the drive jams: stall fault within 1 s, motor off": r => {
            const tJam = first(faultTimes(r, "motor-stall"), "motor-stall")
            const k = faultAppears(r, "stall", tickAt(tJam))
            expect(timeOf(k) - tJam, rowText(r.rows[k])).toBeLessThanOrEqual(
                STALL_MS / 1000 + SENSE_S + FILTER_S
            )
            expect(r.rows[k].duty).toBe(0)
        },
        "UP held while still jammed is cut when the table does not follow":
            r => {
                // supervisor.ts: no progress for FAULT_UP_NO_PROGRESS_MS cuts the drive until UP is pressed again.
                const kUp = tickAt(setTimes(r, "up", true)[0])
                const kUpEnd = tickAt(setTimes(r, "up", false)[0])
                const kCut = findTick(
                    r,
                    (row, k) =>
                        k > kUp && row.duty === 0 && r.rows[k - 1].duty !== 0,
                    kUp,
                    kUpEnd
                )
                expect(
                    kCut,
                    "the drive was cut while UP was held"
                ).toBeGreaterThan(kUp)
                // The no-progress clock runs once the plan asks for a speed worth judging (as the stall check).
                const ramp =
                    STALL_MIN_PLANNED_DPS / r.scenario.settings.accelDps2
                expect(timeOf(kCut) - timeOf(kUp)).toBeLessThanOrEqual(
                    ramp + FAULT_UP_NO_PROGRESS_MS / 1000 + SENSE_S + FILTER_S
                )
                expectNone(
                    violations(r, row => row.duty === 0, rowText, kCut, kUpEnd)
                )
            },
        "once the jam frees, UP held brings the user home, and STOP at home clears the fault":
            r => {
                const kClear = tickAt(first(faultTimes(r, "clear"), "clear"))
                const kUp = tickAt(
                    first(
                        setTimes(r, "up", true).filter(t => t > timeOf(kClear)),
                        "UP press after clear"
                    )
                )
                const kHome = findTick(r, row => atHomeTrue(r, row), kUp)
                expect(kHome).toBeGreaterThan(kUp)
                const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
                expect(r.rows[kStop - 1].faults).toContain("stall")
                expectEndsIdleAtHome(r)
            },
        "the helper's UP moves at most 2 deg/s (faultPolicy.ts: stall allows UP at the helper's rate)":
            r => {
                const kClear = tickAt(first(faultTimes(r, "clear"), "clear"))
                const kUp = tickAt(
                    first(
                        setTimes(r, "up", true).filter(t => t > timeOf(kClear)),
                        "UP press after clear"
                    )
                )
                const fastest = maxOf(r, row => Math.abs(row.rateDps), kUp)
                expect(
                    fastest.value,
                    "at t=" +
                        timeOf(fastest.k) +
                        ": " +
                        rowText(r.rows[fastest.k])
                ).toBeLessThanOrEqual(rateCeiling(LATCH_HELPER_RATE_DPS))
            },
    },

    "motor-reversed.json": {
        "UP takes the table deeper: direction fault within 0.3 s of moving against the command":
            r => {
                const tRev = first(
                    faultTimes(r, "motor-reversed"),
                    "motor-reversed"
                )
                // The table moves against the command: its rate clearly opposite to the duty's sign.
                const kAgainst = findTick(
                    r,
                    row =>
                        row.duty !== 0 &&
                        Math.sign(row.rateDps) === -Math.sign(row.duty) &&
                        Math.abs(row.rateDps) > 0.5,
                    tickAt(tRev)
                )
                expect(
                    kAgainst,
                    "the table moved against the command"
                ).toBeGreaterThan(0)
                const k = faultAppears(r, "direction", tickAt(tRev))
                expect(
                    timeOf(k) - timeOf(kAgainst),
                    rowText(r.rows[k])
                ).toBeLessThanOrEqual(DIRECTION_MS / 1000 + SENSE_S + FILTER_S)
            },
        "the wrong-way move is cut before it reaches the limit, and nothing moves afterwards":
            r => {
                const k = faultAppears(r, "direction")
                expectNone(violations(r, row => row.duty === 0, rowText, k))
                expect(maxOf(r, row => row.angleDeg).value).toBeLessThan(
                    r.effMax
                )
                expect(r.rows[r.rows.length - 1].faults).toContain("direction")
            },
    },

    "latch-chatter.json": {
        "the first bounce open away from home raises the latch fault in that tick":
            r => {
                const tChatter = first(
                    faultTimes(r, "latch-chatter"),
                    "latch-chatter"
                )
                const kOpen = findTick(r, row => !row.latch, tickAt(tChatter))
                expect(kOpen).toBeGreaterThan(0)
                expect(r.rows[kOpen].faults).toContain("latch")
                expect(r.rows[kOpen].duty).toBe(0)
            },
        "UP held brings the user home; STOP at home clears the fault once the contact is sound":
            r => {
                const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
                const kHome = findTick(r, row => atHomeTrue(r, row), kUp)
                expect(kHome).toBeGreaterThan(kUp)
                const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
                expect(r.rows[kStop - 1].faults).toContain("latch")
                expectEndsIdleAtHome(r)
            },
        "the helper's UP moves at most 2 deg/s": r => {
            const kUp = tickAt(first(setTimes(r, "up", true), "UP press"))
            const fastest = maxOf(r, row => Math.abs(row.rateDps), kUp)
            expect(
                fastest.value,
                "at t=" + timeOf(fastest.k) + ": " + rowText(r.rows[fastest.k])
            ).toBeLessThanOrEqual(rateCeiling(LATCH_HELPER_RATE_DPS))
        },
    },

    "power-cycle-while-inverted.json": {
        "after the restart: motor off while booting, then the return home at once (the session is over)":
            r => {
                const kPc = first(r.powerCycles, "power cycle")
                expect(r.rows[kPc].duty).toBe(0)
                expect(r.rows[kPc].state).toBe("boot")
                expect(r.rows[kPc].angleDeg).toBeGreaterThan(
                    RETURN_PAUSE_FROM_DEG
                )
                expect(r.rows[kPc].deadman).toBe(false)
                const kBooted = findTick(r, row => row.state !== "boot", kPc)
                expectNone(
                    violations(r, row => row.duty === 0, rowText, kPc, kBooted)
                )
                const kRet = returnStart(r, kPc)
                expect(timeOf(kRet) - timeOf(kBooted)).toBeLessThanOrEqual(
                    SENSE_S
                )
            },
        "returns home with the pause near flat": r => {
            expectReturnWithPause(
                r,
                returnStart(r, first(r.powerCycles, "power cycle"))
            )
            expectEndsIdleAtHome(r)
        },
    },

    "power-cycle-with-down-held.json": {
        "a restart away from home: nothing deeper until home, DOWN pressed again or not; at home a new session may go deeper":
            r => {
                const kPc = first(r.powerCycles, "power cycle")
                expect(r.inputs[kPc].down).toBe(true)
                expect(r.rows[kPc].duty).toBe(0)
                expect(atHomeTrue(r, r.rows[kPc])).toBe(false)
                const kHome = findTick(r, row => atHomeTrue(r, row), kPc)
                expect(kHome).toBeGreaterThan(kPc)
                // From the boot after the restart (the drive was cut at the restart: the table
                // coasts to rest meanwhile) to home: never deeper, whatever DOWN does.
                const kBooted = findTick(r, row => row.state !== "boot", kPc)
                const pressedAgain = setTimes(r, "down", true).filter(
                    t => t > timeOf(kBooted) && t < timeOf(kHome)
                )
                expect(pressedAgain.length).toBeGreaterThan(0)
                expectNone(
                    violations(
                        r,
                        row => row.rateDps <= 0,
                        rowText,
                        kBooted,
                        kHome
                    )
                )
                // At home DOWN (pressed anew) goes deeper.
                const kAgain = tickAt(
                    first(
                        setTimes(r, "down", true).filter(
                            t => t > timeOf(kHome)
                        ),
                        "DOWN pressed at home"
                    )
                )
                expect(
                    findTick(r, row => row.duty > 0, kAgain)
                ).toBeGreaterThanOrEqual(kAgain)
                expect(
                    findTick(r, row => row.duty > 0, kAgain) - kAgain
                ).toBeLessThanOrEqual(1)
            },
    },

    "start-inverted.json": {
        "starts with the motor off, finds the angle it is at, and returns home as soon as it has booted":
            r => {
                expect(r.rows[0].state).toBe("boot")
                const kBooted = findTick(r, row => row.state !== "boot")
                expectNone(
                    violations(r, row => row.duty === 0, rowText, 0, kBooted)
                )
                expect(
                    Math.abs(
                        r.rows[kBooted].estDeg - r.scenario.table.startAngleDeg
                    )
                ).toBeLessThanOrEqual(ANGLE_TOL_DEG)
                expect(r.rows[kBooted].state).toBe("returning")
                // The grip held at first changes nothing: it is the session, not the dead-man rule.
                expect(r.inputs[kBooted].deadman).toBe(true)
            },
        "the return pauses near flat and ends at home": r => {
            expectReturnWithPause(r, returnStart(r, 0))
            expectEndsIdleAtHome(r)
        },
    },

    "start-beyond-limit.json": {
        "beyond the deepest angle at start: overtravel fault, nothing deeper":
            r => {
                const k = faultAppears(r, "overtravel")
                expect(r.rows[k].estDeg).toBeGreaterThan(r.effMax + 1)
                expectNone(violations(r, row => row.duty <= 0, rowText))
            },
        "grip never held: the table returns home as soon as it has booted (the session is over), pausing near flat":
            r => {
                // The fault table: overtravel beyond the deepest angle allows every move toward home,
                // the automatic returns included; a start away from home ends the session.
                expect(r.inputs.every(l => !l.deadman)).toBe(true)
                const kBooted = findTick(r, row => row.state !== "boot")
                const kMove = findTick(r, row => row.duty < 0)
                expect(timeOf(kMove) - timeOf(kBooted)).toBeLessThanOrEqual(
                    SENSE_S
                )
                const kUpright = findTick(r, row => row.angleDeg < 0, kMove)
                const pauseStart = findTick(
                    r,
                    row => row.rateDps === 0 && row.angleDeg <= 10,
                    kMove + tickAt(1),
                    kUpright
                )
                expect(pauseStart).toBeGreaterThan(0)
                const pauseEnd = findTick(
                    r,
                    row => row.rateDps !== 0,
                    pauseStart
                )
                expect(
                    timeOf(pauseEnd) - timeOf(pauseStart)
                ).toBeGreaterThanOrEqual(RETURN_PAUSE_MS / 1000)
            },
        "the fault stays until STOP at home, which clears it": r => {
            const kStop = tickAt(first(setTimes(r, "stop", true), "STOP"))
            expect(r.rows[kStop - 1].faults).toContain("overtravel")
            expect(atHomeTrue(r, r.rows[kStop])).toBe(true)
            expectEndsIdleAtHome(r)
        },
    },
}

describe.each(files.filter(f => f in SPECIFIC))("%s: what it shows", file => {
    for (const [title, check] of Object.entries(SPECIFIC[file])) {
        it(title, () => check(run(file)))
    }
})
