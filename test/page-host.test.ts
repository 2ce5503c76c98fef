// The page in a real browser (headless Chromium from the @sparticuz/chromium package, driven by
// playwright-core) against the host live table (the host controller and the model in real time, no
// VM): the drawn table follows the pad, letting go of the grip brings the table home, no missed event
// leaves a button held (the pointer leaving, focus lost, a hidden tab, a dropped socket, a silent
// page), faults are injected and reported with their reasons, the console pane runs the console's
// commands, several pages share one table, malformed messages are refused, the trace downloads.

/// <reference lib="dom" />

import * as fs from "node:fs"
import * as path from "node:path"
import { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FIRST_CAP_DEG } from "../src/control/program"
import { WebSocket } from "ws"
import { defaultSettings } from "../src/control/settings"
import { HOLD_LEASE_MS } from "../sim/page/holds"
import { CMD_SAVE, settingRegister } from "../src/service/protocol"
import { HostSource } from "../sim/page/hostSource"
import { Browser, launchBrowser } from "../sim/page/browser"
import { PageServer } from "../sim/page/server"
import { TableSnapshot } from "../sim/page/snapshot"
import { parseTrace } from "../sim/trace"
import { REPO_ROOT } from "../sim/firmware/paths"

const HOME_DEG = -65
/** Quick moves and a short grace period, so the tests take little time (the rules are the same). */
const SETTINGS = {
    ...defaultSettings(),
    maxRateDps: 8,
    returnRateDps: 8,
    accelDps2: 10,
    deadmanGraceS: 1,
}

let server: PageServer
let source: HostSource
let browser: Browser
const logs: string[] = []
const pages: Page[] = []

beforeAll(async () => {
    server = await PageServer.listen({ port: 0, log: line => logs.push(line) })
    source = await HostSource.start(server.originMs, {
        settings: SETTINGS,
    })
    server.attach(source)
    browser = await launchBrowser()
})

afterAll(async () => {
    if (pages[0]) {
        const out = path.join(REPO_ROOT, "out")
        fs.mkdirSync(out, { recursive: true })
        await pages[0]
            .screenshot({
                path: path.join(out, "page-host.png"),
                fullPage: true,
            })
            .catch(() => {})
    }
    await browser?.close()
    await server?.close()
    await source?.close()
})

async function openPage(): Promise<Page> {
    const page = await browser.context.newPage()
    pages.push(page)
    await page.goto(server.url)
    await page.waitForFunction(() => (window as any).__page.snapshot !== null)
    return page
}

function snap(page: Page): Promise<TableSnapshot> {
    return page.evaluate(() => (window as any).__page.snapshot)
}

async function drawnAngle(page: Page): Promise<number> {
    return Number(await page.getAttribute("#table", "data-angle"))
}

/** Waits (polling the page, no wall-clock assertion) until `test` holds for the page's snapshot. */
async function until(
    page: Page,
    test: (s: TableSnapshot) => boolean,
    what: string,
    timeoutMs = 20_000
): Promise<TableSnapshot> {
    const end = performance.now() + timeoutMs
    for (;;) {
        const s = await snap(page)
        if (s && test(s)) return s
        if (performance.now() > end)
            throw new Error(
                `the page never showed ${what} (last: ${JSON.stringify(s)})`
            )
        await page.waitForTimeout(50)
    }
}

async function untilLevel(
    name: string,
    level: boolean,
    what: string
): Promise<void> {
    const end = performance.now() + 5000
    while (source.table.level(name as never) !== level) {
        if (performance.now() > end)
            throw new Error(`${name} never became ${level} (${what})`)
        await new Promise(r => setTimeout(r, 20))
    }
}

/** Back at home and idle, nothing held, latch closed. */
async function settleAtHome(page: Page): Promise<void> {
    await page.evaluate(() => (window as any).__page.socket()?.readyState)
    await until(
        page,
        s =>
            s.state === "idle" &&
            Math.abs((s.angleDeg ?? 0) - HOME_DEG) < 3 &&
            s.faults.length === 0,
        "the table idle at home",
        40_000
    )
}

async function closeLatch(page: Page): Promise<void> {
    const s = await snap(page)
    if (!s.pad!.latch) await page.click("#latch")
    await untilLevel("latch", true, "latch clicked closed")
}

