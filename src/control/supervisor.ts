// The safety supervisor: who may move the table, where and when (docs/behaviour.md). It is a small
// mode machine: each tick one function, decide(), takes the tick's world, picks the mode and returns
// the motion request; the state name is derived from the mode in one place, stateName(). Each mode's
// rules are in a file of their own:
//
//   ready      the pad's moves and their safety stops              pad.ts
//   returning  a return home, the pause near flat, what holds it   returns.ts
//   service    calibration with the table empty                    service.ts
//   faultHold, helperUp, openLoop: what a fault still allows       recovery.ts (faultTable.ts)
//   boot       the estimate settling (the controller's; the motor off)
//
// It reads what the estimator measured and what the monitors found; it never touches the motor.

import { ButtonPad } from "./buttons"
import { FaultRegister } from "./faults"
import { Allowance, allowanceOf, newAllowance } from "./faultPolicy"
import { ALLOW_ALL, ALLOW_HELPER_UP, ALLOW_NOTHING } from "./faultTable"
import {
    AT_HOME_TOLERANCE_DEG,
    HOME_SWITCH_BELIEVED_BELOW_DEG,
    LATCH_SETTLE_MS,
    LATCH_STEADY_MS,
} from "./limits"
import { MotionRequest } from "./motion"
import { PAD_NONE, PAD_UP, PAD_PRESET, PadMoves } from "./pad"
import { HelperUp, OpenLoopDrive, clearFaults } from "./recovery"
import { Returns } from "./returns"
import { ServiceMode } from "./service"
import { SessionClock } from "./session"
import { Settings } from "./settings"
import { Since } from "./timer"
import { Inputs, StateName } from "./types"
import type { World } from "./world"

export type { World } from "./world"
export type { ReturnReason } from "./returns"

/** The supervisor's modes (see the top of this file). */
export type Mode =
    | "boot"
    | "ready"
    | "returning"
    | "service"
    | "faultHold"
    | "helperUp"
    | "openLoop"

/** What this tick did besides its mode: a stop that names the state for one tick. */
const EVENT_NONE = 0
/** a fault was raised: halted */
const EVENT_FAULT = 1
/** the latch opened again with its fault shown: halted */
const EVENT_LATCH = 2
/** service mode was entered */
const EVENT_SERVICE_ENTERED = 3
/** service mode ended at home */
const EVENT_SERVICE_DONE = 4

export class Supervisor {
    settings: Settings
    faults: FaultRegister
    buttons: ButtonPad
    session: SessionClock
    mode: Mode
    state: StateName
    /** what the active faults allow this tick */
    allowance: Allowance
    /** the one request object, filled in each tick */
    request: MotionRequest

    pad: PadMoves
    returns: Returns
    service: ServiceMode
    helperUp: HelperUp
    openLoop: OpenLoopDrive

    /** the grip released since */
    gripReleased: Since
    /** the latch closed since (it has read closed without a bounce since) */
    latchClosed: Since
    /** the latch opened this tick (a latch fault already shown does not make it any less a stop) */
    latchOpenedNow: boolean
    /** last tick's request was a move */
    movedLastTick: boolean
    /** the first decision after boot has been taken (the restart rule is applied there) */
    decidedOnce: boolean
    /** the last trusted estimate (what the session clock goes by while the angle is unknown) */
    lastTrustedDeg: number
    /** this tick's event (EVENT_*), for the state name */
    event: number

    constructor(settings: Settings, settingsError: string | null) {
        this.settings = settings
        this.faults = new FaultRegister()
        this.buttons = new ButtonPad()
        this.session = new SessionClock()
        this.mode = "boot"
        this.state = "boot"
        this.allowance = newAllowance()
        this.request = new MotionRequest()
        this.pad = new PadMoves()
        this.returns = new Returns(settings.homeDeg)
        this.service = new ServiceMode()
        this.helperUp = new HelperUp()
        this.openLoop = new OpenLoopDrive()
        this.gripReleased = new Since()
        this.latchClosed = new Since()
        this.latchOpenedNow = false
        this.movedLastTick = false
        this.decidedOnce = false
        this.lastTrustedDeg = settings.homeDeg
        this.event = EVENT_NONE
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
        return this.latchClosed.atLeast(nowMs, LATCH_SETTLE_MS)
    }

    /** The latch has read closed, without a bounce, for LATCH_STEADY_MS: the ankles are locked. */
    latchSteady(nowMs: number): boolean {
        return this.latchClosed.atLeast(nowMs, LATCH_STEADY_MS)
    }

    inService(): boolean {
        return this.service.active()
    }

    /** Track the levels whose timing matters. Called every tick, also while booting. */
    observeInputs(inputs: Inputs, nowMs: number): void {
        this.buttons.update(inputs, nowMs)
        this.gripReleased.track(!inputs.grip, nowMs)
        this.latchOpenedNow = !inputs.latch && this.latchClosed.running()
        this.latchClosed.track(inputs.latch, nowMs)
    }

