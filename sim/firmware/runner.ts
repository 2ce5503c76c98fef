// Runs a scenario against the compiled firmware in the DeviceScript VM, with the same model table as
// the host runner (run.ts), and gives the same trace rows.
//
// The VM runs in real time, so this loop does too: tick k is due k x 20 ms after the start. Each
// tick the model is advanced over the last 20 ms with the motor duty the firmware really applied in
// that stretch (piecewise, as the motor's speed register changed), the scenario's events for the
// tick are applied, the model's IMU sample and latch are read (once each, in the host runner's
// order, so the model's randomness is the same) and pushed to the bus, and the row of the previous
// tick is completed with the firmware's latest TICK line. The model's time is pinned to the 20 ms
// grid, so rows sit at k/50 s as on the host; a host that wakes late catches up at once.
//
// Before the start, the scenario's settings are stored in the VM's flash, where the firmware reads
// them (a firmware that has no settings role cannot: a scenario with other than the default settings
// is then refused in one line). A power cycle kills the VM and boots the firmware again with the
// same flash (stored settings survive); the table keeps its angle, the motor is cut. Scenario time
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
import { SimTable } from "../model/table"
import {
    allReleased,
    applyLevels,
    createSimTable,
    Levels,
    tickCount,
    tickTimeS,
} from "../run"
import { InputName, Scenario } from "../scenario"
import { TRACE_TICK_S, TraceRow } from "../trace"
import { FirmwareLoopError } from "./errors"
import { ButtonRole } from "./panel"
import { RoleBinding } from "./roles"
import {
    BootInfo,
    FirmwareSession,
    SessionOptions,
    withFirmwareSession,
} from "./session"
import { TickFeed } from "./tickFeed"
import { TickLine } from "./tickLine"

const TICK_MS = 1000 * TRACE_TICK_S
/** From the roles bound to the firmware's first TICK line (its loop may wait for the first IMU sample). */
export const FIRST_TICK_TIMEOUT_MS = 5000
/** The firmware ticks every 20 ms: this long without a TICK line means it has stopped. */
export const TICK_SILENCE_MS = 1000
/** While waiting for the first TICK line, roles created late (on first use) are bound this often. */
const REBIND_EVERY_MS = 100

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

export interface FirmwareRunOptions extends SessionOptions {
    probe?: FirmwareProbe
    /** stops the run (FirmwareLoopError "stopped: …") and with it the VM, e.g. a test's timeout */
    signal?: AbortSignal
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
}

const sleep = (ms: number) =>
    new Promise<void>(r => setTimeout(r, Math.max(0, ms)))

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
            options.signal
        ).run()
    )
}

/** The settings keys whose scenario value differs from the default. */
function nonDefaultSettings(s: Scenario): SettingKey[] {
    const d = defaultSettings()
    return (settingKeys() as SettingKey[]).filter(k => s.settings[k] !== d[k])
}

class FirmwareRun {
    private readonly table: SimTable
    private readonly levels: Levels = allReleased()
    private readonly feed = new TickFeed()
    private readonly boots: BootInfo[] = []
    /** the firmware's roles, as last bound */
    private roles: RoleBinding[] = []
    /** real time (performance.now()) of model time 0; moves on while the firmware is down */
    private originMs = 0
    private maxLateMs = 0
    /** the model's state at the tick whose row awaits the firmware's answer */
    private pending: { k: number; angleDeg: number; rateDps: number } | null =
        null
    private rows = 0

    constructor(
        private readonly s: Scenario,
        private readonly session: FirmwareSession,
        private readonly onRow: (row: TraceRow) => void,
        private readonly probe: FirmwareProbe,
        private readonly signal?: AbortSignal
    ) {
        this.table = createSimTable(s)
        if (probe.onTick) this.feed.onTick(probe.onTick)
        if (probe.onDuty) session.devices.motor.onChange(probe.onDuty)
    }

    async run(): Promise<FirmwareRunReport> {
        const t0 = performance.now()
        try {
            await this.boot(true)
            this.refuseIgnoredSettings()
            this.originMs = performance.now()
            const ticks = tickCount(this.s.durationS)
            let nextEvent = 0
            for (let k = 0; k <= ticks; k++) {
                await this.waitUntilDue(k)
                if (k > 0) this.advanceModel(k)
                this.completePendingRow()
                if (k === ticks) break
                const tS = tickTimeS(k)
                while (
                    nextEvent < this.s.events.length &&
                    this.s.events[nextEvent].t <= tS
                ) {
                    const event = this.s.events[nextEvent++]
                    applyLevels(this.levels, event)
                    this.pushButtons()
                    if (event.fault === "power-cycle") await this.powerCycle()
                    else if (event.fault === "clear") this.table.clearFaults()
                    else if (event.fault !== null)
                        this.table.injectFault(event.fault)
                }
                this.sense()
                this.pending = {
                    k,
                    angleDeg: this.table.angleDeg,
                    rateDps: this.table.rateDps,
                }
            }
        } finally {
            this.feed.stop()
        }
        return {
            rows: this.rows,
            boots: this.boots,
            badFrames: this.session.badFrames,
            firmwareTicks: this.feed.count,
            maxFirmwareStepMs: this.feed.maxStepMs,
            maxHostLateMs: this.maxLateMs,
            wallMs: performance.now() - t0,
        }
    }

