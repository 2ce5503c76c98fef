// The VM always dials ws://127.0.0.1:8081 (fixed in the DeviceScript CLI): one VM per machine (per
// network namespace) at a time. Check the port first, to say so in one line instead of failing later.

import * as net from "node:net"
import { FirmwareLoopError } from "./errors"

export const BUS_HOST = "127.0.0.1"
export const BUS_PORT = 8081
const PORT_POLL_MS = 250

/** Resolves when nothing listens on host:port; throws a FirmwareLoopError naming the port otherwise. */
export function assertPortFree(
    port = BUS_PORT,
    host = BUS_HOST
): Promise<void> {
    return new Promise((resolve, reject) => {
        const probe = net.createServer()
        probe.once("error", (e: NodeJS.ErrnoException) => {
            if (e.code === "EADDRINUSE")
                reject(
                    new FirmwareLoopError(
                        `port ${host}:${port} is in use: another firmware-in-the-loop run or a \`devs devtools\` holds it; stop it and try again`
                    )
                )
            else
                reject(
                    new FirmwareLoopError(
                        `cannot listen on ${host}:${port}: ${e.message}`
                    )
                )
        })
        probe.listen(port, host, () => probe.close(() => resolve()))
    })
}

/**
 * Waits up to timeoutMs for the port to be free (another run on this machine holding it), then
 * throws as assertPortFree does. For tests; the sim command says at once that the port is taken.
 */
export async function waitForPortFree(
    timeoutMs: number,
    port = BUS_PORT,
    host = BUS_HOST
): Promise<void> {
    const end = performance.now() + timeoutMs
    for (;;) {
        try {
            return await assertPortFree(port, host)
        } catch (e) {
            if (performance.now() >= end) throw e
            await new Promise(r => setTimeout(r, PORT_POLL_MS))
        }
    }
}
