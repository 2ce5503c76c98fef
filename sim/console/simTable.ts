// `npx tsx sim/console/simTable.ts`: a simulated table on ws://127.0.0.1:8081 that keeps running, with
// its button pad, grip and latch worked from this terminal, as a person at the table would. The
// console (`npm run console -- --sim`, in another terminal) finds it there and connects to it; the
// console itself never presses the pad (behaviour.md: only a person at the pad enters service mode).
//
// Pad commands (one per line):
//   service                 hold STOP and UP together for 3 s (enters service mode at home, latch open)
//   press BUTTON [SECONDS]  hold up|down|stop|preset|home|grip|homeSwitch (default 0.2 s)
//   latch open|closed       the strap latch
//   grip held|released      the dead-man grip, held until released
//   power-cycle             the VM killed and booted again with the same flash
//   state                   the firmware's latest tick
//   quit                    (or Ctrl-C) stop the table

import * as readline from "node:readline"
import { pathToFileURL } from "node:url"
import { FirmwareLoopError } from "../firmware/errors"
import { LIVE_INPUTS, LiveInput, LiveSimTable } from "./liveSim"

export const PAD_HELP =
    "pad: service | press BUTTON [SECONDS] | latch open|closed | grip held|released | power-cycle | state | quit"

/** Carries out one pad command; resolves with the line to print, or null for quit. */
export async function padCommand(
    sim: LiveSimTable,
    line: string
): Promise<string | null> {
    const [cmd, arg, arg2] = line.trim().split(/\s+/)
    switch (cmd) {
        case undefined:
        case "":
            return ""
        case "quit":
        case "exit":
            return null
        case "service":
            await sim.enterServiceMode()
            return "service mode (STOP+UP held 3 s)"
        case "press": {
            const input = arg as LiveInput
            if (!LIVE_INPUTS.includes(input) || input === "latch")
                return `press: no button "${arg ?? ""}"; ${PAD_HELP}`
            const seconds = arg2 === undefined ? 0.2 : Number(arg2)
            if (!(seconds > 0 && seconds <= 600))
                return `press: "${arg2}" is not a number of seconds (0..600)`
            await sim.hold([input], seconds * 1000)
            return `${input} held ${seconds} s`
        }
        case "latch":
            if (arg !== "open" && arg !== "closed")
                return "latch: open or closed"
            sim.setInput("latch", arg === "closed")
            return `latch ${arg}`
        case "grip":
            if (arg !== "held" && arg !== "released")
                return "grip: held or released"
            sim.setInput("grip", arg === "held")
            return `grip ${arg}`
        case "power-cycle":
            return `power cycled in ${Math.round(await sim.powerCycle())} ms`
        case "state": {
            const t = sim.latest
            return t
                ? `state ${t.state}  angle ${t.estDeg}  target ${t.targetDeg}  faults ${t.faults.join("|") || "-"}  latch ${t.latch ? "closed" : "open"}  grip ${t.grip ? "held" : "released"}`
                : "no tick yet"
        }
        default:
            return `unknown pad command "${cmd}"; ${PAD_HELP}`
    }
}

async function main(): Promise<void> {
    let sim: LiveSimTable
    try {
        sim = await LiveSimTable.start()
    } catch (e) {
        process.stderr.write(
            (e instanceof FirmwareLoopError ? e.message : String(e)) + "\n"
        )
        process.exit(3)
    }
    const stop = async () => {
        await sim.close()
        process.exit(0)
    }
    process.on("SIGINT", () => void stop())
    process.on("SIGTERM", () => void stop())
    process.stdout.write(
        `simulated table on ws://127.0.0.1:8081: at home, latch open, nothing pressed\n${PAD_HELP}\n`
    )
    const rl = readline.createInterface({
        input: process.stdin,
        output: process.stdout,
        prompt: "pad> ",
    })
    rl.prompt()
    let quit = false
    for await (const line of rl) {
        try {
            const answer = await padCommand(sim, line)
            if (answer === null) {
                quit = true
                break
            }
            if (answer !== "") process.stdout.write(answer + "\n")
            const problem = sim.problem
            if (problem !== null)
                process.stdout.write(
                    `the simulated table has a problem: ${problem}\n`
                )
        } catch (e) {
            process.stdout.write(`${(e as Error).message}\n`)
        }
        rl.prompt()
    }
    // End of input (not a terminal, e.g. run in the background with </dev/null): keep the table
    // running until a signal; `quit` stops it.
    if (!quit && !process.stdin.isTTY) await new Promise(() => {})
    await stop()
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) void main()
