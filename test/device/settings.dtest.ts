// The settings store (src/hw/settingsStore.ts) with the VM's real settings service: round trip,
// write only on change, and every damaged record giving the defaults with a reason.
// (Test mode has a settings service but no persistent flash.)

import * as ds from "@devicescript/core"
import { beforeEach, describe, expect, test } from "@devicescript/test"
import {
    SETTINGS_SCHEMA,
    Settings,
    defaultSettings,
} from "../../src/control/settings"
import { checksum32 } from "../../src/hw/checksum"
import {
    SETTINGS_FORMAT_VERSION,
    encodeSettings,
    schemaSignature,
} from "../../src/hw/settingsCodec"
import { SettingsStore } from "../../src/hw/settingsStore"
import { check } from "./util"

const store = new SettingsStore(3000)

function custom(): Settings {
    const s = defaultSettings()
    s.maxAngleDeg = 60
    s.homeDeg = -72.5
    s.progression = false
    return s
}

function sameSettings(a: Settings, b: Settings): boolean {
    const x = a as any
    const y = b as any
    for (const spec of SETTINGS_SCHEMA)
        if (x[spec.key] !== y[spec.key]) return false
    return true
}

/** A well-formed record (good checksum) of the defaults with one value replaced. */
function recordWith(index: number, value: any): string {
    const values: any[] = []
    const d = defaultSettings() as any
    for (const spec of SETTINGS_SCHEMA) values.push(d[spec.key])
    values[index] = value
    const json = JSON.stringify({ keys: schemaSignature(), values: values })
    return SETTINGS_FORMAT_VERSION + "|" + checksum32(json) + "|" + json
}

async function loadsDefaultsBecause(
    record: string,
    reason: string
): Promise<void> {
    check(await store.writeRecord(record), "record written")
    const d = await store.load()
    check(
        d.error !== null && d.error.indexOf(reason) >= 0,
        "error mentions '" + reason + "': " + d.error
    )
    check(sameSettings(d.settings, defaultSettings()), "defaults in use")
}

describe("settings store in the VM", () => {
    beforeEach(async () => {
        await ds.sleep(0)
    })

    test("nothing stored gives the defaults and the reason", async () => {
        check(await store.available(), "settings service bound")
        const d = await store.load()
        console.log("first load: " + d.error)
        check(
            d.error !== null && d.error.indexOf("missing") >= 0,
            "missing: " + d.error
        )
        check(sameSettings(d.settings, defaultSettings()), "defaults")
    })

    test("save then load round-trips, and an unchanged save writes nothing", async () => {
        const writes0 = store.writes
        expect(await store.save(custom())).toBe(null)
        expect(store.writes).toBe(writes0 + 1)
        const d = await store.load()
        expect(d.error).toBe(null)
        check(sameSettings(d.settings, custom()), "loaded what was saved")
        expect(await store.save(custom())).toBe(null)
        expect(store.writes).toBe(writes0 + 1)
        const changed = custom()
        changed.maxRateDps = 6
        expect(await store.save(changed)).toBe(null)
        expect(store.writes).toBe(writes0 + 2)
    })

    test("damaged records give the defaults", async () => {
        const good = encodeSettings(custom())
        const json = good.slice(good.indexOf("|", 2) + 1)
        await loadsDefaultsBecause(
            "2|" + checksum32(json) + "|" + json,
            "format version 2"
        )
        await loadsDefaultsBecause(
            SETTINGS_FORMAT_VERSION + "|12345|" + json,
            "checksum"
        )
        await loadsDefaultsBecause(good.slice(0, good.length - 3), "checksum")
        await loadsDefaultsBecause("garbage", "unreadable")
        await loadsDefaultsBecause(
            recordWith(0, 95),
            "maxAngleDeg: 95 is out of range 0..90 deg"
        )
        const other = '{"keys":1,"values":[45]}'
        await loadsDefaultsBecause(
            SETTINGS_FORMAT_VERSION + "|" + checksum32(other) + "|" + other,
            "another settings schema"
        )
    })
})
