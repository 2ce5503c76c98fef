// The page's host table: HostLiveTable (the host controller against the model in real time) and
// its Jacdac service for the console pane. Everything the controller reports is at hand here.

import { ScenarioFault } from "../scenario"
import { LiveInput } from "../console/liveSim"
import { BusLink } from "../console/transport"
import { HostLiveOptions, HostLiveTable } from "./hostLive"
import { HostTableService } from "./hostService"
import {
    emptySnapshot,
    Mark,
    PadInput,
    PAD_INPUTS,
    reasonsByName,
    releasedPad,
    programView,
    soundName,
    TableSnapshot,
} from "./snapshot"
import { TableSource } from "./source"
import { TraceRecorder, traceSeconds } from "./traceRecorder"

export class HostSource implements TableSource {
    readonly mode = "host" as const
    readonly readOnly = false
    readonly fatal: string | null = null
    private readonly trace = new TraceRecorder()
    private readonly offStep: () => void

    private constructor(
        readonly table: HostLiveTable,
        readonly service: HostTableService,
        originMs: number
    ) {
        this.offStep = table.onStep(out => {
            this.trace.add({
                tS: traceSeconds(performance.now() - originMs),
                angleDeg: table.model.angleDeg,
                estDeg: out.estDeg,
                targetDeg: out.targetDeg,
                rateDps: table.model.rateDps,
                duty: out.duty,
                state: out.state,
                faults: out.faults.slice(),
                latch: out.latch,
                deadman: out.grip,
                capDeg: out.effectiveMaxDeg,
                sessionS: out.sessionInvertedS,
                sound: out.sound,
            })
        })
    }

    static async start(
        originMs: number,
        options: HostLiveOptions = {}
    ): Promise<HostSource> {
        const table = await HostLiveTable.start(options)
        return new HostSource(table, new HostTableService(table), originMs)
    }

    snapshot(tMs: number): TableSnapshot {
        const s = emptySnapshot(this.mode, tMs)
        const t = this.table
        const out = t.outputs
        const ctl = t.controller
        s.connected = out !== null
        s.problem = t.problem ?? (out === null ? "powered off" : null)
        s.angleDeg = t.model.angleDeg
        s.rateDps = t.model.rateDps
        s.injected = t.model.activeFaults()
        const pad = releasedPad()
        for (const name of PAD_INPUTS) pad[name] = t.level(name as LiveInput)
        s.pad = pad
        s.settingsUnsaved = out !== null ? t.settingsUnsaved() : null
        if (out !== null && ctl !== null) {
            s.warningsAcknowledged = out.warningsAcknowledged
            s.estDeg = out.estDeg
            s.targetDeg = out.targetDeg
            s.duty = out.duty
            s.state = out.state
            s.faults = out.faults.slice()
            s.faultReasons = reasonsByName(out.faultReasons)
            s.capDeg = out.effectiveMaxDeg
            s.homeDeg = ctl.settings.homeDeg
            s.sessionS = out.sessionInvertedS
            s.sessionLimitS = out.sessionLimitS
            s.program = programView(
                out.countedSessions,
                out.sessionLimitS,
                t.sessionRecords()
            )
            s.warning = out.warning
            s.alarm = out.alarm
            s.sound = soundName(out.sound)
            s.latch = out.latch
            s.grip = out.grip
        } else {
            s.state = "off"
            s.homeDeg = t.storedSettings.homeDeg
            s.sessionLimitS = t.storedSettings.sessionLimitS
        }
        return s
    }

    setInput(name: PadInput, level: boolean): void {
        this.table.setInput(name as LiveInput, level)
    }

    async inject(fault: ScenarioFault): Promise<void> {
        if (fault === "power-cycle") await this.table.powerCycle()
        else if (fault === "clear") this.table.model.clearFaults()
        else this.table.model.injectFault(fault)
    }

    async consoleLink(): Promise<BusLink> {
        return this.service.link()
    }

    traceCsv(): string {
        return this.trace.csv()
    }

    onMark(listener: (mark: Omit<Mark, "tMs">) => void): () => void {
        return this.trace.onMark(listener)
    }

    async close(): Promise<void> {
        this.offStep()
        this.service.close()
        await this.table.close()
    }
}
