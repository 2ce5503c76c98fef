// `npm run mutate [-- --only ID] [--docs]`: the mutation check of the safety tests. Each mutation of
// mutations.ts is applied, one at a time, to a temporary copy of the tree (node_modules linked, never
// the working tree), the fast suite is run on it, and the file is put back; a mutation the suite
// does not fail has survived: its rule has no test. Ctrl-C puts the file back and removes the copy.
// Prints each result; --docs writes the list into docs/campaign.md. Exit 1 when one survived.

import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { REPO_ROOT } from "../firmware/paths"
import { parseOptions, withUsage } from "./args"
import { writeSection } from "./docsSection"
import { applyMutation, Mutation, MUTATIONS } from "./mutations"

const USAGE = "npm run mutate [-- --only ID] [--docs]"

/** The fast suite: the safety tests that judge the controller's behaviour (host, simulated time). */
export const FAST_SUITE = [
    "test/campaign.test.ts",
    "test/campaign-found.test.ts",
    "test/scenarios.test.ts",
    "test/supervisor.test.ts",
    "test/motionMonitor.test.ts",
    "test/imuMonitor.test.ts",
    "test/faults.test.ts",
    "test/program.test.ts",
    "test/rhythm.test.ts",
    "test/layers.test.ts",
    "test/arrival.test.ts",
    "test/imu-noise.test.ts",
    "test/estimator.test.ts",
    "test/drive.test.ts",
    "test/accel-limit.test.ts",
    "test/pause-resumed.test.ts",
    "test/stop-from-the-table.test.ts",
    "test/home-side.test.ts",
    "test/planner.test.ts",
    "test/holding.test.ts",
    "test/homeward-correction.test.ts",
    "test/noisy-start.test.ts",
    "test/helper-up-jammed.test.ts",
]

const NOT_COPIED = new Set(["node_modules", ".git", "out"])

function copyTree(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutants-"))
    for (const name of fs.readdirSync(REPO_ROOT)) {
        if (NOT_COPIED.has(name)) continue
        fs.cpSync(path.join(REPO_ROOT, name), path.join(dir, name), {
            recursive: true,
        })
    }
    fs.symlinkSync(
        path.join(REPO_ROOT, "node_modules"),
        path.join(dir, "node_modules")
    )
    return dir
}

interface Outcome {
    m: Mutation
    killed: boolean
    by: string
    seconds: number
}

function runSuite(dir: string): { ok: boolean; firstFail: string } {
    const r = spawnSync(
        "npx",
        ["vitest", "run", "--project", "host", "--bail", "1", ...FAST_SUITE],
        { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "1" } }
    )
    const out = (r.stdout ?? "") + (r.stderr ?? "")
    // eslint-disable-next-line no-control-regex
    const plain = out.replace(/\u001b\[[0-9;]*m/g, "")
    const fail = plain
        .split("\n")
        .find(l => l.includes("FAIL ") && l.includes(">"))
    return {
        ok: r.status === 0,
        firstFail: fail ? fail.replace(/^.*FAIL\s+(host\s+)?/, "").trim() : "",
    }
}

async function main(): Promise<number> {
    const o = parseOptions(process.argv.slice(2), {
        only: { kind: "text" },
        docs: { kind: "flag" },
    })
    const list = MUTATIONS.filter(m => o.only === undefined || m.id === o.only)
    if (list.length === 0) throw new Error(`no mutation ${String(o.only)}`)
    const dir = copyTree()
    let restore: (() => void) | null = null
    const cleanUp = () => {
        if (restore) restore()
        fs.rmSync(dir, { recursive: true, force: true })
    }
    process.on("SIGINT", () => {
        cleanUp()
        process.exit(130)
    })
    try {
        const base = runSuite(dir)
        if (!base.ok)
            throw new Error(`the fast suite fails unmutated: ${base.firstFail}`)
        const outcomes: Outcome[] = []
        for (const m of list) {
            const file = path.join(dir, m.file)
            const original = fs.readFileSync(file, "utf8")
            const mutated = applyMutation(original, m)
            restore = () => fs.writeFileSync(file, original)
            const t0 = performance.now()
            fs.writeFileSync(file, mutated)
            let r
            try {
                r = runSuite(dir)
            } finally {
                restore()
                restore = null
            }
            const outcome = {
                m,
                killed: !r.ok,
                by: r.firstFail,
                seconds: (performance.now() - t0) / 1000,
            }
            outcomes.push(outcome)
            process.stderr.write(
                `${outcome.killed ? "killed  " : "SURVIVED"} ${m.id} (${outcome.seconds.toFixed(0)} s)${outcome.by ? ": " + outcome.by : ""}\n`
            )
        }
        const survived = outcomes.filter(x => !x.killed).length
        const lines = [
            `\`npm run mutate\`: ${outcomes.length} mutations, ${outcomes.length - survived} killed, ${survived} survived; the fast suite: ${FAST_SUITE.join(", ")}.`,
            "",
            "| mutation | the rule it breaks | change | killed by |",
            "| --- | --- | --- | --- |",
            ...outcomes.map(
                x =>
                    `| ${x.m.id} | ${x.m.rule} | \`${x.m.file}\`: \`${x.m.replace.replace(/\|/g, "\\|")}\` | ${x.killed ? x.by.replace(/\|/g, "\\|") || "a failing test" : "**SURVIVED**"} |`
            ),
        ]
        process.stdout.write(lines.join("\n") + "\n")
        if (o.docs === true) writeSection("mutation", lines.join("\n"))
        return survived === 0 ? 0 : 1
    } finally {
        cleanUp()
    }
}

withUsage(USAGE, main)
