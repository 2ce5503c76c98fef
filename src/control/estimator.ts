// The angle estimator: accelerometer tilt fused with the gyro rate (a complementary filter), plus a
// gyro bias estimate learned whenever the worm gear holds the table still, and followed while it
// moves from the accelerometer (the angle error's integral). It measures; it decides nothing.

import { atan2Deg } from "./trig"
import {
    BIAS_FOLLOW_FACTOR,
    BIAS_FOLLOW_MIN_FACTOR,
    BIAS_FOLLOW_MAX_ERROR_DPS,
    BIAS_TRACK_TAU_S,
    ESTIMATOR_MAX_TAU_S,
    ESTIMATOR_QUIET_SCATTER_DEG,
    ESTIMATOR_SCATTER_TAU_S,
    ESTIMATOR_TAU_S,
    RATE_FILTER_TAU_S,
    SCATTER_CLIP_FLOOR_SQ_DEG2,
    SCATTER_JUMP_CLIP_SQ,
} from "./tuning"

/** The tilt angle the accelerometer alone sees (axis convention in types.ts). */
export function accelAngleDeg(axG: number, azG: number): number {
    return atan2Deg(axG, azG)
}

/** The fraction of the way a first-order filter moves in dtS: dt/tau, never above 1. */
export function filterGain(dtS: number, tauS: number): number {
    const k = dtS / tauS
    return k > 1 ? 1 : k
}

export class AngleEstimator {
    angleDeg: number
    rateDps: number
    biasDps: number
    /** false until the first sample after construction or restart() */
    initialized: boolean
    /** samples averaged so far while booting (the table is still: the motor is off) */
    bootSamples: number
    /** mean square of the accelerometer angle's sample-to-sample change not explained by the gyro,
     *  halved: the accelerometer's own noise variance, independent of any error of the estimate */
    scatterSqDeg2: number
    /** the previous sample's accelerometer angle */
    lastAccelDeg: number
    /** travel carried on by predict() since the last sample */
    predictedDeg: number
    /** the angle error (accelerometer less estimate) smoothed over the filter's time constant */
    errorMeanDeg: number
    /** the variance of the estimate's own error from the accelerometer's noise: the boot mean's
     *  (the scatter over the samples), then as the filter carries it on (the gyro's share is far
     *  smaller and left out) */
    errorVarDeg2: number

    constructor() {
        this.angleDeg = 0
        this.rateDps = 0
        this.biasDps = 0
        this.initialized = false
        this.bootSamples = 0
        this.predictedDeg = 0
        this.lastAccelDeg = NaN
        this.errorMeanDeg = 0
        this.errorVarDeg2 = 0
        this.scatterSqDeg2 =
            ESTIMATOR_QUIET_SCATTER_DEG * ESTIMATOR_QUIET_SCATTER_DEG
    }

    /** The complementary filter's time constant for the accelerometer scatter seen lately. */
    tauS(): number {
        const scatter = Math.sqrt(this.scatterSqDeg2)
        const tau = (ESTIMATOR_TAU_S * scatter) / ESTIMATOR_QUIET_SCATTER_DEG
        return tau < ESTIMATOR_TAU_S
            ? ESTIMATOR_TAU_S
            : tau > ESTIMATOR_MAX_TAU_S
              ? ESTIMATOR_MAX_TAU_S
              : tau
    }

    /** Forget the angle (after a sensor fault): the next sample starts it again. The bias is kept. */
    restart(): void {
        this.initialized = false
        this.rateDps = 0
        this.predictedDeg = 0
        this.lastAccelDeg = NaN
    }

