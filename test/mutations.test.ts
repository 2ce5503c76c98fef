// The mutation check's list (sim/campaign/mutations.ts) stays applicable: every mutation still finds
// its line in the source. A change to the code that moves a line the list names would otherwise be
// seen only when `npm run mutate` stops on it.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { applyMutation, MUTATIONS } from "../sim/campaign/mutations"

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")

describe("the mutation list", () => {
    for (const m of MUTATIONS)
        it(`${m.id}: its line is in ${m.file} and the mutation changes it`, () => {
            const text = fs.readFileSync(path.join(ROOT, m.file), "utf8")
            const mutated = applyMutation(text, m)
            expect(mutated).not.toBe(text)
        })

    it("every id is used once", () => {
        const ids = MUTATIONS.map(m => m.id)
        expect(new Set(ids).size).toBe(ids.length)
    })
})
