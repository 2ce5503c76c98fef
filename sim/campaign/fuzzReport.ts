// Fuzz counts as lines for the terminal and docs/campaign.md.

import { FuzzCount } from "./fuzzHost"

export function fuzzLines(counts: FuzzCount[]): string[] {
    const lines = [
        "| input | tried | refused | taken as valid | failures |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (const c of counts)
        lines.push(
            `| ${c.input} | ${c.tried} | ${c.refused} | ${c.accepted} | ${c.failures.length === 0 ? "0" : "**" + c.failures.length + "**: " + c.failures.join("; ").replace(/\|/g, "\\|")} |`
        )
    return lines
}
