// The safety supervisor: every rule of behaviour.md about who may move the table, where and when.
// It reads what the estimator measured and what the monitors found, latches faults, and decides one
// MotionRequest per tick. It never touches the motor itself.

import { ButtonPad } from "./buttons"
import { FaultRegister } from "./faults"
import {
    RECOVERY_ALL,
    RECOVERY_HELPER_UP,
    RECOVERY_NONE,
    RECOVERY_OPEN_LOOP_UP,
    recoveryAllowed,
} from "./faultPolicy"
import {
    AT_HOME_TOLERANCE_DEG,
    IMU_FAULT_UP_DUTY,
    IMU_FAULT_UP_MAX_MS,
    LATCH_HELPER_RATE_DPS,
    LATCH_SETTLE_MS,
    RETURN_PAUSE_AT_DEG,
    RETURN_PAUSE_FROM_DEG,
    RETURN_PAUSE_MS,
    SERVICE_ENTRY_HOLD_MS,
    SERVICE_MAX_DEG,
    SERVICE_RATE_DPS,
    SERVICE_TIMEOUT_MS,
} from "./limits"
import { AXIS_RATE_DPS } from "./calibration"
import { MotionRequest, motion, moveTo, openLoop } from "./motion"
import { nextPresetDeg } from "./presets"
import { SessionClock } from "./session"
import { Settings } from "./settings"
import {
    FAULT_UP_NO_PROGRESS_MS,
    SETTLE_TOLERANCE_DEG,
    STALL_MIN_PLANNED_DPS,
} from "./tuning"
import { Inputs, StateName } from "./types"

/** What the supervisor knows of the world this tick (measured by others). */
export interface World {
    nowMs: number
    dtMs: number
    inputs: Inputs
    /** the estimate can be used (booted, IMU healthy) */
    estTrusted: boolean
    estDeg: number
    rateDps: number
    effectiveMaxDeg: number
    /** the planner: where its setpoint is, how fast it moves, whether it is at rest on its target */
    setpointDeg: number
    setpointVelDps: number
    setpointArrived: boolean
    /** the drive is settled (motor off, the worm gear holds) */
    driveSettled: boolean
    /** in service mode: where a running calibration step needs the table (NaN: nowhere) */
    calibrationTargetDeg: number
    /** the IMU has been healthy this long (0 when it is not) */
    imuHealthyMs: number
}

/** What the table is doing on its own or by command (besides holding still). */
const INTENT_NONE = 0
const INTENT_DOWN = 1
const INTENT_UP = 2
const INTENT_PRESET = 3
const INTENT_RETURN = 4

/** Why a return home is under way. */
export type ReturnReason = "home" | "deadman" | "session"

/** The phases of a return: to the pause near flat, the pause, then home. */
const PHASE_TO_PAUSE = 0
const PHASE_PAUSING = 1
const PHASE_TO_HOME = 2

export class Supervisor {
    settings: Settings
    faults: FaultRegister
    buttons: ButtonPad
    session: SessionClock
    state: StateName

    intent: number
    presetTargetDeg: number
    returnReason: ReturnReason
    returnPhase: number
    pauseUntilMs: number
    pauseAtDeg: number
    /** the deepest estimate since the table was last at home */
    deepestSinceHomeDeg: number
    /** the pause near flat has been taken since the table was last at home */
    pauseDone: boolean

    /** when the grip was last released (-1 while held) */
    gripReleasedAtMs: number
    /** when the latch last closed (-1 while open) */
    latchClosedAtMs: number
    /** automatic returns wait until then (a STOP press holds them for the grace period) */
    autoReturnHeldUntilMs: number
    /** in service mode since (-1: not in service mode) */
    serviceSinceMs: number
    /** STOP and UP held together at home since (-1: not) */
    serviceEntrySinceMs: number
    /** service mode is ending: the table goes home first */
    serviceExiting: boolean
    /** open-loop driving used under the current imu fault */
    openLoopUsedMs: number
    /** helper's UP in a fault: the drive was cut for not making progress, until UP is pressed again */
    helperUpCut: boolean
    helperUpNoProgressSinceMs: number
    /** last tick's request was a move */
    movedLastTick: boolean

