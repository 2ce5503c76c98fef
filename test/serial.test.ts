// The serial path without a real port: the console's --serial and the page's --serial talk to a table
// over a mock serial port (the serialport package's mock binding) whose far end frames packets as
// the DeviceScript runtime does on the ESP32's USB serial, bridged to the host table's Jacdac service.
// What this cannot show: a real USB serial adapter, the ESP32's own runtime on the far end, 1.5 Mbaud
// on a wire (README: "What has been shown").

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FIRST_CAP_DEG } from "../src/control/program"
import { WebSocket } from "ws"
import { ConsoleIo } from "../sim/console/console"
import { EXIT_NO_TABLE, EXIT_OK } from "../sim/console/exitCodes"
import { parseConsoleArgs, runConsole } from "../sim/console/main"
import { connectSerial } from "../sim/console/serialTransport"
import { HostLiveTable } from "../sim/page/hostLive"
import { HostTableService } from "../sim/page/hostService"
import { PageServer } from "../sim/page/server"
import { SerialSource } from "../sim/page/serialSource"
import { UsbCable } from "./usbCable"

let table: HostLiveTable
let service: HostTableService
let portNumber = 0

beforeAll(async () => {
    table = await HostLiveTable.start()
    service = new HostTableService(table)
})

afterAll(async () => {
    service?.close()
    await table?.close()
})

function cable(tableOnIt = true): UsbCable {
    return new UsbCable(
        `/dev/ttyMOCK${++portNumber}`,
        tableOnIt ? service.bus : null
    )
}

describe("the console over a serial port", () => {
    it("takes --serial PORT, and refuses it without a port or together with --sim", () => {
        expect(
            parseConsoleArgs(["--serial", "/dev/ttyUSB0", "status"])
        ).toEqual({
            sim: false,
            serial: "/dev/ttyUSB0",
            words: ["status"],
        })
        expect(parseConsoleArgs(["--serial=/dev/ttyACM1"]).serial).toBe(
            "/dev/ttyACM1"
        )
        expect(() => parseConsoleArgs(["--serial"])).toThrow(
            /--serial needs a serial port/
        )
        expect(() => parseConsoleArgs(["--sim", "--serial", "/dev/x"])).toThrow(
            /exclude each other/
        )
    })

    it("runs a one-shot status through the port", async () => {
        const usb = cable()
        const out: string[] = []
        const err: string[] = []
        const io: ConsoleIo = {
            out: t => void out.push(t),
            err: t => void err.push(t),
            live: () => {},
            endLive: () => {},
            ask: null,
        }
        const code = await runConsole(["--serial", usb.path, "status"], {
            io,
            serialPort: usb.SerialPort,
        })
        expect(err.join("\n")).not.toMatch(/no table|cannot/)
        expect(code).toBe(EXIT_OK)
        expect(out.join("\n")).toMatch(/state\s+idle \(at home, motor off\)/)
        expect(usb.forwarding).toBe(true)
        expect(usb.framesFromHost).toBeGreaterThan(0)
    })

    it("says in one line that a port does not exist (exit 3)", async () => {
        const err: string[] = []
        const io: ConsoleIo = {
            out: () => {},
            err: t => void err.push(t),
            live: () => {},
            endLive: () => {},
            ask: null,
        }
        const code = await runConsole(
            ["--serial", "/dev/ttyNO-SUCH-PORT", "status"],
            { io }
        )
        expect(code).toBe(EXIT_NO_TABLE)
        expect(err.filter(l => !l.startsWith("opening"))).toEqual([
            "no serial port /dev/ttyNO-SUCH-PORT: is the table plugged in by USB?",
        ])
    })

    it("says in one line that nothing on a port speaks Jacdac (exit 3)", async () => {
        const usb = cable(false)
        await expect(
            connectSerial(usb.path, { SerialPort: usb.SerialPort })
        ).rejects.toThrow(
            /^cannot talk to a table on the serial port \/dev\/ttyMOCK\d+|^no answer on the serial port/
        )
    })

    it("notices a pulled cable: the link is lost", async () => {
        const usb = cable()
        const link = await connectSerial(usb.path, {
            SerialPort: usb.SerialPort,
        })
        const lost = new Promise<string>(resolve => link.onLost(resolve))
        usb.unplug()
        expect(await lost).toMatch(
            new RegExp(`^the serial link to ${usb.path} was lost`)
        )
        await link.close()
    })
})

describe("the page over a serial port", () => {
    it("shows the real table read only: its state from the telemetry, the pad and faults refused", async () => {
        const usb = cable()
        const source = new SerialSource(() =>
            connectSerial(usb.path, { SerialPort: usb.SerialPort })
        )
        const logs: string[] = []
        const server = await PageServer.listen({
            port: 0,
            log: l => logs.push(l),
        })
        server.attach(source)
        try {
            const end = performance.now() + 10_000
            let s = source.snapshot(0)
            while (
                !(s.connected && s.capDeg !== null) &&
                performance.now() < end
            ) {
                await new Promise(r => setTimeout(r, 50))
                s = source.snapshot(0)
            }
            expect(s.mode).toBe("serial")
            expect(s.connected).toBe(true)
            expect(s.state).toBe("idle")
            expect(s.estDeg).toBeCloseTo(-65, 0)
            expect(s.angleDeg).toBeNull()
            expect(s.duty).toBeNull()
            // A new table on the exercise program: the first session's cap.
            expect(s.capDeg).toBe(FIRST_CAP_DEG)
            const ws = new WebSocket(server.url.replace("http", "ws") + "ws")
            const messages: {
                type: string
                readOnly?: boolean
                reason?: string
            }[] = []
            ws.on("message", d => messages.push(JSON.parse(d.toString())))
            await new Promise(r => ws.once("open", r))
            ws.send(
                JSON.stringify({ type: "input", name: "down", level: true })
            )
            ws.send(JSON.stringify({ type: "inject", fault: "imu-stale" }))
            const until = performance.now() + 5000
            while (
                messages.filter(m => m.type === "refused").length < 2 &&
                performance.now() < until
            )
                await new Promise(r => setTimeout(r, 20))
            expect(messages.find(m => m.type === "hello")!.readOnly).toBe(true)
            expect(
                messages.filter(m => m.type === "refused").map(m => m.reason)
            ).toEqual([
                "a real table is read only here: its pad is the table's own",
                "faults are injected into simulated tables only",
            ])
            expect(table.level("down")).toBe(false)
            const csv = await (await fetch(server.url + "trace.csv")).text()
            expect(csv.split("\n")[0]).toBe(
                "t_s,angle_deg,target_deg,rate_dps,session_inverted_s,state,faults,latch,grip,warning,alarm"
            )
            ws.close()
        } finally {
            await server.close()
            await source.close()
        }
    })
})
