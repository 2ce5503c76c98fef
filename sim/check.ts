// The behaviour contract as checks on a trace: every rule that can be judged from a scenario and the
// trace it produced. The scenario tests, the property-based tests and the firmware-in-the-loop tests
// all use it, so a rule is written once. Rules are judged on the model's true angle and rate wherever
// possible: the estimate could be wrong in the same way as the controller.
//
// Each rule is one function over the trace, linear in its length, so that long traces (a two-hour
// session, thousands of random ones) can be checked.

import {
    AT_HOME_TOLERANCE_DEG,
    DEADMAN_STOP_MS,
    DEADMAN_STOP_TRAVEL_DEG,
    HARD_MAX_ACCEL_DPS2,
    HARD_MAX_ANGLE_DEG,
    HARD_MAX_RATE_DPS,
    IMU_FAULT_UP_DUTY,
    IMU_FAULT_UP_MAX_MS,
    LATCH_HELPER_RATE_DPS,
    LATCH_SETTLE_MS,
    LATCH_STEADY_MS,
    OVERSPEED_MARGIN_DPS,
    OVERTRAVEL_DEEP_MARGIN_DEG,
    OVERTRAVEL_HOME_MARGIN_DEG,
    RETURN_PAUSE_FROM_DEG,
    RETURN_PAUSE_MS,
    SERVICE_MAX_DEG,
} from "../src/control/limits"
import {
    CORRECTION_ACCEL_DPS2,
    DIRECTION_MAX_TRAVEL_DEG,
    OPEN_LOOP_FASTEST_DPS_PER_DUTY,
} from "../src/control/tuning"
import { userMaxDeg } from "../src/control/settings"
import {
    PROGRESS_MAX_COUNTED,
    programCapDeg,
    sessionLimitFor,
} from "../src/control/program"
import { checkRhythm } from "./checkRhythm"
import { isPowerCycle, ScenarioEvents } from "./engine/events"
import { HOME_ABOVE_STOP_DEG } from "./model/params"
import { InputName, Scenario } from "./scenario"
import { TRACE_TICK_S, TraceRow } from "./trace"

export interface Violation {
    rule: string
    tS: number
    detail: string
}

/**
 * How much faster than a rate setting the real table may run while following a move: the drive
 * tracks a planned speed through a motor whose speed varies with load and angle. A claim, measured.
 */
export const RATE_TRACKING_TOLERANCE_DPS = 0.75
/**
 * Acceleration of the real table is judged over this window: a per-tick difference of the true rate
 * magnifies ripples of a few hundredths of a degree per second that nobody can feel.
 */
export const ACCEL_WINDOW_S = 0.1
/** The real table's acceleration in a commanded move stays within this multiple of the setting (the
 *  drive follows the planned ramp through a motor with its own lag). A claim, measured. */
export const ACCEL_TRACKING_FACTOR = 1.5
/** ...plus this much for the ripple a noisy rate measurement puts on the drive (over 0.1 s windows
 *  a few hundredths of a degree per second are a whole degree per second squared). */
export const ACCEL_RIPPLE_DPS2 = 1
/** Below this the table creeps: the start of a move breaking the drive away from its friction, and the
 *  end of one stopping on it, are not judged as ramps (a change this small is not felt). */
const CREEP_DPS = 0.75
/** A released UP decelerates and the drive settles: so long it may still drive toward home. */
const RELEASE_SETTLE_S = 1.5
/** How far the true angle may be from what the controller can know of it (a MEMS tilt sensor). */
export const ANGLE_TOLERANCE_DEG = 0.5
/** The slowest an open-loop drive toward home runs at the imu fault's duty (a heavy user lifted). */
const OPEN_LOOP_SLOWEST_DPS = 3
/** Violations reported per rule (the rest are counted, not listed). */
const MAX_PER_RULE = 5
/** Slack for "no faster than" comparisons of the true rate at rest (float noise only). */
const EPS = 1e-6
/** A table counts as still moving deeper above this rate. */
const MOVING_DPS = 0.05

/** Faults of the model that make the drive or the sensors lie: some rules exempt them. */
const DRIVE_FAULTS = ["motor-stall", "motor-reversed"]
const IMU_FAULTS = [
    "imu-stale",
    "imu-stuck",
    "imu-i2c",
    "imu-bias",
    "imu-noise",
]
const SENSOR_FAULTS = [...IMU_FAULTS, "latch-chatter"]

/** The scenario's inputs and injected faults, tick by tick, as the runner applied them. */
export interface Timeline {
    levels: Record<InputName, boolean>[]
    /** model faults active at each tick (after clear and injections) */
    injected: string[][]
    /** ticks at which the controller restarted */
    powerCycles: number[]
}

