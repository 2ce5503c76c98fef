// Every shipped scenario gives, byte for byte, the trace recorded in
// test/fixtures/scenario-trace-digests.json (see test/fixtures/traceDigests.ts): a change meant to
// leave the behaviour alone (a faster simulator, a reshaped controller) must not move one byte.

import * as fs from "node:fs"
import { describe, expect, it } from "vitest"
import {
    DIGESTS_FILE,
    shippedScenarios,
    traceDigest,
} from "./fixtures/traceDigests"

const recorded = JSON.parse(fs.readFileSync(DIGESTS_FILE, "utf8")) as Record<
    string,
    { sha256: string; bytes: number }
>

describe("the trace of every shipped scenario is unchanged", () => {
    it("has a recorded digest for each shipped scenario, and none for a scenario that is gone", () => {
        expect(Object.keys(recorded).sort()).toEqual(shippedScenarios())
    })

    for (const file of shippedScenarios())
        it(file, () => {
            expect(traceDigest(file)).toEqual(recorded[file])
        })
})
