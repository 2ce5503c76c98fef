// The service desk: how settings writes and service commands reach the controller. Whoever takes
// them from outside (the table's Jacdac service, src/service/core.ts) hands them in here, in the
// order they came; the controller takes them up at the start of its next tick (Controller.step,
// before it senses anything) and leaves each one's result here for the sender. Nothing outside the
// controller calls its service methods between ticks, and the controller's settings are changed only
// inside its own tick.

/** What a request asks for. */
export const DESK_SETTING = 1
export const DESK_DEFAULTS = 2
export const DESK_CALIBRATE = 3
export const DESK_CLEAR_FAULTS = 4
export const DESK_SET_COUNT = 5
/** May the settings be stored now (the service's `save`: only in service mode)? */
export const DESK_SAVE = 6

/** Requests waiting at most; a sender that floods the desk is refused, not buffered. */
export const DESK_QUEUE_MAX = 16

export interface DeskRequest {
    /** the sender's own number for it (the service: a command's seq, or minus a write's register code) */
    tag: number
    kind: number
    /** a setting's key, or a calibration step */
    key: string
    value: any
    /** set_counted_sessions' reason */
    reason: any
}

export interface DeskResult {
    tag: number
    kind: number
    key: string
    /** null: done (or under way: a calibration step); else why not */
    error: string | null
}

export class ServiceDesk {
    queue: DeskRequest[]
    results: DeskResult[]

    constructor() {
        this.queue = []
        this.results = []
    }

    /** Hands a request in; false when the desk is full (the sender refuses it: try again). */
    submit(
        tag: number,
        kind: number,
        key: string,
        value: any,
        reason: any
    ): boolean {
        if (this.queue.length >= DESK_QUEUE_MAX) return false
        this.queue.push({
            tag: tag,
            kind: kind,
            key: key,
            value: value,
            reason: reason,
        })
        return true
    }

    /** The controller's side: the requests in order (the queue emptied). */
    takeRequests(): DeskRequest[] {
        const q = this.queue
        this.queue = []
        return q
    }

    answer(r: DeskRequest, error: string | null): void {
        this.results.push({
            tag: r.tag,
            kind: r.kind,
            key: r.key,
            error: error,
        })
    }

    /** The sender's side: the results since the last call (the list emptied). */
    takeResults(): DeskResult[] {
        const r = this.results
        this.results = []
        return r
    }
}
