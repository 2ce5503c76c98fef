// The reference table's board file (boards/inversion_table_esp32.board.json) against hardware.md's
// pin map and wiring rules. `devs build` (npm run build:firmware) validates it against the ESP32
// architecture; this checks what the firmware and the table rely on.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const FILE = path.join(ROOT, "boards", "inversion_table_esp32.board.json")

interface Service {
    service: string
    name: string
    [key: string]: unknown
}
const board = JSON.parse(fs.readFileSync(FILE, "utf8"))
const services: Service[] = board.$services

function service(name: string): Service {
    const s = services.find(x => x.name === name)
    if (!s) throw new Error(`no service named ${name}`)
    return s
}

describe("board file", () => {
    it("is an ESP32 board with a custom product id, patched onto the generic firmware", () => {
        expect(board.archId).toBe("esp32")
        expect((Number(board.productId) & 0xf0000000) >>> 0).toBe(0x30000000)
        // with a $fwUrl, `devs flash` would flash that firmware unpatched and ignore these pins
        expect(board.$fwUrl).toBeUndefined()
        expect(
            board.id === undefined || board.id === "inversion_table_esp32"
        ).toBe(true)
    })

    it("has the pin map of hardware.md", () => {
        expect(board.i2c.pinSDA).toBe(21)
        expect(board.i2c.pinSCL).toBe(22)
        expect(board.led.pin).toBe(2)
        const motor = service("motor")
        expect(motor.service).toBe("motor")
        expect([motor.pin1, motor.pin2, motor.pinEnable]).toEqual([18, 19, 23])
        const pins: Record<string, number> = {
            grip: 33,
            latch: 32,
            up: 25,
            down: 26,
            stop: 27,
            preset: 14,
            home: 13,
            homeSwitch: 34,
        }
        for (const [name, pin] of Object.entries(pins)) {
            expect(service(name).service, name).toBe("button")
            expect(service(name).pin, name).toBe(pin)
        }
        expect(service("buzzer").service).toBe("buzzer")
        expect(service("buzzer").pin).toBe(4)
    })

    it("wires every switch to ground with a pull-up, so a broken wire reads released or open", () => {
        for (const s of services.filter(x => x.service === "button"))
            expect(s.activeHigh, s.name).toBeUndefined()
        // the native switch service has no pull-up and reads a high (broken) line as closed
        expect(services.filter(x => x.service === "switch")).toEqual([])
    })

    it("uses every GPIO once, no strapping pin as an input, and only input-capable pins for input-only GPIOs", () => {
        const used: number[] = [
            board.i2c.pinSDA,
            board.i2c.pinSCL,
            board.led.pin,
        ]
        for (const s of services)
            for (const [k, v] of Object.entries(s))
                if (k.startsWith("pin")) used.push(v as number)
        for (const v of Object.values(board.pins))
            if (typeof v === "number") used.push(v)
        expect(new Set(used).size).toBe(used.length)
        const inputs = services
            .filter(x => x.service === "button")
            .map(x => x.pin as number)
        for (const p of inputs) expect([0, 2, 5, 12, 15]).not.toContain(p)
        const outputs = [
            service("motor").pin1,
            service("motor").pin2,
            service("motor").pinEnable,
            service("buzzer").pin,
        ]
        for (const p of outputs) expect(p as number).toBeLessThan(34) // 34..39 are input-only
    })

    it("names the services as the firmware starts them (board.startUp() ... board.startBuzzer())", () => {
        const names = services.map(s => s.name).sort()
        expect(names).toEqual([
            "buzzer",
            "down",
            "grip",
            "home",
            "homeSwitch",
            "latch",
            "motor",
            "preset",
            "stop",
            "up",
        ])
        const tableIo = fs.readFileSync(
            path.join(ROOT, "src", "hw", "tableIo.ts"),
            "utf8"
        )
        for (const n of names)
            expect(tableIo).toContain(
                "board.start" + n[0].toUpperCase() + n.slice(1) + "()"
            )
    })
})
