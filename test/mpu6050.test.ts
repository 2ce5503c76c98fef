// The MPU-6050's pure half (src/hw/mpu6050.ts): register constants, configuration, byte decoding.
// The same decoding is checked inside the DeviceScript VM by test/device/hw.dtest.ts.

import { describe, expect, it } from "vitest"
import {
    ACCEL_FS_2G,
    ACCEL_LSB_PER_G,
    BURST_LENGTH,
    CONFIG_DLPF_10HZ,
    CONFIG_REGISTERS,
    CONFIG_VALUES,
    GYRO_FS_250DPS,
    GYRO_LSB_PER_DPS,
    MPU6050_ADDRESS,
    MPU6050_WHO_AM_I,
    PWR_AWAKE_PLL_X,
    REG_ACCEL_CONFIG,
    REG_ACCEL_XOUT_H,
    REG_CONFIG,
    REG_GYRO_CONFIG,
    REG_PWR_MGMT_1,
    REG_SMPLRT_DIV,
    REG_WHO_AM_I,
    SAMPLE_PERIOD_MS,
    SMPLRT_DIV_50HZ,
    decodeBurst,
    hex2,
    int16be,
    toImuSample,
    whoAmIError,
} from "../src/hw/mpu6050"

/** Big-endian two's-complement bytes of a 16-bit value (the chip's encoding). */
function be16(v: number): [number, number] {
    const u = v < 0 ? v + 0x10000 : v
    return [(u >> 8) & 0xff, u & 0xff]
}

/** A burst as the chip would send it for raw register values. */
function burst(
    ax: number,
    ay: number,
    az: number,
    temp: number,
    gx: number,
    gy: number,
    gz: number
): number[] {
    return [ax, ay, az, temp, gx, gy, gz].flatMap(be16)
}

describe("MPU-6050 register map and configuration", () => {
    it("uses the datasheet's addresses", () => {
        expect(MPU6050_ADDRESS).toBe(0x68)
        expect(REG_WHO_AM_I).toBe(0x75)
        expect(MPU6050_WHO_AM_I).toBe(0x68)
        expect(REG_PWR_MGMT_1).toBe(0x6b)
        expect(REG_SMPLRT_DIV).toBe(0x19)
        expect(REG_CONFIG).toBe(0x1a)
        expect(REG_GYRO_CONFIG).toBe(0x1b)
        expect(REG_ACCEL_CONFIG).toBe(0x1c)
        expect(REG_ACCEL_XOUT_H).toBe(0x3b)
        expect(BURST_LENGTH).toBe(14)
    })

    it("wakes the chip with the X gyro PLL as clock (SLEEP bit clear)", () => {
        expect(PWR_AWAKE_PLL_X & 0x40).toBe(0)
        expect(PWR_AWAKE_PLL_X & 0x07).toBe(1)
    })

    it("samples at 50 Hz: 1 kHz gyro output rate with the DLPF on, divided by 1 + SMPLRT_DIV", () => {
        const dlpfCfg = CONFIG_DLPF_10HZ & 0x07
        expect(dlpfCfg).toBeGreaterThanOrEqual(1) // 1..6: gyro output rate 1 kHz (0 and 7: 8 kHz)
        expect(dlpfCfg).toBeLessThanOrEqual(6)
        expect(1000 / (1 + SMPLRT_DIV_50HZ)).toBe(50)
        expect(SAMPLE_PERIOD_MS).toBe(20)
        // DLPF_CFG 5: 10 Hz bandwidth, below the 25 Hz Nyquist limit of 50 Hz sampling
        expect(dlpfCfg).toBe(5)
    })

    it("sets +-2 g and +-250 deg/s full scale, with their sensitivities", () => {
        expect((ACCEL_FS_2G >> 3) & 0x03).toBe(0) // AFS_SEL = 0
        expect((GYRO_FS_250DPS >> 3) & 0x03).toBe(0) // FS_SEL = 0
        expect(ACCEL_LSB_PER_G).toBe(16384)
        expect(GYRO_LSB_PER_DPS).toBe(131)
    })

    it("writes and reads back every configuration register", () => {
        expect(CONFIG_REGISTERS).toEqual([
            REG_SMPLRT_DIV,
            REG_CONFIG,
            REG_GYRO_CONFIG,
            REG_ACCEL_CONFIG,
        ])
        expect(CONFIG_VALUES).toEqual([
            SMPLRT_DIV_50HZ,
            CONFIG_DLPF_10HZ,
            GYRO_FS_250DPS,
            ACCEL_FS_2G,
        ])
    })
})

