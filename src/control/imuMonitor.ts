// The IMU health monitor: decides, sample by sample, whether the sensor can be trusted, and why not.
// Implements the `imu` fault triggers of behaviour.md. It raises nothing itself: the supervisor
// latches the fault from the reason this reports.

import { fmt1 } from "./format"
import { Since } from "./timer"
import { filterGain } from "./estimator"
import {
    IMU_ACCEL_IMPLAUSIBLE_MS,
    IMU_ACCEL_MAX_G,
    IMU_ACCEL_MIN_G,
    IMU_DISAGREE_DEG,
    IMU_DISAGREE_MS,
    IMU_FROZEN_MS,
    IMU_NOISY_SCATTER_DEG,
    IMU_MAX_ABS_DPS,
    IMU_MAX_ABS_G,
    IMU_STALE_MS,
} from "./limits"
import {
    DISAGREE_ACCEL_TAU_S,
    DISAGREE_REFERENCE_TAU_S,
    DISAGREE_SETTLE_S,
} from "./tuning"
import { ImuSample } from "./types"

function finiteWithin(x: number, bound: number): boolean {
    // NaN fails the comparison, so it is refused with the infinities.
    return typeof x === "number" && x >= -bound && x <= bound
}

/** A sample whose numbers are all finite and physically possible for this sensor. */
export function sampleIsNumeric(s: ImuSample): boolean {
    return (
        finiteWithin(s.axG, IMU_MAX_ABS_G) &&
        finiteWithin(s.ayG, IMU_MAX_ABS_G) &&
        finiteWithin(s.azG, IMU_MAX_ABS_G) &&
        finiteWithin(s.gxDps, IMU_MAX_ABS_DPS) &&
        finiteWithin(s.gyDps, IMU_MAX_ABS_DPS) &&
        finiteWithin(s.gzDps, IMU_MAX_ABS_DPS)
    )
}

/** Whether `s` reads the same as `kept` on all six axes; `kept` then holds `s`'s values. */
function sameThenKeep(s: ImuSample, kept: ImuSample): boolean {
    const same =
        s.axG === kept.axG &&
        s.ayG === kept.ayG &&
        s.azG === kept.azG &&
        s.gxDps === kept.gxDps &&
        s.gyDps === kept.gyDps &&
        s.gzDps === kept.gzDps
    kept.axG = s.axG
    kept.ayG = s.ayG
    kept.azG = s.azG
    kept.gxDps = s.gxDps
    kept.gyDps = s.gyDps
    kept.gzDps = s.gzDps
    return same
}

export class ImuMonitor {
    /** the reason the sensor cannot be trusted this tick, or null */
    reason: string | null
    /** a new, numeric, successfully read sample arrived this tick */
    fresh: boolean
    /** seconds since the previous fresh sample (valid when fresh) */
    dtS: number
    /** the sensor has been healthy since (stopped: not healthy now) */
    healthy: Since

    lastSeq: number
    /** since the last fresh sample */
    sinceFresh: Since
    /** the previous fresh sample's values (kept in place: no allocation per sample) */
    previous: ImuSample
    hasPrevious: boolean
    implausible: Since
    frozen: Since
    disagreeing: Since
    accelLpDeg: number
    referenceDeg: number
    referenceReady: boolean
    /** how long the smoothed accelerometer angle has been settling since the comparison started */
    referenceSettleS: number

    constructor() {
        this.reason = null
        this.fresh = false
        this.dtS = 0
        this.healthy = new Since()
        this.lastSeq = -1
        this.sinceFresh = new Since()
        this.previous = {
            ok: false,
            seq: -1,
            axG: 0,
            ayG: 0,
            azG: 0,
            gxDps: 0,
            gyDps: 0,
            gzDps: 0,
        }
        this.hasPrevious = false
        this.implausible = new Since()
        this.frozen = new Since()
        this.disagreeing = new Since()
        this.accelLpDeg = 0
        this.referenceDeg = 0
        this.referenceReady = false
        this.referenceSettleS = 0
    }

    /** Restart the accelerometer/gyro comparison (after the estimate itself was restarted). */
    resetReference(): void {
        this.referenceReady = false
        this.disagreeing.stop()
    }

