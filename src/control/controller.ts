// The controller: one step per control tick. Time and inputs in, motor duty and reports out; no
// clock, no I/O. The same source runs on the ESP32, on the host under test and in the simulator.
//
// Each tick: sense (IMU health, angle estimate), monitor (motion faults), decide (supervisor),
// plan and drive (planner, drive loop), then a last guard that enforces the hard rules on the duty
// whatever the layers above asked for.

import { DriveLoop } from "./drive"
import { AngleEstimator, accelAngleDeg } from "./estimator"
import { Allowance, allowanceOf, newAllowance } from "./faultPolicy"
import { ALLOW_ALL, FAULT_TABLE } from "./faultTable"
import {
    KEPT_REASON_MAX_CHARS,
    KeptRecord,
    checkKeptRecord,
} from "./keptRecord"
import { ImuMonitor } from "./imuMonitor"
import {
    AT_HOME_TOLERANCE_DEG,
    HOME_SWITCH_BELIEVED_BELOW_DEG,
    SERVICE_MAX_DEG,
    TICK_MS,
    WATCHDOG_LATE_MS,
} from "./limits"
import { MotionMonitor } from "./motionMonitor"
import { MotionRequest } from "./motion"
import { Planner } from "./planner"
import {
    Settings,
    applySettings,
    checkAllSettings,
    copySettings,
    defaultSettings,
    userMaxDeg,
} from "./settings"
import { CalibrationView, Calibrator, STILL_RATE_DPS } from "./calibration"
import { Supervisor, World } from "./supervisor"
import {
    BOOT_COAST_MS,
    BOOT_SETTLE_MS,
    IMU_HEALTHY_FOR_CLEAR_MS,
    MAX_TRACKING_LAG_DEG,
    OPEN_LOOP_FASTEST_DPS_PER_DUTY,
    SETTLE_TOLERANCE_DEG,
    STILL_AFTER_MS,
} from "./tuning"
import { FaultName, ImuSample, Inputs, Outputs } from "./types"

/** The guard's backstop lies this far beyond the limits the planner keeps to (estimate noise). */
const GUARD_MARGIN_DEG = 0.5

/** Boot needs at least this many IMU samples before the estimate is used. */
const BOOT_MIN_SAMPLES = 5

/** What a kept fault's reason says after the restart that kept it. */
const KEPT_SUFFIX = " (kept over a restart)"

/** A number that is neither NaN nor infinite (DeviceScript has no Number.isFinite). */
function finite(x: any): boolean {
    return typeof x === "number" && x - x === 0
}

function bool(x: any): boolean {
    return x === true
}

/** Inputs as the controller trusts them: booleans are true only when exactly true. */
function sanitize(inputs: Inputs, lastSeq: number): Inputs {
    let imu: ImuSample | null = inputs ? inputs.imu : null
    if (!imu || typeof imu !== "object")
        imu = {
            ok: false,
            seq: lastSeq,
            axG: 0,
            ayG: 0,
            azG: 0,
            gxDps: 0,
            gyDps: 0,
            gzDps: 0,
        }
    if (!inputs) inputs = {} as Inputs
    return {
        imu: imu,
        grip: bool(inputs.grip),
        latch: bool(inputs.latch),
        up: bool(inputs.up),
        down: bool(inputs.down),
        stop: bool(inputs.stop),
        preset: bool(inputs.preset),
        home: bool(inputs.home),
        homeSwitch: bool(inputs.homeSwitch),
    }
}

export class Controller {
    settings: Settings
    supervisor: Supervisor
    estimator: AngleEstimator
    imuMonitor: ImuMonitor
    motionMonitor: MotionMonitor
    planner: Planner
    drive: DriveLoop

    startMs: number
    lastMs: number
    booted: boolean
    /** the boot's averages were started again after the coast of a drive the restart cut */
    bootCoastOver: boolean
    /** after an imu fault: the sensor has been healthy long enough and the estimate restarted */
    imuRecovered: boolean
    lastDuty: number
    dutyZeroSinceMs: number
    /** last tick the drive followed the planner in closed loop */
    closedLoopLastTick: boolean
    lastSeq: number
    calibrator: Calibrator
    calibrationView: CalibrationView
    /** increases with every change of the settings (the firmware saves them when asked) */
    settingsRevision: number
    clearRequested: boolean
    /** the controller's own clock: the caller's time, re-based whenever that is not a number or
     *  goes backwards (so every timer runs forward, and the estimate stays finite) */
    clockOffsetMs: number
    /** what the guard recomputes each tick: what the active faults allow */
    guardAllowance: Allowance

