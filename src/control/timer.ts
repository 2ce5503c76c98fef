// The controller's two timing primitives, so that no part keeps a hand-made "since" of its own.
// Time is passed in (nowMs), never read: the controller has no clock.

/** How long something has been so: started when it became so, stopped when it is not. */
export class Since {
    /** when it became so; -1 while it is not */
    atMs: number

    constructor() {
        this.atMs = -1
    }

    /** Follow a condition, tick by tick: it starts the first tick `held` is true, stops when false. */
    track(held: boolean, nowMs: number): void {
        if (!held) this.atMs = -1
        else if (this.atMs < 0) this.atMs = nowMs
    }

    /** It is so from `nowMs` (again). */
    start(nowMs: number): void {
        this.atMs = nowMs
    }

    stop(): void {
        this.atMs = -1
    }

    running(): boolean {
        return this.atMs >= 0
    }

    /** How long it has been so (0 while it is not). */
    forMs(nowMs: number): number {
        return this.atMs >= 0 ? nowMs - this.atMs : 0
    }

    /** It has been so for at least `ms`. */
    atLeast(nowMs: number, ms: number): boolean {
        return this.atMs >= 0 && nowMs - this.atMs >= ms
    }
}

/** A moment something waits for: passed once the time has come (and when none is set). */
export class Deadline {
    /** the moment; -Infinity when none is set */
    atMs: number

    constructor() {
        this.atMs = -Infinity
    }

    /** Wait until `nowMs + ms`. */
    setIn(nowMs: number, ms: number): void {
        this.atMs = nowMs + ms
    }

    clear(): void {
        this.atMs = -Infinity
    }

    passed(nowMs: number): boolean {
        return nowMs >= this.atMs
    }
}
