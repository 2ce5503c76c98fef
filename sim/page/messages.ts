// What a page may send the server, checked strictly: a message that is not exactly one of these
// (bad JSON, an unknown type or key, a wrong type, a value out of range, too long) is refused with
// one line saying why, and nothing happens. Pure: the server logs the refusal and tells the page.

import { SCENARIO_FAULTS, ScenarioFault } from "../scenario"
import { MAX_LINE_CHARS } from "../console/commands"
import { PAD_INPUTS, PadInput } from "./snapshot"

/** No message of the page's is near this long. */
export const MAX_MESSAGE_CHARS = 4096

export type PageMessage =
    /** an input pressed (true) or released (false) */
    | { type: "input"; name: PadInput; level: boolean }
    /** the page is alive and still holds what it holds */
    | { type: "alive" }
    /** the page let go of everything (it lost focus or was hidden) */
    | { type: "release" }
    /** a simulator fault, a power cycle or clear (simulated tables only) */
    | { type: "inject"; fault: ScenarioFault }
    /** a console line to run */
    | { type: "console"; id: number; line: string }
    /** stop the running console command (watch, log) */
    | { type: "console-stop"; id: number }
    /** the answer to the console's question (ack) */
    | { type: "console-answer"; id: number; text: string }

export class MessageError extends Error {}

const KEYS: Record<PageMessage["type"], string[]> = {
    input: ["type", "name", "level"],
    alive: ["type"],
    release: ["type"],
    inject: ["type", "fault"],
    console: ["type", "id", "line"],
    "console-stop": ["type", "id"],
    "console-answer": ["type", "id", "text"],
}

function fail(problem: string): never {
    throw new MessageError(problem)
}

function shortJson(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value)
    return text.length > 40 ? text.slice(0, 40) + "..." : text
}

function consoleId(value: unknown): number {
    if (
        typeof value !== "number" ||
        !Number.isInteger(value) ||
        value < 1 ||
        value > 2 ** 31
    )
        fail(`id: expected a whole number 1..2^31, got ${shortJson(value)}`)
    return value
}

function text(value: unknown, what: string): string {
    if (typeof value !== "string")
        fail(`${what}: expected text, got ${shortJson(value)}`)
    if (value.length > MAX_LINE_CHARS)
        fail(`${what}: ${value.length} characters, at most ${MAX_LINE_CHARS}`)
    return value
}

/** Parses one message; throws a MessageError (one line) when it is not exactly a PageMessage. */
export function parsePageMessage(raw: string): PageMessage {
    if (raw.length > MAX_MESSAGE_CHARS)
        fail(`message too long (${raw.length} characters)`)
    let value: unknown
    try {
        value = JSON.parse(raw)
    } catch {
        fail("not JSON")
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
        fail("expected an object")
    const m = value as Record<string, unknown>
    const type = m.type
    // Own keys only: "__proto__" or "toString" is no message type.
    if (
        typeof type !== "string" ||
        !Object.prototype.hasOwnProperty.call(KEYS, type)
    )
        fail(`unknown message type ${shortJson(type)}`)
    const allowed = KEYS[type as PageMessage["type"]]
    for (const key of Object.keys(m))
        if (allowed.indexOf(key) < 0)
            fail(`${type}: unknown key ${shortJson(key)}`)
    for (const key of allowed) if (!(key in m)) fail(`${type}: missing ${key}`)
    switch (type) {
        case "input": {
            if (PAD_INPUTS.indexOf(m.name as PadInput) < 0)
                fail(`input: no input ${shortJson(m.name)}`)
            if (typeof m.level !== "boolean")
                fail(
                    `input: level must be true or false, got ${shortJson(m.level)}`
                )
            return { type, name: m.name as PadInput, level: m.level }
        }
        case "alive":
        case "release":
            return { type }
        case "inject":
            if (SCENARIO_FAULTS.indexOf(m.fault as ScenarioFault) < 0)
                fail(`inject: no fault ${shortJson(m.fault)}`)
            return { type, fault: m.fault as ScenarioFault }
        case "console":
            return { type, id: consoleId(m.id), line: text(m.line, "line") }
        case "console-stop":
            return { type, id: consoleId(m.id) }
        case "console-answer":
            return { type, id: consoleId(m.id), text: text(m.text, "text") }
    }
    return fail(`unknown message type ${shortJson(type)}`)
}
