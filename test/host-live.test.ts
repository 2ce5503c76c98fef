// The host live table (`npm start -- --host`): the host controller and the model in real time, with
// the public shape of the VM's LiveSimTable, its flash across power cycles, and the table's service
// served from it for the console.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LiveSimTable } from "../sim/console/liveSim"
import { ConsoleIo, TableConsole } from "../sim/console/console"
import { parseLine } from "../sim/console/commands"
import { EXIT_OK, EXIT_REFUSED } from "../sim/console/exitCodes"
import { TableClient } from "../sim/console/table"
import {
    CMD_SAVE,
    REFUSAL_COMMAND,
    REG_LAST_SEQ,
} from "../src/service/protocol"
import { HostLiveTable } from "../sim/page/hostLive"
import { HostTableService } from "../sim/page/hostService"

/** What the page and the console's tools use of a live table: both kinds have it (checked by tsc). */
type LiveShape = Pick<
    LiveSimTable,
    | "model"
    | "latest"
    | "problem"
    | "running"
    | "setInput"
    | "hold"
    | "waitForTick"
    | "waitForState"
    | "enterServiceMode"
    | "leaveServiceMode"
    | "powerCycle"
    | "powerOff"
    | "powerOn"
    | "close"
    | "onTick"
    | "onDuty"
>
const sameShape = (t: HostLiveTable): LiveShape => t

let table: HostLiveTable
let service: HostTableService

beforeAll(async () => {
    table = await HostLiveTable.start()
    service = new HostTableService(table)
})

afterAll(async () => {
    service?.close()
    await table?.close()
})

describe("HostLiveTable", () => {
    it("starts idle at home, ticking every 20 ms of its own clock", async () => {
        const live = sameShape(table)
        const ticks = await new Promise<{ nowMs: number; state: string }[]>(
            resolve => {
                const seen: { nowMs: number; state: string }[] = []
                const off = live.onTick(t => {
                    seen.push(t)
                    if (seen.length === 2) {
                        off()
                        resolve(seen)
                    }
                })
            }
        )
        const [a, b] = ticks
        expect(b.nowMs - a.nowMs).toBe(20)
        expect(b.state).toBe("idle")
        expect(live.model.angleDeg).toBeCloseTo(-65, 0)
    })

    it("enters service mode as the pad does, takes a setting over its service, and keeps it in its flash across a power cycle", async () => {
        await table.enterServiceMode()
        const link = service.link()
        const client = await TableClient.open(link)
        try {
            expect((await client.writeSetting("maxRateDps", 3)).value).toBe(3)
            await client.save()
            await table.leaveServiceMode()
            await table.powerCycle()
            await table.waitForState("idle")
            expect(table.controller!.settings.maxRateDps).toBe(3)
            expect(await client.readSetting("maxRateDps")).toBe(3)
        } finally {
            client.dispose()
            await link.close()
        }
    })

    it("a storing that fails after save was taken: the console tells it, by the save's seq", async () => {
        await table.enterServiceMode()
        const link = service.link()
        const client = await TableClient.open(link)
        const lines: string[] = []
        const io: ConsoleIo = {
            out: t => void lines.push(t),
            err: t => void lines.push(t),
            live: () => {},
            endLive: () => {},
            ask: null,
        }
        const save = service.core.hooks.save
        try {
            const console_ = new TableConsole(async () => client, io)
            expect(await console_.run(parseLine("save"))).toBe(EXIT_OK)
            expect(lines).toEqual(["settings stored in the table's flash"])
            // The firmware stores in a fiber of its own and reports a failure shortly after.
            service.core.hooks.save = () => {
                setTimeout(
                    () =>
                        service.core.storingFailed(
                            "settings not stored: the flash is full"
                        ),
                    50
                )
                return null
            }
            lines.length = 0
            expect(await console_.run(parseLine("save"))).toBe(EXIT_REFUSED)
            expect(lines).toEqual([
                "the table could not store the settings: settings not stored: the flash is full",
            ])
            const lastError = await client.lastError()
            expect(lastError).toMatchObject({
                kind: REFUSAL_COMMAND,
                code: CMD_SAVE,
                seq: await client.readNumber(REG_LAST_SEQ, "last_seq"),
            })
        } finally {
            service.core.hooks.save = save
            client.dispose()
            await link.close()
        }
    })

    it("a change without save is in use at once, shows as unsaved, and a power cycle brings back the stored value", async () => {
        await table.enterServiceMode()
        const link = service.link()
        const client = await TableClient.open(link)
        try {
            const stored = table.controller!.settings.maxRateDps
            expect((await client.telemetry()).unsaved).toBe(false)
            const changed = stored === 5 ? 6 : 5
            expect(
                (await client.writeSetting("maxRateDps", changed)).value
            ).toBe(changed)
            expect(table.controller!.settings.maxRateDps).toBe(changed)
            await table.waitForTick(() => true, "a tick after the write")
            expect((await client.telemetry()).unsaved).toBe(true)
            await table.leaveServiceMode()
            await table.powerCycle()
            await table.waitForState("idle")
            expect(table.controller!.settings.maxRateDps).toBe(stored)
            expect(await client.readSetting("maxRateDps")).toBe(stored)
            expect((await client.telemetry()).unsaved).toBe(false)
        } finally {
            client.dispose()
            await link.close()
        }
    })

    it("reports every motor change, and the motor off while powered off", async () => {
        const duties: number[] = []
        const off = table.onDuty(d => duties.push(d))
        table.setInput("latch", true)
        table.setInput("grip", true)
        await new Promise(r => setTimeout(r, 300))
        table.setInput("down", true)
        await table.waitForTick(t => t.duty > 0, "the motor driving deeper")
        await table.powerOff()
        expect(duties[duties.length - 1]).toBe(0)
        expect(table.outputs).toBeNull()
        table.setInput("down", false)
        table.setInput("grip", false)
        await table.powerOn()
        await table.waitForTick(t => t.state !== "boot", "the end of boot")
        off()
        expect(duties.some(d => d > 0)).toBe(true)
    })
})