    /**
     * `settings` as loaded (defaults and the `settings` notice if they fail the schema),
     * `settingsError` the loader's complaint, `kept` what the previous run asked to be kept over a
     * restart (null: nothing stored).
     */
    constructor(
        settings: Settings,
        settingsError: string | null,
        kept: KeptRecord | null = null
    ) {
        // Whatever the caller loaded, the controller runs only on settings the schema accepts.
        const problem = checkAllSettings(settings)
        if (problem !== null) {
            settingsError = settingsError !== null ? settingsError : problem
            settings = defaultSettings()
        }
        this.settings = copySettings(settings)
        this.supervisor = new Supervisor(this.settings, settingsError)
        this.estimator = new AngleEstimator()
        this.imuMonitor = new ImuMonitor()
        this.motionMonitor = new MotionMonitor()
        this.planner = new Planner(this.settings.homeDeg)
        this.drive = new DriveLoop()
        this.startMs = -1
        this.lastMs = -1
        this.booted = false
        this.bootCoastOver = false
        this.imuRecovered = false
        this.lastDuty = 0
        this.dutyZeroSinceMs = -1
        this.closedLoopLastTick = false
        this.lastSeq = -1
        this.calibrator = new Calibrator()
        this.calibrationView = {
            nowMs: 0,
            rawAccelDeg: 0,
            rawGyroDps: 0,
            fresh: false,
            estDeg: 0,
            rateDps: 0,
            still: false,
        }
        this.settingsRevision = 0
        this.clearRequested = false
        this.clockOffsetMs = 0
        this.guardAllowance = newAllowance()
        this.restoreKept(kept)
    }

    /** Faults and budgets a restart must not forget, from the stored record. */
    restoreKept(kept: KeptRecord | null): void {
        if (kept === null) return
        const problem = checkKeptRecord(kept)
        if (problem !== null) {
            // Nothing of it can be trusted: the restart rule still holds (nothing deeper until the
            // table has been home), and the notice says why.
            this.supervisor.faults.raise(
                "settings",
                "stored safety record unreadable (" + problem + ")"
            )
            return
        }
        for (let i = 0; i < kept.faults.length; i++) {
            const reason = kept.reasons[i]
            const already =
                reason.length >= KEPT_SUFFIX.length &&
                reason.slice(reason.length - KEPT_SUFFIX.length) === KEPT_SUFFIX
            this.supervisor.faults.raise(
                kept.faults[i] as FaultName,
                already ? reason : reason + KEPT_SUFFIX
            )
        }
        this.supervisor.openLoopUsedMs = kept.openLoopUsedMs
        this.supervisor.openLoopReservedMs = kept.openLoopUsedMs
    }

    /** The record to store now so that a restart forgets nothing it must not (see keptRecord.ts). */
    keptRecord(): KeptRecord {
        const f = this.supervisor.faults
        const out: KeptRecord = {
            faults: [],
            reasons: [],
            openLoopUsedMs: this.supervisor.openLoopReservedMs,
        }
        for (let i = 0; i < FAULT_TABLE.length; i++) {
            if (!f.active[i] || !FAULT_TABLE[i].survivesRestart) continue
            out.faults.push(FAULT_TABLE[i].name)
            const reason = f.reasons[i]
            out.reasons.push(
                reason.length > KEPT_REASON_MAX_CHARS
                    ? reason.slice(0, KEPT_REASON_MAX_CHARS)
                    : reason
            )
        }
        return out
    }

    /** The controller's time for a caller's `nowMs`: raises `watchdog` when the caller's clock is
     *  not a number or goes backwards, and runs on one tick later instead. */
    clock(nowMs: number): number {
        const faults = this.supervisor.faults
        if (this.lastMs < 0) {
            if (finite(nowMs)) return nowMs
            faults.raise("watchdog", "control clock is not a number")
            return 0
        }
        if (!finite(nowMs)) {
            faults.raise("watchdog", "control clock is not a number")
            return this.lastMs + TICK_MS
        }
        const t = nowMs - this.clockOffsetMs
        if (t < this.lastMs) {
            faults.raise(
                "watchdog",
                "control clock went back " + (this.lastMs - t) + " ms"
            )
            this.clockOffsetMs = nowMs - (this.lastMs + TICK_MS)
            return this.lastMs + TICK_MS
        }
        return t
    }

