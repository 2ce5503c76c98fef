// `npm run soak -- --sessions N [--seed S] [--jobs J] [--ramps] [--out DIR] [--json FILE] [--docs]`:
// N random sessions (sim/campaign/sessionArb.ts: random users and settings in range, the exercise
// program on and off, restarts at random ticks, faults in combination; with --ramps only the
// corner of sim/campaign/rampsArb.ts: the fastest ramps, moves ended inside them) across J worker threads, each trace
// checked with the contract checker and measured. Prints a progress bar on standard error, then the
// sessions that broke a rule (each shrunk and saved under DIR as a scenario `npm run sim` replays)
// and the worst figures. --docs writes them into docs/campaign.md. Exit 1 when a rule was broken.

import * as os from "node:os"
import * as path from "node:path"
import * as fs from "node:fs"
import { Worker } from "node:worker_threads"
import { REPO_ROOT } from "../firmware/paths"
import { parseOptions, withUsage } from "./args"
import { writeSection } from "./docsSection"
import { ProgressBar } from "./progressBar"
import type { SoakKind } from "./session"
import { SoakSlice } from "./soakSessions"
import { soakLines } from "./soakReport"
import { SessionOutcome, SoakTally } from "./soakTally"

const USAGE =
    "npm run soak -- --sessions N [--seed S] [--jobs J] [--ramps] [--out DIR] [--json FILE] [--docs]"
export const DEFAULT_SOAK_SEED = 20261202

function runWorker(
    slice: SoakSlice,
    onOutcome: (o: SessionOutcome) => void
): Promise<void> {
    return new Promise((resolve, reject) => {
        const w = new Worker(new URL("./soakWorker.mjs", import.meta.url), {
            workerData: slice,
        })
        w.on("message", onOutcome)
        w.on("error", reject)
        w.on("exit", code =>
            code === 0 ? resolve() : reject(new Error(`worker exited ${code}`))
        )
    })
}

async function main(): Promise<number> {
    const o = parseOptions(process.argv.slice(2), {
        sessions: { kind: "int", min: 1 },
        seed: { kind: "int" },
        jobs: { kind: "int", min: 1 },
        out: { kind: "text" },
        json: { kind: "text" },
        docs: { kind: "flag" },
        ramps: { kind: "flag" },
    })
    if (o.sessions === undefined)
        throw new Error("--sessions N is required (" + USAGE + ")")
    const count = o.sessions as number
    const seed = (o.seed as number | undefined) ?? DEFAULT_SOAK_SEED
    const jobs = Math.min(
        count,
        (o.jobs as number | undefined) ?? os.availableParallelism()
    )
    const outDir = path.resolve(
        (o.out as string | undefined) ?? path.join(REPO_ROOT, "out", "soak")
    )
    const kind: SoakKind = o.ramps === true ? "ramps" : "mixed"
    const tally = new SoakTally()
    const bar = new ProgressBar(count)
    const t0 = performance.now()
    const slices: SoakSlice[] = []
    for (let w = 0; w < jobs; w++)
        slices.push({ seed, count, first: w, step: jobs, outDir, kind })
    await Promise.all(
        slices.map(slice =>
            runWorker(slice, outcome => {
                tally.add(outcome)
                bar.update(
                    tally.sessions,
                    `broke a rule: ${tally.failed.length}`
                )
            })
        )
    )
    tally.failed.sort((a, b) => a.i - b.i)
    const elapsedS = (performance.now() - t0) / 1000
    const cpus = os.cpus()
    const meta = {
        seed,
        jobs,
        elapsedS,
        command: `npm run soak -- --sessions ${count} --seed ${seed} --jobs ${jobs}${kind === "ramps" ? " --ramps" : ""}`,
        machine: `${cpus.length} x ${cpus[0]?.model.trim() ?? "cpu"}`,
    }
    const lines = soakLines(tally, meta)
    process.stdout.write(lines.join("\n") + "\n")
    if (o.json !== undefined)
        fs.writeFileSync(
            o.json as string,
            JSON.stringify(
                {
                    ...meta,
                    sessions: tally.sessions,
                    failed: tally.failed,
                    worst: tally.worst,
                    worstAt: tally.worstAt,
                },
                null,
                2
            ) + "\n"
        )
    if (o.docs === true)
        writeSection(kind === "ramps" ? "soak-ramps" : "soak", lines.join("\n"))
    return tally.failed.length === 0 ? 0 : 1
}

withUsage(USAGE, main)
