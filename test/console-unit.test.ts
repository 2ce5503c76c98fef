// The calibration console without a table: the command parser (every command, every kind of bad
// input), the values checked against the settings schema, completion, help, the formatter, the
// sequence numbers, the exit codes, the fault table, and the command line's own arguments. Fast: no
// bus, no VM (the one-shot runs here stop at the parser, before anything is connected).

import { describe, expect, it } from "vitest"
import {
    SESSIONS_CSV_HEADER,
    formatProgress,
    formatSessions,
    sessionsCsv,
} from "../sim/console/sessionsFormat"
import { SETTINGS_SCHEMA, settingKeys } from "../src/control/settings"
import { FAULT_NAMES } from "../src/control/types"
import { faultBits } from "../src/service/protocol"
import {
    complete,
    commandNames,
    helpText,
    needsTable,
    parseLine,
    parseSettingValue,
    tokenize,
} from "../sim/console/commands"
import { ConsoleIo, TableConsole } from "../sim/console/console"
import {
    EXIT_CODE_TEXT,
    EXIT_NO_TABLE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    RefusedError,
    TableError,
    UsageError,
} from "../sim/console/exitCodes"
import { FAULT_MEANINGS } from "../sim/console/faultTable"
import {
    CSV_HEADER,
    csvRow,
    formatFaults,
    formatReport,
    formatSetting,
    formatSettings,
    formatStatus,
    StatusSnapshot,
    Telemetry,
    watchLine,
} from "../sim/console/format"
import { loadHistory, saveHistory } from "../sim/console/interactive"
import { parseConsoleArgs, runConsole } from "../sim/console/main"
import { SeqCounter, SEQ_MAX } from "../sim/console/seq"
import * as tableModule from "../sim/console/table"
import {
    decodeCalibration,
    decodeRefusal,
    decodeTelemetry,
    loadTableSpec,
    refusesCommand,
    refusesWrite,
    sameRefusal,
    sameSettingValue,
    SERVICES_JSON,
} from "../sim/console/table"
import { jdpack, jdunpack } from "jacdac-ts"
import * as P from "../src/service/protocol"
import { INVERSION_TABLE_SERVICE_CLASS } from "../src/service/protocol"
import { TableServiceCore } from "../src/service/core"
import { CALIBRATION_STATUSES } from "../src/control/calibration"
import { isYes, warningsText } from "../sim/console/warnings"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

function usageError(f: () => unknown): string {
    try {
        f()
    } catch (e) {
        expect(e).toBeInstanceOf(UsageError)
        expect((e as UsageError).exitCode).toBe(EXIT_USAGE)
        expect((e as Error).message).not.toMatch(/\n/)
        return (e as Error).message
    }
    throw new Error("expected a UsageError")
}

function captureIo(): ConsoleIo & { outText: string[]; errText: string[] } {
    const outText: string[] = []
    const errText: string[] = []
    return {
        outText,
        errText,
        out: t => outText.push(t),
        err: t => errText.push(t),
        live: t => outText.push(t),
        endLive: () => {},
        ask: null,
    }
}

