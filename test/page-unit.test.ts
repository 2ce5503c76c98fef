// The page server's pure parts: the holds per page (hold-to-run over a network, with a lease), the
// strict reading of what a page sends, the snapshot's helpers and the chart's points.

import { describe, expect, it } from "vitest"
import { HOLD_LEASE_MS, PadHolds } from "../sim/page/holds"
import { fromVmWire } from "../sim/page/hostService"
import { MAX_MESSAGE_CHARS, parsePageMessage } from "../sim/page/messages"
import { chartPoint } from "../sim/page/server"
import {
    emptySnapshot,
    reasonsByName,
    releasedPad,
    soundOf,
} from "../sim/page/snapshot"
import { toWireFixed10 } from "../src/service/protocol"

function holds() {
    let now = 0
    const given: string[] = []
    const h = new PadHolds(
        (name, level) => given.push(`${name}=${level}`),
        () => now
    )
    return { h, given, advance: (ms: number) => (now += ms) }
}

describe("PadHolds", () => {
    it("gives the table the OR of the pages' holds, and only changes", () => {
        const { h, given } = holds()
        h.set("a", "down", true)
        h.set("b", "down", true)
        h.set("b", "down", false)
        expect(h.current.down).toBe(true)
        h.set("a", "down", false)
        expect(given).toEqual(["down=true", "down=false"])
    })

    it("lets go of everything a page holds when it goes, and nothing another holds", () => {
        const { h } = holds()
        h.set("a", "grip", true)
        h.set("a", "up", true)
        h.set("b", "up", true)
        h.drop("a")
        expect(h.current.grip).toBe(false)
        expect(h.current.up).toBe(true)
        expect(h.heldBy("a")).toEqual([])
    })

    it("lets go of a silent page's holds after the lease; a renewing page keeps them", () => {
        const { h, advance } = holds()
        h.set("quiet", "grip", true)
        h.set("busy", "down", true)
        for (let t = 0; t < HOLD_LEASE_MS + 100; t += 250) {
            advance(250)
            h.heard("busy")
            h.expire()
        }
        expect(h.current.grip).toBe(false)
        expect(h.current.down).toBe(true)
    })

    it("keeps the latch and the home switch as levels, whoever set them", () => {
        const { h } = holds()
        h.set("a", "latch", true)
        h.drop("a")
        expect(h.current.latch).toBe(true)
        h.set("b", "latch", false)
        expect(h.current.latch).toBe(false)
    })
})

describe("parsePageMessage", () => {
    it("takes exactly the page's messages", () => {
        expect(
            parsePageMessage('{"type":"input","name":"grip","level":true}')
        ).toEqual({ type: "input", name: "grip", level: true })
        expect(parsePageMessage('{"type":"alive"}')).toEqual({ type: "alive" })
        expect(
            parsePageMessage('{"type":"inject","fault":"power-cycle"}')
        ).toEqual({ type: "inject", fault: "power-cycle" })
        expect(
            parsePageMessage('{"type":"console","id":3,"line":"status"}')
        ).toEqual({ type: "console", id: 3, line: "status" })
    })

    it("refuses anything else with one line", () => {
        const refusal = (raw: string) => {
            try {
                parsePageMessage(raw)
            } catch (e) {
                return (e as Error).message
            }
            return "taken"
        }
        expect(refusal("{")).toBe("not JSON")
        expect(refusal("null")).toBe("expected an object")
        expect(refusal('{"type":"input","name":"grip"}')).toBe(
            "input: missing level"
        )
        expect(refusal('{"type":"input","name":"grip","level":1}')).toBe(
            "input: level must be true or false, got 1"
        )
        expect(refusal('{"type":"alive","x":1}')).toBe('alive: unknown key "x"')
        expect(refusal('{"type":"inject","fault":"clear "}')).toBe(
            'inject: no fault "clear "'
        )
        expect(refusal('{"type":"console","id":1.5,"line":"x"}')).toMatch(
            /^id: expected a whole number/
        )
        expect(
            refusal(
                '{"type":"console","id":1,"line":"' + "x".repeat(1001) + '"}'
            )
        ).toBe("line: 1001 characters, at most 1000")
        expect(refusal(" ".repeat(MAX_MESSAGE_CHARS + 1))).toMatch(
            /^message too long/
        )
        expect(refusal('{"type":"__proto__"}')).toBe(
            'unknown message type "__proto__"'
        )
    })
})

describe("the snapshot's helpers", () => {
    it("names the buzzer's sound from the telemetry: the first alarming fault's alarm, then the warning", () => {
        expect(soundOf(true, true, ["latch", "imu"])).toBe("alarm-imu")
        expect(soundOf(true, false, ["settings", "stall"])).toBe("alarm-stall")
        expect(soundOf(false, true, [])).toBe("warning")
        expect(soundOf(false, false, ["settings"])).toBeNull()
    })

    it("reads fault reasons by name", () => {
        expect(
            reasonsByName(
                "imu: no fresh sample for 100 ms; latch: opened: away from home"
            )
        ).toEqual({
            imu: "no fresh sample for 100 ms",
            latch: "opened: away from home",
        })
        expect(reasonsByName(["stall: the angle did not follow"])).toEqual({
            stall: "the angle did not follow",
        })
    })

    it("packs a chart point with the pad and the faults as bits", () => {
        const s = emptySnapshot("host", 1234)
        s.angleDeg = -10.12345
        s.pad = { ...releasedPad(), grip: true, down: true }
        s.faults = ["latch"]
        const p = chartPoint(s)
        expect(p.slice(0, 2)).toEqual([1234, -10.123])
        expect(p[6]).toBe(0b1001) // grip (bit 0), down (bit 3)
        expect(p[7]).toBe(0b10) // latch is the second fault
    })

    it("undoes the VM encoder's shift for jacdac-ts, which rounds correctly", () => {
        for (const v of [-65, -0.0001, 0, 4.1, 45])
            expect(fromVmWire(toWireFixed10(v))).toBeCloseTo(v, 9)
    })
})
