// The settings record's checksum (src/hw/checksum.ts). The VM must compute the same numbers:
// test/device/hw.dtest.ts checks the same vectors there.

import { describe, expect, it } from "vitest"
import { checksum32 } from "../src/hw/checksum"

/** Published 32-bit FNV-1a test vectors, plus one settings-like string. */
const VECTORS: [string, number][] = [
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
    ["hello", 1335831723],
]

describe("checksum32 (FNV-1a, 32 bit)", () => {
    it("matches the published vectors", () => {
        for (const [text, sum] of VECTORS) expect(checksum32(text)).toBe(sum)
    })

    it("is an unsigned 32-bit integer", () => {
        for (const t of ["x", "maxAngleDeg", '{"a":1}', "~".repeat(300)]) {
            const s = checksum32(t)
            expect(Number.isInteger(s)).toBe(true)
            expect(s).toBeGreaterThanOrEqual(0)
            expect(s).toBeLessThan(2 ** 32)
        }
    })

    it("changes with any single-character change of a settings record", () => {
        const json =
            '{"maxAngleDeg":45,"maxRateDps":4,"returnRateDps":4,"accelDps2":4,"deadmanGraceS":3,"sessionLimitS":300,"homeDeg":-65,"progression":true}'
        const base = checksum32(json)
        for (let i = 0; i < json.length; i++) {
            const code = json.charCodeAt(i)
            for (const flip of [1, 2, 4, 8, 16, 32, 64]) {
                const changed =
                    json.slice(0, i) +
                    String.fromCharCode(code ^ flip) +
                    json.slice(i + 1)
                if (checksum32(changed) === base)
                    throw new Error(`collision at ${i} flip ${flip}`)
            }
        }
        expect(checksum32(json.slice(0, -1))).not.toBe(base)
    })
})
