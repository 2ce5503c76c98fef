// Runs a scenario against the compiled firmware in the DeviceScript VM, with the same scenario
// engine as the host runner (sim/engine/: the model table, the flash, the events, the clock), and
// gives the same trace rows.
//
// The VM runs in real time, so this loop does too (plant.ts, the real-time plant loop: tick k is
// due k x 20 ms after the start; the model is advanced with the duty the firmware really applied,
// its IMU sample and latch pushed to the bus). At each tick the scenario's events for the tick are
// applied and the row of the previous tick is completed with the firmware's latest TICK line. The
// model's time is pinned to the 20 ms grid, so rows sit at k/50 s as on the host.
//
// Before the start, the table's flash (the scenario's settings) is written into the VM's flash,
// where the firmware reads it (a firmware that has no settings role cannot: a scenario with other
// than the default settings is then refused in one line). A power cycle kills the VM and boots the
// firmware again with the same flash; the table keeps its angle, the motor is cut. Scenario time
// stands still while the firmware is down, as on the host, where a restart takes no time.
//
// The trace: t_s, the model's true angle and rate, and from the firmware's TICK line the estimate,
// the target, the duty it commanded (the model is driven by the duty that reached the motor, a bus
// trip later), the state, the faults, the latch and the grip as it saw them.

import { SRV_SETTINGS } from "jacdac-ts"
import {
    defaultSettings,
    SettingKey,
    settingKeys,
} from "../../src/control/settings"
import { TICKS_PER_S, tickTimeS } from "../engine/clock"
import { ScenarioEngine } from "../engine/engine"
import { isPowerCycle } from "../engine/events"
import { InputName, Scenario } from "../scenario"
import { TraceRow } from "../trace"
import { FirmwareLoopError } from "./errors"
import { ChipFault, Mpu6050Chip } from "./mpu6050Chip"
import { ButtonRole } from "./panel"
import { RealTimePlant } from "./plant"
import { RoleBinding } from "./roles"
import {
    BootInfo,
    FirmwareSession,
    SessionOptions,
    withFirmwareSession,
} from "./session"
import { TickFeed } from "./tickFeed"
import { TickLine } from "./tickLine"

/** From the roles bound to the firmware's first TICK line (its loop may wait for the first IMU sample). */
export const FIRST_TICK_TIMEOUT_MS = 5000
/** The firmware ticks every 20 ms: this long without a TICK line means it has stopped. */
export const TICK_SILENCE_MS = 1000

/** The scenario's inputs that are buttons on the bus, and the role of each. */
const BUTTON_INPUTS: [InputName, ButtonRole][] = [
    ["up", "up"],
    ["down", "down"],
    ["stop", "stop"],
    ["preset", "preset"],
    ["home", "home"],
    ["deadman", "grip"],
    ["homeSwitch", "homeSwitch"],
]

/** Hooks for measurements (latency): called with performance.now() times. */
export interface FirmwareProbe {
    /** an input level change was pushed to the bus */
    onInput?(name: InputName, level: boolean, atMs: number): void
    /** a TICK line arrived */
    onTick?(tick: TickLine, atMs: number): void
    /** the motor's duty changed (the firmware's write arrived) */
    onDuty?(duty: number, atMs: number): void
}

/** A register-level fault of the emulated MPU-6050 (imuPath "i2c"), from tick round(atS / 0.02) on. */
export interface ChipFaultEvent {
    atS: number
    /** null: the chip healthy again */
    fault: ChipFault | null
}

export interface FirmwareRunOptions extends SessionOptions {
    probe?: FirmwareProbe
    /** the emulated chip's faults over the run (at 0: from power-up); needs imuPath "i2c" */
    chipFaults?: ChipFaultEvent[]
    /** stops the run (FirmwareLoopError "stopped: …") and with it the VM, e.g. a test's timeout */
    signal?: AbortSignal
    /** started once the firmware runs (after its first boot), stopped when the run ends: work
     *  beside the scenario, e.g. a flood of service packets */
    alongside?: (session: FirmwareSession) => () => Promise<void>
}

