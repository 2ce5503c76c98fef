// The scenario file (scenario-format.md): a timeline of what a person does and what goes wrong.
//
// The format is public — people write scenarios by hand to check a table setup or reproduce a report —
// so the reader is strict: any key, type or value the format does not define is refused with one line
// that names the file, the place and the problem, and nothing is simulated. Setting keys and ranges are
// not restated here: they come from the settings schema, the one source of truth.

import { tickCount, tickTimeS } from "./engine/clock"
import { SIM_FAULT_NAMES, SimFaultName } from "./model/faults"
import {
    COUNTED_PER_DAY,
    DAY_MS,
    PROGRESS_MAX_COUNTED,
    REST_AFTER_COUNTED_MS,
} from "../src/control/program"
import {
    checkSetting,
    defaultSettings,
    Settings,
    userSettingKeys,
} from "../src/control/settings"
import {
    JsonObject,
    JsonSyntaxError,
    JsonValue,
    parseStrictJson,
} from "./strict-json"

/** The inputs a scenario sets; each keeps its level until set again. */
export type InputName =
    | "latch"
    | "deadman"
    | "up"
    | "down"
    | "stop"
    | "preset"
    | "home"
    | "homeSwitch"
export const INPUT_NAMES: readonly InputName[] = [
    "latch",
    "deadman",
    "up",
    "down",
    "stop",
    "preset",
    "home",
    "homeSwitch",
]

/** The model's faults plus the two scenario actions that are not faults of the table. */
export type ScenarioFault = SimFaultName | "power-cycle" | "clear"
export const SCENARIO_FAULTS: readonly ScenarioFault[] = [
    ...SIM_FAULT_NAMES,
    "power-cycle",
    "clear",
]

export type InputLevels = { [K in InputName]?: boolean }

export interface ScenarioEvent {
    t: number
    /** input levels from t on (empty when the event only injects a fault) */
    set: InputLevels
    /** null when the event only sets inputs */
    fault: ScenarioFault | null
}

export interface TableSetup {
    startAngleDeg: number
    userMassKg: number
    imuNoise: number
    /** the table has a home switch at its loading stop, and its calibration knows it */
    homeSwitch: boolean
}

/** A scenario with every default filled in. */
export interface Scenario {
    /** the scenario's name, or the file label when it has none */
    name: string
    durationS: number
    seed: number
    table: TableSetup
    /** the full stored settings: the schema defaults overlaid with the scenario's */
    settings: Settings
    /** in file order, which is time order */
    events: ScenarioEvent[]
    /** the table's progress in the exercise program at the start (docs/exercise.md) */
    progress: ScenarioProgress
}

/** The scenario's `progress` object, with its defaults filled in. */
export interface ScenarioProgress {
    countedSessions: number
    warningsAcknowledged: boolean
    /** seconds since the last counted session ended, as if the table had been running since;
     *  null: no counted session yet */
    sinceLastCountedS: number | null
    countedInLast24h: number
}

/** A scenario without `progress`: a new table whose warnings have been acknowledged. */
export function defaultScenarioProgress(): ScenarioProgress {
    return {
        countedSessions: 0,
        warningsAcknowledged: true,
        sinceLastCountedS: null,
        countedInLast24h: 0,
    }
}

export const MAX_DURATION_S = 7200
export const DEFAULT_SEED = 1

/** Ranges of the table block. Not settings: they describe the simulated table and its user. */
type TableNumberKey = Exclude<keyof TableSetup, "homeSwitch">
const TABLE_RANGES: {
    [K in TableNumberKey]: { min: number; max: number; unit: string }
} = {
    startAngleDeg: { min: -85, max: 90, unit: "deg" },
    userMassKg: { min: 30, max: 160, unit: "kg" },
    imuNoise: { min: 0, max: 10, unit: "" },
}
const DEFAULT_USER_MASS_KG = 80
const DEFAULT_IMU_NOISE = 1

const TOP_KEYS = [
    "name",
    "durationS",
    "seed",
    "table",
    "settings",
    "progress",
    "events",
]
const PROGRESS_KEYS = [
    "countedSessions",
    "warningsAcknowledged",
    "sinceLastCountedS",
    "countedInLast24h",
]
const TABLE_NUMBER_KEYS = Object.keys(TABLE_RANGES) as TableNumberKey[]
const TABLE_KEYS: string[] = [...TABLE_NUMBER_KEYS, "homeSwitch"]
const EVENT_KEYS = ["t", "set", "fault"]

