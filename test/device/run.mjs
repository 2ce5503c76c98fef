// npm run test:device: compiles and runs the on-device suite (test/device/all.dtest.ts) in the
// DeviceScript VM, once, with --test --test-self-exit (exit code 0 = all passed, 1 = a failure).
//
// `devs run FILE.ts` compiles into .devicescript/bin/, the same single output as the firmware build
// (the firmware-in-the-loop harness runs .devicescript/bin/bytecode.devs). So the firmware's build
// output is set aside first and put back afterwards, whatever happens; if there was none, the test
// program's output is removed, so that nothing ever runs the test suite as if it were the firmware.

import { spawn } from "node:child_process"
import * as fs from "node:fs"
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
const ENTRY = "test/device/all.dtest.ts"
const BIN = path.join(ROOT, ".devicescript", "bin")
const KEEP = path.join(
    ROOT,
    ".devicescript",
    "firmware-kept-during-device-tests"
)
const OUTPUTS = ["bytecode.devs", "bytecode-dbg.json", "bytecode-sizes.md"]
/** The VM's own timeout for the whole run (the suite takes ~3 s); ours covers the compile too. */
const VM_TIMEOUT_MS = 30000
const OUR_TIMEOUT_MS = 120000

function setAside() {
    fs.rmSync(KEEP, { recursive: true, force: true })
    if (!fs.existsSync(path.join(BIN, "bytecode.devs"))) return false
    fs.mkdirSync(KEEP, { recursive: true })
    for (const f of OUTPUTS)
        if (fs.existsSync(path.join(BIN, f)))
            fs.copyFileSync(path.join(BIN, f), path.join(KEEP, f))
    return true
}

function putBack(kept) {
    for (const f of OUTPUTS) fs.rmSync(path.join(BIN, f), { force: true })
    if (kept) {
        for (const f of OUTPUTS)
            if (fs.existsSync(path.join(KEEP, f)))
                fs.copyFileSync(path.join(KEEP, f), path.join(BIN, f))
        fs.rmSync(KEEP, { recursive: true, force: true })
    }
}

const kept = setAside()
let restored = false
function restoreOnce() {
    if (restored) return
    restored = true
    putBack(kept)
}

const child = spawn(
    process.execPath,
    [
        CLI,
        "--no-colors",
        "run",
        ENTRY,
        "--test",
        "--test-self-exit",
        "-T",
        String(VM_TIMEOUT_MS),
    ],
    { cwd: ROOT, stdio: "inherit" }
)
const timer = setTimeout(() => {
    console.error(
        `test:device: no result after ${OUR_TIMEOUT_MS} ms, stopping the VM`
    )
    child.kill("SIGKILL")
}, OUR_TIMEOUT_MS)
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
        child.kill("SIGKILL")
        restoreOnce()
        process.exit(130)
    })
}
child.on("exit", code => {
    clearTimeout(timer)
    restoreOnce()
    process.exit(code === null ? 1 : code)
})
child.on("error", e => {
    clearTimeout(timer)
    restoreOnce()
    console.error(
        "test:device: cannot start the DeviceScript CLI: " + e.message
    )
    process.exit(1)
})
