// The pure parts of the firmware-in-the-loop harness (sim/firmware/), without a VM: the TICK line,
// failure lines, the motor's duty log, the IMU's wire values, frame checks, the replay program's
// encoding, the port check (on a port of its own, not the VM's), the cleanup registry.

import * as net from "node:net"
import { crc, write16 } from "jacdac-ts"
import { describe, expect, it } from "vitest"
import { defaultSettings } from "../src/control/settings"
import { frameIsSound } from "../sim/firmware/bus"
import { liveChildCount, registerChild } from "../sim/firmware/cleanup"
import { FirmwareLoopError } from "../sim/firmware/errors"
import { imuWireValues } from "../sim/firmware/imu"
import { DutyLog } from "../sim/firmware/motor"
import { assertPortFree } from "../sim/firmware/port"
import {
    parseReplayLine,
    parseTimingLine,
    recordHostSteps,
    replayProgramSource,
} from "../sim/firmware/replay"
import { isProgramFailure, parseTickLine } from "../sim/firmware/tickLine"
import { parseScenario } from "../sim/scenario"

describe("TICK lines", () => {
    it("parses the contract's line, with or without the VM's prefix", () => {
        expect(
            parseTickLine(
                "WASM> TICK 1520 -64.99313 45 0.3066406 moving - 1 1 15 0 -"
            )
        ).toEqual({
            nowMs: 1520,
            estDeg: -64.99313,
            targetDeg: 45,
            duty: 0.3066406,
            state: "moving",
            faults: [],
            latch: true,
            grip: true,
            capDeg: 15,
            sessionS: 0,
            sound: "",
        })
        expect(
            parseTickLine(
                "TICK 20 10 10 0 fault imu|latch 0 1 45 3.5 alarm-imu"
            )
        ).toMatchObject({
            state: "fault",
            faults: ["imu", "latch"],
            latch: false,
            grip: true,
            sessionS: 3.5,
            sound: "alarm-imu",
        })
    })

    it("ignores other lines and refuses a broken TICK line, saying what is wrong", () => {
        expect(parseTickLine("WASM> FW ready t=162 imuSamples=5")).toBeNull()
        expect(parseTickLine("self-deployed x.devs")).toBeNull()
        const ok = " 45 0 -"
        expect(() => parseTickLine("WASM> TICK 20 10 10 0 moving -")).toThrow(
            /expected 12 fields, found 7/
        )
        expect(() =>
            parseTickLine("TICK 20 NaN 10 0 moving - 1 1" + ok)
        ).toThrow(/estDeg is NaN/)
        expect(() => parseTickLine("TICK 20 1 10 0 flying - 1 1" + ok)).toThrow(
            /unknown state flying/
        )
        expect(() =>
            parseTickLine("TICK 20 1 10 0 fault gremlins 1 1" + ok)
        ).toThrow(/unknown fault gremlins/)
        expect(() => parseTickLine("TICK 20 1 10 0 idle - yes 1" + ok)).toThrow(
            /field 7 is yes/
        )
        expect(() =>
            parseTickLine("TICK 20 1 10 0 idle - 1 1 45 0 kazoo")
        ).toThrow(/unknown sound kazoo/)
    })

    it("tells a dead program (unhandled exception, panic) from an error the firmware handled", () => {
        expect(isProgramFailure("WASM> Unhandled exception")).toBe(true)
        expect(isProgramFailure("WASM> Exception: TypeError")).toBe(true)
        expect(isProgramFailure("PANIC 60005")).toBe(true)
        expect(isProgramFailure("WASM> stop program")).toBe(true)
        expect(
            isProgramFailure(
                "WASM> ERROR controller.step threw: TypeError; motor off, controller restarted"
            )
        ).toBe(false)
        expect(isProgramFailure("WASM> TICK 20 1 10 0 idle - 1 1")).toBe(false)
    })
})

describe("the motor's duty log", () => {
    it("gives the duties over a stretch of time, piecewise, adding up to the stretch", () => {
        const log = new DutyLog()
        expect(log.take(0, 20)).toEqual([{ ms: 20, duty: 0 }])
        log.add(25, 0.5)
        log.add(33, 0.25)
        expect(log.duty).toBe(0.25)
        expect(log.take(20, 40)).toEqual([
            { ms: 5, duty: 0 },
            { ms: 8, duty: 0.5 },
            { ms: 7, duty: 0.25 },
        ])
        expect(log.take(40, 60)).toEqual([{ ms: 20, duty: 0.25 }])
    })

    it("counts a change that came after the stretch from the next stretch on", () => {
        const log = new DutyLog()
        log.add(61, -1)
        expect(log.take(40, 60)).toEqual([{ ms: 20, duty: 0 }])
        expect(log.take(60, 80)).toEqual([
            { ms: 1, duty: 0 },
            { ms: 19, duty: -1 },
        ])
    })

    it("ignores a write of the same duty", () => {
        const log = new DutyLog()
        expect(log.add(5, 0)).toBe(false)
        expect(log.add(5, 0.1)).toBe(true)
        expect(log.add(9, 0.1)).toBe(false)
    })
})

