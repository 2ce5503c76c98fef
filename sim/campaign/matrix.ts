// The fault x state matrix: every fault of MATRIX_FAULTS struck in every state of MATRIX_STATES, on
// the host controller (or through the firmware in the VM: runMatrixCase's runner). The expected
// reaction comes from the fault table (src/control/faultTable.ts): the fault the controller must
// raise and what that fault still allows; the observed reaction is read from the trace; the whole
// trace is also held to every rule of the contract checker.
//
// Each case: the state's session until the state has held for 0.5 s (found on a run without the
// fault), the fault, the person letting go of what they held 2 s later, UP held from 5 s to 9 s
// after the fault (a helper bringing the user back), the end 13 s after the fault.

import {
    ALLOW_ALL,
    ALLOW_HELPER_UP,
    ALLOW_NOTHING,
    ALLOW_TOWARD_HOME,
    FAULT_TABLE,
    faultIndex,
} from "../../src/control/faultTable"
import { DEADMAN_STOP_TRAVEL_DEG } from "../../src/control/limits"
import { checkTrace } from "../check"
import { runScenario } from "../run"
import { parseScenario, Scenario } from "../scenario"
import { TRACE_TICK_S, TraceRow } from "../trace"
import { MatrixFault, MatrixState } from "./matrixCases"

export const MATRIX_SETTINGS = {
    maxAngleDeg: 45,
    maxRateDps: 8,
    returnRateDps: 8,
    accelDps2: 4,
    progression: false,
}
const HELD_S = 0.5
const RELEASE_AFTER_S = 2
/** A released button's move decelerates and the drive settles in this (the checker's allowance). */
const RELEASE_SETTLE_S = 1.5
const UP_FROM_S = 5
const UP_UNTIL_S = 9
const END_AFTER_S = 13
/** After a fault is raised the motor is off within a tick; the drive coasts to rest in this. */
const SETTLE_S = 0.5

export type Runner = (s: Scenario) => Promise<TraceRow[]>

export const hostRunner: Runner = async s => {
    const rows: TraceRow[] = []
    runScenario(s, r => rows.push(r))
    return rows
}

function scenarioOf(
    name: string,
    durationS: number,
    events: object[]
): Scenario {
    const json = {
        name,
        durationS,
        seed: 11,
        settings: MATRIX_SETTINGS,
        events: events
            .map((e, order) => ({ e, order }))
            .sort(
                (a, b) =>
                    (a.e as { t: number }).t - (b.e as { t: number }).t ||
                    a.order - b.order
            )
            .map(x => x.e),
    }
    return parseScenario(JSON.stringify(json), "matrix.json")
}

/** The time the fault strikes in a state: the state held HELD_S (on the host, without the fault). */
export function strikeTimeS(state: MatrixState): number {
    const s = scenarioOf(state.name, 60, state.prefix)
    const rows: TraceRow[] = []
    runScenario(s, r => rows.push(r))
    const need = Math.round(HELD_S / TRACE_TICK_S)
    let run = 0
    for (const r of rows) {
        run =
            r.tS >= state.notBeforeS && state.isIn(r, s.settings.homeDeg)
                ? run + 1
                : 0
        if (run >= need) return r.tS
    }
    throw new Error(`the matrix never reaches the state "${state.name}"`)
}

export function caseScenario(
    state: MatrixState,
    fault: MatrixFault,
    tI: number
): Scenario {
    const events: object[] = [...state.prefix]
    for (const e of fault.events) {
        const ev: Record<string, unknown> = { t: tI + e.dtS }
        if (e.set) ev.set = e.set
        if (e.fault) ev.fault = e.fault
        events.push(ev)
    }
    if (Object.keys(state.release ?? {}).length > 0)
        events.push({ t: tI + RELEASE_AFTER_S, set: state.release })
    events.push({ t: tI + UP_FROM_S, set: { up: true } })
    events.push({ t: tI + UP_UNTIL_S, set: { up: false } })
    return scenarioOf(
        `${fault.name} in ${state.name}`,
        tI + END_AFTER_S,
        events
    )
}

/** The sensor faults that leave the angle unknown (the others make it lie). */
const ANGLE_LOST = ["imu-stale", "imu-stuck", "imu-i2c"]
/** A lying sensor (tilted, noisy) can trip any check that reads the angle. */
const LIES_TRIP = ["direction", "stall", "overspeed", "overtravel", "latch"]