describe("tokenize", () => {
    it("splits at blanks, keeps quoted words whole, skips comments", () => {
        expect(tokenize("  set   maxRateDps\t3 ")).toEqual([
            "set",
            "maxRateDps",
            "3",
        ])
        expect(tokenize('log "my file.csv" --seconds 2')).toEqual([
            "log",
            "my file.csv",
            "--seconds",
            "2",
        ])
        expect(tokenize("log 'a b'.csv")).toEqual(["log", "a b.csv"])
        expect(tokenize("# settings of the table")).toEqual([])
        expect(tokenize("")).toEqual([])
    })
    it("refuses garbage: control characters, unclosed quotes, huge lines", () => {
        expect(usageError(() => tokenize("status\u0000"))).toMatch(
            /unreadable input: character \\x00/
        )
        expect(usageError(() => tokenize("\u001b[A"))).toMatch(/\\x1b/)
        expect(usageError(() => tokenize("set maxRateDps \ufffd"))).toMatch(
            /unreadable/
        )
        expect(usageError(() => tokenize('log "open'))).toMatch(/unclosed "/)
        expect(usageError(() => tokenize("x".repeat(5000)))).toMatch(/too long/)
    })
})

describe("parseCommand", () => {
    it("parses every command", () => {
        expect(parseLine("status")).toEqual({ kind: "status" })
        expect(parseLine("help")).toEqual({ kind: "help", topic: null })
        expect(parseLine("help set")).toEqual({ kind: "help", topic: "set" })
        expect(parseLine("? exit")).toEqual({ kind: "help", topic: "quit" })
        expect(parseLine("watch")).toEqual({ kind: "watch", seconds: null })
        expect(parseLine("watch --seconds 2.5")).toEqual({
            kind: "watch",
            seconds: 2.5,
        })
        expect(parseLine("watch --seconds=3")).toEqual({
            kind: "watch",
            seconds: 3,
        })
        expect(parseLine("get")).toEqual({ kind: "get", key: null })
        expect(parseLine("get maxRateDps")).toEqual({
            kind: "get",
            key: "maxRateDps",
        })
        expect(parseLine("set maxRateDps 3")).toEqual({
            kind: "set",
            key: "maxRateDps",
            value: 3,
            rounded: false,
        })
        expect(parseLine("set homeDeg -70.5")).toEqual({
            kind: "set",
            key: "homeDeg",
            value: -70.5,
            rounded: false,
        })
        expect(parseLine("set progression false")).toEqual({
            kind: "set",
            key: "progression",
            value: false,
            rounded: false,
        })
        expect(parseLine("set progression TRUE")).toEqual({
            kind: "set",
            key: "progression",
            value: true,
            rounded: false,
        })
        expect(parseLine("calibrate level")).toEqual({
            kind: "calibrate",
            step: "level",
        })
        expect(parseLine("calibrate AXIS")).toEqual({
            kind: "calibrate",
            step: "axis",
        })
        expect(parseLine("save")).toEqual({ kind: "save" })
        expect(parseLine("defaults")).toEqual({ kind: "defaults" })
        expect(parseLine("report")).toEqual({ kind: "report" })
        expect(parseLine("log out/t.csv")).toEqual({
            kind: "log",
            file: "out/t.csv",
            seconds: null,
        })
        expect(parseLine("log --seconds 5 out/t.csv")).toEqual({
            kind: "log",
            file: "out/t.csv",
            seconds: 5,
        })
        expect(parseLine("faults")).toEqual({ kind: "faults" })
        expect(parseLine("ack")).toEqual({ kind: "ack", yes: false })
        expect(parseLine("ack --yes")).toEqual({ kind: "ack", yes: true })
        expect(parseLine("quit")).toEqual({ kind: "quit" })
        expect(parseLine("exit")).toEqual({ kind: "quit" })
        expect(parseLine("   ")).toEqual({ kind: "empty" })
    })
    it("refuses unknown commands with a hint", () => {
        expect(usageError(() => parseLine("frobnicate"))).toBe(
            'unknown command "frobnicate": type help for the list'
        )
        expect(usageError(() => parseLine("STATUS"))).toMatch(
            /did you mean status\?/
        )
        expect(usageError(() => parseLine("help nothing"))).toMatch(
            /help: no command "nothing"/
        )
    })
    it("refuses missing and extra arguments", () => {
        expect(usageError(() => parseLine("set maxRateDps"))).toMatch(
            /set: needs a key and a value/
        )
        expect(usageError(() => parseLine("set"))).toMatch(
            /needs a key and a value/
        )
        expect(usageError(() => parseLine("set maxRateDps 3 4"))).toMatch(
            /unexpected "4"/
        )
        expect(usageError(() => parseLine("status now"))).toMatch(
            /status: unexpected "now"/
        )
        expect(usageError(() => parseLine("calibrate"))).toMatch(/which step/)
        expect(usageError(() => parseLine("calibrate tilt"))).toMatch(
            /unknown step "tilt" \(steps: level, gyro, home, axis\)/
        )
        expect(usageError(() => parseLine("log"))).toMatch(/needs a file name/)
        expect(usageError(() => parseLine("log a.csv b.csv"))).toMatch(
            /unexpected "b.csv"/
        )
        expect(usageError(() => parseLine("watch --fast"))).toMatch(
            /unknown option --fast/
        )
        expect(usageError(() => parseLine("ack --no"))).toMatch(
            /unknown option --no/
        )
    })
    it("refuses bad --seconds", () => {
        expect(usageError(() => parseLine("watch --seconds"))).toMatch(
            /needs a number/
        )
        expect(usageError(() => parseLine("watch --seconds soon"))).toMatch(
            /"soon" is not a number/
        )
        expect(usageError(() => parseLine("watch --seconds 0"))).toMatch(
            /out of range/
        )
        expect(usageError(() => parseLine("watch --seconds -2"))).toMatch(
            /is not a number|out of range/
        )
        expect(
            usageError(() => parseLine("watch --seconds 1 --seconds 2"))
        ).toMatch(/given twice/)
        expect(usageError(() => parseLine("log x.csv --seconds 1e9"))).toMatch(
            /not a number/
        )
    })
    it("refuses unknown setting keys, naming the keys", () => {
        const m = usageError(() => parseLine("get maxrate"))
        expect(m).toMatch(/unknown setting "maxrate"/)
        for (const k of settingKeys()) expect(m).toContain(k)
        expect(usageError(() => parseLine("set maxratedps 3"))).toMatch(
            /did you mean maxRateDps\?/
        )
    })
    it("knows which commands need the table", () => {
        expect(needsTable(parseLine("help"))).toBe(false)
        expect(needsTable(parseLine("quit"))).toBe(false)
        expect(needsTable(parseLine("status"))).toBe(true)
    })
})

describe("setting values, checked against the schema", () => {
    it("takes values of the schema's kind within its range", () => {
        expect(parseSettingValue("maxRateDps", "8")).toEqual({
            value: 8,
            rounded: false,
        })
        expect(parseSettingValue("maxRateDps", "1")).toEqual({
            value: 1,
            rounded: false,
        })
        expect(parseSettingValue("maxAngleDeg", "0")).toEqual({
            value: 0,
            rounded: false,
        })
        expect(parseSettingValue("maxAngleDeg", "-0")).toEqual({
            value: 0,
            rounded: false,
        })
        expect(parseSettingValue("homeDeg", "-85")).toEqual({
            value: -85,
            rounded: false,
        })
        expect(parseSettingValue("accelDps2", "5.5")).toEqual({
            value: 5.5,
            rounded: false,
        })
        expect(parseSettingValue("accelDps2", "+2.")).toEqual({
            value: 2,
            rounded: false,
        })
        // Rounded as the table rounds a written value (Math.round to 0.01: half up).
        expect(parseSettingValue("gyroBiasDps", "-0.125")).toEqual({
            value: -0.12,
            rounded: true,
        })
        expect(parseSettingValue("accelOffsetDeg", "1.005")).toEqual({
            value: Math.round(1.005 * 100) / 100,
            rounded: true,
        })
    })
    it("refuses out-of-range values with key, value and range (every number setting, both ends)", () => {
        for (const spec of SETTINGS_SCHEMA.filter(s => s.kind === "number")) {
            const unit = spec.unit ? " " + spec.unit : ""
            expect(
                usageError(() => parseLine(`set ${spec.key} ${spec.max + 1}`))
            ).toBe(
                `${spec.key}: ${spec.max + 1} is out of range ${spec.min}..${spec.max}${unit}`
            )
            expect(
                usageError(() => parseLine(`set ${spec.key} ${spec.min - 0.5}`))
            ).toBe(
                `${spec.key}: ${spec.min - 0.5} is out of range ${spec.min}..${spec.max}${unit}`
            )
        }
        // Judged as typed: 8.004 would round to 8.00, but it is not in 1..8.
        expect(usageError(() => parseLine("set maxRateDps 8.004"))).toMatch(
            /8.004 is out of range 1..8 deg\/s/
        )
    })
    it("takes -0 as 0: refused as -0 where 0 is out of range, never as a 0 nobody typed", () => {
        expect(usageError(() => parseLine("set maxRateDps -0"))).toBe(
            "maxRateDps: -0 is out of range 1..8 deg/s"
        )
        expect(usageError(() => parseLine("set maxRateDps -0.00"))).toBe(
            "maxRateDps: -0 is out of range 1..8 deg/s"
        )
        expect(parseLine("set accelOffsetDeg -0")).toEqual({
            kind: "set",
            key: "accelOffsetDeg",
            value: 0,
            rounded: false,
        })
    })
    it("an error line shows the table's words without control characters", () => {
        const e = new RefusedError("the table refused: x\u0007y\r\nz\u001b[2K")
        expect(e.message).toBe("the table refused: x\\x07y z\\x1b[2K")
    })
    it("refuses wrong types", () => {
        expect(usageError(() => parseLine("set maxRateDps fast"))).toBe(
            'maxRateDps: "fast" is not a number (range 1..8 deg/s)'
        )
        for (const bad of [
            "3deg",
            "0x3",
            "1e1",
            "NaN",
            "Infinity",
            "",
            "3,5",
            "--3",
            ".",
        ])
            expect(
                usageError(() => parseSettingValue("maxRateDps", bad))
            ).toMatch(/is not a number/)
        expect(usageError(() => parseLine("set progression 1"))).toBe(
            'progression: "1" is not allowed, expected true/false'
        )
        expect(usageError(() => parseLine("set progression yes"))).toMatch(
            /expected true\/false/
        )
    })
})

describe("completion", () => {
    it("completes commands, keys, steps and values", () => {
        expect(complete("")[0]).toEqual(expect.arrayContaining(commandNames()))
        expect(complete("ca")).toEqual([["calibrate"], "ca"])
        expect(complete("st")).toEqual([["status"], "st"])
        expect(complete("s")[0]).toEqual(["save", "sessions", "set", "status"])
        expect(complete("get max")).toEqual([
            ["maxAngleDeg", "maxRateDps"],
            "max",
        ])
        expect(complete("set ")[0]).toEqual(settingKeys())
        expect(complete("set progression ")).toEqual([["true", "false"], ""])
        expect(complete("set maxRateDps ")).toEqual([[], ""])
        expect(complete("calibrate g")).toEqual([["gyro"], "g"])
        expect(complete("help ca")).toEqual([["calibrate"], "ca"])
        expect(complete("watch --")).toEqual([["--seconds"], "--"])
        expect(complete("nonsense x")).toEqual([[], "x"])
    })
})

describe("help", () => {
    it("lists every command and the exit codes", () => {
        const text = helpText(null)
        for (const name of commandNames()) expect(text).toContain(name)
        for (const [code, meaning] of EXIT_CODE_TEXT)
            expect(text).toContain(`${code}  ${meaning}`)
        expect(text).toContain("npx devs devtools --serial")
    })
    it("explains one command; set lists every setting with its range", () => {
        const text = helpText("set")
        expect(text.split("\n")[0]).toBe("set KEY VALUE")
        for (const k of settingKeys()) expect(text).toContain(k)
        expect(text).toContain("1..8 deg/s")
        expect(helpText("calibrate")).toContain("axis")
    })
})

describe("exit codes", () => {
    it("are 0 done, 1 refused, 2 usage, 3 no table", () => {
        expect([EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_NO_TABLE]).toEqual([
            0, 1, 2, 3,
        ])
        expect(new RefusedError("x").exitCode).toBe(1)
        expect(new UsageError("x").exitCode).toBe(2)
        expect(new TableError("a\nb").exitCode).toBe(3)
        expect(new TableError("a\nb").message).toBe("a b")
    })
})

describe("sequence numbers", () => {
    it("start at a random point in 1..2^31 and add one per command", () => {
        const a = new SeqCounter(() => 0)
        expect(a.current).toBe(0)
        expect(a.next()).toBe(1)
        expect(a.next()).toBe(2)
        expect(a.current).toBe(2)
        const b = new SeqCounter(() => 0.999999999999)
        expect(b.next()).toBe(2 ** 31)
        const c = new SeqCounter(() => 0.5)
        expect(c.next()).toBe(2 ** 30 + 1)
    })
    it("wrap past 2^32 - 1 to 1, never 0", () => {
        const s = new SeqCounter(() => 0)
        ;(s as unknown as { last: number }).last = SEQ_MAX - 1
        expect(s.next()).toBe(SEQ_MAX)
        expect(s.next()).toBe(1)
    })
    it("differ between consoles (random starts)", () => {
        const starts = new Set<number>()
        for (let i = 0; i < 100; i++) starts.add(new SeqCounter().next())
        expect(starts.size).toBe(100)
        for (const s of starts) expect(s >= 1 && s <= 2 ** 31).toBe(true)
    })
    it("tolerate a broken random source", () => {
        expect(new SeqCounter(() => NaN).next()).toBe(1)
        expect(new SeqCounter(() => 7).next()).toBe(1)
    })
})

const TELEMETRY: Telemetry = {
    angleDeg: -64.96,
    targetDeg: -65,
    rateDps: -0.04,
    sessionInvertedS: 12.345,
    faults: [],
    state: "idle",
    latch: false,
    grip: true,
    warning: false,
    alarm: false,
    unsaved: false,
}
const STATUS: StatusSnapshot = {
    ...TELEMETRY,
    effectiveMaxDeg: 45,
    calibration: {
        step: "home",
        status: "done",
        message: "home angle -65 deg",
    },
    warningsAcknowledged: false,
    faultReasons: "",
    lastError: null,
}

describe("formatter", () => {
    it("status shows every field the issue names", () => {
        const text = formatStatus(STATUS)
        expect(text).toMatch(/^angle +-65\.0 deg$/m)
        expect(text).toMatch(/^target +-65\.0 deg$/m)
        expect(text).toMatch(/^rate +0\.0 deg\/s$/m) // never "-0.0"
        expect(text).toMatch(/^state +idle \(at home, motor off\)$/m)
        expect(text).toMatch(/^faults +none$/m)
        expect(text).toMatch(/^latch +open$/m)
        expect(text).toMatch(/^grip +held$/m)
        expect(text).toMatch(/^session +12\.3 s inverted$/m)
        expect(text).toMatch(/^deepest angle +45 deg/m)
        expect(text).toMatch(/^calibration +home: done: home angle -65 deg$/m)
        expect(text).toMatch(/^warnings +NOT acknowledged/m)
        expect(text).not.toMatch(/last refusal/)
        expect(text).toMatch(/^settings +as stored$/m)
        expect(formatStatus({ ...STATUS, unsaved: true })).toMatch(
            /^settings +CHANGED, not saved: save stores them \(a restart brings back the stored ones\)$/m
        )
        const faulty = formatStatus({
            ...STATUS,
            faults: ["imu", "latch"],
            state: "fault",
            faultReasons: "imu: no sample",
            lastError: {
                kind: P.REFUSAL_COMMAND,
                seq: 4,
                code: P.CMD_SAVE,
                step: 0,
                reason: "no",
            },
            warningsAcknowledged: true,
        })
        expect(faulty).toMatch(/^faults +imu, latch/m)
        expect(faulty).toMatch(/^fault reasons +imu: no sample$/m)
        expect(faulty).toMatch(/^last refusal +seq 4 save: no$/m)
        expect(faulty).toMatch(/^warnings +acknowledged$/m)
    })
    it("settings with units, ranges and defaults", () => {
        const text = formatSettings({
            maxRateDps: 3,
            progression: false,
            homeDeg: -64.99,
        })
        expect(text).toMatch(
            /maxRateDps +3 deg\/s +range 1\.\.8 deg\/s +default 4 +tilt rate going deeper/
        )
        expect(text).toMatch(
            /progression +false +range true\/false +default true/
        )
        expect(text).toMatch(/homeDeg +-64\.99 deg/)
        expect(text).toMatch(/maxAngleDeg +\? /)
        expect(formatSetting("maxRateDps", 3)).toBe("maxRateDps = 3 deg/s")
        expect(formatSetting("progression", true)).toBe("progression = true")
    })
    it("report lines parse back into the same set commands", () => {
        const values = {
            maxAngleDeg: 30,
            maxRateDps: 3.5,
            returnRateDps: 4,
            accelDps2: 4,
            deadmanGraceS: 3,
            sessionLimitS: 300,
            homeDeg: -65,
            progression: false,
            accelOffsetDeg: -0.25,
            gyroBiasDps: 0.71,
            homeSwitchFitted: true,
        }
        const text = formatReport(values, ["header"])
        const commands = text
            .split("\n")
            .map(parseLine)
            .filter(c => c.kind !== "empty")
        expect(commands).toHaveLength(SETTINGS_SCHEMA.length)
        for (const c of commands) {
            expect(c.kind).toBe("set")
            if (c.kind === "set") expect(c.value).toBe(values[c.key])
        }
    })
    it("faults with their meaning from the fault table and the table's reason", () => {
        expect(formatFaults([], "")).toBe("No active faults.")
        const text = formatFaults(
            ["imu", "latch"],
            "imu: no fresh IMU sample for 120 ms; latch: latch opened at 12 deg"
        )
        expect(text).toContain("imu: " + FAULT_MEANINGS.imu)
        expect(text).toContain("the table says: no fresh IMU sample for 120 ms")
        expect(text).toContain("latch: the strap latch opened away from home")
        expect(text).toContain("STOP is pressed at home")
    })
    it("every fault of the controller has a meaning", () => {
        for (const f of FAULT_NAMES)
            expect(FAULT_MEANINGS[f].length).toBeGreaterThan(10)
        expect(Object.keys(FAULT_MEANINGS).sort()).toEqual(
            [...FAULT_NAMES].sort()
        )
    })
    it("the watch line has a fixed layout", () => {
        const a = watchLine(TELEMETRY)
        const b = watchLine({
            ...TELEMETRY,
            angleDeg: 45.04,
            rateDps: 3.96,
            state: "moving",
        })
        expect(a).toContain("angle  -65.0 deg")
        expect(a).toContain("grip held")
        expect(b.length).toBe(a.length)
        expect(
            watchLine({ ...TELEMETRY, faults: ["stall"], alarm: true })
        ).toMatch(/faults stall .*ALARM$/)
    })
    it("CSV rows match the header", () => {
        const row = csvRow(1.23456, { ...TELEMETRY, faults: ["imu", "stall"] })
        expect(CSV_HEADER.split(",")).toHaveLength(row.split(",").length)
        expect(row).toBe("1.235,-64.96,-65,-0.04,12.35,idle,imu|stall,0,1,0,0")
    })
})

describe("decoding the table's registers", () => {
    it("telemetry fields in the service's order", () => {
        const t = decodeTelemetry([
            10.5,
            15,
            2,
            3.5,
            faultBits(["latch", "stall"]),
            2,
            0b11011,
        ])
        expect(t).toEqual({
            angleDeg: 10.5,
            targetDeg: 15,
            rateDps: 2,
            sessionInvertedS: 3.5,
            faults: ["latch", "stall"],
            state: "moving",
            latch: true,
            grip: true,
            warning: false,
            alarm: true,
            unsaved: true,
        })
        expect(decodeTelemetry([0, 0, 0, 0, 0, 99, 0]).state).toMatch(
            /unknown state 99/
        )
    })
    it("the calibration register: step and status by their codes, the message as it came", () => {
        // What the firmware's core sends, through the wire format and back.
        const wire = (v: unknown[]) =>
            decodeCalibration(
                jdunpack(jdpack(P.CALIBRATION_FORMAT, v), P.CALIBRATION_FORMAT)
            )
        expect(
            wire([
                1,
                CALIBRATION_STATUSES.indexOf("refused"),
                "the table reads -65 deg, not flat: lock it flat",
            ])
        ).toEqual({
            step: "level",
            status: "refused",
            message: "the table reads -65 deg, not flat: lock it flat",
        })
        expect(wire([2, 1, "measuring"])).toEqual({
            step: "gyro",
            status: "running",
            message: "measuring",
        })
        // Before any step: nothing, shown as such.
        const none = wire(
            new TableServiceCore({
                save: () => null,
                acknowledgeWarnings: () => null,
            }).calibration()
        )
        expect(none).toEqual({ step: "", status: "", message: "" })
        expect(formatStatus({ ...STATUS, calibration: none })).toMatch(
            /^calibration +no step run since start$/m
        )
        // Codes this console does not know are named, never taken for a known one.
        expect(wire([9, 7, "x"])).toEqual({
            step: "step 9",
            status: "",
            message: "x",
        })
        // The parser of the old text form is gone.
        expect(Object.keys(tableModule)).not.toContain("parseCalibrationText")
    })
    it("a refusal: which write or command, its seq and step, the reason last", () => {
        const wire = (v: unknown[]) =>
            decodeRefusal(
                jdunpack(jdpack(P.REFUSAL_FORMAT, v), P.REFUSAL_FORMAT)
            )
        const write = wire([
            0,
            0x81,
            P.REFUSAL_WRITE,
            0,
            "12 is out of range 1..8 deg/s",
        ])
        expect(write).toEqual({
            kind: P.REFUSAL_WRITE,
            seq: 0,
            code: 0x81,
            step: 0,
            reason: "12 is out of range 1..8 deg/s",
        })
        expect(refusesWrite(write, P.settingRegister("maxRateDps"))).toBe(true)
        expect(refusesWrite(write, P.settingRegister("returnRateDps"))).toBe(
            false
        )
        expect(refusesCommand(write, 0x81, 0)).toBe(false)
        const cmd = wire([
            4000000000,
            P.CMD_CALIBRATE,
            P.REFUSAL_COMMAND,
            3,
            "only in service mode",
        ])
        expect(cmd).toEqual({
            kind: P.REFUSAL_COMMAND,
            seq: 4000000000,
            code: P.CMD_CALIBRATE,
            step: 3,
            reason: "only in service mode",
        })
        expect(refusesCommand(cmd, P.CMD_CALIBRATE, 4000000000)).toBe(true)
        expect(refusesCommand(cmd, P.CMD_CALIBRATE, 4000000001)).toBe(false)
        expect(refusesCommand(cmd, P.CMD_SAVE, 4000000000)).toBe(false)
        expect(refusesWrite(cmd, P.CMD_CALIBRATE)).toBe(false)
        expect(sameRefusal(cmd, { ...cmd! })).toBe(true)
        expect(sameRefusal(cmd, { ...cmd!, reason: "other" })).toBe(false)
        expect(sameRefusal(null, null)).toBe(true)
        // Nothing refused yet (the core's first last_error), and a value in an older form: none.
        const core = new TableServiceCore({
            save: () => null,
            acknowledgeWarnings: () => null,
        })
        expect(wire(core.lastError)).toBeNull()
        expect(decodeRefusal(["seq 7 save: no"])).toBeNull()
        // Shown in words from the fields.
        expect(formatStatus({ ...STATUS, lastError: write })).toMatch(
            /^last refusal +maxRateDps: 12 is out of range 1\.\.8 deg\/s$/m
        )
        expect(formatStatus({ ...STATUS, lastError: cmd })).toMatch(
            /^last refusal +seq 4000000000 calibrate home: only in service mode$/m
        )
        expect(
            formatStatus({
                ...STATUS,
                lastError: {
                    ...write!,
                    code: P.REG_RECORD_INDEX,
                    reason: "50 is not a whole number in 0..49",
                },
            })
        ).toMatch(
            /^last refusal +record_index: 50 is not a whole number in 0\.\.49$/m
        )
    })
    it("values compare to the table's resolution", () => {
        expect(sameSettingValue(3, 2.9990234375)).toBe(true)
        expect(sameSettingValue(3, 3.01)).toBe(false)
        expect(sameSettingValue(true, true)).toBe(true)
        expect(sameSettingValue(true, 1)).toBe(false)
    })
})

describe("the table's service specification (services.json)", () => {
    it("gives the service class the protocol names", () => {
        expect(loadTableSpec(SERVICES_JSON)).toBe(INVERSION_TABLE_SERVICE_CLASS)
    })
    it("a missing or foreign file is a one-line error (exit 3) saying to build", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "console-spec-"))
        try {
            const missing = path.join(dir, "none.json")
            expect(() => loadTableSpec(missing)).toThrow(TableError)
            expect(() => loadTableSpec(missing)).toThrow(
                /run npm run build:firmware/
            )
            const other = path.join(dir, "other.json")
            fs.writeFileSync(
                other,
                JSON.stringify([
                    { shortId: "somethingelse", classIdentifier: 1 },
                ])
            )
            expect(() => loadTableSpec(other)).toThrow(
                /does not describe the table's service/
            )
            const stale = path.join(dir, "stale.json")
            fs.writeFileSync(
                stale,
                JSON.stringify([
                    { shortId: "inversiontable", classIdentifier: 0x1234 },
                ])
            )
            expect(() => loadTableSpec(stale)).toThrow(
                /gives the table's service class 0x1234/
            )
            fs.writeFileSync(stale, "{ not json")
            expect(() => loadTableSpec(stale)).toThrow(/cannot read/)
        } finally {
            fs.rmSync(dir, { recursive: true, force: true })
        }
        expect(loadTableSpec()).toBe(INVERSION_TABLE_SERVICE_CLASS)
    })
})

