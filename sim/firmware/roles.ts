// Binding the firmware's roles to the simulated servers, explicitly and by name: role "grip" to the
// server whose instance name is "grip", and so on, through the VM's role manager service.
//
// Why not let the VM bind them itself: its auto-binding gives each unbound role the first free
// service of its class, in strcmp order of role names and device-id order, so with seven buttons
// role "down" can land on the server named "up". And with auto-binding left on, a role whose server
// went quiet could wander to another free server of the same class. So: auto-bind off, bind by name,
// read the bindings back and compare.
//
// Traps (DeviceScript 2.16.4):
// - SetRole with the spec's payload ("b[8] u8 s") is silently ignored: the VM's role manager takes
//   the name's length as payload size - sizeof(its struct), and the struct {u64; u8; char[]} is 16
//   bytes with alignment, not 9. Seven zero bytes of padding after the name make it work.
// - SetRole naming a device the VM has not yet seen announce is ignored too: announce first.
// - The VM's first role list (216 bytes) sometimes arrives with a bad CRC and is dropped by
//   jacdac-ts, so a list can come back short: compare in full and retry.
// - Unbinding everything before rebinding glitches the firmware: only roles bound wrong are touched.

import {
    fromHex,
    InPipeReader,
    jdpack,
    jdunpack,
    JDBus,
    JDDevice,
    JDService,
    Packet,
    RoleManagerCmd,
    RoleManagerReg,
    SRV_DEVICE_SCRIPT_MANAGER,
    SRV_ROLE_MANAGER,
    toHex,
    DEVICE_ANNOUNCE,
} from "jacdac-ts"
import { ServedRole } from "./devices"
import { FirmwareLoopError } from "./errors"

/** The VM's device announces within a few ms of `start:`; a slow machine gets this long. */
export const VM_DEVICE_TIMEOUT_MS = 10000
/** Binding takes 20-160 ms measured (before the VM's first auto-bind at ~980 ms); retried up to this. */
export const BIND_TIMEOUT_MS = 5000
const LIST_TIMEOUT_MS = 1500
const RETRY_PAUSE_MS = 100
const SET_ROLE_PADDING = 7
const UNBOUND_DEVICE = "0000000000000000"

export interface RoleBinding {
    name: string
    serviceClass: number
    deviceId: string
    serviceIndex: number
}

/** Waits for the VM's device (the one with a DeviceScript manager), with this id if given. */
export function waitForVmDevice(
    bus: JDBus,
    deviceId?: string,
    timeoutMs = VM_DEVICE_TIMEOUT_MS
): Promise<JDDevice> {
    const find = () =>
        bus
            .devices({
                serviceClass: SRV_DEVICE_SCRIPT_MANAGER,
                announced: true,
            })
            .find(d => deviceId === undefined || d.deviceId === deviceId)
    return new Promise((resolve, reject) => {
        const found = find()
        if (found) return resolve(found)
        const timer = setTimeout(() => {
            unsubscribe()
            reject(
                new FirmwareLoopError(
                    `the firmware's VM did not appear on the bus within ${timeoutMs} ms`
                )
            )
        }, timeoutMs)
        const unsubscribe = bus.subscribe(DEVICE_ANNOUNCE, () => {
            const d = find()
            if (!d) return
            clearTimeout(timer)
            unsubscribe()
            resolve(d)
        })
    })
}

function roleManager(vm: JDDevice): JDService {
    const rm = vm.services({ serviceClass: SRV_ROLE_MANAGER })[0]
    if (!rm)
        throw new FirmwareLoopError(
            "the firmware's VM has no role manager service"
        )
    return rm
}

/** The firmware's roles and where each is bound now (device 0000000000000000: unbound). */
export async function listRoles(
    bus: JDBus,
    vm: JDDevice
): Promise<RoleBinding[]> {
    const pipe = new InPipeReader(bus)
    await roleManager(vm).sendPacketAsync(
        pipe.openCommand(RoleManagerCmd.ListRoles),
        true
    )
    const roles: RoleBinding[] = []
    for (const record of await pipe.readData(LIST_TIMEOUT_MS)) {
        const [device, serviceClass, serviceIndex, name] = jdunpack<
            [Uint8Array, number, number, string]
        >(record, "b[8] u32 u8 s")
        roles.push({
            name,
            serviceClass,
            deviceId: toHex(device),
            serviceIndex,
        })
    }
    return roles
}

/** Binds one role (deviceId 0000000000000000 unbinds it). See the padding trap above. */
export async function setRole(
    vm: JDDevice,
    name: string,
    deviceId: string,
    serviceIndex: number
): Promise<void> {
    const body = jdpack<[Uint8Array, number, string]>("b[8] u8 s", [
        fromHex(deviceId),
        serviceIndex,
        name,
    ])
    const payload = new Uint8Array(body.length + SET_ROLE_PADDING)
    payload.set(body)
    await roleManager(vm).sendPacketAsync(
        Packet.from(RoleManagerCmd.SetRole, payload)
    )
}

