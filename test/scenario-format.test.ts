// The scenario format is public (scenario-format.md): every rule of the validator, with the exact place
// each message names, and the defaults a scenario gets.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { defaultSettings, SETTINGS_SCHEMA } from "../src/control/settings"
import { SIM_FAULT_NAMES } from "../sim/model/faults"
import { INPUT_NAMES, parseScenario, ScenarioError } from "../sim/scenario"
import { parseStrictJson } from "../sim/strict-json"

/** A minimal valid scenario, with `patch` merged in at the top level. */
function text(patch: Record<string, unknown> = {}): string {
    return JSON.stringify({ durationS: 10, events: [], ...patch })
}

/** The one-line message parseScenario throws for this text. */
function errorOf(source: string, file = "bad.json"): string {
    try {
        parseScenario(source, file)
    } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError)
        const message = (e as Error).message
        expect(message).not.toMatch(/\n/)
        return message
    }
    throw new Error("expected the scenario to be refused")
}

describe("a valid scenario", () => {
    it("parses the example of scenario-format.md", () => {
        // The example the format document shows, as a reader would copy it.
        const example = `{
  "name": "beginner goes to 45, lets go of the grip",
  "durationS": 120,
  "seed": 7,
  "table": { "startAngleDeg": -65, "userMassKg": 80, "imuNoise": 1.0 },
  "settings": { "maxAngleDeg": 60, "progression": false },
  "events": [
    { "t": 0.0, "set": { "latch": true, "deadman": true } },
    { "t": 1.0, "set": { "down": true } },
    { "t": 30.0, "set": { "down": false } },
    { "t": 40.0, "set": { "deadman": false } },
    { "t": 70.0, "fault": "imu-stale" },
    { "t": 75.0, "fault": "clear" }
  ]
}`
        const s = parseScenario(example, "example.json")
        expect(s.name).toBe("beginner goes to 45, lets go of the grip")
        expect(s.durationS).toBe(120)
        expect(s.seed).toBe(7)
        expect(s.table).toEqual({
            startAngleDeg: -65,
            userMassKg: 80,
            imuNoise: 1,
            homeSwitch: false,
        })
        expect(s.settings).toEqual({
            ...defaultSettings(),
            maxAngleDeg: 60,
            progression: false,
        })
        expect(s.events).toEqual([
            { t: 0, set: { latch: true, deadman: true }, fault: null },
            { t: 1, set: { down: true }, fault: null },
            { t: 30, set: { down: false }, fault: null },
            { t: 40, set: { deadman: false }, fault: null },
            { t: 70, set: {}, fault: "imu-stale" },
            { t: 75, set: {}, fault: "clear" },
        ])
    })

    it("fills in the defaults", () => {
        const s = parseScenario(text(), "min.json")
        expect(s.seed).toBe(1)
        expect(s.name).toBe("min.json")
        expect(s.settings).toEqual(defaultSettings())
        expect(s.table).toEqual({
            startAngleDeg: defaultSettings().homeDeg,
            userMassKg: 80,
            imuNoise: 1,
            homeSwitch: false,
        })
    })

    it("starts the table at the scenario's own home angle when it sets one", () => {
        const s = parseScenario(
            text({ settings: { homeDeg: -70 } }),
            "home.json"
        )
        expect(s.table.startAngleDeg).toBe(-70)
        expect(s.settings.homeDeg).toBe(-70)
    })

    it("accepts the edges of every range, every input and every fault", () => {
        const s = parseScenario(
            text({
                durationS: 7200,
                seed: -3,
                table: { startAngleDeg: 90, userMassKg: 30, imuNoise: 0 },
                events: [
                    {
                        t: 0,
                        set: Object.fromEntries(
                            INPUT_NAMES.map(name => [name, true])
                        ),
                    },
                    ...SIM_FAULT_NAMES.map(fault => ({ t: 0, fault })),
                    { t: 1, fault: "power-cycle" },
                    { t: 1, fault: "clear", set: { up: false } },
                    { t: 7199.98, set: { latch: false } }, // the last tick
                ],
            }),
            "edges.json"
        )
        expect(s.table).toEqual({
            startAngleDeg: 90,
            userMassKg: 30,
            imuNoise: 0,
            homeSwitch: false,
        })
        expect(s.events).toHaveLength(SIM_FAULT_NAMES.length + 4)
        expect(s.events[SIM_FAULT_NAMES.length + 2]).toEqual({
            t: 1,
            set: { up: false },
            fault: "clear",
        })
        expect(parseScenario(text({ durationS: 0.02 }), "x").durationS).toBe(
            0.02
        )
        expect(
            parseScenario(
                text({
                    table: {
                        startAngleDeg: -85,
                        userMassKg: 160,
                        imuNoise: 10,
                    },
                }),
                "x"
            ).table.userMassKg
        ).toBe(160)
    })

    it("accepts every setting of the schema at its limits", () => {
        for (const spec of SETTINGS_SCHEMA.filter(s => s.group === "user")) {
            const values =
                spec.kind === "boolean" ? [true, false] : [spec.min, spec.max]
            for (const value of values) {
                const s = parseScenario(
                    text({ settings: { [spec.key]: value } }),
                    "x"
                )
                expect(s.settings[spec.key]).toBe(value)
            }
        }
    })

    it("ignores a byte-order mark", () => {
        expect(parseScenario("\ufeff" + text(), "bom.json").durationS).toBe(10)
    })
})

