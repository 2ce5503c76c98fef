// Service mode and calibration on the whole Controller, with time passed in: each step's refusals,
// its measurement, and that only a person at the pad (service mode) can change settings.

import { describe, expect, it } from "vitest"
import {
    AXIS_MOVE_DEG,
    GYRO_MEASURE_MS,
    LEVEL_MEASURE_MS,
} from "../src/control/calibration"
import { Controller } from "../src/control/controller"
import { acknowledgedTableStart } from "../src/control/exercise"
import { SERVICE_ENTRY_HOLD_MS, TICK_MS } from "../src/control/limits"
import { defaultSettings } from "../src/control/settings"
import { Inputs, Outputs } from "../src/control/types"

const D2R = Math.PI / 180

/** A synthetic table: the IMU reads the true angle (plus a mounting tilt and a gyro bias), and the
 *  table turns at the duty's nominal speed. */
class Rig {
    c: Controller
    t = 0
    seq = 0
    angle: number
    rate = 0
    mountTiltDeg: number
    gyroBiasDps: number
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

    constructor(
        opts: {
            angle?: number
            mountTiltDeg?: number
            gyroBiasDps?: number
            reversed?: boolean
        } = {}
    ) {
        this.c = new Controller(
            defaultSettings(),
            null,
            null,
            acknowledgedTableStart()
        )
        this.angle = opts.angle ?? -65
        this.mountTiltDeg = opts.mountTiltDeg ?? 0
        this.gyroBiasDps = opts.gyroBiasDps ?? 0
        this.reversed = opts.reversed ?? false
    }

    reversed: boolean

    tick(): Outputs {
        this.seq++
        const a = (this.angle + this.mountTiltDeg) * D2R
        const inputs: Inputs = {
            imu: {
                ok: true,
                seq: this.seq,
                axG: Math.sin(a),
                ayG: 0,
                azG: Math.cos(a),
                gxDps: this.seq % 2 ? 0.01 : -0.01,
                gyDps: this.rate + this.gyroBiasDps,
                gzDps: 0,
            },
            ...this.levels,
        }
        this.out = this.c.step(inputs, this.t)
        const duty = this.reversed ? -this.out.duty : this.out.duty
        this.rate =
            Math.abs(duty) > 0.04 ? (duty - Math.sign(duty) * 0.04) * 15 : 0
        this.angle += this.rate * (TICK_MS / 1000)
        this.t += TICK_MS
        return this.out
    }

    run(ms: number): Outputs {
        for (let k = 0; k < ms / TICK_MS; k++) this.tick()
        return this.out
    }

    enterService(): void {
        this.run(1000)
        this.levels.stop = true
        this.levels.up = true
        this.run(SERVICE_ENTRY_HOLD_MS + 100)
        this.levels.stop = false
        this.levels.up = false
        this.run(100)
        expect(this.out.state).toBe("service")
    }

    /** In service mode, DOWN held until the synthetic angle reaches `deg`. */
    driveTo(deg: number): void {
        this.levels.down = true
        for (let k = 0; k < 3000 && this.angle < deg; k++) this.tick()
        this.levels.down = false
        this.run(2000)
    }
}

describe("settings and calibration are refused outside service mode", () => {
    it("a setting write from the serial link alone changes nothing", () => {
        const r = new Rig()
        r.run(1000)
        expect(r.c.setSetting("maxAngleDeg", 30)).toMatch(/service mode/)
        expect(r.c.settings.maxAngleDeg).toBe(45)
        expect(r.c.restoreDefaults()).toMatch(/service mode/)
        expect(r.c.startCalibration("level")).toMatch(/service mode/)
    })

    it("service mode is entered at home with the latch open by holding STOP and UP for 3 s; then writes are checked", () => {
        const r = new Rig()
        r.enterService()
        expect(r.c.setSetting("maxAngleDeg", 30)).toBeNull()
        expect(r.c.settings.maxAngleDeg).toBe(30)
        expect(r.c.setSetting("maxRateDps", 12)).toBe(
            "maxRateDps: 12 is out of range 1..8 deg/s"
        )
        expect(r.c.settings.maxRateDps).toBe(4)
        expect(r.c.setSetting("nonsense", 1)).toMatch(/not a setting/)
        const revision = r.run(TICK_MS).settingsRevision
        expect(r.c.restoreDefaults()).toBeNull()
        expect(r.c.settings.maxAngleDeg).toBe(45)
        expect(r.run(TICK_MS).settingsRevision).toBeGreaterThan(revision)
    })
})

