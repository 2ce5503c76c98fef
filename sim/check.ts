// The behaviour contract as checks on a trace: every rule of behaviour.md that can be judged from a
// scenario and the trace it produced. The scenario tests and the property-based tests both use it, so a
// rule is written once. Rules are judged on the model's true angle and rate wherever possible: the
// estimate could be wrong in the same way as the controller.

import {
    DEADMAN_STOP_MS,
    DEADMAN_STOP_TRAVEL_DEG,
    HARD_MAX_RATE_DPS,
    IMU_FAULT_UP_DUTY,
    LATCH_HELPER_RATE_DPS,
    LATCH_SETTLE_MS,
    OVERSPEED_MARGIN_DPS,
    OVERTRAVEL_DEEP_MARGIN_DEG,
    OVERTRAVEL_HOME_MARGIN_DEG,
    AT_HOME_TOLERANCE_DEG,
    RETURN_PAUSE_FROM_DEG,
    RETURN_PAUSE_MS,
} from "../src/control/limits"
import { userMaxDeg } from "../src/control/settings"
import { isPowerCycle, ScenarioEvents } from "./engine/events"
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
/** Slack for "no faster than" comparisons of the true rate at rest (float noise only). */
const EPS = 1e-6
/** A table counts as still moving deeper above this rate. */
const MOVING_DPS = 0.05

/** Faults of the model that make the drive or the sensors lie (drive, sensor): some rules exempt them. */
const DRIVE_FAULTS = ["motor-stall", "motor-reversed"]
const IMU_FAULTS = [
    "imu-stale",
    "imu-stuck",
    "imu-i2c",
    "imu-bias",
    "imu-noise",
]
const SENSOR_FAULTS = [
    "imu-stale",
    "imu-stuck",
    "imu-i2c",
    "imu-bias",
    "imu-noise",
    "latch-chatter",
]

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

/** A drive fault was injected at tick k or in the `ticks` before it. */
function driveFaultWithin(tl: Timeline, k: number, ticks: number): boolean {
    for (let j = Math.max(0, k - ticks); j <= k; j++)
        if (anyOf(tl.injected[j], DRIVE_FAULTS)) return true
    return false
}

function anyOf(list: string[], names: string[]): boolean {
    for (const n of list) if (names.indexOf(n) >= 0) return true
    return false
}

