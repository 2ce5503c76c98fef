// The table's Jacdac service on the host: the pure helpers (codes, fault bits, fixed point, texts),
// the seq filter, the service core against the real controller (refusals outside service mode,
// writes in it, commands once per seq, events), and that the compiled spec
// (.devicescript/services.json, from services/inversiontable.md) agrees with the controller's
// schema, states, faults and calibration steps.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import {
    CALIBRATION_STATUSES,
    CALIBRATION_STEPS,
} from "../src/control/calibration"
import { Controller } from "../src/control/controller"
import { acknowledgedTableStart } from "../src/control/exercise"
import { SERVICE_ENTRY_HOLD_MS, TICK_MS } from "../src/control/limits"
import { SETTINGS_SCHEMA, defaultSettings } from "../src/control/settings"
import { FAULT_NAMES, Inputs, Outputs } from "../src/control/types"
import {
    EVENTS_QUEUED_MAX,
    RECORD_LOADING,
    REFUSALS_QUEUED_MAX,
    ServiceHooks,
    TableServiceCore,
} from "../src/service/core"
import * as P from "../src/service/protocol"
import { DESK_QUEUE_MAX } from "../src/control/serviceDesk"
import { SEQ_MEMORY, SeqFilter } from "../src/service/seqFilter"
import {
    SENDS_KEPT_FOR_NEWS,
    SERVICE_SEND_MS,
    SERVICE_SENDS_BURST,
    SendShare,
} from "../src/service/sendShare"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const SERVICES_JSON = path.join(ROOT, ".devicescript", "services.json")
const SERVICE_MD = path.join(ROOT, "services", "inversiontable.md")
const SERVICE_DIR = path.join(ROOT, "src", "service")

// ---------------------------------------------------------------- a synthetic table

const D2R = Math.PI / 180

/** The controller on a still table at home; the pad's levels can be set. */
class Rig {
    c = new Controller(defaultSettings(), null, null, acknowledgedTableStart())
    t = 0
    seq = 0
    levels = {
        grip: false,
        latch: false,
        up: false,
        down: false,
        stop: false,
        preset: false,
        home: false,
        homeSwitch: false,
    }
    out!: Outputs

    tick(): Outputs {
        this.seq++
        const a = -65 * D2R
        const inputs: Inputs = {
            imu: {
                ok: true,
                seq: this.seq,
                axG: Math.sin(a),
                ayG: 0,
                azG: Math.cos(a),
                gxDps: this.seq % 2 ? 0.01 : -0.01,
                gyDps: 0,
                gzDps: 0,
            },
            ...this.levels,
        }
        this.out = this.c.step(inputs, this.t)
        this.t += TICK_MS
        return this.out
    }

    run(ms: number, core?: TableServiceCore): Outputs {
        for (let k = 0; k < ms / TICK_MS; k++) {
            this.tick()
            if (core) core.feed(this.out)
        }
        return this.out
    }

    enterService(core?: TableServiceCore): void {
        this.run(1000, core)
        this.levels.stop = true
        this.levels.up = true
        this.run(SERVICE_ENTRY_HOLD_MS + 100, core)
        this.levels.stop = false
        this.levels.up = false
        this.run(100, core)
        expect(this.out.state).toBe("service")
    }
}

function hooks(over: Partial<ServiceHooks> = {}) {
    const calls = { save: 0, ack: 0 }
    const h: ServiceHooks = {
        save: over.save ?? (() => (calls.save++, null)),
        acknowledgeWarnings:
            over.acknowledgeWarnings ?? (() => (calls.ack++, null)),
    }
    return { h, calls }
}

/** A core on a running controller, fed up to now. */
function running(over: Partial<ServiceHooks> = {}) {
    const rig = new Rig()
    const { h, calls } = hooks(over)
    const core = new TableServiceCore(h)
    core.ctl = rig.c
    rig.run(1000, core)
    core.takeEvents()
    return { rig, core, calls }
}

/** What the VM's encoder puts on the wire for an i22.10 field, decoded: trunc(v * 1024 + 0.5) / 1024. */
function vmFixed10(v: number): number {
    return Math.trunc(v * 1024 + 0.5) / 1024
}

// ---------------------------------------------------------------- protocol

