// The console's commands carried out against a table: one implementation for the interactive prompt
// and the one-shot command line. Each command prints its result through ConsoleIo and returns its
// exit code; an error is one line on the error stream (see exitCodes.ts for the codes).

import * as fs from "node:fs"
import * as path from "node:path"
import { settingSpec } from "../../src/control/settings"
import { CMD_SAVE } from "../../src/service/protocol"
import { Command, helpText } from "./commands"
import {
    ConsoleError,
    EXIT_OK,
    EXIT_REFUSED,
    RefusedError,
    UsageError,
} from "./exitCodes"
import {
    calibrationText,
    CSV_HEADER,
    csvRow,
    formatFaults,
    formatReport,
    formatSetting,
    formatSettings,
    formatStatus,
    Telemetry,
    watchLine,
} from "./format"
import { CALIBRATION_SETTLE_MS, refusesCommand, TableClient } from "./table"
import { formatProgress, formatSessions, sessionsCsv } from "./sessionsFormat"
import { isYes, ACK_QUESTION, warningsText } from "./warnings"

export interface ConsoleIo {
    /** text for standard output (a newline is added) */
    out(text: string): void
    /** one line for standard error (a newline is added) */
    err(text: string): void
    /** the live line of watch: redrawn in place on a terminal, one line each otherwise */
    live(text: string): void
    /** ends a run of live lines */
    endLive(): void
    /** asks a question and resolves with the answer line (null: no answer possible, e.g. end of input) */
    ask: ((question: string) => Promise<string | null>) | null
    /** what ends watch and log here: "Enter or Ctrl-C" at the prompt, "Ctrl-C" in one-shot mode */
    stopKeys?: string
}

/** After `save`, how long to watch last_error for the table's own storing failure (its saver runs every 100 ms). */
export const SAVE_CONFIRM_MS = 600

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))

/** After a calibration step, when the settings in use are not the stored ones. */
export const UNSAVED_NOTE =
    "not stored yet: save stores the settings (a restart without save brings back the stored ones)"

const ACK_NEEDS_YES =
    "ack: nothing recorded: after reading the warnings, run ack --yes"

/** `log FILE`: the file's folder must exist (a UsageError otherwise). */
function logFolder(file: string): void {
    const dir = path.dirname(path.resolve(file))
    if (!fs.existsSync(dir))
        throw new UsageError(`log: the folder ${dir} does not exist`)
}

/** Prints a ConsoleError's one line and returns its code; anything else is re-thrown (a bug). */
export function reportError(io: ConsoleIo, e: unknown): number {
    if (e instanceof ConsoleError) {
        io.err(e.message)
        return e.exitCode
    }
    throw e
}

export class TableConsole {
    constructor(
        private readonly table: () => Promise<TableClient>,
        private readonly io: ConsoleIo
    ) {}

    /**
     * Runs one command; resolves with its exit code. `signal` ends watch and log (Enter, Ctrl-C).
     * Never throws a ConsoleError: it is printed (one line) and its code returned.
     */
    async run(
        cmd: Command,
        signal: AbortSignal = new AbortController().signal
    ): Promise<number> {
        try {
            return await this.execute(cmd, signal)
        } catch (e) {
            return reportError(this.io, e)
        }
    }

    /**
     * What a command can be refused for before any table is asked (bad usage, exit 2): `log` into a
     * folder that does not exist, `ack` without --yes where nobody can answer (one-shot). Resolves
     * with the exit code when the command ended here (its error printed), null when it may go on.
     */
    preflight(cmd: Command): number | null {
        try {
            if (cmd.kind === "log") logFolder(cmd.file)
            if (cmd.kind === "ack" && !cmd.yes && this.io.ask === null) {
                this.io.out(warningsText())
                throw new UsageError(ACK_NEEDS_YES)
            }
        } catch (e) {
            return reportError(this.io, e)
        }
        return null
    }

