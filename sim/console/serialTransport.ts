// The console's bus over a USB serial port, without `devs devtools`: jacdac-ts's serial transport
// (the DeviceScript runtime's framing on the ESP32's USB serial, 1.5 Mbaud) with the `serialport`
// package, on an in-process JDBus. `npm run console -- --serial /dev/ttyUSB0`, and the page's
// `npm start -- --serial PORT`.
//
// - The port named is the one used: jacdac-ts would take the first port it recognises by its USB
//   vendor, so its port list is narrowed to the named one (and that one is always taken).
// - The link is lost when the transport disconnects (the cable pulled, the table silent for its
//   pulse timeout): a TableError naming the port, as for a lost socket.
// - jacdac-ts reports its progress with console.debug, which would land in the console's standard
//   output: it is silenced while a serial link is open.
// - Tests pass a mock SerialPort class (the serialport package's mock binding).

import * as fs from "node:fs"
import {
    CONNECTION_STATE,
    createNodeWebSerialTransport,
    ERROR,
    JDBus,
} from "jacdac-ts"
import { TableError } from "./exitCodes"
import { BusLink } from "./transport"

/** How long the port may take to open and answer the framing's handshake (jacdac-ts tries for ~2 s). */
export const SERIAL_CONNECT_TIMEOUT_MS = 5000

/** What jacdac-ts needs of a SerialPort class (the serialport package's, or its mock). */
export interface SerialPortClass {
    new (
        options: { path: string; baudRate: number },
        callback?: (err: Error | null) => void
    ): unknown
    list(): Promise<
        { path: string; serialNumber?: string; vendorId?: string }[]
    >
}

export interface SerialOptions {
    /** the SerialPort class (default: the serialport package's) */
    SerialPort?: SerialPortClass
    timeoutMs?: number
}

let debugSilenced = 0
let savedDebug: typeof console.debug | null = null

function silenceDebug(): () => void {
    if (debugSilenced++ === 0) {
        savedDebug = console.debug
        console.debug = () => {}
    }
    let undone = false
    return () => {
        if (undone) return
        undone = true
        if (--debugSilenced === 0 && savedDebug) console.debug = savedDebug
    }
}

/** A SerialPort class whose port list holds the named port only, marked so jacdac-ts takes it. */
export function onlyPort(
    Base: SerialPortClass,
    portPath: string
): SerialPortClass {
    const Narrowed = class extends (Base as unknown as new (
        ...args: unknown[]
    ) => object) {
        static async list() {
            const all = await Base.list()
            const found = all.find(p => p.path === portPath)
            // jacdac-ts keeps ports whose serial number starts with JD (or of a vendor it knows).
            return [
                {
                    ...found,
                    path: portPath,
                    serialNumber: "JD-" + (found?.serialNumber ?? portPath),
                },
            ]
        }
    }
    return Narrowed as unknown as SerialPortClass
}

async function defaultSerialPort(): Promise<SerialPortClass> {
    const { SerialPort } = await import("serialport")
    return SerialPort as unknown as SerialPortClass
}

/**
 * Opens the named serial port and connects a fresh JDBus through it. Throws a TableError (exit 3)
 * when the port does not exist, cannot be opened, or nothing on it speaks Jacdac.
 */
export async function connectSerial(
    portPath: string,
    options: SerialOptions = {}
): Promise<BusLink> {
    const Base = options.SerialPort ?? (await defaultSerialPort())
    if (!options.SerialPort && !fs.existsSync(portPath))
        throw new TableError(
            `no serial port ${portPath}: is the table plugged in by USB?`
        )
    const url = `serial ${portPath}`
    const unsilence = silenceDebug()
    const transport = createNodeWebSerialTransport(onlyPort(Base, portPath))
    const bus = new JDBus([transport], {
        client: false,
        disableRoleManager: true,
    })
    let lostReason: string | null = null
    let closing = false
    let lastError = ""
    const listeners = new Set<(reason: string) => void>()
    const lose = (reason: string) => {
        if (closing || lostReason !== null) return
        lostReason = reason
        for (const l of Array.from(listeners)) l(reason)
    }
    transport.on(ERROR, (e: { exception?: Error }) => {
        lastError = e?.exception?.message ?? String(e)
    })
    const close = async () => {
        if (closing) return
        closing = true
        listeners.clear()
        try {
            await transport.disconnect()
        } catch {
            // the port may be gone already
        }
        transport.dispose()
        bus.stop()
        unsilence()
    }
    try {
        const timeoutMs = options.timeoutMs ?? SERIAL_CONNECT_TIMEOUT_MS
        let timer: NodeJS.Timeout | undefined
        await Promise.race([
            bus.connect(),
            new Promise((_, reject) => {
                timer = setTimeout(
                    () =>
                        reject(
                            new TableError(
                                `no answer on the serial port ${portPath} within ${timeoutMs / 1000} s`
                            )
                        ),
                    timeoutMs
                )
            }),
        ]).finally(() => clearTimeout(timer))
        if (!transport.connected)
            throw new TableError(
                `cannot talk to a table on the serial port ${portPath}${lastError ? ": " + lastError : ""}`
            )
    } catch (e) {
        await close()
        if (e instanceof TableError) throw e
        throw new TableError(
            `cannot open the serial port ${portPath}: ${(e as Error).message}`
        )
    }
    transport.on(CONNECTION_STATE, () => {
        if (!transport.connected && !transport.connecting)
            lose(
                `the serial link to ${portPath} was lost${lastError ? ": " + lastError : ""}`
            )
    })
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
        close,
    }
}
