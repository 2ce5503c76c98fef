// A simulated table that runs for as long as someone uses it: the compiled firmware in the
// DeviceScript VM (sim/firmware/session.ts: the bus on ws://127.0.0.1:8081, the simulated devices,
// role binding, power cycles with the flash kept), driven by the host's table model in real time,
// with inputs a test (or the console's --sim) sets at will.
//
// The firmware harness (sim/firmware/) runs scripted scenarios for a fixed time; this is the same
// machinery with an open end, built on its exported pieces (read-only):
//   - every 20 ms of real time the model is advanced with the motor duty the firmware really applied
//     in that stretch (the motor's change log), its IMU sample pushed to the bus, the latch level
//     (through the model's contact) pushed when it changes;
//   - buttons, grip and latch are levels the owner sets (setInput / hold);
//   - starts at home, latch open, nothing pressed: the state in which service mode can be entered.
// Always close() it (or use withLiveSim): that kills the VM and frees the port.

import { HOME_ABOVE_STOP_DEG } from "../model/params"
import { SimTable } from "../model/table"
import { SERVICE_ENTRY_HOLD_MS } from "../../src/control/limits"
import { defaultSettings, Settings } from "../../src/control/settings"
import { StateName } from "../../src/control/types"
import { FirmwareLoopError } from "../firmware/errors"
import { ButtonRole } from "../firmware/panel"
import { FirmwareSession } from "../firmware/session"
import { TickFeed } from "../firmware/tickFeed"
import { TickLine } from "../firmware/tickLine"
import { LineListener } from "../firmware/vm"

export const SIM_TICK_MS = 20
/** From the roles bound to the firmware's first TICK line. */
export const FIRST_TICK_TIMEOUT_MS = 8000
const REBIND_EVERY_MS = 100
/** behaviour.md: service mode is entered by holding STOP and UP together for 3 s; a margin for the bus. */
export const SERVICE_HOLD_MS = SERVICE_ENTRY_HOLD_MS + 400

export type LiveInput =
    "latch" | "grip" | "up" | "down" | "stop" | "preset" | "home" | "homeSwitch"
export const LIVE_INPUTS: readonly LiveInput[] = [
    "latch",
    "grip",
    "up",
    "down",
    "stop",
    "preset",
    "home",
    "homeSwitch",
]

export interface LiveSimOptions {
    /** the settings stored in the flash before the first boot (defaults) */
    settings?: Settings
    /** where the table stands at the start (default: its home angle) */
    startAngleDeg?: number
    seed?: number
    userMassKg?: number
    imuNoise?: number
    devsFile?: string
    onVmLine?: LineListener
}

const sleep = (ms: number) =>
    new Promise<void>(r => setTimeout(r, Math.max(0, ms)))

export class LiveSimTable {
    readonly model: SimTable
    private readonly levels = new Map<LiveInput, boolean>(
        LIVE_INPUTS.map(n => [n, false])
    )
    private readonly feed = new TickFeed()
    private timer: NodeJS.Timeout | null = null
    private originMs = 0
    private k = 0
    private closed = false
    /** a failure of the loop (reported by checkAlive) */
    private failure: string | null = null

    private constructor(
        readonly session: FirmwareSession,
        private readonly settings: Settings,
        options: LiveSimOptions
    ) {
        this.model = new SimTable({
            startAngleDeg: options.startAngleDeg ?? settings.homeDeg,
            userMassKg: options.userMassKg ?? 80,
            imuNoise: options.imuNoise ?? 1,
            seed: options.seed ?? 1,
            homeStopDeg: settings.homeDeg - HOME_ABOVE_STOP_DEG,
        })
    }

    /** Takes the port, boots the firmware, and runs the table until close(). */
    static async start(options: LiveSimOptions = {}): Promise<LiveSimTable> {
        const settings = options.settings ?? defaultSettings()
        const session = await FirmwareSession.open({
            devsFile: options.devsFile,
            onVmLine: options.onVmLine,
        })
        const sim = new LiveSimTable(session, settings, options)
        try {
            sim.originMs = performance.now()
            sim.schedule()
            await sim.boot(true)
            // The controller reports `boot` for its first 400 ms: a table "at home" is idle.
            if (sim.latest!.state === "boot")
                await sim.waitForTick(
                    t => t.state !== "boot",
                    "the end of boot",
                    5000
                )
        } catch (e) {
            await sim.close()
            throw e
        }
        return sim
    }

