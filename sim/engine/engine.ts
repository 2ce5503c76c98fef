// The scenario engine: the one place that turns a scenario into a running table. It builds the
// model table, owns the table's flash and the scenario's events, and applies each due event: input
// levels, then faults on the model (inject, clear). A power cycle is handed back to the runner,
// which restarts its controller from the flash (the host runner, sim/run.ts) or the firmware in
// the VM (sim/firmware/runner.ts). The clock is clock.ts; the live simulated table
// (sim/console/liveSim.ts) builds its model here too.

import { HOME_ABOVE_STOP_DEG } from "../model/params"
import { SimTable } from "../model/table"
import { Scenario, ScenarioEvent, TableSetup } from "../scenario"
import { tickCount } from "./clock"
import { Levels, ScenarioEvents } from "./events"
import { TableFlash } from "./flash"

export interface ModelSetup extends TableSetup {
    seed: number
    /** the stored home angle: the model's loading stop sits just below it */
    homeDeg: number
}

/** The model table of a setup: the same construction for every runner. */
export function buildModelTable(setup: ModelSetup): SimTable {
    return new SimTable({
        startAngleDeg: setup.startAngleDeg,
        userMassKg: setup.userMassKg,
        imuNoise: setup.imuNoise,
        seed: setup.seed,
        homeStopDeg: setup.homeDeg - HOME_ABOVE_STOP_DEG,
        homeSwitch: setup.homeSwitch,
    })
}

export class ScenarioEngine {
    readonly table: SimTable
    readonly flash: TableFlash
    readonly events: ScenarioEvents
    /** the ticks the scenario runs: 0 .. ticks-1 */
    readonly ticks: number

    constructor(readonly scenario: Scenario) {
        this.table = buildModelTable({
            ...scenario.table,
            seed: scenario.seed,
            homeDeg: scenario.settings.homeDeg,
        })
        // The scenario's progress is what the table has stored (a new table: none, unless given).
        this.flash = new TableFlash({
            settings: scenario.settings,
            kept: null,
            progress: {
                countedSessions: scenario.progress.countedSessions,
                warningsAcknowledged: scenario.progress.warningsAcknowledged,
            },
        })
        this.events = new ScenarioEvents(scenario)
        this.ticks = tickCount(scenario.durationS)
    }

    /** The input levels now. */
    get levels(): Levels {
        return this.events.levels
    }

    /**
     * The next event due at tick k, applied: its levels, then its fault on the model table (inject,
     * clear). Null when none is left for this tick; call until null. A power cycle is the caller's
     * to carry out (see isPowerCycle).
     */
    nextEvent(k: number): ScenarioEvent | null {
        const event = this.events.take(k)
        if (event === null) return null
        const fault = event.fault
        if (fault === "clear") this.table.clearFaults()
        else if (fault !== null && fault !== "power-cycle")
            this.table.injectFault(fault)
        return event
    }
}