    /**
     * Boots the firmware, follows its console, and lets the IMU run until the firmware's first TICK
     * line (the sensor runs while the firmware starts: it sends the table's present sample), binding
     * roles the firmware creates meanwhile.
     */
    private async boot(first: boolean): Promise<void> {
        const info = first
            ? await this.session.bootWithSettings(this.s.settings)
            : await this.session.boot()
        this.boots.push(info)
        this.roles = info.binding.roles
        this.feed.follow(this.session.vm!)
        this.pushButtons()
        const sample = this.table.readImu()
        // (A sensor that has stopped, or fails its reads, sends nothing now either.)
        const sensing = !this.table
            .activeFaults()
            .some(f => f === "imu-stale" || f === "imu-i2c")
        const deadline = performance.now() + FIRST_TICK_TIMEOUT_MS
        let rebindAt = performance.now() + REBIND_EVERY_MS
        while (this.feed.latest === null) {
            this.checkFirmware()
            if (performance.now() > deadline)
                throw new FirmwareLoopError(
                    `the firmware printed no TICK line within ${FIRST_TICK_TIMEOUT_MS} ms of starting: ${this.session.vm!.recentOutput()}`
                )
            if (sensing) this.session.devices.imu.repeat(sample)
            if (performance.now() >= rebindAt) {
                this.roles = (await this.session.rebind()).roles
                rebindAt = performance.now() + REBIND_EVERY_MS
            }
            await sleep(TICK_MS)
        }
    }

    private refuseIgnoredSettings(): void {
        const differ = nonDefaultSettings(this.s)
        if (differ.length === 0) return
        if (this.roles.some(r => r.serviceClass === SRV_SETTINGS)) return
        throw new FirmwareLoopError(
            `this firmware reads no stored settings (it has no settings role), and the scenario sets ${differ.join(", ")}: it can only run scenarios with the default settings`
        )
    }

    private async powerCycle(): Promise<void> {
        const downAt = performance.now()
        await this.session.powerOff()
        await this.boot(false)
        // Scenario time stands still while the firmware is down.
        this.originMs += performance.now() - downAt
    }

    private async waitUntilDue(k: number): Promise<void> {
        const due = this.originMs + k * TICK_MS
        await sleep(due - performance.now())
        this.maxLateMs = Math.max(this.maxLateMs, performance.now() - due)
        this.checkFirmware()
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

    /** Advances the model over tick k-1 .. k with the duties the motor had in that real-time stretch. */
    private advanceModel(k: number): void {
        const from = this.originMs + (k - 1) * TICK_MS
        const segments = this.session.devices.motor.takeSegments(
            from,
            from + TICK_MS
        )
        // In whole microseconds (the model's own unit) that add up to exactly one tick, so the
        // model's IMU sample instants stay on the tick grid.
        let doneUs = 0
        let atMs = 0
        for (const seg of segments) {
            atMs += seg.ms
            const endUs = Math.min(TICK_MS * 1000, Math.round(atMs * 1000))
            if (endUs > doneUs)
                this.table.advance((endUs - doneUs) / 1e6, seg.duty)
            doneUs = Math.max(doneUs, endUs)
        }
        if (doneUs < TICK_MS * 1000)
            this.table.advance(
                (TICK_MS * 1000 - doneUs) / 1e6,
                this.session.devices.motor.duty
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
        })
    }

    /** Reads the model's IMU and latch (once each, as the host runner does) and pushes them. */
    private sense(): void {
        const devices = this.session.devices
        const imu = this.table.readImu()
        const latch = this.table.readLatch(this.levels.latch)
        devices.imu.offer(imu)
        if (devices.panel.setLatch(latch))
            this.probe.onInput?.("latch", latch, performance.now())
        // The model's home switch follows the table's angle (pushed only when it changes).
        this.pushButtons()
    }

    private pushButtons(): void {
        for (const [input, role] of BUTTON_INPUTS) {
            // The model's own home switch (if the table has one) closes at its loading stop.
            const level =
                input === "homeSwitch"
                    ? this.levels.homeSwitch || this.table.homeSwitchPressed
                    : this.levels[input]
            if (this.session.devices.panel.setButton(role, level))
                this.probe.onInput?.(input, level, performance.now())
        }
    }
}
