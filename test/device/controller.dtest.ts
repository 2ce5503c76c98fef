// The portable controller inside the VM (the code the ESP32 runs), on a synthetic table: boot to
// idle at home, DOWN with grip and latch drives deeper, letting go of the grip cuts the duty at
// once, a stale IMU raises the imu fault. Time is simulated (20 ms per step); every step yields
// (await ds.sleep(0)) to stay under the VM's InfiniteLoop budget.

import * as ds from "@devicescript/core"
import { beforeEach, describe, expect, test } from "@devicescript/test"
import { Controller } from "../../src/control/controller"
import { acknowledgedTableStart } from "../../src/control/exercise"
import { defaultSettings } from "../../src/control/settings"
import { Inputs, Outputs } from "../../src/control/types"
import { Plant } from "./plant"
import { check, expectNear, releasedInputs } from "./util"

const TICK_MS = 20
const HOME_DEG = -65

class Rig {
    controller: Controller
    plant: Plant
    inputs: Inputs
    nowMs: number
    out: Outputs

    constructor() {
        this.controller = new Controller(
            defaultSettings(),
            null,
            null,
            acknowledgedTableStart()
        )
        this.plant = new Plant(HOME_DEG)
        this.inputs = releasedInputs(null)
        this.nowMs = 1000
        this.out = null
    }

    async step(): Promise<Outputs> {
        this.inputs.imu = this.plant.sample()
        this.out = this.controller.step(this.inputs, this.nowMs)
        this.plant.drive(this.out.duty, TICK_MS / 1000)
        this.nowMs += TICK_MS
        await ds.sleep(0)
        return this.out
    }

    /** Steps until the state is `state` (at most maxSteps); returns the steps taken or -1. */
    async until(state: string, maxSteps: number): Promise<number> {
        for (let i = 1; i <= maxSteps; i++) {
            const out = await this.step()
            if (out.state === state) return i
        }
        return -1
    }

    /** Boots to idle at home with grip held and the latch closed long enough. */
    async readyToMove(): Promise<void> {
        check((await this.until("idle", 100)) > 0, "boot reaches idle")
        this.inputs.grip = true
        this.inputs.latch = true
        for (let i = 0; i < 15; i++) await this.step()
    }
}

function hasFault(out: Outputs, name: string): boolean {
    for (const f of out.faults) if (f === name) return true
    return false
}

describe("controller in the VM", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })

    test("boots to idle at home with the motor off", async () => {
        const rig = new Rig()
        let dutyNonZero = false
        let steps = -1
        for (let i = 1; i <= 100 && steps < 0; i++) {
            const out = await rig.step()
            if (out.duty !== 0) dutyNonZero = true
            if (out.state === "idle") steps = i
        }
        console.log("idle after " + steps + " steps, estDeg " + rig.out.estDeg)
        check(steps > 0, "idle within 2 s")
        expect(dutyNonZero).toBe(false)
        expectNear(rig.out.estDeg, HOME_DEG, 0.5, "estimated angle at home")
        expect(rig.out.faults.length).toBe(0)
    })

    test("DOWN with grip and latch drives deeper", async () => {
        const rig = new Rig()
        await rig.readyToMove()
        rig.inputs.down = true
        let firstDrive = -1
        for (let i = 1; i <= 50; i++) {
            const out = await rig.step()
            if (firstDrive < 0 && out.duty > 0) firstDrive = i
        }
        console.log(
            "DOWN: duty > 0 after " +
                firstDrive +
                " steps; angle " +
                rig.plant.angleDeg +
                ", duty " +
                rig.out.duty
        )
        check(firstDrive > 0 && firstDrive <= 5, "drives within 100 ms")
        expect(rig.out.state).toBe("moving")
        check(rig.out.duty > 0, "still driving deeper")
        check(rig.plant.angleDeg > HOME_DEG + 0.5, "the table went deeper")
        check(rig.out.estDeg > HOME_DEG + 0.3, "the estimate followed")
        expect(rig.out.faults.length).toBe(0)
    })

    test("letting go of the grip cuts the duty at once", async () => {
        const rig = new Rig()
        await rig.readyToMove()
        rig.inputs.down = true
        for (let i = 0; i < 40; i++) await rig.step()
        check(rig.out.duty > 0.05, "moving deeper before the release")
        rig.inputs.grip = false
        const out = await rig.step()
        expect(out.duty).toBe(0)
        expect(out.grip).toBe(false)
        for (let i = 0; i < 10; i++) {
            const later = await rig.step()
            check(later.duty <= 0, "never deeper again without the grip")
        }
    })

    test("a stale IMU raises the imu fault and stops the motor", async () => {
        const rig = new Rig()
        await rig.readyToMove()
        rig.inputs.down = true
        for (let i = 0; i < 25; i++) await rig.step()
        rig.plant.imuFresh = false
        let raisedAfterMs = -1
        for (let i = 1; i <= 10 && raisedAfterMs < 0; i++) {
            const out = await rig.step()
            if (hasFault(out, "imu")) raisedAfterMs = i * TICK_MS
        }
        console.log(
            "imu fault after " + raisedAfterMs + " ms without a fresh sample"
        )
        check(
            raisedAfterMs > 100 - TICK_MS && raisedAfterMs <= 100 + 2 * TICK_MS,
            "raised just after 100 ms"
        )
        expect(rig.out.duty).toBe(0)
        expect(rig.out.state).toBe("fault")
        // the fault is latched: fresh samples again do not clear it by themselves
        rig.plant.imuFresh = true
        for (let i = 0; i < 10; i++) await rig.step()
        expect(hasFault(rig.out, "imu")).toBe(true)
    })
})
