// A crude table for the VM's controller tests: the angle follows the motor (15 deg/s at full duty,
// the controller's nominal figure), and a synthetic IMU reports it with a little deterministic noise
// (perfectly constant readings would be "frozen"). DeviceScript has no sin/cos: series here.

import { ImuSample } from "../../src/control/types"

const DEG_TO_RAD = Math.PI / 180

/** sin and cos of an angle in degrees (|angle| <= 360), by their Taylor series: ~1e-12 here. */
export function sinDeg(deg: number): number {
    let x = deg
    while (x > 180) x -= 360
    while (x < -180) x += 360
    const r = x * DEG_TO_RAD
    let term = r
    let sum = r
    for (let k = 1; k < 14; k++) {
        term = (-term * r * r) / (2 * k * (2 * k + 1))
        sum += term
    }
    return sum
}

export function cosDeg(deg: number): number {
    return sinDeg(deg + 90)
}

export class Plant {
    angleDeg: number
    rateDps: number
    seq: number
    noiseState: number
    /** false: the IMU stops delivering new samples (seq frozen) */
    imuFresh: boolean

    constructor(angleDeg: number) {
        this.angleDeg = angleDeg
        this.rateDps = 0
        this.seq = 0
        this.noiseState = 12345
        this.imuFresh = true
    }

    noise(): number {
        this.noiseState = (this.noiseState * 1103515245 + 12345) % 2147483648
        return (this.noiseState / 2147483648 - 0.5) * 0.002
    }

    sample(): ImuSample {
        if (this.imuFresh) this.seq++
        return {
            ok: true,
            seq: this.seq,
            axG: sinDeg(this.angleDeg) + this.noise(),
            ayG: this.noise(),
            azG: cosDeg(this.angleDeg) + this.noise(),
            gxDps: this.noise(),
            gyDps: this.rateDps + this.noise(),
            gzDps: this.noise(),
        }
    }

    /** Moves the table for one 20 ms tick at `duty`. */
    drive(duty: number, dtS: number): void {
        this.rateDps = duty * 15
        this.angleDeg += this.rateDps * dtS
    }
}
