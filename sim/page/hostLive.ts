// The host live table: the host's Controller (src/control/, no VM) against the table model, in real
// time, for as long as someone uses it. The same public shape as the VM's LiveSimTable
// (sim/console/liveSim.ts), so the page (and anything else) can drive either; `npm start -- --host`.
//
// Every 20 ms of real time one control tick: the model's IMU sample and latch contact read, the
// controller stepped on its own clock (tick k at k * 20 ms since its start, as the firmware's loop
// gives it), the model advanced 20 ms with the duty. A late wake-up runs the missed ticks at once; a
// stall of more than a second starts a fresh grid (the model and the controller's clock stand still
// over the gap: simulated time, not wall time, is what the controller sees).
//
// The flash: the settings stored (by save only, as the firmware stores them), the record a restart must not
// forget (the kept faults and the open-loop budget, sim/run.ts KeptFlash) and the first-use
// acknowledgement; a power cycle builds a new Controller from them, as the firmware does.

import { Controller } from "../../src/control/controller"
import { SERVICE_ENTRY_HOLD_MS, TICK_MS } from "../../src/control/limits"
import {
    copySettings,
    defaultSettings,
    sameSettings,
    Settings,
} from "../../src/control/settings"
import { Inputs, Outputs, StateName } from "../../src/control/types"
import { HOME_ABOVE_STOP_DEG } from "../model/params"
import { SimTable } from "../model/table"
import { TableFlash } from "../engine/flash"
import { ProgramFlash, programStartFrom } from "../engine/program"
import { encodeSessionRecord } from "../../src/hw/sessionCodec"
import { SessionRecord } from "../../src/control/sessions"
import { KeptFlash } from "../run"
import { LIVE_INPUTS, LiveInput } from "../console/liveSim"
import { TickLine } from "../firmware/tickLine"

/** Far behind by this many ticks (a stalled machine): a fresh grid instead of a burst. */
const MAX_CATCH_UP_TICKS = 50
/** STOP and UP held this long enter service mode (behaviour.md: 3 s), with a margin. */
const SERVICE_HOLD_MS = SERVICE_ENTRY_HOLD_MS + 200

export interface HostLiveOptions {
    /** the settings in the flash at the first start (defaults) */
    settings?: Settings
    startAngleDeg?: number
    seed?: number
    userMassKg?: number
    imuNoise?: number
    /** a home switch at the loading stop (the settings should say so: homeSwitchFitted) */
    homeSwitch?: boolean
}

export type StepListener = (out: Outputs, controller: Controller) => void
export type TickListener = (tick: TickLine, atMs: number) => void
export type DutyListener = (duty: number, atMs: number) => void

const sleep = (ms: number) =>
    new Promise<void>(r => setTimeout(r, Math.max(0, ms)))

export class HostLiveTable {
    readonly model: SimTable
    /** the flash: what a restarted controller reads */
    storedSettings: Settings
    warningsAcknowledged = true
    /** the table's flash for the kept record (the settings are storedSettings) */
    private readonly flash = new TableFlash({
        settings: defaultSettings(),
        kept: null,
    })
    private readonly kept = new KeptFlash(this.flash)
    private readonly program = new ProgramFlash(this.flash)
    private ctl: Controller | null
    private out: Outputs | null = null
    private tick: TickLine | null = null
    private readonly levels = new Map<LiveInput, boolean>(
        LIVE_INPUTS.map(n => [n, false])
    )
    private timer: NodeJS.Timeout | null = null
    private originMs = 0
    /** ticks run since start (the grid) and since the controller's boot (its clock) */
    private k = 0
    private bootK = 0
    private duty = 0
    private closed = false
    private failure: string | null = null
    private readonly stepListeners = new Set<StepListener>()
    private readonly tickListeners = new Set<TickListener>()
    private readonly dutyListeners = new Set<DutyListener>()

    private constructor(options: HostLiveOptions) {
        this.storedSettings = copySettings(
            options.settings ?? defaultSettings()
        )
        this.model = new SimTable({
            startAngleDeg: options.startAngleDeg ?? this.storedSettings.homeDeg,
            userMassKg: options.userMassKg ?? 80,
            imuNoise: options.imuNoise ?? 1,
            seed: options.seed ?? 1,
            homeStopDeg: this.storedSettings.homeDeg - HOME_ABOVE_STOP_DEG,
            homeSwitch: options.homeSwitch ?? false,
        })
        this.ctl = this.startController()
    }

