// The console's command language: one parser for the interactive prompt and the one-shot command
// line, the help texts, and tab completion. Pure: no bus, no I/O. A command that parses has had its
// values checked against the settings schema (src/control/settings.ts), so what is sent is never
// refused for its type or range; anything wrong is a UsageError (exit 2) and nothing is sent.

import { CALIBRATION_STEPS } from "../../src/control/calibration"
import {
    checkSetting,
    rangeText,
    SETTINGS_SCHEMA,
    SettingKey,
    settingKeys,
    settingSpec,
} from "../../src/control/settings"
import { EXIT_CODE_TEXT, UsageError } from "./exitCodes"
import {
    PROGRESS_MAX_COUNTED,
    REASON_MAX_CHARS,
} from "../../src/control/program"

export type CalibrationStepName = "level" | "gyro" | "home" | "axis"

export type Command =
    | { kind: "empty" }
    | { kind: "help"; topic: string | null }
    | { kind: "status" }
    | { kind: "watch"; seconds: number | null }
    | { kind: "get"; key: SettingKey | null }
    | {
          kind: "set"
          key: SettingKey
          value: number | boolean
          rounded: boolean
      }
    | { kind: "calibrate"; step: CalibrationStepName }
    | { kind: "save" }
    | { kind: "defaults" }
    | { kind: "report" }
    | { kind: "log"; file: string; seconds: number | null }
    | { kind: "faults" }
    | { kind: "ack"; yes: boolean }
    | { kind: "sessions"; csv: string | null }
    | { kind: "progress"; count: number | null; reason: string | null }
    | { kind: "quit" }

export type CommandName = Exclude<Command["kind"], "empty">

export interface CommandHelp {
    name: CommandName
    usage: string
    summary: string
    details: string[]
}

/** Longest line accepted (a pasted report line is ~30 characters). */
export const MAX_LINE_CHARS = 1000
/** `--seconds` at most a day. */
export const MAX_SECONDS = 86400
/** Number settings travel as i22.10 and the table rounds them to 0.01. */
export const SETTING_DECIMALS = 2

export const COMMANDS: CommandHelp[] = [
    {
        name: "help",
        usage: "help [COMMAND]",
        summary: "list the commands, or explain one",
        details: [
            "help set   explains set; help alone lists every command and the exit codes.",
        ],
    },
    {
        name: "status",
        usage: "status",
        summary:
            "angle, target, rate, state, faults, latch, grip, session time, deepest angle, calibration, warnings",
        details: ["Reads the table's registers once."],
    },
    {
        name: "watch",
        usage: "watch [--seconds N]",
        summary:
            "a live status line at the table's 10 Hz telemetry, until Enter or Ctrl-C (or N seconds)",
        details: [
            "The table streams telemetry only while someone watches: the console keeps it going and stops it after.",
        ],
    },
    {
        name: "get",
        usage: "get [KEY]",
        summary: "one setting, or all of them with units and ranges",
        details: ["Keys: " + settingKeys().join(", ") + "."],
    },
    {
        name: "set",
        usage: "set KEY VALUE",
        summary: "change a setting (service mode only), then read it back",
        details: [
            "The value is checked against the settings schema first (type and range); a bad one is refused here and nothing is sent.",
            "The table then takes it only in service mode: at home with the latch open, hold STOP and UP together for 3 s on the button pad.",
            "Numbers are kept to 0.01. Booleans are true or false; -0 is 0.",
            "A change is in use at once, and stored only by save: a restart without save brings back the stored settings (status shows unsaved changes).",
        ],
    },
    {
        name: "calibrate",
        usage: "calibrate level|gyro|home|axis",
        summary:
            "run one calibration step (service mode only) and wait for its outcome",
        details: [
            "level  the table locked flat against a spirit level: records the accelerometer offset (2 s)",
            "gyro   the table still: measures the gyro bias (3 s)",
            "home   the table at its loading stop: records the home angle",
            "axis   moves the empty table 2 degrees deeper and checks that the angle rises",
            "Each step refuses to run when its preconditions fail, and says why.",
            "What a step measures is in use at once, and stored only by save.",
        ],
    },
    {
        name: "save",
        usage: "save",
        summary:
            "store the settings in the table's flash now (service mode only)",
        details: [
            "Settings changed by set, defaults or calibrate are in use at once but not stored: a restart without save brings back the stored ones.",
        ],
    },
    {
        name: "defaults",
        usage: "defaults",
        summary:
            "every setting back to its default, calibration included (service mode only)",
        details: ["Not stored until saved (save)."],
    },
    {
        name: "report",
        usage: "report",
        summary:
            "every setting as `set KEY VALUE` lines that can be pasted back",
        details: [
            "Lines starting with # are comments: the console ignores them when pasted back.",
        ],
    },
    {
        name: "log",
        usage: "log FILE.csv [--seconds N]",
        summary:
            "telemetry (10 Hz) to a CSV file with a header, until Ctrl-C (or Enter) or N seconds",
        details: [
            "Columns: t_s,angle_deg,target_deg,rate_dps,session_inverted_s,state,faults,latch,grip,warning,alarm.",
        ],
    },
    {
        name: "faults",
        usage: "faults",
        summary: "the active faults, what each means, and why it was raised",
        details: [],
    },
    {
        name: "ack",
        usage: "ack [--yes]",
        summary:
            "show the first-use safety warnings and record their acknowledgement on the table",
        details: [
            "Interactive: type yes after reading them. One-shot: ack --yes (without it nothing is recorded).",
        ],
    },
    {
        name: "sessions",
        usage: "sessions [--csv FILE]",
        summary:
            "the last 50 sessions the table recorded, newest first (or to a CSV file)",
        details: [
            "Columns: number, boot (the table's start count), start (s on that boot's clock), time inverted, deepest angle, the cap, counted, how it ended.",
            "The table has no calendar: a start is counted in seconds since that boot.",
        ],
    },
    {
        name: "progress",
        usage: "progress [set N|reset] [--reason TEXT]",
        summary:
            "the exercise program's progress; set or reset the count (service mode only, with a reason)",
        details: [
            "progress              counted sessions, the session's time limit now, the deepest angle now",
            'progress set N --reason "TEXT"   sets the count of sessions that counted (0..' +
                PROGRESS_MAX_COUNTED +
                "); the change and its reason go into the session records",
            'progress reset --reason "TEXT"   the same as set 0',
            "Service mode: at home with the latch open, hold STOP and UP together for 3 s on the button pad.",
        ],
    },
    {
        name: "quit",
        usage: "quit",
        summary: "leave the console (also exit, Ctrl-D)",
        details: [],
    },
]

