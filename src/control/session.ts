// The session clock (behaviour.md, Session): time inverted (angle > 0) is counted; a warning 30 s
// before the limit; at the limit the table must return home. A session ends at home. A restart away
// from home ends the session too: the table returns home, and nothing goes deeper until it has been
// there (a restart cannot give anyone a fresh session clock).

import { SESSION_WARNING_S } from "./limits"

export class SessionClock {
    invertedMs: number
    /** the session is over (the limit, or a restart away from home): the table must go home, and may
     *  not go deeper, until the session ends at home */
    expired: boolean
    /** the session was ended by a restart away from home */
    endedByRestart: boolean

    constructor() {
        this.invertedMs = 0
        this.expired = false
        this.endedByRestart = false
    }

    /** A restart found the table away from home: the session that was running is over. */
    endByRestart(): void {
        this.expired = true
        this.endedByRestart = true
    }

    /**
     * One tick. `inverted`: the table is (or, with the angle unknown, may be) past flat; `atHome`: it
     * is known to be at home.
     */
    update(
        dtMs: number,
        inverted: boolean,
        atHome: boolean,
        limitS: number
    ): void {
        if (atHome) {
            this.invertedMs = 0
            this.expired = false
            this.endedByRestart = false
            return
        }
        if (inverted) this.invertedMs += dtMs
        if (this.invertedMs >= limitS * 1000) this.expired = true
    }

    warning(limitS: number): boolean {
        return this.invertedMs >= (limitS - SESSION_WARNING_S) * 1000
    }
}