    /** Starts the loop; resolves once the controller has left `boot` (it reports boot for 400 ms). */
    static async start(options: HostLiveOptions = {}): Promise<HostLiveTable> {
        const table = new HostLiveTable(options)
        table.originMs = performance.now()
        table.schedule()
        try {
            await table.waitForTick(
                t => t.state !== "boot",
                "the end of boot",
                5000
            )
        } catch (e) {
            await table.close()
            throw e
        }
        return table
    }

    /** The latest tick, in the firmware's TICK line terms. */
    get latest(): TickLine | null {
        return this.tick
    }

    /** The latest outputs of the controller (everything it reports), or null while powered off. */
    get outputs(): Outputs | null {
        return this.out
    }

    /** The running controller, or null while powered off. */
    get controller(): Controller | null {
        return this.ctl
    }

    get problem(): string | null {
        return this.failure === null
            ? null
            : "the host table's loop failed: " + this.failure
    }

    get running(): boolean {
        return !this.closed && this.ctl !== null
    }

    /** The level of an input as set now. */
    level(name: LiveInput): boolean {
        return this.levels.get(name)!
    }

    setInput(name: LiveInput, level: boolean): void {
        this.levels.set(name, level)
    }

    async hold(names: LiveInput[], ms: number): Promise<void> {
        for (const n of names) this.setInput(n, true)
        try {
            await sleep(ms)
        } finally {
            for (const n of names) this.setInput(n, false)
        }
    }

    /** Every controller step (outputs and the controller that made them). */
    onStep(listener: StepListener): () => void {
        this.stepListeners.add(listener)
        return () => this.stepListeners.delete(listener)
    }

    /** Every tick, as a TICK line, with its real time. */
    onTick(listener: TickListener): () => void {
        this.tickListeners.add(listener)
        return () => this.tickListeners.delete(listener)
    }

    /** Every change of the motor output, with its real time. */
    onDuty(listener: DutyListener): () => void {
        this.dutyListeners.add(listener)
        return () => this.dutyListeners.delete(listener)
    }

    waitForTick(
        test: (t: TickLine) => boolean,
        what: string,
        timeoutMs = 5000
    ): Promise<TickLine> {
        return new Promise((resolve, reject) => {
            const off = this.onTick(t => {
                if (!test(t)) return
                clearTimeout(timer)
                off()
                resolve(t)
            })
            const timer = setTimeout(() => {
                off()
                reject(
                    new Error(
                        `the host table did not reach ${what} within ${timeoutMs} ms (latest: ${this.tick ? this.tick.state : "no tick"})`
                    )
                )
            }, timeoutMs)
        })
    }

    waitForState(state: StateName, timeoutMs = 5000): Promise<TickLine> {
        return this.waitForTick(
            t => t.state === state,
            `state ${state}`,
            timeoutMs
        )
    }

    async enterServiceMode(): Promise<void> {
        const entered = this.waitForState("service", SERVICE_HOLD_MS + 3000)
        entered.catch(() => {})
        await this.hold(["stop", "up"], SERVICE_HOLD_MS)
        await entered
    }

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

    /** A power cycle: the controller gone, then a new one from the flash. Returns ms. */
    async powerCycle(): Promise<number> {
        const t0 = performance.now()
        await this.powerOff()
        await sleep(TICK_MS * 5)
        await this.powerOn()
        return performance.now() - t0
    }

    /** The power cut: no controller, the motor off; the table model keeps standing where it is. */
    async powerOff(): Promise<void> {
        this.ctl = null
        this.out = null
        this.setDuty(0, performance.now())
    }

    /** A controller on what the flash holds, as at power-on (the program's records included). */
    private startController(): Controller {
        if (this.flash.read("progress") === null)
            this.flash.write("progress", {
                countedSessions: 0,
                warningsAcknowledged: this.warningsAcknowledged,
            })
        return new Controller(
            copySettings(this.storedSettings),
            null,
            this.flash.read("kept"),
            programStartFrom(this.flash, null)
        )
    }