/** Built with the runners' own clock and event rule (sim/engine/), so checker and runner cannot disagree. */
export function timelineOf(s: Scenario, ticks: number): Timeline {
    const levels: Record<InputName, boolean>[] = []
    const injected: string[][] = []
    const powerCycles: number[] = []
    const events = new ScenarioEvents(s)
    for (let k = 0; k < ticks; k++) {
        for (let e = events.take(k); e !== null; e = events.take(k))
            if (isPowerCycle(e)) powerCycles.push(k)
        levels.push({ ...events.levels })
        injected.push(events.injected as string[])
    }
    return { levels, injected, powerCycles }
}

function anyOf(list: readonly string[], names: readonly string[]): boolean {
    for (const n of list) if (names.indexOf(n) >= 0) return true
    return false
}

type Add = (rule: string, k: number, detail: string) => void

/** What every rule may need, computed once per trace in one pass each. */
interface Facts {
    s: Scenario
    rows: TraceRow[]
    tl: Timeline
    home: number
    effMax: number
    /** a drive fault injected at tick k or within the stop time before it */
    driveRecent: boolean[]
    /** a drive fault has been injected at or before tick k */
    driveSince: boolean[]
    /** an IMU fault has been injected at or before tick k */
    imuSince: boolean[]
    /** how long the latch column has read closed without a break, ending at tick k, s */
    latchClosedS: number[]
    /** a power cycle happened at tick k */
    restartAt: boolean[]
    /** the deepest angle the exercise program could allow at tick k: the scenario's progress, one
     *  more counted session per return home at most, every setting's limit */
    capBound: number[]
    /** the most sessions that can have counted by tick k */
    countedBound: number[]
    stopTicks: number
}

function factsOf(s: Scenario, rows: TraceRow[]): Facts {
    const tl = timelineOf(s, rows.length)
    const stopTicks = Math.ceil(DEADMAN_STOP_MS / 1000 / TRACE_TICK_S)
    const n = rows.length
    const driveNow = tl.injected.map(f => anyOf(f, DRIVE_FAULTS))
    const driveRecent: boolean[] = []
    let lastDrive = -Infinity
    for (let k = 0; k < n; k++) {
        if (driveNow[k]) lastDrive = k
        driveRecent.push(k - lastDrive <= stopTicks)
    }
    const driveSince: boolean[] = []
    const imuSince: boolean[] = []
    let d = false
    let i = false
    for (let k = 0; k < n; k++) {
        d = d || driveNow[k]
        i = i || anyOf(tl.injected[k], IMU_FAULTS)
        driveSince.push(d)
        imuSince.push(i)
    }
    const latchClosedS: number[] = []
    let closed = 0
    for (let k = 0; k < n; k++) {
        closed = rows[k].latch ? closed + TRACE_TICK_S : 0
        latchClosedS.push(closed)
    }
    const restartAt = new Array<boolean>(n).fill(false)
    for (const k of tl.powerCycles) if (k < n) restartAt[k] = true
    const capBound: number[] = []
    const countedBound: number[] = []
    const homeDeg = s.settings.homeDeg
    const userMax = userMaxDeg(s.settings)
    let arrivals = 0
    let away = false
    for (let k = 0; k < n; k++) {
        const near =
            Math.abs(rows[k].angleDeg - homeDeg) <=
            AT_HOME_TOLERANCE_DEG + ANGLE_TOLERANCE_DEG
        if (near && away) arrivals++
        away = !near
        const counted = Math.min(
            PROGRESS_MAX_COUNTED,
            s.progress.countedSessions + arrivals
        )
        const program = !s.progress.warningsAcknowledged
            ? 0
            : s.settings.progression
              ? programCapDeg(counted)
              : HARD_MAX_ANGLE_DEG
        capBound.push(Math.min(userMax, program))
        countedBound.push(counted)
    }
    return {
        s,
        rows,
        tl,
        home: s.settings.homeDeg,
        effMax: userMaxDeg(s.settings),
        driveRecent,
        driveSince,
        imuSince,
        latchClosedS,
        restartAt,
        capBound,
        countedBound,
        stopTicks,
    }
}

/** Checks a trace against the contract; returns every violation found (empty when it holds). */
export function checkTrace(s: Scenario, rows: TraceRow[]): Violation[] {
    const out: Violation[] = []
    // A few of each rule: enough to see the first and how long it lasted, and every rule that broke.
    const perRule = new Map<string, number>()
    const add: Add = (rule, k, detail) => {
        const n = perRule.get(rule) ?? 0
        perRule.set(rule, n + 1)
        if (n < MAX_PER_RULE) out.push({ rule, tS: rows[k].tS, detail })
    }
    if (rows.length === 0) return out
    const f = factsOf(s, rows)
    checkNumbers(f, add)
    checkLimits(f, add)
    checkProgram(f, add)
    checkRates(f, add)
    checkOpenLoopRamp(f, add)
    checkDeeperWithoutGrip(f, add)
    checkFaultStopsMotor(f, add)
    checkHealthyTableRaisesNothing(f, add)
    checkImuFault(f, add)
    checkLatchFault(f, add)
    checkUnlatchedMoves(f, add)
    checkRestart(f, add)
    checkSession(f, add)
    checkHomeAgain(f, add)
    checkRhythm(rows, f.tl, f.restartAt, s.settings.accelDps2, add)
    return out
}

