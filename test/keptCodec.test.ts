// The record kept over restarts: its validation (src/control/keptRecord.ts), its stored form
// (src/hw/keptCodec.ts), and what a Controller does with it.

import { describe, expect, it } from "vitest"
import { Controller } from "../src/control/controller"
import {
    KEPT_REASON_MAX_CHARS,
    KeptRecord,
    checkKeptRecord,
    emptyKeptRecord,
} from "../src/control/keptRecord"
import { IMU_FAULT_UP_MAX_MS } from "../src/control/limits"
import { defaultSettings } from "../src/control/settings"
import { checksum32 } from "../src/hw/checksum"
import {
    KEPT_FORMAT_VERSION,
    decodeKept,
    encodeKept,
} from "../src/hw/keptCodec"

const direction: KeptRecord = {
    faults: ["direction"],
    reasons: ["table moved 0.4 deg against the drive"],
    openLoopUsedMs: 0,
}

function withJson(json: string): string {
    return KEPT_FORMAT_VERSION + "|" + checksum32(json) + "|" + json
}

describe("checkKeptRecord", () => {
    it("accepts the empty record and one with the faults a boot cannot re-check", () => {
        expect(checkKeptRecord(emptyKeptRecord())).toBe(null)
        expect(checkKeptRecord(direction)).toBe(null)
        expect(
            checkKeptRecord({
                faults: ["overspeed", "stall", "direction"],
                reasons: ["a", "b", "c"],
                openLoopUsedMs: IMU_FAULT_UP_MAX_MS,
            })
        ).toBe(null)
    })

    it("refuses anything a restart could be misled by", () => {
        const bad: unknown[] = [
            null,
            "direction",
            { faults: [], reasons: [] },
            { faults: ["imu"], reasons: ["x"], openLoopUsedMs: 0 },
            { faults: ["nonsense"], reasons: ["x"], openLoopUsedMs: 0 },
            {
                faults: ["direction", "stall"],
                reasons: ["a", "b"],
                openLoopUsedMs: 0,
            },
            { faults: ["direction"], reasons: [], openLoopUsedMs: 0 },
            { faults: ["direction"], reasons: [7], openLoopUsedMs: 0 },
            {
                faults: ["direction"],
                reasons: ["x".repeat(KEPT_REASON_MAX_CHARS + 1)],
                openLoopUsedMs: 0,
            },
            { faults: [], reasons: [], openLoopUsedMs: -1 },
            {
                faults: [],
                reasons: [],
                openLoopUsedMs: IMU_FAULT_UP_MAX_MS + 1,
            },
            { faults: [], reasons: [], openLoopUsedMs: NaN },
        ]
        for (const x of bad)
            expect(checkKeptRecord(x), JSON.stringify(x)).not.toBe(null)
    })
})

describe("the stored kept record", () => {
    it("round-trips, and nothing stored means nothing kept", () => {
        expect(decodeKept(encodeKept(direction))).toEqual({
            record: direction,
            error: null,
        })
        expect(decodeKept("")).toEqual({ record: null, error: null })
        expect(decodeKept(undefined)).toEqual({ record: null, error: null })
    })

    it("a damaged or impossible record is not trusted, and says why", () => {
        const good = encodeKept(direction)
        const flipped = good.slice(0, -5) + "X" + good.slice(-4)
        for (const text of [
            flipped,
            good.slice(0, good.length - 3),
            "2" + good.slice(1),
            "garbage",
            withJson("{not json"),
            withJson('{"faults":["imu"],"reasons":["x"],"openLoopUsedMs":0}'),
        ]) {
            const d = decodeKept(text)
            expect(d.record, text).toBe(null)
            expect(d.error, text).toMatch(/^stored safety record /)
        }
    })
})

describe("a Controller started with a kept record", () => {
    it("shows the kept fault from its first tick, and keeps its reason", () => {
        const c = new Controller(defaultSettings(), null, direction)
        expect(c.supervisor.faults.has("direction")).toBe(true)
        const kept = c.keptRecord()
        expect(kept.faults).toEqual(["direction"])
        expect(kept.reasons[0]).toMatch(
            /^table moved 0.4 deg against the drive \(kept over a restart\)$/
        )
        // A second restart does not add to the reason.
        const again = new Controller(defaultSettings(), null, kept)
        expect(again.keptRecord().reasons).toEqual(kept.reasons)
    })

    it("a record it cannot trust raises the settings notice and keeps nothing", () => {
        const c = new Controller(defaultSettings(), null, {
            faults: ["imu"],
            reasons: ["x"],
            openLoopUsedMs: 0,
        })
        expect(c.supervisor.faults.names()).toEqual(["settings"])
        expect(c.supervisor.faults.reasonList()[0]).toMatch(
            /stored safety record unreadable/
        )
    })

    it("the open-loop time already used comes back with it", () => {
        const c = new Controller(defaultSettings(), null, {
            faults: [],
            reasons: [],
            openLoopUsedMs: 60000,
        })
        expect(c.supervisor.openLoopUsedMs).toBe(60000)
        expect(c.keptRecord().openLoopUsedMs).toBe(60000)
    })
})