describe("the page against the host table", () => {
    it("says which table it shows, and draws it at home with home, the cap and the limit marked", async () => {
        const page = await openPage()
        expect(await page.textContent("#mode")).toContain("host controller")
        await settleAtHome(page)
        expect(await drawnAngle(page)).toBeCloseTo(HOME_DEG, 0)
        const marks = await page.$$eval("#marks line", lines =>
            lines.map(l => [
                l.getAttribute("class"),
                Number((l as SVGElement).dataset.deg),
            ])
        )
        expect(marks).toContainEqual(["mark home", HOME_DEG])
        // A new table on the exercise program: the first session's cap.
        expect(marks).toContainEqual(["mark cap", FIRST_CAP_DEG])
        expect(marks).toContainEqual(["mark limit", 90])
    })

    it("grip and DOWN from the keyboard: the drawn angle grows; letting DOWN go holds", async () => {
        const page = pages[0]
        await closeLatch(page)
        const before = await drawnAngle(page)
        await page.keyboard.down("g")
        await page.keyboard.down("ArrowDown")
        await until(
            page,
            s => (s.angleDeg ?? -99) > before + 5,
            "the table deeper by 5 deg"
        )
        // Measured while the table moves: frames drawn per second (a figure, not a check).
        const f0 = await page.evaluate(() => ({
            ...(window as any).__page.stats,
            at: performance.now(),
        }))
        await page.waitForTimeout(1500)
        const f1 = await page.evaluate(() => ({
            ...(window as any).__page.stats,
            at: performance.now(),
        }))
        const seconds = (f1.at - f0.at) / 1000
        console.log(
            `page while moving: ${((f1.frames - f0.frames) / seconds).toFixed(1)} frames/s, ` +
                `${((f1.draws - f0.draws) / seconds).toFixed(1)} table draws/s, ` +
                `${((f1.chartDraws - f0.chartDraws) / seconds).toFixed(1)} chart draws/s, ` +
                `${((f1.drawMs - f0.drawMs) / Math.max(1, f1.draws - f0.draws)).toFixed(2)} ms per draw`
        )
        expect(await drawnAngle(page)).toBeGreaterThan(before + 5)
        await page.keyboard.up("ArrowDown")
        const held = await until(page, s => s.state === "holding", "holding")
        await page.waitForTimeout(500)
        expect(
            Math.abs((await snap(page)).angleDeg! - held.angleDeg!)
        ).toBeLessThan(0.5)
        await page.keyboard.up("g")
        await settleAtHome(page)
    })

    it("letting go of the grip (a pointer on GRIP) stops the table, then it returns home", async () => {
        const page = pages[0]
        await closeLatch(page)
        const grip = await page.locator("[data-input=grip]").boundingBox()
        await page.mouse.move(
            grip!.x + grip!.width / 2,
            grip!.y + grip!.height / 2
        )
        await page.mouse.down()
        await untilLevel("grip", true, "GRIP pressed")
        await page.keyboard.down("ArrowDown")
        await until(
            page,
            s => (s.angleDeg ?? -99) > HOME_DEG + 8 && s.state === "moving",
            "moving deeper"
        )
        await page.mouse.up()
        await untilLevel("grip", false, "GRIP let go")
        const stopped = await until(
            page,
            s => s.state === "deadman",
            "the dead-man state"
        )
        expect(stopped.grip).toBe(false)
        await page.keyboard.up("ArrowDown")
        await until(page, s => s.state === "returning", "the return home")
        await settleAtHome(page)
        expect(await drawnAngle(page)).toBeCloseTo(HOME_DEG, 0)
        expect(await page.textContent("#state")).toContain("idle")
    })

    it("a button is released when the pointer leaves it, while the mouse is still down", async () => {
        const page = pages[0]
        const down = await page.locator("[data-input=down]").boundingBox()
        await page.mouse.move(
            down!.x + down!.width / 2,
            down!.y + down!.height / 2
        )
        await page.mouse.down()
        await untilLevel("down", true, "DOWN pressed")
        expect(await page.getAttribute("[data-input=down]", "class")).toContain(
            "pressed"
        )
        await page.mouse.move(
            down!.x + down!.width / 2,
            down!.y + down!.height + 80
        )
        await untilLevel("down", false, "the pointer left DOWN")
        expect(
            await page.getAttribute("[data-input=down]", "class")
        ).not.toContain("pressed")
        await page.mouse.up()
    })

    it("a key held is released when the window loses focus and when the tab is hidden", async () => {
        const page = pages[0]
        await page.keyboard.down("ArrowUp")
        await untilLevel("up", true, "UP held by key")
        await page.evaluate(() => window.dispatchEvent(new Event("blur")))
        await untilLevel("up", false, "focus lost")
        await page.keyboard.up("ArrowUp")

        await page.keyboard.down("h")
        await untilLevel("home", true, "HOME held by key")
        await page.evaluate(() => {
            Object.defineProperty(document, "visibilityState", {
                value: "hidden",
                configurable: true,
            })
            document.dispatchEvent(new Event("visibilitychange"))
        })
        await untilLevel("home", false, "the tab hidden")
        await page.evaluate(() => {
            Object.defineProperty(document, "visibilityState", {
                value: "visible",
                configurable: true,
            })
        })
        await page.keyboard.up("h")
    })

    it("a dropped socket is a released grip: the server lets go, the page says so and reconnects", async () => {
        const page = pages[0]
        await page.keyboard.down("g")
        await untilLevel("grip", true, "grip held by key")
        await page.evaluate(() => (window as any).__page.socket().close())
        await untilLevel("grip", false, "the socket dropped")
        await page.waitForFunction(() =>
            document
                .getElementById("banner")!
                .textContent!.includes(
                    "connection to the table's server is lost"
                )
        )
        expect(
            await page.getAttribute("[data-input=grip]", "class")
        ).not.toContain("pressed")
        await page.keyboard.up("g")
        await page.waitForFunction(
            () => (window as any).__page.socket()?.readyState === 1
        )
    })

    it("a page that falls silent loses its holds after the lease", async () => {
        const ws = await rawClient()
        // The lease runs from the page's last message, which the table hears after it was sent:
        // the release cannot come sooner than HOLD_LEASE_MS after this (however slow the machine).
        const sentAt = performance.now()
        ws.send(JSON.stringify({ type: "input", name: "grip", level: true }))
        await untilLevel("grip", true, "grip held by a raw client")
        await untilLevel("grip", false, "the lease ran out")
        expect(performance.now() - sentAt).toBeGreaterThanOrEqual(HOLD_LEASE_MS)
        expect(logs.some(l => /said nothing for/.test(l))).toBe(true)
        ws.close()
    })

    it("an injected imu fault is reported with its reason, and clears at home after STOP", async () => {
        const page = pages[0]
        await page.click("[data-fault=imu-stale]")
        await until(page, s => s.faults.includes("imu"), "the imu fault")
        await page.waitForSelector("#faults li[data-fault=imu] .reason")
        const text = await page.textContent("#faults li[data-fault=imu]")
        expect(text).toMatch(/^imu: \S/)
        expect(
            await page.getAttribute("[data-fault=imu-stale]", "class")
        ).toContain("active")
        await page.click("[data-fault=clear]")
        await until(
            page,
            s => s.injected.length === 0,
            "the injected fault cleared"
        )
        const end = performance.now() + 20_000
        while (
            (await snap(page)).faults.length > 0 &&
            performance.now() < end
        ) {
            await page.keyboard.down("s")
            await page.waitForTimeout(150)
            await page.keyboard.up("s")
            await page.waitForTimeout(400)
        }
        expect((await snap(page)).faults).toEqual([])
    })

    it("the console pane runs the console's own commands against the table", async () => {
        const page = pages[0]
        const run = async (line: string) => {
            const before = await page.getAttribute("#consoleOut", "data-done")
            await page.fill("#consoleLine", line)
            await page.press("#consoleLine", "Enter")
            await page.waitForFunction(
                b =>
                    document.getElementById("consoleOut")!.dataset.done !==
                    (b ?? undefined),
                before
            )
            return {
                code: Number(
                    await page.getAttribute("#consoleOut", "data-last-code")
                ),
                text: await page.textContent("#consoleOut"),
            }
        }
        const status = await run("status")
        expect(status.code).toBe(0)
        expect(status.text).toMatch(/state\s+idle \(at home, motor off\)/)
        const refused = await run("set maxRateDps 3")
        expect(refused.code).toBe(1)
        expect(refused.text).toContain("only in service mode")
        expect((await run("set maxRateDps 12")).code).toBe(2)
        // The sessions so far (the grip let go in an earlier test ended one): the console's own
        // table, and the page's.
        const sessions = await run("sessions")
        expect(sessions.code).toBe(0)
        expect(sessions.text).toMatch(/\bno\s+grip released\b/)
        expect(await page.textContent("#sessionRows")).toContain(
            "grip released"
        )
        expect(await page.textContent("#program")).toMatch(
            /^0 sessions counted; the program's cap 15 deg; session limit 300 s$/
        )
    })

    it("says when the settings in use are not the stored ones: a change in service mode, then save", async () => {
        const page = pages[0]
        await settleAtHome(page)
        source.table.setInput("latch", false)
        await untilLevel("latch", false, "latch opened for service mode")
        await until(
            page,
            s => s.settingsUnsaved === false,
            "the settings as stored"
        )
        expect(await page.textContent("#unsaved")).toBe("as stored")
        await source.table.enterServiceMode()
        const core = source.service.core
        expect(core.writeSetting(settingRegister("maxRateDps"), 3)).toBe(true)
        await until(page, s => s.settingsUnsaved === true, "an unsaved change")
        expect(await page.textContent("#unsaved")).toMatch(
            /^changed, not saved: save in the console stores them/
        )
        core.command(CMD_SAVE, 9001, 0)
        await until(page, s => s.settingsUnsaved === false, "the change saved")
        expect(await page.textContent("#unsaved")).toBe("as stored")
        await source.table.leaveServiceMode()
    })

    it("several pages see the same table, and a hold from any of them is honest", async () => {
        const a = pages[0]
        // Keys typed into the console's line are the console's, not the pad's: leave the line first.
        await a.locator("#consoleLine").blur()
        const b = await openPage()
        await a.bringToFront()
        await a.keyboard.down("ArrowUp")
        await untilLevel("up", true, "UP held on page A")
        await until(b, s => s.pad!.up, "page B seeing UP held")
        expect(await b.getAttribute("[data-input=up]", "class")).toContain(
            "heldElsewhere"
        )
        // B presses and lets go of UP: A still holds it.
        await b.bringToFront()
        await b.keyboard.down("ArrowUp")
        await b.keyboard.up("ArrowUp")
        await b.waitForTimeout(200)
        expect(source.table.level("up")).toBe(true)
        await a.bringToFront()
        await a.keyboard.up("ArrowUp")
        await untilLevel("up", false, "A let go")
        await b.close()
    })

    it("malformed messages are refused and logged, and nothing moves", async () => {
        const ws = await rawClient()
        const refusals: string[] = []
        ws.on("message", data => {
            const m = JSON.parse(data.toString())
            if (m.type === "refused") refusals.push(m.reason)
        })
        const bad = [
            "not json",
            "[]",
            JSON.stringify({ type: "input", name: "down", level: "yes" }),
            JSON.stringify({
                type: "input",
                name: "down",
                level: true,
                also: 1,
            }),
            JSON.stringify({ type: "input", name: "motor", level: true }),
            JSON.stringify({ type: "inject", fault: "meteor" }),
            JSON.stringify({ type: "console", id: -1, line: "status" }),
            JSON.stringify({ type: "launch" }),
            "x".repeat(5000),
        ]
        for (const m of bad) ws.send(m)
        ws.send(Buffer.from([1, 2, 3]), { binary: true })
        const end = performance.now() + 5000
        while (refusals.length < bad.length + 1 && performance.now() < end)
            await new Promise(r => setTimeout(r, 20))
        expect(refusals).toHaveLength(bad.length + 1)
        expect(refusals[2]).toBe(
            'input: level must be true or false, got "yes"'
        )
        expect(
            logs.filter(l => l.includes("refused a message")).length
        ).toBeGreaterThanOrEqual(bad.length + 1)
        for (const name of ["down", "up", "grip", "preset", "home", "stop"])
            expect(source.table.level(name as never)).toBe(false)
        expect((await snap(pages[0])).state).toBe("idle")
        ws.close()
    })

    it("a power cycle from the page restarts the controller", async () => {
        const page = pages[0]
        await page.click("[data-fault=power-cycle]")
        await until(
            page,
            s => s.state === "off" || s.state === "boot",
            "the restart"
        )
        await settleAtHome(page)
    })

    it("downloads the session's trace in the scenario format's layout", async () => {
        const res = await fetch(new URL("/trace.csv", server.url))
        expect(res.headers.get("content-disposition")).toMatch(
            /attachment; filename="inversion-table-.*\.csv"/
        )
        const rows = parseTrace(await res.text())
        expect(rows.length).toBeGreaterThan(500)
        expect(rows.some(r => r.state === "moving")).toBe(true)
        expect(rows.some(r => r.faults.includes("imu"))).toBe(true)
    })
})

async function rawClient(): Promise<WebSocket> {
    const ws = new WebSocket(new URL("/ws", server.url.replace("http", "ws")))
    await new Promise((resolve, reject) => {
        ws.once("open", resolve)
        ws.once("error", reject)
    })
    return ws
}