    private async execute(cmd: Command, signal: AbortSignal): Promise<number> {
        const io = this.io
        switch (cmd.kind) {
            case "empty":
            case "quit":
                return EXIT_OK
            case "help":
                io.out(helpText(cmd.topic))
                return EXIT_OK
            case "status":
                io.out(formatStatus(await (await this.table()).status()))
                return EXIT_OK
            case "get": {
                const table = await this.table()
                if (cmd.key === null)
                    io.out(formatSettings(await table.readAllSettings()))
                else
                    io.out(
                        formatSetting(cmd.key, await table.readSetting(cmd.key))
                    )
                return EXIT_OK
            }
            case "set": {
                const table = await this.table()
                const { value, changed } = await table.writeSetting(
                    cmd.key,
                    cmd.value
                )
                const spec = settingSpec(cmd.key)!
                const note = cmd.rounded
                    ? ` (rounded to 0.01 from what was typed)`
                    : ""
                io.out(
                    `${formatSetting(cmd.key, value)}${note}: ` +
                        (changed
                            ? "taken by the table, in use now; save stores it (a restart without save brings back the stored value)"
                            : "the table already had this value")
                )
                if (spec.group === "calibration")
                    io.out(
                        "note: this is a calibration value; the calibrate steps measure it"
                    )
                return EXIT_OK
            }
            case "calibrate": {
                const table = await this.table()
                const outcome = await table.calibrate(cmd.step, reading => {
                    if (
                        reading.step === cmd.step &&
                        reading.status === "running"
                    )
                        io.out(`  ${calibrationText(reading)}`)
                })
                const line = `calibrate ${cmd.step}: ${outcome.status}: ${outcome.message}`
                if (outcome.status === "done") {
                    io.out(line)
                    // A step that measured a setting leaves it in use and not stored (the axis
                    // check measures none): the table's Unsaved flag says which.
                    await sleep(CALIBRATION_SETTLE_MS)
                    if ((await table.telemetry()).unsaved) io.out(UNSAVED_NOTE)
                    return EXIT_OK
                }
                io.err(line)
                return EXIT_REFUSED
            }
            case "save": {
                const table = await this.table()
                const seq = await table.save()
                // The table stores in a fiber of its own; a failure shows in last_error shortly
                // after, as a refusal of this save (its seq).
                await sleep(SAVE_CONFIRM_MS)
                const lastError = await table.lastError()
                if (refusesCommand(lastError, CMD_SAVE, seq))
                    throw new RefusedError(
                        `the table could not store the settings: ${lastError!.reason}`,
                        lastError
                    )
                io.out("settings stored in the table's flash")
                return EXIT_OK
            }
            case "defaults": {
                await (await this.table()).restoreDefaults()
                io.out(
                    "every setting is back to its default, calibration included, in use now; save stores them (a restart without save brings back the stored ones)"
                )
                return EXIT_OK
            }
            case "report": {
                const table = await this.table()
                const values = await table.readAllSettings()
                io.out(
                    formatReport(values, [
                        `settings of the inversion table ${table.deviceId}, read ${new Date().toISOString()}`,
                    ])
                )
                return EXIT_OK
            }
            case "faults": {
                const { faults, reasons } = await (await this.table()).faults()
                io.out(formatFaults(faults, reasons))
                return EXIT_OK
            }
            case "watch": {
                const table = await this.table()
                io.out(
                    cmd.seconds === null
                        ? `watching (${io.stopKeys ?? "Ctrl-C"} to stop)`
                        : `watching for ${cmd.seconds} s`
                )
                try {
                    await table.stream(
                        (t: Telemetry) => io.live(watchLine(t)),
                        signal,
                        cmd.seconds
                    )
                } finally {
                    io.endLive()
                }
                return EXIT_OK
            }
            case "log":
                return this.log(cmd.file, cmd.seconds, signal)
            case "ack":
                return this.ack(cmd.yes)
            case "sessions":
                return this.sessions(cmd.csv)
            case "progress":
                return this.progress(cmd.count, cmd.reason)
        }
    }

    private async sessions(csv: string | null): Promise<number> {
        const { records, unreadable } = await (
            await this.table()
        ).sessionRecords()
        if (csv === null) {
            this.io.out(formatSessions(records, unreadable))
            return EXIT_OK
        }
        try {
            fs.mkdirSync(path.dirname(path.resolve(csv)), { recursive: true })
            fs.writeFileSync(csv, sessionsCsv(records))
        } catch (e) {
            throw new UsageError(
                `sessions: cannot write ${csv}: ${(e as Error).message}`
            )
        }
        this.io.out(`${records.length} session(s) written to ${csv}`)
        return EXIT_OK
    }

    private async progress(
        count: number | null,
        reason: string | null
    ): Promise<number> {
        const table = await this.table()
        if (count !== null && reason !== null) {
            await table.setCountedSessions(count, reason)
            this.io.out(
                `counted sessions set to ${count} (recorded in the session records: "${reason}")`
            )
        }
        const p = await table.progress()
        const s = await table.status()
        this.io.out(
            formatProgress({
                countedSessions: p.countedSessions,
                sessionLimitS: p.sessionLimitS,
                effectiveMaxDeg: s.effectiveMaxDeg,
                warningsAcknowledged: s.warningsAcknowledged,
            })
        )
        return EXIT_OK
    }

    private async log(
        file: string,
        seconds: number | null,
        signal: AbortSignal
    ): Promise<number> {
        logFolder(file)
        const table = await this.table()
        let fd: number
        try {
            fd = fs.openSync(file, "w")
        } catch (e) {
            throw new UsageError(
                `log: cannot write ${file}: ${(e as Error).message}`
            )
        }
        let rows = 0
        try {
            fs.writeSync(fd, CSV_HEADER + "\n")
            this.io.out(
                `logging telemetry to ${file}` +
                    (seconds === null
                        ? ` (${this.io.stopKeys ?? "Ctrl-C"} to stop)`
                        : ` for ${seconds} s`)
            )
            let t0: number | null = null
            await table.stream(
                (t, atMs) => {
                    t0 ??= atMs
                    fs.writeSync(fd, csvRow((atMs - t0) / 1000, t) + "\n")
                    rows++
                },
                signal,
                seconds
            )
        } finally {
            fs.closeSync(fd)
        }
        this.io.out(`${rows} rows written to ${file}`)
        return EXIT_OK
    }

    private async ack(yes: boolean): Promise<number> {
        const io = this.io
        io.out(warningsText())
        let agreed = yes
        if (!agreed) {
            if (io.ask === null) throw new UsageError(ACK_NEEDS_YES)
            agreed = isYes(await io.ask(ACK_QUESTION))
            if (!agreed) {
                io.out("Not acknowledged: nothing was recorded on the table.")
                return EXIT_OK
            }
        }
        const acknowledged = await (await this.table()).acknowledgeWarnings()
        if (!acknowledged)
            throw new RefusedError(
                "the table took the acknowledgement but does not show it (warnings_acknowledged reads false)"
            )
        io.out("Acknowledged: recorded on the table.")
        return EXIT_OK
    }

    /** The first-use notice: when the table's warnings are not acknowledged, show them and offer ack. */
    async firstUseNotice(): Promise<boolean> {
        try {
            const table = await this.table()
            if (await table.warningsAcknowledged()) return false
        } catch (e) {
            reportError(this.io, e)
            return false
        }
        this.io.out(
            "This table's first-use warnings have not been acknowledged yet."
        )
        this.io.out(warningsText())
        this.io.out(
            "Type ack to acknowledge them on the table (after the user has read them)."
        )
        return true
    }
}
