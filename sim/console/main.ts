// `npm run console -- [--sim] [COMMAND ARGS...]`: the table's calibration console.
//
//   no command   interactive: a prompt with history, Tab completion and help
//   a command    one-shot: runs it, prints the result, exits with its code (exitCodes.ts)
//   --sim        the simulated table: if nothing serves ws://127.0.0.1:8081, one is started here
//                (the firmware in the DeviceScript VM, at home, latch open, nothing pressed, in real
//                time) for as long as the console runs, and stopped on exit; if something serves
//                the bus (a harness, a test, another console's simulated table), the console just
//                connects to it
//   --serial PORT  a real table on this USB serial port, opened here (serialTransport.ts)
//   otherwise    a real table over USB: `npx devs devtools --serial` serves its serial link on
//                ws://127.0.0.1:8081; without it the console says so and exits 3
//
// Progress messages (starting the simulator, connecting) go to standard error, so that a one-shot
// command's standard output holds only its result.

import { pathToFileURL } from "node:url"
import { checkText, Command, needsTable, parseCommand, shown } from "./commands"
import { ConsoleIo, reportError, TableConsole } from "./console"
import { ConsoleError, TableError, UsageError } from "./exitCodes"
import { runInteractive } from "./interactive"
import { LiveSimTable } from "./liveSim"
import { FIND_TIMEOUT_MS, TableClient } from "./table"
import { BusLink, BUS_URL, connectBus, NothingListening } from "./transport"
import { FirmwareLoopError } from "../firmware/errors"
import { connectSerial, SerialPortClass } from "./serialTransport"

/** Not one of the documented codes: a bug in the console (with a stack trace). */
export const EXIT_BUG = 70

export const CONSOLE_USAGE =
    "npm run console -- [--sim | --serial PORT] [COMMAND ARGS...]   (no command: interactive; help: the commands)"

export interface ConsoleArgs {
    sim: boolean
    /** --serial PORT: a real table on this serial port, opened by the console itself */
    serial?: string | null
    /** the one-shot command's words; empty: interactive */
    words: string[]
}

/** The console's own options (--sim, --help) and the command's words, in any order. */
export function parseConsoleArgs(argv: readonly string[]): ConsoleArgs {
    const args: ConsoleArgs = { sim: false, words: [] }
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]
        if (a === "--serial" || a.startsWith("--serial=")) {
            const port =
                a === "--serial" ? argv[++i] : a.slice("--serial=".length)
            if (port === undefined || port === "" || port.startsWith("-"))
                throw new UsageError(
                    `--serial needs a serial port, e.g. /dev/ttyUSB0 (usage: ${CONSOLE_USAGE})`
                )
            checkText(port)
            args.serial = port
        } else if (a === "--sim") args.sim = true
        else if (a === "--help" || a === "-h") args.words.unshift("help")
        else args.words.push(a)
    }
    if (args.sim && args.serial)
        throw new UsageError(
            `--sim and --serial exclude each other (usage: ${CONSOLE_USAGE})`
        )
    // The same checks the prompt makes (control characters, length), word by word.
    for (const w of args.words) checkText(w)
    if (args.words.length > 0 && args.words[0].startsWith("-"))
        throw new UsageError(
            `unknown option ${shown(args.words[0])} (usage: ${CONSOLE_USAGE})`
        )
    return args
}

/** What a console run has open: the bus link, the table, maybe the simulated table it started. */
export class Connection {
    private client: TableClient | null = null

    private constructor(
        readonly link: BusLink,
        readonly sim: LiveSimTable | null
    ) {}

    /**
     * Connects to the bus; with `sim`, starts a simulated table first when nothing serves it.
     * Throws a TableError (one line) when there is no table.
     */
    static async open(
        sim: boolean,
        progress: (text: string) => void = () => {}
    ): Promise<Connection> {
        try {
            return new Connection(await connectBus(), null)
        } catch (e) {
            if (!(e instanceof NothingListening)) throw e
            if (!sim)
                throw new TableError(
                    `no table: nothing serves the Jacdac bus at ${BUS_URL}. Plug the table in by USB and run \`npx devs devtools --serial\` in another terminal (or use --sim for the simulated table)`
                )
        }
        progress(
            "starting the simulated table (the firmware in the DeviceScript VM)..."
        )
        let started: LiveSimTable
        try {
            started = await LiveSimTable.start()
        } catch (e) {
            if (e instanceof FirmwareLoopError) {
                // Taken meanwhile by another simulator or devtools: use that one.
                if (/in use|cannot listen/.test(e.message))
                    return new Connection(await connectBus(), null)
                throw new TableError(
                    `cannot start the simulated table: ${e.message}`
                )
            }
            throw e
        }
        try {
            return new Connection(await connectBus(), started)
        } catch (e) {
            await started.close()
            throw e
        }
    }

