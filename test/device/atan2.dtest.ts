// src/control/trig.ts inside the VM, against reference values made on the host with Math.atan2
// (atan2Table.ts; the VM has no atan2 of its own). The bar is 0.01 degree over the whole circle.

import * as ds from "@devicescript/core"
import { beforeEach, describe, expect, test } from "@devicescript/test"
import { atan2Deg } from "../../src/control/trig"
import { ATAN2_TABLE } from "./atan2Table"

const BAR_DEG = 0.01
/** Rows per slice of work: each slice stays far below the VM's ~131k-opcode InfiniteLoop budget. */
const ROWS_PER_SLICE = 40

function circleDiffDeg(a: number, b: number): number {
    let d = a - b
    while (d > 180) d -= 360
    while (d < -180) d += 360
    return Math.abs(d)
}

describe("atan2Deg in the VM", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })
    test("every reference row within 0.01 degree", async () => {
        let worst = 0
        let worstRow = -1
        let rows = 0
        for (let i = 0; i < ATAN2_TABLE.length; i += 3) {
            const e = circleDiffDeg(
                atan2Deg(ATAN2_TABLE[i], ATAN2_TABLE[i + 1]),
                ATAN2_TABLE[i + 2]
            )
            if (!(e <= worst)) {
                worst = e
                worstRow = i / 3
            }
            rows++
            if (rows % ROWS_PER_SLICE === 0) await ds.sleep(0)
        }
        console.log(
            "atan2Deg in the VM: " +
                rows +
                " rows, largest error " +
                worst +
                " degree (row " +
                worstRow +
                ")"
        )
        expect(rows).toBe(ATAN2_TABLE.length / 3)
        expect(worst < BAR_DEG).toBe(true)
    })
    test("axes and the origin exactly", () => {
        expect(atan2Deg(0, 1)).toBe(0)
        expect(atan2Deg(1, 0)).toBe(90)
        expect(atan2Deg(-1, 0)).toBe(-90)
        expect(atan2Deg(0, -1)).toBe(180)
        expect(atan2Deg(0, 0)).toBe(0)
        expect(isNaN(atan2Deg(NaN, 1))).toBe(true)
    })
})