export class ScenarioError extends Error {
    constructor(
        readonly file: string,
        readonly place: string,
        readonly problem: string
    ) {
        // One line, whatever a user put in their keys and values.
        super((file + ": " + place + ": " + problem).replace(/[\r\n]+/g, " "))
        this.name = "ScenarioError"
    }
}

/** Parses and validates scenario text; throws ScenarioError. `fileLabel` is how the file is named in messages. */
export function parseScenario(text: string, fileLabel: string): Scenario {
    let root: JsonValue
    try {
        root = parseStrictJson(text)
    } catch (e) {
        if (e instanceof JsonSyntaxError)
            throw new ScenarioError(
                fileLabel,
                "line " + e.line + ", column " + e.column,
                e.problem
            )
        throw e
    }
    return new Validator(fileLabel).scenario(root)
}

class Validator {
    constructor(private readonly file: string) {}

    private fail(place: string, problem: string): never {
        throw new ScenarioError(this.file, place, problem)
    }

    scenario(root: JsonValue): Scenario {
        const top = this.object(root, "top level")
        this.onlyKeys(top, "", TOP_KEYS)

        const durationS = this.number(top, "durationS")
        if (!(durationS > 0 && durationS <= MAX_DURATION_S))
            this.fail(
                "durationS",
                durationS +
                    " is out of range 0 < durationS <= " +
                    MAX_DURATION_S
            )

        let name = this.file
        if (has(top, "name")) {
            const value = top.name
            if (typeof value !== "string")
                this.fail("name", "expected text, got " + describe(value))
            name = value
        }

        const seed = has(top, "seed") ? this.seed(top.seed) : DEFAULT_SEED
        const settings = has(top, "settings")
            ? this.settings(top.settings)
            : defaultSettings()
        const table = this.table(
            has(top, "table") ? top.table : undefined,
            settings.homeDeg
        )
        // A table with a home switch has it in its calibration (learned when home was calibrated
        // with the switch pressed): the stored settings say so.
        settings.homeSwitchFitted = table.homeSwitch
        if (!has(top, "events"))
            this.fail("events", "missing (required; [] for none)")
        const events = this.events(top.events, durationS)

        const progress = has(top, "progress")
            ? this.progress(top.progress)
            : defaultScenarioProgress()
        return { name, durationS, seed, table, settings, events, progress }
    }

    private seed(value: JsonValue): number {
        if (typeof value !== "number")
            this.fail("seed", "expected an integer, got " + describe(value))
        if (!Number.isInteger(value))
            this.fail("seed", value + " is not an integer")
        if (!Number.isSafeInteger(value))
            this.fail(
                "seed",
                value +
                    " is too large (at most " +
                    Number.MAX_SAFE_INTEGER +
                    " either side of 0)"
            )
        return value
    }

    private table(value: JsonValue | undefined, homeDeg: number): TableSetup {
        const table: TableSetup = {
            // The table starts where a user gets on: at home, as calibrated in this scenario's settings.
            startAngleDeg: homeDeg,
            userMassKg: DEFAULT_USER_MASS_KG,
            imuNoise: DEFAULT_IMU_NOISE,
            homeSwitch: false,
        }
        if (value === undefined) return table
        const obj = this.object(value, "table")
        this.onlyKeys(obj, "table", TABLE_KEYS)
        if (has(obj, "homeSwitch")) {
            const v = obj.homeSwitch
            if (typeof v !== "boolean")
                this.fail(
                    "table.homeSwitch",
                    "expected true or false, got " + describe(v)
                )
            table.homeSwitch = v
        }
        for (const key of TABLE_NUMBER_KEYS) {
            if (!has(obj, key)) continue
            const place = "table." + key
            const x = this.number(obj, key, place)
            const range = TABLE_RANGES[key]
            if (!(x >= range.min && x <= range.max))
                this.fail(
                    place,
                    x +
                        " is out of range " +
                        range.min +
                        ".." +
                        range.max +
                        (range.unit ? " " + range.unit : "")
                )
            table[key] = x
        }
        return table
    }

