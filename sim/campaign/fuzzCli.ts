// `npm run fuzz [-- --count N] [--seed S] [--docs]`: fuzzes the host's boundary inputs (scenario
// files, console command lines, stored records; fuzzHost.ts) with N inputs each (the console's
// 10 N: they are cheap), prints the counts and writes them into docs/campaign.md with --docs. The
// service's packets into the firmware: `npm run fuzz:service` (fuzzVmCli.ts). Exit 1 on a failure.

import { parseOptions, withUsage } from "./args"
import { writeSection } from "./docsSection"
import { fuzzConsoleLines, fuzzScenarios, fuzzStoredRecords } from "./fuzzHost"
import { fuzzLines } from "./fuzzReport"
import { tornWriteCounts } from "./tornWrites"

const USAGE = "npm run fuzz [-- --count N] [--seed S] [--docs]"
export const DEFAULT_FUZZ_SEED = 20261202

async function main(): Promise<number> {
    const o = parseOptions(process.argv.slice(2), {
        count: { kind: "int", min: 1 },
        seed: { kind: "int" },
        docs: { kind: "flag" },
    })
    const n = (o.count as number | undefined) ?? 2000
    const seed = (o.seed as number | undefined) ?? DEFAULT_FUZZ_SEED
    const counts = [
        fuzzScenarios(seed, n),
        fuzzConsoleLines(seed, 10 * n),
        ...fuzzStoredRecords(seed, n),
    ]
    const head = `\`npm run fuzz -- --count ${n} --seed ${seed}\``
    const lines = [head, "", ...fuzzLines(counts)]
    process.stdout.write(lines.join("\n") + "\n")
    // A restart in the middle of a flash write: every cut of N / 10 writes of each record kind.
    const torn = tornWriteCounts(seed, Math.max(1, Math.round(n / 10)))
    const tornLines = [
        "| record | slots | writes | cuts | read the old | read the new | refused | nothing stored (a table never written) | lost (nothing stored where a record was) | broken, read as good |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ...torn.map(
            c =>
                `| ${c.kind} | ${c.slots} | ${c.pairs} | ${c.cuts} | ${c.readOld} | ${c.readNew} | ${c.refused} | ${c.readNothing} | ${c.lost} | ${c.broken === 0 ? "0" : "**" + c.broken + "**: " + c.brokenExamples.join(", ")} |`
        ),
    ]
    process.stdout.write("\n" + tornLines.join("\n") + "\n")
    if (o.docs === true) {
        writeSection("fuzz", lines.join("\n"))
        writeSection("torn", [head, "", ...tornLines].join("\n"))
    }
    return counts.every(c => c.failures.length === 0) &&
        torn.every(c => c.broken === 0)
        ? 0
        : 1
}

withUsage(USAGE, main)
