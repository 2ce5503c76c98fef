// Debouncing of the table's switches: the pure half of inputs.ts (host-tested in
// test/debounce.test.ts, and in the VM).

/** A level must be read this many control ticks in a row (20 ms each) before it is believed. */
export const DEBOUNCE_TICKS = 2

/**
 * One switch. The debounced level starts as `false` (released, open): the safe reading, and the one a
 * broken wire gives. It changes only after the raw level has held the other value for `ticks`
 * consecutive samples, so a single bounce or glitch never reaches the controller.
 */
export class Debouncer {
    ticks: number
    level: boolean
    /** consecutive samples that disagreed with `level` */
    run: number

    constructor(ticks: number) {
        this.ticks = ticks >= 1 ? ticks : 1
        this.level = false
        this.run = 0
    }

    /** Feed this tick's raw level; returns the debounced level. */
    update(raw: boolean): boolean {
        if (raw === this.level) {
            this.run = 0
        } else {
            this.run++
            if (this.run >= this.ticks) {
                this.level = raw
                this.run = 0
            }
        }
        return this.level
    }

    /** Back to released/open (after the switch's source went away). */
    reset(): void {
        this.level = false
        this.run = 0
    }

    /**
     * Takes `level` as the debounced level at once. Used once, before the controller's first tick:
     * a button already held at start must reach the controller as held from its first tick (so
     * that it is not taken for a new press two ticks later), not as a press that follows.
     */
    prime(level: boolean): void {
        this.level = level
        this.run = 0
    }
}

/**
 * The wiring rule in one place: a switch whose source is missing (role not bound, no reading yet)
 * reads released/open, whatever it said before.
 */
export function rawLevel(
    bound: boolean,
    seen: boolean,
    level: boolean
): boolean {
    return bound && seen && level
}