/** No number is ever missing or not finite; the duty stays within -1..1. */
function checkNumbers(f: Facts, add: Add): void {
    f.rows.forEach((r, k) => {
        for (const v of [r.angleDeg, r.estDeg, r.targetDeg, r.rateDps, r.duty])
            if (!Number.isFinite(v)) add("finite", k, "a number is not finite")
        if (r.duty < -1 || r.duty > 1) add("duty-range", k, `duty ${r.duty}`)
    })
}

/**
 * Never beyond the effective deepest angle + 1, nor below home - 5 (a table that starts beyond them
 * may not go further). With a dead IMU and a reversed drive at once, the open-loop UP cannot know
 * which way the table turns: that double fault is exempt (the README says so).
 */
function checkLimits(f: Facts, add: Add): void {
    const { s, rows, home } = f
    const start = s.table.startAngleDeg
    const everDrive = f.driveSince[rows.length - 1]
    const everImu = f.imuSince[rows.length - 1]
    if (everDrive && everImu) return
    const shallowestAllowed = Math.min(home, start) - OVERTRAVEL_HOME_MARGIN_DEG
    rows.forEach((r, k) => {
        // The deepest angle the controller said was allowed (cap_deg), never above what the
        // program could allow (checkProgram); in service mode the empty table's own ceiling.
        const cap =
            r.state === "service"
                ? SERVICE_MAX_DEG
                : Math.min(r.capDeg, f.capBound[k])
        // A table that starts beyond them may not go further.
        const deepestAllowed = Math.max(cap, start) + OVERTRAVEL_DEEP_MARGIN_DEG
        if (r.angleDeg > deepestAllowed + EPS)
            add(
                "deepest",
                k,
                `angle ${r.angleDeg.toFixed(3)} beyond ${deepestAllowed.toFixed(3)} (the deepest angle ${cap} + ${OVERTRAVEL_DEEP_MARGIN_DEG})`
            )
        if (r.angleDeg < shallowestAllowed - EPS)
            add(
                "home-side",
                k,
                `angle ${r.angleDeg.toFixed(3)} below ${shallowestAllowed.toFixed(3)}`
            )
        // A target beyond the limit can only be where the table was stopped; never driven toward.
        if (r.targetDeg > cap + EPS && r.duty > 0 && r.state !== "service")
            add(
                "target",
                k,
                `driving deeper toward ${r.targetDeg.toFixed(3)}, beyond the deepest angle ${cap}`
            )
    })
}

/**
 * The exercise program, judged from outside: the cap the controller reports never exceeds what the
 * scenario's progress could have reached by then (one more counted session per return home at
 * most), is 0 while the warnings are not acknowledged (nothing in a scenario can acknowledge them:
 * only the console or the page can), and never changes while the table is away from home (it is
 * fixed when the session starts).
 */
function checkProgram(f: Facts, add: Add): void {
    const { rows } = f
    for (let k = 0; k < rows.length; k++) {
        const r = rows[k]
        if (r.state === "service") continue
        if (r.capDeg > f.capBound[k] + EPS)
            add(
                "program-cap",
                k,
                `cap ${r.capDeg} above the ${f.capBound[k]} the progress could allow`
            )
        if (
            k > 0 &&
            r.capDeg !== rows[k - 1].capDeg &&
            rows[k - 1].state !== "service" &&
            !atHome(f, k) &&
            !atHome(f, k - 1) &&
            !f.restartAt[k]
        )
            add(
                "program-cap",
                k,
                `cap changed from ${rows[k - 1].capDeg} to ${r.capDeg} away from home`
            )
    }
}

/**
 * Never faster than the limits allow: the hard limit plus the overspeed margin always (a drive fault
 * is stopped at that point); the user's rates in normal running (a sensor or a drive that lies can
 * make the table run off its plan: then only the hard limit is judged). Accelerations of commanded
 * moves stay within the tracking factor of the setting.
 */
