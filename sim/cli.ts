// `npm run sim -- SCENARIO.json [--trace OUT.csv] [--plot OUT.svg] [--firmware]`
//
// Exit codes: 0 for a valid scenario that ran (faults of the table are results, not errors); 2 for a
// bad argument or an invalid scenario, with one line on standard error and nothing simulated; 3 when
// --firmware cannot run the firmware (port taken, firmware not built, VM did not start, firmware
// stopped), with one line on standard error; anything else is a bug in the simulator or the
// controller (a stack trace, exit 1).

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

export interface CliIo {
    out: (text: string) => void
    err: (text: string) => void
}

const processIo: CliIo = {
    // process.stdout.write, not fs.writeSync(1): a non-blocking pipe makes writeSync fail with EAGAIN.
    out: text => process.stdout.write(text),
    err: text => process.stderr.write(text),
}

/** A problem with what the user gave us: reported in one line, exit 2. */
class BadInput extends Error {}

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
    writer: TraceWriter
    /** every row, for the plot; empty when no plot is asked for */
    rows: TraceRow[]
    summary: SummaryBuilder | null
    count: number
    add(row: TraceRow): void
}

function openRowSink(args: SimArgs, io: CliIo): RowSink {
    const writer = openWriter(args.tracePath, io)
    const keepRows = args.plotPath !== null
    const sink: RowSink = {
        writer,
        rows: [],
        summary: args.tracePath !== null ? new SummaryBuilder() : null,
        count: 0,
        add(row) {
            writer.write(row)
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
    sink.writer.close()
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
    let report
    try {
        report = await runScenarioOnFirmware(scenario, row => sink.add(row))
    } catch (e) {
        if (args.tracePath !== null) {
            sink.writer.close()
            fs.rmSync(args.tracePath, { force: true })
        }
        throw e
    }
    sink.writer.close()
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

/** The plot, and (when the trace went to a file, so standard output is free) where things went and a summary. */
function finish(
    scenario: Scenario,
    args: SimArgs,
    io: CliIo,
    sink: RowSink,
    notes: string[]
): void {
    if (args.plotPath !== null)
        fs.writeFileSync(
            args.plotPath,
            renderPlotSvg(sink.rows, scenario.name, {
                events: scenario.events,
                settings: scenario.settings,
            })
        )
    if (args.tracePath !== null && sink.summary !== null) {
        io.out("trace: " + args.tracePath + " (" + sink.count + " rows)\n")
        if (args.plotPath !== null) io.out("plot:  " + args.plotPath + "\n")
        for (const note of notes) io.out(note + "\n")
        io.out(formatSummary(sink.summary.result()))
    }
}

function readScenarioText(file: string): string {
    try {
        return fs.readFileSync(file, "utf8")
    } catch (e) {
        throw new BadInput(
            file +
                ": cannot read the scenario file (" +
                describeFsError(e) +
                ")"
        )
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

/** The file need not exist yet, but its folder must, and neither may refuse writing. */
function checkWritable(file: string): void {
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

function openWriter(tracePath: string | null, io: CliIo): TraceWriter {
    if (tracePath === null) return streamTraceWriter(io.out)
    try {
        return openTraceFile(tracePath)
    } catch (e) {
        throw new BadInput(
            tracePath + ": cannot write the trace (" + describeFsError(e) + ")"
        )
    }
}

function describeFsError(e: unknown): string {
    const code = (e as { code?: string }).code
    if (code === "ENOENT") return "no such file or folder"
    if (code === "EISDIR") return "is a folder"
    if (code === "EACCES" || code === "EPERM") return "permission denied"
    if (code === "ENOTDIR") return "a part of the path is not a folder"
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
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "EPIPE") throw e
        process.exit(0)
    })
    void runSimCli(process.argv.slice(2)).then(code => {
        process.exitCode = code
        // Exit when the work is done, even if a library left a timer behind (jacdac-ts's bus).
        setTimeout(() => process.exit(code), 1000).unref()
    })
}
