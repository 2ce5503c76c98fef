// The record kept over restarts: its validation (src/control/keptRecord.ts), its stored form and
// its two slots (src/hw/keptCodec.ts), and what a Controller does with it.

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
import { frameRecord } from "../src/hw/framedRecord"
import {
    DecodedKept,
    KEPT_FORMAT_VERSION,
    KEPT_KEYS,
    decodeKept,
    encodeKept,
    nextKept,
    readKept,
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
    it("round-trips with its generation and slot, and nothing stored means nothing kept", () => {
        const text = encodeKept(direction, 3)
        expect(decodeKept(text, 1)).toEqual({
            record: direction,
            error: null,
            generation: 3,
            slot: 1,
            text,
        })
        for (const none of ["", undefined]) {
            const d = decodeKept(none, 0)
            expect(d.record).toBe(null)
            expect(d.error).toBe(null)
            expect(d.generation).toBe(-1)
        }
    })

    it("a record of the firmware before the two slots (no generation) is generation 0", () => {
        const old = frameRecord(
            KEPT_FORMAT_VERSION,
            '{"faults":["direction"],"reasons":["table moved 0.4 deg against the drive"],"openLoopUsedMs":0}'
        )
        const d = decodeKept(old, 0)
        expect(d.record).toEqual(direction)
        expect(d.error).toBe(null)
        expect(d.generation).toBe(0)
        // Its key is the first slot's.
        expect(KEPT_KEYS[0]).toBe("tblKept")
        for (const key of KEPT_KEYS) expect(key.length).toBeLessThanOrEqual(13)
    })

    it("a damaged or impossible record is not trusted, and says why", () => {
        const good = encodeKept(direction, 2)
        const flipped = good.slice(0, -5) + "X" + good.slice(-4)
        for (const text of [
            flipped,
            good.slice(0, good.length - 3),
            "2" + good.slice(1),
            "garbage",
            withJson("{not json"),
            withJson('{"faults":["imu"],"reasons":["x"],"openLoopUsedMs":0}'),
            withJson(
                '{"generation":-1,"faults":[],"reasons":[],"openLoopUsedMs":0}'
            ),
            withJson(
                '{"generation":1.5,"faults":[],"reasons":[],"openLoopUsedMs":0}'
            ),
            withJson(
                '{"generation":"3","faults":[],"reasons":[],"openLoopUsedMs":0}'
            ),
        ]) {
            const d = decodeKept(text, 0)
            expect(d.record, text).toBe(null)
            expect(d.error, text).toMatch(/^stored safety record /)
            expect(d.generation, text).toBe(-1)
        }
    })
})

/** The flash's two slots after the writes of `records`, from `texts`, as the firmware makes them. */
function writeAll(texts: string[], records: KeptRecord[]): string[] {
    const out = texts.slice()
    for (const r of records) {
        const next = nextKept(readKept(out[0], out[1]), r)
        if (next !== null) out[next.slot] = next.text
    }
    return out
}

const stall: KeptRecord = {
    faults: ["stall"],
    reasons: ["the drive did not move the table"],
    openLoopUsedMs: 0,
}
const cleared: KeptRecord = { faults: [], reasons: [], openLoopUsedMs: 0 }

describe("the two slots", () => {
    it("a start uses the sound slot of the newest generation", () => {
        const older = encodeKept(direction, 4)
        const newer = encodeKept(stall, 5)
        for (const [a, b] of [
            [older, newer],
            [newer, older],
        ]) {
            const d = readKept(a, b)
            expect(d.record).toEqual(stall)
            expect(d.generation).toBe(5)
            expect(d.error).toBe(null)
        }
        // A damaged slot beside a sound one: the sound one, no complaint.
        const torn = newer.slice(0, 20)
        expect(readKept(older, torn).record).toEqual(direction)
        expect(readKept(torn, older).record).toEqual(direction)
        expect(readKept(torn, older).error).toBe(null)
    })

    it("with no sound slot: a complaint if either holds a record, nothing kept if neither does", () => {
        const torn = encodeKept(direction, 0).slice(0, 20)
        for (const [a, b] of [
            [torn, ""],
            ["", torn],
            [torn, torn],
        ]) {
            const d: DecodedKept = readKept(a, b)
            expect(d.record).toBe(null)
            expect(d.error).toMatch(/^stored safety record /)
        }
        const none = readKept("", "")
        expect(none.record).toBe(null)
        expect(none.error).toBe(null)
    })

    it("writes go to the slot the start did not read, one generation on; an unchanged record is not written", () => {
        const first = nextKept(readKept("", ""), direction)!
        expect(first.generation).toBe(0)
        const flash = ["", ""]
        flash[first.slot] = first.text
        const second = nextKept(readKept(flash[0], flash[1]), stall)!
        expect(second.slot).toBe(1 - first.slot)
        expect(second.generation).toBe(1)
        expect(second.record).toEqual(stall)
        flash[second.slot] = second.text
        expect(readKept(flash[0], flash[1]).record).toEqual(stall)
        expect(nextKept(readKept(flash[0], flash[1]), stall)).toBe(null)
        expect(nextKept(second, stall)).toBe(null)
    })

    it("a table of the firmware before the two slots keeps its record, and its next write leaves it whole", () => {
        const old = frameRecord(KEPT_FORMAT_VERSION, JSON.stringify(direction))
        expect(readKept(old, "").record).toEqual(direction)
        const next = nextKept(readKept(old, ""), stall)!
        expect(next.slot).toBe(1)
        expect(next.generation).toBe(1)
    })

    // The defect the torn-write campaign found (docs/campaign.md): the store erased its only record
    // and the power was cut before the first byte of the new one; the start then read "nothing
    // stored" and forgot the direction fault without the settings notice.
    it("a write cut after its erase, before its first byte, never loses the kept faults", () => {
        for (const earlier of [[], [stall], [stall, cleared]]) {
            const flash = writeAll(["", ""], [...earlier, direction])
            const w = nextKept(readKept(flash[0], flash[1]), cleared)!
            const cut = flash.slice()
            cut[w.slot] = ""
            const d = readKept(cut[0], cut[1])
            expect(d.error).toBe(null)
            expect(d.record, JSON.stringify(cut)).toEqual(direction)
        }
    })

    it("a write cut at any byte, erased first or in place, leaves the old record or the new one", () => {
        const flash = writeAll(["", ""], [stall, direction])
        const w = nextKept(readKept(flash[0], flash[1]), cleared)!
        const old = flash[w.slot]
        for (let cut = 0; cut < w.text.length; cut++)
            for (const text of [
                w.text.slice(0, cut),
                w.text.slice(0, cut) + old.slice(cut),
            ]) {
                const t = flash.slice()
                t[w.slot] = text
                const d = readKept(t[0], t[1])
                expect(d.error).toBe(null)
                expect([direction, cleared]).toContainEqual(d.record)
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
        expect(c.supervisor.openLoop.usedMs).toBe(60000)
        expect(c.keptRecord().openLoopUsedMs).toBe(60000)
    })
})