export interface Expected {
    /** must be raised */
    faults: string[]
    /** may be raised */
    maybe: string[]
    /** the strictest allowance of the faults active after the strike (ALLOW_ALL: none) */
    allows: number
    restart: boolean
    /** the sensor lies (tilted, noisy): any check that reads the angle may trip */
    lying: boolean
}

/**
 * What the fault table says must happen: the controller's fault each model fault raises (the
 * sensor's: imu, a noisy one too, its readings scattering past the trigger; the drive's: stall and direction, once the
 * drive moves; the latch's: away from home, or anywhere with the angle unknown), the faults a
 * restart keeps (survivesRestart), and the strictest allowance of every fault then active.
 */
export function expectedOf(state: MatrixState, fault: MatrixFault): Expected {
    const must = new Set<string>()
    const maybe = new Set<string>()
    const injected = fault.events.map(e => e.fault ?? "")
    const restart = injected.includes("power-cycle")
    const angleLost = injected.some(f => ANGLE_LOST.includes(f))
    const noisy = injected.includes("imu-noise")
    const lying = noisy || injected.includes("imu-bias")
    for (const e of fault.events) {
        const f = e.fault ?? (e.set?.latch === false ? "latch" : "")
        if (f.startsWith("imu-")) must.add("imu")
        if (!state.atHome && f === "motor-stall") must.add("stall")
        if (!state.atHome && f === "motor-reversed") must.add("direction")
        if (
            (f === "latch-chatter" || f === "latch") &&
            (!state.atHome || angleLost)
        )
            must.add("latch")
    }
    // An imu fault ends service mode: a latch open then is open with the angle unknown.
    if (angleLost && state.latchOpen) must.add("latch")
    if (lying)
        for (const name of LIES_TRIP) if (!must.has(name)) maybe.add(name)
    for (const name of state.activeFaults) must.delete(name)
    // A restart forgets every fault but those a boot cannot check again.
    const active = [...must, ...state.activeFaults].filter(
        name =>
            !restart ||
            must.has(name) ||
            FAULT_TABLE[faultIndex(name)].survivesRestart
    )
    let allows = ALLOW_ALL
    for (const name of active)
        allows = Math.min(allows, FAULT_TABLE[faultIndex(name)].allows)
    return { faults: [...must], maybe: [...maybe], allows, restart, lying }
}

const ALLOWS_TEXT: Record<number, string> = {
    [ALLOW_NOTHING]: "nothing moves",
    [ALLOW_HELPER_UP]: "only UP held, toward home",
    [ALLOW_TOWARD_HOME]: "toward home only",
    [ALLOW_ALL]: "as without it",
}

export function expectedText(e: Expected): string {
    const faults = [
        ...e.faults,
        ...e.maybe
            .filter(m => !e.lying || !LIES_TRIP.includes(m))
            .map(m => `${m} (or none)`),
    ]
    const parts = [faults.length > 0 ? faults.join(" + ") : "no fault"]
    if (e.lying) parts.push("the lying angle may trip any check")
    if (e.restart) parts.push("restart: nothing deeper until home")
    if (e.faults.length > 0 || e.allows !== ALLOW_ALL)
        parts.push(ALLOWS_TEXT[e.allows])
    return parts.join("; ")
}

export interface Observed {
    raised: { name: string; afterS: number }[]
    /** how far the table went deeper after the reaction (deg; judged when one is expected) */
    deeperDeg: number
    /** the motor after the reaction, before UP: "off", "toward home", "deeper" */
    own: string
    /** UP held away from home: "drives home" or "does nothing" ("at home": not judged) */
    up: string
    violations: string[]
}

function motionOf(rows: TraceRow[], from: number, to: number): string {
    let toward = false
    let deeper = false
    for (let k = from; k < to && k < rows.length; k++) {
        if (rows[k].duty > 0) deeper = true
        if (rows[k].duty < 0) toward = true
    }
    return deeper ? "deeper" : toward ? "toward home" : "off"
}