    /** The firmware's latest TICK line (its view: estimate, target, state, faults, latch, grip). */
    get latest(): TickLine | null {
        return this.feed.latest
    }

    /** What went wrong with the firmware or the loop, or null while all is well. */
    get problem(): string | null {
        if (this.feed.failure !== null) return this.feed.failure
        if (this.failure !== null)
            return "the simulated table's loop failed: " + this.failure
        const vm = this.session.vm
        if (vm !== null && !vm.isRunning)
            return "the VM stopped: " + vm.recentOutput()
        return null
    }

    get running(): boolean {
        return (
            !this.closed &&
            this.session.vm !== null &&
            this.session.vm.isRunning
        )
    }

    /** Sets an input level from now on (a tap is true, then false a tick or more later). */
    setInput(name: LiveInput, level: boolean): void {
        this.levels.set(name, level)
        if (name !== "latch") this.pushButton(name, level)
        // The latch goes through the model's contact at the next tick.
    }

    /** Holds these inputs for ms, then releases them. */
    async hold(names: LiveInput[], ms: number): Promise<void> {
        for (const n of names) this.setInput(n, true)
        try {
            await sleep(ms)
        } finally {
            for (const n of names) this.setInput(n, false)
        }
    }

    /** Every TICK line from now on, with its arrival time (across power cycles). */
    onTick(listener: (tick: TickLine, atMs: number) => void): () => void {
        return this.feed.onTick(listener)
    }

    /** Every change of the motor output the firmware wrote, with its arrival time. */
    onDuty(listener: (duty: number, atMs: number) => void): () => void {
        return this.session.devices.motor.onChange(listener)
    }

    /** Resolves with the first TICK line (from now on) that passes `test`; a FirmwareLoopError after timeoutMs. */
    waitForTick(
        test: (t: TickLine) => boolean,
        what: string,
        timeoutMs = 5000
    ): Promise<TickLine> {
        return new Promise((resolve, reject) => {
            const done = (error: Error | null, tick?: TickLine) => {
                clearTimeout(timer)
                off()
                if (error) reject(error)
                else resolve(tick!)
            }
            const off = this.feed.onTick(t => {
                if (test(t)) done(null, t)
            })
            const timer = setTimeout(
                () =>
                    done(
                        new FirmwareLoopError(
                            `the simulated table did not reach ${what} within ${timeoutMs} ms (latest: ${this.describeLatest()})`
                        )
                    ),
                timeoutMs
            )
        })
    }

    waitForState(state: StateName, timeoutMs = 5000): Promise<TickLine> {
        return this.waitForTick(
            t => t.state === state,
            `state ${state}`,
            timeoutMs
        )
    }

    /**
     * What a person at the pad does to enter service mode (behaviour.md): at home with the latch
     * open, STOP and UP held together for 3 s. Resolves when the firmware reports `service`.
     */
    async enterServiceMode(): Promise<void> {
        const entered = this.waitForState("service", SERVICE_HOLD_MS + 3000)
        entered.catch(() => {})
        await this.hold(["stop", "up"], SERVICE_HOLD_MS)
        await entered
    }

    /** Leaves service mode as the pad does: a STOP tap. */
    async leaveServiceMode(): Promise<void> {
        const left = this.waitForTick(
            t => t.state !== "service",
            "leaving service mode",
            3000
        )
        left.catch(() => {})
        await this.hold(["stop"], 120)
        await left
    }

    /** A power cycle: the VM killed and the firmware booted again with the same flash. Returns ms. */
    async powerCycle(): Promise<number> {
        const t0 = performance.now()
        await this.powerOff()
        await this.boot(false)
        return performance.now() - t0
    }

    /** The power cut (the VM killed, the motor cut); the table model keeps standing where it is. */
    async powerOff(): Promise<void> {
        this.feed.stop()
        await this.session.powerOff()
    }

    /** Power back on after powerOff(). */
    async powerOn(): Promise<void> {
        await this.boot(false)
    }

    async close(): Promise<void> {
        if (this.closed) return
        this.closed = true
        if (this.timer) clearTimeout(this.timer)
        this.timer = null
        this.feed.stop()
        await this.session.close()
    }