function checkRates(f: Facts, add: Add): void {
    const { s, rows, tl } = f
    const st = s.settings
    const w = Math.round(ACCEL_WINDOW_S / TRACE_TICK_S)
    // The drive lets the speed it asks for change a little faster than the plan (its position
    // correction: CORRECTION_ACCEL_DPS2); the table follows that through the motor's lag.
    const accelCeiling = Math.min(
        HARD_MAX_ACCEL_DPS2,
        (st.accelDps2 + CORRECTION_ACCEL_DPS2) * ACCEL_TRACKING_FACTOR +
            ACCEL_RIPPLE_DPS2 * Math.max(1, s.table.imuNoise)
    )
    rows.forEach((r, k) => {
        if (
            Math.abs(r.rateDps) >
            HARD_MAX_RATE_DPS + OVERSPEED_MARGIN_DPS + EPS
        )
            add("hard-rate", k, `rate ${r.rateDps.toFixed(3)}`)
        if (
            anyOf(tl.injected[k], DRIVE_FAULTS) ||
            anyOf(tl.injected[k], SENSOR_FAULTS) ||
            r.faults.length > 0
        )
            return
        // Below home, going "deeper" is going home: at returnRateDps.
        const towardHomeDps =
            r.angleDeg < f.home ? Math.abs(r.rateDps) : -r.rateDps
        if (
            r.angleDeg >= f.home &&
            r.rateDps > st.maxRateDps + RATE_TRACKING_TOLERANCE_DPS
        )
            add(
                "rate-deeper",
                k,
                `rate ${r.rateDps.toFixed(3)} over maxRateDps ${st.maxRateDps}`
            )
        if (towardHomeDps > st.returnRateDps + RATE_TRACKING_TOLERANCE_DPS)
            add(
                "rate-up",
                k,
                `rate ${r.rateDps.toFixed(3)} over returnRateDps ${st.returnRateDps}`
            )
    })
    // Accelerations of commanded moves: the drive on for the whole window, nothing cut, no fault,
    // no restart, no injected fault (a cut stops on the worm gear, faster by design).
    let clean = 0
    for (let k = 0; k < rows.length; k++) {
        const r = rows[k]
        const ok =
            r.duty !== 0 &&
            r.faults.length === 0 &&
            !f.restartAt[k] &&
            tl.injected[k].length === 0
        clean = ok ? clean + 1 : 0
        if (clean <= w) continue
        // The first and the last fraction of a degree per second of a move: the drive breaking away
        // from its friction, or stopping on it as the duty falls into the deadzone.
        if (
            Math.abs(r.rateDps) < CREEP_DPS &&
            Math.abs(rows[k - w].rateDps) < CREEP_DPS
        )
            continue
        const a = Math.abs(r.rateDps - rows[k - w].rateDps) / ACCEL_WINDOW_S
        if (a > accelCeiling + EPS)
            add(
                "accel",
                k,
                `acceleration ${a.toFixed(2)} deg/s^2 over ${accelCeiling.toFixed(2)} in a commanded move`
            )
    }
}

/**
 * Open-loop driving (an imu fault) starts and stops with a ramp: the true acceleration stays within
 * the hard limit while the drive is on, its start and its stop included (the end stop and safety
 * cuts excepted: the duty is 0 then).
 */
function checkOpenLoopRamp(f: Facts, add: Add): void {
    const { rows } = f
    const w = Math.round(ACCEL_WINDOW_S / TRACE_TICK_S)
    // Without a home switch the drive may run into the frame's loading stop: a wall, not a ramp.
    const stopDeg = f.home - HOME_ABOVE_STOP_DEG + ANGLE_TOLERANCE_DEG
    let run = 0
    // The cut when the fault appears stops a moving table on the worm gear, faster than any ramp, by
    // design: the open-loop drive that starts right after it is judged once that stop is over.
    let lastCutK = -Infinity
    for (let k = 0; k < rows.length; k++) {
        const r = rows[k]
        if (k > 0 && r.duty === 0 && rows[k - 1].duty !== 0) lastCutK = k
        const open =
            r.faults.indexOf("imu") >= 0 &&
            r.duty !== 0 &&
            r.angleDeg > stopDeg &&
            !f.driveRecent[k] &&
            !f.restartAt[k] &&
            k - lastCutK > f.stopTicks
        run = open ? run + 1 : 0
        if (run <= w) continue
        const a = Math.abs(r.rateDps - rows[k - w].rateDps) / ACCEL_WINDOW_S
        if (a > HARD_MAX_ACCEL_DPS2 + EPS)
            add(
                "open-loop-ramp",
                k,
                `acceleration ${a.toFixed(2)} deg/s^2 while driving open-loop`
            )
    }
}

/**
 * Never deeper without grip and settled latch: once either is missing the table goes at most 1.5
 * degrees further and stops moving deeper within 0.25 s; a latch closed for less than 0.2 s counts
 * as open. (A reversed motor is the one thing that can drive the table the wrong way; the direction
 * fault stops it, judged by other rules.)
 */
function checkDeeperWithoutGrip(f: Facts, add: Add): void {
    const { rows, home } = f
    const settleS = LATCH_SETTLE_MS / 1000
    let windowStart = -1
    for (let k = 0; k < rows.length; k++) {
        const latchSettled = f.latchClosedS[k] > settleS + EPS
        const allowed = rows[k].deadman && latchSettled
        if (allowed) {
            windowStart = -1
            continue
        }
        if (windowStart < 0) windowStart = k
        // A reversed or jammed drive (and its coasting for the stop time after it ends) moves the
        // table whatever the controller does.
        if (f.driveRecent[k]) {
            windowStart = k
            continue
        }
        // Below the home band "deeper" leads home (a table started below it may come up to it).
        if (rows[k].angleDeg < home - AT_HOME_TOLERANCE_DEG) {
            windowStart = k
            continue
        }
        const rise = rows[k].angleDeg - rows[windowStart].angleDeg
        if (rise > DEADMAN_STOP_TRAVEL_DEG + EPS)
            add(
                "deeper-without-grip",
                k,
                `went ${rise.toFixed(3)} deg deeper after grip/latch was lost`
            )
        const sinceS = rows[k].tS - rows[windowStart].tS
        // A lying IMU can make the controller believe the table is below the home band, where
        // "deeper" leads home: then only the travel limit above is judged.
        if (
            !f.imuSince[k] &&
            sinceS > DEADMAN_STOP_MS / 1000 + EPS &&
            rows[k].rateDps > MOVING_DPS
        )
            add(
                "deeper-without-grip",
                k,
                `still moving deeper at ${rows[k].rateDps.toFixed(3)} deg/s ${sinceS.toFixed(2)} s after`
            )
    }
}

