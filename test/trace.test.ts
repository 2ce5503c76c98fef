// The trace CSV (scenario-format.md): the number rules and a faithful round trip.

import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import fc from "fast-check"
import { SOUND_NAMES } from "../src/control/exercise"
import { describe, expect, it } from "vitest"
import { FAULT_NAMES, StateName } from "../src/control/types"
import {
    formatTraceNumber,
    formatTraceRow,
    openTraceFile,
    parseTrace,
    streamTraceWriter,
    TRACE_HEADER,
    TraceNumberError,
    TraceParseError,
    TraceRow,
    traceToCsv,
} from "../sim/trace"

const STATES: StateName[] = [
    "boot",
    "idle",
    "moving",
    "holding",
    "deadman",
    "returning",
    "fault",
    "service",
]

function row(patch: Partial<TraceRow> = {}): TraceRow {
    return {
        tS: 0,
        angleDeg: -65,
        estDeg: -64.98765,
        targetDeg: -65,
        rateDps: 0,
        duty: 0,
        state: "idle",
        faults: [],
        latch: true,
        deadman: false,
        capDeg: 45,
        sessionS: 0,
        sound: "",
        ...patch,
    }
}

describe("numbers", () => {
    it("have at most 4 decimals, rounded, without trailing zeros", () => {
        expect(formatTraceNumber(0)).toBe("0")
        expect(formatTraceNumber(45)).toBe("45")
        expect(formatTraceNumber(-65)).toBe("-65")
        expect(formatTraceNumber(0.5)).toBe("0.5")
        expect(formatTraceNumber(0.02)).toBe("0.02")
        expect(formatTraceNumber(1.23456)).toBe("1.2346")
        expect(formatTraceNumber(1.23454)).toBe("1.2345")
        expect(formatTraceNumber(-1.23456)).toBe("-1.2346")
        expect(formatTraceNumber(2.99999)).toBe("3")
        expect(formatTraceNumber(1.10000001)).toBe("1.1")
        expect(formatTraceNumber(0.1 + 0.2)).toBe("0.3")
        expect(formatTraceNumber(1e-9)).toBe("0")
        expect(formatTraceNumber(123456.7)).toBe("123456.7")
        expect(formatTraceNumber(1e21)).toBe("1000000000000000000000")
    })

    it("are never -0", () => {
        expect(formatTraceNumber(-0)).toBe("0")
        expect(formatTraceNumber(-0.00001)).toBe("0")
        expect(formatTraceNumber(-0.00004999)).toBe("0")
    })

    it("are exactly toFixed(4) with trailing zeros stripped, however they are computed", () => {
        // The definition, as the trace has always written numbers; the writer takes a faster way.
        const definition = (x: number) => {
            if (Math.abs(x) >= 1e21) return BigInt(x).toString()
            const text = x.toFixed(4).replace(/\.?0+$/, "")
            return text === "-0" ? "0" : text
        }
        const same = (x: number): void => {
            expect(formatTraceNumber(x), String(x)).toBe(definition(x))
        }
        // Near every kind of rounding boundary: halves of the 4th decimal, a shade either side.
        fc.assert(
            fc.property(
                fc.integer({ min: -2e9, max: 2e9 }),
                fc.constantFrom(0, 0.5, 0.4999999, 0.5000001, 1e-7, -1e-7),
                (n, d) => same((n + d) / 10000)
            ),
            { numRuns: 5000 }
        )
        fc.assert(
            fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), same),
            { numRuns: 5000 }
        )
        fc.assert(
            fc.property(
                fc.double({ noNaN: true, noDefaultInfinity: true }),
                same
            ),
            { numRuns: 2000 }
        )
        for (const x of [
            0.00005,
            -0.00005,
            0.00015,
            1.00005,
            99999.99995,
            100000,
            -100000,
            99999.999949,
            1e-300,
            -1e-300,
            5e-324,
            7200,
            0.02 * 3,
            1 / 3,
        ])
            same(x)
    })

    it("must be finite: NaN and infinities are bugs and stop the run", () => {
        expect(() => formatTraceNumber(NaN)).toThrow(TraceNumberError)
        expect(() => formatTraceNumber(Infinity)).toThrow(TraceNumberError)
        expect(() => formatTraceNumber(-Infinity)).toThrow(TraceNumberError)
        expect(() => formatTraceRow(row({ tS: 1.5, duty: NaN }))).toThrow(
            "at t=1.5: duty is NaN"
        )
    })

    it("stay within 0.00005 of the value for any finite number", () => {
        fc.assert(
            fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), x => {
                const text = formatTraceNumber(x)
                expect(text).toMatch(/^-?(0|[1-9][0-9]*)(\.[0-9]{0,3}[1-9])?$/)
                expect(text).not.toBe("-0")
                expect(Math.abs(Number(text) - x)).toBeLessThanOrEqual(
                    0.00005 + 1e-9
                )
            })
        )
    })
})

describe("rows", () => {
    it("follow the header's column order, with faults joined by | and 1/0 flags", () => {
        expect(TRACE_HEADER).toBe(
            "t_s,angle_deg,est_deg,target_deg,rate_dps,duty,state,faults,latch,deadman,cap_deg,session_s,sound"
        )
        expect(formatTraceRow(row())).toBe(
            "0,-65,-64.9877,-65,0,0,idle,,1,0,45,0,"
        )
        expect(
            formatTraceRow(
                row({
                    tS: 70.02,
                    angleDeg: 12.3,
                    duty: -0.25,
                    state: "fault",
                    faults: ["imu", "latch"],
                    latch: false,
                    deadman: true,
                })
            )
        ).toBe("70.02,12.3,-64.9877,-65,0,-0.25,fault,imu|latch,0,1,45,0,")
    })
})

