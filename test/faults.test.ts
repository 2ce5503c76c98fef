// The fault register (latched, first reason kept, reported in FAULT_NAMES order) and the fault policy
// (what each fault still allows, the strictest winning), as faults.ts and faultPolicy.ts document.

import { describe, expect, it } from "vitest"
import {
    PolicyContext,
    allowanceOf,
    newAllowance,
    openLoopDutyFor,
} from "../src/control/faultPolicy"
import {
    ALLOW_ALL,
    ALLOW_HELPER_UP,
    ALLOW_NOTHING,
    ALLOW_TOWARD_HOME,
    FAULT_TABLE,
    NO_RATE_CAP_DPS,
    faultIndex,
} from "../src/control/faultTable"
import { IMU_FAULT_UP_DUTY, LATCH_HELPER_RATE_DPS } from "../src/control/limits"
import {
    MOTOR_DEADZONE_DUTY,
    OPEN_LOOP_FASTEST_DPS_PER_DUTY,
} from "../src/control/tuning"
import { FaultRegister } from "../src/control/faults"
import { FAULT_NAMES, FaultName } from "../src/control/types"

function withFaults(names: FaultName[]): FaultRegister {
    const f = new FaultRegister()
    for (const n of names) f.raise(n, "because " + n)
    return f
}

describe("FaultRegister", () => {
    it("the names are behaviour.md's fault table, in its order", () => {
        expect(FAULT_NAMES).toEqual([
            "imu",
            "latch",
            "overtravel",
            "overspeed",
            "stall",
            "direction",
            "watchdog",
            "settings",
        ])
    })

    it("raises, latches the first reason, reports in FAULT_NAMES order", () => {
        const f = new FaultRegister()
        expect(f.any()).toBe(false)
        f.raise("watchdog", "late")
        expect(f.raisedNow).toBe(true)
        f.raisedNow = false
        f.raise("imu", "stale")
        f.raise("imu", "frozen")
        expect(f.names()).toEqual(["imu", "watchdog"])
        expect(f.reasonList()).toEqual(["imu: stale", "watchdog: late"])
        expect(f.has("imu")).toBe(true)
        expect(f.has("latch")).toBe(false)
    })

    it("raising a fault already latched does not count as raised now", () => {
        const f = withFaults(["latch"])
        f.raisedNow = false
        f.raise("latch", "again")
        expect(f.raisedNow).toBe(false)
    })

    it("clear removes the fault and its reason; a new raise takes the new reason", () => {
        const f = withFaults(["stall"])
        f.clear("stall")
        expect(f.any()).toBe(false)
        expect(f.reasonList()).toEqual([])
        f.raise("stall", "second")
        expect(f.reasonList()).toEqual(["stall: second"])
    })

    it("anyExcept ignores the named faults", () => {
        expect(withFaults(["settings"]).anyExcept(["settings"])).toBe(false)
        expect(withFaults(["settings", "latch"]).anyExcept(["settings"])).toBe(
            true
        )
    })
})