/** Checks a trace against the contract; returns every violation found (empty when it holds). */
export function checkTrace(s: Scenario, rows: TraceRow[]): Violation[] {
    const out: Violation[] = []
    const tl = timelineOf(s, rows.length)
    const add = (rule: string, k: number, detail: string) => {
        if (out.length < 50) out.push({ rule, tS: rows[k].tS, detail })
    }
    const st = s.settings
    const home = st.homeDeg
    const effMax = userMaxDeg(st)
    const start = s.table.startAngleDeg
    const everDriveFault = tl.injected.some(f => anyOf(f, DRIVE_FAULTS))
    const everSensorFault = tl.injected.some(f => anyOf(f, SENSOR_FAULTS))

    // No number is ever missing or not finite.
    rows.forEach((r, k) => {
        for (const v of [r.angleDeg, r.estDeg, r.targetDeg, r.rateDps, r.duty])
            if (!Number.isFinite(v)) add("finite", k, "a number is not finite")
        if (r.duty < -1 || r.duty > 1) add("duty-range", k, `duty ${r.duty}`)
    })

    // Never beyond the effective deepest angle + 1, nor below home - 5 (a table that starts beyond
    // them may not go further). Judged under any single fault; with a dead IMU and a reversed drive at
    // once, behaviour.md's open-loop UP cannot know which way the table turns.
    const imuAndDrive =
        everDriveFault && tl.injected.some(f => anyOf(f, IMU_FAULTS))
    const deepestAllowed = Math.max(effMax, start) + OVERTRAVEL_DEEP_MARGIN_DEG
    const shallowestAllowed = Math.min(home, start) - OVERTRAVEL_HOME_MARGIN_DEG
    rows.forEach((r, k) => {
        if (imuAndDrive) return
        if (r.angleDeg > deepestAllowed + EPS)
            add(
                "deepest",
                k,
                `angle ${r.angleDeg.toFixed(3)} beyond ${deepestAllowed.toFixed(3)}`
            )
        if (r.angleDeg < shallowestAllowed - EPS)
            add(
                "home-side",
                k,
                `angle ${r.angleDeg.toFixed(3)} below ${shallowestAllowed.toFixed(3)}`
            )
        // A target beyond the limit can only be where the table was stopped; never driven toward.
        if (r.targetDeg > effMax + EPS && r.duty > 0)
            add(
                "target",
                k,
                `driving deeper toward ${r.targetDeg.toFixed(3)}, beyond the deepest angle ${effMax}`
            )
    })

    // Never faster than the limits allow: the hard limit plus the overspeed margin always (a drive
    // fault is stopped at that point); the user's rates in normal running (a sensor that lies, or a
    // drive that does, can make the table run off its plan: then only the hard limit is judged).
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
        if (r.rateDps > st.maxRateDps + RATE_TRACKING_TOLERANCE_DPS)
            add(
                "rate-deeper",
                k,
                `rate ${r.rateDps.toFixed(3)} over maxRateDps ${st.maxRateDps}`
            )
        if (-r.rateDps > st.returnRateDps + RATE_TRACKING_TOLERANCE_DPS)
            add(
                "rate-up",
                k,
                `rate ${r.rateDps.toFixed(3)} over returnRateDps ${st.returnRateDps}`
            )
    })

    // Never deeper without grip and settled latch: once either is missing the table goes at most
    // 1.5 degrees further and stops moving deeper within 0.25 s; a latch closed for less than 0.2 s
    // counts as open. (A reversed motor is the one thing that can drive the table the wrong way; the
    // direction fault stops it, judged separately below.)
    const settleTicks = Math.round(LATCH_SETTLE_MS / 1000 / TRACE_TICK_S)
    const stopTicks = Math.ceil(DEADMAN_STOP_MS / 1000 / TRACE_TICK_S)
    let windowStart = -1
    for (let k = 0; k < rows.length; k++) {
        let latchSettled = true
        for (let j = Math.max(0, k - settleTicks); j <= k; j++)
            if (!rows[j].latch) latchSettled = false
        const allowed = rows[k].deadman && latchSettled
        if (allowed) {
            windowStart = -1
            continue
        }
        if (windowStart < 0) windowStart = k
        // A reversed or jammed drive (and its coasting for the stop time after it ends) moves the
        // table whatever the controller does: judged by the direction and stall faults instead.
        if (driveFaultWithin(tl, k, stopTicks)) {
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
        // A lying IMU (an injected imu fault) can make the controller believe the table is below the
        // home band, where "deeper" leads home: then only the travel limit above is judged.
        const imuLying = tl.injected
            .slice(0, k + 1)
            .some(f => anyOf(f, IMU_FAULTS))
        if (
            !imuLying &&
            sinceS > DEADMAN_STOP_MS / 1000 + EPS &&
            rows[k].rateDps > MOVING_DPS
        )
            add(
                "deeper-without-grip",
                k,
                `still moving deeper at ${rows[k].rateDps.toFixed(3)} deg/s ${sinceS.toFixed(2)} s after`
            )
    }

    // A fault stops the motor within one tick: the row where a fault first appears has duty 0
    // (settings is a notice raised at start with the motor off anyway).
    for (let k = 1; k < rows.length; k++) {
        for (const f of rows[k].faults) {
            if (rows[k - 1].faults.indexOf(f) < 0 && rows[k].duty !== 0)
                add(
                    "fault-stops-motor",
                    k,
                    `${f} raised with duty ${rows[k].duty}`
                )
        }
    }
    if (rows.length > 0 && rows[0].faults.length > 0 && rows[0].duty !== 0)
        add("fault-stops-motor", 0, "fault at start with duty")

    // With an imu fault the motor is off except UP held, toward home, at no more than 30 % duty.
    rows.forEach((r, k) => {
        if (r.faults.indexOf("imu") < 0) return
        if (r.duty > 0 || r.duty < -IMU_FAULT_UP_DUTY - EPS)
            add("imu-fault-duty", k, `duty ${r.duty}`)
        if (r.duty !== 0 && !tl.levels[k].up)
            add("imu-fault-duty", k, "driving without UP held")
    })

    // With the latch fault only UP held moves the table, toward home, at most 2 deg/s.
    rows.forEach((r, k) => {
        if (r.faults.indexOf("latch") < 0 || r.faults.indexOf("imu") >= 0)
            return
        // Toward home: negative duty, or positive from below the home band (as the controller sees it).
        if (r.duty > 0 && r.estDeg >= home - AT_HOME_TOLERANCE_DEG)
            add("latch-fault", k, `duty ${r.duty} deeper`)
        if (r.duty !== 0 && !tl.levels[k].up)
            add("latch-fault", k, "driving without UP held")
        const lying =
            anyOf(tl.injected[k], DRIVE_FAULTS) ||
            anyOf(tl.injected[k], IMU_FAULTS)
        if (
            -r.rateDps > LATCH_HELPER_RATE_DPS + RATE_TRACKING_TOLERANCE_DPS &&
            !lying
        )
            add(
                "latch-fault",
                k,
                `rate ${r.rateDps.toFixed(3)} beyond the helper's ${LATCH_HELPER_RATE_DPS}`
            )
    })

    // Home again after the grip is let go, if nothing else intervenes: no sensor or drive fault, no
    // controller fault that forbids the return, no button pressed.
    if (!everDriveFault && !everSensorFault) checkHomeAgain(s, rows, tl, add)

    return out
}

