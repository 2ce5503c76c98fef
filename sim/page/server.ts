// The page's server: the page and its scripts over HTTP on 127.0.0.1, the table's snapshot to every
// open page over a WebSocket 20 times a second, and what the pages send (pad, faults, console) to the
// table. Several pages may be open at once: they all see the same table, and the pad's holds are
// counted per page (holds.ts). A message that is not exactly one of messages.ts is refused, logged on
// standard error, and has no effect.
//
//   GET /                      the page (public/index.html; public/*.js, *.css)
//   GET /vendor/uPlot.*        the chart library, from node_modules
//   GET /trace.csv             the session's trace (a download)
//   GET /snapshot.json         the table now
//   WS  /ws                    hello (history, marks), snapshots; pad, faults, console lines

import * as fs from "node:fs"
import * as http from "node:http"
import * as path from "node:path"
import { WebSocket, WebSocketServer } from "ws"
import { FAULT_NAMES } from "../../src/control/types"
import { BUZZER_PATTERNS } from "../../src/hw/signals"
import { SCENARIO_FAULTS } from "../scenario"
import { REPO_ROOT } from "../firmware/paths"
import { ConsolePane, PaneOutput } from "./consolePane"
import { HOLD_LEASE_MS, HOLD_RENEW_MS, PadHolds } from "./holds"
import { MessageError, PageMessage, parsePageMessage } from "./messages"
import {
    HELD_INPUTS,
    Mark,
    PAD_INPUTS,
    SOURCE_TITLES,
    TableSnapshot,
} from "./snapshot"
import { TableSource } from "./source"

export const SNAPSHOT_EVERY_MS = 50

/** The buzzer's patterns by sound name (src/hw/signals.ts), for the page's sound. */
export const SOUND_PATTERNS = Object.fromEntries(
    BUZZER_PATTERNS.map(p => [
        p.sound,
        {
            toneHz: p.toneHz,
            beepMs: p.beepMs,
            spacingMs: p.gapMs,
            periodMs: p.periodMs,
            beeps: p.beeps,
        },
    ])
)
/** The chart's history kept here (for a page opened or reloaded later): this long, this often. */
export const HISTORY_MS = 10 * 60_000
export const HISTORY_EVERY_MS = 100
const EXPIRE_EVERY_MS = 100
/** A page that cannot keep up (a stalled tab) is skipped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1 << 20

const PUBLIC_DIR = path.join(REPO_ROOT, "sim", "page", "public")
const UPLOT_DIR = path.join(REPO_ROOT, "node_modules", "uplot", "dist")
const FILES: Record<string, [string, string]> = {
    "/": [path.join(PUBLIC_DIR, "index.html"), "text/html; charset=utf-8"],
    "/page.css": [path.join(PUBLIC_DIR, "page.css"), "text/css; charset=utf-8"],
    "/page.js": [
        path.join(PUBLIC_DIR, "page.js"),
        "text/javascript; charset=utf-8",
    ],
    "/table.js": [
        path.join(PUBLIC_DIR, "table.js"),
        "text/javascript; charset=utf-8",
    ],
    "/chart.js": [
        path.join(PUBLIC_DIR, "chart.js"),
        "text/javascript; charset=utf-8",
    ],
    "/pad.js": [
        path.join(PUBLIC_DIR, "pad.js"),
        "text/javascript; charset=utf-8",
    ],
    "/sound.js": [
        path.join(PUBLIC_DIR, "sound.js"),
        "text/javascript; charset=utf-8",
    ],
    "/vendor/uPlot.iife.min.js": [
        path.join(UPLOT_DIR, "uPlot.iife.min.js"),
        "text/javascript; charset=utf-8",
    ],
    "/vendor/uPlot.min.css": [
        path.join(UPLOT_DIR, "uPlot.min.css"),
        "text/css; charset=utf-8",
    ],
}

/** One chart point: [tMs, angle, estimate, target, cap, duty, pad bits, fault bits] (null: unknown). */
export type ChartPoint = (number | null)[]

export function chartPoint(s: TableSnapshot): ChartPoint {
    let pad = 0
    PAD_INPUTS.forEach((name, i) => {
        const held =
            s.pad !== null
                ? s.pad[name]
                : name === "grip"
                  ? s.grip === true
                  : name === "latch"
                    ? s.latch === true
                    : false
        if (held) pad |= 1 << i
    })
    let faults = 0
    FAULT_NAMES.forEach((name, i) => {
        if (s.faults.indexOf(name) >= 0) faults |= 1 << i
    })
    const r = (x: number | null) =>
        x === null ? null : Math.round(x * 1000) / 1000
    return [
        s.tMs,
        r(s.angleDeg),
        r(s.estDeg),
        r(s.targetDeg),
        r(s.capDeg),
        r(s.duty),
        pad,
        faults,
    ]
}

