// The simulator's IMU, either of two: the `accel` and `gyro` roles (simImu.ts, the values as a
// Jacdac accelerometer and gyroscope report them), or the board's own MPU-6050 driver
// (mpu6050Driver.ts) talking to an emulated chip through the `i2c` role (a Jacdac I2C service,
// jacdacI2c.ts). The harness decides by what it serves: once the `i2c` role is bound, the driver
// starts and from then on is the IMU (a lost I2C service then reads as a failing chip, never as a
// fallback to the other roles).

import * as ds from "@devicescript/core"
import { ImuSample } from "../control/types"
import { ImuSource } from "./imuSource"
import { JacdacI2c } from "./jacdacI2c"
import { Mpu6050Imu } from "./mpu6050Driver"
import { SimImu } from "./simImu"

/** (A module function: DeviceScript closures cannot use `this`.) */
function useChipOnceBound(role: ds.I2C, imu: SimulatorImu): void {
    role.binding().subscribe(bound => {
        if (bound) imu.useChip()
    })
}

export class SimulatorImu implements ImuSource {
    roles: SimImu
    chip: Mpu6050Imu
    /** true once the `i2c` role was bound: the driver is the IMU */
    onI2c: boolean

    constructor() {
        this.roles = new SimImu()
        const i2cRole = new ds.I2C("i2c")
        this.chip = new Mpu6050Imu(new JacdacI2c(i2cRole))
        this.onI2c = false
        useChipOnceBound(i2cRole, this)
    }

    useChip(): void {
        if (this.onI2c) return
        this.onI2c = true
        console.log("IMU: MPU-6050 driver on the i2c role")
        this.chip.start()
    }

    latest(): ImuSample {
        return this.onI2c ? this.chip.latest() : this.roles.latest()
    }

    count(): number {
        return this.onI2c ? this.chip.count() : this.roles.count()
    }
}