    /**
     * Boot: the motor is off and the table still, so the running means of the accelerometer angle
     * and of the gyro give the starting angle and the gyro bias, and the samples' variance about
     * their mean the accelerometer's scatter (the first move already has the filter's time constant
     * for it; about the mean, a still table's few samples tell it better than their jumps do).
     */
    bootSample(accelDeg: number, gyroDps: number): void {
        const n = this.bootSamples + 1
        if (n === 1) {
            this.angleDeg = accelDeg
            this.biasDps = gyroDps
        } else {
            const offDeg = accelDeg - this.angleDeg
            this.angleDeg += offDeg / n
            this.biasDps += (gyroDps - this.biasDps) / n
            this.scatterSqDeg2 +=
                (offDeg * (accelDeg - this.angleDeg) - this.scatterSqDeg2) /
                (n - 1)
            this.errorVarDeg2 = this.scatterSqDeg2 / n
        }
        this.lastAccelDeg = accelDeg
        this.bootSamples = n
        this.rateDps = 0
        this.initialized = true
    }

    /** A tick without a new sample: carry the angle on at the last rate (it is caught up with when
     *  samples come again; a sensor that stays silent raises the imu fault within 100 ms). */
    predict(dtS: number): void {
        const step = this.rateDps * dtS
        this.angleDeg += step
        this.predictedDeg += step
    }

    /** One fresh sample, dtS after the previous one. `still`: the table is known not to move. */
    update(
        accelDeg: number,
        gyroDps: number,
        dtS: number,
        still: boolean
    ): void {
        if (!this.initialized) {
            this.angleDeg = accelDeg
            this.errorVarDeg2 = this.scatterSqDeg2
            this.rateDps = 0
            this.predictedDeg = 0
            this.initialized = true
            return
        }
        if (still)
            this.biasDps +=
                (gyroDps - this.biasDps) * filterGain(dtS, BIAS_TRACK_TAU_S)
        const rate = gyroDps - this.biasDps
        // Replace whatever was predicted since the last sample by what the gyro measured.
        this.angleDeg += rate * dtS - this.predictedDeg
        this.predictedDeg = 0
        // The accelerometer's noise, measured from its own successive readings (the gyro's share of
        // the change taken out), so that an error of the estimate is never mistaken for noise.
        // A jump counts for at most SCATTER_JUMP_CLIP_SQ times the scatter so far (or its floor): one
        // wild sample of a noisy sensor does not make it read as a failing one.
        if (!isNaN(this.lastAccelDeg)) {
            const jump = accelDeg - this.lastAccelDeg - rate * dtS
            const sq = this.scatterSqDeg2
            this.scatterSqDeg2 =
                sq +
                (Math.min(
                    (jump * jump) / 2,
                    SCATTER_JUMP_CLIP_SQ *
                        Math.max(sq, SCATTER_CLIP_FLOOR_SQ_DEG2)
                ) -
                    sq) *
                    filterGain(dtS, ESTIMATOR_SCATTER_TAU_S)
        }
        this.lastAccelDeg = accelDeg
        const tauS = this.tauS()
        const errorDeg = accelDeg - this.angleDeg
        // Moving, the bias is learned from the accelerometer: the angle error's integral, while the
        // error smoothed over tau is small for tau (a large one is a transient, a start or a jolt,
        // not the bias; judged sample by sample, a noisy accelerometer's errors shut the learning
        // out; a bias error b leaves an error of b * tau, so the longer tau the larger it may be).
        const k = filterGain(dtS, tauS)
        this.errorMeanDeg += (errorDeg - this.errorMeanDeg) * k
        if (
            !still &&
            Math.abs(this.errorMeanDeg) < BIAS_FOLLOW_MAX_ERROR_DPS * tauS
        )
            this.biasDps -=
                (errorDeg * dtS) /
                (tauS *
                    Math.max(
                        BIAS_FOLLOW_MIN_FACTOR * tauS,
                        BIAS_FOLLOW_FACTOR * ESTIMATOR_TAU_S
                    ))
        this.angleDeg += errorDeg * k
        // (1 - k)^2 of the variance carried on, k^2 of the sample's added (never negative: k is
        // dt / tau, at most 1, and a late sample makes it large)
        this.errorVarDeg2 =
            (1 - k) * (1 - k) * this.errorVarDeg2 + k * k * this.scatterSqDeg2
        this.rateDps +=
            (rate - this.rateDps) * filterGain(dtS, RATE_FILTER_TAU_S)
    }
}
