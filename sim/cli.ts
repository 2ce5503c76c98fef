// `npm run sim -- SCENARIO.json [--trace OUT.csv] [--plot OUT.svg] [--firmware]`
//
// Exit codes: 0 for a valid scenario that ran (faults of the table are results, not errors); 2 for a
// bad argument or an invalid scenario, with one line on standard error and nothing simulated; 3 when
// --firmware cannot run the firmware (port taken, firmware not built, VM did not start, firmware
// stopped), with one line on standard error; 4 when the trace or the plot could not be written
// while running (disk full, I/O error), one line; 130 when Ctrl-C ended a --firmware run (what was
// simulated is written, and standard error says so); anything else is a bug in the simulator or the
// controller (a stack trace, exit 1).
//
// The trace goes to --trace's file, or to standard output when neither --trace nor --plot is given
// (`npm run --silent sim -- x.json > x.csv`: without --silent npm prints its banner there too).
// Missing folders of --trace and --plot are created. --firmware reports its progress (simulated
// time, state) on standard error.

import * as fs from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { ArgsError, parseSimArgs, SimArgs, USAGE } from "./args"
import { renderPlotSvg } from "./plot"
import { FirmwareLoopError } from "./firmware/errors"
import { runScenarioOnFirmware } from "./firmware/runner"
import { runScenario } from "./run"
import { parseScenario, Scenario, ScenarioError } from "./scenario"
import { formatSummary, SummaryBuilder } from "./summary"
import {
    openTraceFile,
    streamTraceWriter,
    TraceRow,
    TraceWriter,
} from "./trace"

export const EXIT_OK = 0
export const EXIT_BAD_INPUT = 2
export const EXIT_FIRMWARE = 3
export const EXIT_OUTPUT = 4
export const EXIT_INTERRUPTED = 130

/** The largest scenario file read (the shipped ones are a few kB; a two-hour scenario fits easily). */
export const MAX_SCENARIO_BYTES = 1 << 20
/** --firmware's progress line, this often (real time). */
export const PROGRESS_EVERY_MS = 2000

export interface CliIo {
    out: (text: string) => void
    err: (text: string) => void
    /** --firmware's progress (one line, no newline; a terminal redraws it in place) */
    progress?: (text: string) => void
    /** the end of the progress lines */
    endProgress?: () => void
    /** ends a --firmware run early (Ctrl-C): what was simulated is written */
    interrupt?: AbortSignal
}

const processIo: CliIo = {
    // process.stdout.write, not fs.writeSync(1): a non-blocking pipe makes writeSync fail with EAGAIN.
    out: text => process.stdout.write(text),
    err: text => process.stderr.write(text),
}

/** A problem with what the user gave us: reported in one line, exit 2. */
class BadInput extends Error {}
/** An output that could not be written while running: one line, exit 4. */
class OutputError extends Error {}

/** The whole command; resolves to its exit code. */
export async function runSimCli(
    argv: readonly string[],
    io: CliIo = processIo
): Promise<number> {
    try {
        return await run(argv, io)
    } catch (e) {
        if (e instanceof BadInput || e instanceof ScenarioError) {
            io.err(oneLine(e.message) + "\n")
            return EXIT_BAD_INPUT
        }
        if (e instanceof OutputError) {
            io.err("sim: " + oneLine(e.message) + "\n")
            return EXIT_OUTPUT
        }
        if (e instanceof FirmwareLoopError) {
            io.err("sim: --firmware: " + oneLine(e.message) + "\n")
            return EXIT_FIRMWARE
        }
        throw e
    }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
    let args: SimArgs
    try {
        args = parseSimArgs(argv)
    } catch (e) {
        if (e instanceof ArgsError)
            throw new BadInput("sim: " + e.message + " (usage: " + USAGE + ")")
        throw e
    }
    if (args.help) {
        io.out("usage: " + USAGE + "\n")
        return EXIT_OK
    }

    const scenario = parseScenario(
        readScenarioText(args.scenarioPath),
        args.scenarioPath
    )
    checkOutputPaths(args)

    if (args.firmware) return runOnFirmware(scenario, args, io)
    return runOnHost(scenario, args, io)
}

