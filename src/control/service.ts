// The `service` mode's rules (docs/behaviour.md, "States"): calibration with the table empty. Only a
// person at the pad enters it: at home (or with the home switch pressed), the latch open, no fault
// but the settings notice, STOP and UP held together for 3 s. The pad then moves the table slowly
// between home and SERVICE_MAX_DEG, a running calibration step may move it, and it ends by STOP,
// after 10 minutes, or when the latch closes (someone on the table), going home first.

import { AXIS_RATE_DPS } from "./calibration"
import { ButtonPad } from "./buttons"
import {
    SERVICE_ENTRY_HOLD_MS,
    SERVICE_MAX_DEG,
    SERVICE_RATE_DPS,
    SERVICE_TIMEOUT_MS,
} from "./limits"
import { MotionRequest } from "./motion"
import { Since } from "./timer"
import type { World } from "./world"

export class ServiceMode {
    /** in service mode since (stopped: not in service mode) */
    since: Since
    /** service mode is ending: the table goes home first */
    exiting: boolean
    /** the faults that ended it, when faults did ("" otherwise) */
    endedBy: string

    constructor() {
        this.since = new Since()
        this.exiting = false
        this.endedBy = ""
    }

    active(): boolean {
        return this.since.running()
    }

    /** STOP and UP have been held together long enough, where service mode may be entered. */
    entryDue(
        w: World,
        b: ButtonPad,
        atHomeWitnessed: boolean,
        alarm: boolean
    ): boolean {
        // The settings notice does not keep a technician out: service mode is where settings are
        // fixed. The home switch witnesses "at home" too: a table whose stored home is wrong can
        // still be brought into service mode at its loading stop, to calibrate it.
        const eligible =
            atHomeWitnessed &&
            !w.inputs.latch &&
            !alarm &&
            b.stop.held &&
            b.up.held
        if (!eligible) return false
        const since = Math.max(b.stop.heldSince.atMs, b.up.heldSince.atMs)
        return w.nowMs - since >= SERVICE_ENTRY_HOLD_MS
    }

    enter(nowMs: number, b: ButtonPad): void {
        this.since.start(nowMs)
        this.exiting = false
        this.endedBy = ""
        // The buttons that entered it do nothing more until released.
        b.consumeHeld()
    }

    /** Ended at once by a fault (its reasons are kept for the refusals that follow). */
    endByFault(reasons: string): void {
        if (this.active()) this.endedBy = reasons
        this.since.stop()
    }

    /**
     * One tick in service mode; active() is false once the table is home again after an exit.
     * `movedLastTick`: a move was asked for last tick (releasing it decelerates, once).
     */
    tick(
        req: MotionRequest,
        w: World,
        b: ButtonPad,
        atHome: boolean,
        homeDeg: number,
        movedLastTick: boolean
    ): MotionRequest {
        const stopPressed = b.stop.pressed && w.nowMs > this.since.atMs
        if (
            stopPressed ||
            this.since.atLeast(w.nowMs, SERVICE_TIMEOUT_MS) ||
            w.inputs.latch
        ) {
            if (!this.exiting) {
                this.exiting = true
                b.consumeHeld()
                if (stopPressed) return req.set("halt")
            }
        }
        if (this.exiting) {
            if (atHome && w.setpointArrived) {
                this.since.stop()
                this.exiting = false
                return req.set("hold")
            }
            return req.moveTo(homeDeg, SERVICE_RATE_DPS)
        }
        if (!isNaN(w.calibrationTargetDeg))
            return req.moveTo(w.calibrationTargetDeg, AXIS_RATE_DPS)
        if (b.upActive()) return req.moveTo(homeDeg, SERVICE_RATE_DPS)
        if (b.downActive()) return req.moveTo(SERVICE_MAX_DEG, SERVICE_RATE_DPS)
        return req.set(movedLastTick ? "stop" : "hold")
    }
}
