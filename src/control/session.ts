// The session clock (behaviour.md, Session): time inverted (angle > 0) is counted; a warning 30 s
// before the limit; at the limit the table must return home. A session ends at home.

import { SESSION_WARNING_S } from "./limits"

export class SessionClock {
    invertedMs: number
    /** the limit was reached: the table must go home, and may not go deeper, until the session ends */
    expired: boolean

    constructor() {
        this.invertedMs = 0
        this.expired = false
    }

    update(
        dtMs: number,
        estDeg: number,
        atHome: boolean,
        limitS: number
    ): void {
        if (atHome) {
            this.invertedMs = 0
            this.expired = false
            return
        }
        if (estDeg > 0) this.invertedMs += dtMs
        if (this.invertedMs >= limitS * 1000) this.expired = true
    }

    warning(limitS: number): boolean {
        return this.invertedMs >= (limitS - SESSION_WARNING_S) * 1000
    }
}
