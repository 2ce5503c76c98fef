// Follows the firmware's console: the latest TICK line, how many came, and whether the program has
// died (an unhandled exception stops the program, not the VM, so the log is the only sign).

import { isProgramFailure, parseTickLine, TickLine } from "./tickLine"
import { FirmwareVm } from "./vm"

/** Lines kept after a failure line, to say what it was. */
const FAILURE_DETAIL_LINES = 4

export class TickFeed {
    latest: TickLine | null = null
    latestAtMs = -Infinity
    count = 0
    /** the largest step between consecutive TICK lines' nowMs (the firmware's own loop period) */
    maxStepMs = 0
    /** the first sign of trouble: a failure line or a malformed TICK line */
    failure: string | null = null
    private failureDetail = FAILURE_DETAIL_LINES
    private detach: (() => void) | null = null
    private readonly tickListeners = new Set<
        (tick: TickLine, atMs: number) => void
    >()

    /** Follows this VM's output from now on, forgetting the previous VM's ticks. */
    follow(vm: FirmwareVm): void {
        this.stop()
        this.latest = null
        this.latestAtMs = -Infinity
        this.detach = vm.onLine((line, atMs) => this.onLine(line, atMs))
    }

    stop(): void {
        if (this.detach) this.detach()
        this.detach = null
    }

    onTick(listener: (tick: TickLine, atMs: number) => void): () => void {
        this.tickListeners.add(listener)
        return () => this.tickListeners.delete(listener)
    }

    private onLine(line: string, atMs: number): void {
        // The lines after a failure say what it was ("Exception: TypeError", the message, where).
        if (
            this.failure !== null &&
            this.failureDetail-- > 0 &&
            !line.includes("TICK ")
        )
            this.failure += " | " + line
        let tick: TickLine | null
        try {
            tick = parseTickLine(line)
        } catch (e) {
            this.failure ??= (e as Error).message
            return
        }
        if (tick === null) {
            if (isProgramFailure(line))
                this.failure ??= "the firmware failed: " + line
            return
        }
        if (this.latest !== null)
            this.maxStepMs = Math.max(
                this.maxStepMs,
                tick.nowMs - this.latest.nowMs
            )
        this.latest = tick
        this.latestAtMs = atMs
        this.count++
        for (const listener of Array.from(this.tickListeners))
            listener(tick, atMs)
    }
}