    private settings(value: JsonValue): Settings {
        const obj = this.object(value, "settings")
        const settings = defaultSettings()
        // The settings table of behaviour.md: calibration values are measured on a table, not set.
        const known = userSettingKeys()
        for (const key of Object.keys(obj)) {
            const place = placeOf("settings", key)
            if (known.indexOf(key) < 0)
                this.fail(
                    place,
                    "unknown key (expected one of " + known.join(", ") + ")"
                )
            const error: string | null = checkSetting(key, obj[key])
            // checkSetting names the key first; the place already does, with its path.
            if (error !== null)
                this.fail(
                    place,
                    error.startsWith(key + ": ")
                        ? error.slice(key.length + 2)
                        : error
                )
            ;(settings as unknown as { [key: string]: JsonValue })[key] =
                obj[key]
        }
        return settings
    }

    private progress(value: JsonValue): ScenarioProgress {
        const obj = this.object(value, "progress")
        this.onlyKeys(obj, "progress", PROGRESS_KEYS)
        const p = defaultScenarioProgress()
        if (has(obj, "countedSessions")) {
            const n = this.number(
                obj,
                "countedSessions",
                "progress.countedSessions"
            )
            if (!(Number.isInteger(n) && n >= 0 && n <= PROGRESS_MAX_COUNTED))
                this.fail(
                    "progress.countedSessions",
                    n + " is not a whole number in 0.." + PROGRESS_MAX_COUNTED
                )
            p.countedSessions = n
        }
        if (has(obj, "warningsAcknowledged")) {
            const v = obj.warningsAcknowledged
            if (typeof v !== "boolean")
                this.fail(
                    "progress.warningsAcknowledged",
                    "expected true or false, got " + describe(v)
                )
            p.warningsAcknowledged = v
        }
        if (has(obj, "sinceLastCountedS")) {
            const x = this.number(
                obj,
                "sinceLastCountedS",
                "progress.sinceLastCountedS"
            )
            if (!(x >= 0))
                this.fail("progress.sinceLastCountedS", x + " is negative")
            p.sinceLastCountedS = x
        }
        if (has(obj, "countedInLast24h")) {
            const n = this.number(
                obj,
                "countedInLast24h",
                "progress.countedInLast24h"
            )
            if (!(Number.isInteger(n) && n >= 0 && n <= COUNTED_PER_DAY))
                this.fail(
                    "progress.countedInLast24h",
                    n + " is not a whole number in 0.." + COUNTED_PER_DAY
                )
            p.countedInLast24h = n
        }
        // What cannot have happened is refused, naming the field that makes it impossible.
        const dayS = DAY_MS / 1000
        const restS = REST_AFTER_COUNTED_MS / 1000
        if (p.countedSessions > 0 && !p.warningsAcknowledged)
            this.fail(
                "progress.warningsAcknowledged",
                "false, but sessions have counted (counting needs the warnings acknowledged)"
            )
        if (p.sinceLastCountedS !== null && p.countedSessions === 0)
            this.fail(
                "progress.sinceLastCountedS",
                "given, but no session has counted (countedSessions 0)"
            )
        if (p.countedInLast24h > p.countedSessions)
            this.fail(
                "progress.countedInLast24h",
                p.countedInLast24h +
                    " is more than countedSessions " +
                    p.countedSessions
            )
        const since = p.sinceLastCountedS
        if (p.countedInLast24h > 0 && (since === null || since >= dayS))
            this.fail(
                "progress.countedInLast24h",
                p.countedInLast24h +
                    " counted in the last 24 h, but the last one ended " +
                    (since === null ? "never" : since + " s ago")
            )
        if (since !== null && since < dayS && p.countedInLast24h === 0)
            this.fail(
                "progress.countedInLast24h",
                "0, but the last counted session ended " +
                    since +
                    " s ago (within 24 h)"
            )
        if (p.countedInLast24h === 2 && since !== null && since + restS >= dayS)
            this.fail(
                "progress.countedInLast24h",
                "2 in the last 24 h, but the last one ended " +
                    since +
                    " s ago: the one before it, at least 4 h earlier, is more than 24 h ago"
            )
        return p
    }

