// Settings that survive a restart: the record of settingsCodec.ts (format version, checksum, JSON) in
// the device's settings service (flash), under a key of at most 13 characters.
//
// The store speaks the settings service directly, like @devicescript/settings does (get/set of a key),
// but creates its role lazily, on first use: importing @devicescript/settings creates a `Settings0`
// role at program start, and on the simulator the firmware's role list must be exactly the harness
// contract's. The role is named with the internal hint, so it binds to the device's own settings
// service. Every wait has a timeout: a read from an unbound or silent role never completes.

import * as ds from "@devicescript/core"
import { Settings, defaultSettings } from "../control/settings"
import {
    DecodedSettings,
    SETTINGS_KEY,
    SETTINGS_MAX_RECORD_CHARS,
    decodeSettings,
    encodeSettings,
} from "./settingsCodec"

/** The device's own settings service. */
const ROLE_NAME = "settings[int:0]"
const POLL_MS = 10
/**
 * Where an earlier firmware kept the first-use acknowledgement ("1"), apart from the settings record.
 * It now lives in the exercise program's progress (progressCodec.ts); a table that has no progress
 * stored yet takes it over from here (programStore.ts).
 */
export const ACK_KEY = "ackWarnings"

/** The settings role, made on first use by whichever store needs it first. */
let sharedRole: ds.Settings = null

export class SettingsStore {
    role: ds.Settings
    /** the record in flash as far as this program knows ("" = none); null = not known */
    stored: string | null
    /** records written since start */
    writes: number
    timeoutMs: number
    /** result of the reading fiber, and the key it reads */
    readDone: boolean
    readText: string
    readKey: string

    constructor(timeoutMs: number) {
        this.role = null
        this.stored = null
        this.writes = 0
        this.timeoutMs = timeoutMs
        this.readDone = false
        this.readText = ""
        this.readKey = SETTINGS_KEY
    }

    settingsRole(): ds.Settings {
        if (!this.role) {
            // One role per program (a role name can be created once): stores share it.
            if (!sharedRole) sharedRole = new ds.Settings(ROLE_NAME)
            this.role = sharedRole
        }
        return this.role
    }

    /** Waits (at most timeoutMs) for the settings service to be bound. */
    async available(): Promise<boolean> {
        const role = this.settingsRole()
        const t0 = ds.millis()
        while (!role.isBound) {
            if (ds.millis() - t0 >= this.timeoutMs) return false
            await ds.sleep(POLL_MS)
        }
        return true
    }

    /** The stored record: text ("" when none), or null when the service did not answer in time. */
    async readRecord(): Promise<string | null> {
        return await this.readKeyText(SETTINGS_KEY)
    }

    /** The text stored under `key` ("" when none), or null when the service did not answer in time. */
    async readKeyText(key: string): Promise<string | null> {
        if (!(await this.available())) return null
        this.readDone = false
        this.readKey = key
        const fiber = readRecordFiber.start(this)
        const t0 = ds.millis()
        while (!this.readDone && ds.millis() - t0 < this.timeoutMs)
            await ds.sleep(POLL_MS)
        if (!this.readDone) {
            fiber.terminate()
            return null
        }
        return this.readText
    }

    /** Writes a record as it is (save() is the normal way; tests use this to store damaged records). */
    async writeRecord(text: string): Promise<boolean> {
        if (!(await this.writeKeyText(SETTINGS_KEY, text))) return false
        this.stored = null
        return true
    }

    async writeKeyText(key: string, text: string): Promise<boolean> {
        if (!(await this.available())) return false
        await this.settingsRole().set(key, Buffer.from(text))
        this.writes++
        return true
    }

    /**
     * Loads the settings. Anything missing, unreadable, of another format version, failing its
     * checksum or out of range gives the defaults and the reason (the controller's `settings` fault).
     */
    async load(): Promise<DecodedSettings> {
        const record = await this.readRecord()
        if (record === null)
            return {
                settings: defaultSettings(),
                error: "stored settings unreadable (storage did not answer); defaults in use",
            }
        this.stored = record
        return decodeSettings(record)
    }

    /**
     * Stores `s` if it differs from what is stored (never writes an unchanged record), then reads it
     * back. Returns null on success, or why it failed.
     */
    async save(s: Settings): Promise<string | null> {
        const text = encodeSettings(s)
        if (this.stored !== null && text === this.stored) return null
        if (text.length > SETTINGS_MAX_RECORD_CHARS)
            return "settings record too long (" + text.length + " characters)"
        if (!(await this.writeRecord(text)))
            return "settings storage not available"
        const back = await this.readRecord()
        if (back !== text) return "settings storage did not keep the record"
        this.stored = text
        return null
    }
}

async function readRecordFiber(store: SettingsStore) {
    const role = store.settingsRole()
    const pkt = await ds.actionReport(
        role,
        "get",
        async () => {
            await role.get(store.readKey)
        },
        p => p.decode()[0] === store.readKey
    )
    const value: Buffer = pkt.decode()[1]
    store.readText = value && value.length > 0 ? value.toString() : ""
    store.readDone = true
}
