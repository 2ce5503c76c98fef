// The exercise program's records in the table's flash, on the simulator: what a (re)started
// controller is handed (the progress, its start's number, the next session number, a record left
// "in progress" by a restart ended as such), and what it stores when its outputs say so (the
// progress, the session record of the session under way or just ended). The firmware does the same
// with its own flash (src/main.ts).

import { Controller } from "../../src/control/controller"
import { ProgramStart, closedByRestart } from "../../src/control/exercise"
import { IN_PROGRESS, SESSION_SLOTS } from "../../src/control/sessions"
import { Outputs } from "../../src/control/types"
import { ScenarioProgress } from "../scenario"
import { TableFlash } from "./flash"

/**
 * A controller's start from the flash: counts the start, ends an interrupted session's record as a
 * restart, and on the scenario's first start only (a restart starts the table's clock over) the rest
 * clock as if the table had been running.
 */
export function programStartFrom(
    flash: TableFlash,
    firstStart: ScenarioProgress | null
): ProgramStart {
    const boots = flash.read("boots") + 1
    flash.write("boots", boots)
    const sessions = flash.read("sessions")
    let newest = -1
    let newestSlot = -1
    sessions.forEach((r, slot) => {
        if (r !== null && r.number > newest) {
            newest = r.number
            newestSlot = slot
        }
    })
    if (newestSlot >= 0) {
        const r = sessions[newestSlot]!
        if (r.end === IN_PROGRESS)
            flash.writeSession(newestSlot, closedByRestart(r))
    }
    return {
        progress: flash.read("progress"),
        progressError: null,
        bootCount: boots,
        nextSessionNumber: newest >= 0 ? newest + 1 : 1,
        sinceLastCountedMs:
            firstStart !== null && firstStart.sinceLastCountedS !== null
                ? firstStart.sinceLastCountedS * 1000
                : -1,
        countedInLast24h: firstStart !== null ? firstStart.countedInLast24h : 0,
    }
}

/** Stores the program's records when the controller's outputs say they changed. */
export class ProgramFlash {
    private progressRevision = 0
    private recordRevision = 0

    constructor(private readonly flash: TableFlash) {}

    /** A new controller starts its revisions at 0. */
    restarted(): void {
        this.progressRevision = 0
        this.recordRevision = 0
    }

    follow(controller: Controller, out: Outputs): void {
        if (out.progressRevision !== this.progressRevision) {
            this.progressRevision = out.progressRevision
            this.flash.write("progress", { ...controller.program.progress })
        }
        if (out.recordRevision !== this.recordRevision) {
            this.recordRevision = out.recordRevision
            const r = controller.program.record
            if (r !== null) this.flash.writeSession(r.number % SESSION_SLOTS, r)
        }
    }
}
