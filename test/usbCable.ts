// A table on the far end of a USB serial cable, for tests of the serial path: a mock serial port
// (the serialport package's mock binding) whose other end speaks the framing the DeviceScript runtime
// uses on the ESP32's USB serial (frames between 0xFE 0xFC and 0xFE 0xFD, 0xFE escaped as 0xFE 0xF8,
// anything else is the board's console text) and bridges the frames to a Jacdac bus: the table's.
// Like the board, it starts forwarding the bus's packets when the host sends the bridge's
// "enable packets" command, and it can be unplugged.

import { SerialPortMock } from "serialport"
import { createProxyBridge, crc, JDBus, read32 } from "jacdac-ts"
import { SerialPortClass } from "../sim/console/serialTransport"

const MAGIC = 0xfe
const FRAME_START = 0xfc
const FRAME_END = 0xfd
const LITERAL_MAGIC = 0xf8
/** The USB bridge's service class and its "enable packets" command (jacdac's usb bridge service). */
const SRV_USB_BRIDGE = 0x18f61a4a
const CMD_ENABLE_PACKETS = 0x81
const FLAG_IDENTIFIER_IS_SERVICE_CLASS = 0x04

export function encodeFrame(frame: Uint8Array): Uint8Array {
    const out = [MAGIC, FRAME_START]
    for (const b of frame) {
        out.push(b)
        if (b === MAGIC) out.push(LITERAL_MAGIC)
    }
    out.push(MAGIC, FRAME_END)
    return Uint8Array.from(out)
}

/** Splits a byte stream into frames (the text between them is dropped). */
export class FrameDecoder {
    private inFrame = false
    private wasMagic = false
    private frame: number[] = []

    push(bytes: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
        for (const c of bytes) {
            if (this.wasMagic) {
                this.wasMagic = false
                if (c === FRAME_START) {
                    this.inFrame = true
                    this.frame = []
                } else if (c === FRAME_END) {
                    if (this.inFrame) onFrame(Uint8Array.from(this.frame))
                    this.inFrame = false
                } else if (c === LITERAL_MAGIC && this.inFrame)
                    this.frame.push(MAGIC)
                continue
            }
            if (c === MAGIC) this.wasMagic = true
            else if (this.inFrame) this.frame.push(c)
        }
    }
}

/** The serialport package's mock binding (SerialPortMock's own). */
const MockBinding = SerialPortMock.binding
type MockPort = Awaited<ReturnType<typeof MockBinding.open>>

export class UsbCable {
    readonly SerialPort: SerialPortClass
    /** frames the host sent, and whether the bridge forwards the bus's packets */
    framesFromHost = 0
    forwarding = false
    private port: MockPort | null = null
    private readonly decoder = new FrameDecoder()
    private plugged = true
    private readonly detach: () => void
    private bridgeIn: ((frame: Uint8Array) => void) | null = null

    constructor(
        readonly path: string,
        tableBus: JDBus | null
    ) {
        MockBinding.createPort(path, { echo: false, record: false })
        // eslint-disable-next-line @typescript-eslint/no-this-alias
        const cable = this
        const binding = {
            ...MockBinding,
            list: () => MockBinding.list(),
            async open(options: Parameters<typeof MockBinding.open>[0]) {
                const port = await MockBinding.open(options)
                const write = port.write.bind(port)
                port.write = async (buffer: Buffer) => {
                    await write(buffer)
                    cable.fromHost(buffer)
                }
                cable.port = port
                return port
            },
        }
        // SerialPortMock takes the binding it is given: this one sees what the host writes.
        class CablePort extends SerialPortMock {
            constructor(
                options: { path: string; baudRate: number },
                callback?: (err: Error | null) => void
            ) {
                super({ ...options, binding } as never, callback as never)
            }
            static list() {
                return binding.list()
            }
        }
        this.SerialPort = CablePort as unknown as SerialPortClass
        if (tableBus) {
            const bridge = createProxyBridge(frame => this.toHost(frame))
            bridge.bus = tableBus
            this.bridgeIn = frame => bridge.receiveFrameOrPacket(frame)
            this.detach = () => {
                bridge.bus = undefined as unknown as JDBus
            }
        } else this.detach = () => {}
    }

    /** The cable pulled: nothing more goes either way. */
    unplug(): void {
        this.plugged = false
        this.detach()
    }

    private fromHost(bytes: Buffer): void {
        if (!this.plugged) return
        this.decoder.push(bytes, frame => {
            this.framesFromHost++
            if (
                frame.length >= 16 &&
                (frame[3] & FLAG_IDENTIFIER_IS_SERVICE_CLASS) !== 0 &&
                read32(frame, 4) === SRV_USB_BRIDGE
            ) {
                if (frame[14] === CMD_ENABLE_PACKETS) this.forwarding = true
                return
            }
            this.bridgeIn?.(frame)
        })
    }

    private toHost(frame: Uint8Array): void {
        if (!this.plugged || !this.forwarding || !this.port?.isOpen) return
        if (
            crc(frame.subarray(2, 12 + frame[2])) !==
            (frame[0] | (frame[1] << 8))
        )
            return
        this.port.emitData(Buffer.from(encodeFrame(frame)))
    }
}
