// The IMU as the controller's driver sees it: an MPU-6050 class accelerometer and gyro on the bed,
// sampling at 50 Hz, with white noise, a drifting gyro bias, and the injectable IMU faults.

import type { ImuSample } from "../../src/control/types"
import type { FaultSet } from "./faults"
import {
    ACCEL_NOISE_G,
    FAULT_ACCEL_TILT_DEG,
    FAULT_NOISE_FACTOR,
    GRAVITY_MPS2,
    GYRO_BIAS_DRIFT_DPS_PER_SQRT_S,
    GYRO_BIAS_INITIAL_MAX_DPS,
    GYRO_NOISE_DPS,
    IMU_OFFSET_ALONG_BED_M,
    IMU_OFFSET_NORMAL_M,
    IMU_SAMPLE_PERIOD_S,
} from "./params"
import type { Rng } from "./rng"

const RAD_PER_DEG = Math.PI / 180

/** The true motion of the bed at the moment the IMU samples it. */
export interface ImuTruth {
    angleDeg: number
    rateDps: number
    /** angular acceleration, averaged over the last sample period (the sensor's low-pass filter) */
    accelDps2: number
}

interface GyroBias {
    xDps: number
    yDps: number
    zDps: number
}

export class SimImu {
    private readonly rng: Rng
    private readonly noiseScale: number
    private readonly bias: GyroBias
    /** the sensor's output register: the latest sample it made available */
    private latest: ImuSample
    /** the seq of the last read that succeeded: an I2C failure cannot report a newer one */
    private lastReadSeq: number

    /** Makes the first sample at once, so a read before the first tick finds valid data. */
    constructor(rng: Rng, noiseScale: number, truth: ImuTruth) {
        this.rng = rng
        this.noiseScale = noiseScale
        const m = GYRO_BIAS_INITIAL_MAX_DPS
        this.bias = {
            xDps: rng.uniform(-m, m),
            yDps: rng.uniform(-m, m),
            zDps: rng.uniform(-m, m),
        }
        this.latest = { ...this.measure(truth, false, false), seq: 1 }
        this.lastReadSeq = 0
    }

    /** The present true bias of the pitch gyro (the axis that measures the tilt rate). */
    get gyroBiasDps(): number {
        return this.bias.yDps
    }

    /** The sensor's sample clock ticked: make a new sample, unless a fault stops or freezes it. */
    sample(truth: ImuTruth, faults: FaultSet): void {
        // Always measure, even when the output is frozen: the bias keeps drifting in a stalled sensor,
        // and the random sequence stays the same whichever faults come and go.
        const fresh = this.measure(
            truth,
            faults.has("imu-bias"),
            faults.has("imu-noise")
        )
        if (faults.has("imu-stale")) return
        const values = faults.has("imu-stuck") ? this.latest : fresh
        this.latest = { ...values, ok: true, seq: this.latest.seq + 1 }
    }

    /** What the driver gets when it reads the sensor now. */
    read(faults: FaultSet): ImuSample {
        if (faults.has("imu-i2c")) {
            // A failed transfer carries no data; zeros make any use of it conspicuous.
            return {
                ok: false,
                seq: this.lastReadSeq,
                axG: 0,
                ayG: 0,
                azG: 0,
                gxDps: 0,
                gyDps: 0,
                gzDps: 0,
            }
        }
        this.lastReadSeq = this.latest.seq
        return { ...this.latest }
    }

    private measure(
        truth: ImuTruth,
        tilted: boolean,
        noisy: boolean
    ): ImuSample {
        const rng = this.rng
        const driftDps =
            GYRO_BIAS_DRIFT_DPS_PER_SQRT_S * Math.sqrt(IMU_SAMPLE_PERIOD_S)
        this.bias.xDps += driftDps * rng.gaussian()
        this.bias.yDps += driftDps * rng.gaussian()
        this.bias.zDps += driftDps * rng.gaussian()

        // Specific force in the bed's frame: gravity's reaction plus the sensor's own acceleration on
        // its circle round the pivot (tangential from the angular acceleration, centripetal inward).
        const a = truth.angleDeg * RAD_PER_DEG
        const wRadS = truth.rateDps * RAD_PER_DEG
        const alphaRadS2 = truth.accelDps2 * RAD_PER_DEG
        const rx = IMU_OFFSET_ALONG_BED_M
        const rz = IMU_OFFSET_NORMAL_M
        let axG =
            Math.sin(a) + (-alphaRadS2 * rz - wRadS * wRadS * rx) / GRAVITY_MPS2
        let azG =
            Math.cos(a) + (alphaRadS2 * rx - wRadS * wRadS * rz) / GRAVITY_MPS2
        if (tilted) {
            // The sensor turned on its mount about the pivot axis: rotate the vector FAULT_ACCEL_TILT_DEG deeper.
            const t = FAULT_ACCEL_TILT_DEG * RAD_PER_DEG
            const x = axG * Math.cos(t) + azG * Math.sin(t)
            azG = azG * Math.cos(t) - axG * Math.sin(t)
            axG = x
        }
        // A noise fault makes the sensor noisy even when the scenario asked for an ideal one.
        const scale = noisy
            ? FAULT_NOISE_FACTOR * Math.max(1, this.noiseScale)
            : this.noiseScale
        const accelSigmaG = ACCEL_NOISE_G * scale
        const gyroSigmaDps = GYRO_NOISE_DPS * scale
        return {
            ok: true,
            seq: 0, // the caller numbers samples
            axG: axG + accelSigmaG * rng.gaussian(),
            ayG: accelSigmaG * rng.gaussian(),
            azG: azG + accelSigmaG * rng.gaussian(),
            gxDps: this.bias.xDps + gyroSigmaDps * rng.gaussian(),
            gyDps:
                truth.rateDps + this.bias.yDps + gyroSigmaDps * rng.gaussian(),
            gzDps: this.bias.zDps + gyroSigmaDps * rng.gaussian(),
        }
    }
}