    /**
     * Judge this tick's sample. `accelDeg` is the sample's accelerometer angle, `biasDps` the
     * estimator's gyro bias, `scatterSqDeg2` its accelerometer scatter (squared).
     */
    check(
        s: ImuSample,
        nowMs: number,
        accelDeg: number,
        biasDps: number,
        scatterSqDeg2: number
    ): void {
        this.fresh = false
        // The first check starts the stale clock.
        if (!this.sinceFresh.running()) this.sinceFresh.start(nowMs)
        let reason: string | null = null
        const isNew = s.seq !== this.lastSeq
        if (!s.ok) {
            reason = "IMU read failed (I2C error or no answer)"
        } else if (isNew && !sampleIsNumeric(s)) {
            reason = "IMU reading not a plausible number"
        } else if (isNew) {
            this.dtS = this.sinceFresh.forMs(nowMs) / 1000
            this.lastSeq = s.seq
            this.sinceFresh.start(nowMs)
            this.fresh = true
            reason = this.judgeSample(s, nowMs, accelDeg, biasDps)
            // A sensor this noisy (vibration, a failing part) leaves the angle uncertain by degrees.
            // The scatter is already a mean over the last second or so: no timer of its own.
            if (
                reason === null &&
                scatterSqDeg2 > IMU_NOISY_SCATTER_DEG * IMU_NOISY_SCATTER_DEG
            )
                reason = "IMU readings too noisy"
        }
        if (
            !this.fresh &&
            this.sinceFresh.atLeast(nowMs, IMU_STALE_MS) &&
            reason === null
        )
            reason =
                "no fresh IMU sample for " +
                this.sinceFresh.forMs(nowMs) +
                " ms"
        if (!s.ok || (isNew && !this.fresh)) this.lastSeq = s.seq
        this.reason = reason
        // While the data itself is bad (missing, frozen, implausible) the accelerometer/gyro
        // comparison means nothing: it starts afresh when good data flows again.
        if (reason !== null && !this.disagreeing.running())
            this.resetReference()
        this.healthy.track(reason === null, nowMs)
    }

    judgeSample(
        s: ImuSample,
        nowMs: number,
        accelDeg: number,
        biasDps: number
    ): string | null {
        let reason: string | null = null

        const magnitudeG = Math.sqrt(
            s.axG * s.axG + s.ayG * s.ayG + s.azG * s.azG
        )
        this.implausible.track(
            magnitudeG < IMU_ACCEL_MIN_G || magnitudeG > IMU_ACCEL_MAX_G,
            nowMs
        )
        if (this.implausible.atLeast(nowMs, IMU_ACCEL_IMPLAUSIBLE_MS))
            reason = "implausible acceleration " + fmt1(magnitudeG) + " g"

        if (sameThenKeep(s, this.previous) && this.hasPrevious) {
            // Frozen since the previous sample, which already read the same.
            if (!this.frozen.running())
                this.frozen.start(nowMs - Math.round(this.dtS * 1000))
            if (reason === null && this.frozen.atLeast(nowMs, IMU_FROZEN_MS))
                reason = "IMU readings frozen"
        } else this.frozen.stop()
        this.hasPrevious = true

        if (!this.referenceReady) {
            this.accelLpDeg = accelDeg
            this.referenceDeg = accelDeg
            this.referenceReady = true
            this.referenceSettleS = 0
        } else {
            this.accelLpDeg +=
                (accelDeg - this.accelLpDeg) *
                filterGain(this.dtS, DISAGREE_ACCEL_TAU_S)
            // The reference starts from the smoothed angle once that has settled.
            if (this.referenceSettleS < DISAGREE_SETTLE_S) {
                this.referenceDeg = this.accelLpDeg
                this.referenceSettleS += this.dtS
            }
            this.referenceDeg += (s.gyDps - biasDps) * this.dtS
            this.referenceDeg +=
                (this.accelLpDeg - this.referenceDeg) *
                filterGain(this.dtS, DISAGREE_REFERENCE_TAU_S)
        }
        const disagreeDeg = Math.abs(this.accelLpDeg - this.referenceDeg)
        this.disagreeing.track(disagreeDeg > IMU_DISAGREE_DEG, nowMs)
        if (reason === null && this.disagreeing.atLeast(nowMs, IMU_DISAGREE_MS))
            reason =
                "accelerometer and gyro disagree by " +
                fmt1(disagreeDeg) +
                " deg"
        return reason
    }
}
