// Commands run once: a DeviceScript-hosted server sends no ACK, so a sender that wants one (or that
// sees no answer) sends the same command again, and it must not run twice. Every command carries a
// `seq`; the server remembers the last SEQ_MEMORY seqs it handled and ignores them when they come
// again. Pure (host-tested in test/service.test.ts).
//
// The memory is a ring, not "the last seq": two consoles interleaving their retries (A 7, B 900,
// A 7) still run A's command once. Clients start at a random seq and add one per command, so two
// clients rarely pick the same one. The memory is lost at a restart (a retry that arrives after a
// restart runs again: every command is harmless to repeat after a restart).

/** How many recent seqs are remembered. */
export const SEQ_MEMORY = 16

export class SeqFilter {
    seqs: number[]
    next: number

    constructor() {
        this.seqs = []
        this.next = 0
    }

    /** True the first time a seq is seen (it is remembered), false when it was handled recently. */
    accept(seq: number): boolean {
        for (const s of this.seqs) if (s === seq) return false
        if (this.seqs.length < SEQ_MEMORY) this.seqs.push(seq)
        else this.seqs[this.next] = seq
        this.next = (this.next + 1) % SEQ_MEMORY
        return true
    }
}
