// The fault register (latched, first reason kept, reported in FAULT_NAMES order) and the fault policy
// (what each fault still allows, the strictest winning), as faults.ts and faultPolicy.ts document.

import { describe, expect, it } from "vitest"
import {
    RECOVERY_ALL,
    RECOVERY_HELPER_UP,
    RECOVERY_NONE,
    RECOVERY_OPEN_LOOP_UP,
    RECOVERY_TOWARD_HOME,
    recoveryAllowed,
} from "../src/control/faultPolicy"
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

describe("recoveryAllowed", () => {
    const HOME = -65
    it("no fault: everything", () => {
        expect(recoveryAllowed(withFaults([]), 10, HOME)).toBe(RECOVERY_ALL)
    })

    it("each fault alone, as faultPolicy.ts documents", () => {
        const expected: [FaultName, number, number][] = [
            ["imu", 10, RECOVERY_OPEN_LOOP_UP],
            ["latch", 10, RECOVERY_HELPER_UP],
            ["overspeed", 10, RECOVERY_HELPER_UP],
            ["stall", 10, RECOVERY_HELPER_UP],
            ["direction", 10, RECOVERY_NONE],
            ["watchdog", 10, RECOVERY_TOWARD_HOME],
            ["settings", 10, RECOVERY_TOWARD_HOME],
            ["overtravel", 50, RECOVERY_TOWARD_HOME],
            ["overtravel", -71, RECOVERY_NONE],
        ]
        for (const [name, est, allowed] of expected)
            expect(
                recoveryAllowed(withFaults([name]), est, HOME),
                name + " at " + est
            ).toBe(allowed)
    })

    it("the strictest of several wins", () => {
        expect(
            recoveryAllowed(withFaults(["settings", "latch"]), 10, HOME)
        ).toBe(RECOVERY_HELPER_UP)
        expect(recoveryAllowed(withFaults(["latch", "imu"]), 10, HOME)).toBe(
            RECOVERY_OPEN_LOOP_UP
        )
        expect(
            recoveryAllowed(withFaults(["imu", "direction"]), 10, HOME)
        ).toBe(RECOVERY_NONE)
        for (const other of FAULT_NAMES)
            expect(
                recoveryAllowed(withFaults([other, "direction"]), 10, HOME)
            ).toBe(RECOVERY_NONE)
    })
})
