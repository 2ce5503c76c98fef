// The simulator's IMU: the `accel` (ds.Accelerometer) and `gyro` (ds.Gyroscope) roles, bound by the
// firmware-in-the-loop harness to its simulated sensors. Used only when ds.isSimulator(); the real
// table reads its MPU-6050 over I2C (mpu6050Driver.ts).
//
// Readings arrive as reports (readings.ts; every report counts, changed or not); nothing here ever
// awaits a read, which would block forever on a silent or unbound role. Scaling (the ×65536 quirk) and
// pairing are in simImuSamples.ts.

import * as ds from "@devicescript/core"
import { ImuSample } from "../control/types"
import { ImuSource } from "./imuSource"
import { onReading } from "./readings"
import { SimImuSamples } from "./simImuSamples"

export class SimImu implements ImuSource {
    accel: ds.Accelerometer
    gyro: ds.Gyroscope
    samples: SimImuSamples

    constructor() {
        // The role names are the harness contract: it binds role "x" to its server named "x".
        this.accel = new ds.Accelerometer("accel")
        this.gyro = new ds.Gyroscope("gyro")
        const samples = new SimImuSamples()
        this.samples = samples
        onReading(this.accel, v => {
            samples.onAccel(v)
        })
        onReading(this.gyro, v => {
            samples.onGyro(v)
        })
    }

    latest(): ImuSample {
        return this.samples.sample
    }

    count(): number {
        return this.samples.seq
    }
}