describe("service protocol helpers", () => {
    it("codes every controller state, in the spec's order, and refuses to invent one", () => {
        P.STATE_NAMES.forEach((name, i) => {
            expect(P.stateCode(name)).toBe(i)
            expect(P.stateName(i)).toBe(name)
        })
        expect(P.stateCode("dancing")).toBe(P.UNKNOWN_STATE_CODE)
        expect(P.stateName(99)).toBe("")
    })

    it("packs faults into bits in FAULT_NAMES order and back", () => {
        expect(P.faultBits([])).toBe(0)
        expect(P.faultBits(["imu"])).toBe(1)
        expect(P.faultBits(["settings"])).toBe(0x80)
        expect(P.faultBits(["latch", "stall", "nonsense"])).toBe(0x02 | 0x10)
        for (let bits = 0; bits < 256; bits++)
            expect(P.faultBits(P.faultNames(bits))).toBe(bits)
        expect(P.faultNames(0xff00)).toEqual([])
    })

    it("names calibration steps 1..4 and nothing else", () => {
        expect([1, 2, 3, 4].map(P.calibrationStepName)).toEqual(
            CALIBRATION_STEPS
        )
        for (const bad of [0, 5, 255, -1, 1.5, NaN, undefined, "level", null])
            expect(P.calibrationStepName(bad)).toBe("")
        // The wire's list and its refusal text are the controller's steps, in its order.
        expect(P.CALIBRATION_STEP_NAMES).toEqual(["", ...CALIBRATION_STEPS])
        expect(P.CALIBRATION_STEP_CODES_TEXT).toBe(
            CALIBRATION_STEPS.map((s, i) => `${i + 1} ${s}`).join(", ")
        )
    })

    it("gives each setting the register 0x80 + its schema index, and back", () => {
        SETTINGS_SCHEMA.forEach((spec, i) => {
            expect(P.settingRegister(spec.key)).toBe(0x80 + i)
            expect(P.settingOfRegister(0x80 + i)).toBe(spec)
        })
        expect(P.settingRegister("nope")).toBe(-1)
        expect(
            P.settingOfRegister(0x80 + SETTINGS_SCHEMA.length)
        ).toBeUndefined()
    })

    it("hands the VM's i22.10 encoder values that come out rounded to nearest, negatives included", () => {
        const values = [
            -85, -65, -64.9, -45, -15, -10, -2.5, -0.5, -0.0004, -0.0006, 0,
            0.0004, 0.5, 4.1, 45, 89.99, 90, 900,
        ]
        for (let v = -90; v <= 90; v += 0.37) values.push(v)
        for (const v of values) {
            expect(vmFixed10(P.toWireFixed10(v)) + 0, String(v)).toBe(
                Math.round(v * 1024) / 1024 + 0
            )
        }
        // Without it, every negative whole number would read one LSB toward zero.
        expect(vmFixed10(-65)).toBe(-65 + 1 / 1024)
        expect(P.toWireFixed10(NaN)).toBe(0)
        expect(P.toWireFixed10(-Infinity)).toBe(0)
    })

    it("rounds written numbers to 0.01 and reads Jacdac bools", () => {
        const maxRate = SETTINGS_SCHEMA.find(s => s.key === "maxRateDps")!
        const progression = SETTINGS_SCHEMA.find(s => s.key === "progression")!
        expect(P.settingFromWire(maxRate, Math.round(4.1 * 1024) / 1024)).toBe(
            4.1
        )
        expect(P.settingFromWire(maxRate, -64.9990234375)).toBe(-65)
        expect(P.settingFromWire(maxRate, 3)).toBe(3)
        expect(P.settingFromWire(maxRate, undefined)).toBeUndefined()
        expect(Number.isNaN(P.settingFromWire(maxRate, NaN))).toBe(true)
        expect(P.settingFromWire(progression, 255)).toBe(true)
        expect(P.settingFromWire(progression, 1)).toBe(true)
        expect(P.settingFromWire(progression, 0)).toBe(false)
        expect(P.settingFromWire(progression, false)).toBe(false)
        expect(P.settingFromWire(progression, undefined)).toBeUndefined()
        expect(P.settingToWire(progression, true)).toBe(true)
        expect(P.settingToWire(maxRate, -65)).toBe(-65 - 1 / 1024)
    })

    it("keeps texts within one packet and names the commands", () => {
        const long = "x".repeat(500)
        expect(P.clipText(long).length).toBe(P.MAX_TEXT_CHARS)
        expect(P.clipText(long).endsWith("...")).toBe(true)
        expect(P.clipText("short")).toBe("short")
        expect(P.commandName(P.CMD_ACKNOWLEDGE_WARNINGS)).toBe(
            "acknowledge_warnings"
        )
    })
})

describe("seq filter", () => {
    it("takes a seq once, and again only after SEQ_MEMORY others", () => {
        const f = new SeqFilter()
        expect(f.accept(7)).toBe(true)
        expect(f.accept(7)).toBe(false)
        expect(f.accept(7)).toBe(false)
        for (let i = 0; i < SEQ_MEMORY - 1; i++)
            expect(f.accept(1000 + i)).toBe(true)
        expect(f.accept(7)).toBe(false) // still remembered: 16 seqs in all
        expect(f.accept(2000)).toBe(true) // pushes 7 out
        expect(f.accept(7)).toBe(true)
    })

    it("keeps two interleaving senders' retries apart", () => {
        const f = new SeqFilter()
        const runs = [5, 900, 5, 900, 6, 5, 901, 6].filter(s => f.accept(s))
        expect(runs).toEqual([5, 900, 6, 901])
    })
})

// ---------------------------------------------------------------- the core on the real controller

/** A setting's register code. */
const reg = (key: string) => P.settingRegister(key)

/** The refusal fields of a write to `key`'s register. */
function write(key: string, reason: string | RegExp): unknown[] {
    return [
        0,
        P.settingRegister(key),
        P.REFUSAL_WRITE,
        0,
        typeof reason === "string" ? reason : expect.stringMatching(reason),
    ]
}