describe("JSON syntax", () => {
    it("names the line and column", () => {
        expect(errorOf('{\n  "durationS": 10,\n  "events": [ 1, ]\n}')).toBe(
            "bad.json: line 3, column 18: trailing comma before ']'"
        )
        expect(errorOf('{ "durationS": 10 "events": [] }')).toBe(
            "bad.json: line 1, column 19: expected ',' or '}' after a value, found '\"'"
        )
        expect(errorOf("")).toBe(
            "bad.json: line 1, column 1: unexpected end of file, expected a value"
        )
        expect(errorOf('{ "durationS": 10, "events": [')).toBe(
            "bad.json: line 1, column 31: unexpected end of file, expected a value"
        )
        expect(errorOf('{ "durationS": 10, "events": [] ')).toBe(
            "bad.json: line 1, column 1: unexpected end of file inside the object opened here"
        )
        expect(errorOf("{ 'durationS': 10 }")).toBe(
            "bad.json: line 1, column 3: expected a key in double quotes, found '''"
        )
        expect(errorOf('{ "durationS": 01 }')).toBe(
            "bad.json: line 1, column 16: malformed number"
        )
        expect(errorOf('{ "durationS": 1e999 }')).toBe(
            "bad.json: line 1, column 16: number 1e999 is too large"
        )
        expect(errorOf('{ "name": "a\nb" }')).toBe(
            "bad.json: line 1, column 13: line break or control character inside a string"
        )
        expect(errorOf("{} x")).toBe(
            "bad.json: line 1, column 4: unexpected 'x' after the end of the JSON value"
        )
    })

    it("reads any JSON exactly as JSON.parse does", () => {
        fc.assert(
            fc.property(
                fc.jsonValue(),
                fc.constantFrom(undefined, 2, "\t"),
                (value, indent) => {
                    const source = JSON.stringify(value, null, indent)
                    expect(parseStrictJson(source)).toStrictEqual(
                        JSON.parse(source)
                    )
                }
            )
        )
    })

    it("refuses a key given twice instead of keeping the last", () => {
        expect(
            errorOf('{ "durationS": 10,\n "durationS": 20, "events": [] }')
        ).toBe('bad.json: line 2, column 2: duplicate key "durationS"')
    })
})

describe("the top level", () => {
    it("must be an object", () => {
        expect(errorOf("[]")).toBe(
            "bad.json: top level: expected an object, got an array"
        )
        expect(errorOf("null")).toBe(
            "bad.json: top level: expected an object, got null"
        )
    })

    it("refuses unknown keys", () => {
        expect(errorOf(text({ duration: 5 }))).toBe(
            "bad.json: duration: unknown key (expected one of name, durationS, seed, table, settings, progress, events)"
        )
        expect(
            errorOf('{ "durationS": 10, "events": [], "__proto__": {} }')
        ).toMatch(/^bad\.json: __proto__: unknown key/)
        expect(errorOf('{ "durationS": 10, "events": [], "a b": 1 }')).toMatch(
            /^bad\.json: top level\["a b"\]: unknown key/
        )
    })

    it("checks durationS", () => {
        expect(errorOf(JSON.stringify({ events: [] }))).toBe(
            "bad.json: durationS: missing (required)"
        )
        expect(errorOf(text({ durationS: "10" }))).toBe(
            'bad.json: durationS: expected a number, got "10"'
        )
        expect(errorOf(text({ durationS: 9000 }))).toBe(
            "bad.json: durationS: 9000 is out of range 0 < durationS <= 7200"
        )
        expect(errorOf(text({ durationS: 0 }))).toBe(
            "bad.json: durationS: 0 is out of range 0 < durationS <= 7200"
        )
        expect(errorOf(text({ durationS: -1 }))).toBe(
            "bad.json: durationS: -1 is out of range 0 < durationS <= 7200"
        )
    })

    it("checks seed", () => {
        expect(errorOf(text({ seed: 1.5 }))).toBe(
            "bad.json: seed: 1.5 is not an integer"
        )
        expect(errorOf(text({ seed: "7" }))).toBe(
            'bad.json: seed: expected an integer, got "7"'
        )
        expect(errorOf(text({ seed: 1e20 }))).toMatch(
            /^bad\.json: seed: 100000000000000000000 is too large/
        )
    })

    it("checks name", () => {
        expect(errorOf(text({ name: 5 }))).toBe(
            "bad.json: name: expected text, got 5"
        )
    })
})

