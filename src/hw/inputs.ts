// The table's switches as the controller sees them: each a role's streamed reading turned into a raw
// level, then debounced once per control tick (debounce.ts).
//
// Levels come from the streamed `reading` reports (readings.ts), not from the down/up events: a
// missed event would leave a level wrong, a missed report is repaired by the next one.
// Wiring rule in software: a role that is not bound, or has sent nothing since it was bound, reads
// released/open. In hardware (the board file): contacts to ground with pull-ups, so a broken wire
// reads released/open too.

import * as ds from "@devicescript/core"
import { ImuSample, Inputs } from "../control/types"
import { DEBOUNCE_TICKS, Debouncer, rawLevel } from "./debounce"
import { firstValue, onReading } from "./readings"

export class LevelInput {
    role: ds.Role
    /** latest raw level reported */
    level: boolean
    /** a reading arrived since the role was (re)bound */
    seen: boolean
    debouncer: Debouncer

    constructor(role: ds.Role) {
        this.role = role
        this.level = false
        this.seen = false
        this.debouncer = new Debouncer(DEBOUNCE_TICKS)
    }

    /** This tick's debounced level. */
    sample(): boolean {
        const bound = this.role.isBound
        if (!bound) this.seen = false
        return this.debouncer.update(rawLevel(bound, this.seen, this.level))
    }

    /** Bound, and a reading has arrived since. */
    reported(): boolean {
        return this.role.isBound && this.seen
    }

    /** The debounced level becomes the raw level now (before the first tick only). */
    prime(): void {
        const bound = this.role.isBound
        this.debouncer.prime(rawLevel(bound, bound && this.seen, this.level))
    }
}

/** A ds.Button: pressed (reading 1, a u0.16 ratio) = true. */
export function buttonInput(button: ds.Button): LevelInput {
    const input = new LevelInput(button)
    onReading(button, v => {
        input.level = firstValue(v) > 0.5
        input.seen = true
    })
    return input
}

/** A ds.Switch: active (on) = true. */
export function switchInput(sw: ds.Switch): LevelInput {
    const input = new LevelInput(sw)
    onReading(sw, v => {
        input.level = !!firstValue(v)
        input.seen = true
    })
    return input
}

export class TableInputs {
    grip: LevelInput
    latch: LevelInput
    up: LevelInput
    down: LevelInput
    stop: LevelInput
    preset: LevelInput
    home: LevelInput
    homeSwitch: LevelInput

    constructor(
        grip: LevelInput,
        latch: LevelInput,
        pad: LevelInput[],
        homeSwitch: LevelInput
    ) {
        this.grip = grip
        this.latch = latch
        this.up = pad[0]
        this.down = pad[1]
        this.stop = pad[2]
        this.preset = pad[3]
        this.home = pad[4]
        this.homeSwitch = homeSwitch
    }

    all(): LevelInput[] {
        return [
            this.grip,
            this.latch,
            this.up,
            this.down,
            this.stop,
            this.preset,
            this.home,
            this.homeSwitch,
        ]
    }

    /** Every switch has reported its level (the firmware waits for this before the first tick). */
    allReported(): boolean {
        for (const input of this.all()) if (!input.reported()) return false
        return true
    }

    /** The names of the switches that have not reported (for the start-up log). */
    silent(): string {
        const names = [
            "grip",
            "latch",
            "up",
            "down",
            "stop",
            "preset",
            "home",
            "homeSwitch",
        ]
        const all = this.all()
        let out = ""
        for (let i = 0; i < all.length; i++)
            if (!all[i].reported())
                out += (out.length > 0 ? "," : "") + names[i]
        return out.length > 0 ? out : "-"
    }

    /** Before the first tick: every switch's debounced level is its present level. */
    prime(): void {
        for (const input of this.all()) input.prime()
    }

    /** Samples every switch once (call once per control tick). */
    read(imu: ImuSample): Inputs {
        return {
            imu: imu,
            grip: this.grip.sample(),
            latch: this.latch.sample(),
            up: this.up.sample(),
            down: this.down.sample(),
            stop: this.stop.sample(),
            preset: this.preset.sample(),
            home: this.home.sample(),
            homeSwitch: this.homeSwitch.sample(),
        }
    }
}
