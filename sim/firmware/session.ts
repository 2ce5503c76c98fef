// One firmware-in-the-loop session: the bus on 127.0.0.1:8081, the simulated table hardware, and
// the firmware running in the VM with its roles bound. The VM's working directory (its flash: the
// stored settings) is the session's own temporary folder, fresh for every session.
//
//   first boot    `devs run --wait` (a VM without a program), the table's flash records (the
//                 stored settings) written into its flash, the firmware deployed over Jacdac: one
//                 VM start (~2 s)
//   power cycle   the VM killed and `devs run FIRMWARE.devs` started in the same folder: the
//                 flash survives, as it does on the table
//
// Always use it through withFirmwareSession (or call close() in a finally): that is what kills the
// VM and frees the port on every way out; cleanup.ts and the parent watchdog cover the rest.

import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { JDDevice } from "jacdac-ts"
import { Settings } from "../../src/control/settings"
import { BridgedBus, startBridgedBus } from "./bus"
import { deployProgram } from "./deploy"
import { ImuPath, TableDevices } from "./devices"
import { FirmwareLoopError } from "./errors"
import { firmwareDevsPath } from "./paths"
import { bindRolesByName, BindResult, waitForVmDevice } from "./roles"
import { TableFlash } from "../engine/flash"
import { writeFlashRecords } from "./storedSettings"
import { TickFeed } from "./tickFeed"
import {
    FirmwareVm,
    LineListener,
    PROGRAM_LINE_PREFIX,
    VM_READY_TIMEOUT_MS,
} from "./vm"

/** While waiting for the first TICK line, roles created late (on first use) are bound this often. */
const REBIND_EVERY_MS = 100
/** ... and the feed is looked at this often (the firmware's tick period). */
const FIRST_TICK_POLL_MS = 20

export interface SessionOptions {
    /** the compiled firmware; default $SIM_FIRMWARE_DEVS, else .devicescript/bin/bytecode.devs (npm run build:firmware) */
    devsFile?: string
    /** every VM output line, as it arrives */
    onVmLine?: LineListener
    /** the IMU the firmware is given (devices.ts; default "roles") */
    imuPath?: ImuPath
    /** if port 8081 is taken, wait this long for it (default 0: fail at once, in one line) */
    waitForPortMs?: number
}

export interface BootInfo {
    /** from spawn to the firmware's `start:` */
    startMs: number
    /** from `start:` to the roles bound and verified */
    bindMs: number
    binding: BindResult
}

export class FirmwareSession {
    readonly devices: TableDevices
    /** the VM's working directory: its flash, kept across power cycles, deleted on close */
    readonly workDir: string
    readonly devsFile: string
    private vmNow: FirmwareVm | null = null
    private vmDevice: JDDevice | null = null
    private vmStarts = 0
    private closed = false

