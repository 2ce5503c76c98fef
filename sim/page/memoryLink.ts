// Two jacdac-ts buses joined in this process, as a cable would: every frame one bus sends arrives
// in the other (a turn of the event loop later, as from a socket). The console's BusLink over it
// lets the console's own TableClient talk to a table served in this process (the host table).

import { createProxyBridge, JDBus } from "jacdac-ts"
import { BusLink } from "../console/transport"

function detach(bridge: { bus: JDBus }): void {
    bridge.bus = undefined as unknown as JDBus
}

/** Joins two buses; returns the function that parts them. */
export function joinBuses(a: JDBus, b: JDBus): () => void {
    let joined = true
    const toB = createProxyBridge(frame => {
        if (joined)
            setImmediate(() => joined && fromA.receiveFrameOrPacket(frame))
    })
    const fromA = createProxyBridge(frame => {
        if (joined)
            setImmediate(() => joined && toB.receiveFrameOrPacket(frame))
    })
    toB.bus = a
    fromA.bus = b
    return () => {
        joined = false
        detach(toB)
        detach(fromA)
    }
}

/** A BusLink (the console's) to the devices on `serverBus`, through a bus of its own. */
export function memoryBusLink(serverBus: JDBus, url: string): BusLink {
    const bus = new JDBus([], { client: false, disableRoleManager: true })
    const part = joinBuses(serverBus, bus)
    let lostReason: string | null = null
    let closed = false
    const listeners = new Set<(reason: string) => void>()
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
        /** Ends the link as a pulled cable does (for tests of a lost table). */
        async close() {
            if (closed) return
            closed = true
            listeners.clear()
            part()
            bus.stop()
        },
        lose(reason: string) {
            if (closed || lostReason !== null) return
            lostReason = reason
            part()
            for (const l of Array.from(listeners)) l(reason)
        },
    } as BusLink & { lose(reason: string): void }
}