const ALIASES: Record<string, CommandName> = {
    exit: "quit",
    "?": "help",
    q: "quit",
}

export function commandNames(): CommandName[] {
    return COMMANDS.map(c => c.name)
}

export function commandHelp(name: string): CommandHelp | undefined {
    const real = ALIASES[name] ?? name
    return COMMANDS.find(c => c.name === real)
}

// ---- tokens ----

/** Printable text for an error message: control characters shown as \xNN, long input cut. */
export function shown(text: string, max = 40): string {
    const safe = text.replace(
        // eslint-disable-next-line no-control-regex
        /[\u0000-\u001f\u007f-\u009f]/g,
        c => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0")
    )
    return safe.length > max ? safe.slice(0, max) + "..." : safe
}

/** Refuses text with control characters (tabs aside) or longer than MAX_LINE_CHARS: garbage, not a command. */
export function checkText(text: string): void {
    if (text.length > MAX_LINE_CHARS)
        throw new UsageError(
            `input too long (${text.length} characters, at most ${MAX_LINE_CHARS})`
        )
    // eslint-disable-next-line no-control-regex
    const bad = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\ufffd]/.exec(text)
    if (bad)
        throw new UsageError(
            `unreadable input: character ${shown(bad[0])} in "${shown(text)}"`
        )
}

/**
 * Splits a line into words at blanks; "double" or 'single' quotes keep blanks in a word (a file
 * name). A line starting with # is a comment (no words). Control characters are refused.
 */
export function tokenize(line: string): string[] {
    checkText(line)
    const words: string[] = []
    let i = 0
    const n = line.length
    while (i < n) {
        while (i < n && /\s/.test(line[i])) i++
        if (i >= n) break
        if (words.length === 0 && line[i] === "#") break
        let word = ""
        while (i < n && !/\s/.test(line[i])) {
            const c = line[i]
            if (c === '"' || c === "'") {
                const end = line.indexOf(c, i + 1)
                if (end < 0)
                    throw new UsageError(`unclosed ${c} in "${shown(line)}"`)
                word += line.slice(i + 1, end)
                i = end + 1
            } else {
                word += c
                i++
            }
        }
        words.push(word)
    }
    return words
}

