// The page's firmware table: the compiled firmware in the DeviceScript VM against the table model
// (LiveSimTable, as the console's --sim runs it), its TICK lines for the state at 50 Hz, and its own
// Jacdac service (over the bus at ws://127.0.0.1:8081, as the console reaches it) for what the TICK
// lines do not carry: the session time, the warning and alarm, the deepest angle, the fault reasons.
//
// If the VM dies or the firmware stops on an error, the page is told and the table is started again
// where the model stands (a fresh VM: its flash holds the settings it started with). More than
// MAX_RESTARTS within RESTART_WINDOW_MS is fatal: the server stops with a line saying why.

import { defaultSettings } from "../../src/control/settings"
import { ScenarioFault } from "../scenario"
import { LiveInput, LiveSimOptions, LiveSimTable } from "../console/liveSim"
import { BusLink, connectBus } from "../console/transport"
import { TickLine } from "../firmware/tickLine"
import { ServiceWatch } from "./serviceWatch"
import {
    emptySnapshot,
    Mark,
    PadInput,
    PAD_INPUTS,
    programView,
    reasonsByName,
    releasedPad,
    soundName,
    soundOf,
    TableSnapshot,
} from "./snapshot"
import { TableSource } from "./source"
import { TraceRecorder, traceSeconds } from "./traceRecorder"

export const MAX_RESTARTS = 3
export const RESTART_WINDOW_MS = 5 * 60_000
const HEALTH_CHECK_MS = 250
/** No TICK line for this long while powered: the table is not answering. */
const SILENT_MS = 500

export class VmSource implements TableSource {
    readonly mode = "firmware" as const
    readonly readOnly = false
    fatal: string | null = null
    private readonly trace = new TraceRecorder()
    private readonly watch: ServiceWatch
    private readonly levels = releasedPad()
    private lastTick: TickLine | null = null
    private lastTickAtMs = -Infinity
    private offTick: () => void = () => {}
    private poweredOff = false
    private restarting: string | null = null
    private restarts: number[] = []
    private readonly health: NodeJS.Timeout
    private readonly markListeners = new Set<
        (mark: Omit<Mark, "tMs">) => void
    >()
    private closed = false

    private constructor(
        private sim: LiveSimTable,
        private readonly originMs: number,
        private readonly options: LiveSimOptions
    ) {
        this.follow(sim)
        this.watch = new ServiceWatch(() => connectBus())
        this.trace.onMark(m => this.emit(m))
        this.health = setInterval(() => void this.check(), HEALTH_CHECK_MS)
    }

    /** Starts the firmware (takes the bus port: a FirmwareLoopError in one line if it cannot). */
    static async start(
        originMs: number,
        options: LiveSimOptions = {}
    ): Promise<VmSource> {
        const sim = await LiveSimTable.start(options)
        return new VmSource(sim, originMs, options)
    }

    /** The running simulated table (for tests and measurements). */
    get table(): LiveSimTable {
        return this.sim
    }

    snapshot(tMs: number): TableSnapshot {
        const s = emptySnapshot(this.mode, tMs)
        const sim = this.sim
        const t = this.lastTick
        const v = this.watch.view
        s.angleDeg = sim.model.angleDeg
        s.rateDps = sim.model.rateDps
        s.injected = sim.model.activeFaults()
        s.pad = { ...this.levels }
        const fresh = performance.now() - this.lastTickAtMs < SILENT_MS
        s.connected = fresh && !this.poweredOff && this.restarting === null
        s.problem =
            this.restarting ??
            (this.poweredOff
                ? "powered off"
                : (sim.problem ??
                  (fresh ? null : "the firmware is not ticking")))
        if (t !== null) {
            s.estDeg = t.estDeg
            s.targetDeg = t.targetDeg
            s.duty = this.poweredOff ? 0 : t.duty
            s.state = this.poweredOff ? "off" : t.state
            s.faults = t.faults.slice()
            s.latch = t.latch
            s.grip = t.grip
        }
        const tel = v.telemetry
        if (tel !== null) {
            s.sessionS = tel.sessionInvertedS
            s.warning = tel.warning
            s.alarm = tel.alarm
            s.settingsUnsaved = tel.unsaved
        }
        // The TICK line names the sound (one-shots included); the telemetry tells only the flags.
        s.sound =
            t !== null
                ? soundName(t.sound)
                : tel !== null
                  ? soundOf(tel.alarm, tel.warning, tel.faults)
                  : null
        s.faultReasons = reasonsByName(v.faultReasons)
        s.capDeg = v.capDeg
        s.homeDeg =
            v.homeDeg ?? (this.options.settings ?? defaultSettings()).homeDeg
        s.sessionLimitS = v.sessionLimitS
        s.warningsAcknowledged = v.warningsAcknowledged
        s.program = programView(v.countedSessions, v.sessionLimitS, v.records)
        return s
    }

