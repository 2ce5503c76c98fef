// `npm run bench:page [-- --presses N] [-- --host]`: the page's figures, measured in headless Chromium
// against the firmware in the DeviceScript VM (or the host table): the frames the page draws per
// second while the table moves, and the time from a pointer press to the motor output through the
// whole chain (pressToMotor.ts), median and worst over N presses (default 300). Figures, not checks.

import { monitorEventLoopDelay } from "node:perf_hooks"
import { defaultSettings } from "../../src/control/settings"
import { launchBrowser } from "./browser"
import { HostSource } from "./hostSource"
import {
    clearFault,
    FaultWatch,
    measurePressToMotor,
    summarizeLatencies,
} from "./pressToMotor"
import { PageServer } from "./server"
import { TableSource } from "./source"
import { VmSource } from "./vmSource"

async function main(): Promise<void> {
    const argv = process.argv.slice(2)
    const host = argv.includes("--host")
    const at = argv.indexOf("--presses")
    const presses = at >= 0 ? Number(argv[at + 1]) : 300
    const settings = { ...defaultSettings(), deadmanGraceS: 1 }
    const server = await PageServer.listen({ port: 0, log: () => {} })
    let source: TableSource & { table: FaultWatch }
    if (host) source = await HostSource.start(server.originMs, { settings })
    else source = await VmSource.start(server.originMs, { settings })
    server.attach(source)
    const browser = await launchBrowser()
    // How late this process's event loop runs (the simulated table's loop lives in it).
    const loopDelay = monitorEventLoopDelay({ resolution: 10 })
    loopDelay.enable()
    try {
        const page = await browser.context.newPage()
        await page.goto(server.url)
        await page.waitForFunction(
            () =>
                (window as unknown as { __page: { snapshot: unknown } }).__page
                    .snapshot !== null
        )
        await page.click("#latch")
        await page.waitForTimeout(500)
        // Frames while the table moves: grip and DOWN held for 8 s.
        await page.keyboard.down("g")
        await page.keyboard.down("ArrowDown")
        await page.waitForTimeout(1000)
        const stats = (): Promise<Record<string, number>> =>
            page.evaluate(() => ({
                ...(
                    window as unknown as {
                        __page: { stats: Record<string, number> }
                    }
                ).__page.stats,
                at: performance.now(),
            }))
        const f0 = await stats()
        await page.waitForTimeout(6000)
        const f1 = await stats()
        await page.keyboard.up("ArrowDown")
        await page.keyboard.up("g")
        const s = (f1.at - f0.at) / 1000
        const draws = f1.draws - f0.draws
        console.log(
            `${host ? "host table" : "firmware in the VM"}: while the table moves, the page drew ` +
                `${((f1.frames - f0.frames) / s).toFixed(1)} frames/s; table view ${(draws / s).toFixed(1)}/s ` +
                `(one per snapshot), chart ${((f1.chartDraws - f0.chartDraws) / s).toFixed(1)}/s, ` +
                `${((f1.drawMs - f0.drawMs) / Math.max(1, draws)).toFixed(2)} ms per table draw`
        )
        // Back home (dead-man return), then the presses.
        const end = performance.now() + 120_000
        for (;;) {
            const snap = await page.evaluate(
                () =>
                    (
                        window as unknown as {
                            __page: {
                                snapshot: { state: string; faults: string[] }
                            }
                        }
                    ).__page.snapshot
            )
            if (snap.state === "idle") break
            if (snap.state === "fault") {
                // A late tick on a loaded machine: brought home and cleared, as at the table.
                console.log(
                    `(a fault before the presses: ${await clearFault(page, source.table)}; cleared)`
                )
                continue
            }
            if (performance.now() > end)
                throw new Error(
                    `the table did not come home: ${JSON.stringify(snap)}`
                )
            await page.waitForTimeout(200)
        }
        const results = await measurePressToMotor(page, source.table, presses)
        console.log(
            `press to motor (${host ? "host table" : "firmware in the VM"}): ${summarizeLatencies(results)}`
        )
        loopDelay.disable()
        console.log(
            `this process's event loop: late by ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms median, ` +
                `${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms at the 99th percentile, ${(loopDelay.max / 1e6).toFixed(1)} ms at worst`
        )
    } finally {
        await browser.close()
        await server.close()
        await source.close()
    }
    process.exit(0)
}

void main()