/** A fault stops the motor within one tick: the row where a fault first appears has duty 0. */
function checkFaultStopsMotor(f: Facts, add: Add): void {
    const { rows } = f
    for (let k = 0; k < rows.length; k++) {
        const before = k > 0 && !f.restartAt[k] ? rows[k - 1].faults : []
        for (const name of rows[k].faults)
            if (before.indexOf(name) < 0 && rows[k].duty !== 0)
                add(
                    "fault-stops-motor",
                    k,
                    `${name} raised with duty ${rows[k].duty}`
                )
    }
}

/**
 * A healthy table raises no fault of its own: with nothing injected, the only faults are those the
 * person's inputs or the start cause (the latch opened away from home, a start beyond the limits or
 * the exercise program's cap, the settings notice). A stall, direction, overspeed or imu fault there is a false alarm, and a false
 * alarm can strand a user as surely as a real one.
 */
function checkHealthyTableRaisesNothing(f: Facts, add: Add): void {
    const { s, rows, tl, home, effMax } = f
    const start = s.table.startAngleDeg
    // The deepest angle at the start: the settings' and the program's cap as the first row shows it.
    const startMax = rows.length > 0 ? Math.min(effMax, rows[0].capDeg) : effMax
    // Beyond, or within the sensor's accuracy of it: the estimate of such a start may read beyond.
    const startBeyond =
        start > startMax + OVERTRAVEL_DEEP_MARGIN_DEG - ANGLE_TOLERANCE_DEG ||
        start < home - OVERTRAVEL_HOME_MARGIN_DEG + ANGLE_TOLERANCE_DEG
    let latchEverOpen = false
    let injected = false
    for (let k = 0; k < rows.length; k++) {
        if (tl.injected[k].length > 0) injected = true
        if (injected) return
        if (!rows[k].latch) latchEverOpen = true
        for (const name of rows[k].faults) {
            if (name === "settings") continue
            if (name === "latch" && latchEverOpen) continue
            if (name === "overtravel" && startBeyond) continue
            add("false-fault", k, `${name} raised with no fault injected`)
        }
    }
}

/**
 * With an imu fault the motor is off except toward home, open-loop, at no more than 30 % duty: with
 * UP held, or on its own where the table knows it has a home switch (the dead-man and session
 * returns), and never for more than the open-loop budget of driving, restarts included.
 */
function checkImuFault(f: Facts, add: Add): void {
    const { s, rows, tl } = f
    // A released UP ramps the duty down from the cap within the acceleration limit (on the fastest
    // drive) : so long it may still be driving.
    const rampDownS =
        IMU_FAULT_UP_DUTY /
            (s.settings.accelDps2 / OPEN_LOOP_FASTEST_DPS_PER_DUTY) +
        2 * TRACE_TICK_S
    let drivenMs = 0
    let lastUpK = -Infinity
    rows.forEach((r, k) => {
        if (tl.levels[k].up) lastUpK = k
        if (f.restartAt[k]) lastUpK = -Infinity
        if (r.faults.indexOf("imu") < 0) {
            // A new budget only once the table is back home (rows[k] shows no imu fault there).
            if (
                Math.abs(r.angleDeg - f.home) <=
                AT_HOME_TOLERANCE_DEG + ANGLE_TOLERANCE_DEG
            )
                drivenMs = 0
            return
        }
        if (r.duty > 0 || r.duty < -IMU_FAULT_UP_DUTY - EPS)
            add("imu-fault-duty", k, `duty ${r.duty}`)
        // Without UP held (and no known home switch) the drive only ramps down, and is off once the
        // ramp is done.
        const before = k > 0 && !f.restartAt[k] ? Math.abs(rows[k - 1].duty) : 0
        if (
            r.duty !== 0 &&
            !tl.levels[k].up &&
            !s.table.homeSwitch &&
            (Math.abs(r.duty) > before + EPS ||
                (k - lastUpK) * TRACE_TICK_S > rampDownS)
        )
            add(
                "imu-fault-duty",
                k,
                "driving without UP held (no known home switch)"
            )
        if (r.duty !== 0) drivenMs += TRACE_TICK_S * 1000
        if (drivenMs > IMU_FAULT_UP_MAX_MS + EPS)
            add(
                "imu-open-loop-budget",
                k,
                `${(drivenMs / 1000).toFixed(2)} s of open-loop driving`
            )
    })
}