    constructor(settings: Settings, settingsError: string | null) {
        this.settings = settings
        this.faults = new FaultRegister()
        this.buttons = new ButtonPad()
        this.session = new SessionClock()
        this.state = "boot"
        this.intent = INTENT_NONE
        this.presetTargetDeg = 0
        this.returnReason = "home"
        this.returnPhase = PHASE_TO_HOME
        this.pauseUntilMs = 0
        this.pauseAtDeg = RETURN_PAUSE_AT_DEG
        this.deepestSinceHomeDeg = settings.homeDeg
        this.pauseDone = false
        this.gripReleasedAtMs = -1
        this.latchClosedAtMs = -1
        this.autoReturnHeldUntilMs = 0
        this.serviceSinceMs = -1
        this.serviceEntrySinceMs = -1
        this.serviceExiting = false
        this.openLoopUsedMs = 0
        this.helperUpCut = false
        this.helperUpNoProgressSinceMs = -1
        this.movedLastTick = false
        if (settingsError) this.faults.raise("settings", settingsError)
    }

    atHome(w: World): boolean {
        return (
            w.estTrusted &&
            Math.abs(w.estDeg - this.settings.homeDeg) <= AT_HOME_TOLERANCE_DEG
        )
    }

    latchSettled(nowMs: number): boolean {
        return (
            this.latchClosedAtMs >= 0 &&
            nowMs - this.latchClosedAtMs >= LATCH_SETTLE_MS
        )
    }

    /** Track the levels whose timing matters. Called every tick, also while booting. */
    observeInputs(inputs: Inputs, nowMs: number): void {
        this.buttons.update(inputs, nowMs)
        if (inputs.grip) this.gripReleasedAtMs = -1
        else if (this.gripReleasedAtMs < 0) this.gripReleasedAtMs = nowMs
        if (!inputs.latch) this.latchClosedAtMs = -1
        else if (this.latchClosedAtMs < 0) this.latchClosedAtMs = nowMs
    }

    /** The conditions under which a latched fault counts as gone (ready to be cleared). */
    conditionGone(
        name: string,
        w: World,
        monitorReason: string | null
    ): boolean {
        if (name === "imu") return w.imuHealthyMs > 0 && w.estTrusted
        if (name === "latch") return w.inputs.latch || this.atHome(w)
        if (name === "overtravel" || name === "overspeed")
            return monitorReason === null
        // stall, direction, watchdog: momentary; the drive is off now, so they are gone.
        return true
    }

    /**
     * A STOP press clears what can be cleared: the settings notice anywhere (it is an
     * acknowledgement), every other fault only at home and once its condition has gone.
     */
    tryClearFaults(w: World, reasons: (string | null)[]): void {
        if (this.faults.has("settings")) this.faults.clear("settings")
        if (!this.atHome(w)) return
        const names = this.faults.names()
        for (const name of names) {
            if (this.conditionGone(name, w, reasons[names.indexOf(name)]))
                this.faults.clear(name)
        }
        if (!this.faults.has("imu")) this.openLoopUsedMs = 0
    }

    /**
     * One tick's decision. `monitorReasons` holds, for each latched fault name in faults.names()
     * order, the monitor's current reason (null when its condition is not present now).
     */
    decide(w: World, monitorReasons: (string | null)[]): MotionRequest {
        const request = this.decideRequest(w, monitorReasons)
        this.movedLastTick = request.kind === "move"
        return request
    }

    /** A move was asked for last tick: releasing it now means decelerating (once), else holding. */
    stopOrHold(): MotionRequest {
        return this.movedLastTick ? motion("stop") : motion("hold")
    }

