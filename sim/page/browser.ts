// Chromium for the page's tests and measurements: the binary inside the @sparticuz/chromium npm
// package (no download: `npm install` brings it; its executablePath() unpacks it into the temporary
// folder once), driven by playwright-core. Headless, with a fresh profile, and with nothing that
// would reach out to the network (this project's machines have none).

import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import chromium from "@sparticuz/chromium"
import { BrowserContext, chromium as playwright } from "playwright-core"

export const CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
]

export interface Browser {
    context: BrowserContext
    close(): Promise<void>
}

/**
 * Unpacks the package's Chromium (once: later calls find it in the temporary folder). Its archives
 * are extracted with tar-fs, which, when it runs as root, gives each file its archived owner: inside
 * a user namespace (`unshare -r`, as the tests here run) root cannot give files to unmapped users
 * and the unpacking fails (EINVAL on chown), leaving Chromium without its fonts and libraries. The
 * files are ours to use either way: for the unpacking, this process does not claim to be root.
 */
async function unpackChromium(): Promise<string> {
    const getuid = process.getuid
    process.getuid = () => (getuid ? getuid() || 65534 : 65534)
    try {
        return await chromium.executablePath()
    } finally {
        process.getuid = getuid
    }
}

/** Launches headless Chromium with a fresh profile; throws an Error saying exactly why it cannot. */
export async function launchBrowser(
    viewport = { width: 1280, height: 1000 }
): Promise<Browser> {
    let executablePath: string
    try {
        executablePath = await unpackChromium()
    } catch (e) {
        throw new Error(
            `@sparticuz/chromium could not unpack its Chromium: ${(e as Error).message}`
        )
    }
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "page-chromium-"))
    let context: BrowserContext
    try {
        context = await playwright.launchPersistentContext(profile, {
            executablePath,
            headless: true,
            args: CHROMIUM_ARGS,
            viewport,
            locale: "en-US",
        })
    } catch (e) {
        fs.rmSync(profile, { recursive: true, force: true })
        throw new Error(
            `Chromium (${executablePath}) did not start: ${(e as Error).message}`
        )
    }
    return {
        context,
        async close() {
            await context.close().catch(() => {})
            fs.rmSync(profile, { recursive: true, force: true })
        },
    }
}