    setInput(name: PadInput, level: boolean): void {
        this.levels[name] = level
        this.sim.setInput(name as LiveInput, level)
    }

    async inject(fault: ScenarioFault): Promise<void> {
        if (fault === "power-cycle") {
            this.poweredOff = true
            try {
                await this.sim.powerCycle()
            } finally {
                this.poweredOff = false
            }
        } else if (fault === "clear") this.sim.model.clearFaults()
        else this.sim.model.injectFault(fault)
    }

    async consoleLink(): Promise<BusLink> {
        return connectBus()
    }

    traceCsv(): string {
        return this.trace.csv()
    }

    onMark(listener: (mark: Omit<Mark, "tMs">) => void): () => void {
        this.markListeners.add(listener)
        return () => this.markListeners.delete(listener)
    }

    async close(): Promise<void> {
        if (this.closed) return
        this.closed = true
        clearInterval(this.health)
        this.offTick()
        await this.watch.close()
        await this.sim.close()
    }

    private emit(mark: Omit<Mark, "tMs">): void {
        for (const l of Array.from(this.markListeners)) l(mark)
    }

    private follow(sim: LiveSimTable): void {
        this.offTick()
        this.offTick = sim.onTick((tick, atMs) => {
            this.lastTick = tick
            this.lastTickAtMs = atMs
            this.trace.add({
                tS: traceSeconds(atMs - this.originMs),
                angleDeg: sim.model.angleDeg,
                estDeg: tick.estDeg,
                targetDeg: tick.targetDeg,
                rateDps: sim.model.rateDps,
                duty: tick.duty,
                state: tick.state,
                faults: tick.faults,
                latch: tick.latch,
                deadman: tick.grip,
                capDeg: tick.capDeg,
                sessionS: tick.sessionS,
                sound: tick.sound,
            })
        })
    }

    /** The VM died or the firmware failed: say so, and start the table again where it stands. */
    private async check(): Promise<void> {
        if (this.closed || this.restarting !== null || this.poweredOff) return
        const problem = this.sim.problem
        if (problem === null) return
        const now = performance.now()
        this.restarts = this.restarts.filter(t => now - t < RESTART_WINDOW_MS)
        if (this.restarts.length >= MAX_RESTARTS) {
            this.fatal = `the simulated table failed ${MAX_RESTARTS + 1} times within ${RESTART_WINDOW_MS / 60_000} minutes; last: ${problem}`
            return
        }
        this.restarts.push(now)
        this.restarting = `${problem}; starting the firmware again`
        this.emit({ kind: "notice", name: this.restarting })
        const angleDeg = this.sim.model.angleDeg
        try {
            this.offTick()
            await this.sim.close()
            if (this.closed) return
            this.sim = await LiveSimTable.start({
                ...this.options,
                startAngleDeg: angleDeg,
            })
            for (const name of PAD_INPUTS)
                this.sim.setInput(name as LiveInput, this.levels[name])
            this.follow(this.sim)
            this.emit({
                kind: "notice",
                name: `the firmware runs again (a fresh VM, at ${angleDeg.toFixed(1)} deg)`,
            })
        } catch (e) {
            this.fatal = `the simulated table could not be started again: ${(e as Error).message}`
        } finally {
            this.restarting = null
        }
    }
}