    decideRequest(w: World, monitorReasons: (string | null)[]): MotionRequest {
        const b = this.buttons
        const s = this.settings
        const grip = w.inputs.grip
        const atHome = this.atHome(w)

        this.session.update(
            w.dtMs,
            w.estTrusted ? w.estDeg : 0,
            atHome,
            s.sessionLimitS
        )
        if (w.estTrusted) {
            if (atHome) {
                this.deepestSinceHomeDeg = w.estDeg
                this.pauseDone = false
            } else if (w.estDeg > this.deepestSinceHomeDeg)
                this.deepestSinceHomeDeg = w.estDeg
        }

        if (b.stop.pressed) this.tryClearFaults(w, monitorReasons)

        // A fault raised this tick stops the motor in this tick, whatever else is going on.
        if (this.faults.raisedNow) {
            this.faults.raisedNow = false
            this.intent = INTENT_NONE
            this.serviceSinceMs = -1
            this.helperUpCut = false
            this.state = this.faults.anyExcept(["settings"])
                ? "fault"
                : this.restingState(atHome)
            return motion("halt")
        }

        if (this.serviceSinceMs >= 0) return this.serviceTick(w, atHome)
        if (this.serviceEntryDue(w, atHome)) {
            this.serviceSinceMs = w.nowMs
            this.serviceExiting = false
            this.intent = INTENT_NONE
            this.state = "service"
            // The buttons that entered it do nothing more until released.
            b.consumeHeld()
            return motion("halt")
        }

        const allowed = recoveryAllowed(this.faults, w.estDeg, s.homeDeg)
        if (allowed === RECOVERY_NONE) return this.faultHold()
        if (allowed === RECOVERY_OPEN_LOOP_UP) return this.openLoopUpTick(w)
        if (allowed === RECOVERY_HELPER_UP) return this.helperUpTick(w)
        return this.normalTick(w, atHome, allowed === RECOVERY_ALL, grip)
    }

    faultHold(): MotionRequest {
        this.intent = INTENT_NONE
        this.state = "fault"
        return motion("off")
    }

    /** imu fault: only UP held drives, open-loop toward home, until the home switch or 120 s. */
    openLoopUpTick(w: World): MotionRequest {
        this.intent = INTENT_NONE
        this.state = "fault"
        const b = this.buttons
        const atHomeKnown = this.atHome(w)
        if (
            b.upActive() &&
            !w.inputs.homeSwitch &&
            !atHomeKnown &&
            this.openLoopUsedMs < IMU_FAULT_UP_MAX_MS
        ) {
            this.openLoopUsedMs += w.dtMs
            return openLoop(-IMU_FAULT_UP_DUTY)
        }
        return motion("off")
    }

    /** latch, overspeed, stall: only UP held, toward home at the helper's rate, the angle watched. */
    helperUpTick(w: World): MotionRequest {
        this.intent = INTENT_NONE
        this.state = "fault"
        const b = this.buttons
        if (b.up.pressed) this.helperUpCut = false
        if (this.helperUpCut) return motion("off")
        if (!b.upActive()) {
            // Released: decelerate and hold, as UP always does (the drive only ever went toward home).
            this.helperUpNoProgressSinceMs = -1
            return this.stopOrHold()
        }
        // A jammed drive is not driven for ever: no progress for a while cuts it until UP is
        // pressed again.
        const planned = w.setpointVelDps
        if (planned <= -STALL_MIN_PLANNED_DPS && w.rateDps > planned * 0.2) {
            if (this.helperUpNoProgressSinceMs < 0)
                this.helperUpNoProgressSinceMs = w.nowMs
            if (
                w.nowMs - this.helperUpNoProgressSinceMs >=
                FAULT_UP_NO_PROGRESS_MS
            ) {
                this.helperUpCut = true
                return motion("off")
            }
        } else this.helperUpNoProgressSinceMs = -1
        return moveTo(
            this.settings.homeDeg,
            Math.min(LATCH_HELPER_RATE_DPS, this.settings.returnRateDps)
        )
    }

    serviceEntryDue(w: World, atHome: boolean): boolean {
        const b = this.buttons
        // The settings notice does not keep a technician out: service mode is where settings are fixed.
        // The home switch witnesses "at home" too: a table whose stored home is wrong can still be
        // brought into service mode at its loading stop, to calibrate it.
        const home = atHome || w.inputs.homeSwitch
        const eligible =
            home &&
            !w.inputs.latch &&
            !this.faults.anyExcept(["settings"]) &&
            b.stop.held &&
            b.up.held
        if (!eligible) {
            this.serviceEntrySinceMs = -1
            return false
        }
        const since = Math.max(b.stop.heldSinceMs, b.up.heldSinceMs)
        return w.nowMs - since >= SERVICE_ENTRY_HOLD_MS
    }

