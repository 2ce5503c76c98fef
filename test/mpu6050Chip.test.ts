// The emulated MPU-6050 register map (sim/firmware/mpu6050Chip.ts) against the datasheet's behaviour
// the driver relies on, and its samples read back through the driver's own decoding (src/hw/mpu6050.ts).

import { describe, expect, it } from "vitest"
import type { ImuSample } from "../src/control/types"
import {
    ACCEL_LSB_PER_G,
    BURST_LENGTH,
    decodeBurst,
    GYRO_LSB_PER_DPS,
    MPU6050_ADDRESS,
    MPU6050_WHO_AM_I,
    PWR_AWAKE_PLL_X,
    PWR_RESET,
    REG_ACCEL_XOUT_H,
    REG_CONFIG,
    REG_PWR_MGMT_1,
    REG_SMPLRT_DIV,
    REG_WHO_AM_I,
    toImuSample,
} from "../src/hw/mpu6050"
import {
    I2C_NACK_ADDR,
    I2C_NACK_DATA,
    I2C_OK,
    Mpu6050Chip,
    PWR_SLEEP,
    WRONG_WHO_AM_I,
} from "../sim/firmware/mpu6050Chip"

const A = MPU6050_ADDRESS
const bytes = (...b: number[]) => new Uint8Array(b)

function sample(seq: number, over: Partial<ImuSample> = {}): ImuSample {
    return {
        ok: true,
        seq,
        axG: -0.5,
        ayG: 0.01,
        azG: 0.866,
        gxDps: 0.2,
        gyDps: -3.5,
        gzDps: 0.05,
        ...over,
    }
}

function readReg(chip: Mpu6050Chip, reg: number): number {
    const r = chip.transaction(A, 1, bytes(reg))!
    expect(r.status).toBe(I2C_OK)
    return r.data[0]
}

function wake(chip: Mpu6050Chip): void {
    chip.transaction(A, 0, bytes(REG_PWR_MGMT_1, PWR_AWAKE_PLL_X))
}

function burst(chip: Mpu6050Chip): Uint8Array {
    const r = chip.transaction(A, BURST_LENGTH, bytes(REG_ACCEL_XOUT_H))!
    expect(r.status).toBe(I2C_OK)
    return r.data
}

describe("the emulated MPU-6050", () => {
    it("identifies itself, powers up asleep, and takes and reads back registers", () => {
        const chip = new Mpu6050Chip()
        expect(readReg(chip, REG_WHO_AM_I)).toBe(MPU6050_WHO_AM_I)
        expect(readReg(chip, REG_PWR_MGMT_1)).toBe(PWR_SLEEP)
        chip.transaction(A, 0, bytes(REG_SMPLRT_DIV, 19, 5)) // auto-increment
        expect(readReg(chip, REG_SMPLRT_DIV)).toBe(19)
        expect(readReg(chip, REG_CONFIG)).toBe(5)
        chip.transaction(A, 0, bytes(REG_WHO_AM_I, 0)) // read-only
        expect(readReg(chip, REG_WHO_AM_I)).toBe(MPU6050_WHO_AM_I)
        chip.transaction(A, 0, bytes(REG_PWR_MGMT_1, PWR_RESET))
        expect(readReg(chip, REG_SMPLRT_DIV)).toBe(0)
        expect(readReg(chip, REG_PWR_MGMT_1)).toBe(PWR_SLEEP)
    })

    it("answers only at its address", () => {
        const chip = new Mpu6050Chip()
        expect(chip.transaction(A + 1, 1, bytes(REG_WHO_AM_I))!.status).toBe(
            I2C_NACK_ADDR
        )
    })

    it("converts the model's sample only awake, and the driver decodes it back within half an LSB", () => {
        const chip = new Mpu6050Chip()
        chip.offer(sample(1))
        expect(Array.from(burst(chip))).toEqual(new Array(14).fill(0))
        wake(chip)
        chip.offer(sample(2))
        const got = toImuSample(decodeBurst(burst(chip))!, 7)
        const want = sample(2)
        for (const k of ["axG", "ayG", "azG"] as const)
            expect(Math.abs(got[k] - want[k])).toBeLessThanOrEqual(
                0.5000001 / ACCEL_LSB_PER_G
            )
        for (const k of ["gxDps", "gyDps", "gzDps"] as const)
            expect(Math.abs(got[k] - want[k])).toBeLessThanOrEqual(
                0.5000001 / GYRO_LSB_PER_DPS
            )
        // A sample already seen is not converted again; the same seq changes nothing.
        expect(chip.offer(sample(2, { axG: 0.9 }))).toBe(false)
        expect(chip.bursts).toBe(2)
    })

    it("holds values beyond the range at the range's end", () => {
        const chip = new Mpu6050Chip()
        wake(chip)
        chip.offer(sample(1, { axG: 5, gyDps: 400 }))
        const r = decodeBurst(burst(chip))!
        expect(r.axG).toBeCloseTo(32767 / ACCEL_LSB_PER_G, 6)
        expect(r.gyDps).toBeCloseTo(-32768 / GYRO_LSB_PER_DPS, 6)
    })

    it("fails at the register level as told", () => {
        const nack = new Mpu6050Chip()
        nack.fault = "nack"
        expect(nack.transaction(A, 1, bytes(REG_WHO_AM_I))!.status).toBe(
            I2C_NACK_ADDR
        )
        const silent = new Mpu6050Chip()
        silent.fault = "silent"
        expect(silent.transaction(A, 1, bytes(REG_WHO_AM_I))).toBeNull()
        const other = new Mpu6050Chip()
        other.fault = "wrong-who-am-i"
        expect(readReg(other, REG_WHO_AM_I)).toBe(WRONG_WHO_AM_I)
        const sleepy = new Mpu6050Chip()
        sleepy.fault = "sleep-stuck"
        wake(sleepy)
        expect(readReg(sleepy, REG_PWR_MGMT_1)).toBe(
            PWR_AWAKE_PLL_X | PWR_SLEEP
        )
        const frozen = new Mpu6050Chip()
        wake(frozen)
        frozen.offer(sample(1))
        const before = burst(frozen)
        frozen.fault = "frozen"
        frozen.offer(sample(2, { axG: -0.7, gyDps: 2 }))
        expect(burst(frozen)).toEqual(before)
        // The model's own read failing (its imu-i2c fault) NACKs the data.
        const failing = new Mpu6050Chip()
        failing.offer({ ...sample(1), ok: false })
        expect(failing.transaction(A, 1, bytes(REG_WHO_AM_I))!.status).toBe(
            I2C_NACK_DATA
        )
    })
})
