// A small JSON reader for the scenario files people write by hand.
//
// Why not JSON.parse: its error messages in Node 20 sometimes carry a position and sometimes quote the
// whole input (several lines), and it silently keeps the last of two equal keys — so a scenario with
// two "events" arrays would lose the first without a word. This reader accepts exactly RFC 8259 JSON,
// refuses duplicate keys, refuses numbers a double cannot hold, and reports every problem as
// "line L, column C" plus a short one-line description.

export type JsonValue =
    null | boolean | number | string | JsonValue[] | JsonObject
export interface JsonObject {
    [key: string]: JsonValue
}

export class JsonSyntaxError extends Error {
    constructor(
        readonly line: number,
        readonly column: number,
        readonly problem: string
    ) {
        super("line " + line + ", column " + column + ": " + problem)
    }
}

/** Parses JSON text; throws JsonSyntaxError. A leading byte-order mark is ignored (editors add it). */
export function parseStrictJson(text: string): JsonValue {
    const reader = new Reader(
        text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
    )
    reader.skipSpace()
    const value = reader.readValue()
    reader.skipSpace()
    if (!reader.atEnd())
        reader.fail(
            "unexpected " +
                reader.describeHere() +
                " after the end of the JSON value"
        )
    return value
}

// Nesting deeper than this is certainly not a scenario, and recursion must not overflow the stack.
const MAX_DEPTH = 64

class Reader {
    private pos = 0
    private depth = 0

    constructor(private readonly text: string) {}

    atEnd(): boolean {
        return this.pos >= this.text.length
    }

    fail(problem: string, at: number = this.pos): never {
        let line = 1
        let lineStart = 0
        for (let i = 0; i < at && i < this.text.length; i++) {
            if (this.text[i] === "\n") {
                line++
                lineStart = i + 1
            }
        }
        throw new JsonSyntaxError(line, at - lineStart + 1, problem)
    }

    /** The character at the read position, quoted for a message, or "the end of the file". */
    describeHere(): string {
        if (this.atEnd()) return "end of file"
        const ch = this.text[this.pos]
        const code = ch.charCodeAt(0)
        if (code < 0x20 || code === 0x7f)
            return (
                "control character U+" +
                code.toString(16).toUpperCase().padStart(4, "0")
            )
        return "'" + ch + "'"
    }

    skipSpace(): void {
        while (!this.atEnd()) {
            const ch = this.text[this.pos]
            if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r")
                this.pos++
            else break
        }
    }

    readValue(): JsonValue {
        if (this.atEnd()) this.fail("unexpected end of file, expected a value")
        const ch = this.text[this.pos]
        if (ch === "{") return this.nested(() => this.readObject())
        if (ch === "[") return this.nested(() => this.readArray())
        if (ch === '"') return this.readString()
        if (ch === "-" || (ch >= "0" && ch <= "9")) return this.readNumber()
        if (this.text.startsWith("true", this.pos))
            return this.word("true", true)
        if (this.text.startsWith("false", this.pos))
            return this.word("false", false)
        if (this.text.startsWith("null", this.pos))
            return this.word("null", null)
        if (ch === "'")
            this.fail("strings need double quotes, not single quotes")
        return this.fail(
            "unexpected " + this.describeHere() + ", expected a value"
        )
    }

    private nested<T>(read: () => T): T {
        if (++this.depth > MAX_DEPTH)
            this.fail("nested more than " + MAX_DEPTH + " levels deep")
        const value = read()
        this.depth--
        return value
    }

    private word<T>(word: string, value: T): T {
        this.pos += word.length
        return value
    }

    private expect(ch: string, what: string): void {
        if (this.text[this.pos] !== ch)
            this.fail("expected " + what + ", found " + this.describeHere())
        this.pos++
    }

    private readObject(): JsonObject {
        const start = this.pos
        this.pos++ // "{"
        // defineProperty, not assignment: a key "__proto__" must become an ordinary (unknown) key.
        const result: JsonObject = {}
        this.skipSpace()
        if (this.text[this.pos] === "}") {
            this.pos++
            return result
        }
        for (;;) {
            this.skipSpace()
            if (this.text[this.pos] !== '"') {
                if (this.text[this.pos] === "}")
                    this.fail("trailing comma before '}'")
                this.fail(
                    "expected a key in double quotes, found " +
                        this.describeHere()
                )
            }
            const keyAt = this.pos
            const key = this.readString()
            if (Object.prototype.hasOwnProperty.call(result, key))
                this.fail("duplicate key " + JSON.stringify(key), keyAt)
            this.skipSpace()
            this.expect(":", "':' after the key")
            this.skipSpace()
            Object.defineProperty(result, key, {
                value: this.readValue(),
                enumerable: true,
                writable: true,
                configurable: true,
            })
            this.skipSpace()
            if (this.atEnd())
                this.fail(
                    "unexpected end of file inside the object opened here",
                    start
                )
            if (this.text[this.pos] === "}") {
                this.pos++
                return result
            }
            this.expect(",", "',' or '}' after a value")
        }
    }

    private readArray(): JsonValue[] {
        const start = this.pos
        this.pos++ // "["
        const result: JsonValue[] = []
        this.skipSpace()
        if (this.text[this.pos] === "]") {
            this.pos++
            return result
        }
        for (;;) {
            this.skipSpace()
            if (this.text[this.pos] === "]")
                this.fail("trailing comma before ']'")
            result.push(this.readValue())
            this.skipSpace()
            if (this.atEnd())
                this.fail(
                    "unexpected end of file inside the array opened here",
                    start
                )
            if (this.text[this.pos] === "]") {
                this.pos++
                return result
            }
            this.expect(",", "',' or ']' after a value")
        }
    }

    private readString(): string {
        const start = this.pos
        this.pos++ // opening quote
        let out = ""
        for (;;) {
            if (this.atEnd()) this.fail("unterminated string", start)
            const ch = this.text[this.pos]
            if (ch === '"') {
                this.pos++
                return out
            }
            if (ch.charCodeAt(0) < 0x20)
                this.fail("line break or control character inside a string")
            if (ch !== "\\") {
                out += ch
                this.pos++
                continue
            }
            const esc = this.text[this.pos + 1]
            const simple = SIMPLE_ESCAPES[esc]
            if (simple !== undefined) {
                out += simple
                this.pos += 2
            } else if (esc === "u") {
                const hex = this.text.slice(this.pos + 2, this.pos + 6)
                if (!/^[0-9a-fA-F]{4}$/.test(hex))
                    this.fail("\\u must be followed by four hex digits")
                out += String.fromCharCode(parseInt(hex, 16))
                this.pos += 6
            } else {
                this.fail(
                    "unknown escape \\" +
                        (esc === undefined ? "" : esc) +
                        " in a string"
                )
            }
        }
    }

    private readNumber(): number {
        const start = this.pos
        const match = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y
        match.lastIndex = start
        const found = match.exec(this.text)
        if (!found || found[0] === "-") this.fail("malformed number")
        this.pos = start + found[0].length
        // "01" or "1." or "1e": the grammar stopped early and a digit or dot follows.
        const next = this.text[this.pos]
        if (next !== undefined && /[0-9.eE+-]/.test(next))
            this.fail("malformed number", start)
        const value = Number(found[0])
        if (!Number.isFinite(value))
            this.fail("number " + found[0] + " is too large", start)
        return value
    }
}

const SIMPLE_ESCAPES: { [esc: string]: string } = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    b: "\b",
    f: "\f",
    n: "\n",
    r: "\r",
    t: "\t",
}