    /**
     * Service mode: the table is empty (latch open). The pad moves it slowly between home and
     * SERVICE_MAX_DEG, a running calibration step may move it, and it ends by STOP, after 10 min, or
     * when the latch closes (someone on the table) — going home first if it is away.
     */
    serviceTick(w: World, atHome: boolean): MotionRequest {
        const b = this.buttons
        this.state = "service"
        this.intent = INTENT_NONE
        const stopPressed = b.stop.pressed && w.nowMs > this.serviceSinceMs
        if (
            stopPressed ||
            w.nowMs - this.serviceSinceMs >= SERVICE_TIMEOUT_MS ||
            w.inputs.latch
        ) {
            if (!this.serviceExiting) {
                this.serviceExiting = true
                b.consumeHeld()
                if (stopPressed) return motion("halt")
            }
        }
        if (this.serviceExiting) {
            if (atHome && w.setpointArrived) {
                this.serviceSinceMs = -1
                this.serviceExiting = false
                this.state = "idle"
                return motion("hold")
            }
            return moveTo(this.settings.homeDeg, SERVICE_RATE_DPS)
        }
        if (!isNaN(w.calibrationTargetDeg))
            return moveTo(w.calibrationTargetDeg, AXIS_RATE_DPS)
        if (b.upActive()) return moveTo(this.settings.homeDeg, SERVICE_RATE_DPS)
        if (b.downActive()) return moveTo(SERVICE_MAX_DEG, SERVICE_RATE_DPS)
        return this.stopOrHold()
    }

    inService(): boolean {
        return this.serviceSinceMs >= 0
    }

    /** Normal operation; with `deeperAllowed` false (a toward-home fault) nothing goes deeper. */
    normalTick(
        w: World,
        atHome: boolean,
        noFault: boolean,
        grip: boolean
    ): MotionRequest {
        const b = this.buttons
        const s = this.settings
        const latchOk = w.inputs.latch && this.latchSettled(w.nowMs)
        const mayGoDeeper =
            noFault && grip && latchOk && !this.session.expired && w.estTrusted
        let request: MotionRequest | null = null

        // Safety stops: cut the drive at once.
        // Deeper means toward the deep end from the home band on (below it, "deeper" leads home).
        const goingDeeper =
            this.intent === INTENT_DOWN ||
            (this.intent === INTENT_PRESET &&
                this.presetTargetDeg > w.setpointDeg) ||
            (w.setpointVelDps > 0 &&
                w.setpointDeg >= s.homeDeg - AT_HOME_TOLERANCE_DEG)
        if (b.stop.pressed) {
            this.intent = INTENT_NONE
            b.consumeHeld()
            this.autoReturnHeldUntilMs = w.nowMs + s.deadmanGraceS * 1000
            request = motion("halt")
        } else if (b.upDownPressedTogether) {
            this.intent = INTENT_NONE
            request = motion("halt")
        } else if (goingDeeper && (!grip || !latchOk || !noFault)) {
            this.intent = INTENT_NONE
            request = motion("halt")
        }

        const before = this.intent

        // Commands from the pad.
        if (request === null) {
            if (b.downActive() && mayGoDeeper && this.intent !== INTENT_DOWN)
                this.intent = INTENT_DOWN
            else if (
                this.intent === INTENT_DOWN &&
                (!b.downActive() || !mayGoDeeper)
            )
                this.intent = INTENT_NONE

            if (b.upActive() && this.intent !== INTENT_UP)
                this.intent = INTENT_UP
            else if (this.intent === INTENT_UP && !b.upActive())
                this.intent = INTENT_NONE

            if (b.presetTapped() && grip) {
                const from =
                    this.intent === INTENT_PRESET
                        ? this.presetTargetDeg
                        : this.stoppingPoint(w)
                const p = nextPresetDeg(from, w.effectiveMaxDeg)
                if (!isNaN(p) && (p <= w.setpointDeg || mayGoDeeper)) {
                    this.intent = INTENT_PRESET
                    this.presetTargetDeg = p
                }
            }
            if (this.intent === INTENT_PRESET) {
                const deeper = this.presetTargetDeg > w.setpointDeg
                if (!grip || (deeper && (!mayGoDeeper || b.presetStuck())))
                    this.intent = INTENT_NONE
            }

            if (b.home.pressed) this.startReturn("home", w)
        }

        // Automatic returns.
        const autoReturnMayStart =
            !atHome &&
            w.nowMs >= this.autoReturnHeldUntilMs &&
            this.intent !== INTENT_UP &&
            w.estTrusted
        const graceOver =
            this.gripReleasedAtMs >= 0 &&
            w.nowMs - this.gripReleasedAtMs >= s.deadmanGraceS * 1000
        if (
            this.intent === INTENT_RETURN &&
            this.returnReason === "deadman" &&
            grip
        ) {
            // Gripped again during the return: stop and hold.
            this.intent = INTENT_NONE
        }
        if (autoReturnMayStart && this.intent !== INTENT_RETURN) {
            if (this.session.expired) this.startReturn("session", w)
            else if (graceOver && this.intent !== INTENT_PRESET)
                this.startReturn("deadman", w)
        }

        if (this.intent === INTENT_RETURN) this.advanceReturn(w, atHome)

        if (request === null) request = this.requestFor(w, before)
        this.state = this.activeState(w, atHome, grip)
        return request
    }