describe("round trip", () => {
    const arbRow: fc.Arbitrary<TraceRow> = fc.record({
        tS: fc.integer({ min: 0, max: 360000 }).map(k => k / 50),
        angleDeg: fc.double({ min: -90, max: 95, noNaN: true }),
        estDeg: fc.double({ min: -90, max: 95, noNaN: true }),
        targetDeg: fc.double({ min: -90, max: 90, noNaN: true }),
        rateDps: fc.double({ min: -20, max: 20, noNaN: true }),
        duty: fc.double({ min: -1, max: 1, noNaN: true }),
        state: fc.constantFrom(...STATES),
        faults: fc.subarray(FAULT_NAMES),
        latch: fc.boolean(),
        deadman: fc.boolean(),
        capDeg: fc.integer({ min: 0, max: 90 }),
        sessionS: fc.integer({ min: 0, max: 90000 }).map(k => k / 100),
        sound: fc.constantFrom("", ...SOUND_NAMES),
    })

    it("parses what it writes, to 4 decimals", () => {
        fc.assert(
            fc.property(fc.array(arbRow, { maxLength: 20 }), rows => {
                const csv = traceToCsv(rows)
                const back = parseTrace(csv)
                expect(back).toHaveLength(rows.length)
                back.forEach((b, i) => {
                    const r = rows[i]
                    for (const key of [
                        "tS",
                        "angleDeg",
                        "estDeg",
                        "targetDeg",
                        "rateDps",
                        "duty",
                    ] as const) {
                        expect(Math.abs(b[key] - r[key])).toBeLessThanOrEqual(
                            0.00005 + 1e-9
                        )
                    }
                    expect({
                        ...b,
                        tS: 0,
                        angleDeg: 0,
                        estDeg: 0,
                        targetDeg: 0,
                        rateDps: 0,
                        duty: 0,
                    }).toEqual({
                        ...r,
                        tS: 0,
                        angleDeg: 0,
                        estDeg: 0,
                        targetDeg: 0,
                        rateDps: 0,
                        duty: 0,
                    })
                })
                // Writing what was parsed gives the same text again.
                expect(traceToCsv(back)).toBe(csv)
            })
        )
    })

    it("streams the same text as traceToCsv, through a file or a sink", () => {
        const rows: TraceRow[] = []
        // Enough rows to cross the writer's chunk size several times.
        for (let k = 0; k < 5000; k++)
            rows.push(
                row({
                    tS: k / 50,
                    angleDeg: -65 + k / 100,
                    state: k % 2 ? "moving" : "holding",
                })
            )
        const chunks: string[] = []
        const sinkWriter = streamTraceWriter(chunk => chunks.push(chunk))
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trace-test-"))
        const file = path.join(dir, "t.csv")
        const fileWriter = openTraceFile(file)
        for (const r of rows) {
            sinkWriter.write(r)
            fileWriter.write(r)
        }
        sinkWriter.close()
        fileWriter.close()
        expect(chunks.length).toBeGreaterThan(1)
        expect(chunks.join("")).toBe(traceToCsv(rows))
        expect(fs.readFileSync(file, "utf8")).toBe(traceToCsv(rows))
        fs.rmSync(dir, { recursive: true })
    })

    it("writes just the header for no rows", () => {
        expect(traceToCsv([])).toBe(TRACE_HEADER + "\n")
        expect(parseTrace(TRACE_HEADER + "\n")).toEqual([])
    })
})

describe("the parser", () => {
    const bad = (line: string) => () =>
        parseTrace(TRACE_HEADER + "\n" + line + "\n")

    it("refuses what the writer never writes, naming the line", () => {
        expect(() => parseTrace("t,angle\n")).toThrow(TraceParseError)
        expect(bad("0,-65,-65,-65,0,0,idle,,1")).toThrow(
            "line 2: expected 13 cells, found 9"
        )
        expect(bad("0,NaN,-65,-65,0,0,idle,,1,0,45,0,")).toThrow(
            'line 2: angle_deg: "NaN" is not a trace number'
        )
        expect(bad("0,,-65,-65,0,0,idle,,1,0,45,0,")).toThrow(
            'angle_deg: "" is not a trace number'
        )
        expect(bad("0,-0,-65,-65,0,0,idle,,1,0,45,0,")).toThrow(
            'angle_deg: "-0" is not a trace number'
        )
        expect(bad("0,1.23456,-65,-65,0,0,idle,,1,0,45,0,")).toThrow(
            "is not a trace number"
        )
        expect(bad("0,1.50,-65,-65,0,0,idle,,1,0,45,0,")).toThrow(
            "is not a trace number"
        )
        expect(bad("0,-65,-65,-65,0,0,sleeping,,1,0,45,0,")).toThrow(
            'state: "sleeping" is not a state'
        )
        expect(bad("0,-65,-65,-65,0,0,fault,imu|fire,1,0,45,0,")).toThrow(
            'faults: "fire" is not a fault'
        )
        expect(bad("0,-65,-65,-65,0,0,idle,,true,0,45,0,")).toThrow(
            'latch: expected 0 or 1, found "true"'
        )
        expect(bad("0,-65,-65,-65,0,0,idle,,1,0,45,0,kazoo")).toThrow(
            'sound: "kazoo" is not a sound'
        )
    })
})