    private describeLatest(): string {
        const t = this.feed.latest
        if (!t) return "no TICK line yet"
        return `state ${t.state}, angle ${t.estDeg}, faults ${t.faults.join("|") || "-"}, latch ${t.latch ? 1 : 0}, grip ${t.grip ? 1 : 0}`
    }

    /** Boots the firmware and waits for its first TICK line, binding roles it creates meanwhile. */
    private async boot(first: boolean): Promise<void> {
        if (first) await this.session.bootWithSettings(this.settings)
        else await this.session.boot()
        this.feed.follow(this.session.vm!)
        for (const n of LIVE_INPUTS)
            if (n !== "latch") this.pushButton(n, this.levels.get(n)!)
        const deadline = performance.now() + FIRST_TICK_TIMEOUT_MS
        let rebindAt = performance.now() + REBIND_EVERY_MS
        while (this.feed.latest === null) {
            if (this.feed.failure !== null)
                throw new FirmwareLoopError(this.feed.failure)
            const vm = this.session.vm
            if (!vm || !vm.isRunning)
                throw new FirmwareLoopError(
                    `the VM stopped while booting: ${vm ? vm.recentOutput() : "no VM"}`
                )
            if (performance.now() > deadline)
                throw new FirmwareLoopError(
                    `the firmware printed no TICK line within ${FIRST_TICK_TIMEOUT_MS} ms of starting: ${vm.recentOutput()}`
                )
            if (performance.now() >= rebindAt) {
                await this.session.rebind()
                rebindAt = performance.now() + REBIND_EVERY_MS
            }
            await sleep(SIM_TICK_MS)
        }
    }

    private pushButton(
        name: Exclude<LiveInput, "latch">,
        level: boolean
    ): void {
        const role: ButtonRole = name
        this.session.devices.panel.setButton(role, level)
    }

    private schedule(): void {
        if (this.closed) return
        const due = this.originMs + (this.k + 1) * SIM_TICK_MS
        this.timer = setTimeout(
            () => this.onTimer(),
            Math.max(0, due - performance.now())
        )
    }

    /** Runs every tick that is due (a late wake-up catches up; far behind, it starts a fresh grid). */
    private onTimer(): void {
        if (this.closed) return
        try {
            const now = performance.now()
            if (
                now - (this.originMs + this.k * SIM_TICK_MS) >
                50 * SIM_TICK_MS
            ) {
                // Far behind (the machine stalled): the model stands still over the gap.
                this.originMs = now - this.k * SIM_TICK_MS - SIM_TICK_MS
                this.session.devices.motor.takeSegments(
                    -Infinity,
                    this.originMs + this.k * SIM_TICK_MS
                )
            }
            while (
                this.originMs + (this.k + 1) * SIM_TICK_MS <=
                performance.now()
            ) {
                this.advance()
                this.k++
                this.sense()
            }
        } catch (e) {
            this.failure ??= (e as Error).message
        }
        this.schedule()
    }

    /** The model over tick k .. k+1 with the duties the motor had in that real-time stretch. */
    private advance(): void {
        const from = this.originMs + this.k * SIM_TICK_MS
        const motor = this.session.devices.motor
        const segments = motor.takeSegments(from, from + SIM_TICK_MS)
        let doneUs = 0
        let atMs = 0
        const tickUs = SIM_TICK_MS * 1000
        for (const seg of segments) {
            atMs += seg.ms
            const endUs = Math.min(tickUs, Math.round(atMs * 1000))
            if (endUs > doneUs)
                this.model.advance((endUs - doneUs) / 1e6, seg.duty)
            doneUs = Math.max(doneUs, endUs)
        }
        if (doneUs < tickUs)
            this.model.advance((tickUs - doneUs) / 1e6, motor.duty)
    }

    private sense(): void {
        const devices = this.session.devices
        devices.imu.offer(this.model.readImu())
        devices.panel.setLatch(this.model.readLatch(this.levels.get("latch")!))
    }
}

/** Runs `body` with a live simulated table and closes it whatever happens. */
export async function withLiveSim<T>(
    options: LiveSimOptions,
    body: (sim: LiveSimTable) => Promise<T>
): Promise<T> {
    const sim = await LiveSimTable.start(options)
    try {
        return await body(sim)
    } finally {
        await sim.close()
    }
}