/**
 * Where the rows go: the trace writer, the summary (when the trace goes to a file, so standard
 * output is free for it), and a list only when the plot needs them all.
 */
interface RowSink {
    /** null: no trace (only a plot was asked for) */
    writer: TraceWriter | null
    /** every row, for the plot; empty when no plot is asked for */
    rows: TraceRow[]
    summary: SummaryBuilder | null
    count: number
    add(row: TraceRow): void
}

function openRowSink(args: SimArgs, io: CliIo): RowSink {
    // The CSV goes to standard output only when no file was asked for at all.
    const toStdout = args.tracePath === null && args.plotPath === null
    const writer =
        args.tracePath !== null
            ? openWriter(args.tracePath)
            : toStdout
              ? streamTraceWriter(io.out)
              : null
    const keepRows = args.plotPath !== null
    const sink: RowSink = {
        writer,
        rows: [],
        summary: toStdout ? null : new SummaryBuilder(),
        count: 0,
        add(row) {
            if (writer !== null) writer.write(row)
            sink.count++
            if (sink.summary !== null) sink.summary.add(row)
            if (keepRows) sink.rows.push(row)
        },
    }
    return sink
}

function runOnHost(scenario: Scenario, args: SimArgs, io: CliIo): number {
    const sink = openRowSink(args, io)
    runScenario(scenario, row => sink.add(row))
    sink.writer?.close()
    finish(scenario, args, io, sink, [])
    return EXIT_OK
}

/**
 * Firmware-in-the-loop: the same scenario against the compiled firmware in the DeviceScript VM, in
 * real time (sim/firmware/). If the firmware cannot run, a trace file begun is removed, and what
 * was still buffered for standard output is dropped.
 */
async function runOnFirmware(
    scenario: Scenario,
    args: SimArgs,
    io: CliIo
): Promise<number> {
    const sink = openRowSink(args, io)
    let last: TraceRow | null = null
    const progress = setInterval(() => {
        if (io.progress && last !== null)
            io.progress(
                "firmware: " +
                    last.tS.toFixed(1) +
                    " s of " +
                    scenario.durationS +
                    " s simulated, state " +
                    last.state +
                    " (real time; Ctrl-C writes what was simulated)"
            )
    }, PROGRESS_EVERY_MS)
    let report
    try {
        report = await runScenarioOnFirmware(
            scenario,
            row => {
                last = row
                sink.add(row)
            },
            { signal: io.interrupt }
        )
    } catch (e) {
        clearInterval(progress)
        io.endProgress?.()
        if (io.interrupt?.aborted)
            return interrupted(scenario, args, io, sink, last)
        if (args.tracePath !== null) {
            sink.writer?.close()
            removeIfFile(args.tracePath)
        }
        throw e
    } finally {
        clearInterval(progress)
    }
    io.endProgress?.()
    sink.writer?.close()
    const cycles = report.boots.length - 1
    finish(scenario, args, io, sink, [
        "firmware: " +
            report.firmwareTicks +
            " ticks in " +
            (report.wallMs / 1000).toFixed(1) +
            " s real time, " +
            cycles +
            " power cycle" +
            (cycles === 1 ? "" : "s") +
            "; firmware step max " +
            report.maxFirmwareStepMs +
            " ms, host late max " +
            report.maxHostLateMs.toFixed(1) +
            " ms",
    ])
    return EXIT_OK
}

/**
 * Ctrl-C ended a --firmware run: the rows simulated so far are written (the trace closed, the plot
 * drawn), and standard error says how far it got. Exit 130.
 */
