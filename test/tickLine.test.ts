// The TICK line the firmware-in-the-loop harness parses (src/hw/tickLine.ts). The VM prints numbers
// its own way; test/device/hw.dtest.ts checks the line there too.

import { describe, expect, it } from "vitest"
import { Outputs } from "../src/control/types"
import { TICK_PREFIX, faultsField, tickLine } from "../src/hw/tickLine"

/** Only the fields the line uses (the controller's Outputs grows with other work). */
function outputs(over: Partial<Outputs>): Outputs {
    return {
        duty: 0,
        state: "idle",
        faults: [],
        estDeg: -65,
        targetDeg: -65,
        grip: false,
        latch: false,
        ...over,
    } as Outputs
}

describe("tickLine", () => {
    it("prints TICK nowMs estDeg targetDeg duty state faults latch grip", () => {
        expect(tickLine(1240, outputs({}))).toBe(
            "TICK 1240 -65 -65 0 idle - 0 0"
        )
        expect(
            tickLine(
                99980,
                outputs({
                    estDeg: 12.5,
                    targetDeg: 45,
                    duty: 0.25,
                    state: "moving",
                    latch: true,
                    grip: true,
                })
            )
        ).toBe("TICK 99980 12.5 45 0.25 moving - 1 1")
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
        ).toBe("TICK 20 -65 -65 0 fault imu|watchdog 1 0")
    })

    it("has exactly nine space-separated fields and starts with the prefix", () => {
        const line = tickLine(5, outputs({ faults: ["settings"], duty: -0.3 }))
        expect(line.startsWith(TICK_PREFIX)).toBe(true)
        expect(TICK_PREFIX).toBe("TICK ")
        expect(line.split(" ")).toHaveLength(9)
    })
})
