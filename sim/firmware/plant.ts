// The model table in real time, against the firmware in the VM: the one plant loop that the
// firmware-in-the-loop runner (runner.ts) and the console's live simulated table
// (sim/console/liveSim.ts) share.
//
// Tick k is due k x 20 ms after the loop starts. At each tick the model is advanced over the last
// 20 ms with the motor duty the firmware really applied in that stretch (piecewise, as the motor's
// speed register changed: its change log), the owner's work for the tick runs (events, rows), and
// the model's IMU sample and latch are read (once each, in the host runner's order, so the model's
// randomness is the same as on the host) and pushed to the bus. The model's time stays on the 20 ms
// grid; a loop that wakes late catches up at once. Work done through standStill() (a power cycle:
// the firmware is down) stops the scenario's clock meanwhile. With `regridAfterTicks`, a loop that
// has fallen that far behind (the machine stalled) lets the model stand still over the gap instead.

import { SimTable } from "../model/table"
import { TICK_MS } from "../engine/clock"
import { TableDevices } from "./devices"

export interface PlantOptions {
    /** this far behind (in ticks), the model stands still over the gap (default: always catch up) */
    regridAfterTicks?: number
    /** the latch level read from the model changed and was pushed */
    onLatch?: (closed: boolean) => void
    /** every wake-up: how late after its tick was due (ms, 0 or more) */
    onWake?: (lateMs: number) => void
    /** after each tick's sensors were pushed (for what follows the model, a home switch say) */
    onSensed?: () => void
}

/**
 * The owner's work at tick k, after the model reached it and before its sensors are read; false
 * ends the loop (before tick k's sensors are read). A promise is awaited.
 */
export type PlantTick = (k: number) => boolean | Promise<boolean>

export class RealTimePlant {
    /** the latest the loop woke up after a tick was due */
    maxLateMs = 0
    /** real time (performance.now()) of model tick 0; moves on while the model stands still */
    private originMs = 0
    private stopped = false
    private wake: (() => void) | null = null
    private timer: NodeJS.Timeout | null = null

    constructor(
        readonly table: SimTable,
        private readonly devices: TableDevices,
        private readonly options: PlantOptions = {}
    ) {}

    /**
     * Runs the loop from tick 0 (due now) until `tick` returns false or stop() is called.
     * `latchLevel` gives the latch's true level (the model's contact may bounce).
     */
    async run(tick: PlantTick, latchLevel: () => boolean): Promise<void> {
        this.originMs = performance.now()
        for (let k = 0; ; k++) {
            await this.waitUntilDue(k)
            if (this.stopped) return
            if (k > 0) this.advanceTo(k)
            const more = tick(k)
            if (!(more instanceof Promise ? await more : more)) return
            if (this.stopped) return
            this.sense(latchLevel())
        }
    }

    /** Ends the loop at its next wake-up, which is now. */
    stop(): void {
        this.stopped = true
        if (this.timer !== null) clearTimeout(this.timer)
        this.timer = null
        this.wake?.()
    }

    /** Runs `work` with the scenario's clock stopped: the model stands still for as long as it takes. */
    async standStill<T>(work: () => Promise<T>): Promise<T> {
        const fromMs = performance.now()
        try {
            return await work()
        } finally {
            this.originMs += performance.now() - fromMs
        }
    }

    private dueMs(k: number): number {
        return this.originMs + k * TICK_MS
    }

    private async waitUntilDue(k: number): Promise<void> {
        const regrid = this.options.regridAfterTicks
        if (
            regrid !== undefined &&
            k > 0 &&
            performance.now() - this.dueMs(k - 1) > regrid * TICK_MS
        ) {
            // Far behind: tick k is due now, and the motor's log over the gap is dropped.
            this.originMs = performance.now() - k * TICK_MS
            this.devices.motor.takeSegments(-Infinity, this.dueMs(k - 1))
        }
        const due = this.dueMs(k)
        const waitMs = due - performance.now()
        if (waitMs > 0)
            await new Promise<void>(resolve => {
                this.wake = resolve
                this.timer = setTimeout(resolve, waitMs)
            })
        else await new Promise<void>(resolve => setImmediate(resolve))
        this.wake = null
        this.timer = null
        const lateMs = Math.max(0, performance.now() - due)
        this.maxLateMs = Math.max(this.maxLateMs, lateMs)
        this.options.onWake?.(lateMs)
    }

    /** Advances the model over tick k-1 .. k with the duties the motor had in that real-time stretch. */
    private advanceTo(k: number): void {
        const from = this.dueMs(k - 1)
        const motor = this.devices.motor
        const segments = motor.takeSegments(from, from + TICK_MS)
        // In whole microseconds (the model's own unit) that add up to exactly one tick, so the
        // model's IMU sample instants stay on the tick grid.
        const tickUs = TICK_MS * 1000
        let doneUs = 0
        let atMs = 0
        for (const seg of segments) {
            atMs += seg.ms
            const endUs = Math.min(tickUs, Math.round(atMs * 1000))
            if (endUs > doneUs)
                this.table.advance((endUs - doneUs) / 1e6, seg.duty)
            doneUs = Math.max(doneUs, endUs)
        }
        if (doneUs < tickUs)
            this.table.advance((tickUs - doneUs) / 1e6, motor.duty)
    }

    /** Reads the model's IMU and latch (once each, as the host runner does) and pushes them. */
    private sense(latchLevel: boolean): void {
        const imu = this.table.readImu()
        const latch = this.table.readLatch(latchLevel)
        this.devices.imu.offer(imu)
        if (this.devices.panel.setLatch(latch)) this.options.onLatch?.(latch)
        this.options.onSensed?.()
    }
}