describe("table", () => {
    it("checks its type, keys and ranges", () => {
        expect(errorOf(text({ table: [] }))).toBe(
            "bad.json: table: expected an object, got an array"
        )
        expect(errorOf(text({ table: { mass: 80 } }))).toBe(
            "bad.json: table.mass: unknown key (expected one of startAngleDeg, userMassKg, imuNoise, homeSwitch)"
        )
        expect(errorOf(text({ table: { startAngleDeg: 95 } }))).toBe(
            "bad.json: table.startAngleDeg: 95 is out of range -85..90 deg"
        )
        expect(errorOf(text({ table: { startAngleDeg: -86 } }))).toBe(
            "bad.json: table.startAngleDeg: -86 is out of range -85..90 deg"
        )
        expect(errorOf(text({ table: { userMassKg: 29 } }))).toBe(
            "bad.json: table.userMassKg: 29 is out of range 30..160 kg"
        )
        expect(errorOf(text({ table: { imuNoise: 11 } }))).toBe(
            "bad.json: table.imuNoise: 11 is out of range 0..10"
        )
        expect(errorOf(text({ table: { imuNoise: null } }))).toBe(
            "bad.json: table.imuNoise: expected a number, got null"
        )
        expect(errorOf(text({ table: { homeSwitch: 1 } }))).toBe(
            "bad.json: table.homeSwitch: expected true or false, got 1"
        )
    })

    it("a home switch on the table is in its calibration too", () => {
        const s = parseScenario(text({ table: { homeSwitch: true } }), "x")
        expect(s.table.homeSwitch).toBe(true)
        expect(s.settings.homeSwitchFitted).toBe(true)
        expect(parseScenario(text(), "x").settings.homeSwitchFitted).toBe(false)
    })
})

describe("settings", () => {
    it("are checked by the settings schema", () => {
        expect(errorOf(text({ settings: { maxRateDps: 9 } }))).toBe(
            "bad.json: settings.maxRateDps: 9 is out of range 1..8 deg/s"
        )
        expect(errorOf(text({ settings: { homeDeg: -40 } }))).toBe(
            "bad.json: settings.homeDeg: -40 is out of range -85..-45 deg"
        )
        expect(errorOf(text({ settings: { maxAngleDeg: "45" } }))).toBe(
            'bad.json: settings.maxAngleDeg: "45" is not a number (range 0..90 deg)'
        )
        expect(errorOf(text({ settings: { progression: "no" } }))).toBe(
            'bad.json: settings.progression: "no" is not allowed, expected true/false'
        )
    })

    it("refuses the calibration values: a scenario sets what behaviour.md's settings table lists", () => {
        expect(errorOf(text({ settings: { accelOffsetDeg: 1 } }))).toMatch(
            /^bad\.json: settings\.accelOffsetDeg: unknown key/
        )
    })

    it("refuses keys that are not settings, and non-objects", () => {
        expect(errorOf(text({ settings: { maxAngle: 45 } }))).toBe(
            "bad.json: settings.maxAngle: unknown key (expected one of maxAngleDeg, maxRateDps, returnRateDps, accelDps2, deadmanGraceS, sessionLimitS, homeDeg, progression)"
        )
        expect(errorOf(text({ settings: 3 }))).toBe(
            "bad.json: settings: expected an object, got 3"
        )
    })

    it("follow the schema rather than a copy of it", () => {
        // Every number setting one step beyond either end of its schema range is refused.
        for (const spec of SETTINGS_SCHEMA.filter(s => s.group === "user")) {
            if (spec.kind !== "number") continue
            for (const value of [spec.min - 1, spec.max + 1]) {
                expect(
                    errorOf(text({ settings: { [spec.key]: value } }))
                ).toMatch(
                    new RegExp(
                        "^bad\\.json: settings\\." +
                            spec.key +
                            ": " +
                            value +
                            " is out of range "
                    )
                )
            }
        }
    })
})

