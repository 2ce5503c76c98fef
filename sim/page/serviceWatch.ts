// What a table tells over its Jacdac service, kept up to date for the page: the telemetry at the
// table's 10 Hz (streamed while the page server runs) and, once a second, the registers telemetry
// does not carry (the effective deepest angle, the fault reasons and the records' revision, with the
// program's count, session limit and records read again when it moves; every 5 s the first-use
// acknowledgement, the home angle and the session limit). Used for the firmware in the VM and for a
// real table; every read is the console's own TableClient's. A lost or silent table is retried every
// RETRY_MS.

import { SessionRecord } from "../../src/control/sessions"
import {
    REG_EFFECTIVE_MAX_ANGLE,
    REG_FAULT_REASONS,
    REG_RECORDS_REVISION,
} from "../../src/service/protocol"
import { Telemetry } from "../console/format"
import { TableClient } from "../console/table"
import { BusLink } from "../console/transport"

export const RETRY_MS = 1000
export const REGISTERS_EVERY_MS = 1000
/** The settings and the acknowledgement are read every this many rounds. */
export const SLOW_REGISTERS_EVERY = 5

export interface ServiceView {
    telemetry: Telemetry | null
    /** performance.now() of the last telemetry report */
    telemetryAtMs: number
    capDeg: number | null
    faultReasons: string
    warningsAcknowledged: boolean | null
    homeDeg: number | null
    /** the session's time limit now (the setting, or the program's shorter one) */
    sessionLimitS: number | null
    countedSessions: number | null
    /** the session records, newest first (read again when the table's records_revision changes) */
    records: SessionRecord[] | null
    /** why the table does not answer now, or null */
    problem: string | null
}

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))

export class ServiceWatch {
    readonly view: ServiceView = {
        telemetry: null,
        telemetryAtMs: -Infinity,
        capDeg: null,
        faultReasons: "",
        warningsAcknowledged: null,
        homeDeg: null,
        sessionLimitS: null,
        countedSessions: null,
        records: null,
        problem: "connecting to the table's service",
    }
    private readonly stop = new AbortController()
    private readonly listeners = new Set<(t: Telemetry, atMs: number) => void>()
    private readonly done: Promise<void>

    /** `connect` gives a fresh link each time it is called (after the previous one was lost). */
    constructor(private readonly connect: () => Promise<BusLink>) {
        this.done = this.run()
    }

    /** Every telemetry report, with its arrival time. */
    onTelemetry(listener: (t: Telemetry, atMs: number) => void): () => void {
        this.listeners.add(listener)
        return () => this.listeners.delete(listener)
    }

    async close(): Promise<void> {
        this.stop.abort()
        await this.done
    }

    private async run(): Promise<void> {
        while (!this.stop.signal.aborted) {
            let link: BusLink | null = null
            let client: TableClient | null = null
            try {
                link = await this.connect()
                client = await TableClient.open(link)
                this.view.problem = null
                const streaming = client.stream((t, atMs) => {
                    this.view.telemetry = t
                    this.view.telemetryAtMs = atMs
                    for (const l of Array.from(this.listeners)) l(t, atMs)
                }, this.stop.signal)
                const reading = this.readRegisters(client)
                await Promise.race([streaming, reading])
                await Promise.allSettled([streaming, reading])
            } catch (e) {
                this.view.problem = (e as Error).message
            } finally {
                client?.dispose()
                await link?.close().catch(() => {})
            }
            if (!this.stop.signal.aborted) await sleep(RETRY_MS)
        }
    }

    private async readRegisters(client: TableClient): Promise<void> {
        const v = this.view
        // Every reply costs the firmware's packet budget (shared with its motor): the deepest angle
        // and the fault reasons once a second, the settings and the acknowledgement less often.
        let recordsRevision = -1
        for (let round = 0; !this.stop.signal.aborted; round++) {
            v.capDeg = await client.readNumber(
                REG_EFFECTIVE_MAX_ANGLE,
                "effective_max_angle"
            )
            v.faultReasons =
                (v.telemetry?.faults.length ?? 0) > 0
                    ? await client.readString(
                          REG_FAULT_REASONS,
                          "fault_reasons"
                      )
                    : ""
            if (round % SLOW_REGISTERS_EVERY === 0) {
                v.warningsAcknowledged = await client.warningsAcknowledged()
                v.homeDeg = (await client.readSetting("homeDeg")) as number
                v.sessionLimitS = (await client.progress()).sessionLimitS
            }
            // The program's figures and records change when a session starts or ends, or by a
            // technician: read again when the records' revision moves (or a new table answers).
            const revision = await client.readNumber(
                REG_RECORDS_REVISION,
                "records_revision"
            )
            if (revision !== recordsRevision || round === 0) {
                const p = await client.progress()
                v.countedSessions = p.countedSessions
                v.sessionLimitS = p.sessionLimitS
                v.records = (await client.sessionRecords()).records
                recordsRevision = revision
            }
            await sleep(REGISTERS_EVERY_MS)
        }
    }
}
