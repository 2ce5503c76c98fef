// The strap latch contact, with the latch-chatter fault: a worn or loose contact that bounces open
// for a tick or three at random moments, whatever the latch's true position.

import {
    CHATTER_CLOSED_TICKS_MAX,
    CHATTER_CLOSED_TICKS_MIN,
    CHATTER_OPEN_TICKS_MAX,
    CHATTER_OPEN_TICKS_MIN,
    CONTROL_TICK_S,
} from "./params"
import type { Rng } from "./rng"

const TICK_US = Math.round(CONTROL_TICK_S * 1e6)

export class LatchChatter {
    private readonly rng: Rng
    private running = false
    private closed = true
    /** time left in the present closed or open spell */
    private remainingUs = 0

    constructor(rng: Rng) {
        this.rng = rng
    }

    /** The fault begins: a closed spell first, so the first bounce comes after 2..10 ticks. */
    start(): void {
        if (this.running) return
        this.running = true
        this.enter(true)
    }

    stop(): void {
        this.running = false
    }

    /** Let simulated time pass. Spells last whole ticks, so a reader once per tick sees clean runs. */
    advance(stepUs: number): void {
        if (!this.running) return
        this.remainingUs -= stepUs
        while (this.remainingUs <= 0) {
            const leftoverUs = this.remainingUs
            this.enter(!this.closed)
            this.remainingUs += leftoverUs
        }
    }

    /** The level the controller reads: the true level, unless the contact is chattering. */
    read(level: boolean): boolean {
        return this.running ? this.closed : level
    }

    private enter(closed: boolean): void {
        this.closed = closed
        const ticks = closed
            ? this.rng.intBetween(
                  CHATTER_CLOSED_TICKS_MIN,
                  CHATTER_CLOSED_TICKS_MAX
              )
            : this.rng.intBetween(
                  CHATTER_OPEN_TICKS_MIN,
                  CHATTER_OPEN_TICKS_MAX
              )
        this.remainingUs = ticks * TICK_US
    }
}
