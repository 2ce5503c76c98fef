// Runs a scenario: the controller and the model table, tick by tick, with the scenario's events.
//
// Fixed step, no clock: tick k is at k/50 s and the controller sees nowMs = k * 20, exactly what the
// firmware loop gives it (engine/clock.ts). Everything random is drawn from the model seeded by the
// scenario, so a scenario and seed always give the same trace. The scenario engine
// (engine/engine.ts) builds the model, keeps the table's flash and applies the events; this loop
// restarts the controller on a power cycle, reads the sensors, steps the controller and the model,
// and stores the record a restart must not forget when the controller says it changed.

import { Controller } from "../src/control/controller"
import { Inputs, Outputs } from "../src/control/types"
import { TICK_S, tickNowMs, tickTimeS } from "./engine/clock"
import { ScenarioEngine } from "./engine/engine"
import { isPowerCycle } from "./engine/events"
import { FlashRecordName, TableFlash } from "./engine/flash"
import { ProgramFlash, programStartFrom } from "./engine/program"
import { Scenario, ScenarioProgress } from "./scenario"
import { TraceRow } from "./trace"

/** The faults of a row without any: one list for all of them (rows never change their lists). */
const NO_FAULTS: readonly string[] = Object.freeze([])

/** Sees every controller step: what went in and what came out (for recording, e.g. conformance tests). */
export type StepObserver = (inputs: Inputs, nowMs: number, out: Outputs) => void

/**
 * A controller started on what the table's flash holds (the settings, the kept record, the exercise
 * program's records), as at power-on. `first`: the scenario's own start, where the table's clock is
 * as the scenario's progress says (a restart starts it over).
 */
export function startController(
    flash: TableFlash,
    first: ScenarioProgress | null
): Controller {
    return new Controller(
        flash.read("settings"),
        null,
        flash.read("kept"),
        programStartFrom(flash, first)
    )
}

/** What a run leaves besides its rows: the writes each record of the table's flash had. */
export interface RunResult {
    flashWrites: Record<FlashRecordName, number>
}

export function runScenario(
    s: Scenario,
    onRow: (row: TraceRow) => void,
    observeStep?: StepObserver
): RunResult {
    const engine = new ScenarioEngine(s)
    const table = engine.table
    const levels = engine.levels
    const kept = new KeptFlash(engine.flash)
    const program = new ProgramFlash(engine.flash)
    let controller = startController(engine.flash, s.progress)

    for (let k = 0; k < engine.ticks; k++) {
        for (let e = engine.nextEvent(k); e !== null; e = engine.nextEvent(k))
            if (isPowerCycle(e)) {
                controller = startController(engine.flash, null)
                program.restarted()
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
        const nowMs = tickNowMs(k)
        const out = controller.step(inputs, nowMs)
        kept.follow(controller, out)
        program.follow(controller, out)
        if (observeStep) observeStep(inputs, nowMs, out)
        onRow({
            tS: tickTimeS(k),
            angleDeg: table.angleDeg,
            estDeg: out.estDeg,
            targetDeg: out.targetDeg,
            rateDps: table.rateDps,
            duty: out.duty,
            state: out.state,
            faults: out.faults.length === 0 ? NO_FAULTS : out.faults.slice(),
            latch: out.latch,
            deadman: out.grip,
            capDeg: out.effectiveMaxDeg,
            sessionS: out.sessionInvertedS,
            sound: out.sound,
        })
        table.advance(TICK_S, out.duty)
    }
    return { flashWrites: { ...engine.flash.writes } }
}

/** The kept record in the table's flash: written when the controller's outputs say it changed (the
 *  firmware does the same; its write takes a little longer than a tick). */
export class KeptFlash {
    private bits = 0
    private openLoopMs = 0

    constructor(private readonly flash: TableFlash) {}

    follow(controller: Controller, out: Outputs): void {
        if (
            out.keptFaultBits === this.bits &&
            out.openLoopReservedMs === this.openLoopMs
        )
            return
        this.bits = out.keptFaultBits
        this.openLoopMs = out.openLoopReservedMs
        this.flash.write("kept", controller.keptRecord())
    }
}
