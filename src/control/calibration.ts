// Calibration, the way a technician does it, one step at a time in service mode (the table empty,
// the latch open). Each step checks its preconditions first and refuses with a reason; a running
// step measures over a few seconds of simulated or real time, passed in like everything else.
//
//   level  the table locked flat against a spirit level: the accelerometer's reading is its offset
//   gyro   the table still: the gyro's mean reading is its bias
//   home   the table at its loading stop: the estimated angle is the home angle (within its range)
//   axis   a small move deeper must make the angle rise (motor and sensor agree on "deeper")

import { fmt1 } from "./format"
import { SettingSpec, settingSpec } from "./settings"

export const CALIBRATION_STEPS = ["level", "gyro", "home", "axis"]

/** How the last step went: "" (none since start), then running, done, refused, failed. */
export type CalibrationStatus = "" | "running" | "done" | "refused" | "failed"
/** Every status, in the order of their codes on the wire (services/inversiontable.md CalibrationStatus). */
export const CALIBRATION_STATUSES: CalibrationStatus[] = [
    "",
    "running",
    "done",
    "refused",
    "failed",
]

/** How long each measuring step averages. */
export const LEVEL_MEASURE_MS = 2000
export const GYRO_MEASURE_MS = 3000
/** The level step refuses a table further than this from flat (it is not against the level). */
export const LEVEL_MAX_OFFSET_DEG = 10
/** A still table: the measured rate below this. */
export const STILL_RATE_DPS = 0.3
/** A gyro reading beyond this at rest is a broken sensor, not a bias to calibrate away. */
export const GYRO_MAX_BIAS_DPS = 10
/** The axis check moves this far deeper, at this rate, and expects at least half of it. */
export const AXIS_MOVE_DEG = 2
export const AXIS_RATE_DPS = 1
export const AXIS_TIMEOUT_MS = 6000

/** What a step sees each tick. */
export interface CalibrationView {
    nowMs: number
    /** the accelerometer angle as read, before any offset correction */
    rawAccelDeg: number
    rawGyroDps: number
    /** a new IMU sample arrived this tick */
    fresh: boolean
    estDeg: number
    rateDps: number
    /** the drive is off and the table at rest */
    still: boolean
}

export class Calibrator {
    /** the step running, or "" */
    step: string
    /** the last outcome (CALIBRATION_STATUSES) */
    status: CalibrationStatus
    message: string
    startedMs: number
    sum: number
    count: number
    axisStartDeg: number
    /** results to apply: a settings key and value (null when none is pending) */
    resultKey: string | null
    resultValue: number

    constructor() {
        this.step = ""
        this.status = ""
        this.message = ""
        this.startedMs = 0
        this.sum = 0
        this.count = 0
        this.axisStartDeg = 0
        this.resultKey = null
        this.resultValue = 0
    }

    running(): boolean {
        return this.status === "running"
    }

    refuse(step: string, reason: string): string {
        this.step = step
        this.status = "refused"
        this.message = reason
        return reason
    }

    /** Start a step; returns null, or why it cannot run now. `inService` is checked by the caller. */
    start(
        step: string,
        v: CalibrationView,
        serviceMaxDeg: number
    ): string | null {
        if (CALIBRATION_STEPS.indexOf(step) < 0)
            return this.refuse(
                step,
                "unknown calibration step '" +
                    step +
                    "' (steps: " +
                    CALIBRATION_STEPS.join(", ") +
                    ")"
            )
        if (this.running())
            return this.refuse(
                step,
                "calibration '" + this.step + "' is still running"
            )
        if (!v.still)
            return this.refuse(
                step,
                "the table is moving: wait until it is still"
            )
        if (step === "level" && Math.abs(v.rawAccelDeg) > LEVEL_MAX_OFFSET_DEG)
            return this.refuse(
                step,
                "the table reads " +
                    fmt1(v.rawAccelDeg) +
                    " deg, not flat: lock it flat against a spirit level first"
            )
        if (step === "home") {
            const spec = settingSpec("homeDeg") as SettingSpec
            if (!(v.estDeg >= spec.min && v.estDeg <= spec.max))
                return this.refuse(
                    step,
                    "the table is at " +
                        fmt1(v.estDeg) +
                        " deg, outside the home range " +
                        spec.min +
                        ".." +
                        spec.max +
                        ": bring it to its loading stop first"
                )
        }
        if (step === "axis" && v.estDeg + AXIS_MOVE_DEG > serviceMaxDeg)
            return this.refuse(
                step,
                "no room to move " +
                    AXIS_MOVE_DEG +
                    " deg deeper from " +
                    fmt1(v.estDeg) +
                    " deg"
            )
        this.step = step
        this.status = "running"
        this.message = "measuring"
        this.startedMs = v.nowMs
        this.sum = 0
        this.count = 0
        this.axisStartDeg = v.estDeg
        this.resultKey = null
        return null
    }

    /** Abandon a running step (service mode ended, a fault). */
    abort(reason: string): void {
        if (!this.running()) return
        this.status = "failed"
        this.message = reason
    }

    /** The target of the axis check's move while it runs (NaN when it needs none). */
    axisTargetDeg(): number {
        return this.running() && this.step === "axis"
            ? this.axisStartDeg + AXIS_MOVE_DEG
            : NaN
    }

    fail(reason: string): void {
        this.status = "failed"
        this.message = reason
    }

    finish(message: string, key: string | null, value: number): void {
        this.status = "done"
        this.message = message
        this.resultKey = key
        this.resultValue = value
    }

    tick(v: CalibrationView): void {
        if (!this.running()) return
        const elapsed = v.nowMs - this.startedMs
        if (this.step === "level" || this.step === "gyro") {
            if (!v.still)
                return this.fail("the table moved during the measurement")
            if (v.fresh) {
                this.sum += this.step === "level" ? v.rawAccelDeg : v.rawGyroDps
                this.count++
            }
            const duration =
                this.step === "level" ? LEVEL_MEASURE_MS : GYRO_MEASURE_MS
            if (elapsed < duration) return
            if (this.count === 0)
                return this.fail("no IMU samples during the measurement")
            const mean = this.sum / this.count
            if (this.step === "level")
                return this.finish(
                    "accelerometer offset " + fmt1(mean) + " deg",
                    "accelOffsetDeg",
                    mean
                )
            if (Math.abs(mean) > GYRO_MAX_BIAS_DPS)
                return this.fail(
                    "gyro reads " +
                        fmt1(mean) +
                        " deg/s at rest: the sensor is faulty"
                )
            return this.finish(
                "gyro bias " + Math.round(mean * 100) / 100 + " deg/s",
                "gyroBiasDps",
                mean
            )
        }
        if (this.step === "home") {
            return this.finish(
                "home angle " + fmt1(v.estDeg) + " deg",
                "homeDeg",
                Math.round(v.estDeg * 10) / 10
            )
        }
        // axis: the angle must rise while the motor drives deeper.
        const moved = v.estDeg - this.axisStartDeg
        if (moved <= -AXIS_MOVE_DEG / 2)
            return this.fail(
                "the angle fell when the motor drove deeper: motor wiring or IMU orientation reversed"
            )
        if (moved >= AXIS_MOVE_DEG / 2)
            return this.finish(
                "axis agrees: the angle rose " + fmt1(moved) + " deg",
                null,
                0
            )
        if (elapsed >= AXIS_TIMEOUT_MS)
            this.fail(
                "the table did not move when driven (" + fmt1(moved) + " deg)"
            )
    }
}
