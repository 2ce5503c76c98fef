// `npm start`: the table in the browser. Starts a table and serves the page on 127.0.0.1:
//
//   npm start                        the compiled firmware in the DeviceScript VM against the table
//                                    model, in real time (its bus on ws://127.0.0.1:8081)
//   npm start -- --host              the host controller against the model (no VM, no bus port)
//   npm start -- --serial PORT       a real table over USB serial (read only but for the console)
//   --port N                         the page's port (default 8080; 0: any free one)
//
// Prints the address; a port taken or a table that cannot start is one line and exit 3; Ctrl-C stops
// everything it started.

import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { connectSerial } from "./console/serialTransport"
import { FirmwareLoopError } from "./firmware/errors"
import { HostSource } from "./page/hostSource"
import { PageServer } from "./page/server"
import { SerialSource } from "./page/serialSource"
import { SOURCE_TITLES } from "./page/snapshot"
import { TableSource } from "./page/source"
import { VmSource } from "./page/vmSource"

export const DEFAULT_PAGE_PORT = 8080
export const START_USAGE = "npm start -- [--host | --serial PORT] [--port N]"

export interface StartArgs {
    mode: "firmware" | "host" | "serial"
    serialPort: string | null
    port: number
}

export class StartUsageError extends Error {}

export function parseStartArgs(argv: readonly string[]): StartArgs {
    const args: StartArgs = {
        mode: "firmware",
        serialPort: null,
        port: DEFAULT_PAGE_PORT,
    }
    const usage = (problem: string): never => {
        throw new StartUsageError(`${problem} (usage: ${START_USAGE})`)
    }
    let modes = 0
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]
        const [name, inline] =
            a.startsWith("--") && a.includes("=")
                ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
                : [a, undefined]
        const value = () => {
            const v = inline ?? argv[++i]
            if (
                v === undefined ||
                v === "" ||
                (inline === undefined && v.startsWith("--"))
            )
                usage(`${name} needs a value`)
            return v
        }
        if (name === "--host" && inline === undefined) {
            args.mode = "host"
            modes++
        } else if (name === "--serial") {
            args.mode = "serial"
            args.serialPort = value()
            modes++
        } else if (name === "--port") {
            const v = value()
            const port = Number(v)
            if (!/^\d+$/.test(v) || !(port >= 0 && port <= 65535))
                usage(
                    `--port ${v}: expected a port number 0..65535 (0: any free one)`
                )
            args.port = port
        } else usage(`unknown argument ${JSON.stringify(a)}`)
    }
    if (modes > 1) usage("--host and --serial exclude each other")
    return args
}

async function startSource(
    args: StartArgs,
    originMs: number
): Promise<TableSource> {
    if (args.mode === "host") return HostSource.start(originMs)
    if (args.mode === "serial") {
        const port = args.serialPort!
        // The first connection is tried here, so that a wrong port is said at once.
        const link = await connectSerial(port)
        let first: typeof link | null = link
        return new SerialSource(async () => {
            if (first !== null) {
                const l = first
                first = null
                return l
            }
            return connectSerial(port)
        })
    }
    return VmSource.start(originMs)
}

async function main(): Promise<number> {
    let args: StartArgs
    try {
        args = parseStartArgs(process.argv.slice(2))
    } catch (e) {
        process.stderr.write(`start: ${(e as Error).message}\n`)
        return 2
    }
    let server: PageServer
    try {
        server = await PageServer.listen({ port: args.port })
    } catch (e) {
        process.stderr.write(`start: ${(e as Error).message}\n`)
        return 3
    }
    process.stderr.write(
        args.mode === "firmware"
            ? "starting the firmware in the DeviceScript VM...\n"
            : args.mode === "serial"
              ? `opening ${args.serialPort}...\n`
              : "starting the host table...\n"
    )
    let source: TableSource
    try {
        source = await startSource(args, server.originMs)
    } catch (e) {
        await server.close()
        const message =
            e instanceof FirmwareLoopError ? e.message : (e as Error).message
        process.stderr.write(`start: ${message}\n`)
        return 3
    }
    server.attach(source)
    let stopping = false
    const stop = async (code: number, line?: string) => {
        if (stopping) return
        stopping = true
        if (line) process.stderr.write(line + "\n")
        await server.close().catch(() => {})
        await source.close().catch(() => {})
        process.exit(code)
    }
    process.on("SIGINT", () => void stop(0))
    process.on("SIGTERM", () => void stop(0))
    setInterval(() => {
        if (source.fatal !== null) void stop(3, `start: ${source.fatal}`)
    }, 250)
    process.stdout.write(
        `the table: ${server.url}\n  ${SOURCE_TITLES[source.mode]}\n  open it in a browser; Ctrl-C stops\n`
    )
    return new Promise<number>(() => {})
}

if (
    process.argv[1] !== undefined &&
    pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url
)
    void main().then(code => process.exit(code))
