// Compiles a DeviceScript program that is not the firmware (a generated test program) in a project
// folder of its own, so the firmware's build output (.devicescript/bin/bytecode.devs, one file,
// overwritten by every `devs build`) is never touched.
//
// The folder needs a devsconfig.json and the @devicescript packages: node_modules is a symlink to
// the repository's. The program may import the repository's sources by relative path.

import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { FirmwareLoopError } from "./errors"
import { DEVS_CLI, REPO_ROOT } from "./paths"

/** `devs build` takes about 2-8 s here; a loaded CI machine gets this long. */
const BUILD_TIMEOUT_MS = 120000

/** Makes `dir` a DeviceScript project folder; returns the path of its src/ folder. */
export function prepareDevsProject(dir: string): string {
    fs.mkdirSync(path.join(dir, "src"), { recursive: true })
    fs.writeFileSync(path.join(dir, "devsconfig.json"), "{}\n")
    const modules = path.join(dir, "node_modules")
    if (!fs.existsSync(modules))
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), modules, "dir")
    return path.join(dir, "src")
}

/** Compiles dir/src/<entry>; resolves to the .devs file, or throws with the compiler's errors. */
export function buildDevs(dir: string, entry = "src/main.ts"): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            process.execPath,
            [DEVS_CLI, "--no-colors", "build", entry],
            { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }
        )
        let output = ""
        child.stdout.on("data", d => (output += d))
        child.stderr.on("data", d => (output += d))
        const timer = setTimeout(() => child.kill("SIGKILL"), BUILD_TIMEOUT_MS)
        child.on("exit", code => {
            clearTimeout(timer)
            const devs = path.join(dir, ".devicescript", "bin", "bytecode.devs")
            // `devs build` exits 101 on a compile error, 0 otherwise.
            if (code === 0 && fs.existsSync(devs)) resolve(devs)
            else {
                const errors = output
                    .split("\n")
                    .filter(l => /error|Error/.test(l) && !/^\s+at /.test(l))
                reject(
                    new FirmwareLoopError(
                        `devs build ${entry} failed (exit ${code}): ${errors.slice(0, 5).join(" | ") || output.slice(-500)}`
                    )
                )
            }
        })
    })
}
