// The page's console pane: the calibration console's own command layer (commands.ts parses a line,
// console.ts runs it against a TableClient, format.ts words the result), with its output sent to one
// page instead of a terminal. One command at a time per page; watch and log run until the page says
// stop (or for their --seconds); ack asks its question in the pane.

import { parseLine } from "../console/commands"
import { ConsoleIo, reportError, TableConsole } from "../console/console"
import { ConsoleError, EXIT_OK, TableError } from "../console/exitCodes"
import { TableClient } from "../console/table"
import { BusLink } from "../console/transport"

export type PaneOutput =
    | {
          type: "console-output"
          id: number
          stream: "out" | "err" | "live"
          text: string
      }
    | { type: "console-output"; id: number; stream: "end-live"; text: "" }
    | { type: "console-ask"; id: number; question: string }
    | { type: "console-done"; id: number; code: number }

interface Running {
    id: number
    stop: AbortController
    answer: ((text: string | null) => void) | null
}

export class ConsolePane {
    private running: Running | null = null
    private link: BusLink | null = null
    private client: TableClient | null = null
    private closed = false

    constructor(
        private readonly linkOf: () => Promise<BusLink>,
        private readonly send: (message: PaneOutput) => void
    ) {}

    get busy(): boolean {
        return this.running !== null
    }

    /** Runs one line; the result arrives as console-output messages and one console-done. */
    async run(id: number, line: string): Promise<number> {
        if (this.running !== null) {
            this.send({
                type: "console-output",
                id,
                stream: "err",
                text: `a command is still running (${this.running.id}): stop it first`,
            })
            this.send({ type: "console-done", id, code: 2 })
            return 2
        }
        const running: Running = {
            id,
            stop: new AbortController(),
            answer: null,
        }
        this.running = running
        const io: ConsoleIo = {
            stopKeys: "the Stop button",
            out: text =>
                this.send({ type: "console-output", id, stream: "out", text }),
            err: text =>
                this.send({ type: "console-output", id, stream: "err", text }),
            live: text =>
                this.send({ type: "console-output", id, stream: "live", text }),
            endLive: () =>
                this.send({
                    type: "console-output",
                    id,
                    stream: "end-live",
                    text: "",
                }),
            ask: question =>
                new Promise(resolve => {
                    running.answer = resolve
                    this.send({ type: "console-ask", id, question })
                }),
        }
        let code: number
        try {
            const cmd = parseLine(line)
            if (cmd.kind === "quit") {
                io.out("the page's console stays open: close the tab to leave")
                code = EXIT_OK
            } else
                code = await new TableConsole(() => this.table(), io).run(
                    cmd,
                    running.stop.signal
                )
        } catch (e) {
            code = reportError(io, e)
        } finally {
            this.running = null
        }
        this.send({ type: "console-done", id, code })
        return code
    }

    /** Ends a running watch or log (Stop in the pane). */
    stop(id: number): void {
        if (this.running?.id === id) {
            this.running.stop.abort()
            this.running.answer?.(null)
        }
    }

    /** The answer to the running command's question. */
    answer(id: number, text: string): void {
        const r = this.running
        if (r?.id !== id || r.answer === null) return
        const answer = r.answer
        r.answer = null
        answer(text)
    }

    async close(): Promise<void> {
        this.closed = true
        if (this.running) this.stop(this.running.id)
        this.client?.dispose()
        this.client = null
        await this.link?.close().catch(() => {})
        this.link = null
    }

    /** The table's service, (re)connected when needed: after a lost link the next command connects again. */
    private async table(): Promise<TableClient> {
        if (this.closed) throw new Error("the page is gone")
        if (this.link !== null && this.link.lostReason !== null) {
            this.client?.dispose()
            this.client = null
            await this.link.close().catch(() => {})
            this.link = null
        }
        if (this.client !== null) return this.client
        try {
            this.link ??= await this.linkOf()
            this.client = await TableClient.open(this.link)
        } catch (e) {
            if (e instanceof ConsoleError) throw e
            throw new TableError(`no table: ${(e as Error).message}`)
        }
        return this.client
    }
}
