// The DeviceScript VM as a child process: `devs run FIRMWARE.devs`, which dials the bus at
// ws://127.0.0.1:8081 and runs the prebuilt bytecode.
//
// - Started as process.execPath + the CLI's .cjs (one process; npx would be three), with
//   --no-colors so the program's console.log arrives as plain "WASM> " lines on stdout.
// - Run in `workDir`: the VM keeps its flash (stored settings, the deployed program) in
//   workDir/.devicescript/flash/sim.bin, so a fresh workDir is a fresh flash, and reusing it across
//   a restart keeps the stored settings, as a power cycle does.
// - Detached, so it leads its own process group and one SIGKILL to the group takes everything.
// - The parent-watchdog preload makes it exit when this process dies without cleaning up.
// - Registered with cleanup.ts, so every exit path of this process kills it.
// - Ready when the CLI has printed `self-deployed` and then the VM `WASM> start:`; only then do
//   the firmware's roles exist and can be bound. (Started without a program: when the CLI says
//   `waiting for external deploy`.)

import { ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import { registerChild } from "./cleanup"
import { FirmwareLoopError } from "./errors"
import { DEVS_CLI, PARENT_WATCHDOG } from "./paths"

/** Measured: a prebuilt .devs is running 1.6-2.0 s after the spawn; this allows a slow CI machine. */
export const VM_READY_TIMEOUT_MS = 20000
/** SIGKILL ends the VM in 30-60 ms; after this long the kill is reported as failed. */
const KILL_WAIT_MS = 3000
/** How many recent output lines are kept for error messages. */
const RECENT_LINES = 30
/** The VM prefixes each line the program prints with this. */
export const PROGRAM_LINE_PREFIX = "WASM> "

export interface VmOptions {
    /**
     * the compiled firmware (.devs) to deploy and run; null starts the VM without a program
     * (`devs run --wait`; in a fresh working directory its flash holds none): it serves its own
     * services (settings among them) and waits for a program deployed over Jacdac
     */
    devsFile: string | null
    /** the VM's working directory: its flash lives in workDir/.devicescript/flash/sim.bin */
    workDir: string
    /** the VM's Jacdac device id (16 hex digits); the CLI picks one otherwise */
    deviceId?: string
    readyTimeoutMs?: number
}

export type LineListener = (line: string, atMs: number) => void

export class FirmwareVm {
    readonly pid: number
    /**
     * resolves when the firmware has started (without a program: when the VM waits for one);
     * rejects with a FirmwareLoopError if it cannot
     */
    readonly ready: Promise<void>
    private readonly child: ChildProcess
    private readonly recent: string[] = []
    private readonly listeners = new Set<LineListener>()
    private readonly unregister: () => void
    private readonly exitPromise: Promise<void>
    private exited = false

    private constructor(options: VmOptions) {
        if (!fs.existsSync(DEVS_CLI))
            throw new FirmwareLoopError(
                `the DeviceScript CLI is missing (${DEVS_CLI}); run npm install`
            )
        if (options.devsFile !== null && !fs.existsSync(options.devsFile))
            throw new FirmwareLoopError(
                `no compiled firmware at ${options.devsFile}; run npm run build:firmware first`
            )
        fs.mkdirSync(options.workDir, { recursive: true })
        const args = [
            "--require",
            PARENT_WATCHDOG,
            DEVS_CLI,
            "--no-colors",
            "run",
        ]
        args.push(
            ...(options.devsFile !== null ? [options.devsFile] : ["--wait"])
        )
        if (options.deviceId !== undefined)
            args.push("--device-id", options.deviceId)
        this.child = spawn(process.execPath, args, {
            cwd: options.workDir,
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        })
        if (this.child.pid === undefined)
            throw new FirmwareLoopError("could not start the DeviceScript VM")
        this.pid = this.child.pid
        this.unregister = registerChild(() => this.killGroup())
        this.child.on("error", () => {}) // reported through `ready` (the process exits)
        this.exitPromise = new Promise(resolve => {
            this.child.once("exit", () => {
                this.exited = true
                this.unregister()
                resolve()
            })
        })
        this.readLines(this.child.stdout!)
        this.readLines(this.child.stderr!)
        this.ready = this.whenReady(
            options.devsFile !== null,
            options.readyTimeoutMs ?? VM_READY_TIMEOUT_MS
        )
        // A failed start is reported through `ready`; never as an unhandled rejection.
        this.ready.catch(() => {})
    }

    /** Spawns the VM; await `vm.ready` before binding roles. */
    static start(options: VmOptions): FirmwareVm {
        return new FirmwareVm(options)
    }

    get isRunning(): boolean {
        return !this.exited
    }

    /** Every output line from now on (stdout and stderr, "WASM> " kept), with its arrival time. */
    onLine(listener: LineListener): () => void {
        this.listeners.add(listener)
        return () => this.listeners.delete(listener)
    }

    /** Resolves with the next output line that passes `test`; rejects after timeoutMs or if the VM exits. */
    waitForLine(
        test: (line: string) => boolean,
        what: string,
        timeoutMs: number
    ): Promise<string> {
        return new Promise((resolve, reject) => {
            const finish = (error: Error | null, line = "") => {
                clearTimeout(timer)
                off()
                this.child.off("exit", onExit)
                if (error) reject(error)
                else resolve(line)
            }
            const off = this.onLine(line => {
                if (test(line)) finish(null, line)
            })
            const onExit = () =>
                finish(
                    new FirmwareLoopError(
                        `the VM exited while waiting for ${what}: ${this.recentOutput() || "no output"}`
                    )
                )
            this.child.once("exit", onExit)
            const timer = setTimeout(
                () =>
                    finish(
                        new FirmwareLoopError(
                            `no ${what} within ${timeoutMs} ms: ${this.recentOutput() || "no output"}`
                        )
                    ),
                timeoutMs
            )
        })
    }

    /** The last few output lines (stack frames left out), for error messages. */
    recentOutput(): string {
        return this.recent
            .filter(l => !/^\s+at /.test(l) && l.trim() !== "")
            .join(" | ")
    }

    /** Kills the VM's process group at once (SIGKILL) and waits until it has exited. */
    async kill(): Promise<void> {
        this.killGroup()
        let timer: NodeJS.Timeout | undefined
        const timeout = new Promise<void>((_, reject) => {
            timer = setTimeout(
                () =>
                    reject(
                        new FirmwareLoopError(
                            `the VM (pid ${this.pid}) did not exit after SIGKILL`
                        )
                    ),
                KILL_WAIT_MS
            )
        })
        try {
            await Promise.race([this.exitPromise, timeout])
        } finally {
            clearTimeout(timer)
        }
    }

    private killGroup(): void {
        if (this.exited) return
        try {
            process.kill(-this.pid, "SIGKILL")
        } catch {
            try {
                this.child.kill("SIGKILL")
            } catch {
                // already gone
            }
        }
    }

    private readLines(stream: NodeJS.ReadableStream): void {
        let pending = ""
        stream.setEncoding("utf8")
        stream.on("data", (chunk: string) => {
            const atMs = performance.now()
            pending += chunk
            let nl: number
            while ((nl = pending.indexOf("\n")) >= 0) {
                const line = pending.slice(0, nl).replace(/\r$/, "")
                pending = pending.slice(nl + 1)
                this.recent.push(line)
                if (this.recent.length > RECENT_LINES) this.recent.shift()
                for (const listener of Array.from(this.listeners))
                    listener(line, atMs)
            }
        })
    }

    private whenReady(deploying: boolean, timeoutMs: number): Promise<void> {
        return new Promise((resolve, reject) => {
            let deployed = false
            let timer: NodeJS.Timeout | undefined = undefined
            const done = (error?: Error) => {
                clearTimeout(timer)
                off()
                this.child.off("exit", onExit)
                if (error) reject(error)
                else resolve()
            }
            const off = this.onLine(line => {
                if (
                    !deploying &&
                    line.startsWith("waiting for external deploy")
                )
                    done()
                else if (line.startsWith("self-deployed")) deployed = true
                else if (
                    deployed &&
                    line.startsWith(PROGRAM_LINE_PREFIX + "start:")
                )
                    done()
            })
            const onExit = (code: number | null, signal: string | null) =>
                done(
                    new FirmwareLoopError(
                        `the firmware could not start: the VM exited (${code ?? signal}): ${this.recentOutput() || "no output"}`
                    )
                )
            this.child.once("exit", onExit)
            timer = setTimeout(
                () =>
                    done(
                        new FirmwareLoopError(
                            `the firmware did not start within ${timeoutMs} ms: ${this.recentOutput() || "no output"}`
                        )
                    ),
                timeoutMs
            )
        })
    }
}
