// The stored settings record (src/hw/settingsCodec.ts): version, checksum, schema signature,
// validation. The VM runs the same kinds of cases in test/device/settings.dtest.ts, through the real
// settings service.

import { describe, expect, it } from "vitest"
import {
    SETTINGS_SCHEMA,
    Settings,
    defaultSettings,
    settingKeys,
} from "../src/control/settings"
import { checksum32 } from "../src/hw/checksum"
import { MAX_TEXT_CHARS } from "../src/service/protocol"
import {
    SETTINGS_FORMAT_VERSION,
    SETTINGS_KEY,
    SETTINGS_MAX_RECORD_CHARS,
    decodeSettings,
    encodeSettings,
    schemaSignature,
} from "../src/hw/settingsCodec"

function custom(): Settings {
    return {
        ...defaultSettings(),
        maxAngleDeg: 60,
        homeDeg: -72.5,
        progression: false,
        sessionLimitS: 600,
    }
}

/** A record with a correct checksum around arbitrary JSON text. */
function recordOf(json: string, version = SETTINGS_FORMAT_VERSION): string {
    return version + "|" + checksum32(json) + "|" + json
}

/** A well-formed record of raw values in schema order. */
function recordOfValues(values: unknown[], keys = schemaSignature()): string {
    return recordOf(JSON.stringify({ keys, values }))
}

function valuesOf(s: Settings): unknown[] {
    return SETTINGS_SCHEMA.map(
        spec => (s as unknown as Record<string, unknown>)[spec.key]
    )
}

function withValue(key: string, value: unknown): unknown[] {
    const v = valuesOf(defaultSettings())
    v[settingKeys().indexOf(key)] = value
    return v
}

describe("settings record", () => {
    it("uses a settings key of at most 13 characters", () => {
        expect(SETTINGS_KEY.length).toBeLessThanOrEqual(13)
        expect(SETTINGS_KEY.length).toBeGreaterThan(0)
    })

    it("is version|checksum|json, the values in schema order under the schema's signature", () => {
        const text = encodeSettings(defaultSettings())
        const [v, sum, ...rest] = text.split("|")
        const json = rest.join("|")
        expect(v).toBe("" + SETTINGS_FORMAT_VERSION)
        expect(sum).toBe("" + checksum32(json))
        expect(JSON.parse(json)).toEqual({
            keys: checksum32(settingKeys().join(",")),
            values: valuesOf(defaultSettings()),
        })
    })

    it("round-trips the defaults and changed settings, calibration values included", () => {
        for (const s of [
            defaultSettings(),
            custom(),
            { ...custom(), accelOffsetDeg: 0.3182736, gyroBiasDps: -0.0123 },
        ]) {
            const d = decodeSettings(encodeSettings(s))
            expect(d.error).toBeNull()
            expect(d.settings).toEqual(s)
        }
    })

    it("fits one settings packet whatever the values (the host prints up to 17 digits, the VM 7)", () => {
        expect(SETTINGS_MAX_RECORD_CHARS).toBe(236 - SETTINGS_KEY.length - 1)
        const widest: Record<string, unknown> = {}
        for (const spec of SETTINGS_SCHEMA)
            widest[spec.key] =
                spec.kind === "boolean"
                    ? false
                    : spec.min + (spec.max - spec.min) * 0.123456789012345
        expect(
            encodeSettings(widest as unknown as Settings).length
        ).toBeLessThanOrEqual(SETTINGS_MAX_RECORD_CHARS)
    })
})

describe("decodeSettings gives the defaults and a reason for anything wrong", () => {
    const good = encodeSettings(defaultSettings())
    const cases: [string, unknown, string][] = [
        ["nothing stored", undefined, "missing"],
        ["an empty record", "", "missing"],
        ["null", null, "missing"],
        ["not text", 42, "unreadable"],
        ["no separators", "garbage", "unreadable"],
        ["one separator", "1|{}", "unreadable"],
        ["an empty checksum", "1||{}", "unreadable"],
        [
            "another format version",
            "2" + good.slice(1),
            "format version 2, expected 1",
        ],
        ["a version that is not a number", "x|1|{}", "format version x"],
        [
            "a wrong checksum",
            "1|12345|" + good.split("|").slice(2).join("|"),
            "checksum",
        ],
        ["a damaged JSON text", good.replace("300", "301"), "checksum"],
        ["a truncated record", good.slice(0, -5), "checksum"],
        ["bad JSON with a good checksum", recordOf("{keys:1"), "bad JSON"],
        ["JSON without values", recordOf("7"), "no values"],
        [
            "values that are not a list",
            recordOf('{"keys":1,"values":{}}'),
            "no values",
        ],
        [
            "another schema's signature",
            recordOfValues(valuesOf(defaultSettings()), 12345),
            "another settings schema",
        ],
        [
            "one value too few",
            recordOfValues(valuesOf(defaultSettings()).slice(1)),
            "another settings schema",
        ],
        [
            "a value out of range",
            recordOfValues(withValue("maxAngleDeg", 95)),
            "maxAngleDeg: 95 is out of range 0..90 deg",
        ],
        [
            "a home out of range",
            recordOfValues(withValue("homeDeg", -30)),
            "homeDeg",
        ],
        [
            "a wrong type",
            recordOfValues(withValue("progression", "yes")),
            "progression",
        ],
        [
            "a missing value",
            recordOfValues(withValue("accelDps2", null)),
            "accelDps2",
        ],
    ]
    for (const [what, record, reason] of cases) {
        it(what, () => {
            const d = decodeSettings(record)
            expect(d.settings).toEqual(defaultSettings())
            expect(d.error).toContain(reason)
            expect(d.error).toMatch(/^stored settings .*; defaults in use$/)
        })
    }

    it("never puts a damaged record's raw bytes in the reason (escaped, shortened)", () => {
        const damaged = [
            "1\n\r\u0000" + "v".repeat(300) + "|1|{}",
            recordOfValues(
                withValue("progression", "y\ne\u001bs" + "s".repeat(300))
            ),
        ]
        for (const record of damaged) {
            const d = decodeSettings(record)
            expect(d.settings).toEqual(defaultSettings())
            // eslint-disable-next-line no-control-regex
            expect(d.error).not.toMatch(/[\u0000-\u001f\u007f-\uffff]/)
            expect(d.error!.length).toBeLessThanOrEqual(MAX_TEXT_CHARS)
        }
        expect(decodeSettings(damaged[0]).error).toContain(
            "format version 1\\x0a\\x0d\\x00..., expected 1;"
        )
    })

    it("never throws on random text", () => {
        const alphabet =
            '0123456789|{}[]":,.-abcdefghijklmnopqrstuvwxyz truefalse'
        let seed = 12345
        const rnd = () =>
            (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
        for (let i = 0; i < 2000; i++) {
            let t = rnd() < 0.5 ? "1|" : ""
            const n = Math.floor(rnd() * 40)
            for (let k = 0; k < n; k++)
                t += alphabet[Math.floor(rnd() * alphabet.length)]
            const d = decodeSettings(t)
            expect(d.error === null || typeof d.error === "string").toBe(true)
        }
    })
})
