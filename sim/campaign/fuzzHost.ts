// Fuzzing the inputs that cross a boundary on the host: scenario files (mutated JSON), console
// command lines, and the stored records a start reads (random bytes, bit flips, records with a valid
// checksum but impossible content). Each input must end in a clear refusal (one line naming the
// problem), or be taken as valid, with every value in its range; a crash, or a refused record read
// as a good one, is a failure. The service's packets go into the firmware in the VM (fuzzVm.ts).

import * as fs from "node:fs"
import * as path from "node:path"
import { checkAllSettings, SETTINGS_SCHEMA } from "../../src/control/settings"
import { checksum32 } from "../../src/hw/checksum"
import { Controller } from "../../src/control/controller"
import { decodeKept, KEPT_FORMAT_VERSION } from "../../src/hw/keptCodec"
import {
    decodeProgress,
    PROGRESS_FORMAT_VERSION,
} from "../../src/hw/progressCodec"
import {
    decodeSessionRecord,
    SESSION_RECORD_VERSION,
} from "../../src/hw/sessionCodec"
import {
    decodeSettings,
    schemaSignature,
    SETTINGS_FORMAT_VERSION,
} from "../../src/hw/settingsCodec"
import { UsageError } from "../console/exitCodes"
import { COMMANDS, parseLine } from "../console/commands"
import { REPO_ROOT } from "../firmware/paths"
import { checkTrace } from "../check"
import { runScenario } from "../run"
import { parseScenario, ScenarioError } from "../scenario"
import { TraceRow } from "../trace"
import { Rng } from "../model/rng"
import { RECORD_KINDS } from "./tornWrites"

export interface FuzzCount {
    input: string
    tried: number
    refused: number
    accepted: number
    /** crashes, unclear refusals, broken records read as good, values out of range */
    failures: string[]
}

function count(input: string): FuzzCount {
    return { input, tried: 0, refused: 0, accepted: 0, failures: [] }
}

function fail(c: FuzzCount, what: string): void {
    if (c.failures.length < 10) c.failures.push(what)
    else if (c.failures.length === 10) c.failures.push("...")
}

/** A random JSON value of the kinds a file can hold, odd ones often. */
function randomValue(rng: Rng): unknown {
    const odd = [
        null,
        true,
        false,
        0,
        -1,
        Infinity,
        -Infinity,
        1e-320,
        2 ** 53 + 1,
        "",
        "x",
        "\u0000",
        "🙃",
        [],
        {},
        [1, 2],
        { t: 0 },
        "power-cycle",
        "clear",
        "NaN",
    ]
    const r = rng.next()
    if (r < 0.5) return odd[Math.floor(rng.next() * odd.length)]
    if (r < 0.8) return Math.round((rng.next() - 0.5) * 20000) / 10
    return "s" + Math.floor(rng.next() * 1000)
}

type Json = unknown

