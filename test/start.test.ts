// `npm start`'s command line: its arguments, the address it prints, one line and exit 3 when the
// page's port is taken, and Ctrl-C stopping everything (the host table here: no VM, no bus port;
// the firmware mode is tested with the page in test/page-vm.test.ts).

import { spawn } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { REPO_ROOT } from "../sim/firmware/paths"
import { DEFAULT_PAGE_PORT, parseStartArgs } from "../sim/start"

const TSX = path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs")
const START = path.join(REPO_ROOT, "sim", "start.ts")

function start(args: string[]) {
    const child = spawn(process.execPath, [TSX, START, ...args], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
    })
    let out = ""
    let err = ""
    child.stdout.on("data", d => (out += d))
    child.stderr.on("data", d => (err += d))
    const exited = new Promise<number | null>(resolve =>
        child.once("exit", code => resolve(code))
    )
    return { child, exited, out: () => out, err: () => err }
}

async function freePort(): Promise<number> {
    const s = net.createServer()
    await new Promise<void>(r => s.listen(0, "127.0.0.1", () => r()))
    const port = (s.address() as net.AddressInfo).port
    await new Promise(r => s.close(r))
    return port
}

describe("npm start's arguments", () => {
    it("defaults to the firmware on the default port", () => {
        expect(parseStartArgs([])).toEqual({
            mode: "firmware",
            serialPort: null,
            port: DEFAULT_PAGE_PORT,
        })
        expect(parseStartArgs(["--host", "--port", "9000"])).toEqual({
            mode: "host",
            serialPort: null,
            port: 9000,
        })
        expect(parseStartArgs(["--serial=/dev/ttyUSB0"])).toEqual({
            mode: "serial",
            serialPort: "/dev/ttyUSB0",
            port: DEFAULT_PAGE_PORT,
        })
    })

    it("refuses what it does not know, in one line", () => {
        expect(() => parseStartArgs(["--port", "http"])).toThrow(
            /^--port http: expected a port number 0..65535 \(0: any free one\) \(usage: /
        )
        expect(() => parseStartArgs(["--serial"])).toThrow(
            /^--serial needs a value/
        )
        expect(() => parseStartArgs(["--host", "--serial", "/dev/x"])).toThrow(
            /exclude each other/
        )
        expect(() => parseStartArgs(["--fast"])).toThrow(
            /^unknown argument "--fast"/
        )
    })
})

describe("npm start -- --host", () => {
    it("prints the address, serves the page, and stops on Ctrl-C", async () => {
        const port = await freePort()
        const run = start(["--host", "--port", String(port)])
        const end = performance.now() + 20_000
        while (!run.out().includes("the table: ") && performance.now() < end)
            await new Promise(r => setTimeout(r, 50))
        expect(run.out()).toContain(`the table: http://127.0.0.1:${port}/`)
        expect(run.out()).toContain("the host controller (no VM)")
        const page = await (await fetch(`http://127.0.0.1:${port}/`)).text()
        expect(page).toContain("<title>Inversion table</title>")
        const snapshot = await (
            await fetch(`http://127.0.0.1:${port}/snapshot.json`)
        ).json()
        expect(snapshot.mode).toBe("host")
        run.child.kill("SIGINT")
        expect(await run.exited).toBe(0)
    })

    it("says in one line that the page's port is taken, and exits 3", async () => {
        const taken = net.createServer()
        await new Promise<void>(r => taken.listen(0, "127.0.0.1", () => r()))
        const port = (taken.address() as net.AddressInfo).port
        try {
            const run = start(["--host", "--port", String(port)])
            expect(await run.exited).toBe(3)
            expect(run.err()).toBe(
                `start: port ${port} on 127.0.0.1 is in use (another npm start?): choose another with --port N\n`
            )
        } finally {
            await new Promise(r => taken.close(r))
        }
    })
})