function interrupted(
    scenario: Scenario,
    args: SimArgs,
    io: CliIo,
    sink: RowSink,
    last: TraceRow | null
): number {
    sink.writer?.close()
    const upTo =
        last !== null ? "to " + last.tS.toFixed(2) + " s of " : "nothing of "
    const where =
        args.tracePath !== null
            ? args.tracePath + " holds them"
            : args.plotPath !== null
              ? "the plot shows them"
              : "the trace above holds them"
    io.err(
        "sim: --firmware interrupted (Ctrl-C): " +
            sink.count +
            " rows simulated (" +
            upTo +
            scenario.durationS +
            " s); " +
            where +
            "\n"
    )
    finish(scenario, args, io, sink, ["interrupted: the run is incomplete"])
    return EXIT_INTERRUPTED
}

/** Removes a trace begun, when it is a regular file (never /dev/null or a device given as --trace). */
function removeIfFile(file: string): void {
    try {
        if (fs.statSync(file).isFile()) fs.rmSync(file, { force: true })
    } catch {
        // gone already
    }
}

/** The plot, and (when the trace went to a file, so standard output is free) where things went and a summary. */
function finish(
    scenario: Scenario,
    args: SimArgs,
    io: CliIo,
    sink: RowSink,
    notes: string[]
): void {
    if (args.plotPath !== null) {
        const svg = renderPlotSvg(sink.rows, scenario.name, {
            events: scenario.events,
            settings: scenario.settings,
        })
        try {
            fs.writeFileSync(args.plotPath, svg)
        } catch (e) {
            throw new OutputError(
                args.plotPath +
                    ": cannot write the plot (" +
                    describeFsError(e) +
                    ")"
            )
        }
    }
    if (sink.summary !== null) {
        if (args.tracePath !== null)
            io.out("trace: " + args.tracePath + " (" + sink.count + " rows)\n")
        if (args.plotPath !== null) io.out("plot:  " + args.plotPath + "\n")
        for (const note of notes) io.out(note + "\n")
        io.out(formatSummary(sink.summary.result()))
    }
}

/**
 * The scenario's text: a regular file of at most MAX_SCENARIO_BYTES. A FIFO, a device (/dev/zero)
 * or a socket is refused without reading it (opened non-blocking: a FIFO does not wait for a writer).
 */
function readScenarioText(file: string): string {
    const cannot = (why: string) =>
        new BadInput(file + ": cannot read the scenario file (" + why + ")")
    let fd: number
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
    } catch (e) {
        throw cannot(describeFsError(e))
    }
    try {
        const stat = fs.fstatSync(fd)
        if (stat.isDirectory()) throw cannot("is a folder")
        if (!stat.isFile())
            throw cannot(
                "not a regular file: a FIFO, a device or a socket is not read"
            )
        const tooBig = () =>
            cannot("larger than " + MAX_SCENARIO_BYTES + " bytes")
        if (stat.size > MAX_SCENARIO_BYTES) throw tooBig()
        // Read at most one byte past the cap, whatever the size said (a file that grows).
        const buf = Buffer.alloc(MAX_SCENARIO_BYTES + 1)
        let n = 0
        for (;;) {
            const got = fs.readSync(fd, buf, n, buf.length - n, null)
            if (got === 0) break
            n += got
            if (n > MAX_SCENARIO_BYTES) throw tooBig()
        }
        return buf.toString("utf8", 0, n)
    } catch (e) {
        if (e instanceof BadInput) throw e
        throw cannot(describeFsError(e))
    } finally {
        fs.closeSync(fd)
    }
}

/** Refuses outputs that would clobber the scenario or each other, or that cannot be written. */
function checkOutputPaths(args: SimArgs): void {
    const scenario = path.resolve(args.scenarioPath)
    const outputs = [args.tracePath, args.plotPath].filter(
        (p): p is string => p !== null
    )
    for (const out of outputs) {
        if (path.resolve(out) === scenario)
            throw new BadInput(
                out +
                    ": is the scenario file itself; choose another output file"
            )
        checkWritable(out)
    }
    if (
        args.tracePath !== null &&
        args.plotPath !== null &&
        path.resolve(args.tracePath) === path.resolve(args.plotPath)
    )
        throw new BadInput(
            args.tracePath + ": given as both --trace and --plot"
        )
}