    /** STOP's clearing (also asked for over the service: the controller calls it). */
    tryClearFaults(w: World, reasons: (string | null)[]): void {
        const atHome = this.atHome(w)
        clearFaults(this.faults, w, atHome, reasons)
        if (atHome && !this.faults.has("imu")) this.openLoop.resetBudget()
    }

    /**
     * The mode machine: one tick's decision. `monitorReasons` holds, for each latched fault in
     * faults.names() order, the monitor's reason now (null when its condition is not present).
     */
    decide(w: World, monitorReasons: (string | null)[]): MotionRequest {
        this.event = EVENT_NONE
        const request = this.decideRequest(w, monitorReasons)
        this.movedLastTick = request.kind === "move"
        if (request.kind !== "openLoop") this.openLoop.duty = 0
        this.state = this.stateName(w, this.atHome(w))
        return request
    }

    decideRequest(w: World, monitorReasons: (string | null)[]): MotionRequest {
        const svc = this.service
        const register = this.faults
        const b = this.buttons
        const s = this.settings
        const req = this.request
        const atHome = this.atHome(w)
        // At home as far as anyone can tell: the estimate says so, or (the angle unknown) the switch.
        const homeKnown =
            atHome || (!w.estTrusted && this.homeSwitchBelieved(w))
        this.trackSession(w, atHome, homeKnown)

        if (b.stop.pressed) this.tryClearFaults(w, monitorReasons)

        // The latch opening away from home stops the table at once, every time: also while the
        // latch fault of an earlier opening is still shown (an automatic return that the latch,
        // closed steadily again, had allowed). The helper's UP is what an open latch still allows:
        // a contact that bounces does not stop a helper bringing the user up.
        if (
            this.latchOpenedNow &&
            !atHome &&
            !svc.active() &&
            !register.raisedNow &&
            register.has("latch") &&
            !b.upActive()
        ) {
            return this.haltAll(EVENT_LATCH)
        }

        // A fault raised this tick stops the motor in this tick, whatever else is going on.
        if (register.raisedNow) {
            register.raisedNow = false
            svc.endByFault(register.reasonList().join("; "))
            return this.haltAll(EVENT_FAULT)
        }

        if (svc.active()) {
            this.mode = "service"
            const r = svc.tick(req, w, b, atHome, s.homeDeg, this.movedLastTick)
            if (!svc.active()) {
                this.enter("ready")
                this.event = EVENT_SERVICE_DONE
            }
            return r
        }
        if (
            svc.entryDue(
                w,
                b,
                atHome || this.homeSwitchBelieved(w),
                register.anyExcept(["settings"])
            )
        ) {
            svc.enter(w.nowMs, b)
            this.enter("service")
            this.event = EVENT_SERVICE_ENTERED
            return req.set("halt")
        }

        const allow = allowanceOf(
            register,
            {
                estDeg: w.estDeg,
                homeDeg: s.homeDeg,
                latchSteady: this.latchSteady(w.nowMs),
                homeSwitchKnown: s.homeSwitchFitted,
            },
            this.allowance
        )
        const graceMs = s.deadmanGraceS * 1000
        if (allow.level === ALLOW_NOTHING) {
            this.enter("faultHold")
            return req.set("off")
        }
        if (allow.openLoop) {
            this.enter("openLoop")
            if (b.stop.pressed) {
                b.consumeHeld()
                this.returns.held.setIn(w.nowMs, graceMs)
            }
            return this.openLoop.tick(
                req,
                w,
                b,
                allow,
                homeKnown,
                this.returns.due(
                    w.nowMs,
                    this.gripReleased,
                    this.session,
                    graceMs
                ),
                this.session.expired,
                s.accelDps2
            )
        }
        if (allow.level === ALLOW_HELPER_UP) {
            this.enter("helperUp")
            return this.helperUp.tick(
                req,
                w,
                b,
                allow,
                s.homeDeg,
                s.returnRateDps,
                this.movedLastTick
            )
        }
        return this.readyOrReturning(w, atHome, allow)
    }

    /** Go to `mode`; the pad's move ends with any change of mode. */
    enter(mode: Mode): void {
        if (mode !== this.mode) this.pad.intent = PAD_NONE
        this.mode = mode
    }

    /** A safety stop of this tick: whatever the table was doing ends; the next tick decides anew. */
    haltAll(event: number): MotionRequest {
        this.pad.intent = PAD_NONE
        this.mode = "ready"
        this.helperUp.cut = false
        this.event = event
        return this.request.set("halt")
    }

    /**
     * The session's bookkeeping each tick, and the restart rule: a restart away from home ends the
     * session that was running (the controller cannot tell a restart from a first start, so every
     * start away from home counts as one). Not in service mode: the table is empty.
     */
    trackSession(w: World, atHome: boolean, homeKnown: boolean): void {
        if (!this.decidedOnce) {
            this.decidedOnce = true
            if (!homeKnown && !this.homeSwitchBelieved(w))
                this.session.endByRestart()
        }
        if (w.estTrusted) this.lastTrustedDeg = w.estDeg
        // With the angle unknown, the table counts as inverted if it was when last known.
        if (!this.service.active())
            this.session.update(
                w.dtMs,
                this.lastTrustedDeg > 0,
                homeKnown,
                w.sessionLimitS
            )
        this.returns.track(w, atHome)
        // A new imu fault starts a new open-loop budget only once the table has been home.
        if (homeKnown && !this.faults.has("imu")) this.openLoop.resetBudget()
    }

