// The Jacdac bus the VM plugs into: an in-process jacdac-ts JDBus, bridged to every WebSocket
// client of a server on ws://127.0.0.1:8081 (what `devs run` dials). One binary WebSocket message
// is one raw Jacdac frame, both ways.
//
// Frames from a client go into the bus (our simulated servers see them); frames the bus sends (our
// servers' reports) go to every client except the one they came from. The proxy bridge never
// echoes a frame it received to the other clients, so client-to-client traffic (the VM and a second
// tool on the socket, say a dashboard) is forwarded here directly.
//
// Now and then a frame from the VM fails its CRC (seen with its 216-byte role list, once per boot or
// so; the cause is not known). jacdac-ts would drop it too, but with a console warning that lands
// in the sim command's error output: such frames are dropped here, counted, before it sees them.
// (The role binding re-reads the list until it is complete.)

import { createProxyBridge, crc, JDBus, read16 } from "jacdac-ts"
import { WebSocket, WebSocketServer } from "ws"
import { FirmwareLoopError } from "./errors"
import { assertPortFree, BUS_HOST, BUS_PORT, waitForPortFree } from "./port"

export interface BridgedBus {
    bus: JDBus
    /** how many WebSocket clients (VMs, tools) are connected */
    clientCount(): number
    /** frames dropped for a bad CRC or length */
    badFrames(): number
    close(): Promise<void>
}

/** A raw Jacdac frame is whole and its CRC (over bytes 2 .. 12 + size) matches. */
export function frameIsSound(frame: Uint8Array): boolean {
    if (frame.length < 12) return false
    const size = frame[2]
    if (frame.length !== 12 + size) return false
    return crc(frame.subarray(2, 12 + size)) === read16(frame, 0)
}

/** Unplugs the bridge from its bus (the setter unsubscribes; its type does not admit undefined). */
function detach(bridge: { bus: JDBus }): void {
    bridge.bus = undefined as unknown as JDBus
}

/** Starts the bus; if the port is taken, waits up to waitForPortMs (default: not at all) for it. */
export async function startBridgedBus(
    port = BUS_PORT,
    waitForPortMs = 0
): Promise<BridgedBus> {
    await waitForPortFree(waitForPortMs, port)
    // client: false: the bus does not act as a client of the devices it sees;
    // disableRoleManager: jacdac-ts must not drive the VM's role manager: we bind roles ourselves.
    const bus = new JDBus([], { client: false, disableRoleManager: true })
    const senders = new Map<WebSocket, string>()
    const bridge = createProxyBridge((frame, sender) => {
        for (const [ws, name] of senders)
            if (name !== sender && ws.readyState === WebSocket.OPEN)
                ws.send(frame)
    })
    bridge.bus = bus // subscribes to the bus's frames and registers the bridge

    const wss = new WebSocketServer({ host: BUS_HOST, port })
    try {
        await new Promise<void>((resolve, reject) => {
            wss.once("listening", resolve)
            wss.once("error", reject)
        })
    } catch (e) {
        detach(bridge)
        bus.stop()
        // Taken between the check and now (another run starting at the same moment)?
        if ((e as NodeJS.ErrnoException).code === "EADDRINUSE")
            await assertPortFree(port)
        throw new FirmwareLoopError(
            `cannot listen on ${BUS_HOST}:${port}: ${(e as Error).message}`
        )
    }
    wss.on("error", () => {}) // after listening, errors concern single connections

    let next = 0
    let bad = 0
    wss.on("connection", ws => {
        const name = `ws${++next}`
        senders.set(ws, name)
        ws.on("message", (data, isBinary) => {
            if (!isBinary) return // the VM only sends binary frames
            const frame = new Uint8Array(data as Buffer)
            if (!frameIsSound(frame)) {
                bad++
                return
            }
            bridge.receiveFrameOrPacket(frame, name)
            for (const [other] of senders)
                if (other !== ws && other.readyState === WebSocket.OPEN)
                    other.send(frame)
        })
        ws.on("close", () => senders.delete(ws))
        ws.on("error", () => {})
    })

    return {
        bus,
        clientCount: () => senders.size,
        badFrames: () => bad,
        async close() {
            for (const ws of senders.keys()) ws.terminate()
            senders.clear()
            await new Promise<void>(resolve => wss.close(() => resolve()))
            detach(bridge)
            bus.stop()
        },
    }
}
