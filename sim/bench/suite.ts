// testSuiteS: how long each suite of `npm test` took, as its last run recorded it
// (out/test-times.json, written by test/run-all.mjs). The bench does not run the suite itself (it
// takes longer than the bench may).

import * as fs from "node:fs"
import * as path from "node:path"
import { REPO_ROOT } from "../firmware/paths"

export const TEST_TIMES_FILE = path.join(REPO_ROOT, "out", "test-times.json")

export interface SuiteTimes {
    /** when that run started */
    date: string
    /** the whole of npm test, wall clock */
    totalS: number
    /** each suite (build, lint, typecheck, device, the vitest projects and VM files), wall clock */
    suites: Record<string, number>
}

export function lastSuiteTimes(): SuiteTimes | null {
    try {
        return JSON.parse(
            fs.readFileSync(TEST_TIMES_FILE, "utf8")
        ) as SuiteTimes
    } catch {
        return null
    }
}
