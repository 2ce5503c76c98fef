// The TICK line, writer and parser in one module (src/hw/tickLine.ts): the contract between the
// firmware and the harness. The VM prints numbers its own way; test/device/hw.dtest.ts checks the
// line there too.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { SOUND_NAMES } from "../src/control/exercise"
import { FAULT_NAMES } from "../src/control/faultTable"
import { Outputs, STATE_NAMES } from "../src/control/types"
import {
    TICK_FIELDS,
    TICK_PREFIX,
    faultsField,
    parseTickText,
    tickLine,
} from "../src/hw/tickLine"

/** Only the fields the line uses (the controller's Outputs has more). */
function outputs(over: Partial<Outputs>): Outputs {
    return {
        duty: 0,
        state: "idle",
        faults: [],
        estDeg: -65,
        targetDeg: -65,
        grip: false,
        latch: false,
        effectiveMaxDeg: 45,
        sessionInvertedS: 0,
        sound: "",
        ...over,
    } as Outputs
}

describe("tickLine", () => {
    it("prints TICK nowMs estDeg targetDeg duty state faults latch grip capDeg sessionS sound", () => {
        expect(tickLine(1240, outputs({}))).toBe(
            "TICK 1240 -65 -65 0 idle - 0 0 45 0 -"
        )
        expect(
            tickLine(
                99980,
                outputs({
                    estDeg: 12.5,
                    targetDeg: 15,
                    duty: 0.25,
                    state: "moving",
                    latch: true,
                    grip: true,
                    effectiveMaxDeg: 15,
                    sessionInvertedS: 31.5,
                    sound: "warning",
                })
            )
        ).toBe("TICK 99980 12.5 15 0.25 moving - 1 1 15 31.5 warning")
    })

    it("joins faults with |", () => {
        expect(faultsField([])).toBe("-")
        expect(faultsField(["imu"])).toBe("imu")
        expect(
            tickLine(
                20,
                outputs({
                    state: "fault",
                    faults: ["imu", "watchdog"],
                    latch: true,
                })
            )
        ).toBe("TICK 20 -65 -65 0 fault imu|watchdog 1 0 45 0 -")
    })

    it("has exactly TICK_FIELDS space-separated fields and starts with the prefix", () => {
        const line = tickLine(5, outputs({ faults: ["settings"], duty: -0.3 }))
        expect(line.startsWith(TICK_PREFIX)).toBe(true)
        expect(TICK_PREFIX).toBe("TICK ")
        expect(line.split(" ")).toHaveLength(TICK_FIELDS)
    })

    it("reads back what it writes (the parser is the same module's)", () => {
        const arb = fc.record({
            nowMs: fc.integer({ min: 0, max: 7200000 }),
            estDeg: fc.integer({ min: -9000, max: 9500 }).map(x => x / 100),
            targetDeg: fc.integer({ min: -9000, max: 9000 }).map(x => x / 100),
            duty: fc.integer({ min: -1000, max: 1000 }).map(x => x / 1000),
            state: fc.constantFrom(...STATE_NAMES),
            faults: fc.subarray(FAULT_NAMES),
            latch: fc.boolean(),
            grip: fc.boolean(),
            capDeg: fc.integer({ min: 0, max: 90 }),
            sessionS: fc.integer({ min: 0, max: 90000 }).map(x => x / 100),
            sound: fc.constantFrom("", ...SOUND_NAMES),
        })
        fc.assert(
            fc.property(arb, t => {
                const line = tickLine(
                    t.nowMs,
                    outputs({
                        estDeg: t.estDeg,
                        targetDeg: t.targetDeg,
                        duty: t.duty,
                        state: t.state,
                        faults: t.faults,
                        latch: t.latch,
                        grip: t.grip,
                        effectiveMaxDeg: t.capDeg,
                        sessionInvertedS: t.sessionS,
                        sound: t.sound,
                    })
                )
                expect(parseTickText(line)).toEqual(t)
            }),
            { numRuns: 300, seed: 7 }
        )
    })
})
