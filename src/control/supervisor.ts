// The safety supervisor: every rule of behaviour.md about who may move the table, where and when.
// It reads what the estimator measured and what the monitors found, latches faults, and decides one
// MotionRequest per tick. It never touches the motor itself.

import { ButtonPad } from "./buttons"
import { FaultRegister } from "./faults"
import { Allowance, allowanceOf, newAllowance } from "./faultPolicy"
import {
    ALLOW_ALL,
    ALLOW_HELPER_UP,
    ALLOW_NOTHING,
    ALLOW_TOWARD_HOME,
} from "./faultTable"
import {
    AT_HOME_TOLERANCE_DEG,
    HOME_SWITCH_BELIEVED_BELOW_DEG,
    IMU_FAULT_UP_MAX_MS,
    LATCH_SETTLE_MS,
    LATCH_STEADY_MS,
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
    OPEN_LOOP_FASTEST_DPS_PER_DUTY,
    OPEN_LOOP_RESERVE_MS,
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
    /** what the active faults allow this tick */
    allowance: Allowance

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
    /** when the latch last closed (-1 while open): it has read closed without a bounce since */
    latchClosedAtMs: number
    /** the latch opened this tick (a latch fault already shown does not make it any less a stop) */
    latchOpenedNow: boolean
    /** automatic returns wait until then (a STOP press holds them for the grace period) */
    autoReturnHeldUntilMs: number
    /** in service mode since (-1: not in service mode) */
    serviceSinceMs: number
    /** service mode is ending: the table goes home first */
    serviceExiting: boolean
    /** why service mode ended, when a fault ended it ("" otherwise) */
    serviceEndedBy: string
    /** open-loop driving used under the current imu fault (kept over restarts) */
    openLoopUsedMs: number
    /** what the record kept over a restart says has been used: always ahead of openLoopUsedMs */
    openLoopReservedMs: number
    /** the open-loop duty commanded (ramped; negative: toward home) */
    openLoopDuty: number
    /** helper's UP in a fault: the drive was cut for not making progress, until UP is pressed again */
    helperUpCut: boolean
    helperUpNoProgressSinceMs: number
    /** last tick's request was a move */
    movedLastTick: boolean
    /** the first decision after boot has been taken (the restart rule is applied there) */
    decidedOnce: boolean
    /** the last trusted estimate (what the session clock goes by while the angle is unknown) */
    lastTrustedDeg: number

    constructor(settings: Settings, settingsError: string | null) {
        this.settings = settings
        this.faults = new FaultRegister()
        this.buttons = new ButtonPad()
        this.session = new SessionClock()
        this.state = "boot"
        this.allowance = newAllowance()
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
        this.latchOpenedNow = false
        this.autoReturnHeldUntilMs = 0
        this.serviceSinceMs = -1
        this.serviceExiting = false
        this.serviceEndedBy = ""
        this.openLoopUsedMs = 0
        this.openLoopReservedMs = 0
        this.openLoopDuty = 0
        this.helperUpCut = false
        this.helperUpNoProgressSinceMs = -1
        this.movedLastTick = false
        this.decidedOnce = false
        this.lastTrustedDeg = settings.homeDeg
        if (settingsError) this.faults.raise("settings", settingsError)
    }

    atHome(w: World): boolean {
        return (
            w.estTrusted &&
            Math.abs(w.estDeg - this.settings.homeDeg) <= AT_HOME_TOLERANCE_DEG
        )
    }

    /**
     * The home switch witnesses "at home" where that is plausible: with the angle unknown, or with
     * the estimate on the head-up side. A switch that reads pressed with the table inverted is lying
     * (stuck, or a shorted wire) and witnesses nothing.
     */
    homeSwitchBelieved(w: World): boolean {
        return (
            w.inputs.homeSwitch &&
            (!w.estTrusted || w.estDeg <= HOME_SWITCH_BELIEVED_BELOW_DEG)
        )
    }

    latchSettled(nowMs: number): boolean {
        return (
            this.latchClosedAtMs >= 0 &&
            nowMs - this.latchClosedAtMs >= LATCH_SETTLE_MS
        )
    }

    /** The latch has read closed, without a bounce, for LATCH_STEADY_MS: the ankles are locked. */
    latchSteady(nowMs: number): boolean {
        return (
            this.latchClosedAtMs >= 0 &&
            nowMs - this.latchClosedAtMs >= LATCH_STEADY_MS
        )
    }

    /** Track the levels whose timing matters. Called every tick, also while booting. */
    observeInputs(inputs: Inputs, nowMs: number): void {
        this.buttons.update(inputs, nowMs)
        if (inputs.grip) this.gripReleasedAtMs = -1
        else if (this.gripReleasedAtMs < 0) this.gripReleasedAtMs = nowMs
        this.latchOpenedNow = !inputs.latch && this.latchClosedAtMs >= 0
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
        if (!this.faults.has("imu")) this.resetOpenLoopBudget()
    }

    resetOpenLoopBudget(): void {
        this.openLoopUsedMs = 0
        this.openLoopReservedMs = 0
    }

    /**
     * One tick's decision. `monitorReasons` holds, for each latched fault name in faults.names()
     * order, the monitor's current reason (null when its condition is not present now).
     */
    decide(w: World, monitorReasons: (string | null)[]): MotionRequest {
        const request = this.decideRequest(w, monitorReasons)
        this.movedLastTick = request.kind === "move"
        if (request.kind !== "openLoop") this.openLoopDuty = 0
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
        // At home as far as anyone can tell: the estimate says so, or (the angle unknown) the switch.
        const homeKnown =
            atHome || (!w.estTrusted && this.homeSwitchBelieved(w))

        // A restart away from home ends the session that was running: the table goes home, and
        // nothing goes deeper until it has been there. The controller cannot tell a restart from a
        // first start, so every start away from home is treated so.
        if (!this.decidedOnce) {
            this.decidedOnce = true
            if (!homeKnown && !this.homeSwitchBelieved(w))
                this.session.endByRestart()
        }

        if (w.estTrusted) this.lastTrustedDeg = w.estDeg
        // The session clock: not in service mode (the table is empty); with the angle unknown, the
        // table counts as inverted if it was when the angle was last known.
        if (this.serviceSinceMs < 0)
            this.session.update(
                w.dtMs,
                this.lastTrustedDeg > 0,
                homeKnown,
                s.sessionLimitS
            )
        if (w.estTrusted) {
            if (atHome) {
                this.deepestSinceHomeDeg = w.estDeg
                this.pauseDone = false
            } else if (w.estDeg > this.deepestSinceHomeDeg)
                this.deepestSinceHomeDeg = w.estDeg
        }
        // A new imu fault starts a new open-loop budget only once the table has been home.
        if (homeKnown && !this.faults.has("imu")) this.resetOpenLoopBudget()

        if (b.stop.pressed) this.tryClearFaults(w, monitorReasons)

        // The latch opening away from home stops the table at once, every time: also while the
        // latch fault of an earlier opening is still shown (an automatic return that the latch,
        // closed steadily again, had allowed). The helper's UP is what an open latch still allows:
        // a contact that bounces does not stop a helper bringing the user up.
        if (
            this.latchOpenedNow &&
            !atHome &&
            this.serviceSinceMs < 0 &&
            !this.faults.raisedNow &&
            this.faults.has("latch") &&
            !b.upActive()
        ) {
            this.intent = INTENT_NONE
            this.helperUpCut = false
            this.state = "fault"
            return motion("halt")
        }

        // A fault raised this tick stops the motor in this tick, whatever else is going on.
        if (this.faults.raisedNow) {
            this.faults.raisedNow = false
            this.intent = INTENT_NONE
            if (this.serviceSinceMs >= 0)
                this.serviceEndedBy = this.faults.reasonList().join("; ")
            this.serviceSinceMs = -1
            this.helperUpCut = false
            this.state = this.faults.anyAlarm()
                ? "fault"
                : this.restingState(atHome)
            return motion("halt")
        }

        if (this.serviceSinceMs >= 0) return this.serviceTick(w, atHome)
        if (this.serviceEntryDue(w, atHome)) {
            this.serviceSinceMs = w.nowMs
            this.serviceExiting = false
            this.serviceEndedBy = ""
            this.intent = INTENT_NONE
            this.state = "service"
            // The buttons that entered it do nothing more until released.
            b.consumeHeld()
            return motion("halt")
        }

        const allow = allowanceOf(
            this.faults,
            {
                estDeg: w.estDeg,
                homeDeg: s.homeDeg,
                latchSteady: this.latchSteady(w.nowMs),
                homeSwitchKnown: s.homeSwitchFitted,
            },
            this.allowance
        )
        if (allow.level === ALLOW_NOTHING) return this.faultHold()
        if (allow.openLoop) return this.openLoopTick(w, allow, homeKnown)
        if (allow.level === ALLOW_HELPER_UP) return this.helperUpTick(w, allow)
        return this.normalTick(w, atHome, allow, grip)
    }

    faultHold(): MotionRequest {
        this.intent = INTENT_NONE
        this.state = "fault"
        return motion("off")
    }

    /** An automatic return is due: the grip released past the grace period, or the session over. */
    autoReturnDue(w: World): boolean {
        if (w.nowMs < this.autoReturnHeldUntilMs) return false
        if (this.session.expired) return true
        return (
            this.gripReleasedAtMs >= 0 &&
            w.nowMs - this.gripReleasedAtMs >=
                this.settings.deadmanGraceS * 1000
        )
    }

    /**
     * The angle is unknown (imu fault): the table moves only open-loop toward home, its duty ramped
     * within the acceleration limit up to the allowance's cap. UP held drives it; with a known home
     * switch the dead-man and session returns drive it on their own (gripping again or STOP stops
     * them). It ends at the home switch (cut: the end of travel), at a known home, or after
     * IMU_FAULT_UP_MAX_MS of driving (ramped down, as any move ends).
     */
    openLoopTick(
        w: World,
        allow: Allowance,
        homeKnown: boolean
    ): MotionRequest {
        this.intent = INTENT_NONE
        this.state = "fault"
        const b = this.buttons
        const s = this.settings
        if (b.stop.pressed) {
            b.consumeHeld()
            this.autoReturnHeldUntilMs = w.nowMs + s.deadmanGraceS * 1000
            this.openLoopDuty = 0
            return openLoop(0)
        }
        if (w.inputs.homeSwitch || homeKnown) {
            this.openLoopDuty = 0
            return openLoop(0)
        }
        let wanted = false
        if (b.upActive()) wanted = true
        else if (allow.level >= ALLOW_TOWARD_HOME && this.autoReturnDue(w)) {
            // The dead-man return stops when the grip is held again; the session's runs on.
            wanted = this.session.expired || !w.inputs.grip
        }
        // Ramp: the duty changes no faster than the acceleration limit allows on the fastest drive.
        const stepDuty =
            ((s.accelDps2 / OPEN_LOOP_FASTEST_DPS_PER_DUTY) * w.dtMs) / 1000
        let duty = this.openLoopDuty
        // The budget ends with the ramp down, inside it.
        const rampDownMs = (-duty / stepDuty) * w.dtMs
        if (this.openLoopUsedMs + rampDownMs >= IMU_FAULT_UP_MAX_MS)
            wanted = false
        const target = wanted ? -allow.openLoopDutyMax : 0
        if (duty > target) duty = Math.max(target, duty - stepDuty)
        else if (duty < target) duty = Math.min(target, duty + stepDuty)
        this.openLoopDuty = duty
        if (duty !== 0) {
            this.openLoopUsedMs += w.dtMs
            // What a restart would find: reserved ahead, so that a restart never gives back time.
            const ahead = Math.min(
                IMU_FAULT_UP_MAX_MS,
                (Math.floor(this.openLoopUsedMs / OPEN_LOOP_RESERVE_MS) + 1) *
                    OPEN_LOOP_RESERVE_MS
            )
            if (ahead > this.openLoopReservedMs) this.openLoopReservedMs = ahead
        }
        return openLoop(duty)
    }

    /** latch, overspeed, stall: only UP held, toward home at the helper's rate, the angle watched. */
    helperUpTick(w: World, allow: Allowance): MotionRequest {
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
            Math.min(allow.rateCapDps, this.settings.returnRateDps)
        )
    }

    serviceEntryDue(w: World, atHome: boolean): boolean {
        const b = this.buttons
        // The settings notice does not keep a technician out: service mode is where settings are fixed.
        // The home switch witnesses "at home" too: a table whose stored home is wrong can still be
        // brought into service mode at its loading stop, to calibrate it.
        const home = atHome || this.homeSwitchBelieved(w)
        const eligible =
            home &&
            !w.inputs.latch &&
            !this.faults.anyExcept(["settings"]) &&
            b.stop.held &&
            b.up.held
        if (!eligible) return false
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

    /**
     * Normal operation, and the faults that allow every move toward home (nothing deeper unless the
     * allowance is ALLOW_ALL; every rate within its cap).
     */
    normalTick(
        w: World,
        atHome: boolean,
        allow: Allowance,
        grip: boolean
    ): MotionRequest {
        const b = this.buttons
        const s = this.settings
        const noFault = allow.level === ALLOW_ALL
        const returnRateDps = Math.min(s.returnRateDps, allow.rateCapDps)
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
        if (b.stop.pressed || b.upDownPressedTogether) {
            // STOP, or UP and DOWN pressed together (medical beds stop every movement when two buttons
            // are pressed at once): stop at once and hold, whatever is moving, automatic returns
            // included; what is held is ignored until released; a return that is still due resumes
            // after the grace period.
            this.intent = INTENT_NONE
            b.consumeHeld()
            this.autoReturnHeldUntilMs = w.nowMs + s.deadmanGraceS * 1000
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
            this.intent !== INTENT_UP &&
            w.estTrusted &&
            this.autoReturnDue(w)
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
            else if (this.intent !== INTENT_PRESET && !grip)
                this.startReturn("deadman", w)
        }

        if (this.intent === INTENT_RETURN) this.advanceReturn(w, atHome)

        if (request === null)
            request = this.requestFor(w, before, returnRateDps)
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

    requestFor(w: World, before: number, returnRateDps: number): MotionRequest {
        const s = this.settings
        if (this.intent === INTENT_DOWN)
            return moveTo(w.effectiveMaxDeg, s.maxRateDps)
        if (this.intent === INTENT_UP) return moveTo(s.homeDeg, returnRateDps)
        if (this.intent === INTENT_PRESET) {
            const deeper = this.presetTargetDeg > w.setpointDeg
            return moveTo(
                this.presetTargetDeg,
                deeper ? s.maxRateDps : returnRateDps
            )
        }
        if (this.intent === INTENT_RETURN) {
            if (this.returnPhase === PHASE_TO_HOME)
                return moveTo(s.homeDeg, returnRateDps)
            return moveTo(this.pauseAtDeg, returnRateDps)
        }
        return before !== INTENT_NONE ? motion("stop") : motion("hold")
    }

    /** The state name while nothing is wrong enough to be in `fault`. */
    activeState(w: World, atHome: boolean, grip: boolean): StateName {
        if (this.faults.anyAlarm()) return "fault"
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
