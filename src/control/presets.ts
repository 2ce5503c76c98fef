// The PRESET button's choice: the next preset of PRESETS_DEG that the effective limit allows.

import { PRESETS_DEG } from "./limits"

/** Presets closer than this to the reference count as "here", not as the next one. */
const SAME_PRESET_DEG = 0.5

/**
 * The next allowed preset deeper than `fromDeg` (where the table is heading or would stop); after
 * the deepest allowed one it wraps to the shallowest (flat). NaN when no preset is allowed.
 */
export function nextPresetDeg(
    fromDeg: number,
    effectiveMaxDeg: number
): number {
    let first = NaN
    for (const p of PRESETS_DEG) {
        if (p > effectiveMaxDeg) break
        if (isNaN(first)) first = p
        if (p > fromDeg + SAME_PRESET_DEG) return p
    }
    return first
}
