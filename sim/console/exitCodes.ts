// The console's exit codes (one-shot mode) and the errors that carry them. Every error the console
// reports is one line: the message of one of these, printed as it is.
//
//   0  done
//   1  refused by the table (not in service mode, a bad value it would not take) or a calibration
//      step that was refused or failed
//   2  bad usage: unknown command, wrong type, value out of range, missing argument; nothing was sent
//   3  no table: nothing serves the bus, the table's service does not appear, it stopped answering,
//      the connection was lost

import type { TableRefusal } from "../../src/service/protocol"

export const EXIT_OK = 0
export const EXIT_REFUSED = 1
export const EXIT_USAGE = 2
export const EXIT_NO_TABLE = 3

export const EXIT_CODE_TEXT: [number, string][] = [
    [EXIT_OK, "done"],
    [
        EXIT_REFUSED,
        "refused by the table (e.g. not in service mode), or a calibration step refused or failed",
    ],
    [
        EXIT_USAGE,
        "bad usage: unknown command, wrong type or out-of-range value (nothing was sent)",
    ],
    [
        EXIT_NO_TABLE,
        "no table: nothing on the bus, the table does not answer, or the connection was lost",
    ],
]

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/g

/** One line, whatever the message held: line breaks as blanks, other control characters as \xNN. */
export function oneLine(text: string): string {
    return text
        .replace(/[\r\n]+/g, " ")
        .replace(
            CONTROL_CHARACTER,
            c => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0")
        )
        .trim()
}

export class ConsoleError extends Error {
    constructor(
        readonly exitCode: number,
        message: string
    ) {
        super(oneLine(message))
        this.name = "ConsoleError"
    }
}

/** What the user typed is wrong; nothing was sent to the table. */
export class UsageError extends ConsoleError {
    constructor(message: string) {
        super(EXIT_USAGE, message)
        this.name = "UsageError"
    }
}

/** The table refused (and said why), or a calibration step did not succeed. */
export class RefusedError extends ConsoleError {
    /** the table's refusal (its fields), when it sent one */
    readonly refusal: TableRefusal | null

    constructor(message: string, refusal: TableRefusal | null = null) {
        super(EXIT_REFUSED, message)
        this.name = "RefusedError"
        this.refusal = refusal
    }
}

/** No table, no answer, connection lost. */
export class TableError extends ConsoleError {
    constructor(message: string) {
        super(EXIT_NO_TABLE, message)
        this.name = "TableError"
    }
}