    /**
     * The ready and returning modes: the pad's moves and the returns, with every fault that allows
     * any move toward home (nothing deeper unless the allowance is ALLOW_ALL; every rate within its
     * cap).
     */
    readyOrReturning(
        w: World,
        atHome: boolean,
        allow: Allowance
    ): MotionRequest {
        const keypad = this.pad
        const rets = this.returns
        const b = this.buttons
        const s = this.settings
        const req = this.request
        const grip = w.inputs.grip
        const graceMs = s.deadmanGraceS * 1000
        const returnRateDps = Math.min(s.returnRateDps, allow.rateCapDps)
        const latchOk = w.inputs.latch && this.latchSettled(w.nowMs)
        const noFault = allow.level === ALLOW_ALL
        const mayGoDeeper =
            noFault && grip && latchOk && !this.session.expired && w.estTrusted
        if (this.mode !== "ready" && this.mode !== "returning")
            this.enter("ready")
        let returning = this.mode === "returning"

        // Safety stops first: they cut the drive this tick.
        const stopped = keypad.safetyStop(
            w,
            b,
            grip && latchOk && noFault,
            s.homeDeg,
            rets.held,
            graceMs
        )
        if (stopped) returning = false
        const wasMoving = returning || keypad.intent !== PAD_NONE

        // The pad's commands (a press of UP, DOWN or PRESET takes over from a return).
        if (!stopped) {
            const padBefore = keypad.intent
            const homePressed = keypad.commands(
                w,
                b,
                mayGoDeeper,
                this.stoppingPoint(w)
            )
            if (keypad.intent !== padBefore && keypad.intent !== PAD_NONE)
                returning = false
            if (homePressed) {
                rets.start("home", this.stoppingPoint(w))
                keypad.intent = PAD_NONE
                returning = true
            }
        }

        // The automatic returns.
        if (returning && rets.reason === "deadman" && grip) returning = false // gripped again during the return: stop and hold
        const due =
            !atHome &&
            keypad.intent !== PAD_UP &&
            w.estTrusted &&
            rets.due(w.nowMs, this.gripReleased, this.session, graceMs)
        if (due && !returning) {
            if (this.session.expired) {
                rets.start("session", this.stoppingPoint(w))
                keypad.intent = PAD_NONE
                returning = true
            } else if (keypad.intent !== PAD_PRESET && !grip) {
                rets.start("deadman", this.stoppingPoint(w))
                keypad.intent = PAD_NONE
                returning = true
            }
        }
        if (returning && !rets.advance(w, atHome)) returning = false
        this.mode = returning ? "returning" : "ready"

        if (stopped) return req.set("halt")
        if (returning) return rets.request(req, s.homeDeg, returnRateDps)
        const move = keypad.request(
            req,
            w,
            s.homeDeg,
            s.maxRateDps,
            returnRateDps
        )
        if (move !== null) return move
        return req.set(wasMoving ? "stop" : "hold")
    }

    /** Where the table would come to rest: the setpoint plus its braking distance. */
    stoppingPoint(w: World): number {
        const v = w.setpointVelDps
        return w.setpointDeg + (v * Math.abs(v)) / (2 * this.settings.accelDps2)
    }

    /**
     * The state name (docs/behaviour.md, "States"), derived in one place from the mode, this tick's
     * event and the world: before the drive has carried out the request; finishState() names a
     * table that started or finished moving in this very tick.
     */
    stateName(w: World, atHome: boolean): StateName {
        const alarm = this.faults.anyAlarm()
        if (this.event === EVENT_FAULT)
            return alarm ? "fault" : restingState(atHome)
        if (this.event === EVENT_LATCH) return "fault"
        if (this.event === EVENT_SERVICE_ENTERED) return "service"
        if (this.event === EVENT_SERVICE_DONE) return "idle"
        const m = this.mode
        if (m === "boot") return "boot"
        if (m === "service") return "service"
        if (m === "faultHold" || m === "helperUp" || m === "openLoop")
            return "fault"
        if (alarm) return "fault"
        if (m === "returning") return "returning"
        if (!w.inputs.grip && !atHome && this.pad.intent === PAD_NONE)
            return "deadman"
        if (!w.setpointArrived || !w.driveSettled) return "moving"
        return restingState(atHome)
    }

    /**
     * After the drive has carried out this tick's request: a table that has started or finished
     * moving is named for what it does now, not for what it did last tick.
     */
    finishState(
        setpointArrived: boolean,
        driveSettled: boolean,
        atHome: boolean
    ): void {
        const st = this.state
        if (st !== "idle" && st !== "holding" && st !== "moving") return
        if (!setpointArrived || !driveSettled) this.state = "moving"
        else this.state = restingState(atHome)
    }
}

function restingState(atHome: boolean): StateName {
    return atHome ? "idle" : "holding"
}