export async function setAutoBind(vm: JDDevice, on: boolean): Promise<void> {
    await roleManager(vm)
        .register(RoleManagerReg.AutoBind)
        .sendSetPackedAsync([on ? 1 : 0], true)
}

export interface BindResult {
    roles: RoleBinding[]
    /** roles that had to be (re)bound */
    changed: string[]
    attempts: number
    ms: number
}

/**
 * Turns the VM's auto-binding off and binds every served role to its server, and roles for the
 * VM's own services (settings) to those; the rest (buzzer, led) stay unbound. Throws a
 * FirmwareLoopError if the firmware lacks a served role, has it with another service class, or the
 * bindings do not read back right within the timeout.
 */
export async function bindRolesByName(
    bus: JDBus,
    vm: JDDevice,
    served: ServedRole[],
    announce: () => Promise<void>,
    timeoutMs = BIND_TIMEOUT_MS
): Promise<BindResult> {
    const t0 = performance.now()
    let attempts = 0
    for (;;) {
        attempts++
        try {
            const r = await bindOnce(bus, vm, served, announce)
            return { ...r, attempts, ms: performance.now() - t0 }
        } catch (e) {
            if (e instanceof ContractError)
                throw new FirmwareLoopError(e.message)
            if (performance.now() - t0 > timeoutMs)
                throw new FirmwareLoopError(
                    `could not bind the firmware's roles within ${timeoutMs} ms: ${(e as Error).message}`
                )
            await new Promise(r => setTimeout(r, RETRY_PAUSE_MS))
        }
    }
}

/** A mismatch between the firmware's roles and the contract: retrying cannot help. */
class ContractError extends Error {}

function same(
    a: { deviceId: string; serviceIndex: number },
    b: { deviceId: string; serviceIndex: number }
): boolean {
    return a.deviceId === b.deviceId && a.serviceIndex === b.serviceIndex
}

async function bindOnce(
    bus: JDBus,
    vm: JDDevice,
    served: ServedRole[],
    announce: () => Promise<void>
) {
    await announce()
    await setAutoBind(vm, false)
    const before = await listRoles(bus, vm)
    checkContract(before, served)
    const plan = served.concat(ownServiceRoles(vm, before, served))
    const wrong = plan.filter(
        s =>
            !same(
                before.find(r => r.name === s.name)!,
                s
            )
    )
    // Unbind first, so that no server is ever held by two roles.
    for (const s of wrong) await setRole(vm, s.name, UNBOUND_DEVICE, 0)
    for (const s of wrong) await setRole(vm, s.name, s.deviceId, s.serviceIndex)
    const after = await listRoles(bus, vm)
    if (after.length !== before.length)
        throw new Error(
            `the role list came back with ${after.length} roles, before ${before.length}`
        )
    for (const s of plan) {
        const r = after.find(x => x.name === s.name)
        if (!r || !same(r, s))
            throw new Error(
                `role ${s.name} is bound to ${r ? r.deviceId + ":" + r.serviceIndex : "nothing"}, not ${s.deviceId}:${s.serviceIndex}`
            )
    }
    return { roles: after, changed: wrong.map(s => s.name) }
}

/**
 * Unserved roles for a service the VM itself offers (the firmware's `ds.Settings()` is one): with
 * auto-binding off they would stay unbound, and a firmware that reads its settings would wait
 * forever. They go to the VM's own service, as auto-binding would have done.
 */
function ownServiceRoles(
    vm: JDDevice,
    roles: RoleBinding[],
    served: ServedRole[]
): ServedRole[] {
    const out: ServedRole[] = []
    for (const r of roles) {
        if (served.some(s => s.name === r.name)) continue
        if (r.deviceId !== UNBOUND_DEVICE && r.deviceId !== vm.deviceId)
            continue
        const own = vm.services({ serviceClass: r.serviceClass })[0]
        if (own)
            out.push({
                name: r.name,
                serviceClass: r.serviceClass,
                deviceId: vm.deviceId,
                serviceIndex: own.serviceIndex,
            })
    }
    return out
}

function checkContract(roles: RoleBinding[], served: ServedRole[]): void {
    const missing = served
        .filter(s => !roles.some(r => r.name === s.name))
        .map(s => s.name)
    // A short list can be a dropped frame (see above): only a complete-looking list is judged.
    if (
        missing.length > 0 &&
        missing.length < served.length &&
        roles.length >= served.length
    )
        throw new ContractError(
            `the firmware has no role named ${missing.join(", ")} (the contract's roles: ${served.map(s => s.name).join(", ")})`
        )
    if (missing.length > 0)
        throw new Error(`roles missing from the list: ${missing.join(", ")}`)
    for (const s of served) {
        const r = roles.find(x => x.name === s.name)!
        if (r.serviceClass !== s.serviceClass)
            throw new ContractError(
                `the firmware's role ${s.name} is of service class 0x${r.serviceClass.toString(16)}, the harness serves 0x${s.serviceClass.toString(16)}`
            )
    }
}
