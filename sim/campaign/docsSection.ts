// The campaign's generated parts of docs/campaign.md: each between a pair of markers
//     <!-- campaign:NAME -->  ...  <!-- /campaign:NAME -->
// written by the script that measured it; the prose around them is the document's own.

import * as fs from "node:fs"
import * as path from "node:path"
import { REPO_ROOT } from "../firmware/paths"

export const CAMPAIGN_DOC = path.join(REPO_ROOT, "docs", "campaign.md")

export function sectionOf(doc: string, name: string): string | null {
    const open = `<!-- campaign:${name} -->`
    const close = `<!-- /campaign:${name} -->`
    const a = doc.indexOf(open)
    const b = doc.indexOf(close)
    if (a < 0 || b < a) return null
    return doc.slice(a + open.length, b).trim()
}

/** Replaces one generated section of the campaign document (which must have its markers). */
export function writeSection(
    name: string,
    body: string,
    file = CAMPAIGN_DOC
): void {
    const doc = fs.readFileSync(file, "utf8")
    const open = `<!-- campaign:${name} -->`
    const close = `<!-- /campaign:${name} -->`
    const a = doc.indexOf(open)
    const b = doc.indexOf(close)
    if (a < 0 || b < a)
        throw new Error(`${file} has no section ${open} ... ${close}`)
    const next =
        doc.slice(0, a + open.length) +
        "\n\n" +
        body.trim() +
        "\n\n" +
        doc.slice(b)
    fs.writeFileSync(file, next)
}
