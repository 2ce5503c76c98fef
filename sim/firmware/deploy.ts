// Deploys a compiled program into a running VM over Jacdac (the DeviceScript manager's
// deploy_bytecode pipe), as the CLI's own `devs run FILE` does inside the process. Used for the
// first boot of a run: the VM is started without a program, the stored settings are written, then
// the firmware is deployed and starts, all in one VM process.

import * as fs from "node:fs"
import {
    DeviceScriptManagerClient,
    JDDevice,
    SRV_DEVICE_SCRIPT_MANAGER,
} from "jacdac-ts"
import { FirmwareLoopError } from "./errors"

/** The deploy pipe takes the program in 32-byte units (the compiler's output already is). */
const DEPLOY_UNIT = 32

export async function deployProgram(
    device: JDDevice,
    devsFile: string
): Promise<void> {
    const service = device.services({
        serviceClass: SRV_DEVICE_SCRIPT_MANAGER,
    })[0]
    if (!service)
        throw new FirmwareLoopError(
            "the VM has no DeviceScript manager to deploy the firmware to"
        )
    const file = fs.readFileSync(devsFile)
    const bytes = new Uint8Array(
        Math.ceil(file.length / DEPLOY_UNIT) * DEPLOY_UNIT
    )
    bytes.set(file)
    try {
        await new DeviceScriptManagerClient(service).deployBytecode(bytes)
    } catch (e) {
        throw new FirmwareLoopError(
            `could not deploy ${devsFile} to the VM: ${(e as Error).message}`
        )
    }
}
