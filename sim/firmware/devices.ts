// The simulated table hardware on the bus: two Jacdac devices with fixed ids (stable across runs
// and restarts, so a binding means the same server every time).
//   IMU device:   accel (accelerometer), gyro (gyroscope); or, with the IMU path "i2c", an I2C
//                 service with an emulated MPU-6050 behind it (i2cServer.ts): the board's driver
//   panel device: up, down, stop, preset, home, grip, homeSwitch (buttons), latch (switch), motor
// Each server's instance name is the firmware role it serves (roles.ts binds by that name).
// buzzer and led are left unserved: nothing in a trace depends on them.

import { JDBus, JDServerServiceProvider } from "jacdac-ts"
import { SimulatedI2cImu } from "./i2cServer"
import { SimulatedImu } from "./imu"
import type { Mpu6050Chip } from "./mpu6050Chip"
import { SimulatedMotor } from "./motor"
import { SimulatedPanel } from "./panel"

export const IMU_DEVICE_ID = "1a1a1a1a1a1a1a1a"
/**
 * How the firmware gets its IMU samples: "roles", the accel and gyro roles (simImu.ts); "i2c", the
 * board's MPU-6050 driver through the i2c role (simulatorImu.ts). The firmware follows what is served.
 */
export type ImuPath = "roles" | "i2c"

export const PANEL_DEVICE_ID = "2b2b2b2b2b2b2b2b"

/** A server the firmware must have a role for: where it is and what it is. */
export interface ServedRole {
    name: string
    serviceClass: number
    deviceId: string
    serviceIndex: number
}

export class TableDevices {
    readonly imu: SimulatedImu | SimulatedI2cImu
    /** the emulated MPU-6050 on the "i2c" path (its register-level faults), else null */
    readonly chip: Mpu6050Chip | null
    readonly panel = new SimulatedPanel()
    readonly motor = new SimulatedMotor()
    readonly providers: JDServerServiceProvider[]

    constructor(
        private readonly bus: JDBus,
        imuPath: ImuPath = "roles"
    ) {
        const i2c = imuPath === "i2c" ? new SimulatedI2cImu() : null
        this.imu = i2c ?? new SimulatedImu()
        this.chip = i2c ? i2c.chip : null
        this.providers = [
            new JDServerServiceProvider("fil-imu", this.imu.servers(), {
                deviceId: IMU_DEVICE_ID,
            }),
            new JDServerServiceProvider(
                "fil-panel",
                [...this.panel.servers(), ...this.motor.servers()],
                { deviceId: PANEL_DEVICE_ID }
            ),
        ]
        for (const p of this.providers) bus.addServiceProvider(p)
    }

    /** Every served role: the instance name of each server (service 0, the control service, excluded). */
    servedRoles(): ServedRole[] {
        const out: ServedRole[] = []
        for (const p of this.providers)
            for (const s of p.services().slice(1))
                out.push({
                    name: s.instanceName.values()[0] as string,
                    serviceClass: s.serviceClass,
                    deviceId: p.deviceId,
                    serviceIndex: s.serviceIndex,
                })
        return out
    }

    /** Announces both devices now: the VM ignores a binding to a device it has not seen announce. */
    async announce(): Promise<void> {
        for (const p of this.providers) await p.controlService.announce()
    }

    remove(): void {
        for (const p of this.providers) this.bus.removeServiceProvider(p)
    }
}