/** Every path to a value inside a JSON document. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
    const out: (string | number)[][] = [at]
    if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])))
    else if (v !== null && typeof v === "object")
        for (const [k, x] of Object.entries(v))
            out.push(...paths(x, [...at, k]))
    return out
}

function mutateJson(doc: Json, rng: Rng): string {
    const copy = JSON.parse(JSON.stringify(doc))
    const all = paths(copy).filter(p => p.length > 0)
    const p = all[Math.floor(rng.next() * all.length)]
    let parent: any = copy
    for (const k of p.slice(0, -1)) parent = parent[k]
    const last = p[p.length - 1]
    const r = rng.next()
    if (r < 0.5) parent[last] = randomValue(rng)
    else if (r < 0.7) {
        if (Array.isArray(parent)) parent.splice(last as number, 1)
        else delete parent[last]
    } else if (r < 0.85 && !Array.isArray(parent))
        parent["extra" + Math.floor(rng.next() * 10)] = randomValue(rng)
    else if (Array.isArray(parent))
        parent.splice(last as number, 0, parent[last as number])
    else parent[last] = [parent[last]]
    return JSON.stringify(copy, null, 1)
}

function mutateText(text: string, rng: Rng): string {
    const i = Math.floor(rng.next() * text.length)
    const r = rng.next()
    const chars = '{}[]",:0123456789-.e tfn\\\u0000\u00ff'
    const c = chars[Math.floor(rng.next() * chars.length)]
    if (r < 0.33) return text.slice(0, i) + text.slice(i + 1)
    if (r < 0.66) return text.slice(0, i) + c + text.slice(i)
    return text.slice(0, i) + c + text.slice(i + 1)
}

export function shippedScenarioTexts(): { file: string; text: string }[] {
    const dir = path.join(REPO_ROOT, "sim", "scenarios")
    return fs
        .readdirSync(dir)
        .filter(f => f.endsWith(".json"))
        .sort()
        .map(f => ({
            file: f,
            text: fs.readFileSync(path.join(dir, f), "utf8"),
        }))
}

/** The longest accepted mutant that is simulated (a mutant may ask for two hours). */
const RUN_AT_MOST_S = 400

export function fuzzScenarios(seed: number, n: number): FuzzCount {
    const c = count("scenario files (mutated JSON)")
    const rng = new Rng(seed)
    const shipped = shippedScenarioTexts()
    for (let i = 0; i < n; i++) {
        const base = shipped[i % shipped.length]
        const text =
            rng.next() < 0.5
                ? mutateJson(JSON.parse(base.text), rng)
                : mutateText(base.text, rng)
        const label = `fuzz-${i}.json`
        c.tried++
        let s
        try {
            s = parseScenario(text, label)
        } catch (e) {
            if (
                e instanceof ScenarioError &&
                !e.message.includes("\n") &&
                e.message.startsWith(label + ": ")
            )
                c.refused++
            else fail(c, `${base.file} mutant ${i}: ${String(e)}`)
            continue
        }
        c.accepted++
        const problem = checkAllSettings(s.settings)
        if (problem !== null) {
            fail(c, `${base.file} mutant ${i} accepted with ${problem}`)
            continue
        }
        if (s.durationS > RUN_AT_MOST_S) continue
        try {
            const rows: TraceRow[] = []
            runScenario(s, r => rows.push(r))
            const broken = checkTrace(s, rows)
            if (broken.length > 0)
                fail(
                    c,
                    `${base.file} mutant ${i}: ${broken[0].rule} at ${broken[0].tS} s: ${broken[0].detail}`
                )
        } catch (e) {
            fail(c, `${base.file} mutant ${i} crashed the run: ${String(e)}`)
        }
    }
    return c
}

function randomWord(rng: Rng): string {
    const words = [
        ...COMMANDS.map(cmd => cmd.name),
        ...SETTINGS_SCHEMA.map(s => s.key),
        "level",
        "gyro",
        "home",
        "axis",
        "yes",
        "no",
        "true",
        "false",
        "-1",
        "0",
        "1e3",
        "0x10",
        "99999999999999999999",
        "NaN",
        "Infinity",
        "-0",
        "4.005",
        ".5",
        "5.",
        '"a b"',
        "'unclosed",
        "#",
        "--help",
        "🙃",
        "\t",
        "\u0000",
        "\u001b[2J",
        "x".repeat(600),
    ]
    const r = rng.next()
    if (r < 0.8) return words[Math.floor(rng.next() * words.length)]
    let w = ""
    const len = 1 + Math.floor(rng.next() * 8)
    for (let i = 0; i < len; i++)
        w += String.fromCharCode(Math.floor(rng.next() * 0x3000))
    return w
}