export interface FirmwareRunReport {
    rows: number
    /** one per firmware start: the first (with storing the settings) and one per power cycle */
    boots: BootInfo[]
    /** frames from the VM dropped for a bad CRC */
    badFrames: number
    /** TICK lines seen */
    firmwareTicks: number
    /** the longest step between consecutive TICK lines, by the firmware's own clock */
    maxFirmwareStepMs: number
    /** the latest this loop woke up after a tick was due */
    maxHostLateMs: number
    wallMs: number
    /** the emulated MPU-6050 as the run left it (imuPath "i2c"), else null */
    chip: Mpu6050Chip | null
}

/** Runs the scenario against the firmware; rows go to onRow as they complete. */
export async function runScenarioOnFirmware(
    s: Scenario,
    onRow: (row: TraceRow) => void,
    options: FirmwareRunOptions = {}
): Promise<FirmwareRunReport> {
    return withFirmwareSession(options, session =>
        new FirmwareRun(
            s,
            session,
            onRow,
            options.probe ?? {},
            options.signal,
            options.chipFaults ?? [],
            options.alongside
        ).run()
    )
}

/** The settings keys whose scenario value differs from the default. */
function nonDefaultSettings(s: Scenario): SettingKey[] {
    const d = defaultSettings()
    return (settingKeys() as SettingKey[]).filter(k => s.settings[k] !== d[k])
}

class FirmwareRun {
    private readonly engine: ScenarioEngine
    private readonly plant: RealTimePlant
    private readonly feed = new TickFeed()
    private readonly boots: BootInfo[] = []
    /** the firmware's roles, as last bound */
    private roles: RoleBinding[] = []
    /** the model's state at the tick whose row awaits the firmware's answer */
    private pending: { k: number; angleDeg: number; rateDps: number } | null =
        null
    private rows = 0

    constructor(
        private readonly s: Scenario,
        private readonly session: FirmwareSession,
        private readonly onRow: (row: TraceRow) => void,
        private readonly probe: FirmwareProbe,
        private readonly signal?: AbortSignal,
        private readonly chipFaults: ChipFaultEvent[] = [],
        private readonly alongside?: (
            session: FirmwareSession
        ) => () => Promise<void>
    ) {
        if (chipFaults.length > 0 && session.devices.chip === null)
            throw new FirmwareLoopError(
                'chip faults need the emulated MPU-6050 (imuPath "i2c")'
            )
        this.applyChipFaults(0)
        this.engine = new ScenarioEngine(s)
        this.plant = new RealTimePlant(this.engine.table, session.devices, {
            onLatch: closed =>
                this.probe.onInput?.("latch", closed, performance.now()),
            // The model's home switch follows the table's angle (pushed only when it changes).
            onSensed: () => this.pushButtons(),
        })
        if (probe.onTick) this.feed.onTick(probe.onTick)
        if (probe.onDuty) session.devices.motor.onChange(probe.onDuty)
    }

    async run(): Promise<FirmwareRunReport> {
        const t0 = performance.now()
        let stopAlongside: (() => Promise<void>) | null = null
        try {
            await this.boot(true)
            this.refuseIgnoredSettings()
            if (this.alongside) stopAlongside = this.alongside(this.session)
            await this.plant.run(
                k => this.tick(k),
                () => this.engine.levels.latch
            )
        } finally {
            if (stopAlongside) await stopAlongside()
            this.feed.stop()
        }
        return {
            rows: this.rows,
            boots: this.boots,
            badFrames: this.session.badFrames,
            firmwareTicks: this.feed.count,
            maxFirmwareStepMs: this.feed.maxStepMs,
            maxHostLateMs: this.plant.maxLateMs,
            wallMs: performance.now() - t0,
            chip: this.session.devices.chip,
        }
    }

    /**
     * Tick k (the model has reached it): the previous row completed, the scenario's events for the
     * tick applied (a power cycle with the scenario's clock stopped), the model's state noted for
     * this tick's row. After the last tick only the row is completed.
     */
    private tick(k: number): boolean | Promise<boolean> {
        this.checkFirmware()
        this.completePendingRow()
        if (k === this.engine.ticks) return false
        if (k > 0) this.applyChipFaults(k)
        for (let e = this.engine.nextEvent(k); e !== null;) {
            this.pushButtons()
            if (isPowerCycle(e)) return this.powerCycleThenTick(k)
            e = this.engine.nextEvent(k)
        }
        this.notePending(k)
        return true
    }