// ---- values ----

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/**
 * A setting's value from text, by the schema's kind, checked against its range. Numbers are decimal
 * (no hex, no exponent, no units) and rounded to 0.01, as the table keeps them; booleans are
 * true/false. Throws a UsageError naming the key, the value and the range.
 */
export function parseSettingValue(
    key: string,
    text: string
): { value: number | boolean; rounded: boolean } {
    const spec = settingSpec(key)
    if (!spec) throw new UsageError(unknownKeyText(key))
    if (spec.kind === "boolean") {
        const t = text.toLowerCase()
        if (t !== "true" && t !== "false")
            throw new UsageError(
                `${key}: "${shown(text)}" is not allowed, expected ${rangeText(spec)}`
            )
        return { value: t === "true", rounded: false }
    }
    if (!NUMBER_RE.test(text))
        throw new UsageError(
            `${key}: "${shown(text)}" is not a number (range ${rangeText(spec)})`
        )
    const exact = Number(text)
    const value =
        Math.round(exact * 10 ** SETTING_DECIMALS) / 10 ** SETTING_DECIMALS
    // The range is judged on the value as typed: 8.004 is not in 1..8, even if it would round to 8.
    const error = checkSetting(key, exact)
    if (error !== null) throw new UsageError(error)
    return { value: Object.is(value, -0) ? 0 : value, rounded: value !== exact }
}

function unknownKeyText(key: string): string {
    const near = settingKeys().filter(
        k => k.toLowerCase() === key.toLowerCase()
    )
    const hint = near.length > 0 ? `did you mean ${near[0]}? ` : ""
    return `unknown setting "${shown(key)}": ${hint}settings are ${settingKeys().join(", ")}`
}

function parseSeconds(text: string | undefined, command: string): number {
    if (text === undefined)
        throw new UsageError(`${command}: --seconds needs a number of seconds`)
    if (!NUMBER_RE.test(text))
        throw new UsageError(
            `${command}: --seconds "${shown(text)}" is not a number`
        )
    const s = Number(text)
    if (!(s > 0 && s <= MAX_SECONDS))
        throw new UsageError(
            `${command}: --seconds ${text} is out of range (more than 0, at most ${MAX_SECONDS})`
        )
    return s
}

/** Pulls `--seconds N` (or `--seconds=N`) out of the arguments. */
function takeSeconds(
    args: string[],
    command: string
): { seconds: number | null; rest: string[] } {
    const rest: string[] = []
    let seconds: number | null = null
    for (let i = 0; i < args.length; i++) {
        const a = args[i]
        let value: string | undefined
        if (a === "--seconds") value = args[++i] ?? undefined
        else if (a.startsWith("--seconds="))
            value = a.slice("--seconds=".length)
        else {
            rest.push(a)
            continue
        }
        if (seconds !== null)
            throw new UsageError(`${command}: --seconds given twice`)
        seconds = parseSeconds(value, command)
    }
    return { seconds, rest }
}

function noMore(name: string, args: string[], usage: string): void {
    if (args.length > 0)
        throw new UsageError(
            `${name}: unexpected "${shown(args.join(" "))}" (usage: ${usage})`
        )
}

function refuseOptions(name: string, args: string[], usage: string): void {
    const opt = args.find(a => a.startsWith("--"))
    if (opt !== undefined)
        throw new UsageError(
            `${name}: unknown option ${shown(opt)} (usage: ${usage})`
        )
}

// ---- commands ----