/** The refusal fields of a command. */
function command(
    seq: number,
    code: number,
    step: number,
    reason: string | RegExp
): unknown[] {
    return [
        seq,
        code,
        P.REFUSAL_COMMAND,
        step,
        typeof reason === "string" ? reason : expect.stringMatching(reason),
    ]
}

describe("the service's share of the packet budget", () => {
    it("a burst, then a send per SERVICE_SEND_MS, never more however many ask", () => {
        const share = new SendShare()
        let sent = 0
        // a flood of news: one ask every millisecond for 10 s
        for (let t = 0; t < 10_000; t++) if (share.take(t, 0)) sent++
        expect(sent).toBeLessThanOrEqual(
            SERVICE_SENDS_BURST + 10_000 / SERVICE_SEND_MS
        )
        expect(sent).toBeGreaterThanOrEqual(10_000 / SERVICE_SEND_MS)
    })

    it("answers leave SENDS_KEPT_FOR_NEWS of it to the news: a flood of questions cannot silence them", () => {
        const share = new SendShare()
        let answers = 0
        for (let t = 0; t < 1000; t++)
            if (share.take(t, SENDS_KEPT_FOR_NEWS)) answers++
        // the burst less the kept part went to the questions; the news still has its part at once
        expect(answers).toBeLessThanOrEqual(
            SERVICE_SENDS_BURST - SENDS_KEPT_FOR_NEWS + 1000 / SERVICE_SEND_MS
        )
        for (let i = 0; i < SENDS_KEPT_FOR_NEWS; i++)
            expect(share.take(1000, 0)).toBe(true)
    })
})

