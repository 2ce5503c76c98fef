// npm test: every check, side by side where they can be, on every core the machine has.
//
//   1. the firmware build (devs build src/main.ts): everything after it needs it;
//   2. at once, the checks that need only the CPU: eslint, prettier --check, tsc, vitest's "host"
//      project (unit, scenario and property tests), and the on-device suite in the VM
//      (test/device/run.mjs, in a project folder of its own: the firmware's build stays as it is);
//   3. then the real-time tests, vitest's "vm" project (the firmware in the VM against the bus on
//      127.0.0.1:8081, in real time), a few at once, the two longest files in parts (see
//      VM_PARTS), each in a network namespace of its own (`unshare -rn`), so each has that port to
//      itself, and in a session of its own (where the kernel shares the CPU out by session, each
//      gets a session's share, as the VM itself does). Where namespaces are not available the
//      files run one after another, as `vitest run` does.
//   The real-time tests run after the CPU-bound ones, not beside them: a tick that comes late is a
//   fault in the firmware's eyes, so they get the machine to themselves, as far as this run goes.
//
// Each suite's output goes to out/test-logs/<suite>.log; a failed suite's is printed in full at the
// end. The wall time of each suite and of the whole run go to out/test-times.json (the bench
// reports them as testSuiteS). Exit code 0 when every suite passed, 1 otherwise.

import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { VM_TEST_FILES } from "./vm-files.mjs"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const LOGS = path.join(ROOT, "out", "test-logs")
const TIMES = path.join(ROOT, "out", "test-times.json")
const NODE = process.execPath
const bin = (...p) => path.join(ROOT, "node_modules", ...p)
const VITEST = bin("vitest", "vitest.mjs")
const LINTED = ["src", "sim", "test", "eslint.config.js", "vitest.config.ts"]
/** vitest.config.ts's "vm" project: the files that run the firmware in the VM. */
const VM_FILES = VM_TEST_FILES
/**
 * The longest of them run in parts: one per group of names (the tests whose full names contain one
 * of them), and one for all the others (the complement of every group: each test is in exactly one
 * part, a new test in the last). Each part runs the file's own setup.
 */
const VM_PARTS = {
    "test/firmware-loop.test.ts": [
        [
            "firmware-in-the-loop harness",
            "conformance",
            "grip released while going deeper",
            "latch opened away from home",
        ],
        // The exercise program through the firmware: its 60 s session alone, the rest beside.
        ["a session 60 s at its cap"],
        [
            "first use: warnings not acknowledged",
            "the cap (25 after one counted session)",
        ],
    ],
    "test/console.test.ts": [["without a table"]],
}
/** vitest's workers for the host tests: one per core (its default leaves one core free). */
const HOST_WORKERS = Math.max(1, os.availableParallelism())

fs.rmSync(LOGS, { recursive: true, force: true })
fs.mkdirSync(LOGS, { recursive: true })

/** Namespaces of our own: `unshare -rn` and `ip` work here. */
/**
 * How many real-time suites run at once: one per core. Each runs the firmware in a VM that must keep
 * real time, and starts processes of its own now and then (a VM at each power cycle, a console, a
 * browser), each taking a core for a second or so; one suite more than the cores made late ticks (and
 * so `watchdog` or `imu` faults the test did not ask for) common enough on a loaded machine to fail a
 * clean run.
 */
const REAL_TIME_AT_ONCE = os.availableParallelism()

/** The suites in the order of the last run's durations, longest first (unknown ones first). */
function longestFirst(suites) {
    let last = {}
    try {
        last = JSON.parse(fs.readFileSync(TIMES, "utf8")).suites ?? {}
    } catch {
        // no earlier run: keep the listed order
    }
    const known = name => (typeof last[name] === "number" ? last[name] : 1e9)
    return [...suites].sort((a, b) => known(b[0]) - known(a[0]))
}

/** Runs the suites in namespaces of their own, at most `atOnce` at a time; results in input order. */
async function runPool(suites, atOnce) {
    const out = new Array(suites.length)
    let next = 0
    const worker = async () => {
        while (next < suites.length) {
            const i = next++
            const [name, argv] = suites[i]
            out[i] = await run(name, argv, { ns: true, session: true })
        }
    }
    await Promise.all(
        Array.from({ length: Math.min(atOnce, suites.length) }, worker)
    )
    return out
}

function namespacesWork() {
    const r = spawnSync("unshare", ["-rn", "sh", "-c", "ip link set lo up"], {
        stdio: "ignore",
    })
    return r.status === 0
}

/**
 * Runs one suite; resolves to { name, ok, s }. `ns` runs it in a network namespace of its own,
 * `session` in a session of its own.
 */