export function fuzzConsoleLines(seed: number, n: number): FuzzCount {
    const c = count("console command lines")
    const rng = new Rng(seed)
    for (let i = 0; i < n; i++) {
        const words: string[] = []
        const len = Math.floor(rng.next() * 5)
        for (let k = 0; k < len; k++) words.push(randomWord(rng))
        const line = words.join(rng.next() < 0.9 ? " " : "  ")
        c.tried++
        let cmd
        try {
            cmd = parseLine(line)
        } catch (e) {
            if (e instanceof UsageError && !e.message.includes("\n"))
                c.refused++
            else fail(c, `${JSON.stringify(line)}: ${String(e)}`)
            continue
        }
        c.accepted++
        if (cmd.kind === "set") {
            const named: Record<string, unknown> = {}
            for (const s of SETTINGS_SCHEMA) named[s.key] = s.defaultValue
            named[cmd.key] = cmd.value
            const problem = checkAllSettings(named)
            if (problem !== null)
                fail(c, `${JSON.stringify(line)} accepted: ${problem}`)
        }
    }
    return c
}

/** Text with a valid version and checksum around `json`, as a record of that layout is stored. */
function sealed(version: number, json: string): string {
    return version + "|" + checksum32(json) + "|" + json
}

/** Records that pass their checksum but hold what cannot be. */
function impossibleRecords(rng: Rng): { kind: string; text: string }[] {
    const values = SETTINGS_SCHEMA.map(s => s.defaultValue) as unknown[]
    const out: { kind: string; text: string }[] = []
    for (let i = 0; i < SETTINGS_SCHEMA.length; i++) {
        const spec = SETTINGS_SCHEMA[i]
        const bad: unknown[] =
            spec.kind === "boolean"
                ? [1, "true", null]
                : [spec.min - 1, spec.max + 1, "5", null, Infinity, true]
        for (const b of bad) {
            const v = values.slice()
            v[i] = b
            out.push({
                kind: "settings",
                text: sealed(
                    SETTINGS_FORMAT_VERSION,
                    JSON.stringify({ keys: schemaSignature(), values: v })
                ),
            })
        }
    }
    out.push({
        kind: "settings",
        text: sealed(
            SETTINGS_FORMAT_VERSION,
            JSON.stringify({ keys: schemaSignature() + 1, values })
        ),
    })
    out.push({
        kind: "settings",
        text: sealed(
            SETTINGS_FORMAT_VERSION,
            JSON.stringify({ keys: schemaSignature(), values: values.slice(1) })
        ),
    })
    const keptBad = [
        { faults: ["imu"], reasons: ["x"], openLoopUsedMs: 0 },
        { faults: ["nonsense"], reasons: ["x"], openLoopUsedMs: 0 },
        { faults: ["direction"], reasons: [], openLoopUsedMs: 0 },
        { faults: [], reasons: [], openLoopUsedMs: -1 },
        { faults: [], reasons: [], openLoopUsedMs: 1e12 },
        { faults: "direction", reasons: [], openLoopUsedMs: 0 },
        { faults: ["stall", "stall"], reasons: ["a", "b"], openLoopUsedMs: 0 },
        null,
        [],
    ]
    for (const k of keptBad)
        out.push({
            kind: "kept",
            text: sealed(KEPT_FORMAT_VERSION, JSON.stringify(k)),
        })
    const progressBad = [
        { countedSessions: -1, warningsAcknowledged: true },
        { countedSessions: 33, warningsAcknowledged: true },
        { countedSessions: 2.5, warningsAcknowledged: true },
        { countedSessions: 3, warningsAcknowledged: false },
        { countedSessions: 3, warningsAcknowledged: "yes" },
        { countedSessions: "3", warningsAcknowledged: true },
        {},
    ]
    for (const p of progressBad)
        out.push({
            kind: "progress",
            text: sealed(PROGRESS_FORMAT_VERSION, JSON.stringify(p)),
        })
    const sessionBad = [
        "-1,1,0,0,0,0,0,home",
        "1.5,1,0,0,0,0,0,home",
        "1,1,0,0,99,0,0,home",
        "1,1,0,0,0,91,0,home",
        "1,1,-5,0,0,0,0,home",
        "1,1,0,0,0,0,2,home",
        "1,1,0,0,0,0,0",
        "1,1,1e999,0,0,0,0,home",
        "0x1,1,0,0,0,0,0,home",
    ]
    for (const body of sessionBad)
        out.push({
            kind: "session",
            text: sealed(SESSION_RECORD_VERSION, body),
        })
    void rng
    return out
}

