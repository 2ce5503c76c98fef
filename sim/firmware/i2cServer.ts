// The simulated table's IMU as the board has it: an MPU-6050 (mpu6050Chip.ts) behind a Jacdac I2C
// service (instance name "i2c", the firmware's role). Each `transaction` command is answered with
// its report (status, bytes read), or not at all under the chip's `silent` fault. Fed with the
// model's samples by the harness, as the accelerometer and gyroscope servers are (imu.ts).

import {
    I2CCmd,
    I2CCmdPack,
    I2CReg,
    jdpack,
    jdunpack,
    JDServiceServer,
    Packet,
    SRV_I2C,
} from "jacdac-ts"
import type { ImuSample } from "../../src/control/types"
import { Mpu6050Chip } from "./mpu6050Chip"

export class SimulatedI2cImu {
    readonly chip = new Mpu6050Chip()
    private readonly server: JDServiceServer

    constructor() {
        const server = new JDServiceServer(SRV_I2C, { instanceName: "i2c" })
        server.addRegister<[boolean]>(I2CReg.Ok, [true])
        // addCommand is protected in jacdac-ts's types; it is how a server takes a command.
        ;(
            server as unknown as {
                addCommand(code: number, h: (pkt: Packet) => void): void
            }
        ).addCommand(I2CCmd.Transaction, pkt => void this.answer(pkt))
        this.server = server
    }

    servers(): JDServiceServer[] {
        return [this.server]
    }

    offer(sample: ImuSample): boolean {
        return this.chip.offer(sample)
    }

    repeat(sample: ImuSample): void {
        this.chip.repeat(sample)
    }

    private async answer(pkt: Packet): Promise<void> {
        const [address, numRead, write] = jdunpack<
            [number, number, Uint8Array]
        >(pkt.data, I2CCmdPack.Transaction)
        const reply = this.chip.transaction(address, numRead, write)
        if (reply === null) return
        await this.server.sendPacketAsync(
            Packet.from(
                I2CCmd.Transaction,
                jdpack<[number, Uint8Array]>(I2CCmdPack.TransactionReport, [
                    reply.status,
                    reply.data,
                ])
            )
        )
    }
}
