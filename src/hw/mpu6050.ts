// MPU-6050 register map, configuration and byte decoding: the pure half of the IMU driver.
// No @devicescript import: the host tests it with vitest (test/mpu6050.test.ts) and the VM with
// @devicescript/test (test/device/). The I2C half is mpu6050Driver.ts.
//
// Source: InvenSense MPU-6000/MPU-6050 Register Map and Descriptions, rev. 4.2.

import { ImuSample } from "../control/types"

/** 7-bit I2C address with AD0 tied low (hardware.md). */
export const MPU6050_ADDRESS = 0x68

export const REG_SMPLRT_DIV = 0x19
export const REG_CONFIG = 0x1a
export const REG_GYRO_CONFIG = 0x1b
export const REG_ACCEL_CONFIG = 0x1c
/** first of the 14 output bytes: ACCEL_XOUT_H .. GYRO_ZOUT_L, big-endian */
export const REG_ACCEL_XOUT_H = 0x3b
export const REG_PWR_MGMT_1 = 0x6b
export const REG_WHO_AM_I = 0x75

/** WHO_AM_I of an MPU-6050 (bits 6..1 = 0x34; bit 0 does not follow AD0). */
export const MPU6050_WHO_AM_I = 0x68
/** accel x, y, z, temperature, gyro x, y, z: 7 big-endian words read in one burst */
export const BURST_LENGTH = 14

/** PWR_MGMT_1: DEVICE_RESET (the chip comes back asleep, every register at its default). */
export const PWR_RESET = 0x80
/** PWR_MGMT_1 in operation: awake (SLEEP = 0), clock from the X gyro's PLL, as the datasheet advises. */
export const PWR_AWAKE_PLL_X = 0x01
/** Time the chip needs after DEVICE_RESET before it accepts registers (the datasheet gives none; 100 ms is the customary wait). */
export const RESET_WAIT_MS = 100

/**
 * CONFIG: digital low-pass filter DLPF_CFG = 5, accelerometer 10 Hz (13.8 ms delay), gyro 10 Hz
 * (13.4 ms). Well under the 25 Hz Nyquist limit of 50 Hz sampling, so gear-motor vibration does not
 * alias into the tilt angle; the table itself moves at well under 1 Hz.
 */
export const CONFIG_DLPF_10HZ = 0x05
/** With the DLPF on, the gyro output rate is 1 kHz; SMPLRT_DIV = 19 gives 1000 / (1 + 19) = 50 Hz. */
export const SMPLRT_DIV_50HZ = 19
/** GYRO_CONFIG FS_SEL = 0: +-250 deg/s (the table turns at most 10 deg/s; the finest resolution). */
export const GYRO_FS_250DPS = 0x00
/** ACCEL_CONFIG AFS_SEL = 0: +-2 g (gravity plus small jerks; the finest resolution). */
export const ACCEL_FS_2G = 0x00

/** Sensitivity at +-2 g: LSB per g. */
export const ACCEL_LSB_PER_G = 16384
/** Sensitivity at +-250 deg/s: LSB per deg/s. */
export const GYRO_LSB_PER_DPS = 131
/** Temperature in degrees C = raw / 340 + 36.53. */
export const TEMP_LSB_PER_DEGC = 340
export const TEMP_OFFSET_DEGC = 36.53

/** The sample period the configuration above produces. */
export const SAMPLE_PERIOD_MS = 20

/** Registers written at start-up, in order, after the reset and the wake-up; each is read back. */
export const CONFIG_REGISTERS = [
    REG_SMPLRT_DIV,
    REG_CONFIG,
    REG_GYRO_CONFIG,
    REG_ACCEL_CONFIG,
]
export const CONFIG_VALUES = [
    SMPLRT_DIV_50HZ,
    CONFIG_DLPF_10HZ,
    GYRO_FS_250DPS,
    ACCEL_FS_2G,
]

/** Bytes as they come off the bus: a DeviceScript Buffer, a Uint8Array or a number[]. */
export interface ByteArrayLike {
    length: number
    [index: number]: number
}

/** One big-endian signed 16-bit word (two's complement) from its high and low bytes. */
export function int16be(hi: number, lo: number): number {
    const v = ((hi & 0xff) << 8) | (lo & 0xff)
    return v >= 0x8000 ? v - 0x10000 : v
}

/** One reading in the chip's own axes and physical units. */
export interface Mpu6050Reading {
    axG: number
    ayG: number
    azG: number
    tempC: number
    gxDps: number
    gyDps: number
    gzDps: number
}

/**
 * Decodes the 14-byte burst read from ACCEL_XOUT_H at +-2 g and +-250 deg/s.
 * Returns null when the buffer is not 14 bytes long (a short read is an error, never a number).
 */
export function decodeBurst(b: ByteArrayLike): Mpu6050Reading | null {
    if (!b || b.length !== BURST_LENGTH) return null
    return {
        axG: int16be(b[0], b[1]) / ACCEL_LSB_PER_G,
        ayG: int16be(b[2], b[3]) / ACCEL_LSB_PER_G,
        azG: int16be(b[4], b[5]) / ACCEL_LSB_PER_G,
        tempC: int16be(b[6], b[7]) / TEMP_LSB_PER_DEGC + TEMP_OFFSET_DEGC,
        gxDps: int16be(b[8], b[9]) / GYRO_LSB_PER_DPS,
        gyDps: int16be(b[10], b[11]) / GYRO_LSB_PER_DPS,
        gzDps: int16be(b[12], b[13]) / GYRO_LSB_PER_DPS,
    }
}

/** Two hex digits (DeviceScript has no padStart). */
export function hex2(v: number): string {
    const digits = "0123456789abcdef"
    return "0x" + digits[(v >> 4) & 0xf] + digits[v & 0xf]
}

/** null when WHO_AM_I identifies an MPU-6050, else the reason it does not. */
export function whoAmIError(value: number): string | null {
    if (value === MPU6050_WHO_AM_I) return null
    return (
        "WHO_AM_I reads " +
        hex2(value) +
        ", expected " +
        hex2(MPU6050_WHO_AM_I) +
        ": not an MPU-6050"
    )
}

/**
 * The chip's axes in the controller's frame (types.ts: x along the table toward the feet, z normal to
 * the bed, y along the pivot; axG = sin(A), azG = cos(A), gyDps = dA/dt at inversion angle A).
 *
 * Mounting (hardware.md): the breakout flat on the bed, its x arrow toward the feet end, its z axis
 * away from the bed surface (up when the table is flat). Then the accelerometer's x and z are the
 * controller's directly, and head-down (x turning toward z) is a negative rotation about the chip's
 * y axis (right-hand rule), so gyDps = -gyro y. A table built with the board turned another way
 * changes these signs here, and nowhere else.
 */
export const MOUNT_SIGN_AX = 1
export const MOUNT_SIGN_AY = 1
export const MOUNT_SIGN_AZ = 1
export const MOUNT_SIGN_GX = 1
export const MOUNT_SIGN_GY = -1
export const MOUNT_SIGN_GZ = 1

/** A good reading as the controller's sample (sequence number from the driver). */
export function toImuSample(r: Mpu6050Reading, seq: number): ImuSample {
    return {
        ok: true,
        seq: seq,
        axG: MOUNT_SIGN_AX * r.axG,
        ayG: MOUNT_SIGN_AY * r.ayG,
        azG: MOUNT_SIGN_AZ * r.azG,
        gxDps: MOUNT_SIGN_GX * r.gxDps,
        gyDps: MOUNT_SIGN_GY * r.gyDps,
        gzDps: MOUNT_SIGN_GZ * r.gzDps,
    }
}
