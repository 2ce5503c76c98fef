// The controller: one step per control tick. Time and inputs in, motor duty and reports out; no
// clock, no I/O. The same source runs on the ESP32, on the host under test and in the simulator.
//
// Each tick is a pipeline: sense (IMU health, angle estimate), monitor (motion faults), decide (the
// supervisor's mode machine), plan and drive (planner, drive loop), then the guard (guard.ts), which
// recomputes the hard rules on the duty from the inputs, the estimate and the settings, whatever the
// layers above asked for.

import { clamp } from "./clamp"
import { DriveLoop } from "./drive"
import { AngleEstimator, accelAngleDeg } from "./estimator"
import { FAULT_TABLE } from "./faultTable"
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
import { Guard, GuardView } from "./guard"
import { PROGRESS_MAX_COUNTED, REASON_MAX_CHARS } from "./program"
import {
    CAP_REACHED_DEG,
    CAP_SOUND_MS,
    RHYTHM_SOUND_MS,
    ExerciseProgram,
    ProgramStart,
    newTableStart,
} from "./exercise"
import { Supervisor } from "./supervisor"
import { Since } from "./timer"
import type { World } from "./world"
import {
    BOOT_COAST_MS,
    BOOT_SETTLE_MS,
    BOOT_ANGLE_ERROR_SQ_DEG2,
    BOOT_LONGEST_MS,
    IMU_HEALTHY_FOR_CLEAR_MS,
    MAX_TRACKING_LAG_DEG,
    SETTLE_TOLERANCE_DEG,
    HOME_SIDE_DOUBT_DEG,
    OVERTRAVEL_DOUBT_MAX_DEG,
    OVERTRAVEL_DOUBT_SIGMAS,
    STILL_AFTER_MS,
} from "./tuning"
import { FaultName, ImuSample, Inputs, Outputs } from "./types"
import {
    DESK_CALIBRATE,
    DESK_CLEAR_FAULTS,
    DESK_DEFAULTS,
    DESK_SAVE,
    DESK_SETTING,
    DESK_SET_COUNT,
    ServiceDesk,
} from "./serviceDesk"

/** Boot needs at least this many IMU samples before the estimate is used. */
const BOOT_MIN_SAMPLES = 5

/** What a kept fault's reason says after the restart that kept it. */
const KEPT_SUFFIX = " (kept over a restart)"

/** A number that is neither NaN nor infinite (DeviceScript has no Number.isFinite). */
function finite(x: any): boolean {
    return typeof x === "number" && x - x === 0
}

/**
 * Inputs as the controller trusts them: booleans are true only when exactly true. Written into
 * `into` (the controller's own record, reused every tick: nothing keeps it past the tick).
 */
function sanitize(inputs: Inputs, lastSeq: number, into: Inputs): Inputs {
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
    into.imu = imu
    into.grip = inputs.grip === true
    into.latch = inputs.latch === true
    into.up = inputs.up === true
    into.down = inputs.down === true
    into.stop = inputs.stop === true
    into.preset = inputs.preset === true
    into.home = inputs.home === true
    into.homeSwitch = inputs.homeSwitch === true
    return into
}