export interface PageServerOptions {
    port: number
    host?: string
    /** where refusals and notices go (default standard error) */
    log?: (line: string) => void
}

interface Client {
    id: string
    ws: WebSocket
    pane: ConsolePane
}

export class PageServer {
    readonly originMs = performance.now()
    private readonly http: http.Server
    private readonly wss: WebSocketServer
    private readonly clients = new Map<WebSocket, Client>()
    private readonly holds: PadHolds
    private readonly history: ChartPoint[] = []
    private readonly marks: Mark[] = []
    private pendingMarks: Mark[] = []
    private lastHistoryMs = -Infinity
    private readonly timers: NodeJS.Timeout[] = []
    private nextClient = 0
    private source: TableSource | null = null
    private readonly log: (line: string) => void
    private closed = false

    private constructor(
        private readonly options: PageServerOptions,
        server: http.Server
    ) {
        this.log = options.log ?? (line => process.stderr.write(line + "\n"))
        this.http = server
        this.http.on("request", (req, res) => this.serve(req, res))
        this.wss = new WebSocketServer({
            noServer: true,
            maxPayload: 64 * 1024,
        })
        this.http.on("upgrade", (req, socket, head) => {
            if (req.url !== "/ws") {
                socket.destroy()
                return
            }
            this.wss.handleUpgrade(req, socket, head, ws => this.welcome(ws))
        })
        this.holds = new PadHolds((name, level) => {
            this.mark({ kind: "input", name, level })
            if (this.source && !this.source.readOnly)
                this.source.setInput(name, level)
        })
    }

    /**
     * Listens on host:port (127.0.0.1 by default). Rejects with a one-line Error when the port is
     * taken or cannot be used; nothing else is started before it listens.
     */
    static async listen(options: PageServerOptions): Promise<PageServer> {
        const host = options.host ?? "127.0.0.1"
        const server = http.createServer()
        await new Promise<void>((resolve, reject) => {
            server.once("error", (e: NodeJS.ErrnoException) =>
                reject(
                    new Error(
                        e.code === "EADDRINUSE"
                            ? `port ${options.port} on ${host} is in use (another npm start?): choose another with --port N`
                            : `cannot serve the page on ${host}:${options.port}: ${e.message}`
                    )
                )
            )
            server.listen(options.port, host, () => resolve())
        })
        return new PageServer({ ...options, host }, server)
    }

    /** The page's address. */
    get url(): string {
        const a = this.http.address()
        const port =
            typeof a === "object" && a !== null ? a.port : this.options.port
        return `http://${this.options.host}:${port}/`
    }

    get pageCount(): number {
        return this.clients.size
    }

    /** Shows this table from now on. */
    attach(source: TableSource): void {
        this.source = source
        source.onMark(m => this.mark(m))
        this.timers.push(setInterval(() => this.broadcast(), SNAPSHOT_EVERY_MS))
        this.timers.push(
            setInterval(() => {
                for (const client of this.holds.expire())
                    this.log(
                        `page: ${client} said nothing for ${HOLD_LEASE_MS} ms: its holds are released`
                    )
            }, EXPIRE_EVERY_MS)
        )
    }

    now(): number {
        return Math.round(performance.now() - this.originMs)
    }

    async close(): Promise<void> {
        if (this.closed) return
        this.closed = true
        for (const t of this.timers) clearInterval(t)
        for (const c of this.clients.values()) {
            await c.pane.close()
            c.ws.terminate()
        }
        this.clients.clear()
        await new Promise<void>(resolve => this.wss.close(() => resolve()))
        this.http.closeAllConnections()
        await new Promise<void>(resolve => this.http.close(() => resolve()))
    }

    private mark(m: Omit<Mark, "tMs">): void {
        const mark = { ...m, tMs: this.now() }
        this.marks.push(mark)
        this.pendingMarks.push(mark)
        while (
            this.marks.length > 0 &&
            mark.tMs - this.marks[0].tMs > HISTORY_MS
        )
            this.marks.shift()
    }

    private snapshot(): TableSnapshot | null {
        return this.source ? this.source.snapshot(this.now()) : null
    }

    private broadcast(): void {
        const s = this.snapshot()
        if (s === null) return
        if (s.tMs - this.lastHistoryMs >= HISTORY_EVERY_MS) {
            this.lastHistoryMs = s.tMs
            this.history.push(chartPoint(s))
            while (
                this.history.length > 0 &&
                s.tMs - (this.history[0][0] as number) > HISTORY_MS
            )
                this.history.shift()
        }
        const marks = this.pendingMarks
        this.pendingMarks = []
        for (const c of this.clients.values()) {
            if (c.ws.bufferedAmount > MAX_BUFFERED_BYTES) continue
            this.send(c, {
                type: "snapshot",
                snapshot: s,
                marks,
                held: this.holds.heldBy(c.id),
            })
        }
    }