    stoppingPoint(w: World): number {
        // Where the table would come to rest: the setpoint plus its braking distance.
        const v = w.setpointVelDps
        return w.setpointDeg + (v * Math.abs(v)) / (2 * this.settings.accelDps2)
    }

    /**
     * Every return home from deeper than 30 pauses near flat once before going upright; the pause
     * is where the table can stop at or above 5 degrees, never deeper than it is, and it is skipped
     * when the table is already past flat.
     */
    startReturn(reason: ReturnReason, w: World): void {
        this.intent = INTENT_RETURN
        this.returnReason = reason
        this.returnPhase = PHASE_TO_HOME
        if (
            this.deepestSinceHomeDeg > RETURN_PAUSE_FROM_DEG &&
            !this.pauseDone
        ) {
            const pauseAt = Math.min(RETURN_PAUSE_AT_DEG, this.stoppingPoint(w))
            if (pauseAt >= 0) {
                this.pauseAtDeg = pauseAt
                this.returnPhase = PHASE_TO_PAUSE
            }
        }
    }

    advanceReturn(w: World, atHome: boolean): void {
        const atPause =
            Math.abs(w.setpointDeg - this.pauseAtDeg) <= SETTLE_TOLERANCE_DEG
        // The pause is timed from when the table has come to rest there, so it is never shorter.
        if (
            this.returnPhase === PHASE_TO_PAUSE &&
            w.setpointArrived &&
            atPause &&
            w.driveSettled
        ) {
            this.returnPhase = PHASE_PAUSING
            this.pauseUntilMs = w.nowMs + RETURN_PAUSE_MS
        }
        if (
            this.returnPhase === PHASE_PAUSING &&
            w.nowMs >= this.pauseUntilMs
        ) {
            this.returnPhase = PHASE_TO_HOME
            this.pauseDone = true
        }
        if (this.returnPhase === PHASE_TO_HOME && atHome && w.setpointArrived)
            this.intent = INTENT_NONE
    }

    requestFor(w: World, before: number): MotionRequest {
        const s = this.settings
        if (this.intent === INTENT_DOWN)
            return moveTo(w.effectiveMaxDeg, s.maxRateDps)
        if (this.intent === INTENT_UP) return moveTo(s.homeDeg, s.returnRateDps)
        if (this.intent === INTENT_PRESET) {
            const deeper = this.presetTargetDeg > w.setpointDeg
            return moveTo(
                this.presetTargetDeg,
                deeper ? s.maxRateDps : s.returnRateDps
            )
        }
        if (this.intent === INTENT_RETURN) {
            if (this.returnPhase === PHASE_TO_HOME)
                return moveTo(s.homeDeg, s.returnRateDps)
            return moveTo(this.pauseAtDeg, s.returnRateDps)
        }
        return before !== INTENT_NONE ? motion("stop") : motion("hold")
    }

    /** The state name while nothing is wrong enough to be in `fault`. */
    activeState(w: World, atHome: boolean, grip: boolean): StateName {
        if (this.faults.anyExcept(["settings"])) return "fault"
        if (this.intent === INTENT_RETURN) return "returning"
        if (!grip && !atHome && this.intent === INTENT_NONE) return "deadman"
        if (!w.setpointArrived || !w.driveSettled) return "moving"
        return this.restingState(atHome)
    }

    /**
     * After the drive has carried out this tick's request: a table that has started or finished
     * moving is named for what it does now, not for what it did last tick.
     */
    refineState(
        setpointArrived: boolean,
        driveSettled: boolean,
        atHome: boolean
    ): void {
        const st = this.state
        if (st !== "idle" && st !== "holding" && st !== "moving") return
        if (!setpointArrived || !driveSettled) this.state = "moving"
        else this.state = atHome ? "idle" : "holding"
    }

    restingState(atHome: boolean): StateName {
        return atHome ? "idle" : "holding"
    }
}
