// The simulator's IMU readings turned into the controller's samples: the pure half of simImu.ts.
// No @devicescript import (host-tested in test/simImuSamples.test.ts, and in the VM).

import { ImuSample } from "../control/types"
import { failedImuSample } from "./imuSource"

/**
 * THE one place that knows about the ×65536 quirk.
 *
 * Accelerometer and gyroscope readings served by jacdac-ts (the simulator, through the VM's Jacdac
 * bridge) arrive in DeviceScript 65536 times too large: their `reading` register is a multi-field
 * `i12.20 i12.20 i12.20`, and the VM keeps a multi-field number format in a uint8_t
 * (devs_field_spec_t.numfmt), so the shift 20 wraps to 4 and the raw value is divided by 2^4 instead
 * of 2^20 (measured in the FIL prototype for x, y, z, both signs, both sensors; single-field
 * registers such as a button's u0.16 decode correctly). So every accel/gyro value from the
 * simulator is multiplied by 1/65536 here, and nowhere else.
 *
 * Applies only to IMU roles served over Jacdac by jacdac-ts (or a native C server). It would be wrong
 * for a DeviceScript-hosted server (both ends truncate the same way) and it does not concern the real
 * table, whose IMU is read over I2C (mpu6050Driver.ts).
 */
export const SIM_IMU_VECTOR_SCALE = 1 / 65536

/** A value of the simulator's accel (g) or gyro (deg/s) reading, as the simulator meant it. */
export function simImuValue(decoded: number): number {
    return decoded * SIM_IMU_VECTOR_SCALE
}

/**
 * Pairs the two streams. The accelerometer and the gyroscope report separately; a sample is one
 * new accel reading and one new gyro reading (the latest of each). So `seq` grows only while BOTH
 * keep arriving: if either goes silent, no new sample is made and the controller's stale check
 * (100 ms) raises the imu fault, instead of the silent half being repeated as if it were fresh.
 */
export class SimImuSamples {
    /** readings received per role (every report counts, changed or not) */
    accelCount: number
    gyroCount: number
    /** complete samples made */
    seq: number
    sample: ImuSample

    accelNew: boolean
    gyroNew: boolean
    ax: number
    ay: number
    az: number
    gx: number
    gy: number
    gz: number

    constructor() {
        this.accelCount = 0
        this.gyroCount = 0
        this.seq = 0
        this.sample = failedImuSample(0)
        this.accelNew = false
        this.gyroNew = false
        this.ax = 0
        this.ay = 0
        this.az = 0
        this.gx = 0
        this.gy = 0
        this.gz = 0
    }

    /** An accelerometer reading as decoded by the VM (still ×65536). */
    onAccel(v: number[]): void {
        this.accelCount++
        if (!v || v.length < 3) return
        this.ax = simImuValue(v[0])
        this.ay = simImuValue(v[1])
        this.az = simImuValue(v[2])
        this.accelNew = true
        this.complete()
    }

    /** A gyroscope reading as decoded by the VM (still ×65536). */
    onGyro(v: number[]): void {
        this.gyroCount++
        if (!v || v.length < 3) return
        this.gx = simImuValue(v[0])
        this.gy = simImuValue(v[1])
        this.gz = simImuValue(v[2])
        this.gyroNew = true
        this.complete()
    }

    complete(): void {
        if (!this.accelNew || !this.gyroNew) return
        this.accelNew = false
        this.gyroNew = false
        this.seq++
        this.sample = {
            ok: true,
            seq: this.seq,
            axG: this.ax,
            ayG: this.ay,
            azG: this.az,
            gxDps: this.gx,
            gyDps: this.gy,
            gzDps: this.gz,
        }
    }
}
