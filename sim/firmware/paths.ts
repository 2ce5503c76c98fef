// Where the harness finds what it runs: the repository, the DeviceScript CLI, the built firmware and
// the watchdog preload. Absolute paths, so the VM can run in any working directory.

import * as path from "node:path"
import { fileURLToPath } from "node:url"

const HERE = path.dirname(fileURLToPath(import.meta.url))

/** The repository root. */
export const REPO_ROOT = path.resolve(HERE, "..", "..")

/** The DeviceScript CLI, started with process.execPath: one process instead of npx's three. */
export const DEVS_CLI = path.join(
    REPO_ROOT,
    "node_modules",
    "@devicescript",
    "cli",
    "built",
    "devicescript-cli.cjs"
)

/** What `npm run build:firmware` writes (devs build has one output, overwritten per build). */
export const FIRMWARE_DEVS = path.join(
    REPO_ROOT,
    ".devicescript",
    "bin",
    "bytecode.devs"
)

/** Names another compiled firmware to run instead (an older build, a copy kept aside). */
export const FIRMWARE_ENV = "SIM_FIRMWARE_DEVS"

/** The firmware a run uses: $SIM_FIRMWARE_DEVS if set, else the build output. */
export function firmwareDevsPath(): string {
    const fromEnv = process.env[FIRMWARE_ENV]
    return fromEnv !== undefined && fromEnv !== ""
        ? path.resolve(fromEnv)
        : FIRMWARE_DEVS
}

/** Preloaded into the VM process: it exits when the process that started it is gone. */
export const PARENT_WATCHDOG = path.join(HERE, "parent-watchdog.cjs")
