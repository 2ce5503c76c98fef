// The table's Jacdac service's pure half in the VM (src/service/): the seq filter, the fault bits,
// the core against the controller, and the fixed-point trap with the VM's own encoder. The server
// itself, and the exercise program's records read back from the firmware's flash, run in
// test/service-vm.test.ts.

import * as ds from "@devicescript/core"
import { beforeEach, describe, expect, test } from "@devicescript/test"
import { Controller } from "../../src/control/controller"
import { acknowledgedTableStart } from "../../src/control/exercise"
import { defaultSettings } from "../../src/control/settings"
import { Inputs } from "../../src/control/types"
import { TableServiceCore } from "../../src/service/core"
import {
    CMD_CLEAR_FAULTS,
    faultBits,
    faultNames,
    stateCode,
    toWireFixed10,
    CMD_CALIBRATE,
    REFUSAL_COMMAND,
    REFUSAL_WRITE,
} from "../../src/service/protocol"
import { SeqFilter } from "../../src/service/seqFilter"
import { check, releasedInputs } from "./util"

/** The raw i22.10 integer the VM's encoder puts on the wire for this register value. */
function wireInt(register: string, value: number): number {
    const spec: ds.ServiceSpec = ds.InversionTable.spec
    return spec.lookup(register).encode(value).payload.getAt(0, "i32")
}

function atHome(seq: number): Inputs {
    // sin and cos of -65 degrees (no trigonometry in DeviceScript)
    return releasedInputs({
        ok: true,
        seq: seq,
        axG: -0.906308,
        ayG: 0,
        azG: 0.422618,
        gxDps: seq % 2 ? 0.01 : -0.01,
        gyDps: 0,
        gzDps: 0,
    })
}

describe("service in the VM", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })

    test("the VM's encoder rounds negative i22.10 values toward zero; toWireFixed10 puts them right", async () => {
        expect(wireInt("homeDeg", -65)).toBe(-66559) // the trap: -64.999
        expect(wireInt("homeDeg", toWireFixed10(-65))).toBe(-66560)
        expect(wireInt("homeDeg", toWireFixed10(-0.5))).toBe(-512)
        expect(wireInt("maxRateDps", toWireFixed10(4.1))).toBe(4198)
        expect(wireInt("maxRateDps", toWireFixed10(45))).toBe(46080)
    })

    test("seq filter and fault bits", async () => {
        const f = new SeqFilter()
        check(f.accept(3), "first")
        check(!f.accept(3), "repeat")
        for (let i = 0; i < 16; i++) f.accept(100 + i)
        check(f.accept(3), "forgotten after 16 others")
        expect(faultBits(["latch", "settings"])).toBe(0x82)
        expect(faultNames(0x82).join(",")).toBe("latch,settings")
        expect(stateCode("service")).toBe(7)
    })

    test("core on the controller: a write refused outside service mode, a command run once", async () => {
        const c = new Controller(
            defaultSettings(),
            null,
            null,
            acknowledgedTableStart()
        )
        let acks = 0
        const core = new TableServiceCore({
            save: () => null,
            acknowledgeWarnings: () => {
                acks++
                return null
            },
        })
        core.ctl = c
        for (let k = 1; k <= 50; k++) {
            core.feed(c.step(atHome(k), k * 20))
            await ds.sleep(0) // a controller step is a good part of the VM's InfiniteLoop budget
        }
        expect(core.state()).toBe(1)
        // Handed to the controller's desk, answered at its next tick.
        check(core.writeSetting(0x81, 3), "handed in")
        core.command(CMD_CLEAR_FAULTS, 9, 0)
        core.command(CMD_CLEAR_FAULTS, 9, 0)
        core.command(0x84, 10, 0)
        core.command(0x84, 10, 0)
        core.feed(c.step(atHome(51), 51 * 20))
        expect(c.settings.maxRateDps).toBe(4)
        // A refused write: its register code (max_rate_dps, 0x81) and the controller's reason.
        const refusal = core.lastError
        check(
            refusal[1] === 0x81 &&
                refusal[2] === REFUSAL_WRITE &&
                refusal[4].indexOf("only in service mode") === 0,
            refusal[4]
        )
        expect(core.commandsRun).toBe(2)
        expect(acks).toBe(1)
        const events = core.takeEvents()
        check(
            events.length >= 2,
            "state events and one refusal: " + events.length
        )
        // A calibrate without its step (a payload of the seq alone), and one with a step unknown:
        // refused with their seq (counted: run once each), the step as asked for (none, 9).
        core.command(CMD_CALIBRATE, 11, undefined)
        const noStep = core.lastError
        check(
            noStep[0] === 11 &&
                noStep[1] === CMD_CALIBRATE &&
                noStep[2] === REFUSAL_COMMAND &&
                noStep[3] === 0,
            noStep[4]
        )
        core.command(CMD_CALIBRATE, 12, 9)
        check(core.lastError[3] === 9, core.lastError[4])
        check(
            core.lastError[4].indexOf("unknown calibration step") === 0,
            core.lastError[4]
        )
        expect(core.commandsRun).toBe(4)
    })
})