function checkHomeAgain(
    s: Scenario,
    rows: TraceRow[],
    tl: Timeline,
    add: (rule: string, k: number, detail: string) => void
): void {
    const st = s.settings
    const home = st.homeDeg
    // The last release of the grip that lasts to the end of the trace.
    let k0 = rows.length
    while (k0 > 0 && !tl.levels[k0 - 1].deadman) k0--
    if (k0 >= rows.length) return
    for (let k = k0; k < rows.length; k++) {
        const lv = tl.levels[k]
        if (lv.up || lv.down || lv.stop || lv.preset || lv.home) return
        if (!lv.latch) return
        for (const f of rows[k].faults)
            if (f !== "settings" && f !== "watchdog" && f !== "overtravel")
                return
    }
    // Deepest point from which the return may have to come, and the time it needs: the grace
    // period, the ramps, the travel, the pause near flat, and a restart's boot for each power cycle.
    let deepest = -Infinity
    for (let k = k0; k < rows.length; k++)
        deepest = Math.max(deepest, rows[k].angleDeg)
    deepest = Math.max(deepest, rows[k0].angleDeg)
    const cyclesAfter = tl.powerCycles.filter(k => k >= k0).length
    const travelS = Math.max(0, deepest - home) / st.returnRateDps
    const rampsS = ((2 * st.returnRateDps) / st.accelDps2) * 2
    const pauseS = deepest > RETURN_PAUSE_FROM_DEG ? RETURN_PAUSE_MS / 1000 : 0
    const neededS =
        st.deadmanGraceS * (1 + cyclesAfter) +
        travelS +
        rampsS +
        pauseS +
        2 +
        cyclesAfter
    const dueS = rows[k0].tS + neededS
    for (let k = k0; k < rows.length; k++) {
        if (rows[k].tS < dueS) continue
        if (Math.abs(rows[k].angleDeg - home) > AT_HOME_TOLERANCE_DEG) {
            add(
                "home-again",
                k,
                `angle ${rows[k].angleDeg.toFixed(2)} not home ${neededS.toFixed(1)} s after the grip was let go at ${rows[k0].tS.toFixed(2)} s`
            )
            return
        }
    }
}