    /** The deepest angle allowed now: min(hard limit, the user's limit, the progression program). */
    effectiveMaxDeg(): number {
        return userMaxDeg(this.settings)
    }

    state(): string {
        return this.supervisor.state
    }

    step(rawInputs: Inputs, callerNowMs: number): Outputs {
        const inputs = sanitize(rawInputs, this.lastSeq)
        const faults = this.supervisor.faults
        const first = this.lastMs < 0
        const nowMs = this.clock(callerNowMs)
        const dtMs = first ? TICK_MS : nowMs - this.lastMs
        if (!first && dtMs > TICK_MS + WATCHDOG_LATE_MS)
            faults.raise(
                "watchdog",
                "control tick " + dtMs + " ms after the previous one"
            )
        if (first) {
            this.startMs = nowMs
            this.dutyZeroSinceMs = nowMs
        }
        this.lastMs = nowMs
        this.supervisor.observeInputs(inputs, nowMs)

        // Sense.
        const sample = inputs.imu
        this.lastSeq = sample.seq
        // Calibration corrects the readings before anything uses them.
        const rawAccelDeg = accelAngleDeg(sample.axG, sample.azG)
        const accelDeg = rawAccelDeg - this.settings.accelOffsetDeg
        const gyroDps = sample.gyDps - this.settings.gyroBiasDps
        const mon = this.imuMonitor
        mon.check(sample, nowMs, accelDeg, this.estimator.biasDps)
        if (mon.reason !== null) {
            faults.raise("imu", mon.reason)
            this.imuRecovered = false
        }
        const imuFault = faults.has("imu")
        if (
            imuFault &&
            !this.imuRecovered &&
            mon.healthySinceMs >= 0 &&
            nowMs - mon.healthySinceMs >= IMU_HEALTHY_FOR_CLEAR_MS
        ) {
            // The sensor is back: start the estimate afresh (the table may have moved open-loop).
            this.estimator.restart()
            mon.resetReference()
            this.imuRecovered = true
        }
        const feed =
            mon.fresh && mon.reason === null && (!imuFault || this.imuRecovered)
        if (!mon.fresh && this.estimator.initialized && !imuFault)
            this.estimator.predict(dtMs / 1000)
        if (feed) {
            if (!this.booted && !imuFault) {
                // The averages start again once the coast of a cut drive is over.
                if (
                    !this.bootCoastOver &&
                    nowMs - this.startMs >= BOOT_COAST_MS
                ) {
                    this.bootCoastOver = true
                    this.estimator.bootSamples = 0
                }
                this.estimator.bootSample(accelDeg, gyroDps)
            } else {
                const still =
                    this.lastDuty === 0 &&
                    nowMs - this.dutyZeroSinceMs >= STILL_AFTER_MS
                this.estimator.update(accelDeg, gyroDps, mon.dtS, still)
            }
        }
        if (
            !this.booted &&
            this.estimator.initialized &&
            nowMs - this.startMs >= BOOT_SETTLE_MS
        ) {
            if (imuFault || this.estimator.bootSamples >= BOOT_MIN_SAMPLES)
                this.booted = true
        }
        const booting = !this.booted && !imuFault
        const estTrusted =
            this.booted &&
            this.estimator.initialized &&
            mon.reason === null &&
            (!imuFault || this.imuRecovered)
        const est = this.estimator

        // Monitor.
        const effMax = this.effectiveMaxDeg()
        const home = this.settings.homeDeg
        const mm = this.motionMonitor
        if (estTrusted) {
            const planned = this.closedLoopLastTick ? this.planner.velDps : 0
            mm.check(
                nowMs,
                est.angleDeg,
                est.rateDps,
                planned,
                this.lastDuty,
                effMax,
                home,
                dtMs / 1000
            )
            if (mm.overtravel !== null)
                faults.raise("overtravel", mm.overtravel)
            if (mm.overspeed !== null) faults.raise("overspeed", mm.overspeed)
            if (mm.stall !== null) faults.raise("stall", mm.stall)
            if (mm.direction !== null) faults.raise("direction", mm.direction)
            const atHome =
                Math.abs(est.angleDeg - home) <= AT_HOME_TOLERANCE_DEG
            // In service mode the table is empty: an open latch is how it is meant to be. A pressed
            // home switch says the table is at its loading stop, whatever the stored home says
            // (where that is plausible: on the head-up side).
            const switchHome =
                inputs.homeSwitch &&
                est.angleDeg <= HOME_SWITCH_BELIEVED_BELOW_DEG
            if (
                !inputs.latch &&
                !atHome &&
                !switchHome &&
                !this.supervisor.inService()
            )
                faults.raise("latch", "strap latch open away from home")
        } else mm.resetTimers()

        // Decide.
        let request: MotionRequest
        if (booting) {
            this.supervisor.state = "boot"
            request = { kind: "off", targetDeg: 0, rateDps: 0, duty: 0 }
        } else {
            const world: World = {
                nowMs: nowMs,
                dtMs: dtMs,
                inputs: inputs,
                estTrusted: estTrusted,
                estDeg: est.angleDeg,
                rateDps: est.rateDps,
                effectiveMaxDeg: effMax,
                setpointDeg: this.planner.posDeg,
                setpointVelDps: this.planner.velDps,
                setpointArrived: this.planner.arrived(),
                driveSettled: this.drive.settled,
                imuHealthyMs:
                    mon.healthySinceMs >= 0 ? nowMs - mon.healthySinceMs : 0,
                calibrationTargetDeg: this.calibrator.axisTargetDeg(),
            }
            if (this.clearRequested) {
                this.clearRequested = false
                this.supervisor.tryClearFaults(
                    world,
                    this.currentReasons(faults.names())
                )
            }
            request = this.supervisor.decide(
                world,
                this.currentReasons(faults.names())
            )
        }

        // Plan and drive.
        const planned = this.carryOut(request, nowMs, dtMs / 1000, est.angleDeg)
        const duty = this.guard(
            planned,
            request,
            inputs,
            estTrusted,
            booting,
            effMax,
            dtMs
        )
        if (duty === 0 && planned !== 0 && this.planner.velDps !== 0) {
            // The guard cut a move the planner was making: the plan ends where the table is, so no
            // monitor judges the table against a plan the drive no longer follows.
            this.planner.halt(est.angleDeg)
            this.drive.cut()
            this.closedLoopLastTick = false
        }
        if (!booting && estTrusted) {
            const atHome =
                Math.abs(est.angleDeg - home) <= AT_HOME_TOLERANCE_DEG
            this.supervisor.refineState(
                this.planner.arrived(),
                this.drive.settled || duty === 0,
                atHome
            )
        }

        if (duty === 0) {
            if (this.lastDuty !== 0) this.dutyZeroSinceMs = nowMs
        }
        this.lastDuty = duty
        this.calibrationTick(
            nowMs,
            rawAccelDeg,
            sample.gyDps,
            mon.fresh && mon.reason === null,
            estTrusted
        )

        const sup = this.supervisor
        const targetDeg =
            request.kind === "openLoop" || request.kind === "off"
                ? est.angleDeg
                : this.planner.targetDeg
        return {
            duty: duty,
            state: sup.state,
            faults: faults.names(),
            faultReasons: faults.reasonList(),
            estDeg: est.angleDeg,
            rateDps: est.rateDps,
            targetDeg: targetDeg,
            setpointDeg: this.planner.posDeg,
            effectiveMaxDeg: effMax,
            sessionInvertedS: sup.session.invertedMs / 1000,
            warning: sup.session.warning(this.settings.sessionLimitS),
            alarm: faults.anyAlarm(),
            grip: inputs.grip,
            latch: inputs.latch,
            calibration:
                this.calibrator.step === ""
                    ? ""
                    : this.calibrator.step +
                      ": " +
                      this.calibrator.status +
                      ": " +
                      this.calibrator.message,
            settingsRevision: this.settingsRevision,
            keptFaultBits: faults.keptBits(),
            openLoopReservedMs: sup.openLoopReservedMs,
        }
    }

