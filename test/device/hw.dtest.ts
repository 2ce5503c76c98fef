// The pure modules of src/hw/ inside the DeviceScript VM: the same code the firmware runs, with the
// VM's numbers (doubles, 32-bit integer ops, its own number printing). Host twins: test/*.test.ts.

import * as ds from "@devicescript/core"
import { beforeEach, describe, expect, test } from "@devicescript/test"
import { Outputs } from "../../src/control/types"
import { checksum32 } from "../../src/hw/checksum"
import { Debouncer, rawLevel } from "../../src/hw/debounce"
import {
    MotorWritePlanner,
    WRITE_ENABLED,
    WRITE_NONE,
    WRITE_SPEED,
    quantizeDuty,
} from "../../src/hw/motorWrites"
import {
    decodeBurst,
    int16be,
    toImuSample,
    whoAmIError,
} from "../../src/hw/mpu6050"
import {
    SIM_IMU_VECTOR_SCALE,
    SimImuSamples,
    simImuValue,
} from "../../src/hw/simImuSamples"
import { parseTickText, tickLine } from "../../src/hw/tickLine"
import { check, expectNear } from "./util"

describe("mpu6050 decoding in the VM", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })
    test("int16be", () => {
        expect(int16be(0x7f, 0xff)).toBe(32767)
        expect(int16be(0x80, 0x00)).toBe(-32768)
        expect(int16be(0xff, 0xff)).toBe(-1)
        expect(int16be(0x40, 0x00)).toBe(16384)
        expect(int16be(0x00, 0x00)).toBe(0)
    })
    test("a 14-byte burst from a Buffer", () => {
        // ax 0, ay -1 g, az +1 g, temp 0 (36.53 C), gx +1 dps, gy -2 dps, gz 0
        const b = Buffer.from([
            0x00, 0x00, 0xc0, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x83, 0xfe,
            0xfa, 0x00, 0x00,
        ])
        const r = decodeBurst(b)
        check(r !== null, "decoded")
        expect(r.axG).toBe(0)
        expect(r.ayG).toBe(-1)
        expect(r.azG).toBe(1)
        expectNear(r.tempC, 36.53, 1e-9, "tempC")
        expect(r.gxDps).toBe(1)
        expect(r.gyDps).toBe(-2)
        expect(r.gzDps).toBe(0)
        const s = toImuSample(r, 3)
        expect(s.ok).toBe(true)
        expect(s.seq).toBe(3)
        expect(s.gyDps).toBe(2)
    })
    test("a short read is refused", () => {
        expect(decodeBurst(Buffer.from([1, 2, 3]))).toBe(null)
    })
    test("identity", () => {
        expect(whoAmIError(0x68)).toBe(null)
        expect(whoAmIError(0x70)).toBe(
            "WHO_AM_I reads 0x70, expected 0x68: not an MPU-6050"
        )
    })
})

describe("checksum in the VM agrees with the host", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })
    test("FNV-1a vectors", () => {
        expect(checksum32("")).toBe(0x811c9dc5)
        expect(checksum32("a")).toBe(0xe40c292c)
        expect(checksum32("foobar")).toBe(0xbf9cf968)
        expect(checksum32("hello")).toBe(1335831723)
    })
    test("prints in full (the record carries it as text)", () => {
        expect("" + checksum32("")).toBe("2166136261")
        expect("" + checksum32("foobar")).toBe("3214735720")
    })
})

describe("debounce in the VM", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })
    test("two ticks to change, glitches ignored", () => {
        const d = new Debouncer(2)
        expect(d.update(true)).toBe(false)
        expect(d.update(true)).toBe(true)
        expect(d.update(false)).toBe(true)
        expect(d.update(true)).toBe(true)
        expect(d.update(false)).toBe(true)
        expect(d.update(false)).toBe(false)
    })
    test("prime: a button held at start is held from the first tick", () => {
        const d = new Debouncer(2)
        d.prime(true)
        expect(d.update(true)).toBe(true)
        expect(d.update(false)).toBe(true)
        expect(d.update(false)).toBe(false)
    })
    test("unbound or silent reads released", () => {
        expect(rawLevel(false, true, true)).toBe(false)
        expect(rawLevel(true, false, true)).toBe(false)
        expect(rawLevel(true, true, true)).toBe(true)
    })
})

describe("the simulator IMU quirk in the VM", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })
    test("values decoded x65536 come back to g and deg/s", () => {
        expect(SIM_IMU_VECTOR_SCALE * 65536).toBe(1)
        expect(simImuValue(65536)).toBe(1)
        expect(simImuValue(-16384000)).toBe(-250)
        const s = new SimImuSamples()
        s.onAccel([32768, 0, 56755.84])
        expect(s.seq).toBe(0)
        s.onGyro([0, 131072, 0])
        expect(s.seq).toBe(1)
        expect(s.sample.axG).toBe(0.5)
        expect(s.sample.gyDps).toBe(2)
        expectNear(s.sample.azG, 0.866, 1e-4, "azG")
    })
})

describe("motor writes in the VM", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })
    test("speed 0 first, enable, speed; stop at once", () => {
        const p = new MotorWritePlanner()
        expect(p.next(0.5, false, 0).kind).toBe(WRITE_NONE)
        let w = p.next(0.5, true, 20)
        expect(w.kind).toBe(WRITE_SPEED)
        expect(w.value).toBe(0)
        w = p.next(0.5, true, 40)
        expect(w.kind).toBe(WRITE_ENABLED)
        expect(w.value).toBe(1)
        w = p.next(0.5, true, 60)
        expect(w.kind).toBe(WRITE_SPEED)
        expect(w.value).toBe(0.5)
        expect(p.next(0.5, true, 80).kind).toBe(WRITE_NONE)
        w = p.next(0, true, 100)
        expect(w.kind).toBe(WRITE_SPEED)
        expect(w.value).toBe(0)
        expect(quantizeDuty(-0.3)).toBe(-153 / 512)
        expect(quantizeDuty(NaN)).toBe(0)
    })
})

describe("the TICK line as the VM prints it", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })
    test("numbers, faults and flags", () => {
        // only the fields the line uses (the controller's Outputs grows)
        const out: any = {
            duty: 0.0718193,
            state: "moving",
            faults: ["imu", "watchdog"],
            estDeg: -64.80009,
            targetDeg: 45,
            grip: true,
            latch: false,
            effectiveMaxDeg: 15,
            sessionInvertedS: 12.34,
            sound: "alarm-imu",
        }
        const line = tickLine(2398, out as Outputs)
        expect(line).toBe(
            "TICK 2398 -64.80009 45 0.0718193 moving imu|watchdog 0 1 15 12.34 alarm-imu"
        )
        // The firmware's own parser reads it back (the harness uses the same module).
        const back = parseTickText(line)
        expect(back.sound).toBe("alarm-imu")
        expect(back.capDeg).toBe(15)
        out.faults = []
        out.estDeg = 1 / 3
        out.sound = ""
        expect(tickLine(7200000, out as Outputs)).toBe(
            "TICK 7200000 0.333333 45 0.0718193 moving - 0 1 15 12.34 -"
        )
    })
})
