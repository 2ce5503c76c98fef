// The scenario engine (sim/engine/): the event rule, the table's flash, the model's construction,
// and the real-time plant loop that the firmware-in-the-loop runner and the live table share
// (sim/firmware/plant.ts, here against stand-in devices: no VM, no bus).

import { describe, expect, it } from "vitest"
import { defaultSettings } from "../src/control/settings"
import { TICK_MS, TICK_S, tickNowMs, tickTimeS } from "../sim/engine/clock"
import { buildModelTable, ScenarioEngine } from "../sim/engine/engine"
import { allReleased, isPowerCycle, ScenarioEvents } from "../sim/engine/events"
import { TableFlash } from "../sim/engine/flash"
import { TableDevices } from "../sim/firmware/devices"
import { keptTime, LatenessLog } from "../sim/firmware/lateness"
import { DutyLog } from "../sim/firmware/motor"
import { RealTimePlant } from "../sim/firmware/plant"
import { SimTable } from "../sim/model/table"
import { parseScenario, Scenario } from "../sim/scenario"

function scenario(s: object): Scenario {
    return parseScenario(JSON.stringify(s), "test.json")
}

describe("the clock", () => {
    it("puts tick k at k/50 s and the controller's clock at k * 20 ms", () => {
        expect(TICK_MS).toBe(20)
        expect(TICK_S).toBe(0.02)
        expect(tickTimeS(3)).toBe(0.06)
        expect(tickTimeS(5)).toBe(5 / 50)
        expect(tickNowMs(7)).toBe(140)
    })
})

describe("the event rule", () => {
    const s = scenario({
        durationS: 2,
        events: [
            { t: 0, set: { latch: true, deadman: true } },
            { t: 0.01, set: { down: true }, fault: "imu-noise" },
            { t: 0.02, fault: "motor-stall" },
            { t: 0.02, fault: "imu-noise" },
            { t: 0.5, set: { deadman: false }, fault: "power-cycle" },
            { t: 0.5, set: { up: true } },
            { t: 1, fault: "clear" },
        ],
    })

    function take(events: ScenarioEvents, k: number) {
        const out = []
        for (let e = events.take(k); e !== null; e = events.take(k)) out.push(e)
        return out
    }

    it("starts with every input released and nothing injected", () => {
        const events = new ScenarioEvents(s)
        expect(events.levels).toEqual(allReleased())
        expect(Object.values(allReleased()).every(v => v === false)).toBe(true)
        expect(events.injected).toEqual([])
    })

    it("takes an event at the first tick at or after its time, in file order, levels first", () => {
        const events = new ScenarioEvents(s)
        expect(take(events, 0).map(e => e.t)).toEqual([0])
        expect(events.levels.latch && events.levels.deadman).toBe(true)
        expect(events.levels.down).toBe(false)
        // t = 0.01 is due at tick 1 (0.02 s), together with both events at 0.02.
        expect(take(events, 1).map(e => e.t)).toEqual([0.01, 0.02, 0.02])
        expect(events.levels.down).toBe(true)
        // A fault injected twice is active once; the list keeps the order of injection.
        expect(events.injected).toEqual(["imu-noise", "motor-stall"])
        expect(take(events, 2)).toEqual([])
    })

    it("counts power cycles, keeps injected faults through them, and clears them all on clear", () => {
        const events = new ScenarioEvents(s)
        for (let k = 0; k < 25; k++) take(events, k)
        const cycle = take(events, 25)
        expect(cycle.map(isPowerCycle)).toEqual([true, false])
        expect(events.powerCycles).toBe(1)
        expect(events.levels.deadman).toBe(false)
        expect(events.levels.up).toBe(true)
        const before = events.injected
        expect(before).toEqual(["imu-noise", "motor-stall"])
        for (let k = 26; k <= 50; k++) take(events, k)
        expect(events.injected).toEqual([])
        // A list taken earlier is never changed afterwards (the checker keeps one per tick).
        expect(before).toEqual(["imu-noise", "motor-stall"])
    })
})