/**
 * With the latch fault: while the latch reads open, or has bounced within the last 2 s, only UP held
 * moves the table, toward home, at most 2 deg/s (whatever else is wrong: an imu fault's open-loop
 * drive too); once it has read closed for 2 s, moves toward home only.
 */
function checkLatchFault(f: Facts, add: Add): void {
    const { s, rows, tl, home } = f
    const steadyS = LATCH_STEADY_MS / 1000
    // After UP is released the move decelerates toward home and settles.
    const releaseTicks = Math.ceil(
        (LATCH_HELPER_RATE_DPS / s.settings.accelDps2 + RELEASE_SETTLE_S) /
            TRACE_TICK_S
    )
    let lastUpK = -Infinity
    let sinceK = -1
    rows.forEach((r, k) => {
        if (tl.levels[k].up) lastUpK = k
        if (f.restartAt[k]) lastUpK = -Infinity
        if (r.faults.indexOf("latch") < 0) {
            sinceK = -1
            return
        }
        // The stop starts with the fault, and again with each opening of the latch.
        if (sinceK < 0 || (k > 0 && !r.latch && rows[k - 1].latch)) sinceK = k
        const steady = f.latchClosedS[k] >= steadyS - EPS
        // Toward home: negative duty, or positive from below the home band (as the controller sees it).
        if (r.duty > 0 && r.estDeg >= home - AT_HOME_TOLERANCE_DEG)
            add("latch-fault", k, `duty ${r.duty} deeper`)
        if (steady) return
        const stopping = k - lastUpK <= releaseTicks
        if (r.duty !== 0 && !tl.levels[k].up && !stopping)
            add("latch-fault", k, "driving without UP held")
        // The cut when the fault appears stops the table within the stop time: judged after it.
        if (
            -r.rateDps > LATCH_HELPER_RATE_DPS + RATE_TRACKING_TOLERANCE_DPS &&
            k - sinceK > f.stopTicks &&
            !f.driveRecent[k]
        )
            add(
                "latch-fault",
                k,
                `rate ${r.rateDps.toFixed(3)} beyond the helper's ${LATCH_HELPER_RATE_DPS}`
            )
    })
}

/**
 * The machine never moves an unlatched user on its own, whatever faults it shows or does not show
 * (the angle unknown, a restart that did not see the latch bounce): away from home, outside service
 * mode (the table is empty then), while the latch reads open or has read open there in the last
 * 2 s, the motor drives only with UP held (and while its move stops after UP is released).
 */
function checkUnlatchedMoves(f: Facts, add: Add): void {
    const { s, rows, tl } = f
    const steadyTicks = Math.round(LATCH_STEADY_MS / 1000 / TRACE_TICK_S)
    const releaseTicks = Math.ceil(
        (s.settings.returnRateDps / s.settings.accelDps2 + RELEASE_SETTLE_S) /
            TRACE_TICK_S
    )
    let lastUpK = -Infinity
    let lastOpenK = -Infinity
    // Until the first start is over the firmware may read inputs its harness has not set yet
    // (open): the controller judges the latch from its first known angle on (it raises the latch
    // fault then if the latch read open during its start), and so does this rule.
    let started = false
    rows.forEach((r, k) => {
        if (tl.levels[k].up) lastUpK = k
        if (f.restartAt[k]) lastUpK = -Infinity
        if (r.state !== "boot") started = true
        const away = started && r.state !== "service" && !atHome(f, k)
        // An opening at home is a person getting on or off.
        if (!r.latch && away) lastOpenK = k
        if (r.duty === 0 || !away) return
        if (k - lastOpenK >= steadyTicks) return
        if (tl.levels[k].up || k - lastUpK <= releaseTicks) return
        add(
            "unlatched-move",
            k,
            `duty ${r.duty} with the latch read open ${((k - lastOpenK) * TRACE_TICK_S).toFixed(2)} s ago, UP not held`
        )
    })
}

/** The true angle is at home (within the band, and what the sensor can tell). */
function atHome(f: Facts, k: number): boolean {
    return (
        Math.abs(f.rows[k].angleDeg - f.home) <=
        AT_HOME_TOLERANCE_DEG + ANGLE_TOLERANCE_DEG
    )
}

/**
 * After a restart away from home nothing moves the table deeper until it has been home: beyond the
 * coast of the drive cut by the restart, the true angle does not rise (a reversed motor injected may
 * take it its direction fault's travel further before that fault stops it).
 */
