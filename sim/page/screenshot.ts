// `npx tsx sim/page/screenshot.ts [OUT.png]`: the README's picture of the page (docs/page.png) taken
// again: the firmware in the VM, a person closing the latch, tilting with grip and DOWN, an injected
// sensor fault and its clearing, a console `status`; then a screenshot of the whole page.
// Run it in a network namespace of its own when other VMs run (the bus port 8081 is fixed).

import * as path from "node:path"
import { REPO_ROOT } from "../firmware/paths"
import { launchBrowser } from "./browser"
import { PageServer } from "./server"
import { VmSource } from "./vmSource"

async function main(): Promise<void> {
    const out = process.argv[2] ?? path.join(REPO_ROOT, "docs", "page.png")
    const server = await PageServer.listen({ port: 0, log: () => {} })
    const source = await VmSource.start(server.originMs)
    server.attach(source)
    const browser = await launchBrowser({ width: 1280, height: 1000 })
    try {
        const p = await browser.context.newPage()
        await p.goto(server.url)
        await p.waitForTimeout(3000)
        await p.click("#latch")
        await p.waitForTimeout(1500)
        await p.keyboard.down("g")
        await p.keyboard.down("ArrowDown")
        await p.waitForTimeout(14000)
        await p.keyboard.up("ArrowDown")
        await p.waitForTimeout(2500)
        await p.click("[data-fault=imu-noise]")
        await p.waitForTimeout(3000)
        await p.click("[data-fault=clear]")
        await p.waitForTimeout(1500)
        await p.keyboard.down("ArrowDown")
        await p.waitForTimeout(4000)
        await p.keyboard.up("ArrowDown")
        await p.waitForTimeout(1000)
        await p.fill("#consoleLine", "status")
        await p.press("#consoleLine", "Enter")
        await p.waitForTimeout(2000)
        await p.locator("#consoleLine").blur()
        await p.screenshot({ path: out, fullPage: true })
        console.log(`the page: ${out}`)
    } finally {
        await browser.close()
        await server.close()
        await source.close()
    }
    process.exit(0)
}

void main()
