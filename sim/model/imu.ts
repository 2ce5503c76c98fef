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
/** The gyro bias's random-walk step per sample. */
const DRIFT_DPS =
    GYRO_BIAS_DRIFT_DPS_PER_SQRT_S * Math.sqrt(IMU_SAMPLE_PERIOD_S)
/** The imu-bias fault's turn of the sensor on its mount. */
const TILT_COS = Math.cos(FAULT_ACCEL_TILT_DEG * RAD_PER_DEG)
const TILT_SIN = Math.sin(FAULT_ACCEL_TILT_DEG * RAD_PER_DEG)

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
    /** the sensor's output register: the latest sample it made available (read() hands out copies) */
    private readonly latest: ImuSample
    /** a sample just measured, before the faults decide whether it reaches the register */
    private readonly fresh: ImuSample
    /** the seq of the last read that succeeded: an I2C failure cannot report a newer one */
    private lastReadSeq: number
    /** sin and cos of the last angle measured at (a table at rest is measured at one angle) */
    private lastAngleRad = NaN
    private sinAngle = 0
    private cosAngle = 1

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
        this.fresh = emptySample()
        this.measure(
            truth.angleDeg,
            truth.rateDps,
            truth.accelDps2,
            false,
            false
        )
        this.latest = emptySample()
        copyInto(this.latest, this.fresh)
        this.latest.seq = 1
        this.lastReadSeq = 0
    }

    /** The present true bias of the pitch gyro (the axis that measures the tilt rate). */
    get gyroBiasDps(): number {
        return this.bias.yDps
    }

    /**
     * The sensor's sample clock ticked, with the bed at this angle, rate and angular acceleration:
     * make a new sample, unless a fault stops or freezes it.
     */
    sample(
        angleDeg: number,
        rateDps: number,
        accelDps2: number,
        faults: FaultSet
    ): void {
        // Always measure, even when the output is frozen: the bias keeps drifting in a stalled sensor,
        // and the random sequence stays the same whichever faults come and go.
        this.measure(
            angleDeg,
            rateDps,
            accelDps2,
            faults.has("imu-bias"),
            faults.has("imu-noise")
        )
        if (faults.has("imu-stale")) return
        const seq = this.latest.seq + 1
        if (!faults.has("imu-stuck")) copyInto(this.latest, this.fresh)
        this.latest.ok = true
        this.latest.seq = seq
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
        const l = this.latest
        this.lastReadSeq = l.seq
        return {
            ok: l.ok,
            seq: l.seq,
            axG: l.axG,
            ayG: l.ayG,
            azG: l.azG,
            gxDps: l.gxDps,
            gyDps: l.gyDps,
            gzDps: l.gzDps,
        }
    }

    /** A new measurement into `fresh` (its seq is the caller's). */
    private measure(
        angleDeg: number,
        rateDps: number,
        accelDps2: number,
        tilted: boolean,
        noisy: boolean
    ): void {
        const rng = this.rng
        this.bias.xDps += DRIFT_DPS * rng.gaussian()
        this.bias.yDps += DRIFT_DPS * rng.gaussian()
        this.bias.zDps += DRIFT_DPS * rng.gaussian()

        // Specific force in the bed's frame: gravity's reaction plus the sensor's own acceleration on
        // its circle round the pivot (tangential from the angular acceleration, centripetal inward).
        const a = angleDeg * RAD_PER_DEG
        if (!Object.is(a, this.lastAngleRad)) {
            this.lastAngleRad = a
            this.sinAngle = Math.sin(a)
            this.cosAngle = Math.cos(a)
        }
        const wRadS = rateDps * RAD_PER_DEG
        const alphaRadS2 = accelDps2 * RAD_PER_DEG
        const rx = IMU_OFFSET_ALONG_BED_M
        const rz = IMU_OFFSET_NORMAL_M
        let axG =
            this.sinAngle +
            (-alphaRadS2 * rz - wRadS * wRadS * rx) / GRAVITY_MPS2
        let azG =
            this.cosAngle +
            (alphaRadS2 * rx - wRadS * wRadS * rz) / GRAVITY_MPS2
        if (tilted) {
            // The sensor turned on its mount about the pivot axis: rotate the vector FAULT_ACCEL_TILT_DEG deeper.
            const x = axG * TILT_COS + azG * TILT_SIN
            azG = azG * TILT_COS - axG * TILT_SIN
            axG = x
        }
        // A noise fault makes the sensor noisy even when the scenario asked for an ideal one.
        const scale = noisy
            ? FAULT_NOISE_FACTOR * Math.max(1, this.noiseScale)
            : this.noiseScale
        const accelSigmaG = ACCEL_NOISE_G * scale
        const gyroSigmaDps = GYRO_NOISE_DPS * scale
        // In this order: each draws from the sensor's random sequence.
        const f = this.fresh
        f.ok = true
        f.axG = axG + accelSigmaG * rng.gaussian()
        f.ayG = accelSigmaG * rng.gaussian()
        f.azG = azG + accelSigmaG * rng.gaussian()
        f.gxDps = this.bias.xDps + gyroSigmaDps * rng.gaussian()
        f.gyDps = rateDps + this.bias.yDps + gyroSigmaDps * rng.gaussian()
        f.gzDps = this.bias.zDps + gyroSigmaDps * rng.gaussian()
    }
}

function emptySample(): ImuSample {
    return {
        ok: true,
        seq: 0,
        axG: 0,
        ayG: 0,
        azG: 0,
        gxDps: 0,
        gyDps: 0,
        gzDps: 0,
    }
}

function copyInto(to: ImuSample, from: ImuSample): void {
    to.ok = from.ok
    to.axG = from.axG
    to.ayG = from.ayG
    to.azG = from.azG
    to.gxDps = from.gxDps
    to.gyDps = from.gyDps
    to.gzDps = from.gzDps
}
