// The scenario clock: tick k is at k/50 s, and the controller sees nowMs = k * 20, exactly what the
// firmware loop gives it. Every runner (the host's, the firmware-in-the-loop's) and the contract
// checker count ticks and time with these, so none of them can disagree about when a tick is.

import { TICK_MS } from "../../src/control/limits"

/** The control loop's rate: the trace has one row per tick. */
export const TICKS_PER_S = 1000 / TICK_MS
export const TICK_S = TICK_MS / 1000
export { TICK_MS }

/** The time of tick k, in seconds. k/50 is the double nearest k * 0.02 (k * 0.02 itself drifts). */
export function tickTimeS(k: number): number {
    return k / TICKS_PER_S
}

/** The controller's clock at tick k. */
export function tickNowMs(k: number): number {
    return k * TICK_MS
}

/** The number of ticks a scenario runs: every k with k/50 < durationS. */
export function tickCount(durationS: number): number {
    let n = Math.max(0, Math.floor(durationS * TICKS_PER_S) - 1)
    // durationS * 50 is rounded; settle the edge with the same comparison the loop's time uses.
    while (tickTimeS(n) < durationS) n++
    return n
}
