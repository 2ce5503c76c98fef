// The console's bus: an in-process jacdac-ts JDBus connected as a WebSocket *client* to
// ws://127.0.0.1:8081, where the bus is served both by the firmware-in-the-loop harness (the
// simulated table) and by `devs devtools --serial` (a real table's USB serial link).
//
// Why not jacdac-ts's createWebSocketTransport: on Node 20 it needs a global WebSocket (it throws
// "WebSocket not supported" without one) and it reconnects by itself in the background, while the
// console must notice a lost connection at once and say so. So, as the harness does on the server
// side: a `ws` client and a proxy bridge. One binary WebSocket message is one raw Jacdac frame, both
// ways; frames that fail their CRC are dropped before jacdac-ts sees them (it would print a warning
// into the console's output).

import * as net from "node:net"
import { createProxyBridge, JDBus } from "jacdac-ts"
import { WebSocket } from "ws"
import { frameIsSound } from "../firmware/bus"
import { BUS_HOST, BUS_PORT } from "../firmware/port"
import { TableError } from "./exitCodes"

export const BUS_URL = `ws://${BUS_HOST}:${BUS_PORT}`
export const CONNECT_TIMEOUT_MS = 3000

/** Nothing accepts connections at the bus address (no devtools, no simulator). */
export class NothingListening extends Error {
    constructor(readonly url: string) {
        super(`nothing serves the Jacdac bus at ${url}`)
        this.name = "NothingListening"
    }
}

export interface BusLink {
    readonly bus: JDBus
    readonly url: string
    /** why the connection ended, or null while it is up */
    readonly lostReason: string | null
    /** called once when the connection ends without close() */
    onLost(listener: (reason: string) => void): () => void
    close(): Promise<void>
}

/** Does anything accept TCP connections at host:port? (A quick probe; it sends nothing.) */
export function isListening(
    port = BUS_PORT,
    host = BUS_HOST,
    timeoutMs = 1000
): Promise<boolean> {
    return new Promise(resolve => {
        const socket = net.connect({ port, host })
        const done = (yes: boolean) => {
            clearTimeout(timer)
            socket.removeAllListeners()
            socket.on("error", () => {})
            socket.destroy()
            resolve(yes)
        }
        const timer = setTimeout(() => done(false), timeoutMs)
        socket.once("connect", () => done(true))
        socket.once("error", () => done(false))
    })
}

/**
 * Connects a fresh JDBus to the bus at `url`. Throws NothingListening when the connection is
 * refused, a TableError on any other failure or after timeoutMs.
 */
export async function connectBus(
    url = BUS_URL,
    timeoutMs = CONNECT_TIMEOUT_MS
): Promise<BusLink> {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs })
    ws.binaryType = "nodebuffer"
    await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
            ws.terminate()
            reject(
                new TableError(`no connection to ${url} within ${timeoutMs} ms`)
            )
        }, timeoutMs)
        ws.once("open", () => {
            clearTimeout(timer)
            resolve()
        })
        ws.once("error", (e: NodeJS.ErrnoException) => {
            clearTimeout(timer)
            if (e.code === "ECONNREFUSED") reject(new NothingListening(url))
            else
                reject(new TableError(`cannot connect to ${url}: ${e.message}`))
        })
    })

    // client: false: jacdac-ts does not act on its own (no automatic streaming or role manager);
    // the console sends only what its commands send.
    const bus = new JDBus([], { client: false, disableRoleManager: true })
    const bridge = createProxyBridge(frame => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frame)
    })
    bridge.bus = bus

    let lostReason: string | null = null
    let closing = false
    const listeners = new Set<(reason: string) => void>()
    const lose = (reason: string) => {
        if (closing || lostReason !== null) return
        lostReason = reason
        for (const l of Array.from(listeners)) l(reason)
    }
    ws.on("message", (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return // devtools may send text side data; the console has no use for it
        const frame = new Uint8Array(
            data.buffer,
            data.byteOffset,
            data.byteLength
        ).slice()
        if (frameIsSound(frame)) bridge.receiveFrameOrPacket(frame)
    })
    ws.on("close", () => lose(`the connection to ${url} was closed`))
    ws.on("error", e => lose(`the connection to ${url} failed: ${e.message}`))

    return {
        bus,
        url,
        get lostReason() {
            return lostReason
        },
        onLost(listener) {
            listeners.add(listener)
            return () => listeners.delete(listener)
        },
        async close() {
            if (closing) return
            closing = true
            listeners.clear()
            await new Promise<void>(resolve => {
                if (ws.readyState === WebSocket.CLOSED) return resolve()
                const timer = setTimeout(() => {
                    ws.terminate()
                    resolve()
                }, 500)
                ws.once("close", () => {
                    clearTimeout(timer)
                    resolve()
                })
                ws.close()
            })
            bridge.bus = undefined as unknown as JDBus
            bus.stop()
        },
    }
}