function checkRestart(f: Facts, add: Add): void {
    const { rows, tl } = f
    for (const kPc of tl.powerCycles) {
        if (kPc >= rows.length || atHome(f, kPc)) continue
        let ceiling = -Infinity
        for (let k = kPc; k < rows.length; k++) {
            if (atHome(f, k)) break
            if (k - kPc <= f.stopTicks) {
                ceiling = Math.max(ceiling, rows[k].angleDeg)
                continue
            }
            const reversed = anyOf(tl.injected[k], ["motor-reversed"])
            // A dead IMU and a reversed drive at once: the open-loop UP cannot know which way the
            // table turns (the double fault checkLimits exempts too).
            if (reversed && f.imuSince[k]) break
            const margin = reversed
                ? DIRECTION_MAX_TRAVEL_DEG + DEADMAN_STOP_TRAVEL_DEG
                : 0
            if (rows[k].angleDeg > ceiling + margin + EPS) {
                add(
                    "restart-deeper",
                    k,
                    `angle ${rows[k].angleDeg.toFixed(3)} deeper than ${ceiling.toFixed(3)} after the restart at ${rows[kPc].tS} s, before reaching home`
                )
                break
            }
        }
    }
}

/**
 * The session: the time inverted counts from leaving home; once it reaches sessionLimitS, or a
 * restart finds the table away from home, the session is over: the table goes no deeper than the
 * braking of the move it was making, and it is home within the time a return needs, unless something
 * that forbids the automatic return intervenes (a fault that allows only a helper's UP, a stop
 * button, a drive or sensor fault injected) or the scenario ends first.
 */
function checkSession(f: Facts, add: Add): void {
    const { s, rows } = f
    const st = s.settings
    // The session's time limit: the setting, or the exercise program's shorter one (as long as the
    // most sessions that can have counted allow: the longest it can be).
    let limitMs =
        sessionLimitFor(st.sessionLimitS, f.countedBound[0], st.progression) *
        1000
    let invertedMs = 0
    let endK = -1
    // The deepest since the table was last home: whether the return pauses near flat.
    let deepest = -Infinity
    for (let k = 0; k < rows.length; k++) {
        if (atHome(f, k)) {
            invertedMs = 0
            deepest = -Infinity
            limitMs =
                sessionLimitFor(
                    st.sessionLimitS,
                    f.countedBound[k],
                    st.progression
                ) * 1000
            if (endK >= 0) endK = -1
            continue
        }
        deepest = Math.max(deepest, rows[k].angleDeg)
        // The controller counts by its estimate: a true angle within the sensor's accuracy of flat
        // may or may not count.
        if (rows[k].angleDeg > ANGLE_TOLERANCE_DEG)
            invertedMs += TRACE_TICK_S * 1000
        // A start away from home is a restart as far as the controller can tell.
        const restart = f.restartAt[k] || k === 0
        if (
            endK < 0 &&
            (invertedMs > limitMs + TRACE_TICK_S * 1000 || restart)
        ) {
            endK = k
            judgeSessionEnd(f, k, deepest, add)
        }
    }
}

function judgeSessionEnd(
    f: Facts,
    kEnd: number,
    deepestBefore: number,
    add: Add
): void {
    const { s, rows, tl } = f
    const st = s.settings
    // Deeper: only the braking of the move under way (as the table moves now, at the setting's
    // deceleration, with the tracking allowances), then no rise until home.
    const v = Math.max(0, rows[kEnd].rateDps)
    const brakeDeg =
        (v * v) / (2 * st.accelDps2) + v * 0.25 + ANGLE_TOLERANCE_DEG
    let ceiling = rows[kEnd].angleDeg + brakeDeg
    let blocked = false
    let restarts = 0
    let deepest = Math.max(deepestBefore, rows[kEnd].angleDeg)
    for (let k = kEnd; k < rows.length; k++) {
        if (atHome(f, k)) return
        const r = rows[k]
        deepest = Math.max(deepest, r.angleDeg)
        if (f.restartAt[k] && k > kEnd) {
            restarts++
            // A restart cuts the drive: the coast is allowed once more.
            ceiling = Math.max(ceiling, r.angleDeg + DEADMAN_STOP_TRAVEL_DEG)
        }
        const reversed = anyOf(tl.injected[k], ["motor-reversed"])
        if (
            r.angleDeg >
                ceiling +
                    (reversed
                        ? DIRECTION_MAX_TRAVEL_DEG + DEADMAN_STOP_TRAVEL_DEG
                        : 0) +
                    EPS &&
            !f.imuSince[k]
        ) {
            add(
                "session-deeper",
                k,
                `angle ${r.angleDeg.toFixed(3)} deeper than ${ceiling.toFixed(3)} after the session ended at ${rows[kEnd].tS} s`
            )
            return
        }
        // What may keep the table away: a fault that forbids the automatic return, an injected
        // fault; a stop pressed holds the return for the grace period (counted below).
        if (tl.injected[k].length > 0) blocked = true
        for (const name of r.faults) {
            if (
                name === "direction" ||
                name === "stall" ||
                name === "overspeed"
            )
                blocked = true
            if (name === "imu" && !s.table.homeSwitch) blocked = true
            if (name === "overtravel" && r.estDeg < f.home) blocked = true
            if (
                name === "latch" &&
                f.latchClosedS[k] < LATCH_STEADY_MS / 1000 - EPS
            )
                blocked = true
        }
        if (blocked) continue
        const stops = countPresses(f, kEnd, k)
        const returnS =
            returnTimeS(f, deepest, s.table.homeSwitch && f.imuSince[k]) +
            stops * (st.deadmanGraceS + 1) +
            restarts * 2
        if (r.tS - rows[kEnd].tS > returnS) {
            add(
                "session-home",
                k,
                `still at ${r.angleDeg.toFixed(2)} deg ${returnS.toFixed(1)} s after the session ended at ${rows[kEnd].tS} s`
            )
            return
        }
    }
}

