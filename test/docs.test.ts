// The project's own docs (docs/) stay true to the code: the generated pages are up to date, the
// settings table of docs/behaviour.md is the schema's, and every document the code, the tests and the
// docs name is in the repository.

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { SETTINGS_SCHEMA, rangeText } from "../src/control/settings"
import { GENERATED_DOCS } from "../sim/docs/write"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

function read(rel: string): string {
    return fs.readFileSync(path.join(ROOT, rel), "utf8")
}

function filesUnder(rel: string, ext: RegExp): string[] {
    const out: string[] = []
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(path.join(ROOT, dir), {
            withFileTypes: true,
        })) {
            const p = path.join(dir, e.name)
            if (e.isDirectory()) walk(p)
            else if (ext.test(e.name)) out.push(p)
        }
    }
    walk(rel)
    return out
}

describe("the docs", () => {
    it.each(GENERATED_DOCS.map(d => [d.file, d]))(
        "%s is what its generator renders (npm run docs)",
        (_file, doc) => {
            expect(read(doc.file)).toBe(doc.render())
        }
    )

    it("docs/behaviour.md lists every user setting with the schema's range and default", () => {
        const text = read("docs/behaviour.md")
        for (const spec of SETTINGS_SCHEMA.filter(s => s.group === "user")) {
            const row = text
                .split("\n")
                .find(l => l.startsWith("| " + spec.key + " |"))
            expect(row, spec.key).toBeDefined()
            const cells = row!.split("|").map(c => c.trim())
            expect(cells[2].replace("²", "^2"), spec.key).toBe(rangeText(spec))
            expect(cells[3], spec.key).toBe(String(spec.defaultValue))
        }
    })

    it("every document named in code, tests and docs is in the repository", () => {
        const sources = [
            ...filesUnder("src", /\.(ts|mjs)$/),
            ...filesUnder("sim", /\.(ts|mjs|cjs)$/),
            ...filesUnder("test", /\.(ts|mjs)$/),
            ...filesUnder("docs", /\.md$/),
            "README.md",
        ]
        const known = new Set([
            ...filesUnder("docs", /\.md$/).map(f => path.basename(f)),
            ...filesUnder("services", /\.md$/).map(f => path.basename(f)),
            "README.md",
            // the firmware build's own output (.devicescript/bin/), named in docs/platform.md: a file
            // devs build writes, not a document of the project
            ["bytecode-sizes", "md"].join("."),
        ])
        const missing: string[] = []
        for (const file of sources)
            for (const m of read(file).matchAll(/[A-Za-z0-9_-]+\.md\b/g))
                if (!known.has(m[0])) missing.push(file + ": " + m[0])
        expect(missing).toEqual([])
    })

    it("every relative link of the README and the docs leads to a file", () => {
        const broken: string[] = []
        for (const file of ["README.md", ...filesUnder("docs", /\.md$/)]) {
            for (const m of read(file).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
                const target = m[1]
                if (/^[a-z]+:/.test(target)) continue
                if (!fs.existsSync(path.join(ROOT, path.dirname(file), target)))
                    broken.push(file + ": " + target)
            }
        }
        expect(broken).toEqual([])
    })
})
