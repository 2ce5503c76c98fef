// The simulated table hardware on the bus: two Jacdac devices with fixed ids (stable across runs
// and restarts, so a binding means the same server every time).
//   IMU device:   accel (accelerometer), gyro (gyroscope)
//   panel device: up, down, stop, preset, home, grip, homeSwitch (buttons), latch (switch), motor
// Each server's instance name is the firmware role it serves (roles.ts binds by that name).
// buzzer and led are left unserved: nothing in a trace depends on them.

import { JDBus, JDServerServiceProvider } from "jacdac-ts"
import { SimulatedImu } from "./imu"
import { SimulatedMotor } from "./motor"
import { SimulatedPanel } from "./panel"

export const IMU_DEVICE_ID = "1a1a1a1a1a1a1a1a"
export const PANEL_DEVICE_ID = "2b2b2b2b2b2b2b2b"

/** A server the firmware must have a role for: where it is and what it is. */
export interface ServedRole {
    name: string
    serviceClass: number
    deviceId: string
    serviceIndex: number
}

export class TableDevices {
    readonly imu = new SimulatedImu()
    readonly panel = new SimulatedPanel()
    readonly motor = new SimulatedMotor()
    readonly providers: JDServerServiceProvider[]

    constructor(private readonly bus: JDBus) {
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
