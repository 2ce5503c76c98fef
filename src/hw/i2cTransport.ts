// What the MPU-6050 driver needs from an I2C bus: three register transactions, each of which throws
// on any failure (no answer, a NACK, a short or missing reply). Pure (no @devicescript import).
// Implemented by the board's own I2C peripheral (@devicescript/i2c's `i2c`, which has exactly these
// methods) and by jacdacI2c.ts: the same transactions sent to a Jacdac I2C service, which is how the
// driver runs in the simulator (the VM has no I2C peripheral of its own).

import { ByteArrayLike } from "./mpu6050"

/**
 * A transport that waits for a reply (jacdacI2c.ts) takes one slower than this for none: a
 * transaction over the bus takes a few ms.
 */
export const REPLY_TIMEOUT_MS = 100

export interface I2cTransport {
    /** One byte from register `reg` of the device at 7-bit address `address`. */
    readReg(address: number, reg: number): Promise<number>
    /** Writes one byte to register `reg`. */
    writeReg(address: number, reg: number, value: number): Promise<void>
    /** `size` bytes read from register `reg` on (the chip's address auto-increments). */
    readRegBuf(
        address: number,
        reg: number,
        size: number
    ): Promise<ByteArrayLike>
}
