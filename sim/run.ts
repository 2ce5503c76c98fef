// Runs a scenario: the controller and the model table, tick by tick, with the scenario's events.
//
// Fixed step, no clock: tick k is at k/50 s and the controller sees nowMs = k * 20, exactly what the
// firmware loop gives it. Everything random is drawn from the model seeded by the scenario, so a
// scenario and seed always give the same trace.

import { Controller } from "../src/control/controller"
import { KeptRecord } from "../src/control/keptRecord"
import { copySettings } from "../src/control/settings"
import { Inputs, Outputs } from "../src/control/types"
import { HOME_ABOVE_STOP_DEG } from "./model/params"
import { SimTable } from "./model/table"
import { InputLevels, INPUT_NAMES, Scenario, ScenarioEvent } from "./scenario"
import { TRACE_TICK_S, TRACE_TICKS_PER_S, TraceRow } from "./trace"

const TICK_MS = 1000 * TRACE_TICK_S

/** The number of ticks a scenario runs: every k with k/50 < durationS. */
export function tickCount(durationS: number): number {
    let n = Math.max(0, Math.floor(durationS * TRACE_TICKS_PER_S) - 1)
    // durationS * 50 is rounded; settle the edge with the same comparison the loop's time uses.
    while (tickTimeS(n) < durationS) n++
    return n
}

/** The time of tick k, in seconds. k/50 is the double nearest k * 0.02 (k * 0.02 itself drifts). */
export function tickTimeS(k: number): number {
    return k / TRACE_TICKS_PER_S
}

/** The model table a scenario runs on (the firmware-in-the-loop runner builds the same one). */
export function createSimTable(s: Scenario): SimTable {
    return new SimTable({
        startAngleDeg: s.table.startAngleDeg,
        userMassKg: s.table.userMassKg,
        imuNoise: s.table.imuNoise,
        seed: s.seed,
        homeStopDeg: s.settings.homeDeg - HOME_ABOVE_STOP_DEG,
        homeSwitch: s.table.homeSwitch,
    })
}

/** Sees every controller step: what went in and what came out (for recording, e.g. conformance tests). */
export type StepObserver = (inputs: Inputs, nowMs: number, out: Outputs) => void

export function runScenario(
    s: Scenario,
    onRow: (row: TraceRow) => void,
    observeStep?: StepObserver
): void {
    const table = createSimTable(s)
    // The stored settings: what a restarted controller reads back from flash. A copy, so nothing the
    // controller does to its own object can leak into the next power cycle.
    const stored = copySettings(s.settings)
    // The record a restart must not forget (keptRecord.ts), stored whenever the controller says it
    // changed, as the firmware stores it in flash.
    const flash = new KeptFlash()
    let controller = new Controller(copySettings(stored), null)
    const levels = allReleased()
    let nextEvent = 0

    const ticks = tickCount(s.durationS)
    for (let k = 0; k < ticks; k++) {
        const tS = tickTimeS(k)
        while (nextEvent < s.events.length && s.events[nextEvent].t <= tS) {
            const event = s.events[nextEvent++]
            applyLevels(levels, event)
            if (event.fault === "power-cycle")
                controller = new Controller(
                    copySettings(stored),
                    null,
                    flash.record
                )
            else if (event.fault === "clear") table.clearFaults()
            else if (event.fault !== null) table.injectFault(event.fault)
        }

        // The order matters for determinism: the model draws noise and bounce once per tick each.
        const imu = table.readImu()
        const latch = table.readLatch(levels.latch)
        const inputs: Inputs = {
            imu,
            grip: levels.deadman,
            latch,
            up: levels.up,
            down: levels.down,
            stop: levels.stop,
            preset: levels.preset,
            home: levels.home,
            homeSwitch: levels.homeSwitch || table.homeSwitchPressed,
        }
        const out = controller.step(inputs, k * TICK_MS)
        flash.follow(controller, out)
        if (observeStep) observeStep(inputs, k * TICK_MS, out)
        onRow({
            tS,
            angleDeg: table.angleDeg,
            estDeg: out.estDeg,
            targetDeg: out.targetDeg,
            rateDps: table.rateDps,
            duty: out.duty,
            state: out.state,
            faults: out.faults.slice(),
            latch: out.latch,
            deadman: out.grip,
        })
        table.advance(TRACE_TICK_S, out.duty)
    }
}

/** The kept record in the simulated table's flash: written when the controller's outputs say it
 *  changed (the firmware does the same; its write takes a little longer than a tick). */
export class KeptFlash {
    record: KeptRecord | null = null
    private bits = 0
    private openLoopMs = 0

    follow(controller: Controller, out: Outputs): void {
        if (
            out.keptFaultBits === this.bits &&
            out.openLoopReservedMs === this.openLoopMs
        )
            return
        this.bits = out.keptFaultBits
        this.openLoopMs = out.openLoopReservedMs
        this.record = controller.keptRecord()
    }
}

export type Levels = { [K in keyof Required<InputLevels>]: boolean }

/** Every input starts released: nothing pressed, grip open, latch open (as a broken wire reads). */
export function allReleased(): Levels {
    const levels = {} as Levels
    for (const name of INPUT_NAMES) levels[name] = false
    return levels
}

export function applyLevels(levels: Levels, event: ScenarioEvent): void {
    for (const name of INPUT_NAMES) {
        const level = event.set[name]
        if (level !== undefined) levels[name] = level
    }
}