describe("int16be", () => {
    it("decodes big-endian two's complement", () => {
        expect(int16be(0x00, 0x00)).toBe(0)
        expect(int16be(0x00, 0x01)).toBe(1)
        expect(int16be(0x7f, 0xff)).toBe(32767)
        expect(int16be(0x80, 0x00)).toBe(-32768)
        expect(int16be(0xff, 0xff)).toBe(-1)
        expect(int16be(0x40, 0x00)).toBe(16384)
        expect(int16be(0xc0, 0x00)).toBe(-16384)
        expect(int16be(0x12, 0x34)).toBe(0x1234)
    })

    it("round-trips every 16-bit value", () => {
        for (let v = -32768; v <= 32767; v++) {
            const [hi, lo] = be16(v)
            if (int16be(hi, lo) !== v) throw new Error(`${v}`)
        }
    })
})

describe("decodeBurst", () => {
    it("converts to g, deg/s and degrees C", () => {
        const r = decodeBurst(burst(0, -16384, 16384, 0, 131, -262, 0))!
        expect(r.axG).toBe(0)
        expect(r.ayG).toBe(-1)
        expect(r.azG).toBe(1)
        expect(r.tempC).toBeCloseTo(36.53, 10)
        expect(r.gxDps).toBe(1)
        expect(r.gyDps).toBe(-2)
        expect(r.gzDps).toBe(0)
    })

    it("keeps the extremes of the ranges", () => {
        const r = decodeBurst(burst(32767, -32768, 0, -340, 32767, -32768, 1))!
        expect(r.axG).toBeCloseTo(2, 3)
        expect(r.ayG).toBe(-2)
        expect(r.tempC).toBeCloseTo(35.53, 10)
        expect(r.gxDps).toBeCloseTo(250.1, 1)
        expect(r.gyDps).toBeCloseTo(-250.1, 1)
        expect(r.gzDps).toBeCloseTo(1 / 131, 12)
    })

    it("decodes a table at rest at 30 degrees head-down to sin/cos within one LSB", () => {
        const a = (30 * Math.PI) / 180
        const r = decodeBurst(
            burst(
                Math.round(Math.sin(a) * 16384),
                0,
                Math.round(Math.cos(a) * 16384),
                0,
                0,
                0,
                0
            )
        )!
        expect(Math.abs(r.axG - Math.sin(a))).toBeLessThanOrEqual(1 / 16384)
        expect(Math.abs(r.azG - Math.cos(a))).toBeLessThanOrEqual(1 / 16384)
    })

    it("reads a Uint8Array as well as a number array (what the bus hands over)", () => {
        const bytes = burst(100, 200, 300, 400, 500, 600, 700)
        expect(decodeBurst(Uint8Array.from(bytes))).toEqual(decodeBurst(bytes))
    })

    it("refuses a short or long buffer instead of inventing numbers", () => {
        expect(decodeBurst(burst(0, 0, 0, 0, 0, 0, 0).slice(0, 13))).toBeNull()
        expect(decodeBurst([...burst(0, 0, 0, 0, 0, 0, 0), 0])).toBeNull()
        expect(decodeBurst([])).toBeNull()
    })
})

describe("identity and the controller's frame", () => {
    it("accepts only WHO_AM_I 0x68 and names what it read otherwise", () => {
        expect(whoAmIError(0x68)).toBeNull()
        expect(whoAmIError(0x70)).toBe(
            "WHO_AM_I reads 0x70, expected 0x68: not an MPU-6050"
        )
        expect(whoAmIError(0x00)).toContain("0x00")
        expect(whoAmIError(0xff)).toContain("0xff")
        expect(hex2(0x0a)).toBe("0x0a")
    })

    it("maps the chip's axes: x toward the feet and z up give axG = sin A, azG = cos A, and head-down is a negative y rotation", () => {
        const s = toImuSample(
            {
                axG: 0.5,
                ayG: 0.01,
                azG: 0.866,
                tempC: 25,
                gxDps: 0.1,
                gyDps: -3,
                gzDps: 0.2,
            },
            7
        )
        expect(s.ok).toBe(true)
        expect(s.seq).toBe(7)
        expect(s.axG).toBe(0.5)
        expect(s.azG).toBe(0.866)
        expect(s.ayG).toBe(0.01)
        // tilting head-down turns the x axis toward z: rotation about -y, so dA/dt = -gyro y
        expect(s.gyDps).toBe(3)
        expect(s.gxDps).toBe(0.1)
        expect(s.gzDps).toBe(0.2)
    })
})
