// When the real-time loops fell behind: the firmware's own loop (the step between its TICK lines,
// 20 ms when it keeps time) and the harness's (a plant loop or sensor feed waking up late). On a
// busy machine both happen, and a late tick is a fault in the firmware's eyes (watchdog, or a stale
// IMU): a test that judges real-time behaviour asks this log whether the machine kept time.

import { TICK_MS } from "../engine/clock"

/** A run is disturbed when the firmware's loop stepped this long between two ticks (3 ticks)... */
export const FIRMWARE_STEP_LIMIT_MS = 60
/** ... or the harness woke up this late (2 ticks)... */
export const HOST_LATE_LIMIT_MS = 40
/**
 * ... or both were late by this much together (3 ticks). A sample the harness sends late and the
 * firmware takes in late is late by both: a step of 59 ms and a harness 40 ms late, each under its
 * own limit, left the firmware without a fresh IMU sample for its 100 ms (an imu fault).
 */
export const TOGETHER_LATE_LIMIT_MS = 60

/** Whether the loops kept real time: a run that did not proves nothing either way. */
export function keptTime(l: Lateness): boolean {
    return (
        l.firmwareStepMs < FIRMWARE_STEP_LIMIT_MS &&
        l.hostLateMs < HOST_LATE_LIMIT_MS &&
        l.firmwareStepMs + l.hostLateMs < TOGETHER_LATE_LIMIT_MS
    )
}

/** Steps and delays at most this far off time are not worth keeping. */
const NOTABLE_MS = 5
/** Kept this long. */
const KEEP_MS = 15 * 60 * 1000

export interface Lateness {
    /** the longest step between two of the firmware's ticks (by its own clock) */
    firmwareStepMs: number
    /** the latest the harness's loop woke up after it was due */
    hostLateMs: number
}

export class LatenessLog {
    private readonly events: {
        atMs: number
        firmwareStepMs: number
        hostLateMs: number
    }[] = []

    /** The firmware's loop went from one tick to the next in stepMs. */
    firmwareStep(stepMs: number, atMs = performance.now()): void {
        if (stepMs > TICK_MS + NOTABLE_MS)
            this.add({ atMs, firmwareStepMs: stepMs, hostLateMs: 0 })
    }

    /** The harness's loop woke lateMs after it was due. */
    hostLate(lateMs: number, atMs = performance.now()): void {
        if (lateMs > NOTABLE_MS)
            this.add({ atMs, firmwareStepMs: 0, hostLateMs: lateMs })
    }

    /** The worst of each since atMs (performance.now() time). */
    worstSince(atMs: number): Lateness {
        let firmwareStepMs = 0
        let hostLateMs = 0
        for (const e of this.events)
            if (e.atMs >= atMs) {
                firmwareStepMs = Math.max(firmwareStepMs, e.firmwareStepMs)
                hostLateMs = Math.max(hostLateMs, e.hostLateMs)
            }
        return { firmwareStepMs, hostLateMs }
    }

    private add(e: {
        atMs: number
        firmwareStepMs: number
        hostLateMs: number
    }): void {
        this.events.push(e)
        while (this.events.length > 0 && this.events[0].atMs < e.atMs - KEEP_MS)
            this.events.shift()
    }
}
