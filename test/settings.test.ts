// The settings schema against behaviour.md's settings table, and the validation every write goes
// through: a bad value is refused with an error naming the key, the value and the range, and nothing
// changes.

import { describe, expect, it } from "vitest"
import {
    SETTINGS_SCHEMA,
    Settings,
    applySettings,
    checkAllSettings,
    checkSetting,
    copySettings,
    defaultSettings,
    rangeText,
    settingKeys,
    settingSpec,
    userMaxDeg,
} from "../src/control/settings"
import {
    HARD_MAX_ACCEL_DPS2,
    HARD_MAX_ANGLE_DEG,
    HARD_MAX_RATE_DPS,
} from "../src/control/limits"

/** behaviour.md's settings table, copied by hand (the contract; the schema must match it). Units
 *  follow docs/architecture.md's naming rule (Deg, Dps, Dps2, S). */
const CONTRACT: {
    key: string
    kind: "number" | "boolean"
    min: number
    max: number
    def: number | boolean
    unit: string
}[] = [
    {
        key: "maxAngleDeg",
        kind: "number",
        min: 0,
        max: 90,
        def: 45,
        unit: "deg",
    },
    {
        key: "maxRateDps",
        kind: "number",
        min: 1,
        max: 8,
        def: 4,
        unit: "deg/s",
    },
    {
        key: "returnRateDps",
        kind: "number",
        min: 1,
        max: 8,
        def: 4,
        unit: "deg/s",
    },
    {
        key: "accelDps2",
        kind: "number",
        min: 1,
        max: 10,
        def: 4,
        unit: "deg/s^2",
    },
    {
        key: "deadmanGraceS",
        kind: "number",
        min: 1,
        max: 10,
        def: 3,
        unit: "s",
    },
    {
        key: "sessionLimitS",
        kind: "number",
        min: 60,
        max: 900,
        def: 300,
        unit: "s",
    },
    {
        key: "homeDeg",
        kind: "number",
        min: -85,
        max: -45,
        def: -65,
        unit: "deg",
    },
    {
        key: "progression",
        kind: "boolean",
        min: 0,
        max: 1,
        def: true,
        unit: "",
    },
]

const NUMERIC = CONTRACT.filter(c => c.kind === "number")

describe("the settings schema", () => {
    it("has exactly the keys of behaviour.md's table as its user settings, in its order", () => {
        expect(
            SETTINGS_SCHEMA.filter(s => s.group === "user").map(s => s.key)
        ).toEqual(CONTRACT.map(c => c.key))
    })

    it("keeps the calibration values (measured, not chosen) apart, after the user settings", () => {
        const calibration = SETTINGS_SCHEMA.filter(
            s => s.group === "calibration"
        )
        expect(calibration.map(s => s.key)).toEqual([
            "accelOffsetDeg",
            "gyroBiasDps",
            "homeSwitchFitted",
        ])
        for (const spec of calibration) {
            if (spec.kind === "boolean") {
                // Whether the table has a home switch: unknown (false) until calibrated.
                expect(spec.defaultValue).toBe(false)
                continue
            }
            expect(spec.kind).toBe("number")
            expect(spec.defaultValue).toBe(0)
            expect(spec.min).toBeLessThan(0)
            expect(spec.max).toBeGreaterThan(0)
        }
        expect(settingKeys()).toEqual(
            CONTRACT.map(c => c.key).concat([
                "accelOffsetDeg",
                "gyroBiasDps",
                "homeSwitchFitted",
            ])
        )
    })

    for (const c of CONTRACT) {
        it(
            c.key + ": kind, range, default and unit as behaviour.md says",
            () => {
                const spec = settingSpec(c.key)!
                expect(spec).toBeDefined()
                expect(spec.kind).toBe(c.kind)
                expect(spec.defaultValue).toBe(c.def)
                expect(spec.unit).toBe(c.unit)
                if (c.kind === "number") {
                    expect(spec.min).toBe(c.min)
                    expect(spec.max).toBe(c.max)
                    // the default lies inside the range
                    expect(checkSetting(c.key, c.def)).toBeNull()
                }
                expect(spec.meaning.length).toBeGreaterThan(5)
            }
        )
    }

    it("no setting can reach past the hard limits", () => {
        expect(settingSpec("maxAngleDeg")!.max).toBeLessThanOrEqual(
            HARD_MAX_ANGLE_DEG
        )
        expect(settingSpec("maxRateDps")!.max).toBeLessThanOrEqual(
            HARD_MAX_RATE_DPS
        )
        expect(settingSpec("returnRateDps")!.max).toBeLessThanOrEqual(
            HARD_MAX_RATE_DPS
        )
        expect(settingSpec("accelDps2")!.max).toBeLessThanOrEqual(
            HARD_MAX_ACCEL_DPS2
        )
    })

    it("settingSpec answers undefined for a key that is not a setting", () => {
        expect(settingSpec("maxangledeg")).toBeUndefined()
        expect(settingSpec("")).toBeUndefined()
        expect(settingSpec("toString")).toBeUndefined()
    })

    it("rangeText: min..max with the unit, or true/false", () => {
        expect(rangeText(settingSpec("maxRateDps")!)).toBe("1..8 deg/s")
        expect(rangeText(settingSpec("homeDeg")!)).toBe("-85..-45 deg")
        expect(rangeText(settingSpec("progression")!)).toBe("true/false")
    })
})