export function observe(
    s: Scenario,
    rows: TraceRow[],
    tI: number,
    e: Expected,
    restartAfterS = 0
): Observed {
    const kOf = (tS: number) =>
        Math.min(rows.length, Math.round(tS / TRACE_TICK_S))
    const kI = kOf(tI)
    const before = new Set(kI > 0 ? rows[kI - 1].faults : [])
    const raised: Observed["raised"] = []
    for (let k = kI; k < rows.length; k++)
        for (const name of rows[k].faults)
            if (!before.has(name) && !raised.some(r => r.name === name))
                raised.push({
                    name,
                    afterS: Math.round((rows[k].tS - tI) * 100) / 100,
                })
    // The reaction: the first fault raised, or the restart; with neither (a noisy sensor whose
    // checks never see it) the table runs as without the fault and nothing is judged after it.
    const firstRaisedS =
        raised.length > 0 ? Math.min(...raised.map(r => r.afterS)) : null
    const restartS = e.restart ? restartAfterS : null
    const reactS =
        firstRaisedS === null
            ? restartS
            : restartS === null
              ? firstRaisedS
              : Math.min(firstRaisedS, restartS)
    const kR = kOf(tI + (reactS ?? 0))
    let deeperDeg = 0
    for (let k = kR; reactS !== null && k < rows.length; k++)
        deeperDeg = Math.max(deeperDeg, rows[k].angleDeg - rows[kR].angleDeg)
    const home = s.settings.homeDeg
    const awayAtUp = rows[kOf(tI + UP_FROM_S)].angleDeg > home + 5
    return {
        raised,
        deeperDeg,
        own: motionOf(
            rows,
            kOf(
                Math.max(
                    tI + (reactS ?? 0) + SETTLE_S,
                    tI + RELEASE_AFTER_S + RELEASE_SETTLE_S
                )
            ),
            kOf(tI + UP_FROM_S)
        ),
        up: awayAtUp
            ? motionOf(
                  rows,
                  kOf(tI + UP_FROM_S + SETTLE_S),
                  kOf(tI + UP_UNTIL_S)
              ) === "toward home"
                ? "drives home"
                : "does nothing"
            : "at home",
        violations: checkTrace(s, rows).map(
            v => `${v.rule} at ${v.tS} s: ${v.detail}`
        ),
    }
}

export function observedText(o: Observed): string {
    const raised =
        o.raised.length > 0
            ? o.raised
                  .map(r => `${r.name} +${r.afterS.toFixed(2)} s`)
                  .join(", ")
            : "no fault"
    const parts = [raised, `motor ${o.own}`, `UP ${o.up}`]
    if (o.deeperDeg > DEADMAN_STOP_TRAVEL_DEG)
        parts.push(`${o.deeperDeg.toFixed(1)} deg deeper`)
    if (o.violations.length > 0)
        parts.push(`broke ${o.violations.length} rule(s): ${o.violations[0]}`)
    return parts.join("; ")
}

/** Why the observed reaction is not the expected one (empty: it is). */
export function mismatches(e: Expected, o: Observed): string[] {
    const out: string[] = []
    const names = o.raised.map(r => r.name)
    for (const f of e.faults)
        if (!names.includes(f)) out.push(`${f} not raised`)
    for (const n of names)
        if (!e.faults.includes(n) && !e.maybe.includes(n))
            out.push(`${n} raised`)
    const reacted = e.faults.length > 0 || e.restart || names.length > 0
    if (reacted && o.deeperDeg > DEADMAN_STOP_TRAVEL_DEG)
        out.push("went deeper")
    const active =
        e.faults.length > 0 || names.length > 0 || e.allows !== ALLOW_ALL
    if (active && e.allows <= ALLOW_HELPER_UP && o.own !== "off")
        out.push(`motor ${o.own} without UP`)
    if (active && e.allows === ALLOW_NOTHING && o.up === "drives home")
        out.push("UP drives")
    if (active && e.allows === ALLOW_HELPER_UP && o.up === "does nothing")
        out.push("UP does nothing")
    out.push(...o.violations)
    return out
}

export interface MatrixRow {
    fault: string
    state: string
    expected: string
    observed: string
    pass: boolean
    problems: string[]
}

export async function runMatrixCase(
    state: MatrixState,
    fault: MatrixFault,
    tI: number,
    runner: Runner = hostRunner
): Promise<MatrixRow> {
    const s = caseScenario(state, fault, tI)
    const rows = await runner(s)
    const e = expectedOf(state, fault)
    const cycle = fault.events.find(ev => ev.fault === "power-cycle")
    const o = observe(s, rows, tI, e, cycle?.dtS ?? 0)
    const problems = mismatches(e, o)
    return {
        fault: fault.name,
        state: state.name,
        expected: expectedText(e),
        observed: observedText(o),
        pass: problems.length === 0,
        problems,
    }
}
