// `npm run fuzz:service [-- --packets N] [--seed S] [--docs]`: random and malformed packets into the
// table's service, served by the firmware in the DeviceScript VM (fuzzVm.ts). The VM's bus port is
// fixed: run it alone, or in a network namespace of its own. Exit 1 on a failure.

import { parseOptions, withUsage } from "./args"
import { writeSection } from "./docsSection"
import { fuzzService } from "./fuzzVm"

const USAGE =
    "npm run fuzz:service [-- --packets N] [--gap-ms G] [--seed S] [--docs]"

async function main(): Promise<number> {
    const o = parseOptions(process.argv.slice(2), {
        packets: { kind: "int", min: 1 },
        "gap-ms": { kind: "int", min: 0 },
        seed: { kind: "int" },
        docs: { kind: "flag" },
    })
    const n = (o.packets as number | undefined) ?? 2000
    const seed = (o.seed as number | undefined) ?? 20261202
    const gapMs = (o["gap-ms"] as number | undefined) ?? 5
    const r = await fuzzService(seed, n, gapMs)
    const lines = [
        `\`npm run fuzz:service -- --packets ${n} --gap-ms ${gapMs} --seed ${seed}\`: ${r.tried} packets, one every ${gapMs} ms, into the firmware in the VM, ` +
            `the table idle at home out of service mode; ${r.refusedEvents} refused with the service's refused event, ` +
            `${r.commandsRun} commands run (its commands_run register); the firmware's longest tick step ${r.longestTickStepMs} ms; ` +
            `afterwards every setting as it was, the table idle without a fault, no restart: ` +
            (r.failures.length === 0
                ? "all held"
                : "**failed**: " + r.failures.join("; ")) +
            (r.notJudged ? ` (${r.notJudged})` : "") +
            ".",
    ]
    process.stdout.write(lines.join("\n") + "\n")
    if (o.docs === true)
        writeSection(`fuzz-service-${gapMs}ms`, lines.join("\n"))
    return r.failures.length === 0 ? 0 : 1
}

withUsage(USAGE, main)