describe("first-use warnings", () => {
    it("say what docs/exercise.md asks for", () => {
        const text = warningsText()
        expect(text).toMatch(/heart disease, high blood pressure or glaucoma/)
        expect(text).toMatch(/ask a doctor/i)
        expect(text).toMatch(/someone watching/)
        expect(text).toMatch(/straps twice/)
    })
    it("only yes acknowledges", () => {
        expect(isYes("yes")).toBe(true)
        expect(isYes("  YES ")).toBe(true)
        for (const no of ["y", "no", "", "yes please", null])
            expect(isYes(no)).toBe(false)
    })
})

describe("the command line", () => {
    it("takes --sim anywhere and --help as help", () => {
        expect(parseConsoleArgs(["--sim", "status"])).toEqual({
            sim: true,
            words: ["status"],
        })
        expect(parseConsoleArgs(["set", "maxRateDps", "3", "--sim"])).toEqual({
            sim: true,
            words: ["set", "maxRateDps", "3"],
        })
        expect(parseConsoleArgs([])).toEqual({ sim: false, words: [] })
        expect(parseConsoleArgs(["--help"])).toEqual({
            sim: false,
            words: ["help"],
        })
        expect(usageError(() => parseConsoleArgs(["--port", "9"]))).toMatch(
            /unknown option --port/
        )
        expect(usageError(() => parseConsoleArgs(["status\u0007"]))).toMatch(
            /unreadable/
        )
    })
    it("bad usage exits 2 with one line and connects to nothing", async () => {
        for (const argv of [
            ["frob"],
            ["set", "maxRateDps", "12"],
            ["set", "maxRateDps", "x"],
            ["get", "nope"],
            ["calibrate"],
            ["--bogus"],
            ["ack", "--maybe"],
        ]) {
            const io = captureIo()
            const t0 = performance.now()
            expect(await runConsole(argv, { io })).toBe(EXIT_USAGE)
            expect(performance.now() - t0).toBeLessThan(200) // no connection attempt
            expect(io.errText).toHaveLength(1)
            expect(io.outText).toEqual([])
        }
    })
    it("one-shot ack without --yes and log into a missing folder are bad usage before any table is asked (exit 2)", async () => {
        const ack = captureIo()
        expect(await runConsole(["ack"], { io: ack })).toBe(EXIT_USAGE)
        expect(ack.outText.join("\n")).toMatch(/glaucoma/)
        expect(ack.errText).toEqual([
            "ack: nothing recorded: after reading the warnings, run ack --yes",
        ])
        const log = captureIo()
        const file = "/nonexistent-folder-of-the-console-test/x.csv"
        expect(await runConsole(["log", file], { io: log })).toBe(EXIT_USAGE)
        expect(log.errText).toEqual([
            "log: the folder /nonexistent-folder-of-the-console-test does not exist",
        ])
        expect(log.outText).toEqual([])
    })
    it("help needs no table", async () => {
        const io = captureIo()
        expect(await runConsole(["help", "calibrate"], { io })).toBe(EXIT_OK)
        expect(io.outText.join("\n")).toContain(
            "calibrate level|gyro|home|axis"
        )
    })
    it("one-shot ack without --yes records nothing (exit 2)", async () => {
        const io = captureIo()
        const console = new TableConsole(
            () => Promise.reject(new TableError("must not be reached")),
            io
        )
        expect(await console.run({ kind: "ack", yes: false })).toBe(EXIT_USAGE)
        expect(io.outText.join("\n")).toMatch(/glaucoma/)
        expect(io.errText).toEqual([
            "ack: nothing recorded: after reading the warnings, run ack --yes",
        ])
    })
    it("interactive ack answered with anything but yes records nothing", async () => {
        const io = { ...captureIo(), ask: async () => "no" }
        const console = new TableConsole(
            () => Promise.reject(new TableError("must not be reached")),
            io
        )
        expect(await console.run({ kind: "ack", yes: false })).toBe(EXIT_OK)
        expect(io.outText.at(-1)).toBe(
            "Not acknowledged: nothing was recorded on the table."
        )
    })
})

