// npm run test:device: compiles and runs the on-device suite (test/device/all.dtest.ts) in the
// DeviceScript VM, once, with --test --test-self-exit (exit code 0 = all passed, 1 = a failure).
//
// `devs build` writes one output per project folder (.devicescript/bin/bytecode.devs), which for
// the repository is the firmware's. So the suite is compiled in a project folder of its own (a
// temporary one with the repository's devsconfig.json, services/ and boards/, and its
// node_modules), and the VM runs that output: the firmware's build is never touched, and the suite
// can run while other tests use the firmware.

import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    "..",
    ".."
)
const CLI = path.join(
    ROOT,
    "node_modules",
    "@devicescript",
    "cli",
    "built",
    "devicescript-cli.cjs"
)
const ENTRY = path.join(ROOT, "test", "device", "all.dtest.ts")
/** The VM's own timeout for the whole run (the suite takes ~3 s); ours covers the compile too. */
const VM_TIMEOUT_MS = 30000
const OUR_TIMEOUT_MS = 120000

const project = fs.mkdtempSync(path.join(os.tmpdir(), "device-suite-"))
fs.copyFileSync(
    path.join(ROOT, "devsconfig.json"),
    path.join(project, "devsconfig.json")
)
for (const link of ["node_modules", "services", "boards"])
    fs.symlinkSync(path.join(ROOT, link), path.join(project, link), "dir")

let child = null
let finished = false
function finish(code) {
    if (finished) return
    finished = true
    clearTimeout(timer)
    fs.rmSync(project, { recursive: true, force: true })
    process.exit(code)
}

const timer = setTimeout(() => {
    console.error(
        `test:device: no result after ${OUR_TIMEOUT_MS} ms, stopping the VM`
    )
    child?.kill("SIGKILL")
    finish(1)
}, OUR_TIMEOUT_MS)
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
        child?.kill("SIGKILL")
        finish(130)
    })
}

/** Runs the CLI in the suite's project folder; resolves to its exit code. */
function devs(args) {
    return new Promise(resolve => {
        child = spawn(process.execPath, [CLI, "--no-colors", ...args], {
            cwd: project,
            stdio: "inherit",
        })
        child.on("exit", code => resolve(code === null ? 1 : code))
        child.on("error", e => {
            console.error(
                "test:device: cannot start the DeviceScript CLI: " + e.message
            )
            resolve(1)
        })
    })
}

const built = await devs(["build", ENTRY, "--quiet"])
if (built !== 0) {
    console.error(`test:device: the suite does not compile (exit ${built})`)
    finish(1)
} else {
    finish(
        await devs([
            "run",
            path.join(".devicescript", "bin", "bytecode.devs"),
            "--test",
            "--test-self-exit",
            "-T",
            String(VM_TIMEOUT_MS),
        ])
    )
}
