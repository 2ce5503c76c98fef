// `npm run matrix [-- --firmware] [--docs]`: the fault x state matrix on the host controller (every
// case), or with --firmware its representative part through the firmware in the VM (real time, about
// 20 s a case; run it in a network namespace of its own beside other VM runs: the bus port is
// fixed). Prints the table; --docs writes it into docs/campaign.md. Exit 1 when a case fails.

import { parseOptions, withUsage } from "./args"
import { writeSection } from "./docsSection"
import { MatrixRow } from "./matrix"
import {
    matrixTable,
    pairsList,
    runFirmwareMatrix,
    runHostMatrix,
} from "./matrixRun"

const USAGE = "npm run matrix [-- --firmware] [--docs]"

async function main(): Promise<number> {
    const o = parseOptions(process.argv.slice(2), {
        firmware: { kind: "flag" },
        docs: { kind: "flag" },
    })
    const firmware = o.firmware === true
    const progress = (r: MatrixRow) =>
        process.stderr.write(
            `${r.pass ? "pass" : "FAIL"}  ${r.fault} in ${r.state}\n`
        )
    const rows = firmware
        ? await runFirmwareMatrix(progress)
        : await runHostMatrix(progress)
    const failed = rows.filter(r => !r.pass && r.problems.length > 0).length
    const notJudged = rows.filter(
        r => !r.pass && r.problems.length === 0
    ).length
    const summary =
        `${rows.length} cases${firmware ? " through the firmware in the VM" : " on the host controller"}, ${failed} failed` +
        (notJudged > 0
            ? `, ${notJudged} not judged (the machine did not keep time)`
            : "") +
        "."
    const table = matrixTable(rows)
    process.stdout.write(summary + "\n\n" + table + "\n")
    if (o.docs === true) {
        writeSection(
            firmware ? "matrix-firmware" : "matrix",
            summary + "\n\n" + table
        )
        if (!firmware) writeSection("pairs", pairsList())
    }
    return failed === 0 && notJudged === 0 ? 0 : 1
}

withUsage(USAGE, main)