/** The file need not exist yet, nor its folder (created here), but neither may refuse writing. */
function checkWritable(file: string): void {
    try {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    } catch (e) {
        throw new BadInput(
            file + ": cannot write here (" + describeFsError(e) + ")"
        )
    }
    let stat: fs.Stats | null = null
    try {
        stat = fs.statSync(file)
    } catch {
        // does not exist yet: check the folder below
    }
    try {
        if (stat !== null) {
            if (stat.isDirectory())
                throw new BadInput(file + ": is a folder, expected a file name")
            fs.accessSync(file, fs.constants.W_OK)
        } else {
            fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK)
        }
    } catch (e) {
        if (e instanceof BadInput) throw e
        throw new BadInput(
            file + ": cannot write here (" + describeFsError(e) + ")"
        )
    }
}

/** The trace file, opened at once; a write that fails later (disk full) is an OutputError. */
function openWriter(tracePath: string): TraceWriter {
    let writer: TraceWriter
    try {
        writer = openTraceFile(tracePath)
    } catch (e) {
        throw new BadInput(
            tracePath + ": cannot write the trace (" + describeFsError(e) + ")"
        )
    }
    const failed = (e: unknown) =>
        new OutputError(
            tracePath +
                ": cannot write the trace (" +
                describeFsError(e) +
                "); what was written is incomplete"
        )
    return {
        write(row) {
            try {
                writer.write(row)
            } catch (e) {
                throw failed(e)
            }
        },
        close() {
            try {
                writer.close()
            } catch (e) {
                throw failed(e)
            }
        },
    }
}

function describeFsError(e: unknown): string {
    const code = (e as { code?: string }).code
    if (code === "ENOENT") return "no such file or folder"
    if (code === "EISDIR") return "is a folder"
    if (code === "EACCES" || code === "EPERM") return "permission denied"
    if (code === "ENOTDIR") return "a part of the path is not a folder"
    if (code === "ENOSPC") return "no space left on the device"
    if (code === "EIO") return "input/output error"
    if (code === "EROFS") return "a read-only file system"
    return e instanceof Error ? e.message : String(e)
}

function oneLine(text: string): string {
    return text.replace(/[\r\n]+/g, " ")
}

// Run only when started as a program, so tests can import runSimCli.
if (
    process.argv[1] !== undefined &&
    pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url
) {
    // `npm run sim -- x.json | head`: the reader has seen enough; stop quietly, as Unix tools do.
    // Any other failure of standard output (`> /dev/full`): one line, exit 4.
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "EPIPE") process.exit(0)
        process.stderr.write(
            "sim: cannot write to standard output (" +
                describeFsError(e) +
                ")\n"
        )
        process.exit(EXIT_OUTPUT)
    })
    // Ctrl-C ends a --firmware run with what was simulated written; a second one ends at once. A
    // host run (seconds, one synchronous loop) keeps Node's default: Ctrl-C ends it at once.
    const interrupt = new AbortController()
    if (process.argv.includes("--firmware"))
        process.on("SIGINT", () => {
            if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED)
            interrupt.abort("interrupted (Ctrl-C)")
        })
    const tty = process.stderr.isTTY === true
    let progressShown = false
    const io: CliIo = {
        ...processIo,
        interrupt: interrupt.signal,
        progress: text => {
            if (tty) {
                process.stderr.write("\r\x1b[2K" + text)
                progressShown = true
            } else process.stderr.write(text + "\n")
        },
        endProgress: () => {
            if (progressShown) process.stderr.write("\r\x1b[2K")
            progressShown = false
        },
    }
    void runSimCli(process.argv.slice(2), io).then(code => {
        process.exitCode = code
        // Exit when the work is done, even if a library left a timer behind (jacdac-ts's bus).
        setTimeout(() => process.exit(code), 1000).unref()
    })
}