    /** A real table on a USB serial port, opened here (no devtools needed). */
    static async openSerial(
        port: string,
        progress: (text: string) => void = () => {},
        SerialPort?: SerialPortClass
    ): Promise<Connection> {
        progress(`opening the serial port ${port}...`)
        return new Connection(await connectSerial(port, { SerialPort }), null)
    }

    /** The table's service (found once, on first use). */
    async table(): Promise<TableClient> {
        if (this.client === null)
            this.client = await TableClient.open(this.link, FIND_TIMEOUT_MS)
        return this.client
    }

    async close(): Promise<void> {
        this.client?.dispose()
        try {
            await this.link.close()
        } finally {
            if (this.sim) await this.sim.close()
        }
    }
}

export interface RunOptions {
    io?: ConsoleIo
    /** ends watch and log in one-shot mode (the process's Ctrl-C) */
    signal?: AbortSignal
    /** interactive mode's streams (default the process's) */
    input?: NodeJS.ReadableStream
    output?: NodeJS.WritableStream
    history?: string | null
    /** the SerialPort class for --serial (tests pass the serialport package's mock) */
    serialPort?: SerialPortClass
}

export function processIo(): ConsoleIo {
    const tty = process.stdout.isTTY === true
    let liveShown = false
    return {
        // process.stdout.write, not fs.writeSync(1): a non-blocking pipe makes writeSync fail with EAGAIN.
        out: text => void process.stdout.write(text + "\n"),
        err: text => void process.stderr.write(text + "\n"),
        live: text => {
            if (tty) {
                process.stdout.write("\r\x1b[2K" + text)
                liveShown = true
            } else process.stdout.write(text + "\n")
        },
        endLive: () => {
            if (liveShown) process.stdout.write("\n")
            liveShown = false
        },
        ask: null,
    }
}

/** The whole console; resolves with its exit code. */
export async function runConsole(
    argv: readonly string[],
    options: RunOptions = {}
): Promise<number> {
    const io = options.io ?? processIo()
    let args: ConsoleArgs
    let command: Command | null = null
    try {
        args = parseConsoleArgs(argv)
        // A one-shot command is checked completely before anything is connected or sent.
        if (args.words.length > 0) command = parseCommand(args.words)
    } catch (e) {
        return reportError(io, e)
    }
    if (command !== null) {
        const offline = new TableConsole(
            () => Promise.reject(new Error("no table needed")),
            io
        )
        if (!needsTable(command)) return offline.run(command)
        // Bad usage is bad usage with or without a table: said before connecting (exit 2).
        const refused = offline.preflight(command)
        if (refused !== null) return refused
    }

    let connection: Connection
    try {
        connection = args.serial
            ? await Connection.openSerial(
                  args.serial,
                  text => io.err(text),
                  options.serialPort
              )
            : await Connection.open(args.sim, text => io.err(text))
    } catch (e) {
        return reportError(io, e)
    }
    try {
        if (command !== null) {
            try {
                await connection.table()
            } catch (e) {
                return reportError(io, e)
            }
            return await new TableConsole(() => connection.table(), io).run(
                command,
                options.signal
            )
        }
        try {
            const table = await connection.table()
            io.err(
                `connected to the inversion table ${table.deviceId} on ${connection.link.url}${connection.sim ? " (simulated, started here)" : ""}; type help for the commands`
            )
        } catch (e) {
            return reportError(io, e)
        }
        return await runInteractive(
            rio => new TableConsole(() => connection.table(), rio),
            {
                input: options.input,
                output: options.output,
                history: options.history,
                onLost: listener => connection.link.onLost(listener),
            }
        )
    } finally {
        await connection.close()
    }
}

async function main(): Promise<void> {
    const stop = new AbortController()
    let interrupted = false
    // Ctrl-C in one-shot mode ends watch and log cleanly; a second one, or one during another
    // command, ends the process (the simulated table, if started here, is killed on every way out).
    process.on("SIGINT", () => {
        if (interrupted || !oneShotStreaming()) process.exit(130)
        interrupted = true
        stop.abort()
    })
    const argv = process.argv.slice(2)
    const oneShotStreaming = () => argv.some(a => a === "watch" || a === "log")
    let code: number
    try {
        code = await runConsole(argv, { signal: stop.signal })
    } catch (e) {
        if (e instanceof ConsoleError) {
            process.stderr.write(e.message + "\n")
            code = e.exitCode
        } else {
            process.stderr.write(
                `console: internal error (a bug): ${(e as Error)?.stack ?? e}\n`
            )
            code = EXIT_BUG
        }
    }
    process.exitCode = code
    // jacdac-ts keeps timers running; everything of ours is closed: leave now.
    setTimeout(() => process.exit(code), 50).unref()
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) void main()