/** Parses one command from its words; throws a UsageError (one line) when it is wrong. */
export function parseCommand(words: readonly string[]): Command {
    if (words.length === 0) return { kind: "empty" }
    const [first, ...args] = words
    const help = commandHelp(first)
    if (!help) {
        const suggestion = commandNames().find(n => n === first.toLowerCase())
        const hint = suggestion ? ` (did you mean ${suggestion}?)` : ""
        throw new UsageError(
            `unknown command "${shown(first)}"${hint}: type help for the list`
        )
    }
    const usage = help.usage
    switch (help.name) {
        case "help": {
            noMore("help", args.slice(1), usage)
            const topic = args[0] ?? null
            if (topic !== null && !commandHelp(topic))
                throw new UsageError(
                    `help: no command "${shown(topic)}": type help for the list`
                )
            return {
                kind: "help",
                topic: topic === null ? null : commandHelp(topic)!.name,
            }
        }
        case "status":
        case "save":
        case "defaults":
        case "report":
        case "faults":
        case "quit":
            noMore(help.name, args, usage)
            return { kind: help.name }
        case "watch": {
            const { seconds, rest } = takeSeconds(args, "watch")
            refuseOptions("watch", rest, usage)
            noMore("watch", rest, usage)
            return { kind: "watch", seconds }
        }
        case "get": {
            noMore("get", args.slice(1), usage)
            if (args.length === 0) return { kind: "get", key: null }
            if (!settingSpec(args[0]))
                throw new UsageError(unknownKeyText(args[0]))
            return { kind: "get", key: args[0] as SettingKey }
        }
        case "set": {
            if (args.length < 2)
                throw new UsageError(
                    `set: needs a key and a value (usage: ${usage})`
                )
            noMore("set", args.slice(2), usage)
            const [key, text] = args
            const { value, rounded } = parseSettingValue(key, text)
            return { kind: "set", key: key as SettingKey, value, rounded }
        }
        case "calibrate": {
            if (args.length === 0)
                throw new UsageError(`calibrate: which step? (usage: ${usage})`)
            noMore("calibrate", args.slice(1), usage)
            const step = args[0].toLowerCase()
            if (CALIBRATION_STEPS.indexOf(step) < 0)
                throw new UsageError(
                    `calibrate: unknown step "${shown(args[0])}" (steps: ${CALIBRATION_STEPS.join(", ")})`
                )
            return { kind: "calibrate", step: step as CalibrationStepName }
        }
        case "log": {
            const { seconds, rest } = takeSeconds(args, "log")
            refuseOptions("log", rest, usage)
            if (rest.length === 0)
                throw new UsageError(`log: needs a file name (usage: ${usage})`)
            noMore("log", rest.slice(1), usage)
            const file = rest[0]
            if (file.trim() === "")
                throw new UsageError(`log: empty file name (usage: ${usage})`)
            return { kind: "log", file, seconds }
        }
        case "sessions": {
            const rest: string[] = []
            let csv: string | null = null
            for (let i = 0; i < args.length; i++) {
                if (args[i] === "--csv") {
                    const file = args[++i]
                    if (file === undefined || file.trim() === "")
                        throw new UsageError(
                            `sessions: --csv needs a file name (usage: ${usage})`
                        )
                    csv = file
                } else rest.push(args[i])
            }
            refuseOptions("sessions", rest, usage)
            noMore("sessions", rest, usage)
            return { kind: "sessions", csv }
        }
        case "progress":
            return parseProgress(args, usage)
        case "ack": {
            const yes = args.includes("--yes")
            const rest = args.filter(a => a !== "--yes")
            refuseOptions("ack", rest, usage)
            noMore("ack", rest, usage)
            return { kind: "ack", yes }
        }
    }
}

/** `progress`, `progress set N --reason TEXT`, `progress reset --reason TEXT`. */
function parseProgress(args: readonly string[], usage: string): Command {
    const rest: string[] = []
    let reason: string | null = null
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--reason") {
            const text = args[++i]
            if (text === undefined || text.trim() === "")
                throw new UsageError(
                    `progress: --reason needs a text (usage: ${usage})`
                )
            reason = text.trim()
            if (reason.length > REASON_MAX_CHARS)
                throw new UsageError(
                    `progress: the reason has ${reason.length} characters, at most ${REASON_MAX_CHARS} (the table records it)`
                )
            if (!/^[\x20-\x7e]*$/.test(reason))
                throw new UsageError(
                    `progress: the reason may hold printable ASCII only`
                )
        } else rest.push(args[i])
    }
    refuseOptions("progress", rest, usage)
    if (rest.length === 0) {
        if (reason !== null)
            throw new UsageError(
                `progress: --reason goes with set or reset (usage: ${usage})`
            )
        return { kind: "progress", count: null, reason: null }
    }
    const [action, ...more] = rest
    let count: number
    if (action === "reset") {
        noMore("progress reset", more, usage)
        count = 0
    } else if (action === "set") {
        if (more.length === 0)
            throw new UsageError(
                `progress set: needs a count (usage: ${usage})`
            )
        noMore("progress set", more.slice(1), usage)
        const text = more[0]
        if (!/^\d+$/.test(text) || Number(text) > PROGRESS_MAX_COUNTED)
            throw new UsageError(
                `progress set: "${shown(text)}" is not a whole number in 0..${PROGRESS_MAX_COUNTED}`
            )
        count = Number(text)
    } else
        throw new UsageError(
            `progress: unknown action "${shown(action)}" (usage: ${usage})`
        )
    if (reason === null)
        throw new UsageError(
            `progress ${action}: --reason "TEXT" is needed (the table records it)`
        )
    return { kind: "progress", count, reason }
}

