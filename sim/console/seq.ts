// Command sequence numbers. The table runs a seq once and ignores it when it comes again (it sends
// no ACK, so a command may be sent twice); it remembers the last 16. Every console starts at a random
// seq in 1..2^31 and adds one per command, so two consoles on one table practically never use the
// same seq (the chance that two random starts lie within a session's few hundred commands of each
// other is about 1 in 10^7).

/** The seq field is a u32; 0 means "none" on the table (last_seq before any command). */
export const SEQ_MAX = 0xffffffff
export const SEQ_START_MAX = 0x80000000

export class SeqCounter {
    private last: number
    private issued = 0

    /** `random` returns a number in [0, 1) (Math.random by default; tests pass their own). */
    constructor(random: () => number = Math.random) {
        const r = random()
        const x = Number.isFinite(r) && r >= 0 && r < 1 ? r : 0
        // The first next() returns start: 1..2^31.
        this.last = Math.floor(x * SEQ_START_MAX)
    }

    /** A fresh seq: one more than the last, 0 skipped after wrapping past 2^32 - 1. */
    next(): number {
        this.last = this.last >= SEQ_MAX ? 1 : this.last + 1
        this.issued++
        return this.last
    }

    /** The seq most recently returned by next() (0 before any). */
    get current(): number {
        return this.issued > 0 ? this.last : 0
    }
}