describe("calibration steps", () => {
    it("level: refused away from flat, then measures the accelerometer's offset against the spirit level", () => {
        const r = new Rig({ mountTiltDeg: 1.5 })
        r.enterService()
        expect(r.c.startCalibration("level")).toMatch(/not flat/)
        r.driveTo(-1.5) // the table is level when the synthetic angle is 0; the sensor reads 1.5 more
        // nudge to exactly level, as the technician does against the spirit level
        r.angle = 0
        r.run(1000)
        expect(r.c.startCalibration("level")).toBeNull()
        r.run(LEVEL_MEASURE_MS + 200)
        expect([r.out.calibrationStep, r.out.calibrationStatus]).toEqual([
            "level",
            "done",
        ])
        expect(r.c.settings.accelOffsetDeg).toBeCloseTo(1.5, 1)
        r.run(3000)
        expect(Math.abs(r.out.estDeg - r.angle)).toBeLessThan(0.2)
    })

    it("gyro: refused while the table moves, then measures the bias at rest", () => {
        const r = new Rig({ gyroBiasDps: 0.7 })
        r.enterService()
        r.levels.down = true
        r.run(1000)
        expect(r.c.startCalibration("gyro")).toMatch(/moving/)
        r.levels.down = false
        r.run(2000)
        expect(r.c.startCalibration("gyro")).toBeNull()
        r.run(GYRO_MEASURE_MS + 200)
        expect([r.out.calibrationStep, r.out.calibrationStatus]).toEqual([
            "gyro",
            "done",
        ])
        expect(r.c.settings.gyroBiasDps).toBeCloseTo(0.7, 2)
        // The bias is not subtracted twice: the still table reads still at once.
        r.run(100)
        expect(Math.abs(r.out.rateDps)).toBeLessThan(0.05)
        expect(r.c.startCalibration("axis")).toBeNull()
    })

    it("home: records the loading stop's angle, refused outside the home range", () => {
        const r = new Rig({ angle: -63 })
        r.enterService()
        expect(r.c.startCalibration("home")).toBeNull()
        r.run(200)
        expect([r.out.calibrationStep, r.out.calibrationStatus]).toEqual([
            "home",
            "done",
        ])
        expect(r.c.settings.homeDeg).toBeCloseTo(-63, 1)
        r.driveTo(-20)
        expect(r.c.startCalibration("home")).toMatch(/outside the home range/)
    })

    it("home: a table whose stop is far from the stored home enters service mode by its home switch", () => {
        const r = new Rig({ angle: -55 })
        r.levels.homeSwitch = true
        r.enterService()
        expect(r.out.faults).toEqual([])
        expect(r.c.startCalibration("home")).toBeNull()
        r.run(200)
        expect(r.c.settings.homeDeg).toBeCloseTo(-55, 1)
    })

    it("axis: a small move deeper makes the angle rise", () => {
        const r = new Rig()
        r.enterService()
        const start = r.angle
        expect(r.c.startCalibration("axis")).toBeNull()
        r.run(8000)
        expect([r.out.calibrationStep, r.out.calibrationStatus]).toEqual([
            "axis",
            "done",
        ])
        expect(r.angle).toBeGreaterThan(start + AXIS_MOVE_DEG / 2)
    })

    it("axis: a reversed motor fails the check (and the direction monitor stops it)", () => {
        const r = new Rig({ reversed: true })
        r.enterService()
        expect(r.c.startCalibration("axis")).toBeNull()
        r.run(8000)
        expect(r.out.calibrationStatus).not.toBe("done")
        expect(r.out.duty).toBe(0)
    })

    it("an unknown step is refused with the list of steps", () => {
        const r = new Rig()
        r.enterService()
        expect(r.c.startCalibration("wobble")).toMatch(
            /level, gyro, home, axis/
        )
    })
})