describe("service core", () => {
    it("reads boot and refuses everything before the controller runs", () => {
        const { h } = hooks()
        const core = new TableServiceCore(h)
        expect(core.state()).toBe(0)
        expect(core.telemetry()).toEqual([0, 0, 0, 0, 0, 0, 0])
        expect(core.setting("maxRateDps")).toBe(4)
        expect(core.setting("homeDeg")).toBe(-65 - 1 / 1024)
        expect(core.writeSetting(reg("maxRateDps"), 3)).toBe(false)
        expect(core.lastError).toEqual(
            write("maxRateDps", /^the table is starting/)
        )
        core.command(P.CMD_CLEAR_FAULTS, 1, 0)
        expect(core.lastError).toEqual(
            command(1, P.CMD_CLEAR_FAULTS, 0, /^the table is starting/)
        )
    })

    it("keeps its event queue bounded under a flood of refusals, and a state change still finds room", () => {
        const rig = new Rig()
        const core = new TableServiceCore(hooks().h)
        core.ctl = rig.c
        rig.run(1000, core)
        core.takeEvents()
        // Nobody sends the events (the sender starved of packet budget) and no tick answers the
        // desk: the writes past its queue are refused busy, and their refusals pile up no further.
        for (let i = 0; i < 1000; i++)
            core.writeSetting(reg("maxRateDps"), 3 + (i % 3))
        const refusals = core.events.filter(e => e.code === P.EV_REFUSED)
        expect(refusals).toHaveLength(REFUSALS_QUEUED_MAX)
        expect(core.lastError).toEqual(write("maxRateDps", /busy/))
        // The table's own news still queues, up to the whole bound: a new state, a new fault.
        core.feed({ ...rig.out, state: "holding" })
        core.feed({ ...rig.out, state: "fault", faults: ["imu"] })
        expect(core.events.slice(REFUSALS_QUEUED_MAX)).toEqual([
            { code: P.EV_STATE_CHANGED, value: P.stateCode("holding") },
            { code: P.EV_STATE_CHANGED, value: P.stateCode("fault") },
            { code: P.EV_FAULT_RAISED, value: P.faultBits(["imu"]) },
        ])
        for (let i = 0; i < 1000; i++)
            core.queueEvent(P.EV_STATE_CHANGED, 1, EVENTS_QUEUED_MAX)
        expect(core.events).toHaveLength(EVENTS_QUEUED_MAX)
        expect(core.takeEvents()).toHaveLength(EVENTS_QUEUED_MAX)
        expect(core.events).toEqual([])
    })

    it("reports the controller's outputs: state, angle, flags, events for a new state and a new fault", () => {
        const rig = new Rig()
        const core = new TableServiceCore(hooks().h)
        core.ctl = rig.c
        rig.run(1000, core)
        expect(rig.out.state).toBe("idle")
        expect(core.state()).toBe(1)
        expect(vmFixed10(core.angle())).toBeCloseTo(-65, 2)
        expect(core.latch()).toBe(false)
        rig.levels.latch = true
        rig.levels.grip = true
        rig.run(100, core)
        expect(core.flags()).toBe(P.FLAG_LATCH | P.FLAG_GRIP)
        core.settingsUnsaved = true
        expect(core.flags()).toBe(P.FLAG_LATCH | P.FLAG_GRIP | P.FLAG_UNSAVED)
        expect(core.telemetry()[6]).toBe(
            P.FLAG_LATCH | P.FLAG_GRIP | P.FLAG_UNSAVED
        )
        core.settingsUnsaved = false
        expect(core.telemetry()).toHaveLength(7)
        const events = core.takeEvents()
        expect(events[0]).toEqual({ code: P.EV_STATE_CHANGED, value: 0 }) // boot
        expect(
            events.some(e => e.code === P.EV_STATE_CHANGED && e.value === 1)
        ).toBe(true) // idle
        expect(core.takeEvents()).toEqual([])

        // A fault: the IMU goes silent (no new sample) for longer than 100 ms.
        const seq = rig.seq
        for (let k = 0; k < 20; k++) {
            rig.seq = seq
            const out = rig.c.step(
                {
                    ...rig.levels,
                    imu: {
                        ok: true,
                        seq,
                        axG: 0,
                        ayG: 0,
                        azG: 1,
                        gxDps: 0,
                        gyDps: 0,
                        gzDps: 0,
                    },
                } as Inputs,
                rig.t
            )
            rig.t += TICK_MS
            core.feed(out)
        }
        expect(core.faults() & 1).toBe(1)
        const fe = core.takeEvents().filter(e => e.code === P.EV_FAULT_RAISED)
        expect(fe).toHaveLength(1)
        expect(fe[0].value & 1).toBe(1)
        expect(core.faultReasons()).toMatch(/./)
    })

    it("refuses a setting write outside service mode: the value stays, last_error and a refused event say why", () => {
        const { rig, core } = running()
        const revision = core.settingsRevision()
        // Handed to the controller's desk; its answer comes with the next tick.
        expect(core.writeSetting(reg("maxRateDps"), 3)).toBe(true)
        expect(core.takeEvents()).toEqual([])
        rig.run(TICK_MS, core)
        expect(rig.c.settings.maxRateDps).toBe(4)
        expect(core.setting("maxRateDps")).toBe(4)
        expect(core.lastError).toEqual(
            write("maxRateDps", /^only in service mode/)
        )
        expect(core.takeEvents()).toEqual([
            { code: P.EV_REFUSED, value: core.lastError },
        ])
        rig.run(100, core)
        expect(core.settingsRevision()).toBe(revision)
    })

    it("takes writes in service mode, refuses out-of-range and garbage ones with the key, value and range", () => {
        const { rig, core } = running()
        rig.enterService(core)
        core.takeEvents()
        expect(
            core.writeSetting(reg("maxRateDps"), Math.round(3.3 * 1024) / 1024)
        ).toBe(true)
        // Nothing changes between ticks: the controller takes the write up at its next one.
        expect(rig.c.settings.maxRateDps).toBe(4)
        rig.run(TICK_MS, core)
        expect(rig.c.settings.maxRateDps).toBe(3.3)
        expect(core.writeSetting(reg("homeDeg"), -70)).toBe(true)
        rig.run(TICK_MS, core)
        expect(vmFixed10(core.setting("homeDeg"))).toBe(-70)
        expect(core.writeSetting(reg("progression"), 0)).toBe(true)
        rig.run(TICK_MS, core)
        expect(rig.c.settings.progression).toBe(false)
        expect(core.takeEvents()).toEqual([])
        rig.run(40, core)
        expect(core.settingsRevision()).toBe(3)

        core.writeSetting(reg("maxRateDps"), 12)
        rig.run(TICK_MS, core)
        // The register code names the setting: the reason does not repeat the key.
        expect(core.lastError).toEqual([
            0,
            0x81,
            P.REFUSAL_WRITE,
            0,
            "12 is out of range 1..8 deg/s",
        ])
        core.writeSetting(reg("sessionLimitS"), undefined)
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            write(
                "sessionLimitS",
                "undefined is not a number (range 60..900 s)"
            )
        )
        core.writeSetting(reg("progression"), undefined)
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            write("progression", /^undefined is not allowed/)
        )
        expect(core.writeSetting(0x9f, 1)).toBe(false)
        expect(core.lastError).toEqual([
            0,
            0x9f,
            P.REFUSAL_WRITE,
            0,
            "not a setting",
        ])
        expect(rig.c.settings.maxRateDps).toBe(3.3)
        expect(rig.c.settings.sessionLimitS).toBe(300)
        expect(core.takeEvents().map(e => e.code)).toEqual([
            P.EV_REFUSED,
            P.EV_REFUSED,
            P.EV_REFUSED,
            P.EV_REFUSED,
        ])
    })

    it("runs a command once per seq, however often it arrives", () => {
        const { rig, core, calls } = running()
        core.command(P.CMD_ACKNOWLEDGE_WARNINGS, 41, 0)
        core.command(P.CMD_ACKNOWLEDGE_WARNINGS, 41, 0)
        core.command(P.CMD_ACKNOWLEDGE_WARNINGS, 41, 0)
        expect(calls.ack).toBe(1)
        expect(core.warningsAcknowledged).toBe(true)
        expect(core.commandsRun).toBe(1)
        expect(core.lastSeq).toBe(41)
        // a refused command, repeated: refused (and reported) once
        core.command(P.CMD_CALIBRATE, 42, 1)
        core.command(P.CMD_CALIBRATE, 42, 1)
        expect(core.commandsRun).toBe(1)
        rig.run(TICK_MS, core)
        core.command(P.CMD_CALIBRATE, 42, 1)
        rig.run(TICK_MS, core)
        expect(
            core.takeEvents().filter(e => e.code === P.EV_REFUSED)
        ).toHaveLength(1)
        expect(core.lastError).toEqual(
            command(42, P.CMD_CALIBRATE, 1, /^only in service mode/)
        )
        expect(core.calibration()).toEqual([
            1,
            CALIBRATION_STATUSES.indexOf("refused"),
            expect.stringMatching(/^only in service mode/),
        ])
        expect(core.commandsRun).toBe(2)
    })

    it("refuses save, restore_defaults and calibrate outside service mode; clear_faults and acknowledge_warnings run anywhere", () => {
        const { rig, core, calls } = running()
        core.command(P.CMD_SAVE, 1, 0)
        // Handled at the controller's next tick: until then last_seq does not show it.
        expect(core.lastSeq).toBe(0)
        rig.run(TICK_MS, core)
        expect(core.lastSeq).toBe(1)
        expect(core.lastError).toEqual(
            command(1, P.CMD_SAVE, 0, /^only in service mode/)
        )
        core.command(P.CMD_RESTORE_DEFAULTS, 2, 0)
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            command(2, P.CMD_RESTORE_DEFAULTS, 0, /^only in service mode/)
        )
        core.command(P.CMD_CALIBRATE, 3, 4)
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            command(3, P.CMD_CALIBRATE, 4, /^only in service mode/)
        )
        expect(calls.save).toBe(0)
        const before = core.lastError
        core.command(P.CMD_CLEAR_FAULTS, 4, 0)
        core.command(P.CMD_ACKNOWLEDGE_WARNINGS, 5, 0)
        rig.run(TICK_MS, core)
        expect(core.lastError).toBe(before)
        expect(core.commandsRun).toBe(5)
    })

    it("in service mode: save asks the firmware to store, restore_defaults restores, calibrate starts a step", () => {
        const { rig, core, calls } = running()
        rig.enterService(core)
        expect(core.writeSetting(reg("maxAngleDeg"), 60)).toBe(true)
        core.command(P.CMD_SAVE, 10, 0)
        expect(calls.save).toBe(0)
        rig.run(TICK_MS, core)
        expect(rig.c.settings.maxAngleDeg).toBe(60)
        expect(calls.save).toBe(1)
        core.command(P.CMD_RESTORE_DEFAULTS, 11, 0)
        rig.run(TICK_MS, core)
        expect(rig.c.settings.maxAngleDeg).toBe(45)
        core.command(P.CMD_CALIBRATE, 12, 3)
        rig.run(100, core)
        expect(core.calibration()).toEqual([
            3,
            CALIBRATION_STATUSES.indexOf("done"),
            expect.stringMatching(/^home angle -65/),
        ])
        core.command(P.CMD_CALIBRATE, 13, 9)
        expect(core.lastError).toEqual([
            13,
            P.CMD_CALIBRATE,
            P.REFUSAL_COMMAND,
            9,
            "unknown calibration step (1 level, 2 gyro, 3 home, 4 axis)",
        ])
        expect(core.commandsRun).toBe(4)
    })

    it("reports why the firmware could not save or store the acknowledgement", () => {
        const { rig, core } = running({
            save: () => "no flash here",
            acknowledgeWarnings: () => "no flash here either",
        })
        rig.enterService(core)
        core.command(P.CMD_SAVE, 20, 0)
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            command(20, P.CMD_SAVE, 0, "no flash here")
        )
        core.command(P.CMD_ACKNOWLEDGE_WARNINGS, 21, 0)
        expect(core.warningsAcknowledged).toBe(false)
        expect(core.lastError).toEqual(
            command(21, P.CMD_ACKNOWLEDGE_WARNINGS, 0, "no flash here either")
        )
    })

    it("reports a storing that failed after the save was taken as a refusal of that save, with its seq", () => {
        const { rig, core } = running()
        rig.enterService(core)
        core.command(P.CMD_SAVE, 30, 0)
        rig.run(TICK_MS, core)
        expect(core.lastError[2]).toBe(P.REFUSAL_NONE)
        core.command(P.CMD_CLEAR_FAULTS, 31, 0)
        rig.run(TICK_MS, core)
        core.takeEvents()
        core.storingFailed(
            "settings not stored: storage did not keep the record"
        )
        const failed = command(
            30,
            P.CMD_SAVE,
            0,
            "settings not stored: storage did not keep the record"
        )
        expect(core.lastError).toEqual(failed)
        expect(core.takeEvents()).toEqual([
            { code: P.EV_REFUSED, value: failed },
        ])
    })

    it("after a fault ends service mode, a refused command names the fault within its one packet", () => {
        const { rig, core } = running()
        rig.enterService(core)
        // A late tick: the watchdog fault ends service mode.
        rig.t += 400
        rig.run(TICK_MS, core)
        expect(rig.out.faults).toContain("watchdog")
        expect(rig.out.state).not.toBe("service")
        core.command(P.CMD_CALIBRATE, 4000000000, 1)
        rig.run(TICK_MS, core)
        expect(core.lastError[4].length).toBeLessThanOrEqual(P.MAX_TEXT_CHARS)
        expect(core.lastError).toEqual(
            command(
                4000000000,
                P.CMD_CALIBRATE,
                1,
                /^only in service mode \(service mode was ended by watchdog: /
            )
        )
        core.writeSetting(reg("maxRateDps"), 3)
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            write(
                "maxRateDps",
                /^only in service mode \(service mode was ended by watchdog/
            )
        )
    })

    it("reads the exercise program: the count, the session limit now, the records by index", () => {
        const { rig, core } = running()
        expect(core.countedSessions()).toBe(0)
        expect(core.sessionLimit()).toBe(300)
        // A record asked for is read by the firmware outside the packet handler: until then
        // record_index still reads the index whose record `record` holds.
        expect(core.recordRequested).toBe(0)
        expect(core.recordIndexNow()).toBe(RECORD_LOADING)
        core.recordLoaded(0, "the newest")
        expect(core.recordIndexNow()).toBe(0)
        expect(core.recordRequested).toBe(-1)
        expect(core.recordText).toBe("the newest")
        expect(core.writeRecordIndex(1)).toBe(true)
        expect(core.recordRequested).toBe(1)
        expect(core.recordIndexNow()).toBe(RECORD_LOADING)
        core.recordLoaded(1, "")
        expect(core.recordIndexNow()).toBe(1)
        expect(core.recordText).toBe("")
        expect(core.writeRecordIndex(50)).toBe(false)
        expect(core.lastError).toEqual([
            0,
            P.REG_RECORD_INDEX,
            P.REFUSAL_WRITE,
            0,
            "50 is not a whole number in 0..49",
        ])
        expect(core.writeRecordIndex(2.5)).toBe(false)
        expect(core.recordRequested).toBe(-1)
        const revision = core.recordsRevision()
        rig.enterService(core)
        core.command(
            P.CMD_SET_COUNTED_SESSIONS,
            30,
            28,
            "moved from another table"
        )
        rig.run(100, core)
        expect(core.countedSessions()).toBe(28)
        expect(core.recordsRevision()).toBeGreaterThan(revision)
        expect(rig.c.program.record!.end).toBe(
            "progress 28: moved from another table"
        )
    })

    it("refuses a change of the count outside service mode, without a reason, or out of range", () => {
        const { rig, core } = running()
        core.command(P.CMD_SET_COUNTED_SESSIONS, 40, 5, "why not")
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            command(40, P.CMD_SET_COUNTED_SESSIONS, 0, /^only in service mode/)
        )
        rig.enterService(core)
        core.command(P.CMD_SET_COUNTED_SESSIONS, 41, 5, "")
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            command(
                41,
                P.CMD_SET_COUNTED_SESSIONS,
                0,
                "countedSessions: a reason is needed (it is recorded)"
            )
        )
        core.command(P.CMD_SET_COUNTED_SESSIONS, 42, 33, "too many")
        rig.run(TICK_MS, core)
        expect(core.lastError).toEqual(
            command(
                42,
                P.CMD_SET_COUNTED_SESSIONS,
                0,
                "countedSessions: 33 is not a whole number in 0..32"
            )
        )
        rig.run(100, core)
        expect(core.countedSessions()).toBe(0)
    })

    it("hands writes and commands to the controller's desk: taken up in order at its next tick; a flood is refused, not buffered", () => {
        const { rig, core } = running()
        rig.enterService(core)
        core.takeEvents()
        for (let i = 0; i < DESK_QUEUE_MAX; i++)
            expect(core.writeSetting(reg("maxRateDps"), i % 2 ? 3 : 5)).toBe(
                true
            )
        expect(core.writeSetting(reg("maxRateDps"), 6)).toBe(false)
        expect(core.lastError).toEqual(
            write("maxRateDps", "the table is busy, try again")
        )
        core.command(P.CMD_RESTORE_DEFAULTS, 77, 0)
        expect(core.lastError).toEqual(
            command(
                77,
                P.CMD_RESTORE_DEFAULTS,
                0,
                "the table is busy, try again"
            )
        )
        expect(rig.c.settings.maxRateDps).toBe(4)
        rig.run(TICK_MS, core)
        // The last write handed in wins: 16 writes, alternating 5 and 3.
        expect(rig.c.settings.maxRateDps).toBe(3)
        expect(rig.c.desk.queue).toEqual([])
    })

    it("refuses a command without a seq (a short payload) and does not count it", () => {
        const { core } = running()
        core.command(P.CMD_CLEAR_FAULTS, undefined, 0)
        expect(core.lastError).toEqual(
            command(
                0,
                P.CMD_CLEAR_FAULTS,
                0,
                "no seq (the payload is too short)"
            )
        )
        core.command(P.CMD_CALIBRATE, 5, undefined)
        expect(core.lastError).toEqual(
            command(
                5,
                P.CMD_CALIBRATE,
                0,
                "unknown calibration step (1 level, 2 gyro, 3 home, 4 axis)"
            )
        )
        expect(core.commandsRun).toBe(1)
    })
})

