// An emulated MPU-6050 register map, fed with the model table's IMU samples: what the board's driver
// (src/hw/mpu6050Driver.ts) talks to in the firmware-in-the-loop when the harness serves the `i2c`
// role (i2cServer.ts carries the transactions). Pure: no bus, no clock.
//
// As the chip (register map rev. 4.2): it answers at 0x68 only; WHO_AM_I reads 0x68; it powers up
// and comes out of DEVICE_RESET asleep (PWR_MGMT_1 = 0x40) with every other register 0; register
// reads and writes auto-increment; asleep, the output registers keep their last values. The model's
// accelerometer (g) and gyro (deg/s) are written into the output registers at +-2 g and +-250 deg/s
// (the ranges the driver configures), in the chip's axes (the mount signs undone), when the chip is
// awake and the model has a new sample.
//
// Register-level faults (ChipFault), each a way a real chip or its wiring fails:
//   nack            no chip answers: every transaction is NACKed at the address
//   silent          the I2C service itself gives no reply at all
//   wrong-who-am-i  another chip at the address (WHO_AM_I reads 0x70, an MPU-6500's)
//   sleep-stuck     the SLEEP bit of PWR_MGMT_1 cannot be cleared: the chip never wakes
//   frozen          the output registers stop updating (the values of the last good conversion)

import type { ImuSample } from "../../src/control/types"
import {
    ACCEL_LSB_PER_G,
    GYRO_LSB_PER_DPS,
    MOUNT_SIGN_AX,
    MOUNT_SIGN_AY,
    MOUNT_SIGN_AZ,
    MOUNT_SIGN_GX,
    MOUNT_SIGN_GY,
    MOUNT_SIGN_GZ,
    MPU6050_ADDRESS,
    MPU6050_WHO_AM_I,
    PWR_RESET,
    REG_ACCEL_XOUT_H,
    REG_PWR_MGMT_1,
    REG_WHO_AM_I,
    TEMP_LSB_PER_DEGC,
    TEMP_OFFSET_DEGC,
} from "../../src/hw/mpu6050"

export const CHIP_FAULTS = [
    "nack",
    "silent",
    "wrong-who-am-i",
    "sleep-stuck",
    "frozen",
] as const
export type ChipFault = (typeof CHIP_FAULTS)[number]

/** PWR_MGMT_1 after power-up and after DEVICE_RESET: SLEEP set. */
export const PWR_SLEEP = 0x40
/** What WHO_AM_I reads under the wrong-who-am-i fault (an MPU-6500). */
export const WRONG_WHO_AM_I = 0x70
/** The die temperature the emulated chip reports. */
const TEMP_DEGC = 30

/** I2CStatus of the Jacdac I2C service. */
export const I2C_OK = 0
export const I2C_NACK_ADDR = 1
export const I2C_NACK_DATA = 2

export interface ChipReply {
    status: number
    data: Uint8Array
}

/** One signed 16-bit output word: rounded, held within the chip's range. */
function word(v: number): number {
    return Math.max(-32768, Math.min(32767, Math.round(v)))
}

export class Mpu6050Chip {
    readonly regs = new Uint8Array(128)
    fault: ChipFault | null = null
    /** the model's read fails (its imu-i2c fault): data reads are NACKed */
    modelFails = false
    /** transactions answered, and the burst reads among them (from ACCEL_XOUT_H) */
    transactions = 0
    bursts = 0
    private lastSeq: number | null = null

    constructor() {
        this.reset()
    }

    /** DEVICE_RESET or power-up: asleep, every other register 0. */
    reset(): void {
        this.regs.fill(0)
        this.regs[REG_PWR_MGMT_1] = PWR_SLEEP
        this.regs[REG_WHO_AM_I] = MPU6050_WHO_AM_I
    }

    get asleep(): boolean {
        return (this.regs[REG_PWR_MGMT_1] & PWR_SLEEP) !== 0
    }

    /**
     * A new sample from the model: into the output registers if the chip converts (awake, not
     * frozen). Returns whether the registers changed hands (a new seq).
     */
    offer(sample: ImuSample): boolean {
        this.modelFails = !sample.ok
        if (!sample.ok || sample.seq === this.lastSeq) return false
        this.lastSeq = sample.seq
        this.convert(sample)
        return true
    }

    /** The same sample again (before the firmware's first tick the sensor runs on). */
    repeat(sample: ImuSample): void {
        this.modelFails = !sample.ok
        if (sample.ok) this.convert(sample)
    }

    private convert(s: ImuSample): void {
        if (this.asleep || this.fault === "frozen") return
        const words = [
            (s.axG / MOUNT_SIGN_AX) * ACCEL_LSB_PER_G,
            (s.ayG / MOUNT_SIGN_AY) * ACCEL_LSB_PER_G,
            (s.azG / MOUNT_SIGN_AZ) * ACCEL_LSB_PER_G,
            (TEMP_DEGC - TEMP_OFFSET_DEGC) * TEMP_LSB_PER_DEGC,
            (s.gxDps / MOUNT_SIGN_GX) * GYRO_LSB_PER_DPS,
            (s.gyDps / MOUNT_SIGN_GY) * GYRO_LSB_PER_DPS,
            (s.gzDps / MOUNT_SIGN_GZ) * GYRO_LSB_PER_DPS,
        ]
        for (let i = 0; i < words.length; i++) {
            const w = word(words[i]) & 0xffff
            this.regs[REG_ACCEL_XOUT_H + 2 * i] = w >> 8
            this.regs[REG_ACCEL_XOUT_H + 2 * i + 1] = w & 0xff
        }
    }

    /**
     * One I2C transaction: `write` (register address first, then bytes to write), then `numRead`
     * bytes read from that register on. null: no reply at all (the silent fault).
     */
    transaction(
        address: number,
        numRead: number,
        write: Uint8Array
    ): ChipReply | null {
        if (this.fault === "silent") return null
        this.transactions++
        const none = new Uint8Array(0)
        if (address !== MPU6050_ADDRESS || this.fault === "nack")
            return { status: I2C_NACK_ADDR, data: none }
        if (this.modelFails) return { status: I2C_NACK_DATA, data: none }
        if (write.length === 0) return { status: I2C_OK, data: none }
        let reg = write[0]
        for (let i = 1; i < write.length; i++)
            this.writeRegister(reg++, write[i])
        if (write[0] === REG_ACCEL_XOUT_H && numRead > 0) this.bursts++
        const data = new Uint8Array(numRead)
        reg = write[0]
        for (let i = 0; i < numRead; i++) data[i] = this.readRegister(reg++)
        return { status: I2C_OK, data }
    }

    private readRegister(reg: number): number {
        const r = reg & 0x7f
        if (r === REG_WHO_AM_I && this.fault === "wrong-who-am-i")
            return WRONG_WHO_AM_I
        return this.regs[r]
    }

    private writeRegister(reg: number, value: number): void {
        const r = reg & 0x7f
        if (r === REG_WHO_AM_I) return // read-only
        if (r === REG_PWR_MGMT_1) {
            if (value & PWR_RESET) return this.reset()
            this.regs[r] =
                this.fault === "sleep-stuck" ? value | PWR_SLEEP : value
            return
        }
        this.regs[r] = value & 0xff
    }
}