describe("events", () => {
    const events = (...list: unknown[]) => text({ events: list })

    it("must be an array of objects", () => {
        expect(errorOf(JSON.stringify({ durationS: 10 }))).toBe(
            "bad.json: events: missing (required; [] for none)"
        )
        expect(errorOf(text({ events: {} }))).toBe(
            "bad.json: events: expected an array, got an object"
        )
        expect(errorOf(events("x"))).toBe(
            'bad.json: events[0]: expected an object, got "x"'
        )
    })

    it("refuse unknown keys and events that do nothing", () => {
        expect(errorOf(events({ t: 0, set: { up: true }, note: "hi" }))).toBe(
            "bad.json: events[0].note: unknown key (expected one of t, set, fault)"
        )
        expect(errorOf(events({ t: 0 }))).toBe(
            'bad.json: events[0]: expected "set" or "fault" (or both)'
        )
        expect(errorOf(events({ t: 0, set: {} }))).toBe(
            "bad.json: events[0].set: is empty (expected one or more of latch, deadman, up, down, stop, preset, home, homeSwitch)"
        )
    })

    it("check t", () => {
        expect(errorOf(events({ set: { up: true } }))).toBe(
            "bad.json: events[0].t: missing (required)"
        )
        expect(errorOf(events({ t: "1", set: { up: true } }))).toBe(
            'bad.json: events[0].t: expected a number, got "1"'
        )
        expect(errorOf(events({ t: -0.5, set: { up: true } }))).toBe(
            "bad.json: events[0].t: -0.5 is negative (t is seconds from the start)"
        )
        expect(errorOf(events({ t: 10, set: { up: true } }))).toBe(
            "bad.json: events[0].t: 10 is not before durationS 10 (the event would never happen)"
        )
        // After the last tick (9.98 s) but before durationS: no tick would take it.
        expect(errorOf(events({ t: 9.99, set: { up: true } }))).toBe(
            "bad.json: events[0].t: 9.99 is after the last tick (9.98 s; ticks are every 0.02 s before durationS 10): the event would never happen"
        )
        // At the last tick it applies (that tick takes it).
        expect(() =>
            parseScenario(events({ t: 9.98, set: { up: true } }), "bad.json")
        ).not.toThrow()
        expect(
            errorOf(
                events(
                    { t: 1, set: { up: true } },
                    { t: 2, set: { up: false } },
                    { t: 5, fault: "clear" },
                    { t: 3, set: { down: true } }
                )
            )
        ).toBe(
            "bad.json: events[3].t: 3 is before the previous event's t 5 (times must not decrease)"
        )
    })

    it("check set", () => {
        const four = (set: unknown) =>
            events(
                { t: 0, set: { latch: true } },
                { t: 1, set: { up: true } },
                { t: 2, set: { up: false } },
                { t: 3, set }
            )
        expect(errorOf(four({ down: "yes" }))).toBe(
            'bad.json: events[3].set.down: expected true or false, got "yes"'
        )
        expect(errorOf(four({ down: 1 }))).toBe(
            "bad.json: events[3].set.down: expected true or false, got 1"
        )
        expect(errorOf(four({ grip: true }))).toBe(
            "bad.json: events[3].set.grip: unknown key (expected one of latch, deadman, up, down, stop, preset, home, homeSwitch)"
        )
        expect(errorOf(four([true]))).toBe(
            "bad.json: events[3].set: expected an object, got an array"
        )
    })

    it("check fault", () => {
        expect(errorOf(events({ t: 0, fault: "imu-stall" }))).toBe(
            'bad.json: events[0].fault: "imu-stall" is not a fault (expected one of ' +
                [...SIM_FAULT_NAMES, "power-cycle", "clear"].join(", ") +
                ")"
        )
        expect(errorOf(events({ t: 0, fault: true }))).toBe(
            "bad.json: events[0].fault: expected a fault name, got true"
        )
    })
})

describe("messages", () => {
    it("stay on one line and name the file as given", () => {
        expect(errorOf(text({ name: 1 }), "scenarios/x.json")).toMatch(
            /^scenarios\/x\.json: name: /
        )
        // A long or multi-line value is shown escaped and shortened.
        const message = errorOf(
            text({ events: [{ t: 0, set: { down: "a\nb".repeat(30) } }] })
        )
        expect(message).toMatch(
            /^bad\.json: events\[0\]\.set\.down: expected true or false, got "a\\nb.*\.\.\."$/
        )
    })
})
