// The pure modules of src/hw/ must stay free of @devicescript imports: the host tests them, and
// the firmware's device modules are the only place that talks to DeviceScript. (The controller in
// src/control/ is held to the same rule by its own tests.)

import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const HW = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    "..",
    "src",
    "hw"
)

/** Pure: logic and data only. Everything else in src/hw/ is a device adapter. */
const PURE = [
    "checksum.ts",
    "framedRecord.ts",
    "debounce.ts",
    "imuSource.ts",
    "i2cTransport.ts",
    "motorWrites.ts",
    "mpu6050.ts",
    "settingsCodec.ts",
    "keptCodec.ts",
    "progressCodec.ts",
    "sessionCodec.ts",
    "signals.ts",
    "simImuSamples.ts",
    "tickLine.ts",
]

function imports(file: string): string[] {
    const text = fs.readFileSync(path.join(HW, file), "utf8")
    const out: string[] = []
    for (const m of text.matchAll(/^\s*import\s[^"']*["']([^"']+)["']/gm))
        out.push(m[1])
    return out
}

describe("src/hw purity", () => {
    it("pure modules import nothing from DeviceScript, only other pure modules and src/control", () => {
        for (const file of PURE) {
            for (const spec of imports(file)) {
                expect(spec, file).not.toMatch(/@devicescript|@dsboard/)
                if (spec.startsWith("./"))
                    expect(PURE, `${file} imports ${spec}`).toContain(
                        spec.slice(2) + ".ts"
                    )
                else expect(spec, file).toMatch(/^\.\.\/control\//)
            }
        }
    })

    it("every file of src/hw is either listed as pure or is a device adapter", () => {
        // An adapter talks to DeviceScript itself or through another adapter of src/hw/.
        for (const file of fs.readdirSync(HW)) {
            if (PURE.includes(file)) continue
            const specs = imports(file)
            const device = specs.some(
                spec =>
                    /^@devicescript\//.test(spec) ||
                    (spec.startsWith("./") &&
                        !PURE.includes(spec.slice(2) + ".ts"))
            )
            expect(
                device,
                `${file} is neither pure nor a DeviceScript adapter`
            ).toBe(true)
        }
    })
})