    /** A power cycle at tick k, then the rest of the tick's events. */
    private async powerCycleThenTick(k: number): Promise<boolean> {
        await this.plant.standStill(() => this.powerCycle())
        for (let e = this.engine.nextEvent(k); e !== null;) {
            this.pushButtons()
            if (isPowerCycle(e))
                await this.plant.standStill(() => this.powerCycle())
            e = this.engine.nextEvent(k)
        }
        this.notePending(k)
        return true
    }

    private notePending(k: number): void {
        const table = this.engine.table
        this.pending = { k, angleDeg: table.angleDeg, rateDps: table.rateDps }
    }

    /**
     * Boots the firmware, follows its console, and lets the IMU run until the firmware's first TICK
     * line (the sensor runs while the firmware starts: it sends the table's present sample), binding
     * roles the firmware creates meanwhile.
     */
    private async boot(first: boolean): Promise<void> {
        const info = first
            ? await this.session.bootWithFlash(this.engine.flash)
            : await this.session.boot()
        this.boots.push(info)
        this.roles = info.binding.roles
        this.pushButtons()
        const table = this.engine.table
        const sample = table.readImu()
        // (A sensor that has stopped, or fails its reads, sends nothing now either.)
        const sensing = !table
            .activeFaults()
            .some(f => f === "imu-stale" || f === "imu-i2c")
        const rebound = await this.session.waitForFirstTick(
            this.feed,
            FIRST_TICK_TIMEOUT_MS,
            () => {
                this.checkFirmware()
                if (sensing) this.session.devices.imu.repeat(sample)
            }
        )
        if (rebound !== null) this.roles = rebound.roles
    }

    private refuseIgnoredSettings(): void {
        const differ = nonDefaultSettings(this.s)
        if (differ.length === 0) return
        if (this.roles.some(r => r.serviceClass === SRV_SETTINGS)) return
        throw new FirmwareLoopError(
            `this firmware reads no stored settings (it has no settings role), and the scenario sets ${differ.join(", ")}: it can only run scenarios with the default settings`
        )
    }

    /** The chip faults due at tick k. */
    private applyChipFaults(k: number): void {
        for (const e of this.chipFaults)
            if (Math.round(e.atS * TICKS_PER_S) === k)
                this.session.devices.chip!.fault = e.fault
    }

    private async powerCycle(): Promise<void> {
        await this.session.powerOff()
        await this.boot(false)
    }

    private checkFirmware(): void {
        if (this.signal?.aborted)
            throw new FirmwareLoopError(
                `stopped: ${String(this.signal.reason ?? "aborted")}`
            )
        const vm = this.session.vm
        if (this.feed.failure !== null)
            throw new FirmwareLoopError(this.feed.failure)
        if (!vm || !vm.isRunning)
            throw new FirmwareLoopError(
                `the VM stopped: ${vm ? vm.recentOutput() : "not running"}`
            )
        if (
            this.feed.latest !== null &&
            performance.now() - this.feed.latestAtMs > TICK_SILENCE_MS
        )
            throw new FirmwareLoopError(
                `the firmware stopped ticking (no TICK line for ${TICK_SILENCE_MS} ms): ${vm.recentOutput()}`
            )
    }

    private completePendingRow(): void {
        const p = this.pending
        if (p === null) return
        const tick = this.feed.latest!
        this.pending = null
        this.rows++
        this.onRow({
            tS: tickTimeS(p.k),
            angleDeg: p.angleDeg,
            estDeg: tick.estDeg,
            targetDeg: tick.targetDeg,
            rateDps: p.rateDps,
            duty: tick.duty,
            state: tick.state,
            faults: tick.faults.slice(),
            latch: tick.latch,
            deadman: tick.grip,
            capDeg: tick.capDeg,
            sessionS: tick.sessionS,
            sound: tick.sound,
        })
    }

    private pushButtons(): void {
        const levels = this.engine.levels
        for (const [input, role] of BUTTON_INPUTS) {
            // The model's own home switch (if the table has one) closes at its loading stop.
            const level =
                input === "homeSwitch"
                    ? levels.homeSwitch || this.engine.table.homeSwitchPressed
                    : levels[input]
            if (this.session.devices.panel.setButton(role, level))
                this.probe.onInput?.(input, level, performance.now())
        }
    }
}
