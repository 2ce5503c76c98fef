// `npm run docs`: writes the generated pages of docs/ (faults.md from the fault table, sounds.md from the buzzer's patterns).

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { renderFaultsDoc } from "./faultsDoc"
import { renderSoundsDoc } from "./soundsDoc"

const ROOT = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    "..",
    ".."
)

export const GENERATED_DOCS: { file: string; render: () => string }[] = [
    { file: path.join("docs", "faults.md"), render: renderFaultsDoc },
    { file: path.join("docs", "sounds.md"), render: renderSoundsDoc },
]

if (
    process.argv[1] &&
    fileURLToPath(import.meta.url) === path.resolve(process.argv[1])
) {
    for (const doc of GENERATED_DOCS) {
        fs.writeFileSync(path.join(ROOT, doc.file), doc.render())
        console.log("wrote " + doc.file)
    }
}