describe("defaultSettings", () => {
    it("is built from the schema's defaults, one value per key and nothing else", () => {
        const d = defaultSettings() as any
        expect(Object.keys(d).sort()).toEqual(
            SETTINGS_SCHEMA.map(s => s.key).sort()
        )
        for (const c of CONTRACT) expect(d[c.key]).toBe(c.def)
        expect(checkAllSettings(d)).toBeNull()
    })

    it("returns a fresh object each time", () => {
        const a = defaultSettings()
        a.maxAngleDeg = 10
        expect(defaultSettings().maxAngleDeg).toBe(45)
    })

    it("copySettings copies every key", () => {
        const a = defaultSettings()
        const b = copySettings(a)
        expect(b).toEqual(a)
        expect(b).not.toBe(a)
    })

    it("userMaxDeg is min(hard limit, maxAngleDeg)", () => {
        const s = defaultSettings()
        s.maxAngleDeg = 30
        expect(userMaxDeg(s)).toBe(30)
        s.maxAngleDeg = 90
        expect(userMaxDeg(s)).toBe(90)
        // a value that slipped past validation still cannot exceed the hard limit
        s.maxAngleDeg = 120
        expect(userMaxDeg(s)).toBe(HARD_MAX_ANGLE_DEG)
    })
})

/** The error names the key, the value and the range. */
function expectNamed(
    error: string | null,
    key: string,
    valueText: string,
    range: string
): void {
    expect(error).not.toBeNull()
    expect(error!).toContain(key)
    expect(error!).toContain(valueText)
    expect(error!).toContain(range)
}

describe("checkSetting", () => {
    for (const c of NUMERIC) {
        const range = c.min + ".." + c.max
        it(
            c.key +
                ": accepts both ends of " +
                range +
                " and refuses just outside",
            () => {
                expect(checkSetting(c.key, c.min)).toBeNull()
                expect(checkSetting(c.key, c.max)).toBeNull()
                expect(checkSetting(c.key, (c.min + c.max) / 2)).toBeNull()
                const below = c.min - 0.001
                const above = c.max + 0.001
                expectNamed(
                    checkSetting(c.key, below),
                    c.key,
                    String(below),
                    range
                )
                expectNamed(
                    checkSetting(c.key, above),
                    c.key,
                    String(above),
                    range
                )
                // the nearest doubles outside the range
                const eps =
                    Math.max(Math.abs(c.min), Math.abs(c.max), 1) *
                    Number.EPSILON *
                    2
                expect(checkSetting(c.key, c.min - eps)).not.toBeNull()
                expect(checkSetting(c.key, c.max + eps)).not.toBeNull()
            }
        )

        it(
            c.key +
                ": refuses NaN, the infinities and non-numbers, naming each",
            () => {
                expectNamed(checkSetting(c.key, NaN), c.key, "NaN", range)
                expectNamed(
                    checkSetting(c.key, Infinity),
                    c.key,
                    "Infinity",
                    range
                )
                expectNamed(
                    checkSetting(c.key, -Infinity),
                    c.key,
                    "-Infinity",
                    range
                )
                expectNamed(
                    checkSetting(c.key, String(c.def)),
                    c.key,
                    '"' + c.def + '"',
                    range
                )
                expectNamed(checkSetting(c.key, ""), c.key, '""', range)
                expectNamed(checkSetting(c.key, true), c.key, "true", range)
                expectNamed(checkSetting(c.key, null), c.key, "null", range)
                expectNamed(
                    checkSetting(c.key, undefined),
                    c.key,
                    "undefined",
                    range
                )
                expect(checkSetting(c.key, {})).toContain(c.key)
                expect(checkSetting(c.key, [c.def])).toContain(c.key)
                expect(
                    checkSetting(c.key, { valueOf: () => c.def })
                ).not.toBeNull()
            }
        )
    }

    it("says a value of the wrong type is not a number, not that it is out of range", () => {
        expect(checkSetting("maxAngleDeg", "45")).toBe(
            'maxAngleDeg: "45" is not a number (range 0..90 deg)'
        )
        expect(checkSetting("maxRateDps", NaN)).toBe(
            "maxRateDps: NaN is not a number (range 1..8 deg/s)"
        )
        expect(checkSetting("maxRateDps", 12)).toBe(
            "maxRateDps: 12 is out of range 1..8 deg/s"
        )
    })

    it("takes -0 as 0: accepted where 0 is in range, refused as -0 elsewhere, stored as 0", () => {
        expect(checkSetting("maxRateDps", -0)).toBe(
            "maxRateDps: -0 is out of range 1..8 deg/s"
        )
        expect(checkSetting("maxAngleDeg", -0)).toBeNull()
        const r = applySettings(defaultSettings(), { accelOffsetDeg: -0 })
        expect(r.error).toBeNull()
        expect(Object.is(r.settings.accelOffsetDeg, 0)).toBe(true)
    })

    it("escapes control characters and shortens long values in its messages", () => {
        const e = checkSetting("maxAngleDeg", "4\n5\u0007" + "x".repeat(500))!
        expect(e).toMatch(
            /^maxAngleDeg: "4\\x0a5\\x07x+\.\.\." is not a number/
        )
        // eslint-disable-next-line no-control-regex
        expect(e).not.toMatch(/[\u0000-\u001f]/)
        expect(e.length).toBeLessThan(80)
        const k = checkSetting("bad\r\nkey" + "k".repeat(300), 1)!
        // eslint-disable-next-line no-control-regex
        expect(k).not.toMatch(/[\u0000-\u001f]/)
        expect(k.startsWith("bad\\x0d\\x0akey")).toBe(true)
    })

    it("progression: accepts true and false only", () => {
        expect(checkSetting("progression", true)).toBeNull()
        expect(checkSetting("progression", false)).toBeNull()
        for (const bad of [1, 0, "true", "false", null, undefined, NaN]) {
            const e = checkSetting("progression", bad)
            expect(e).not.toBeNull()
            expect(e!).toContain("progression")
            expect(e!).toContain("true/false")
        }
        expect(checkSetting("progression", "true")).toContain('"true"')
        expect(checkSetting("progression", 1)).toContain("1")
    })

    it("refuses a key that is not a setting, naming it", () => {
        const e = checkSetting("maxAngle", 10)
        expect(e).not.toBeNull()
        expect(e!).toContain("maxAngle")
        expect(checkSetting("__proto__", 10)).not.toBeNull()
        expect(checkSetting("constructor", 10)).not.toBeNull()
    })
})