describe("the IMU on the wire", () => {
    it("sends g and deg/s as they are (the firmware undoes the VM's x65536), clamped to the i12.20 range", () => {
        const w = imuWireValues({
            ok: true,
            seq: 1,
            axG: 0.5,
            ayG: -0.25,
            azG: 3000,
            gxDps: -1.5,
            gyDps: 4,
            gzDps: -5000,
        })
        expect(w.accel).toEqual([0.5, -0.25, 2047.999])
        expect(w.gyro).toEqual([-1.5, 4, -2047.999])
    })
})

describe("frames from the VM", () => {
    function frame(payload: number[]): Uint8Array {
        const f = new Uint8Array(12 + payload.length)
        f[2] = payload.length
        f.set(payload, 12)
        write16(f, 0, crc(f.subarray(2)))
        return f
    }

    it("passes a whole frame with its CRC, drops a damaged or cut one", () => {
        const good = frame([4, 0, 0, 0, 1, 2, 3, 4])
        expect(frameIsSound(good)).toBe(true)
        const damaged = good.slice()
        damaged[14] ^= 1
        expect(frameIsSound(damaged)).toBe(false)
        expect(frameIsSound(good.subarray(0, good.length - 1))).toBe(false)
        expect(frameIsSound(new Uint8Array(5))).toBe(false)
    })
})

describe("the replay program", () => {
    const s = parseScenario(
        JSON.stringify({
            durationS: 2,
            seed: 3,
            events: [
                { t: 0, set: { latch: true, deadman: true } },
                { t: 0.5, set: { down: true } },
            ],
        }),
        "replay"
    )

    it("records the host's steps, and embeds them in hex literals of at most 600 ticks (56 bytes a tick: the IMU's doubles exact)", () => {
        const steps = recordHostSteps(s, 70)
        expect(steps).toHaveLength(70)
        expect(steps[3].nowMs).toBe(60)
        const src = replayProgramSource(
            steps,
            defaultSettings(),
            "/tmp/somewhere/src"
        )
        expect(src).toMatch(/^const TICKS = 70$/m)
        expect(src.match(/hex`[0-9a-f]*`/g)!.map(h => h.length - 5)).toEqual([
            70 * 56 * 2,
        ])
        expect(src).toContain(`import { Controller } from "`)
        // What does not fit the tick's integers is refused, never rounded.
        const odd = steps.map((st, k) =>
            k === 5 ? { ...st, nowMs: st.nowMs + 0.5 } : st
        )
        expect(() =>
            replayProgramSource(odd, defaultSettings(), "/tmp/somewhere/src")
        ).toThrow(/nowMs 100.5 is not a whole u32/)
    })

    it("reads the VM's outputs back exactly (hex of doubles) and its timing line", () => {
        const b = Buffer.alloc(24)
        b.writeDoubleLE(0.30664062500000006, 0)
        b.writeDoubleLE(-64.99313134, 8)
        b.writeDoubleLE(45, 16)
        expect(
            parseReplayLine(`WASM> R 12 ${b.toString("hex")} moving -`)
        ).toEqual({
            k: 12,
            duty: 0.30664062500000006,
            estDeg: -64.99313134,
            targetDeg: 45,
            state: "moving",
            faults: [],
        })
        expect(parseReplayLine("WASM> TIMING 1000 183")).toBeNull()
        expect(parseTimingLine("WASM> TIMING 1000 183")).toEqual({
            ticks: 1000,
            ms: 183,
        })
    })
})

describe("the port check", () => {
    it("passes a free port and refuses a taken one in one line naming it", async () => {
        const holder = net.createServer()
        await new Promise<void>(resolve =>
            holder.listen(0, "127.0.0.1", resolve)
        )
        const port = (holder.address() as net.AddressInfo).port
        try {
            await expect(assertPortFree(port)).rejects.toThrow(
                FirmwareLoopError
            )
            await expect(assertPortFree(port)).rejects.toThrow(
                new RegExp(`^port 127\\.0\\.0\\.1:${port} is in use: `)
            )
        } finally {
            await new Promise(r => holder.close(r))
        }
        await expect(assertPortFree(port)).resolves.toBeUndefined()
    })
})

describe("the cleanup registry", () => {
    it("hooks the process's exit and signals only while a child is registered", () => {
        const before = process.listenerCount("SIGTERM")
        const unregister = registerChild(() => {})
        expect(liveChildCount()).toBe(1)
        expect(process.listenerCount("SIGTERM")).toBe(before + 1)
        unregister()
        expect(liveChildCount()).toBe(0)
        expect(process.listenerCount("SIGTERM")).toBe(before)
    })
})
