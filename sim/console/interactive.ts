// The interactive console: a node:readline prompt with history (kept in a file, bounded), Tab
// completion of commands and setting keys, and help. One command at a time; while watch or log
// runs, Enter or Ctrl-C ends it. Ctrl-C at the prompt clears the line; Ctrl-D or quit leaves.

import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import { complete, parseLine } from "./commands"
import { ConsoleIo, TableConsole, reportError } from "./console"
import { EXIT_NO_TABLE, EXIT_OK, TableError } from "./exitCodes"

/** The history file: $INVERSION_CONSOLE_HISTORY, else ~/.inversion-table-console-history. */
export const HISTORY_ENV = "INVERSION_CONSOLE_HISTORY"
export const HISTORY_LINES = 500

export function historyFile(): string {
    const fromEnv = process.env[HISTORY_ENV]
    if (fromEnv !== undefined && fromEnv !== "") return path.resolve(fromEnv)
    return path.join(os.homedir(), ".inversion-table-console-history")
}

/** The saved history, newest first (as readline wants it); [] when there is none or it is unreadable. */
export function loadHistory(file: string, max = HISTORY_LINES): string[] {
    try {
        const lines = fs
            .readFileSync(file, "utf8")
            .split("\n")
            .filter(l => l.trim() !== "")
        return lines.slice(-max).reverse()
    } catch {
        return []
    }
}

/** Saves the history (newest first, as readline keeps it), at most `max` lines; never throws. */
export function saveHistory(
    file: string,
    newestFirst: readonly string[],
    max = HISTORY_LINES
): void {
    try {
        const lines = newestFirst.slice(0, max).reverse()
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fs.writeFileSync(
            file,
            lines.join("\n") + (lines.length > 0 ? "\n" : ""),
            { mode: 0o600 }
        )
    } catch {
        // a history that cannot be saved is no reason to fail
    }
}

export interface InteractiveOptions {
    input?: NodeJS.ReadableStream
    output?: NodeJS.WritableStream
    /** where history is kept (default historyFile()); null: none */
    history?: string | null
    prompt?: string
    /** a line shown before the first prompt */
    banner?: string
    /** the connection's end, to leave the loop when it is lost */
    onLost?: (listener: (reason: string) => void) => () => void
}

/**
 * Runs the prompt until quit, end of input or a lost connection. Resolves with the exit code: 0, or
 * 3 when the table was lost.
 */
export async function runInteractive(
    makeConsole: (io: ConsoleIo) => TableConsole,
    options: InteractiveOptions = {}
): Promise<number> {
    const input = options.input ?? process.stdin
    const output = options.output ?? process.stdout
    const terminal =
        (output as NodeJS.WriteStream).isTTY === true &&
        (input as NodeJS.ReadStream).isTTY === true
    const historyPath =
        options.history === undefined ? historyFile() : options.history
    const rl = readline.createInterface({
        input,
        output,
        terminal,
        completer: (line: string) => complete(line),
        history: historyPath ? loadHistory(historyPath) : [],
        historySize: HISTORY_LINES,
        removeHistoryDuplicates: true,
        prompt: options.prompt ?? "table> ",
    })
    // Kept here too (newest first): readline keeps none when the input is not a terminal.
    const history: string[] = historyPath ? loadHistory(historyPath) : []
    const remember = (line: string) => {
        const l = line.trim()
        if (l === "" || history[0] === l) return
        const i = history.indexOf(l)
        if (i >= 0) history.splice(i, 1)
        history.unshift(l)
        if (history.length > HISTORY_LINES) history.length = HISTORY_LINES
    }

    const write = (text: string) => output.write(text)
    let liveShown = false
    let pendingAnswer: ((line: string | null) => void) | null = null
    let running: AbortController | null = null
    /** the running command ends on Enter (watch, log) */
    let runningStops = false
    let lostReason: string | null = null

    const io: ConsoleIo = {
        stopKeys: "Enter or Ctrl-C",
        out: text => write(text + "\n"),
        err: text => write(text + "\n"),
        live: text => {
            if (terminal) {
                write("\r\x1b[2K" + text)
                liveShown = true
            } else write(text + "\n")
        },
        endLive: () => {
            if (liveShown) write("\n")
            liveShown = false
        },
        ask: question =>
            new Promise(resolve => {
                write(question)
                pendingAnswer = resolve
            }),
    }
    const consoleRunner = makeConsole(io)

    const lines: string[] = []
    let wake: (() => void) | null = null
    let ended = false
    const notify = () => {
        const w = wake
        wake = null
        w?.()
    }
    rl.on("line", line => {
        if (pendingAnswer) {
            const answer = pendingAnswer
            pendingAnswer = null
            answer(line)
            return
        }
        // Enter ends a running watch or log (other commands end by themselves: the line waits).
        if (running && runningStops) {
            running.abort()
            return
        }
        remember(line)
        lines.push(line)
        notify()
    })
    rl.on("SIGINT", () => {
        if (pendingAnswer) {
            const answer = pendingAnswer
            pendingAnswer = null
            write("\n")
            answer(null)
        } else if (running) running.abort()
        else {
            // Ctrl-C at the prompt: clear the line, as shells do; Ctrl-D or quit leaves.
            write("^C (type quit or press Ctrl-D to leave)\n")
            rl.prompt()
        }
    })
    rl.on("close", () => {
        ended = true
        if (pendingAnswer) {
            const answer = pendingAnswer
            pendingAnswer = null
            answer(null)
        }
        // End of a terminal's input (Ctrl-D) ends a running watch; piped input lets it finish.
        if (terminal) running?.abort()
        notify()
    })
    const offLost = options.onLost?.(reason => {
        lostReason = reason
        running?.abort()
        notify()
    })

    let code = EXIT_OK
    /** the prompt is shown and nothing typed after it yet */
    let atPrompt = false
    try {
        if (options.banner) io.out(options.banner)
        await consoleRunner.firstUseNotice()
        for (;;) {
            if (lostReason !== null) {
                if (atPrompt) write("\n")
                code = reportError(io, new TableError(lostReason))
                break
            }
            if (lines.length === 0) {
                if (ended) break
                rl.prompt()
                atPrompt = true
                await new Promise<void>(r => (wake = r))
                continue
            }
            atPrompt = false
            const line = lines.shift()!
            let cmd
            try {
                cmd = parseLine(line)
            } catch (e) {
                reportError(io, e)
                continue
            }
            if (cmd.kind === "quit") break
            running = new AbortController()
            runningStops = cmd.kind === "watch" || cmd.kind === "log"
            let result: number
            try {
                result = await consoleRunner.run(cmd, running.signal)
            } finally {
                running = null
                runningStops = false
            }
            if (result === EXIT_NO_TABLE && lostReason !== null) {
                code = EXIT_NO_TABLE
                break
            }
        }
    } finally {
        offLost?.()
        if (historyPath) saveHistory(historyPath, history)
        rl.close()
    }
    return code
}