    private events(value: JsonValue, durationS: number): ScenarioEvent[] {
        if (!Array.isArray(value))
            this.fail("events", "expected an array, got " + describe(value))
        const events: ScenarioEvent[] = []
        let previousT = 0
        value.forEach((item, i) => {
            const place = "events[" + i + "]"
            const obj = this.object(item, place)
            this.onlyKeys(obj, place, EVENT_KEYS)

            const t = this.number(obj, "t", place + ".t")
            if (t < 0)
                this.fail(
                    place + ".t",
                    t + " is negative (t is seconds from the start)"
                )
            if (t < previousT)
                this.fail(
                    place + ".t",
                    t +
                        " is before the previous event's t " +
                        previousT +
                        " (times must not decrease)"
                )
            if (t >= durationS)
                this.fail(
                    place + ".t",
                    t +
                        " is not before durationS " +
                        durationS +
                        " (the event would never happen)"
                )
            // The last tick runs before durationS: an event after it would be taken by no tick.
            const lastTickS = tickTimeS(tickCount(durationS) - 1)
            if (t > lastTickS)
                this.fail(
                    place + ".t",
                    t +
                        " is after the last tick (" +
                        lastTickS +
                        " s; ticks are every 0.02 s before durationS " +
                        durationS +
                        "): the event would never happen"
                )
            previousT = t

            if (!has(obj, "set") && !has(obj, "fault"))
                this.fail(place, 'expected "set" or "fault" (or both)')
            const set = has(obj, "set")
                ? this.levels(obj.set, place + ".set")
                : {}
            const fault = has(obj, "fault")
                ? this.fault(obj.fault, place + ".fault")
                : null
            events.push({ t, set, fault })
        })
        return events
    }

    private levels(value: JsonValue, place: string): InputLevels {
        const obj = this.object(value, place)
        const keys = Object.keys(obj)
        // An empty set does nothing; in a hand-written file it is a slip, so say so.
        if (keys.length === 0)
            this.fail(
                place,
                "is empty (expected one or more of " +
                    INPUT_NAMES.join(", ") +
                    ")"
            )
        this.onlyKeys(obj, place, INPUT_NAMES)
        const levels: InputLevels = {}
        for (const key of keys as InputName[]) {
            const level = obj[key]
            if (typeof level !== "boolean")
                this.fail(
                    place + "." + key,
                    "expected true or false, got " + describe(level)
                )
            levels[key] = level
        }
        return levels
    }

    private fault(value: JsonValue, place: string): ScenarioFault {
        if (typeof value !== "string")
            this.fail(place, "expected a fault name, got " + describe(value))
        const fault = SCENARIO_FAULTS.find(name => name === value)
        if (fault === undefined)
            this.fail(
                place,
                describe(value) +
                    " is not a fault (expected one of " +
                    SCENARIO_FAULTS.join(", ") +
                    ")"
            )
        return fault
    }

    private object(value: JsonValue | undefined, place: string): JsonObject {
        if (value === null || typeof value !== "object" || Array.isArray(value))
            this.fail(place, "expected an object, got " + describe(value))
        return value
    }

    private onlyKeys(
        obj: JsonObject,
        parent: string,
        allowed: readonly string[]
    ): void {
        for (const key of Object.keys(obj)) {
            if (allowed.indexOf(key) < 0)
                this.fail(
                    placeOf(parent, key),
                    "unknown key (expected one of " + allowed.join(", ") + ")"
                )
        }
    }

    /** The number at obj[key] (the JSON reader has already refused non-finite ones). */
    private number(obj: JsonObject, key: string, place: string = key): number {
        if (!has(obj, key)) this.fail(place, "missing (required)")
        const value = obj[key]
        if (typeof value !== "number")
            this.fail(place, "expected a number, got " + describe(value))
        return value
    }
}

function has(obj: JsonObject, key: string): boolean {
    return Object.prototype.hasOwnProperty.call(obj, key)
}

/** `parent.key`, or `parent["odd key"]` when the key is not a plain name. */
function placeOf(parent: string, key: string): string {
    if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key))
        return parent === "" ? key : parent + "." + key
    return (
        (parent === "" ? "top level" : parent) + "[" + JSON.stringify(key) + "]"
    )
}

/** A value as a message shows it: strings quoted (and shortened), containers by kind. */
function describe(value: JsonValue | undefined): string {
    if (value === undefined) return "nothing"
    if (value === null) return "null"
    if (Array.isArray(value)) return "an array"
    if (typeof value === "object") return "an object"
    if (typeof value === "string") {
        const quoted = JSON.stringify(value)
        return quoted.length <= 42 ? quoted : quoted.slice(0, 38) + '..."'
    }
    return String(value)
}
