// The exercise program's records in flash: the progress (src/hw/progressCodec.ts) and the session
// records (src/hw/sessionCodec.ts), both in the frame of src/hw/framedRecord.ts.

import { describe, expect, it } from "vitest"
import { SessionRecord } from "../src/control/sessions"
import { frameRecord } from "../src/hw/framedRecord"
import {
    PROGRESS_FORMAT_VERSION,
    decodeBoots,
    decodeProgress,
    encodeProgress,
} from "../src/hw/progressCodec"
import {
    SESSION_END_MAX_CHARS,
    SESSION_RECORD_VERSION,
    decodeSessionRecord,
    encodeSessionRecord,
    sessionKey,
} from "../src/hw/sessionCodec"

const SAFEST =
    /the safest progress in use \(0 counted, warnings not acknowledged\)$/

describe("the stored progress", () => {
    it("comes back as it was stored; nothing stored is no progress and no complaint", () => {
        for (const p of [
            { countedSessions: 0, warningsAcknowledged: false },
            { countedSessions: 0, warningsAcknowledged: true },
            { countedSessions: 32, warningsAcknowledged: true },
        ])
            expect(decodeProgress(encodeProgress(p))).toEqual({
                progress: p,
                error: null,
            })
        expect(decodeProgress("")).toEqual({ progress: null, error: null })
        expect(decodeProgress(undefined)).toEqual({
            progress: null,
            error: null,
        })
    })

    it("damaged, of another version or impossible: no progress (the safest is used) and the reason", () => {
        const good = encodeProgress({
            countedSessions: 5,
            warningsAcknowledged: true,
        })
        const cases: [unknown, RegExp][] = [
            [42, /unreadable \(not text\)/],
            ["garbage", /no version and checksum/],
            ["9" + good.slice(1), /of format version 9, expected 1/],
            [
                good.replace('"countedSessions":5', '"countedSessions":6'),
                /checksum/,
            ],
            [frameRecord(PROGRESS_FORMAT_VERSION, "{nope"), /bad JSON/],
            [
                frameRecord(
                    PROGRESS_FORMAT_VERSION,
                    JSON.stringify({
                        countedSessions: 40,
                        warningsAcknowledged: true,
                    })
                ),
                /impossible \(countedSessions out of range/,
            ],
            [
                frameRecord(
                    PROGRESS_FORMAT_VERSION,
                    JSON.stringify({
                        countedSessions: 3,
                        warningsAcknowledged: false,
                    })
                ),
                /impossible \(sessions counted without the warnings/,
            ],
        ]
        for (const [text, why] of cases) {
            const d = decodeProgress(text)
            expect(d.progress, String(text)).toBeNull()
            expect(d.error, String(text)).toMatch(why)
            expect(d.error).toMatch(SAFEST)
        }
    })

    it("survives no single bit flip unnoticed", () => {
        const good = encodeProgress({
            countedSessions: 12,
            warningsAcknowledged: true,
        })
        for (let i = 0; i < good.length; i++)
            for (let bit = 0; bit < 7; bit++) {
                const flipped =
                    good.slice(0, i) +
                    String.fromCharCode(good.charCodeAt(i) ^ (1 << bit)) +
                    good.slice(i + 1)
                const d = decodeProgress(flipped)
                // Either refused, or (a flip the frame cannot see, e.g. in the version's digit that
                // makes another number) never a deeper cap than what was stored.
                if (d.progress !== null)
                    expect(d.progress.countedSessions).toBeLessThanOrEqual(12)
            }
    })

    it("counts the starts: a number, or 0 for anything else", () => {
        expect(decodeBoots("17")).toBe(17)
        for (const bad of [null, "", "x", "-3", "1.5"])
            expect(decodeBoots(bad), String(bad)).toBe(0)
    })
})

describe("a stored session record", () => {
    const r: SessionRecord = {
        number: 17,
        boot: 3,
        startS: 5421.44,
        invertedS: 288.2,
        deepestDeg: 35.06,
        capDeg: 35,
        counted: true,
        end: "home",
    }

    it("is one short line that comes back as stored (to 0.1)", () => {
        const line = encodeSessionRecord(r)
        expect(line).toMatch(/^1\|\d+\|17,3,5421.4,288.2,35.1,35,1,home$/)
        expect(decodeSessionRecord(line)).toEqual({
            ...r,
            startS: 5421.4,
            deepestDeg: 35.1,
        })
        expect(SESSION_RECORD_VERSION).toBe(1)
        expect(sessionKey(7)).toBe("tblSes07")
        expect(sessionKey(49)).toBe("tblSes49")
    })

    it("keeps a technician's reason readable: commas and bars become semicolons, long ones are cut", () => {
        const line = encodeSessionRecord({
            ...r,
            end: "progress 3: moved, from table | B " + "x".repeat(200),
        })
        const back = decodeSessionRecord(line)!
        expect(back.end.startsWith("progress 3: moved; from table ; B x")).toBe(
            true
        )
        expect(back.end.length).toBe(SESSION_END_MAX_CHARS)
    })

    it("is refused when damaged or impossible, even with a valid checksum", () => {
        const line = encodeSessionRecord(r)
        expect(decodeSessionRecord(line.replace(",35,1,", ",36,1,"))).toBeNull()
        expect(decodeSessionRecord("2" + line.slice(1))).toBeNull()
        expect(decodeSessionRecord(42)).toBeNull()
        expect(decodeSessionRecord("")).toBeNull()
        for (const body of [
            "17,3,1,1,1,35,1",
            "17,3,1,1,1,35,2,home",
            "-1,3,1,1,1,35,1,home",
            "17,3,-5,1,1,35,1,home",
            "17,3,1,1,100,35,1,home",
            "17,3,1,1,1,95,1,home",
            "17,3,1e3,1,1,35,1,home",
            "17,3,,1,1,35,1,home",
        ])
            expect(
                decodeSessionRecord(frameRecord(SESSION_RECORD_VERSION, body)),
                body
            ).toBeNull()
    })
})