    // ---- service mode: settings and calibration (refused outside service mode) ----

    /** The reason a service command cannot run now, or null. */
    serviceRefusal(): string | null {
        if (!this.supervisor.inService()) {
            const ended = this.supervisor.serviceEndedBy
            return (
                "only in service mode: hold STOP and UP together for 3 s at home with the latch open" +
                (ended !== ""
                    ? " (service mode was ended by " + ended + ")"
                    : "")
            )
        }
        return null
    }

    /** Change one setting. Refused (nothing changes) outside service mode or out of range. */
    setSetting(key: string, value: any): string | null {
        const refusal = this.serviceRefusal()
        if (refusal !== null) return refusal
        const result = applySettings(this.settings, this.changeOf(key, value))
        if (result.error !== null) return result.error
        this.adopt(result.settings)
        return null
    }

    changeOf(key: string, value: any): any {
        const change: any = {}
        change[key] = value
        return change
    }

    /** Every setting back to its default (calibration included). */
    restoreDefaults(): string | null {
        const refusal = this.serviceRefusal()
        if (refusal !== null) return refusal
        this.adopt(defaultSettings())
        return null
    }

    /** Take new settings in place (the supervisor reads the same object). */
    adopt(next: Settings): void {
        const offsetChanged =
            next.accelOffsetDeg !== this.settings.accelOffsetDeg
        // The estimator's own bias estimate is what is left after the calibrated bias: when the
        // calibration takes over part of it, the estimate gives that part up (no double subtraction).
        this.estimator.biasDps -= next.gyroBiasDps - this.settings.gyroBiasDps
        const target = this.settings as any
        const source = next as any
        let changed = false
        for (const key of Object.keys(source)) {
            if (target[key] !== source[key]) changed = true
            target[key] = source[key]
        }
        // The revision counts changes: writing a value a setting already has changes nothing.
        if (changed) this.settingsRevision++
        // A new accelerometer offset moves the angle it reads: start the estimate from it afresh.
        if (offsetChanged) this.estimator.restart()
    }

