// Sessions the proof campaign found breaking a contract rule, shrunk, kept as they were found: each
// must now hold every rule. The message of the commit that added each says what was wrong.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { runSession } from "../sim/campaign/session"

const DIR = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    "campaign-found"
)

describe("sessions the campaign found", () => {
    for (const file of fs.readdirSync(DIR).filter(f => f.endsWith(".json")))
        it(file, () => {
            const json = JSON.parse(
                fs.readFileSync(path.join(DIR, file), "utf8")
            )
            expect(runSession(json, file).violations).toEqual([])
        })
})
