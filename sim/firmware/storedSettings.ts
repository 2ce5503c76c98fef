// The table's flash (sim/engine/flash.ts: the stored settings, and whatever else must survive a
// power cycle), put into the VM's flash before the firmware starts, as the firmware reads it at boot.
//
// How: the VM is started without a program (`devs run --wait`) in the session's working directory
// and serves its own Jacdac settings service; the harness writes each record there (Set key
// value), reads it back and checks the flash file on disk, then deploys the firmware (deploy.ts).
// The deploy rewrites the program, not the records, and every power cycle keeps them too.
//
// Keys and bytes are the firmware's own (for the settings, src/hw/settingsCodec.ts: format version,
// checksum, JSON, as the bytes of that text), imported, so the two cannot drift apart.
//
// Trap (DeviceScript 2.16.4's WASM VM): the settings flash is 8 KB, values are placed from its top
// down, and the file it is saved to (.devicescript/flash/sim.bin) is one byte short (8191 bytes):
// the last byte of the first value stored is lost at the next start, unless it is alignment padding.
// A 72-byte record came back with "}" turned into "7" and failed its checksum. So a small pad value
// is stored first, at the top, and the record below it.

import * as fs from "node:fs"
import * as path from "node:path"
import {
    JDDevice,
    JDService,
    jdpack,
    jdunpack,
    Packet,
    REPORT_RECEIVE,
    SettingsCmd,
    SRV_SETTINGS,
} from "jacdac-ts"
import { Settings } from "../../src/control/settings"
import { encodeKept, KEPT_KEYS } from "../../src/hw/keptCodec"
import {
    BOOTS_KEY,
    encodeProgress,
    PROGRESS_KEY,
} from "../../src/hw/progressCodec"
import { encodeSessionRecord, sessionKey } from "../../src/hw/sessionCodec"
import { encodeSettings, SETTINGS_KEY } from "../../src/hw/settingsCodec"
import {
    FLASH_RECORD_NAMES,
    FlashRecordName,
    FlashRecords,
    TableFlash,
} from "../engine/flash"
import { FirmwareLoopError } from "./errors"

const READBACK_TIMEOUT_MS = 1000
/** The VM saves its flash file on every write; this allows for a slow disk. */
const FLASH_FILE_WAIT_MS = 2000
const ATTEMPTS = 3
/** Stored first, so that it, not the record, sits at the top of the flash. 7 bytes + 1 of padding. */
const PAD_KEY = "fil-pad"
const PAD_VALUE = new TextEncoder().encode("fil-pad")
/** Where `devs run` keeps the VM's flash, relative to its working directory. */
export const FLASH_FILE = path.join(".devicescript", "flash", "sim.bin")

/** The bytes stored for these settings: the firmware's settings record. */
export function encodeStoredSettings(settings: Settings): Uint8Array {
    return new TextEncoder().encode(encodeSettings(settings))
}

export interface VmFlashEntry {
    /** the firmware's key (at most 13 characters) */
    key: string
    value: Uint8Array
}

const text = (key: string, value: string): VmFlashEntry => ({
    key,
    value: new TextEncoder().encode(value),
})

/**
 * Each record of the table's flash as the firmware keeps it in its flash: keys and bytes (none for
 * a record that is not stored: the firmware then finds none).
 */
const VM_ENTRY: {
    [K in FlashRecordName]: (record: FlashRecords[K]) => VmFlashEntry[]
} = {
    settings: settings => [
        { key: SETTINGS_KEY, value: encodeStoredSettings(settings) },
    ],
    // In the first of its two slots, as generation 0 (keptCodec.ts).
    kept: kept =>
        kept === null ? [] : [text(KEPT_KEYS[0], encodeKept(kept, 0))],
    progress: p => (p === null ? [] : [text(PROGRESS_KEY, encodeProgress(p))]),
    boots: n => (n === 0 ? [] : [text(BOOTS_KEY, String(n))]),
    sessions: slots => {
        const out: VmFlashEntry[] = []
        slots.forEach((r, slot) => {
            if (r !== null)
                out.push(text(sessionKey(slot), encodeSessionRecord(r)))
        })
        return out
    },
}

/** What the firmware finds in its flash for this table's flash, record by record. */
export function vmFlashEntries(flash: TableFlash): VmFlashEntry[] {
    const entries: VmFlashEntry[] = []
    for (const name of FLASH_RECORD_NAMES) {
        const more = (
            VM_ENTRY[name] as (r: FlashRecords[typeof name]) => VmFlashEntry[]
        )(flash.read(name))
        entries.push(...more)
    }
    return entries
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
    return a.length === b.length && a.every((x, i) => x === b[i])
}

function readSetting(service: JDService, key: string): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            off()
            reject(new Error(`no answer reading setting ${key}`))
        }, READBACK_TIMEOUT_MS)
        const off = service.subscribe(REPORT_RECEIVE, (pkt: Packet) => {
            if (pkt.serviceCommand !== SettingsCmd.Get) return
            const [k, value] = jdunpack<[string, Uint8Array]>(pkt.data, "z b")
            if (k !== key) return
            clearTimeout(timer)
            off()
            resolve(value)
        })
        void service.sendPacketAsync(
            Packet.from(SettingsCmd.Get, jdpack<[string]>("s", [key]))
        )
    })
}

/** Sets key to value and reads it back until it reads right (or throws). */
async function writeSetting(
    service: JDService,
    key: string,
    value: Uint8Array
): Promise<void> {
    let problem = ""
    for (let i = 0; i < ATTEMPTS; i++) {
        await service.sendPacketAsync(
            Packet.from(
                SettingsCmd.Set,
                jdpack<[string, Uint8Array]>("z b", [key, value])
            )
        )
        try {
            if (sameBytes(await readSetting(service, key), value)) return
            problem = "it read back different"
        } catch (e) {
            problem = (e as Error).message
        }
    }
    throw new FirmwareLoopError(
        `could not store the setting ${key} in the VM's flash: ${problem}`
    )
}

/**
 * Writes every record of `flash` into the flash of `device`, a running VM without a program whose
 * working directory is `workDir`, and checks that each reached its flash file whole. Throws a
 * FirmwareLoopError otherwise.
 */
export async function writeFlashRecords(
    device: JDDevice,
    workDir: string,
    flash: TableFlash
): Promise<void> {
    const entries = vmFlashEntries(flash)
    const service = device.services({ serviceClass: SRV_SETTINGS })[0]
    if (!service)
        throw new FirmwareLoopError(
            "the VM offers no settings service: cannot store the table's flash records"
        )
    await writeSetting(service, PAD_KEY, PAD_VALUE)
    for (const entry of entries)
        await writeSetting(service, entry.key, entry.value)
    // What the next VM start loads is the file (written on every flash write): check it, whole.
    const file = path.join(workDir, FLASH_FILE)
    const deadline = performance.now() + FLASH_FILE_WAIT_MS
    for (;;) {
        let flashFile: Buffer | null = null
        try {
            flashFile = fs.readFileSync(file)
        } catch {
            // not written yet
        }
        const missing = entries.filter(
            e =>
                flashFile === null ||
                flashFile.indexOf(Buffer.from(e.value)) < 0
        )
        if (missing.length === 0) return
        if (performance.now() > deadline)
            throw new FirmwareLoopError(
                `the VM's flash file ${file} did not get the record${missing.length > 1 ? "s" : ""} ${missing.map(e => e.key).join(", ")} whole`
            )
        await new Promise(r => setTimeout(r, 20))
    }
}