// ---------------------------------------------------------------- the spec

interface SpecField {
    name: string
    type: string
    unit?: string
    absoluteMin?: number
    absoluteMax?: number
}
interface SpecPacket {
    kind: string
    name: string
    identifier: number
    packFormat?: string
    fields: SpecField[]
}

function compiledSpec() {
    if (!fs.existsSync(SERVICES_JSON))
        throw new Error(
            `${SERVICES_JSON} is missing: run npm run build:firmware (devs build) first`
        )
    const all = JSON.parse(fs.readFileSync(SERVICES_JSON, "utf8"))
    const spec = all.find(
        (s: { camelName: string }) => s.camelName === "inversionTable"
    )
    if (!spec)
        throw new Error(
            "services.json has no inversionTable: rebuild the firmware (devs build) after editing services/"
        )
    return spec as {
        classIdentifier: number
        packets: SpecPacket[]
        enums: Record<string, { members: Record<string, number> }>
    }
}

function packet(kind: string, name: string): SpecPacket {
    const p = compiledSpec().packets.find(
        x => x.kind === kind && x.name === name
    )
    if (!p) throw new Error(`no ${kind} ${name} in the spec`)
    return p
}

const snake = (key: string) => key.replace(/[A-Z]/g, c => "_" + c.toLowerCase())
const UNITS: Record<string, string> = {
    deg: "°",
    "deg/s": "°/s",
    "deg/s^2": "°/s2",
    s: "s",
    "": "",
}

