// What the firmware loop needs from an IMU, whichever one it is: the latest sample, at once.
// Pure (no @devicescript import). Implemented by mpu6050Driver.ts (the table's I2C sensor) and
// simImu.ts (the simulator's accel/gyro roles).

import { ImuSample } from "../control/types"

export interface ImuSource {
    /**
     * The latest sample. Never blocks, never waits for the bus. `seq` grows by one per new reading;
     * `ok` is false while the sensor is failing (the values are then zeros, never a stale number).
     */
    latest(): ImuSample
    /** How many good readings have arrived since start (telemetry). */
    count(): number
}

/** The sample that reports an error: ok = false and zeros. */
export function failedImuSample(seq: number): ImuSample {
    return {
        ok: false,
        seq: seq,
        axG: 0,
        ayG: 0,
        azG: 0,
        gxDps: 0,
        gyDps: 0,
        gzDps: 0,
    }
}

/** Before the first reading: not ok, sequence 0 (the controller waits for the first real sample). */
export function noImuSampleYet(): ImuSample {
    return failedImuSample(0)
}