/** The reasons of no active fault (never written). */
const NO_REASONS: (string | null)[] = []

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
    /** the duty has been 0 since (the worm gear holds the table still after a while) */
    dutyZero: Since
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
    /** the exercise program: progress, the session under way, its records and sounds */
    program: ExerciseProgram
    /** settings writes and service commands, taken up at the start of each tick (serviceDesk.ts) */
    desk: ServiceDesk
    /** the table was at home on the last tick the angle was known */
    wasAtHome: boolean
    /** the latch read open before the angle was first known (the start): judged then, once */
    latchOpenedUnjudged: boolean
    /** this tick's inputs as the controller trusts them (sanitize; one record, reused) */
    cleanInputs: Inputs
    /** the last word on the duty, independent of the supervisor */
    guard: Guard
    guardView: GuardView
    /** the supervisor's view of the tick, filled in each tick */
    world: World

    /**
     * `settings` as loaded (defaults and the `settings` notice if they fail the schema),
     * `settingsError` the loader's complaint, `kept` what the previous run asked to be kept over a
     * restart (null: nothing stored).
     */
    constructor(
        settings: Settings,
        settingsError: string | null,
        kept: KeptRecord | null = null,
        program: ProgramStart = newTableStart()
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
        this.dutyZero = new Since()
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
        this.guard = new Guard(this.settings.homeDeg)
        this.program = new ExerciseProgram(program)
        this.desk = new ServiceDesk()
        const programProblem = this.program.startProblem()
        if (programProblem !== null)
            this.supervisor.faults.raise("settings", programProblem)
        this.wasAtHome = false
        this.latchOpenedUnjudged = false
        this.cleanInputs = sanitize(null as unknown as Inputs, -1, {
            imu: null as unknown as ImuSample,
            grip: false,
            latch: false,
            up: false,
            down: false,
            stop: false,
            preset: false,
            home: false,
            homeSwitch: false,
        })
        this.world = {
            nowMs: 0,
            dtMs: 0,
            inputs: this.cleanInputs,
            estTrusted: false,
            estDeg: 0,
            rateDps: 0,
            effectiveMaxDeg: 0,
            setpointDeg: 0,
            setpointVelDps: 0,
            setpointArrived: true,
            driveSettled: true,
            calibrationTargetDeg: NaN,
            imuHealthyMs: 0,
            sessionLimitS: 0,
        }
        this.guardView = {
            duty: 0,
            request: this.supervisor.request,
            inputs: this.world.inputs,
            faults: this.supervisor.faults,
            settings: this.settings,
            estTrusted: false,
            estDeg: 0,
            effMaxDeg: 0,
            planner: this.planner,
            lastDuty: 0,
            inService: false,
            nowMs: 0,
            dtMs: 0,
        }
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
        this.supervisor.openLoop.usedMs = kept.openLoopUsedMs
        this.supervisor.openLoop.reservedMs = kept.openLoopUsedMs
    }

    /** The record to store now so that a restart forgets nothing it must not (see keptRecord.ts). */
    keptRecord(): KeptRecord {
        const f = this.supervisor.faults
        const out: KeptRecord = {
            faults: [],
            reasons: [],
            openLoopUsedMs: this.supervisor.openLoop.reservedMs,
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
        const first = this.lastMs < 0
        if (!finite(nowMs)) {
            faults.raise("watchdog", "control clock is not a number")
            return first ? 0 : this.lastMs + TICK_MS
        }
        if (first) return nowMs
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

    /** The deepest angle allowed now: min(hard limit, the user's limit, the exercise program's cap). */
    effectiveMaxDeg(): number {
        const user = userMaxDeg(this.settings)
        const cap = this.program.capDeg(this.settings.progression)
        return cap < user ? cap : user
    }

    /** The session's time limit now: the setting, or the exercise program's shorter one. */
    sessionLimitS(): number {
        return this.program.limitS(
            this.settings.sessionLimitS,
            this.settings.progression
        )
    }

    state(): string {
        return this.supervisor.state
    }

    step(rawInputs: Inputs, callerNowMs: number): Outputs {
        const inputs = sanitize(rawInputs, this.lastSeq, this.cleanInputs)
        const sup = this.supervisor
        const st = this.settings
        const plan = this.planner
        const faults = sup.faults
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
            this.dutyZero.start(nowMs)
        }
        this.lastMs = nowMs
        sup.observeInputs(inputs, nowMs)
        this.guard.observe(inputs, nowMs)

        // Requests: what the service desk was handed since the last tick, in order.
        if (this.desk.queue.length > 0) this.serveDesk()

        // Sense.
        const sample = inputs.imu
        this.lastSeq = sample.seq
        // Calibration corrects the readings before anything uses them.
        const rawAccelDeg = accelAngleDeg(sample.axG, sample.azG)
        const accelDeg = rawAccelDeg - st.accelOffsetDeg
        const gyroDps = sample.gyDps - st.gyroBiasDps
        const mon = this.imuMonitor
        const est = this.estimator
        const bootMs = nowMs - this.startMs
        mon.check(
            sample,
            nowMs,
            accelDeg,
            est.biasDps,
            // Booting, the scatter is a mean over a few samples only: judged once it has its boot.
            this.booted ? est.scatterSqDeg2 : 0
        )
        if (mon.reason !== null) {
            faults.raise("imu", mon.reason)
            this.imuRecovered = false
        }
        const imuFault = faults.has("imu")
        if (
            imuFault &&
            !this.imuRecovered &&
            mon.healthy.atLeast(nowMs, IMU_HEALTHY_FOR_CLEAR_MS)
        ) {
            // The sensor is back: start the estimate afresh (the table may have moved open-loop).
            est.restart()
            mon.resetReference()
            this.imuRecovered = true
        }
        const feed =
            mon.fresh && mon.reason === null && (!imuFault || this.imuRecovered)
        if (!mon.fresh && est.initialized && !imuFault) est.predict(dtMs / 1000)
        if (feed) {
            if (!this.booted && !imuFault) {
                // The averages start again once the coast of a cut drive is over.
                if (!this.bootCoastOver && bootMs >= BOOT_COAST_MS) {
                    this.bootCoastOver = true
                    est.bootSamples = 0
                }
                est.bootSample(accelDeg, gyroDps)
            } else {
                const still =
                    this.lastDuty === 0 &&
                    this.dutyZero.atLeast(nowMs, STILL_AFTER_MS)
                est.update(accelDeg, gyroDps, mon.dtS, still)
            }
        }
        if (!this.booted && est.initialized && bootMs >= BOOT_SETTLE_MS) {
            // A noisy sensor is averaged for longer (up to BOOT_LONGEST_MS), until the mean's own
            // error (the scatter over the root of the samples) is down to BOOT_ANGLE_ERROR_DEG.
            const n = est.bootSamples
            if (
                imuFault ||
                (n >= BOOT_MIN_SAMPLES &&
                    (n * BOOT_ANGLE_ERROR_SQ_DEG2 >= est.scatterSqDeg2 ||
                        bootMs >= BOOT_LONGEST_MS))
            )
                this.booted = true
        }
        const booting = !this.booted && !imuFault
        if (booting && !inputs.latch) this.latchOpenedUnjudged = true
        const estTrusted =
            this.booted &&
            est.initialized &&
            mon.reason === null &&
            (!imuFault || this.imuRecovered)

        // The exercise program: a session begins when the table leaves home (not in service mode:
        // the table is empty then), and ends when it is back.
        // Service mode until the decision below (only sup.decide enters or leaves it).
        const inService = sup.inService()
        const prog = this.program
        prog.firstTick(nowMs)
        if (!booting && estTrusted) {
            const atHomeNow =
                Math.abs(est.angleDeg - st.homeDeg) <= AT_HOME_TOLERANCE_DEG
            if (
                !prog.session.active &&
                this.wasAtHome &&
                !atHomeNow &&
                !inService
            )
                prog.begin(
                    nowMs,
                    userMaxDeg(st),
                    est.angleDeg,
                    faults.raises,
                    st.sessionLimitS,
                    st.progression
                )
            else if (prog.session.active && atHomeNow)
                prog.end(
                    nowMs,
                    sup.session.invertedMs / 1000,
                    faults.raises,
                    st.progression
                )
            this.wasAtHome = atHomeNow
        }
        const limitS = this.sessionLimitS()

        // Monitor. In service mode the table is empty: its deepest is the service mode's own.
        const effMax = inService ? SERVICE_MAX_DEG : this.effectiveMaxDeg()
        const home = st.homeDeg
        const mm = this.motionMonitor
        if (estTrusted) {
            const planned = this.closedLoopLastTick ? plan.velDps : 0
            mm.doubtDeg = Math.min(
                OVERTRAVEL_DOUBT_MAX_DEG,
                OVERTRAVEL_DOUBT_SIGMAS * Math.sqrt(est.errorVarDeg2)
            )
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
            // A latch that read open during the start counts as open now: a restart away from home
            // must not forget a bounce it could not judge yet.
            if (
                (!inputs.latch || this.latchOpenedUnjudged) &&
                !atHome &&
                !switchHome &&
                !inService
            )
                faults.raise("latch", "strap latch open away from home")
            this.latchOpenedUnjudged = false
        } else {
            mm.resetTimers()
            // The angle unknown (the sensor failed): the table may be anywhere, so an open latch is
            // open away from home unless the home switch says the table is there.
            if (
                !booting &&
                (!inputs.latch || this.latchOpenedUnjudged) &&
                !inputs.homeSwitch &&
                !sup.inService()
            )
                faults.raise("latch", "strap latch open with the angle unknown")
            if (!booting) this.latchOpenedUnjudged = false
        }

        // Decide.
        let request: MotionRequest
        const wasInService = inService
        if (booting) {
            sup.mode = "boot"
            sup.state = "boot"
            request = sup.request.set("off")
        } else {
            const world = this.world
            world.nowMs = nowMs
            world.dtMs = dtMs
            world.inputs = inputs
            world.estTrusted = estTrusted
            world.estDeg = est.angleDeg
            world.rateDps = est.rateDps
            world.effectiveMaxDeg = effMax
            world.setpointDeg = plan.posDeg
            world.setpointVelDps = plan.velDps
            world.setpointArrived = plan.arrived()
            world.driveSettled = this.drive.settled
            world.imuHealthyMs = mon.healthy.forMs(nowMs)
            world.calibrationTargetDeg = this.calibrator.axisTargetDeg()
            world.sessionLimitS = limitS
            if (this.clearRequested) {
                this.clearRequested = false
                sup.tryClearFaults(world, this.currentReasons(faults.names()))
            }
            request = sup.decide(world, this.currentReasons(faults.names()))
            if (sup.pad.rhythmStarted)
                prog.sound("rhythm", nowMs, RHYTHM_SOUND_MS)
        }
        if (prog.session.active) {
            prog.session.follow(
                dtMs,
                estTrusted,
                est.angleDeg,
                faults.firstAlarm(),
                sup.mode === "returning" && sup.returns.reason === "deadman",
                sup.session.expired && !sup.session.endedByRestart
            )
            // The cap reached (the session's deepest angle): a short sound, once a session.
            if (
                !prog.session.capReached &&
                estTrusted &&
                effMax > 0 &&
                est.angleDeg >= effMax - CAP_REACHED_DEG
            ) {
                prog.session.capReached = true
                prog.sound("cap", nowMs, CAP_SOUND_MS)
            }
        }

        // Plan and drive.
        const planned = this.carryOut(
            request,
            nowMs,
            dtMs / 1000,
            est.angleDeg,
            effMax
        )
        let duty = 0
        if (!booting) {
            this.guard.track(
                st,
                inputs,
                estTrusted,
                est.angleDeg,
                dtMs,
                wasInService,
                limitS
            )
            const g = this.guardView
            g.duty = planned
            g.request = request
            g.inputs = inputs
            g.faults = faults
            g.settings = st
            g.estTrusted = estTrusted
            g.estDeg = est.angleDeg
            g.effMaxDeg = effMax
            g.lastDuty = this.lastDuty
            g.inService = wasInService
            g.nowMs = nowMs
            g.dtMs = dtMs
            duty = this.guard.limit(g)
        }
        if (duty === 0 && planned !== 0 && plan.velDps !== 0) {
            // The guard cut a move the planner was making: the plan ends where the table is, so no
            // monitor judges the table against a plan the drive no longer follows.
            plan.halt(est.angleDeg)
            this.drive.cut()
            this.closedLoopLastTick = false
        }
        if (!booting && estTrusted) {
            const atHome =
                Math.abs(est.angleDeg - home) <= AT_HOME_TOLERANCE_DEG
            sup.finishState(
                plan.arrived(),
                this.drive.settled || duty === 0,
                atHome
            )
        }

        if (duty === 0) {
            if (this.lastDuty !== 0) this.dutyZero.start(nowMs)
        }
        this.lastDuty = duty
        this.calibrationTick(
            nowMs,
            rawAccelDeg,
            sample.gyDps,
            mon.fresh && mon.reason === null,
            estTrusted
        )

        const targetDeg =
            request.kind === "openLoop" || request.kind === "off"
                ? est.angleDeg
                : plan.targetDeg
        const warning = sup.session.warning(limitS)
        const alarm = faults.firstAlarm()
        return {
            duty: duty,
            state: sup.state,
            faults: faults.names(),
            faultReasons: faults.reasonList(),
            estDeg: est.angleDeg,
            rateDps: est.rateDps,
            targetDeg: targetDeg,
            setpointDeg: plan.posDeg,
            effectiveMaxDeg: effMax,
            sessionInvertedS: sup.session.invertedMs / 1000,
            warning: warning,
            alarm: alarm !== "",
            grip: inputs.grip,
            latch: inputs.latch,
            calibrationStep: this.calibrator.step,
            calibrationStatus: this.calibrator.status,
            calibrationMessage: this.calibrator.message,
            settingsRevision: this.settingsRevision,
            keptFaultBits: faults.keptBits(),
            openLoopReservedMs: sup.openLoop.reservedMs,
            sessionLimitS: limitS,
            countedSessions: prog.progress.countedSessions,
            warningsAcknowledged: prog.progress.warningsAcknowledged,
            progressRevision: prog.progressRevision,
            recordRevision: prog.recordRevision,
            sound: this.soundNow(nowMs, alarm, warning),
        }
    }

    /**
     * What the buzzer sounds now: the first active fault's alarm, else the session warning, else a
     * one-shot (the cap reached, a session that counted, the rhythm program started); "" for silence. The patterns are the
     * firmware's (src/hw/signals.ts); the names are the trace's `sound` column.
     */
    soundNow(nowMs: number, alarm: string, warning: boolean): string {
        if (alarm !== "") return "alarm-" + alarm
        if (warning) return "warning"
        return this.program.oneShotNow(nowMs)
    }

    // ---- service mode: settings and calibration (refused outside service mode) ----

    /** The reason a service command cannot run now, or null. */
    serviceRefusal(): string | null {
        if (!this.supervisor.inService()) {
            // The fault that ended service mode first: a refusal is cut to one packet at its end.
            const ended = this.supervisor.service.endedBy
            return (
                "only in service mode" +
                (ended !== ""
                    ? " (service mode was ended by " + ended + ")"
                    : "") +
                ": hold STOP and UP together for 3 s at home with the latch open"
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

    /**
     * The first-use warnings have been acknowledged (through the console or the page, never the pad):
     * from the next session on the table may tilt past flat. Recorded in the progress.
     */
    acknowledgeWarnings(): void {
        this.program.acknowledge()
    }

    warningsAcknowledged(): boolean {
        return this.program.progress.warningsAcknowledged
    }

    /**
     * A technician sets the count of sessions that counted (service mode only), with a reason that
     * goes into the session records. Null, or why not.
     */
    setCountedSessions(n: any, reason: any): string | null {
        const refusal = this.serviceRefusal()
        if (refusal !== null) return refusal
        if (
            typeof n !== "number" ||
            !(n >= 0 && n <= PROGRESS_MAX_COUNTED) ||
            Math.floor(n) !== n
        )
            return (
                "countedSessions: " +
                n +
                " is not a whole number in 0.." +
                PROGRESS_MAX_COUNTED
            )
        if (typeof reason !== "string" || reason.length === 0)
            return "countedSessions: a reason is needed (it is recorded)"
        if (reason.length > REASON_MAX_CHARS)
            return (
                "countedSessions: the reason is longer than " +
                REASON_MAX_CHARS +
                " characters"
            )
        for (let i = 0; i < reason.length; i++)
            if (reason.charCodeAt(i) < 32 || reason.charCodeAt(i) > 126)
                return "countedSessions: the reason may hold printable ASCII only"
        if (n > 0 && !this.program.progress.warningsAcknowledged)
            return "countedSessions: the first-use warnings are not acknowledged yet"
        this.program.setCounted(n, reason, this.lastMs < 0 ? 0 : this.lastMs)
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

    /** The service desk's requests, each run and answered (at the start of a tick). */
    serveDesk(): void {
        const requests = this.desk.takeRequests()
        for (const r of requests) {
            let error: string | null = null
            if (r.kind === DESK_SETTING) error = this.setSetting(r.key, r.value)
            else if (r.kind === DESK_DEFAULTS) error = this.restoreDefaults()
            else if (r.kind === DESK_CALIBRATE)
                error = this.startCalibration(r.key)
            else if (r.kind === DESK_CLEAR_FAULTS) this.requestClearFaults()
            else if (r.kind === DESK_SET_COUNT)
                error = this.setCountedSessions(r.value, r.reason)
            else if (r.kind === DESK_SAVE) error = this.serviceRefusal()
            else error = "unknown request"
            this.desk.answer(r, error)
        }
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
        if (names.length === 0) return NO_REASONS
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
        estDeg: number,
        effMaxDeg: number
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
            // setpoint must not be driven on to catch up with a stop it was never going to reach,
            // and one ahead of it must not be braked harder than the limit onto a stop it has
            // nearly reached already.
            if (p.velDps !== 0) p.posDeg = estDeg
            p.stopSmoothly(this.settings.accelDps2, dtS)
            // The braking distance is reckoned with a margin: a stop never aims past the deepest
            // angle (the setpoint brakes onto it, as a move deeper would have).
            if (
                p.velDps > 0 &&
                p.targetDeg > effMaxDeg &&
                p.posDeg <= effMaxDeg
            )
                p.targetDeg = effMaxDeg
        } else if (kind === "move") {
            // A table resting within the settle tolerance of the goal is there already: asking it
            // to move that last fraction would only make it hunt around the goal.
            const there =
                this.drive.settled &&
                Math.abs(request.targetDeg - p.posDeg) < SETTLE_TOLERANCE_DEG
            // Deeper near home: above home that is a move deeper (maxRateDps), below it a move
            // toward home (returnRateDps), and the estimate cannot tell the two apart there.
            const s = this.settings
            let rateDps = request.rateDps
            if (
                request.targetDeg > estDeg &&
                estDeg < s.homeDeg + HOME_SIDE_DOUBT_DEG
            )
                rateDps = Math.min(rateDps, s.maxRateDps, s.returnRateDps)
            if (!there) p.moveTo(request.targetDeg, rateDps, s.accelDps2)
        }
        p.step(dtS)
        // A table holding is left alone: a jump of the estimate must not move its setpoint and so
        // un-settle it (holding never drives the motor).
        const holding = this.drive.settled && p.arrived()
        if (!holding)
            p.posDeg = clamp(
                p.posDeg,
                estDeg - MAX_TRACKING_LAG_DEG,
                estDeg + MAX_TRACKING_LAG_DEG
            )
        const duty = this.drive.duty(
            nowMs,
            p,
            estDeg,
            this.estimator.rateDps,
            dtS,
            this.settings.returnRateDps,
            Math.sqrt(this.estimator.scatterSqDeg2)
        )
        this.closedLoopLastTick = !this.drive.settled
        // A finished move holds where the table came to rest: the next move starts from there.
        if (this.drive.settled) p.halt(estDeg)
        return duty
    }
}