    /** Start a calibration step ("level", "gyro", "home", "axis"); null, or why not. */
    startCalibration(step: string): string | null {
        const refusal = this.serviceRefusal()
        if (refusal !== null) return this.calibrator.refuse(step, refusal)
        return this.calibrator.start(
            step,
            this.calibrationView,
            SERVICE_MAX_DEG
        )
    }

    /** Clear the faults whose condition has gone, as a STOP press at home does (on the next tick). */
    requestClearFaults(): void {
        this.clearRequested = true
    }

    calibrationTick(
        nowMs: number,
        rawAccelDeg: number,
        rawGyroDps: number,
        fresh: boolean,
        estTrusted: boolean
    ): void {
        const v = this.calibrationView
        v.nowMs = nowMs
        v.rawAccelDeg = rawAccelDeg
        v.rawGyroDps = rawGyroDps
        v.fresh = fresh
        v.estDeg = this.estimator.angleDeg
        v.rateDps = this.estimator.rateDps
        v.still =
            estTrusted &&
            this.drive.settled &&
            this.lastDuty === 0 &&
            Math.abs(this.estimator.rateDps) < STILL_RATE_DPS
        const cal = this.calibrator
        if (!cal.running()) return
        if (!this.supervisor.inService()) {
            cal.abort("service mode ended")
            return
        }
        // The axis check moves the table: it is judged on the angle, not on stillness.
        if (cal.step === "axis") v.still = true
        cal.tick(v)
        if (cal.status === "done" && cal.resultKey !== null) {
            const result = applySettings(
                this.settings,
                this.changeOf(cal.resultKey, cal.resultValue)
            )
            if (result.error !== null) cal.fail(result.error)
            else this.adopt(result.settings)
            cal.resultKey = null
        }
    }

    /** For each latched fault, the monitor's reason now (null when the condition is not present). */
    currentReasons(names: FaultName[]): (string | null)[] {
        const out: (string | null)[] = []
        for (const name of names) {
            if (name === "imu") out.push(this.imuMonitor.reason)
            else if (name === "overtravel")
                out.push(this.motionMonitor.overtravel)
            else if (name === "overspeed")
                out.push(this.motionMonitor.overspeed)
            else out.push(null)
        }
        return out
    }