/** A start on a refused settings record: the defaults and the settings notice at once. */
function startRaisesNotice(text: string): boolean {
    const d = decodeSettings(text)
    if (d.error === null) return false
    const controller = new Controller(d.settings, d.error, null)
    return controller.supervisor.faults.has("settings")
}

function readOf(kind: string, text: string): "refused" | "good" {
    if (kind === "settings")
        return decodeSettings(text).error === null ? "good" : "refused"
    if (kind === "kept") {
        const d = decodeKept(text, 0)
        return d.error === null ? "good" : "refused"
    }
    if (kind === "progress") {
        const d = decodeProgress(text)
        return d.error === null ? "good" : "refused"
    }
    return decodeSessionRecord(text) === null ? "refused" : "good"
}

const KIND_OF_RECORD: Record<string, string> = {
    settings: "settings",
    "kept (a restart must not forget)": "kept",
    progress: "progress",
    "session record": "session",
}

export function fuzzStoredRecords(seed: number, n: number): FuzzCount[] {
    const rng = new Rng(seed)
    const random = count("stored records: random bytes")
    const flips = count("stored records: bit flips of good ones")
    const impossible = count(
        "stored records: valid checksum, impossible content"
    )
    const kinds = RECORD_KINDS.map(k => ({ k, kind: KIND_OF_RECORD[k.name] }))
    for (let i = 0; i < n; i++) {
        const { k, kind } = kinds[i % kinds.length]
        // Random bytes, now and then behind a plausible version and bar.
        let text = ""
        const len = 1 + Math.floor(rng.next() * 120)
        for (let j = 0; j < len; j++)
            text += String.fromCharCode(Math.floor(rng.next() * 256))
        if (rng.next() < 0.3) text = "1|" + text
        random.tried++
        try {
            if (readOf(kind, text) === "refused") random.refused++
            else {
                random.accepted++
                fail(
                    random,
                    `${kind}: random bytes read as a record: ${JSON.stringify(text)}`
                )
            }
            if (kind === "settings" && !startRaisesNotice(text))
                fail(random, `a start on refused settings raised no notice`)
        } catch (e) {
            fail(random, `${kind}: ${String(e)}`)
        }
        // One to three bit flips of a good record.
        const good = k.records(seed + i, 1)[0]
        const bytes = Buffer.from(good, "latin1")
        const nFlips = 1 + Math.floor(rng.next() * 3)
        for (let f = 0; f < nFlips; f++) {
            const at = Math.floor(rng.next() * bytes.length)
            bytes[at] ^= 1 << Math.floor(rng.next() * 8)
        }
        const flipped = bytes.toString("latin1")
        flips.tried++
        try {
            const read = k.read(flipped)
            if (read === null) flips.refused++
            else if (read === k.read(good)) flips.accepted++
            else
                fail(
                    flips,
                    `${kind}: flipped record read as another: ${JSON.stringify(flipped)}`
                )
        } catch (e) {
            fail(flips, `${kind}: ${String(e)}`)
        }
    }
    for (const r of impossibleRecords(rng)) {
        impossible.tried++
        try {
            if (readOf(r.kind, r.text) === "refused") impossible.refused++
            else {
                impossible.accepted++
                fail(
                    impossible,
                    `${r.kind}: impossible record read as good: ${r.text}`
                )
            }
        } catch (e) {
            fail(impossible, `${r.kind}: ${String(e)}`)
        }
    }
    return [random, flips, impossible]
}
