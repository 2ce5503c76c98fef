// docs/faults.md, rendered from the fault table (src/control/faultTable.ts): the table is the one
// place a fault's meaning is written; this page shows it, and test/docs.test.ts checks that the page
// in the repository is what this renders (`npm run docs` writes it).

import {
    ALLOW_ALL,
    ALLOW_HELPER_UP,
    ALLOW_NOTHING,
    ALLOW_TOWARD_HOME,
    FAULT_TABLE,
    NO_RATE_CAP_DPS,
} from "../../src/control/faultTable"

const LEVEL_WORDS: Record<number, string> = {
    [ALLOW_NOTHING]: "nothing moves the table",
    [ALLOW_HELPER_UP]: "only UP held",
    [ALLOW_TOWARD_HOME]: "every move toward home",
    [ALLOW_ALL]: "everything",
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ")
}

export function renderFaultsDoc(): string {
    const lines: string[] = []
    lines.push("# Faults")
    lines.push("")
    lines.push(
        "Generated from the fault table, `src/control/faultTable.ts` (`npm run docs` writes this page;"
    )
    lines.push(
        "a test checks that it is up to date). A fault stops the motor in the tick it is raised in; it"
    )
    lines.push(
        "stays until its condition has gone and STOP is pressed where the table says. When several are"
    )
    lines.push(
        "active, every limit of each applies: the strictest level, the lowest rate cap, open-loop if any."
    )
    lines.push("")
    lines.push(
        "| fault | bit | kind | raised when | what it still allows | gone when | cleared by STOP | kept over a restart | meaning |"
    )
    lines.push("|---|---|---|---|---|---|---|---|---|")
    FAULT_TABLE.forEach((row, bit) => {
        lines.push(
            "| " +
                [
                    "`" + row.name + "`",
                    String(bit),
                    row.kind,
                    cell(row.raisedWhen),
                    cell(row.allowsText),
                    cell(row.goneWhen),
                    row.clearedAt === "home" ? "at home" : "anywhere",
                    row.survivesRestart ? "yes" : "no",
                    cell(row.meaning),
                ].join(" | ") +
                " |"
        )
    })
    lines.push("")
    lines.push(
        "In short, what each allows while active (before any relaxing condition):"
    )
    lines.push("")
    lines.push("| fault | level | rate cap | open-loop |")
    lines.push("|---|---|---|---|")
    for (const row of FAULT_TABLE)
        lines.push(
            "| `" +
                row.name +
                "` | " +
                LEVEL_WORDS[row.allows] +
                " | " +
                (row.rateCapDps >= NO_RATE_CAP_DPS
                    ? "the settings'"
                    : row.rateCapDps + " deg/s") +
                " | " +
                (row.openLoop ? "yes" : "no") +
                " |"
        )
    lines.push("")
    return lines.join("\n")
}
