// The simulator's IMU readings (src/hw/simImuSamples.ts): the ×65536 quirk, in its one place, and
// the pairing of accelerometer and gyroscope reports into samples. Also checked in the VM.

import { describe, expect, it } from "vitest"
import {
    SIM_IMU_VECTOR_SCALE,
    SimImuSamples,
    simImuValue,
} from "../src/hw/simImuSamples"

describe("SIM_IMU_VECTOR_SCALE: the ×65536 quirk", () => {
    it("is exactly 2^-16", () => {
        expect(SIM_IMU_VECTOR_SCALE).toBe(1 / 65536)
        expect(SIM_IMU_VECTOR_SCALE * 65536).toBe(1)
    })

    it("turns the values measured in the FIL prototype back into what the simulator sent", () => {
        // decoded in the VM (firmware got) -> sent by jacdac-ts (results/quirk.txt)
        const measured: [number, number][] = [
            [65536, 1],
            [-65536, -1],
            [32768, 0.5],
            [-16384, -0.25],
            [131072, 2],
            [16384000, 250],
            [-16384000, -250],
            [98304, 1.5],
            [131072000, 2000],
            [0, 0],
        ]
        for (const [got, sent] of measured) expect(simImuValue(got)).toBe(sent)
    })
})

describe("SimImuSamples", () => {
    it("makes a sample only when both sensors have reported", () => {
        const s = new SimImuSamples()
        expect(s.sample.ok).toBe(false)
        expect(s.seq).toBe(0)
        s.onAccel([0, 0, 65536])
        expect(s.seq).toBe(0)
        s.onGyro([0, 65536 * 2, 0])
        expect(s.seq).toBe(1)
        expect(s.sample).toEqual({
            ok: true,
            seq: 1,
            axG: 0,
            ayG: 0,
            azG: 1,
            gxDps: 0,
            gyDps: 2,
            gzDps: 0,
        })
    })

    it("uses the latest of each, and counts every report", () => {
        const s = new SimImuSamples()
        s.onAccel([65536, 0, 0])
        s.onAccel([32768, 0, 0])
        s.onGyro([0, 0, 0])
        expect(s.sample.axG).toBe(0.5)
        expect(s.accelCount).toBe(2)
        expect(s.gyroCount).toBe(1)
        expect(s.seq).toBe(1)
    })

    it("stops making samples when one sensor goes silent, so the controller sees the IMU stale", () => {
        const s = new SimImuSamples()
        s.onAccel([0, 0, 65536])
        s.onGyro([0, 0, 0])
        for (let i = 0; i < 10; i++) s.onAccel([0, 0, 65536])
        expect(s.seq).toBe(1)
        s.onGyro([0, 0, 0])
        expect(s.seq).toBe(2)
    })

    it("ignores a malformed reading", () => {
        const s = new SimImuSamples()
        s.onAccel([1, 2])
        s.onGyro([0, 0, 0])
        expect(s.seq).toBe(0)
        expect(s.accelCount).toBe(1)
    })
})