describe("the compiled spec agrees with the controller and protocol.ts", () => {
    it("is built from services/inversiontable.md, with the class in protocol.ts", () => {
        expect(
            fs.statSync(SERVICES_JSON).mtimeMs,
            "services.json is older than the spec: rebuild"
        ).toBeGreaterThanOrEqual(fs.statSync(SERVICE_MD).mtimeMs - 1000)
        expect(compiledSpec().classIdentifier).toBe(
            P.INVERSION_TABLE_SERVICE_CLASS
        )
    })

    it("has the controller's states, faults and calibration steps in the same order", () => {
        const e = compiledSpec().enums
        const members = (name: string) =>
            Object.entries(e[name].members).map(([k, v]) => [
                k.toLowerCase(),
                v,
            ])
        expect(members("State")).toEqual(P.STATE_NAMES.map((n, i) => [n, i]))
        expect(members("Faults")).toEqual(
            FAULT_NAMES.map((n, i) => [n, 1 << i])
        )
        expect(members("CalibrationStep")).toEqual(
            CALIBRATION_STEPS.map((n, i) => [n, i + 1])
        )
        expect(members("TelemetryFlags")).toEqual([
            ["latch", P.FLAG_LATCH],
            ["grip", P.FLAG_GRIP],
            ["warning", P.FLAG_WARNING],
            ["alarm", P.FLAG_ALARM],
            ["unsaved", P.FLAG_UNSAVED],
        ])
    })

    it("has one rw register per setting: snake_case name, 0x80 + index, type, unit and range of the schema", () => {
        // The settings' block: 0x80 up to 0x80 + 63 (record_index, at 0xc0, is not a setting).
        const rw = compiledSpec().packets.filter(
            p => p.kind === "rw" && p.identifier >= 0x80 && p.identifier < 0xc0
        )
        expect(rw.map(p => p.name)).toEqual(
            SETTINGS_SCHEMA.map(s => snake(s.key))
        )
        for (const s of SETTINGS_SCHEMA) {
            const p = packet("rw", snake(s.key))
            expect(p.identifier, s.key).toBe(P.settingRegister(s.key))
            const f = p.fields[0]
            if (s.kind === "boolean") {
                expect(f.type, s.key).toBe("bool")
                continue
            }
            expect(f.type, s.key).toBe("i22.10")
            expect(f.unit ?? "", s.key).toBe(UNITS[s.unit])
            expect([f.absoluteMin, f.absoluteMax], s.key).toEqual([
                s.min,
                s.max,
            ])
            // the range and unit are in the text too
            expect(fs.readFileSync(SERVICE_MD, "utf8"), s.key).toContain(
                `(${s.min}..${s.max}`
            )
        }
    })

    it("has the register, command and event codes of protocol.ts", () => {
        const ro: [string, number][] = [
            ["telemetry", P.REG_TELEMETRY],
            ["angle", P.REG_ANGLE],
            ["target", P.REG_TARGET],
            ["rate", P.REG_RATE],
            ["state", P.REG_STATE],
            ["faults", P.REG_FAULTS],
            ["latch", P.REG_LATCH],
            ["grip", P.REG_GRIP],
            ["session_inverted", P.REG_SESSION_INVERTED],
            ["effective_max_angle", P.REG_EFFECTIVE_MAX_ANGLE],
            ["calibration", P.REG_CALIBRATION],
            ["last_error", P.REG_LAST_ERROR],
            ["warnings_acknowledged", P.REG_WARNINGS_ACKNOWLEDGED],
            ["settings_revision", P.REG_SETTINGS_REVISION],
            ["last_seq", P.REG_LAST_SEQ],
            ["commands_run", P.REG_COMMANDS_RUN],
            ["fault_reasons", P.REG_FAULT_REASONS],
            ["counted_sessions", P.REG_COUNTED_SESSIONS],
            ["session_limit", P.REG_SESSION_LIMIT],
            ["records_revision", P.REG_RECORDS_REVISION],
            ["record", P.REG_RECORD],
        ]
        for (const [name, code] of ro)
            expect(packet("ro", name).identifier, name).toBe(code)
        expect(packet("ro", "telemetry").packFormat).toBe(
            "i22.10 i22.10 i22.10 u22.10 u16 u8 u8"
        )
        expect(packet("rw", "record_index").identifier).toBe(P.REG_RECORD_INDEX)
        expect(packet("rw", "streaming_samples").identifier).toBe(
            P.REG_STREAMING_SAMPLES
        )
        expect(packet("rw", "streaming_interval").identifier).toBe(
            P.REG_STREAMING_INTERVAL
        )
        const cmds: [string, number][] = [
            ["calibrate", P.CMD_CALIBRATE],
            ["save", P.CMD_SAVE],
            ["restore_defaults", P.CMD_RESTORE_DEFAULTS],
            ["clear_faults", P.CMD_CLEAR_FAULTS],
            ["acknowledge_warnings", P.CMD_ACKNOWLEDGE_WARNINGS],
            ["set_counted_sessions", P.CMD_SET_COUNTED_SESSIONS],
        ]
        for (const [name, code] of cmds) {
            const p = packet("command", name)
            expect(p.identifier, name).toBe(code)
            expect(P.commandName(code)).toBe(name)
            expect(p.fields[0], name).toMatchObject({
                name: "seq",
                type: "u32",
            })
        }
        expect(packet("command", "calibrate").packFormat).toBe("u32 u8")
        expect(packet("command", "set_counted_sessions").packFormat).toBe(
            "u32 u8 s"
        )
        expect(packet("event", "state_changed").identifier).toBe(
            P.EV_STATE_CHANGED
        )
        expect(packet("event", "fault_raised").identifier).toBe(
            P.EV_FAULT_RAISED
        )
        expect(packet("event", "refused").identifier).toBe(P.EV_REFUSED)
    })

    it("carries the calibration and the refusals as fields, the words last, in protocol.ts's formats", () => {
        expect(packet("ro", "calibration").packFormat).toBe(
            P.CALIBRATION_FORMAT
        )
        expect(
            packet("ro", "calibration").fields.map(f => [f.name, f.type])
        ).toEqual([
            ["step", "CalibrationStep"],
            ["status", "CalibrationStatus"],
            ["message", "string"],
        ])
        const refusalFields = [
            ["seq", "u32"],
            ["code", "u16"],
            ["kind", "RefusalKind"],
            ["step", "CalibrationStep"],
            ["reason", "string"],
        ]
        for (const p of [
            packet("ro", "last_error"),
            packet("event", "refused"),
        ]) {
            expect(p.packFormat, p.name).toBe(P.REFUSAL_FORMAT)
            expect(
                p.fields.map(f => [f.name, f.type]),
                p.name
            ).toEqual(refusalFields)
        }
        const e = compiledSpec().enums
        const members = (name: string) =>
            Object.entries(e[name].members).map(([k, v]) => [
                k.toLowerCase(),
                v,
            ])
        // The calibrator's statuses, "" (none) first: code = index.
        expect(members("CalibrationStatus")).toEqual(
            CALIBRATION_STATUSES.map((n, i) => [n === "" ? "none" : n, i])
        )
        expect(members("RefusalKind")).toEqual([
            ["none", P.REFUSAL_NONE],
            ["write", P.REFUSAL_WRITE],
            ["command", P.REFUSAL_COMMAND],
        ])
    })

    it("the server hands each setting's write to the core with that setting's register code", () => {
        const text = fs.readFileSync(
            path.join(SERVICE_DIR, "server.ts"),
            "utf8"
        )
        const writes = [
            ...text.matchAll(
                /set_(\w+)\(v: \w+\) \{\s*this\.writeSetting\((0x[0-9a-f]+), v\)/g
            ),
        ].map(m => [m[1], Number(m[2])])
        expect(writes).toEqual(
            SETTINGS_SCHEMA.map(s => [s.key, P.settingRegister(s.key)])
        )
    })
})

describe("src/service purity", () => {
    it("only server.ts imports DeviceScript; the rest imports nothing but src/control and each other", () => {
        for (const file of fs.readdirSync(SERVICE_DIR)) {
            const text = fs.readFileSync(path.join(SERVICE_DIR, file), "utf8")
            const specs = [
                ...text.matchAll(/^\s*import\s[^"']*["']([^"']+)["']/gm),
            ].map(m => m[1])
            if (file === "server.ts") continue
            for (const s of specs)
                expect(s, `${file} imports ${s}`).toMatch(
                    /^\.\.\/control\/|^\.\/(?!server)/
                )
        }
    })
})