describe("history", () => {
    it("is kept newest first in memory, oldest first in the file, bounded", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "console-history-"))
        try {
            const file = path.join(dir, "sub", "history")
            expect(loadHistory(file)).toEqual([])
            saveHistory(file, ["c", "b", "a"], 2)
            expect(fs.readFileSync(file, "utf8")).toBe("b\nc\n")
            expect(loadHistory(file)).toEqual(["c", "b"])
            fs.writeFileSync(
                file,
                Array.from({ length: 10 }, (_, i) => `l${i}`).join("\n")
            )
            expect(loadHistory(file, 3)).toEqual(["l9", "l8", "l7"])
        } finally {
            fs.rmSync(dir, { recursive: true, force: true })
        }
    })
})

describe("the exercise program's commands", () => {
    it("parses sessions, sessions --csv FILE, progress, progress set N / reset with a reason", () => {
        expect(parseLine("sessions")).toEqual({ kind: "sessions", csv: null })
        expect(parseLine("sessions --csv out/s.csv")).toEqual({
            kind: "sessions",
            csv: "out/s.csv",
        })
        expect(parseLine("progress")).toEqual({
            kind: "progress",
            count: null,
            reason: null,
        })
        expect(parseLine('progress set 28 --reason "moved tables"')).toEqual({
            kind: "progress",
            count: 28,
            reason: "moved tables",
        })
        expect(parseLine("progress reset --reason 'new user'")).toEqual({
            kind: "progress",
            count: 0,
            reason: "new user",
        })
    })

    it("refuses a change of the count without a reason, out of range, or with garbage", () => {
        const usage = (line: string) => () => parseLine(line)
        expect(usage("progress set 5")).toThrow(/--reason "TEXT" is needed/)
        expect(usage("progress reset")).toThrow(/--reason "TEXT" is needed/)
        expect(usage("progress set 33 --reason x")).toThrow(
            /"33" is not a whole number in 0..32/
        )
        expect(usage("progress set -1 --reason x")).toThrow(
            /not a whole number/
        )
        expect(usage("progress set 2.5 --reason x")).toThrow(
            /not a whole number/
        )
        expect(usage("progress set --reason x")).toThrow(/needs a count/)
        expect(usage("progress --reason x")).toThrow(/goes with set or reset/)
        expect(usage("progress grow --reason x")).toThrow(/unknown action/)
        expect(usage(`progress reset --reason "${"x".repeat(61)}"`)).toThrow(
            /at most 60/
        )
        expect(usage("progress reset --reason")).toThrow(/needs a text/)
        expect(usage("sessions --csv")).toThrow(/needs a file name/)
        expect(usage("sessions --json x")).toThrow(/unknown option/)
        expect(usage("sessions extra")).toThrow(/unexpected/)
    })

    it("shows records as a table and as CSV that keeps every field", () => {
        const records = [
            {
                number: 7,
                boot: 3,
                startS: 120.04,
                invertedS: 288.2,
                deepestDeg: 35.1,
                capDeg: 35,
                counted: true,
                end: "home",
            },
            {
                number: 6,
                boot: 3,
                startS: 10,
                invertedS: 0,
                deepestDeg: 0,
                capDeg: 25,
                counted: false,
                end: "progress 2: moved; from another table",
            },
        ]
        const table = formatSessions(records, 1)
        expect(table.split("\n")[0]).toMatch(
            /#\s+boot\s+start s\s+inverted s\s+deepest\s+cap\s+counted\s+ended/
        )
        expect(table).toMatch(
            /\n\s+7\s+3\s+120\.0\s+288\.2\s+35\.1\s+35\.0\s+yes\s+home\n/
        )
        expect(table).toMatch(/1 record\(s\) unreadable/)
        expect(formatSessions([], 0)).toBe("no session recorded yet")
        const csv = sessionsCsv(records).trim().split("\n")
        expect(csv[0]).toBe(SESSIONS_CSV_HEADER)
        expect(csv[1]).toBe("7,3,120.0,288.2,35.1,35.0,1,home")
        expect(csv[2]).toBe(
            "6,3,10.0,0.0,0.0,25.0,0,progress 2: moved; from another table"
        )
        expect(sessionsCsv([{ ...records[0], end: 'a, "b"' }])).toContain(
            '"a, ""b"""'
        )
    })

    it("tells the progress: the count, the program's cap, the limit, the acknowledgement", () => {
        const text = formatProgress({
            countedSessions: 28,
            sessionLimitS: 300,
            effectiveMaxDeg: 45,
            warningsAcknowledged: true,
        })
        expect(text).toMatch(/counted sessions\s+28/)
        expect(text).toMatch(/program's cap\s+55 deg/)
        expect(text).toMatch(/session limit now\s+300 s/)
        expect(
            formatProgress({
                countedSessions: 0,
                sessionLimitS: 300,
                effectiveMaxDeg: 0,
                warningsAcknowledged: false,
            })
        ).toMatch(/not acknowledged: the table stays flat/)
    })
})
