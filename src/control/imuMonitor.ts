// The IMU health monitor: decides, sample by sample, whether the sensor can be trusted, and why not.
// Implements the `imu` fault triggers of behaviour.md. It raises nothing itself: the supervisor
// latches the fault from the reason this reports.

import { fmt1 } from "./format"
import { filterGain } from "./estimator"
import {
    IMU_ACCEL_IMPLAUSIBLE_MS,
    IMU_ACCEL_MAX_G,
    IMU_ACCEL_MIN_G,
    IMU_DISAGREE_DEG,
    IMU_DISAGREE_MS,
    IMU_FROZEN_MS,
    IMU_MAX_ABS_DPS,
    IMU_MAX_ABS_G,
    IMU_STALE_MS,
} from "./limits"
import { DISAGREE_ACCEL_TAU_S, DISAGREE_REFERENCE_TAU_S } from "./tuning"
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

function sameValues(a: ImuSample, b: ImuSample): boolean {
    return (
        a.axG === b.axG &&
        a.ayG === b.ayG &&
        a.azG === b.azG &&
        a.gxDps === b.gxDps &&
        a.gyDps === b.gyDps &&
        a.gzDps === b.gzDps
    )
}

function copySample(s: ImuSample): ImuSample {
    return {
        ok: s.ok,
        seq: s.seq,
        axG: s.axG,
        ayG: s.ayG,
        azG: s.azG,
        gxDps: s.gxDps,
        gyDps: s.gyDps,
        gzDps: s.gzDps,
    }
}

export class ImuMonitor {
    /** the reason the sensor cannot be trusted this tick, or null */
    reason: string | null
    /** a new, numeric, successfully read sample arrived this tick */
    fresh: boolean
    /** seconds since the previous fresh sample (valid when fresh) */
    dtS: number
    /** since when the sensor has been healthy (-1: not healthy now) */
    healthySinceMs: number

    lastSeq: number
    lastFreshMs: number
    previous: ImuSample | null
    implausibleSinceMs: number
    frozenSinceMs: number
    disagreeSinceMs: number
    accelLpDeg: number
    referenceDeg: number
    referenceReady: boolean

    constructor() {
        this.reason = null
        this.fresh = false
        this.dtS = 0
        this.healthySinceMs = -1
        this.lastSeq = -1
        this.lastFreshMs = -1
        this.previous = null
        this.implausibleSinceMs = -1
        this.frozenSinceMs = -1
        this.disagreeSinceMs = -1
        this.accelLpDeg = 0
        this.referenceDeg = 0
        this.referenceReady = false
    }

    /** Restart the accelerometer/gyro comparison (after the estimate itself was restarted). */
    resetReference(): void {
        this.referenceReady = false
        this.disagreeSinceMs = -1
    }

    /**
     * Judge this tick's sample. `accelDeg` is the sample's accelerometer angle, `biasDps` the
     * estimator's gyro bias.
     */
    check(
        s: ImuSample,
        nowMs: number,
        accelDeg: number,
        biasDps: number
    ): void {
        this.fresh = false
        // The first check starts the stale clock.
        if (this.lastFreshMs < 0) this.lastFreshMs = nowMs
        let reason: string | null = null
        const isNew = s.seq !== this.lastSeq
        if (!s.ok) {
            reason = "IMU read failed (I2C error or no answer)"
        } else if (isNew && !sampleIsNumeric(s)) {
            reason = "IMU reading not a plausible number"
        } else if (isNew) {
            this.dtS = (nowMs - this.lastFreshMs) / 1000
            this.lastSeq = s.seq
            this.lastFreshMs = nowMs
            this.fresh = true
            reason = this.judgeSample(s, nowMs, accelDeg, biasDps)
        }
        if (
            !this.fresh &&
            nowMs - this.lastFreshMs >= IMU_STALE_MS &&
            reason === null
        )
            reason =
                "no fresh IMU sample for " + (nowMs - this.lastFreshMs) + " ms"
        if (!s.ok || (isNew && !this.fresh)) this.lastSeq = s.seq
        this.reason = reason
        // While the data itself is bad (missing, frozen, implausible) the accelerometer/gyro
        // comparison means nothing: it starts afresh when good data flows again.
        if (reason !== null && this.disagreeSinceMs < 0) this.resetReference()
        if (reason !== null) this.healthySinceMs = -1
        else if (this.healthySinceMs < 0) this.healthySinceMs = nowMs
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
        if (magnitudeG < IMU_ACCEL_MIN_G || magnitudeG > IMU_ACCEL_MAX_G) {
            if (this.implausibleSinceMs < 0) this.implausibleSinceMs = nowMs
            if (nowMs - this.implausibleSinceMs >= IMU_ACCEL_IMPLAUSIBLE_MS)
                reason = "implausible acceleration " + fmt1(magnitudeG) + " g"
        } else this.implausibleSinceMs = -1

        if (this.previous !== null && sameValues(s, this.previous)) {
            if (this.frozenSinceMs < 0)
                this.frozenSinceMs = nowMs - Math.round(this.dtS * 1000)
            if (reason === null && nowMs - this.frozenSinceMs >= IMU_FROZEN_MS)
                reason = "IMU readings frozen"
        } else this.frozenSinceMs = -1
        this.previous = copySample(s)

        if (!this.referenceReady) {
            this.accelLpDeg = accelDeg
            this.referenceDeg = accelDeg
            this.referenceReady = true
        } else {
            this.accelLpDeg +=
                (accelDeg - this.accelLpDeg) *
                filterGain(this.dtS, DISAGREE_ACCEL_TAU_S)
            this.referenceDeg += (s.gyDps - biasDps) * this.dtS
            this.referenceDeg +=
                (this.accelLpDeg - this.referenceDeg) *
                filterGain(this.dtS, DISAGREE_REFERENCE_TAU_S)
        }
        const disagreeDeg = Math.abs(this.accelLpDeg - this.referenceDeg)
        if (disagreeDeg > IMU_DISAGREE_DEG) {
            if (this.disagreeSinceMs < 0) this.disagreeSinceMs = nowMs
            if (
                reason === null &&
                nowMs - this.disagreeSinceMs >= IMU_DISAGREE_MS
            )
                reason =
                    "accelerometer and gyro disagree by " +
                    fmt1(disagreeDeg) +
                    " deg"
        } else this.disagreeSinceMs = -1
        return reason
    }
}
