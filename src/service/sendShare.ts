// The service's share of the VM's packet budget. The VM sends at most 50 packets a second (20 ms
// each, a burst of 5) and every send waits for its turn: the motor's writes (up to 25 a second
// while moving) and the announce (2) must keep theirs, or a flood of packets to the service delays
// the stop itself. So everything the service sends (answers, events, telemetry) is counted here: a
// send every SERVICE_SEND_MS, SERVICE_SENDS_BURST at once; one beyond the share is dropped (a
// client asks again; the registers tell what an event would have). Answers to the bus leave
// SENDS_KEPT_FOR_NEWS of it to the service's own news (events and telemetry), so a flood of
// questions cannot silence them. Pure (host-tested in test/service.test.ts).

export const SERVICE_SEND_MS = 50
export const SERVICE_SENDS_BURST = 5
export const SENDS_KEPT_FOR_NEWS = 2

export class SendShare {
    /** sends the service may make now, and when that was counted */
    sends: number
    atMs: number

    constructor() {
        this.sends = SERVICE_SENDS_BURST
        this.atMs = 0
    }

    /** True (and counted) when a send at `nowMs` is within the share, leaving `kept` of it. */
    take(nowMs: number, kept: number): boolean {
        this.sends = Math.min(
            SERVICE_SENDS_BURST,
            this.sends + (nowMs - this.atMs) / SERVICE_SEND_MS
        )
        this.atMs = nowMs
        if (this.sends < 1 + kept) return false
        this.sends--
        return true
    }
}