/** tokenize + parseCommand. */
export function parseLine(line: string): Command {
    return parseCommand(tokenize(line))
}

/** Does this command need the table? (help and quit do not: they work without a connection.) */
export function needsTable(c: Command): boolean {
    return c.kind !== "help" && c.kind !== "quit" && c.kind !== "empty"
}

// ---- help ----

export function helpText(topic: string | null): string {
    if (topic !== null) {
        const c = commandHelp(topic)
        if (!c) throw new UsageError(`help: no command "${shown(topic)}"`)
        const lines = [
            `${c.usage}`,
            `  ${c.summary}`,
            ...c.details.map(d => "  " + d),
        ]
        if (c.name === "set" || c.name === "get") {
            lines.push("  Settings:")
            for (const s of SETTINGS_SCHEMA)
                lines.push(
                    `    ${s.key.padEnd(15)} ${rangeText(s).padEnd(18)} default ${String(s.defaultValue).padEnd(6)} ${s.meaning}`
                )
        }
        return lines.join("\n")
    }
    const width = Math.max(...COMMANDS.map(c => c.usage.length)) + 2
    const lines = ["Commands:"]
    for (const c of COMMANDS)
        lines.push("  " + c.usage.padEnd(width) + c.summary)
    lines.push(
        "",
        "One-shot: npm run console -- [--sim | --serial PORT] COMMAND ARGS...   (e.g. -- status, -- get maxRateDps, -- set maxRateDps 3)",
        "Interactive: npm run console -- [--sim | --serial PORT]   (history, Tab completes commands and keys)",
        "--sim: talk to the simulated table (started here if nothing serves ws://127.0.0.1:8081).",
        "--serial PORT: a real table on that serial port (e.g. /dev/ttyUSB0), directly.",
        "Without either: a real table over USB through `npx devs devtools --serial` (run it first, in another terminal).",
        "Settings and calibration change only in service mode: at home with the latch open, hold STOP and UP for 3 s.",
        "",
        "Exit codes (one-shot):",
        ...EXIT_CODE_TEXT.map(([code, text]) => `  ${code}  ${text}`)
    )
    return lines.join("\n")
}

// ---- completion ----

/**
 * Tab completion for readline: commands as the first word, setting keys after get/set, steps after
 * calibrate, command names after help, true/false for a boolean setting's value, options.
 * Returns [candidates, the fragment they complete].
 */
export function complete(line: string): [string[], string] {
    const endsInBlank = line.length === 0 || /\s$/.test(line)
    const words = line.trim().length === 0 ? [] : line.trim().split(/\s+/)
    const fragment = endsInBlank ? "" : (words[words.length - 1] ?? "")
    const index = endsInBlank ? words.length : words.length - 1
    const pick = (options: string[]): [string[], string] => {
        const hits = options.filter(o => o.startsWith(fragment))
        return [hits.length > 0 ? hits : [], fragment]
    }
    if (index === 0) return pick([...commandNames(), "exit"].sort())
    const cmd = commandHelp(words[0])?.name
    if (cmd === undefined) return [[], fragment]
    if (index === 1) {
        if (cmd === "get" || cmd === "set") return pick(settingKeys())
        if (cmd === "calibrate") return pick([...CALIBRATION_STEPS])
        if (cmd === "help") return pick(commandNames())
        if (cmd === "watch") return pick(["--seconds"])
        if (cmd === "ack") return pick(["--yes"])
        if (cmd === "sessions") return pick(["--csv"])
        if (cmd === "progress") return pick(["set", "reset"])
        return [[], fragment]
    }
    if (index === 2 && cmd === "set") {
        const spec = settingSpec(words[1])
        if (spec && spec.kind === "boolean") return pick(["true", "false"])
        return [[], fragment]
    }
    if (cmd === "log" && index >= 2) return pick(["--seconds"])
    return [[], fragment]
}