    private send(c: Client, message: unknown): void {
        if (c.ws.readyState === WebSocket.OPEN)
            c.ws.send(JSON.stringify(message))
    }

    private welcome(ws: WebSocket): void {
        const id = `page ${++this.nextClient}`
        const source = this.source
        const client: Client = {
            id,
            ws,
            pane: new ConsolePane(
                () =>
                    source
                        ? source.consoleLink()
                        : Promise.reject(new Error("no table yet")),
                (m: PaneOutput) => this.send(client, m)
            ),
        }
        this.clients.set(ws, client)
        this.send(client, {
            type: "hello",
            client: id,
            mode: source?.mode ?? null,
            title: source ? SOURCE_TITLES[source.mode] : "",
            readOnly: source?.readOnly ?? true,
            inputs: PAD_INPUTS,
            heldInputs: HELD_INPUTS,
            faults: SCENARIO_FAULTS,
            faultNames: FAULT_NAMES,
            leaseMs: HOLD_LEASE_MS,
            renewMs: HOLD_RENEW_MS,
            sound: SOUND_PATTERNS,
            history: this.history,
            marks: this.marks,
            snapshot: this.snapshot(),
        })
        ws.on("message", (data, isBinary) => {
            if (isBinary)
                return this.refuse(client, "binary messages are not understood")
            let message: PageMessage
            try {
                message = parsePageMessage(data.toString())
            } catch (e) {
                // Whatever went wrong with it, a message that is not understood does nothing.
                return this.refuse(
                    client,
                    e instanceof MessageError
                        ? e.message
                        : `unreadable message (${(e as Error).message})`
                )
            }
            this.holds.heard(id)
            try {
                this.handle(client, message)
            } catch (e) {
                this.log(
                    `page: ${id}: ${message.type} failed: ${(e as Error).message}`
                )
            }
        })
        // A lost connection is a released grip (and released buttons).
        ws.on("close", () => {
            this.holds.drop(id)
            this.clients.delete(ws)
            void client.pane.close()
        })
        ws.on("error", () => {})
    }

    private refuse(c: Client, reason: string): void {
        this.log(`page: refused a message from ${c.id}: ${reason}`)
        this.send(c, { type: "refused", reason })
    }

    private handle(c: Client, m: PageMessage): void {
        const source = this.source
        switch (m.type) {
            case "alive":
                return
            case "release":
                this.holds.releaseAll(c.id)
                return
            case "input":
                if (!source || source.readOnly)
                    return this.refuse(
                        c,
                        "a real table is read only here: its pad is the table's own"
                    )
                this.holds.set(c.id, m.name, m.level)
                return
            case "inject":
                if (!source || source.readOnly)
                    return this.refuse(
                        c,
                        "faults are injected into simulated tables only"
                    )
                this.mark({
                    kind: m.fault === "power-cycle" ? "power" : "inject",
                    name: m.fault,
                })
                source.inject(m.fault).catch(e =>
                    this.mark({
                        kind: "notice",
                        name: `${m.fault}: ${(e as Error).message}`,
                    })
                )
                return
            case "console":
                void c.pane.run(m.id, m.line)
                return
            case "console-stop":
                c.pane.stop(m.id)
                return
            case "console-answer":
                c.pane.answer(m.id, m.text)
                return
        }
    }

    private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
        const url = (req.url ?? "/").split("?")[0]
        if (req.method !== "GET" && req.method !== "HEAD") {
            res.writeHead(405, { "content-type": "text/plain" }).end(
                "GET only\n"
            )
            return
        }
        if (url === "/trace.csv") {
            const csv = this.source ? this.source.traceCsv() : ""
            const stamp = new Date().toISOString().replace(/[:.]/g, "-")
            res.writeHead(200, {
                "content-type": "text/csv; charset=utf-8",
                "content-disposition": `attachment; filename="inversion-table-${stamp}.csv"`,
                "cache-control": "no-store",
            }).end(csv)
            return
        }
        if (url === "/snapshot.json") {
            res.writeHead(200, {
                "content-type": "application/json",
                "cache-control": "no-store",
            }).end(JSON.stringify(this.snapshot()))
            return
        }
        const file = FILES[url]
        if (!file) {
            res.writeHead(404, { "content-type": "text/plain" }).end(
                "not found\n"
            )
            return
        }
        fs.readFile(file[0], (err, body) => {
            if (err) {
                res.writeHead(500, { "content-type": "text/plain" }).end(
                    `cannot read ${path.relative(REPO_ROOT, file[0])}: ${err.message}\n`
                )
                return
            }
            res.writeHead(200, {
                "content-type": file[1],
                "cache-control": "no-store",
            }).end(body)
        })
    }
}