/** The presses of STOP and of UP with DOWN together in [from, to]: each holds a return for the grace. */
function countPresses(f: Facts, from: number, to: number): number {
    let n = 0
    for (let k = Math.max(1, from); k <= to; k++) {
        const a = f.tl.levels[k - 1]
        const b = f.tl.levels[k]
        if (b.stop && !a.stop) n++
        if (b.up && b.down && !(a.up && a.down)) n++
    }
    return n
}

/**
 * How long a return home from `deepestDeg` may take: travel, ramps, the pause near flat, margins.
 * `openLoop`: with the angle unknown the drive runs open-loop (no pause: the angle is not known).
 */
function returnTimeS(
    f: Facts,
    deepestDeg: number,
    openLoop: boolean,
    tripDeepestDeg = deepestDeg
): number {
    const st = f.s.settings
    const rate = openLoop ? OPEN_LOOP_SLOWEST_DPS : st.returnRateDps
    const travelS = Math.max(0, deepestDeg - f.home) / rate
    const rampsS = ((2 * st.returnRateDps) / st.accelDps2) * 2
    // The pause near flat is owed by the trip: deeper than 30 at any time since the table was home,
    // as the controller's estimate saw it (a true 30 may read just deeper).
    const pauseS =
        !openLoop &&
        tripDeepestDeg > RETURN_PAUSE_FROM_DEG - ANGLE_TOLERANCE_DEG
            ? RETURN_PAUSE_MS / 1000
            : 0
    return travelS + rampsS + pauseS + 3
}

/**
 * Home again after the grip is let go, if nothing forbids the automatic return: no drive fault, no
 * sensor fault (unless the table knows its home switch, for the IMU ones), the latch closed, no
 * fault that allows only a helper's UP, no button pressed. Judged from the release to the first
 * thing that changes that (or the end of the trace).
 */
function checkHomeAgain(f: Facts, add: Add): void {
    const { s, rows, tl } = f
    const st = s.settings
    // The last release of the grip before the end (or before the window closes).
    let k0 = -1
    for (let k = 1; k < rows.length; k++)
        if (!tl.levels[k].deadman && tl.levels[k - 1].deadman) k0 = k
    if (k0 < 0 && !tl.levels[0].deadman) k0 = 0
    if (k0 < 0) return
    let kEnd = rows.length
    let openLoop = false
    let cyclesAfter = 0
    for (let k = k0; k < rows.length && kEnd === rows.length; k++) {
        const lv = tl.levels[k]
        let closes =
            lv.deadman ||
            lv.up ||
            lv.down ||
            lv.stop ||
            lv.preset ||
            lv.home ||
            !lv.latch ||
            anyOf(tl.injected[k], DRIVE_FAULTS) ||
            anyOf(tl.injected[k], ["latch-chatter"]) ||
            (!s.table.homeSwitch && anyOf(tl.injected[k], IMU_FAULTS))
        for (const name of rows[k].faults) {
            if (
                name === "direction" ||
                name === "stall" ||
                name === "overspeed"
            )
                closes = true
            if (name === "imu") {
                if (!s.table.homeSwitch) closes = true
                openLoop = true
            }
            if (name === "overtravel" && rows[k].estDeg < f.home) closes = true
        }
        if (closes) kEnd = k
        else if (f.restartAt[k]) cyclesAfter++
    }
    // Deepest point from which the return may have to come, and the time it needs: the grace
    // period, the return, a latch that must read closed steadily again, each restart's boot.
    let deepest = rows[k0].angleDeg
    for (let k = k0; k < kEnd; k++)
        deepest = Math.max(deepest, rows[k].angleDeg)
    let tripDeepest = deepest
    for (let k = k0 - 1; k >= 0 && !atHome(f, k); k--)
        tripDeepest = Math.max(tripDeepest, rows[k].angleDeg)
    const latchWaitS = LATCH_STEADY_MS / 1000
    const neededS =
        st.deadmanGraceS * (1 + cyclesAfter) +
        returnTimeS(f, deepest, openLoop, tripDeepest) +
        latchWaitS +
        cyclesAfter
    const dueS = rows[k0].tS + neededS
    for (let k = k0; k < kEnd; k++) {
        if (rows[k].tS < dueS) continue
        if (!atHome(f, k)) {
            add(
                "home-again",
                k,
                `angle ${rows[k].angleDeg.toFixed(2)} not home ${neededS.toFixed(1)} s after the grip was let go at ${rows[k0].tS.toFixed(2)} s`
            )
            return
        }
    }
}