describe("the table's flash", () => {
    it("hands out copies: nothing a reader does to one reaches the flash", () => {
        const settings = { ...defaultSettings(), maxRateDps: 3 }
        const flash = new TableFlash({ settings, kept: null })
        settings.maxRateDps = 7
        const read = flash.read("settings")
        expect(read.maxRateDps).toBe(3)
        read.maxRateDps = 8
        expect(flash.read("settings").maxRateDps).toBe(3)
    })

    it("keeps the record a restart must not forget, a copy of it too", () => {
        const flash = new TableFlash({
            settings: defaultSettings(),
            kept: null,
        })
        expect(flash.read("kept")).toBeNull()
        const kept = {
            faults: ["direction"],
            reasons: ["table moved against the drive"],
            openLoopUsedMs: 500,
        }
        flash.write("kept", kept)
        kept.faults.push("stall")
        const read = flash.read("kept")!
        expect(read.faults).toEqual(["direction"])
        read.reasons[0] = "changed"
        expect(flash.read("kept")!.reasons).toEqual([
            "table moved against the drive",
        ])
    })

    it("keeps what is written for every later read", () => {
        const flash = new TableFlash({
            settings: defaultSettings(),
            kept: null,
        })
        const changed = { ...defaultSettings(), homeDeg: -70 }
        flash.write("settings", changed)
        changed.homeDeg = -50
        expect(flash.read("settings").homeDeg).toBe(-70)
    })
})

describe("the engine", () => {
    const s = scenario({
        durationS: 1,
        seed: 5,
        table: { startAngleDeg: 10, userMassKg: 60, imuNoise: 2 },
        settings: { homeDeg: -60, maxRateDps: 2 },
        events: [
            { t: 0, set: { latch: true }, fault: "motor-reversed" },
            { t: 0.1, fault: "latch-chatter" },
            { t: 0.2, fault: "power-cycle" },
            { t: 0.3, fault: "clear" },
        ],
    })

    it("builds the model from the scenario's table, seed and home, as every runner does", () => {
        const engine = new ScenarioEngine(s)
        const same = buildModelTable({
            startAngleDeg: 10,
            userMassKg: 60,
            imuNoise: 2,
            seed: 5,
            homeDeg: -60,
            homeSwitch: false,
        })
        expect(engine.table.angleDeg).toBe(10)
        expect(engine.table.userMassKg).toBe(60)
        expect(engine.table.readImu()).toEqual(same.readImu())
        expect(engine.ticks).toBe(50)
        expect(engine.flash.read("settings")).toEqual(s.settings)
    })

    it("applies each due event's faults to the model, and hands the power cycle back", () => {
        const engine = new ScenarioEngine(s)
        const cycles: number[] = []
        for (let k = 0; k < engine.ticks; k++) {
            for (
                let e = engine.nextEvent(k);
                e !== null;
                e = engine.nextEvent(k)
            )
                if (isPowerCycle(e)) cycles.push(k)
            if (k === 0) {
                expect(engine.levels.latch).toBe(true)
                expect(engine.table.activeFaults()).toEqual(["motor-reversed"])
            }
            if (k === 5)
                expect(engine.table.activeFaults()).toEqual([
                    "motor-reversed",
                    "latch-chatter",
                ])
            if (k === 15) expect(engine.table.activeFaults()).toEqual([])
        }
        expect(cycles).toEqual([10])
        expect(engine.table.activeFaults()).toEqual(
            engine.events.injected.slice()
        )
    })
})

/** What the plant needs of the table's devices: the motor's log, the IMU, the latch. */
function standInDevices() {
    const log = new DutyLog()
    const offered: number[] = []
    const latches: boolean[] = []
    const devices = {
        motor: {
            takeSegments: (from: number, to: number) => log.take(from, to),
            get duty() {
                return log.duty
            },
        },
        imu: {
            offer: (sample: { seq: number }) => {
                offered.push(sample.seq)
                return true
            },
        },
        panel: {
            setLatch: (closed: boolean) => {
                const changed =
                    latches.length === 0 ||
                    latches[latches.length - 1] !== closed
                latches.push(closed)
                return changed
            },
        },
    }
    return {
        log,
        offered,
        latches,
        devices: devices as unknown as TableDevices,
    }
}