    private constructor(
        private readonly bridged: BridgedBus,
        private readonly options: SessionOptions,
        devsFile: string
    ) {
        this.devsFile = devsFile
        this.devices = new TableDevices(bridged.bus, options.imuPath)
        this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), "fil-vm-"))
    }

    /** Takes the port and puts the simulated hardware on the bus; the firmware is not running yet. */
    static async open(options: SessionOptions = {}): Promise<FirmwareSession> {
        const devsFile = options.devsFile ?? firmwareDevsPath()
        if (!fs.existsSync(devsFile))
            throw new FirmwareLoopError(
                `no compiled firmware at ${devsFile}; run npm run build:firmware first`
            )
        const bridged = await startBridgedBus(
            undefined,
            options.waitForPortMs ?? 0
        )
        return new FirmwareSession(bridged, options, devsFile)
    }

    get bus() {
        return this.bridged.bus
    }

    /** The running VM, or null while powered off. */
    get vm(): FirmwareVm | null {
        return this.vmNow
    }

    /** The VM's device on the bus, or null while powered off. */
    get vmBusDevice(): JDDevice | null {
        return this.vmDevice
    }

    /** Frames from the VM dropped for a bad CRC (see bus.ts). */
    get badFrames(): number {
        return this.bridged.badFrames()
    }

    /**
     * First boot: writes the table's flash records into the (fresh) flash, then starts the firmware
     * and binds its roles. Throws a FirmwareLoopError if anything of it fails.
     */
    async bootWithFlash(flash: TableFlash): Promise<BootInfo> {
        const t0 = performance.now()
        const { vm, deviceId } = await this.spawn(null)
        await vm.ready
        const device = await waitForVmDevice(this.bus, deviceId)
        await writeFlashRecords(device, this.workDir, flash)
        const started = vm.waitForLine(
            l => l.startsWith(PROGRAM_LINE_PREFIX + "start:"),
            "firmware start after deploying",
            VM_READY_TIMEOUT_MS
        )
        started.catch(() => {})
        await deployProgram(device, this.devsFile)
        await started
        return this.bind(device, t0)
    }

    /** First boot with a flash that holds these settings (and nothing else). */
    bootWithSettings(settings: Settings): Promise<BootInfo> {
        return this.bootWithFlash(new TableFlash({ settings, kept: null }))
    }

    /**
     * Follows the VM's console into `feed` and waits for the firmware's first TICK line (its loop
     * may wait for the IMU first), binding roles it creates meanwhile (on first use) every
     * REBIND_EVERY_MS. `whileWaiting` runs every tick period meanwhile (and may throw to give up).
     */
    async waitForFirstTick(
        feed: TickFeed,
        timeoutMs: number,
        whileWaiting: () => void = () => {}
    ): Promise<BindResult | null> {
        const vm = this.vmNow
        if (vm === null)
            throw new FirmwareLoopError("the firmware is not running")
        feed.follow(vm)
        const deadline = performance.now() + timeoutMs
        let rebindAt = performance.now() + REBIND_EVERY_MS
        let rebound: BindResult | null = null
        while (feed.latest === null) {
            whileWaiting()
            if (feed.failure !== null) throw new FirmwareLoopError(feed.failure)
            if (!vm.isRunning)
                throw new FirmwareLoopError(
                    `the VM stopped while booting: ${vm.recentOutput()}`
                )
            if (performance.now() > deadline)
                throw new FirmwareLoopError(
                    `the firmware printed no TICK line within ${timeoutMs} ms of starting: ${vm.recentOutput()}`
                )
            if (performance.now() >= rebindAt) {
                rebound = await this.rebind()
                rebindAt = performance.now() + REBIND_EVERY_MS
            }
            await new Promise(r => setTimeout(r, FIRST_TICK_POLL_MS))
        }
        return rebound
    }

    /** Starts the firmware again with the same flash (after powerOff: a power cycle) and binds its roles. */
    async boot(): Promise<BootInfo> {
        const t0 = performance.now()
        const { vm, deviceId } = await this.spawn(this.devsFile)
        await vm.ready
        return this.bind(await waitForVmDevice(this.bus, deviceId), t0)
    }

    /**
     * Binds again: roles the firmware created after the boot's binding (a settings role made on
     * first use, say) are bound too; roles already bound right are not touched.
     */
    async rebind(): Promise<BindResult> {
        if (!this.vmDevice)
            throw new FirmwareLoopError("the firmware is not running")
        return bindRolesByName(
            this.bus,
            this.vmDevice,
            this.devices.servedRoles(),
            () => this.devices.announce()
        )
    }

    /** Kills the VM (if running) and cuts the motor, as a power cut does. */
    async powerOff(): Promise<void> {
        const vm = this.vmNow
        this.vmNow = null
        this.vmDevice = null
        if (vm) await vm.kill()
        this.devices.motor.cut()
    }

    /** Kills the VM, frees the port, deletes the flash. Safe to call twice. */
    async close(): Promise<void> {
        if (this.closed) return
        this.closed = true
        try {
            await this.powerOff()
        } finally {
            this.devices.remove()
            await this.bridged.close()
            fs.rmSync(this.workDir, { recursive: true, force: true })
        }
    }

    private async spawn(
        devsFile: string | null
    ): Promise<{ vm: FirmwareVm; deviceId: string }> {
        if (this.closed) throw new Error("session closed")
        await this.powerOff()
        // A new device id per VM start: the previous VM's device lingers on the bus until it expires.
        this.vmStarts++
        const deviceId = "f11f" + this.vmStarts.toString(16).padStart(12, "0")
        const vm = FirmwareVm.start({
            devsFile,
            workDir: this.workDir,
            deviceId,
        })
        this.vmNow = vm
        if (this.options.onVmLine) vm.onLine(this.options.onVmLine)
        return { vm, deviceId }
    }

    private async bind(device: JDDevice, t0: number): Promise<BootInfo> {
        const t1 = performance.now()
        this.vmDevice = device
        const binding = await bindRolesByName(
            this.bus,
            device,
            this.devices.servedRoles(),
            () => this.devices.announce()
        )
        return { startMs: t1 - t0, bindMs: performance.now() - t1, binding }
    }
}

/** Runs `body` with an open session and closes it whatever happens. */
export async function withFirmwareSession<T>(
    options: SessionOptions,
    body: (session: FirmwareSession) => Promise<T>
): Promise<T> {
    const session = await FirmwareSession.open(options)
    try {
        return await body(session)
    } finally {
        await session.close()
    }
}