describe("applySettings", () => {
    const base = defaultSettings()

    it("applies valid changes to a copy and leaves the base alone", () => {
        const r = applySettings(base, { maxAngleDeg: 60, progression: false })
        expect(r.error).toBeNull()
        expect(r.settings.maxAngleDeg).toBe(60)
        expect(r.settings.progression).toBe(false)
        expect(r.settings.maxRateDps).toBe(4)
        expect(base.maxAngleDeg).toBe(45)
        expect(base.progression).toBe(true)
        expect(r.settings).not.toBe(base)
    })

    it("changes nothing when any one value is bad, whatever its position, and names the bad one", () => {
        const good: Partial<Settings> = {
            maxAngleDeg: 60,
            maxRateDps: 6,
            homeDeg: -70,
        }
        const bads: [string, any][] = [
            ["maxRateDps", 9],
            ["returnRateDps", NaN],
            ["accelDps2", "4"],
            ["deadmanGraceS", 0.5],
            ["sessionLimitS", Infinity],
            ["homeDeg", -44],
            ["progression", "yes"],
            ["maxAngleDeg", -1],
            ["unknownKey", 3],
        ]
        for (const [key, value] of bads) {
            for (const first of [true, false]) {
                const others: any = { ...good }
                delete others[key]
                const changes: any = first
                    ? { [key]: value, ...others }
                    : { ...others, [key]: value }
                expect(changes[key]).toBe(value)
                const before = copySettings(base)
                const r = applySettings(base, changes)
                expect(r.error, key).not.toBeNull()
                expect(r.error!).toContain(key)
                expect(r.settings).toEqual(before)
                expect(base).toEqual(before)
            }
        }
    })

    it("an empty change set changes nothing and is not an error", () => {
        const r = applySettings(base, {})
        expect(r.error).toBeNull()
        expect(r.settings).toEqual(base)
    })

    // A change set that is not an object (a corrupted message) is refused, never a crash.
    it("refuses a change set that is not an object (null) with an error instead of throwing", () => {
        const r = applySettings(base, null)
        expect(r.error).not.toBeNull()
        expect(r.settings).toEqual(base)
    })
})

describe("checkAllSettings", () => {
    it("accepts a complete, valid settings object", () => {
        expect(checkAllSettings(defaultSettings())).toBeNull()
    })

    it("names the first missing key", () => {
        for (const c of CONTRACT) {
            const s: any = defaultSettings()
            delete s[c.key]
            const e = checkAllSettings(s)
            expect(e).not.toBeNull()
            expect(e!).toContain(c.key)
            expect(e!).toContain("missing")
        }
    })

    it("refuses unknown keys, naming them", () => {
        const s: any = defaultSettings()
        s.maxAngle = 30
        const e = checkAllSettings(s)
        expect(e).not.toBeNull()
        expect(e!).toContain("maxAngle")
    })

    it("refuses a value out of range, naming key, value and range", () => {
        const s: any = defaultSettings()
        s.sessionLimitS = 901
        expectNamed(checkAllSettings(s), "sessionLimitS", "901", "60..900")
    })

    it("refuses what is not an object", () => {
        for (const bad of [null, undefined, 3, "settings", true])
            expect(checkAllSettings(bad)).not.toBeNull()
    })

    it("refuses an empty object (everything missing)", () => {
        expect(checkAllSettings({})).toContain("missing")
    })
})