describe("allowanceOf: what the active faults allow", () => {
    const HOME = -65
    const ctx = (over: Partial<PolicyContext> = {}): PolicyContext => ({
        estDeg: 10,
        homeDeg: HOME,
        latchSteady: false,
        homeSwitchKnown: false,
        ...over,
    })
    const of = (names: FaultName[], c: PolicyContext = ctx()) =>
        allowanceOf(withFaults(names), c, newAllowance())

    it("no fault: everything, no cap, closed loop", () => {
        const a = of([])
        expect(a.level).toBe(ALLOW_ALL)
        expect(a.rateCapDps).toBe(NO_RATE_CAP_DPS)
        expect(a.openLoop).toBe(false)
        expect(a.openLoopDutyMax).toBe(IMU_FAULT_UP_DUTY)
    })

    it("each fault alone: the level of its row in the fault table", () => {
        const expected: [FaultName, Partial<PolicyContext>, number][] = [
            ["imu", {}, ALLOW_HELPER_UP],
            ["imu", { homeSwitchKnown: true }, ALLOW_TOWARD_HOME],
            ["latch", {}, ALLOW_HELPER_UP],
            ["latch", { latchSteady: true }, ALLOW_TOWARD_HOME],
            ["overspeed", {}, ALLOW_HELPER_UP],
            ["stall", {}, ALLOW_HELPER_UP],
            ["direction", {}, ALLOW_NOTHING],
            ["watchdog", {}, ALLOW_TOWARD_HOME],
            ["settings", {}, ALLOW_TOWARD_HOME],
            ["overtravel", { estDeg: 50 }, ALLOW_TOWARD_HOME],
            ["overtravel", { estDeg: -71 }, ALLOW_NOTHING],
        ]
        for (const [name, over, level] of expected)
            expect(
                of([name], ctx(over)).level,
                name + " " + JSON.stringify(over)
            ).toBe(level)
        for (const row of FAULT_TABLE)
            expect(of([row.name]).openLoop, row.name).toBe(row.openLoop)
    })

    it("a latch that is open or bouncing caps every rate at the helper's; steady again, no cap", () => {
        expect(of(["latch"]).rateCapDps).toBe(LATCH_HELPER_RATE_DPS)
        expect(of(["latch"], ctx({ latchSteady: true })).rateCapDps).toBe(
            NO_RATE_CAP_DPS
        )
    })

    it("several faults: the strictest level, the lowest cap, open-loop if any", () => {
        expect(of(["settings", "latch"]).level).toBe(ALLOW_HELPER_UP)
        const both = of(["latch", "imu"])
        expect(both.level).toBe(ALLOW_HELPER_UP)
        expect(both.openLoop).toBe(true)
        expect(both.rateCapDps).toBe(LATCH_HELPER_RATE_DPS)
        // With a known home switch the imu fault alone would allow the automatic returns; the open
        // latch still allows only the helper's UP.
        expect(of(["latch", "imu"], ctx({ homeSwitchKnown: true })).level).toBe(
            ALLOW_HELPER_UP
        )
        for (const other of FAULT_NAMES)
            expect(of([other, "direction"]).level).toBe(ALLOW_NOTHING)
    })

    it("an open-loop drive with the latch open is slow enough for the latch's rate on the fastest drive", () => {
        const a = of(["latch", "imu"])
        expect(a.openLoopDutyMax).toBeLessThan(IMU_FAULT_UP_DUTY)
        const fastestDps =
            (a.openLoopDutyMax - MOTOR_DEADZONE_DUTY) *
            OPEN_LOOP_FASTEST_DPS_PER_DUTY
        expect(fastestDps).toBeLessThanOrEqual(LATCH_HELPER_RATE_DPS + 1e-9)
        expect(openLoopDutyFor(LATCH_HELPER_RATE_DPS)).toBe(a.openLoopDutyMax)
        // The imu fault alone keeps the contract's 30 %.
        expect(of(["imu"]).openLoopDutyMax).toBe(IMU_FAULT_UP_DUTY)
    })
})

describe("the fault table", () => {
    it("has one row per fault, bits in order, every text filled in", () => {
        expect(FAULT_TABLE.map(r => r.name)).toEqual(FAULT_NAMES)
        FAULT_TABLE.forEach((row, i) => {
            expect(faultIndex(row.name)).toBe(i)
            for (const text of [
                row.raisedWhen,
                row.allowsText,
                row.goneWhen,
                row.meaning,
            ])
                expect(text.length, row.name).toBeGreaterThan(10)
        })
        expect(faultIndex("nonsense")).toBe(-1)
    })

    it("only the settings notice is not an alarm; the faults a boot cannot re-check are kept over restarts", () => {
        expect(
            FAULT_TABLE.filter(r => r.kind === "notice").map(r => r.name)
        ).toEqual(["settings"])
        expect(
            FAULT_TABLE.filter(r => r.survivesRestart).map(r => r.name)
        ).toEqual(["overspeed", "stall", "direction"])
    })

    it("the register reports alarms and kept faults from the rows", () => {
        const f = withFaults(["settings"])
        expect(f.anyAlarm()).toBe(false)
        f.raise("direction", "x")
        expect(f.anyAlarm()).toBe(true)
        expect(f.keptBits()).toBe(1 << faultIndex("direction"))
    })
})
