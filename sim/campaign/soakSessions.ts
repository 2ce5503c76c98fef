// The soak's work on one thread: sessions i = first, first + step, ... below count, each run,
// checked and measured; a session that breaks a rule is shrunk and saved as a scenario file that
// `npm run sim` replays.

import * as fs from "node:fs"
import * as path from "node:path"
import { runSession, shrunkSession, SoakKind, soakSession } from "./session"
import { SessionOutcome } from "./soakTally"

export interface SoakSlice {
    seed: number
    count: number
    first: number
    step: number
    /** where violations are saved; null: not saved */
    outDir: string | null
    kind: SoakKind
}

export function runSoakSession(
    seed: number,
    i: number,
    outDir: string | null,
    kind: SoakKind = "mixed"
): SessionOutcome {
    const r = runSession(soakSession(seed, i, kind), `soak-${seed}-${i}.json`)
    const rules = r.violations.map(v => v.rule)
    let savedAs: string | null = null
    if (rules.length > 0 && outDir !== null) {
        const shrunk = shrunkSession(seed, i, kind) as Record<string, unknown>
        const again = runSession(shrunk).violations
        const scenario = {
            ...shrunk,
            name: `${kind === "ramps" ? "ramps soak" : "soak"} seed ${seed} session ${i} (shrunk): ${again
                .slice(0, 3)
                .map(v => `${v.rule} at ${v.tS} s: ${v.detail}`)
                .join("; ")}`,
        }
        fs.mkdirSync(outDir, { recursive: true })
        savedAs = path.join(
            outDir,
            `${kind === "ramps" ? "ramps" : "soak"}-${seed}-${i}.json`
        )
        fs.writeFileSync(savedAs, JSON.stringify(scenario, null, 2) + "\n")
    }
    return { i, rules, figures: r.figures, savedAs }
}

export function runSoakSlice(
    slice: SoakSlice,
    onOutcome: (o: SessionOutcome) => void
): void {
    for (let i = slice.first; i < slice.count; i += slice.step)
        onOutcome(runSoakSession(slice.seed, i, slice.outDir, slice.kind))
}