    async powerOn(): Promise<void> {
        if (this.ctl !== null) return
        this.ctl = this.startController()
        this.program.restarted()
        this.bootK = this.k
    }

    /** The first-use warnings acknowledged (the console or the page): recorded in the progress. */
    acknowledgeWarnings(): void {
        this.warningsAcknowledged = true
        if (this.ctl) this.ctl.acknowledgeWarnings()
    }

    /** The stored session records, newest first. */
    sessionRecords(): SessionRecord[] {
        const all = this.flash
            .read("sessions")
            .filter((r): r is SessionRecord => r !== null)
        return all.sort((a, b) => b.number - a.number)
    }

    /** A stored session record in its stored form: 0 the newest; "" when there is none. */
    sessionLine(index: number): string {
        const r = this.sessionRecords()[index]
        return r ? encodeSessionRecord(r) : ""
    }

    /** Stores the controller's settings in the flash now (what `save` asks for). */
    store(): void {
        if (this.ctl) this.storedSettings = copySettings(this.ctl.settings)
    }

    /** The settings in use differ from the stored ones (a change not saved: a restart loses it). */
    settingsUnsaved(): boolean {
        return (
            this.ctl !== null &&
            !sameSettings(this.ctl.settings, this.storedSettings)
        )
    }

    async close(): Promise<void> {
        if (this.closed) return
        this.closed = true
        if (this.timer) clearTimeout(this.timer)
        this.timer = null
        this.ctl = null
        this.setDuty(0, performance.now())
    }

    private schedule(): void {
        if (this.closed) return
        const due = this.originMs + (this.k + 1) * TICK_MS
        this.timer = setTimeout(
            () => this.onTimer(),
            Math.max(0, due - performance.now())
        )
    }

    private onTimer(): void {
        if (this.closed) return
        try {
            const now = performance.now()
            if (
                now - (this.originMs + this.k * TICK_MS) >
                MAX_CATCH_UP_TICKS * TICK_MS
            )
                this.originMs = now - (this.k + 1) * TICK_MS
            while (this.originMs + (this.k + 1) * TICK_MS <= performance.now())
                this.step()
        } catch (e) {
            this.failure ??= (e as Error).message
            this.ctl = null
            this.setDuty(0, performance.now())
        }
        this.schedule()
    }

    private step(): void {
        const atMs = performance.now()
        const ctl = this.ctl
        if (ctl !== null) {
            const inputs: Inputs = {
                imu: this.model.readImu(),
                grip: this.levels.get("grip")!,
                latch: this.model.readLatch(this.levels.get("latch")!),
                up: this.levels.get("up")!,
                down: this.levels.get("down")!,
                stop: this.levels.get("stop")!,
                preset: this.levels.get("preset")!,
                home: this.levels.get("home")!,
                homeSwitch:
                    this.levels.get("homeSwitch")! ||
                    this.model.homeSwitchPressed,
            }
            const nowMs = (this.k - this.bootK) * TICK_MS
            const out = ctl.step(inputs, nowMs)
            this.kept.follow(ctl, out)
            this.program.follow(ctl, out)
            this.out = out
            this.setDuty(out.duty, atMs)
            this.tick = {
                nowMs,
                estDeg: out.estDeg,
                targetDeg: out.targetDeg,
                duty: out.duty,
                state: out.state,
                faults: out.faults.slice(),
                latch: out.latch,
                grip: out.grip,
                capDeg: out.effectiveMaxDeg,
                sessionS: out.sessionInvertedS,
                sound: out.sound,
            }
            for (const l of Array.from(this.stepListeners)) l(out, ctl)
            for (const l of Array.from(this.tickListeners)) l(this.tick, atMs)
        }
        // Powered off, the duty is 0: the worm gear holds the table.
        this.model.advance(TICK_MS / 1000, this.duty)
        this.k++
    }

    private setDuty(duty: number, atMs: number): void {
        if (duty === this.duty) return
        this.duty = duty
        for (const l of Array.from(this.dutyListeners)) l(duty, atMs)
    }
}