function run(name, argv, { ns = false, session = false } = {}) {
    return new Promise(resolve => {
        const t0 = performance.now()
        const log = fs.openSync(path.join(LOGS, name + ".log"), "w")
        let command = argv[0]
        let args = argv.slice(1)
        if (ns) {
            const quoted = argv.map(a => `'${a.replace(/'/g, "'\\''")}'`)
            command = "unshare"
            args = [
                "-rn",
                "sh",
                "-c",
                `ip link set lo up && exec ${quoted.join(" ")}`,
            ]
        }
        const child = spawn(command, args, {
            cwd: ROOT,
            stdio: ["ignore", log, log],
            env: { ...process.env, FORCE_COLOR: "0" },
            detached: session,
        })
        children.add({ child, group: session })
        const done = code => {
            for (const c of children) if (c.child === child) children.delete(c)
            fs.closeSync(log)
            const s = (performance.now() - t0) / 1000
            const ok = code === 0
            console.log(
                `${ok ? "passed" : "FAILED"}  ${name.padEnd(28)} ${s.toFixed(1).padStart(6)} s`
            )
            resolve({ name, ok, s })
        }
        child.on("exit", code => done(code))
        child.on("error", e => {
            fs.writeSync(log, `cannot start ${command}: ${e.message}\n`)
            done(1)
        })
    })
}

const children = new Set()
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"])
    process.on(sig, () => {
        for (const { child, group } of children) {
            try {
                if (group) process.kill(-child.pid, "SIGTERM")
                else child.kill("SIGTERM")
            } catch {
                // gone already
            }
        }
        process.exit(130)
    })

const t0 = performance.now()
const started = new Date().toISOString()
const results = []

results.push(
    await run("build", [
        NODE,
        bin("@devicescript", "cli", "built", "devicescript-cli.cjs"),
        "build",
        "src/main.ts",
        "--quiet",
    ])
)

if (results[0].ok) {
    results.push(
        ...(await Promise.all([
            run("lint-eslint", [
                NODE,
                bin("eslint", "bin", "eslint.js"),
                ...LINTED,
            ]),
            run("lint-prettier", [
                NODE,
                bin("prettier", "bin", "prettier.cjs"),
                "--check",
                ...LINTED,
            ]),
            run("typecheck", [
                NODE,
                bin("typescript", "bin", "tsc"),
                "-p",
                "tsconfig.json",
                "--noEmit",
            ]),
            run("vitest-host", [
                NODE,
                VITEST,
                "run",
                "--project",
                "host",
                `--maxWorkers=${HOST_WORKERS}`,
            ]),
            run("device", [NODE, path.join("test", "device", "run.mjs")]),
        ]))
    )
    const vmSuites = []
    for (const file of VM_FILES) {
        const name = "vm-" + path.basename(file, ".test.ts")
        const argv = [NODE, VITEST, "run", "--project", "vm", file]
        const groups = VM_PARTS[file]
        if (groups === undefined) {
            vmSuites.push([name, argv])
            continue
        }
        const pattern = names =>
            names.map(n => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")
        groups.forEach((names, i) =>
            vmSuites.push([
                `${name}-${i + 1}`,
                [...argv, "--passWithNoTests", "-t", `(${pattern(names)})`],
            ])
        )
        // The rest: every test no group names, so each test runs exactly once.
        vmSuites.push([
            `${name}-${groups.length + 1}`,
            [...argv, "-t", `^(?!.*(${pattern(groups.flat())}))`],
        ])
    }
    if (namespacesWork()) {
        console.log(
            `${vmSuites.length} real-time test suites, each in a network namespace of its own, ${REAL_TIME_AT_ONCE} at a time`
        )
        results.push(
            ...(await runPool(longestFirst(vmSuites), REAL_TIME_AT_ONCE))
        )
    } else {
        console.log(
            "no network namespaces here (unshare -rn): the real-time test files run one after another"
        )
        for (const file of VM_FILES)
            results.push(
                await run("vm-" + path.basename(file, ".test.ts"), [
                    NODE,
                    VITEST,
                    "run",
                    "--project",
                    "vm",
                    file,
                ])
            )
    }
}

const totalS = (performance.now() - t0) / 1000
const suites = {}
for (const r of results) suites[r.name] = Math.round(r.s * 10) / 10
fs.writeFileSync(
    TIMES,
    JSON.stringify(
        { date: started, totalS: Math.round(totalS * 10) / 10, suites },
        null,
        4
    ) + "\n"
)

const failed = results.filter(r => !r.ok)
for (const r of failed) {
    console.log(`\n──── ${r.name}: out/test-logs/${r.name}.log ────`)
    process.stdout.write(
        fs.readFileSync(path.join(LOGS, r.name + ".log"), "utf8")
    )
}
console.log(
    `\n${results.length - failed.length} of ${results.length} suites passed in ${totalS.toFixed(1)} s` +
        (failed.length > 0
            ? `; failed: ${failed.map(r => r.name).join(", ")}`
            : "")
)
process.exitCode = failed.length > 0 ? 1 : 0
