// The table's IMU: an MPU-6050 on I2C (hardware.md), read by its own fiber at 50 Hz so that the control
// loop never waits for the bus. The register map, configuration and decoding are in mpu6050.ts (pure,
// tested on the host and in the VM); this file only moves bytes, through an I2cTransport: the
// board's I2C peripheral on the table, a Jacdac I2C service in the simulator (i2cTransport.ts).
//
// Every failure - no answer, wrong identity, an I2C error, a configuration that does not read back,
// a chip that lost its configuration - is reported as an error sample (ok = false, zeros) with its
// reason logged once, never as a stale number. The driver then starts over (reset, configure) every
// RETRY_MS until the chip answers properly again.

import * as ds from "@devicescript/core"
import { ImuSample } from "../control/types"
import { I2cTransport } from "./i2cTransport"
import { ImuSource, failedImuSample, noImuSampleYet } from "./imuSource"
import { ByteArrayLike } from "./mpu6050"
import {
    BURST_LENGTH,
    CONFIG_REGISTERS,
    CONFIG_VALUES,
    MPU6050_ADDRESS,
    PWR_AWAKE_PLL_X,
    PWR_RESET,
    REG_ACCEL_XOUT_H,
    REG_PWR_MGMT_1,
    REG_WHO_AM_I,
    RESET_WAIT_MS,
    SAMPLE_PERIOD_MS,
    decodeBurst,
    hex2,
    toImuSample,
    whoAmIError,
} from "./mpu6050"

/** After a failure, try the whole start-up again this often. */
const RETRY_MS = 500
/** Check once a second that the chip still holds its configuration (a brown-out resets it asleep). */
const HEALTH_CHECK_MS = 1000
/** Let the low-pass filter settle after configuring, before the first sample is believed. */
const SETTLE_MS = 60

function errorText(e: any): string {
    return e && e.message ? "" + e.message : "" + e
}

export class Mpu6050Imu implements ImuSource {
    bus: I2cTransport
    sample: ImuSample
    seq: number
    good: number
    configured: boolean
    lastReason: string | null

    constructor(bus: I2cTransport) {
        this.bus = bus
        this.sample = noImuSampleYet()
        this.seq = 0
        this.good = 0
        this.configured = false
        this.lastReason = null
    }

    latest(): ImuSample {
        return this.sample
    }

    count(): number {
        return this.good
    }

    /** Starts the reading fiber. */
    start(): void {
        mpuLoop.start(this)
    }

    fail(reason: string): void {
        this.sample = failedImuSample(this.seq)
        this.configured = false
        if (reason !== this.lastReason) {
            this.lastReason = reason
            console.log("IMU error: MPU-6050 " + reason)
        }
    }

    accept(burst: ByteArrayLike): void {
        const r = decodeBurst(burst)
        if (r === null) {
            this.fail(
                "short read (" +
                    (burst ? burst.length : 0) +
                    " of " +
                    BURST_LENGTH +
                    " bytes)"
            )
            return
        }
        this.seq++
        this.good++
        this.sample = toImuSample(r, this.seq)
        if (this.lastReason !== null) {
            this.lastReason = null
            console.log("IMU ok: MPU-6050 reading again")
        }
    }
}

/** Identity check, reset, wake-up, configuration with read-back. Returns null or the reason it failed. */
async function configureMpu(bus: I2cTransport): Promise<string | null> {
    let who = 0
    try {
        who = await bus.readReg(MPU6050_ADDRESS, REG_WHO_AM_I)
    } catch (e) {
        return (
            "does not answer at I2C address " +
            hex2(MPU6050_ADDRESS) +
            " (" +
            errorText(e) +
            ")"
        )
    }
    const idError = whoAmIError(who)
    if (idError !== null) return idError
    try {
        await bus.writeReg(MPU6050_ADDRESS, REG_PWR_MGMT_1, PWR_RESET)
        await ds.sleep(RESET_WAIT_MS)
        await bus.writeReg(MPU6050_ADDRESS, REG_PWR_MGMT_1, PWR_AWAKE_PLL_X)
        for (let i = 0; i < CONFIG_REGISTERS.length; i++)
            await bus.writeReg(
                MPU6050_ADDRESS,
                CONFIG_REGISTERS[i],
                CONFIG_VALUES[i]
            )
        for (let i = 0; i < CONFIG_REGISTERS.length; i++) {
            const v = await bus.readReg(MPU6050_ADDRESS, CONFIG_REGISTERS[i])
            if (v !== CONFIG_VALUES[i])
                return (
                    "register " +
                    hex2(CONFIG_REGISTERS[i]) +
                    " reads " +
                    hex2(v) +
                    " after writing " +
                    hex2(CONFIG_VALUES[i])
                )
        }
        const pwr = await bus.readReg(MPU6050_ADDRESS, REG_PWR_MGMT_1)
        if (pwr !== PWR_AWAKE_PLL_X)
            return "does not wake up (PWR_MGMT_1 reads " + hex2(pwr) + ")"
    } catch (e) {
        return "I2C error while configuring (" + errorText(e) + ")"
    }
    return null
}

async function mpuLoop(imu: Mpu6050Imu) {
    const bus = imu.bus
    let next = ds.millis()
    let nextCheckMs = 0
    while (true) {
        if (!imu.configured) {
            const error = await configureMpu(imu.bus)
            if (error !== null) {
                imu.fail(error)
                await ds.sleep(RETRY_MS)
                continue
            }
            imu.configured = true
            await ds.sleep(SETTLE_MS)
            next = ds.millis()
            nextCheckMs = next + HEALTH_CHECK_MS
        }
        try {
            let healthy = true
            if (ds.millis() >= nextCheckMs) {
                // A chip reset by a brown-out comes back asleep and keeps returning its last bytes.
                nextCheckMs = ds.millis() + HEALTH_CHECK_MS
                const pwr = await bus.readReg(MPU6050_ADDRESS, REG_PWR_MGMT_1)
                if (pwr !== PWR_AWAKE_PLL_X) {
                    healthy = false
                    imu.fail(
                        "lost its configuration (PWR_MGMT_1 reads " +
                            hex2(pwr) +
                            "; reset?)"
                    )
                }
            }
            if (healthy)
                imu.accept(
                    await bus.readRegBuf(
                        MPU6050_ADDRESS,
                        REG_ACCEL_XOUT_H,
                        BURST_LENGTH
                    )
                )
        } catch (e) {
            imu.fail("I2C error while reading (" + errorText(e) + ")")
        }
        next += SAMPLE_PERIOD_MS
        const now = ds.millis()
        if (next < now) next = now
        await ds.sleep(next - now)
    }
}
