// The scenario's event rule (scenario-format): an event takes effect at the first tick at or after
// its time, in file order; its input levels apply first, then its fault. `set` gives inputs a level
// that holds until set again; `fault` injects a model fault (any number may be active at once),
// `clear` ends every injected fault, `power-cycle` restarts the controller (the table keeps its
// angle, the flash keeps what it holds, injected faults stay).
//
// This is the rule alone, with no model: the engine (engine.ts) applies it to the model table and
// the runners restart their controller; the contract checker replays it to know, tick by tick, what
// the scenario did.

import type { SimFaultName } from "../model/faults"
import { InputLevels, INPUT_NAMES, Scenario, ScenarioEvent } from "../scenario"
import { tickTimeS } from "./clock"

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

/** A power cycle: the runner restarts its controller from the flash. */
export function isPowerCycle(event: ScenarioEvent): boolean {
    return event.fault === "power-cycle"
}

/** The scenario's events taken in time, with what they have done so far. */
export class ScenarioEvents {
    /** the input levels now (updated in place) */
    readonly levels: Levels = allReleased()
    /**
     * The injected model faults active now, in the order they were injected. Replaced, never
     * changed in place, so a list kept from an earlier tick stays what it was.
     */
    injected: readonly SimFaultName[] = []
    /** power cycles so far */
    powerCycles = 0
    private next = 0

    constructor(private readonly s: Scenario) {}

    /**
     * The next event due at tick k that has not been taken yet, with its levels and its fault
     * already applied here; null when none is left for this tick. Call until null, every tick.
     */
    take(k: number): ScenarioEvent | null {
        const events = this.s.events
        if (this.next >= events.length || events[this.next].t > tickTimeS(k))
            return null
        const event = events[this.next++]
        applyLevels(this.levels, event)
        const fault = event.fault
        if (fault === "clear") this.injected = []
        else if (fault === "power-cycle") this.powerCycles++
        else if (fault !== null && this.injected.indexOf(fault) < 0)
            this.injected = this.injected.concat([fault])
        return event
    }
}