    carryOut(
        request: MotionRequest,
        nowMs: number,
        dtS: number,
        estDeg: number
    ): number {
        const p = this.planner
        const kind = request.kind
        this.closedLoopLastTick = false
        if (kind === "off" || kind === "halt" || kind === "openLoop") {
            p.halt(estDeg)
            this.drive.cut()
            return kind === "openLoop" ? request.duty : 0
        }
        if (kind === "stop") {
            // Brake from where the table is, not from where the plan had got to: a table lagging its
            // setpoint must not be driven on to catch up with a stop it was never going to reach.
            if (p.velDps > 0 ? p.posDeg > estDeg : p.posDeg < estDeg)
                p.posDeg = estDeg
            p.stopSmoothly(this.settings.accelDps2, dtS)
        } else if (kind === "move") {
            // A table resting within the settle tolerance of the goal is there already: asking it
            // to move that last fraction would only make it hunt around the goal.
            const there =
                this.drive.settled &&
                Math.abs(request.targetDeg - p.posDeg) < SETTLE_TOLERANCE_DEG
            if (!there)
                p.moveTo(
                    request.targetDeg,
                    request.rateDps,
                    this.settings.accelDps2
                )
        }
        p.step(dtS)
        if (p.posDeg > estDeg + MAX_TRACKING_LAG_DEG)
            p.posDeg = estDeg + MAX_TRACKING_LAG_DEG
        else if (p.posDeg < estDeg - MAX_TRACKING_LAG_DEG)
            p.posDeg = estDeg - MAX_TRACKING_LAG_DEG
        const duty = this.drive.duty(
            nowMs,
            p,
            estDeg,
            this.estimator.rateDps,
            dtS
        )
        this.closedLoopLastTick = !this.drive.settled
        // A finished move holds where the table came to rest: the next move starts from there.
        if (this.drive.settled) p.halt(estDeg)
        return duty
    }

    /**
     * The last word on the duty, independent of the layers above: nothing deeper without grip,
     * settled latch, a trusted angle, no fault, and never past the effective deepest angle; once the
     * session is over only the braking of a move already going deeper; nothing toward home past
     * home; open-loop only as the active faults allow, toward home, its duty ramped.
     */
    guard(
        duty: number,
        request: MotionRequest,
        inputs: Inputs,
        estTrusted: boolean,
        booting: boolean,
        effMax: number,
        dtMs: number
    ): number {
        if (booting || !finite(duty)) return 0
        const sup = this.supervisor
        const home = this.settings.homeDeg
        const est = this.estimator.angleDeg
        const allow = allowanceOf(
            sup.faults,
            {
                estDeg: est,
                homeDeg: home,
                latchSteady: sup.latchSteady(this.lastMs),
                homeSwitchKnown: this.settings.homeSwitchFitted,
            },
            this.guardAllowance
        )
        if (request.kind === "openLoop") {
            if (!allow.openLoop) return 0
            // Toward home only, within the faults' duty cap, and ramped up no faster than the
            // acceleration limit allows on the fastest drive (cutting is always allowed).
            const rampDuty =
                ((this.settings.accelDps2 / OPEN_LOOP_FASTEST_DPS_PER_DUTY) *
                    dtMs) /
                1000
            const previous = this.lastDuty < 0 ? -this.lastDuty : 0
            const most = Math.min(allow.openLoopDutyMax, previous + rampDuty)
            return Math.max(-most, Math.min(0, duty))
        }
        if (!estTrusted) return 0
        if (sup.inService()) {
            // The table is empty: it may move between home and SERVICE_MAX_DEG, nothing more.
            if (sup.faults.anyAlarm()) return 0
            if (duty > 0 && est >= SERVICE_MAX_DEG + GUARD_MARGIN_DEG) return 0
            if (duty < 0 && est <= home - GUARD_MARGIN_DEG) return 0
            return Math.max(-1, Math.min(1, duty))
        }
        // Below the home band, "deeper" is toward home: allowed as any move toward home is.
        if (duty > 0 && est >= home - AT_HOME_TOLERANCE_DEG) {
            const p = this.planner
            // A move going deeper when the session ended (its limit, or a restart) ends with its
            // normal deceleration: only a plan that goes no deeper than where it can stop (braking,
            // or already turned toward home while the table still slows), never one that goes on.
            const braking =
                p.velDps > 0
                    ? p.targetDeg <= p.stoppingPointDeg(dtMs / 1000) + 1e-9
                    : p.targetDeg <= p.posDeg + 1e-9
            const deeperOk =
                inputs.grip &&
                inputs.latch &&
                sup.latchSettled(this.lastMs) &&
                allow.level === ALLOW_ALL &&
                (!sup.session.expired || braking) &&
                est < effMax + GUARD_MARGIN_DEG
            if (!deeperOk) return 0
        }
        if (duty < 0 && est <= home - GUARD_MARGIN_DEG) return 0
        return Math.max(-1, Math.min(1, duty))
    }
}
