// The page's real table: its Jacdac service over USB serial (sim/console/serialTransport.ts), read
// only: the pad is the table's own, and nothing is injected. What the page shows is what the table's
// telemetry and registers say (no true angle, no motor duty: the service does not report them).
// The trace offered for download is the telemetry at 10 Hz in the console's `log` layout.

import { ScenarioFault } from "../scenario"
import { csvRow, CSV_HEADER, Telemetry } from "../console/format"
import { BusLink } from "../console/transport"
import { ServiceWatch } from "./serviceWatch"
import {
    emptySnapshot,
    Mark,
    PadInput,
    programView,
    reasonsByName,
    soundOf,
    TableSnapshot,
} from "./snapshot"
import { TableSource } from "./source"
import { MAX_TRACE_ROWS } from "./traceRecorder"

export class SerialSource implements TableSource {
    readonly mode = "serial" as const
    readonly readOnly = true
    readonly fatal: string | null = null
    private readonly watch: ServiceWatch
    private rows: string[] = []
    private firstAtMs: number | null = null
    private lastFaults: string[] = []
    private readonly markListeners = new Set<
        (mark: Omit<Mark, "tMs">) => void
    >()

    /** `connect` opens the serial link (again, after it was lost). */
    constructor(private readonly connect: () => Promise<BusLink>) {
        this.watch = new ServiceWatch(connect)
        this.watch.onTelemetry((t, atMs) => this.record(t, atMs))
    }

    snapshot(tMs: number): TableSnapshot {
        const s = emptySnapshot(this.mode, tMs)
        const v = this.watch.view
        const t = v.telemetry
        const fresh = performance.now() - v.telemetryAtMs < 1000
        s.connected = fresh && v.problem === null
        s.problem = v.problem ?? (fresh ? null : "no telemetry from the table")
        if (t !== null) {
            s.estDeg = t.angleDeg
            s.targetDeg = t.targetDeg
            s.rateDps = t.rateDps
            s.state = t.state
            s.faults = t.faults.slice()
            s.sessionS = t.sessionInvertedS
            s.warning = t.warning
            s.alarm = t.alarm
            s.sound = soundOf(t.alarm, t.warning, t.faults)
            s.latch = t.latch
            s.grip = t.grip
            s.settingsUnsaved = t.unsaved
        }
        s.faultReasons = reasonsByName(v.faultReasons)
        s.capDeg = v.capDeg
        s.homeDeg = v.homeDeg
        s.sessionLimitS = v.sessionLimitS
        s.warningsAcknowledged = v.warningsAcknowledged
        s.program = programView(v.countedSessions, v.sessionLimitS, v.records)
        return s
    }

    setInput(_name: PadInput, _level: boolean): void {
        throw new Error("a real table is read only here: use its own pad")
    }

    async inject(_fault: ScenarioFault): Promise<void> {
        throw new Error("faults are injected into simulated tables only")
    }

    consoleLink(): Promise<BusLink> {
        return this.connect()
    }

    traceCsv(): string {
        return CSV_HEADER + "\n" + this.rows.join("")
    }

    onMark(listener: (mark: Omit<Mark, "tMs">) => void): () => void {
        this.markListeners.add(listener)
        return () => this.markListeners.delete(listener)
    }

    async close(): Promise<void> {
        await this.watch.close()
    }

    private record(t: Telemetry, atMs: number): void {
        this.firstAtMs ??= atMs
        this.rows.push(csvRow((atMs - this.firstAtMs) / 1000, t) + "\n")
        if (this.rows.length > MAX_TRACE_ROWS) this.rows.shift()
        for (const f of t.faults)
            if (this.lastFaults.indexOf(f) < 0)
                this.emit({ kind: "fault", name: f })
        for (const f of this.lastFaults)
            if ((t.faults as string[]).indexOf(f) < 0)
                this.emit({ kind: "clear", name: f })
        this.lastFaults = t.faults
    }

    private emit(mark: Omit<Mark, "tMs">): void {
        for (const l of Array.from(this.markListeners)) l(mark)
    }
}
