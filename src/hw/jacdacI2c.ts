// I2C transactions through a Jacdac I2C service (ds.I2C, command `transaction`: address, bytes to
// read, bytes to write; its report: status, bytes read). The simulator serves one with an emulated
// MPU-6050 behind it, so the board's driver (mpu6050Driver.ts) runs unchanged in the VM, which has
// no I2C peripheral of its own.
//
// One transaction at a time (the driver's fiber is the only user). A transaction fails - throws -
// on a status other than OK (a NACK: no chip at the address), on a reply of the wrong length, and
// when no reply comes within REPLY_TIMEOUT_MS (the service is gone or silent).

import * as ds from "@devicescript/core"
import { I2cTransport, REPLY_TIMEOUT_MS } from "./i2cTransport"

/** The I2C service's `transaction` command and its report (the same code). */
const CMD_TRANSACTION = 0x80
const STATUS_OK = 0

/** (A module function: DeviceScript closures cannot use `this`.) */
function listen(role: ds.I2C, transport: JacdacI2c): void {
    role.report().subscribe(pkt => {
        transport.onReport(pkt)
    })
}

export class JacdacI2c implements I2cTransport {
    role: ds.I2C
    /** the fiber waiting for a reply, if any */
    waiter: ds.Fiber | null
    /** the reply's payload, once it arrived for the transaction under way */
    reply: Buffer | null
    pending: boolean

    constructor(role: ds.I2C) {
        this.role = role
        this.waiter = null
        this.reply = null
        this.pending = false
        listen(role, this)
    }

    onReport(pkt: ds.Packet): void {
        if (!this.pending || pkt.serviceCommand !== CMD_TRANSACTION) return
        this.pending = false
        this.reply = pkt.payload
        const w = this.waiter
        if (w !== null && w.suspended) w.resume(null)
    }

    /** Writes `write`, then reads `size` bytes; throws on any failure. */
    async xfer(address: number, write: Buffer, size: number): Promise<Buffer> {
        this.reply = null
        this.pending = true
        this.waiter = ds.Fiber.self()
        await this.role.transaction(address, size, write)
        if (this.pending) await ds.suspend(REPLY_TIMEOUT_MS)
        this.waiter = null
        const reply = this.reply
        this.reply = null
        if (this.pending || reply === null) {
            this.pending = false
            throw new Error(
                "no reply from the I2C service within " +
                    REPLY_TIMEOUT_MS +
                    " ms"
            )
        }
        if (reply.length < 1 || reply[0] !== STATUS_OK)
            throw new Error(
                "I2C status " + (reply.length < 1 ? "missing" : "" + reply[0])
            )
        if (reply.length !== 1 + size)
            throw new Error(
                "I2C read " + (reply.length - 1) + " of " + size + " bytes"
            )
        return reply.slice(1)
    }

    async readReg(address: number, reg: number): Promise<number> {
        const b = await this.xfer(address, Buffer.from([reg]), 1)
        return b[0]
    }

    async writeReg(address: number, reg: number, value: number): Promise<void> {
        await this.xfer(address, Buffer.from([reg, value]), 0)
    }

    async readRegBuf(
        address: number,
        reg: number,
        size: number
    ): Promise<Buffer> {
        return await this.xfer(address, Buffer.from([reg]), size)
    }
}