describe("the real-time plant loop", () => {
    const setup = {
        startAngleDeg: 0,
        userMassKg: 80,
        imuNoise: 1,
        seed: 3,
        homeDeg: -65,
        homeSwitch: false,
    }

    it("advances the model one tick at a time with the duty the motor had, and feeds its sensors each tick", async () => {
        const table = buildModelTable(setup)
        const { log, offered, latches, devices } = standInDevices()
        const plant = new RealTimePlant(table, devices)
        log.add(-1e9, 0.5) // the firmware commanded 0.5 long before
        const ticks: number[] = []
        await plant.run(
            k => {
                ticks.push(k)
                return k < 10
            },
            () => true
        )
        expect(ticks).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        // The same model, stepped as the host runner steps it: 10 ticks at 0.5.
        const host = buildModelTable(setup)
        for (let k = 0; k < 10; k++) host.advance(TICK_S, 0.5)
        expect(table.angleDeg).toBeCloseTo(host.angleDeg, 9)
        expect(table.timeS).toBeCloseTo(10 * TICK_S, 12)
        expect(table.angleDeg).toBeGreaterThan(0.5)
        // Sensors read at ticks 0..9 (not at the tick the owner ended): one new sample each.
        expect(offered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        expect(latches).toHaveLength(10)
    })

    it("lets the model stand still while work is done with the clock stopped, then runs on", async () => {
        const table = new SimTable({
            startAngleDeg: 0,
            userMassKg: 80,
            imuNoise: 1,
            seed: 1,
        })
        const { devices } = standInDevices()
        const plant = new RealTimePlant(table, devices)
        let stood = false
        await plant.run(
            k => {
                if (k === 2)
                    return plant
                        .standStill(
                            () => new Promise<void>(r => setTimeout(r, 120))
                        )
                        .then(() => {
                            stood = true
                            return true
                        })
                return k < 4
            },
            () => false
        )
        expect(stood).toBe(true)
        // However long the stand-still took, model time is ticks x 20 ms.
        expect(table.timeS).toBeCloseTo(4 * TICK_S, 12)
    })

    it("stops at once when asked", async () => {
        const table = buildModelTable(setup)
        const { devices } = standInDevices()
        const plant = new RealTimePlant(table, devices)
        let last = -1
        const done = plant.run(
            k => {
                last = k
                if (k === 3) plant.stop()
                return true
            },
            () => false
        )
        await done
        expect(last).toBe(3)
    })
})

describe("the lateness log", () => {
    it("keeps the worst firmware step and host delay since a time, and ignores what kept time", () => {
        const log = new LatenessLog()
        log.firmwareStep(20, 100)
        log.hostLate(2, 100)
        expect(log.worstSince(0)).toEqual({ firmwareStepMs: 0, hostLateMs: 0 })
        log.firmwareStep(130, 200)
        log.hostLate(45, 300)
        log.firmwareStep(40, 400)
        expect(log.worstSince(0)).toEqual({
            firmwareStepMs: 130,
            hostLateMs: 45,
        })
        expect(log.worstSince(250)).toEqual({
            firmwareStepMs: 40,
            hostLateMs: 45,
        })
        expect(log.worstSince(500)).toEqual({
            firmwareStepMs: 0,
            hostLateMs: 0,
        })
    })

    it("a run kept time only when each loop kept it and both together did", () => {
        const kept = (firmwareStepMs: number, hostLateMs: number) =>
            keptTime({ firmwareStepMs, hostLateMs })
        expect(kept(0, 0)).toBe(true)
        expect(kept(30, 20)).toBe(true)
        // each alone at its limit
        expect(kept(60, 0)).toBe(false)
        expect(kept(0, 40)).toBe(false)
        // each under its own limit, late together (a stale IMU sample): not kept
        expect(kept(59, 39.9)).toBe(false)
        expect(kept(45, 15)).toBe(false)
        expect(kept(44, 15)).toBe(true)
    })
})
