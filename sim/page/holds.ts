// Hold-to-run over a network: which page holds which input, and what the table is given.
//
// - A button or the grip is held only while some page holds it: the level given to the table is the
//   OR over the pages' holds, so input from any tab is honest and one tab letting go never releases
//   what another still holds.
// - A page's holds end when it says so, when its connection closes, and when it has said nothing
//   for HOLD_LEASE_MS (a hung tab or a half-open connection is a released grip): the page renews
//   its holds every HOLD_RENEW_MS while it holds anything.
// - The strap latch and the home switch are levels, not holds: they stay as the last page set them.

import { HELD_INPUTS, PadInput, PadLevels, releasedPad } from "./snapshot"

/** A page's holds lapse after this long without a message from it. */
export const HOLD_LEASE_MS = 1000
/** How often a page that holds something renews its holds (a quarter of the lease). */
export const HOLD_RENEW_MS = 250

export function isHeldInput(name: PadInput): boolean {
    return HELD_INPUTS.indexOf(name) >= 0
}

interface ClientHolds {
    held: Set<PadInput>
    lastHeardMs: number
}

export class PadHolds {
    private readonly clients = new Map<string, ClientHolds>()
    private readonly levels: PadLevels = releasedPad()

    /**
     * `apply` gives the table a new level (called only on a change); `nowMs` is the clock the lease
     * is measured on.
     */
    constructor(
        private readonly apply: (name: PadInput, level: boolean) => void,
        private readonly nowMs: () => number = () => performance.now()
    ) {}

    /** The levels given to the table now. */
    get current(): PadLevels {
        return { ...this.levels }
    }

    /** What this page holds now. */
    heldBy(client: string): PadInput[] {
        return Array.from(this.clients.get(client)?.held ?? [])
    }

    /** A message came from this page: its holds are renewed. */
    heard(client: string): void {
        this.entry(client).lastHeardMs = this.nowMs()
    }

    /** A page presses or releases an input (a held one for itself, a level for everyone). */
    set(client: string, name: PadInput, level: boolean): void {
        const entry = this.entry(client)
        entry.lastHeardMs = this.nowMs()
        if (!isHeldInput(name)) {
            this.give(name, level)
            return
        }
        if (level) entry.held.add(name)
        else entry.held.delete(name)
        this.settle(name)
    }

    /** Everything this page holds is let go (it lost focus, was hidden, or is gone). */
    releaseAll(client: string): void {
        const entry = this.clients.get(client)
        if (!entry) return
        const names = Array.from(entry.held)
        entry.held.clear()
        for (const name of names) this.settle(name)
    }

    /** The page's connection closed. */
    drop(client: string): void {
        this.releaseAll(client)
        this.clients.delete(client)
    }

    /** Lets go of the holds of every page silent for longer than the lease; returns those pages. */
    expire(): string[] {
        const now = this.nowMs()
        const lapsed: string[] = []
        for (const [client, entry] of this.clients)
            if (
                entry.held.size > 0 &&
                now - entry.lastHeardMs > HOLD_LEASE_MS
            ) {
                lapsed.push(client)
                this.releaseAll(client)
            }
        return lapsed
    }

    /** Every hold of every page let go, and the latch and home switch as given (a restart of the table). */
    reset(latch: boolean, homeSwitch: boolean): void {
        for (const entry of this.clients.values()) entry.held.clear()
        for (const name of HELD_INPUTS) this.give(name, false)
        this.give("latch", latch)
        this.give("homeSwitch", homeSwitch)
    }

    private entry(client: string): ClientHolds {
        let entry = this.clients.get(client)
        if (!entry) {
            entry = { held: new Set(), lastHeardMs: this.nowMs() }
            this.clients.set(client, entry)
        }
        return entry
    }

    private settle(name: PadInput): void {
        let held = false
        for (const entry of this.clients.values())
            if (entry.held.has(name)) held = true
        this.give(name, held)
    }

    private give(name: PadInput, level: boolean): void {
        if (this.levels[name] === level) return
        this.levels[name] = level
        this.apply(name, level)
    }
}
