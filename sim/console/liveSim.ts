// A simulated table that runs for as long as someone uses it: the compiled firmware in the
// DeviceScript VM (sim/firmware/session.ts: the bus on ws://127.0.0.1:8081, the simulated devices,
// role binding, power cycles with the flash kept), driven by the host's table model in real time,
// with inputs a test (or the console's --sim) sets at will.
//
// The firmware harness (sim/firmware/) runs scripted scenarios for a fixed time; this is the same
// machinery with an open end, built on its exported pieces (read-only):
//   - the model is built by the scenario engine (sim/engine/engine.ts), and the flash the firmware
//     first boots with holds the given settings (sim/engine/flash.ts);
//   - the real-time plant loop (sim/firmware/plant.ts): every 20 ms of real time the model is
//     advanced with the motor duty the firmware really applied in that stretch, its IMU sample
//     pushed to the bus, the latch level (through the model's contact) pushed when it changes; time
//     runs on through a power cycle (the motor is cut, the table stands); a loop more than a second
//     behind (the machine stalled) lets the model stand still over the gap;
//   - buttons, grip and latch are levels the owner sets (setInput / hold);
//   - starts at home, latch open, nothing pressed: the state in which service mode can be entered.
// Always close() it (or use withLiveSim): that kills the VM and frees the port.

import { USER_MASS_DEFAULT_KG } from "../model/params"
import { SimTable } from "../model/table"
import { SERVICE_ENTRY_HOLD_MS, TICK_MS } from "../../src/control/limits"
import { defaultSettings, Settings } from "../../src/control/settings"
import { StateName } from "../../src/control/types"
import { buildModelTable } from "../engine/engine"
import { TableFlash } from "../engine/flash"
import { FirmwareLoopError } from "../firmware/errors"
import { Lateness, LatenessLog } from "../firmware/lateness"
import { ButtonRole } from "../firmware/panel"
import { RealTimePlant } from "../firmware/plant"
import { FirmwareSession } from "../firmware/session"
import { DEFAULT_SEED } from "../scenario"
import { TickFeed } from "../firmware/tickFeed"
import { TickLine } from "../firmware/tickLine"
import { LineListener } from "../firmware/vm"

export const SIM_TICK_MS = TICK_MS
/** From the roles bound to the firmware's first TICK line. */
export const FIRST_TICK_TIMEOUT_MS = 8000
/** The plant loop this far behind (50 ticks: 1 s), the model stands still over the gap. */
const REGRID_AFTER_TICKS = 50
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
    private readonly plant: RealTimePlant
    private readonly flash: TableFlash
    private readonly lateness = new LatenessLog()
    /** the firmware's clock at its latest TICK line (its steps go to the lateness log) */
    private lastTickNowMs = -1
    private loop: Promise<void> | null = null
    private closed = false
    /** a failure of the loop (reported by checkAlive) */
    private failure: string | null = null

    private constructor(
        readonly session: FirmwareSession,
        settings: Settings,
        options: LiveSimOptions
    ) {
        this.model = buildModelTable({
            startAngleDeg: options.startAngleDeg ?? settings.homeDeg,
            userMassKg: options.userMassKg ?? USER_MASS_DEFAULT_KG,
            imuNoise: options.imuNoise ?? 1,
            seed: options.seed ?? DEFAULT_SEED,
            homeDeg: settings.homeDeg,
            // The model has the switch the settings say the table has.
            homeSwitch: settings.homeSwitchFitted,
        })
        this.flash = new TableFlash({ settings, kept: null })
        this.plant = new RealTimePlant(this.model, session.devices, {
            regridAfterTicks: REGRID_AFTER_TICKS,
            onWake: lateMs => this.lateness.hostLate(lateMs),
        })
        this.feed.onTick((tick, atMs) => {
            // A restarted firmware's clock starts again: no step across a power cycle.
            if (this.lastTickNowMs >= 0 && tick.nowMs > this.lastTickNowMs)
                this.lateness.firmwareStep(
                    tick.nowMs - this.lastTickNowMs,
                    atMs
                )
            this.lastTickNowMs = tick.nowMs
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
            sim.startLoop()
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

    /**
     * How far behind real time the firmware's loop and this table's loop fell since `atMs`
     * (performance.now() time): on a busy machine a late tick is a fault in the firmware's eyes.
     */
    lateSince(atMs: number): Lateness {
        return this.lateness.worstSince(atMs)
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
        this.lastTickNowMs = -1
        await this.session.powerOff()
    }

    /** Power back on after powerOff(). */
    async powerOn(): Promise<void> {
        await this.boot(false)
    }

    async close(): Promise<void> {
        if (this.closed) return
        this.closed = true
        this.plant.stop()
        await this.loop
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
        if (first) await this.session.bootWithFlash(this.flash)
        else await this.session.boot()
        for (const n of LIVE_INPUTS)
            if (n !== "latch") this.pushButton(n, this.levels.get(n)!)
        await this.session.waitForFirstTick(this.feed, FIRST_TICK_TIMEOUT_MS)
    }

    private pushButton(
        name: Exclude<LiveInput, "latch">,
        level: boolean
    ): void {
        const role: ButtonRole = name
        this.session.devices.panel.setButton(role, level)
    }

    /** The plant loop, from now until close(); a failure in it is kept for `problem`. */
    private startLoop(): void {
        this.loop = this.plant
            .run(
                () => !this.closed,
                () => this.levels.get("latch")!
            )
            .catch(e => {
                this.failure ??= (e as Error).message
            })
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
