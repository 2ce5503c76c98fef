// The soak's figures in words: the lines `npm run soak` prints and writes into docs/campaign.md.

import * as path from "node:path"
import {
    DEADMAN_STOP_MS,
    HARD_MAX_RATE_DPS,
    OVERSPEED_MARGIN_DPS,
    OVERTRAVEL_DEEP_MARGIN_DEG,
} from "../../src/control/limits"
import { RATE_TRACKING_TOLERANCE_DPS } from "../check"
import { SoakTally } from "./soakTally"

export interface SoakMeta {
    seed: number
    jobs: number
    elapsedS: number
    command: string
    machine: string
}

function n(x: number, digits: number): string {
    return Number.isFinite(x) ? x.toFixed(digits) : "none seen"
}

export function sessionsPerMinute(t: SoakTally, m: SoakMeta): number {
    return m.elapsedS > 0 ? (t.sessions / m.elapsedS) * 60 : 0
}

export function soakLines(t: SoakTally, m: SoakMeta): string[] {
    const w = t.worst
    const at = (name: keyof typeof t.worstAt) =>
        t.worstAt[name] === undefined ? "" : ` (session ${t.worstAt[name]})`
    const rules = [...t.ruleCounts.entries()]
        .map(([rule, count]) => `${rule} ${count}`)
        .join(", ")
    const lines = [
        `- command: \`${m.command}\``,
        `- seed ${m.seed}, ${t.sessions} sessions, ${m.jobs} worker threads, ${n(m.elapsedS, 0)} s on ${m.machine}: ` +
            `${n(sessionsPerMinute(t, m), 0)} sessions per minute`,
        `- sessions that broke a contract rule: ${t.failed.length}` +
            (t.failed.length > 0 ? ` (${rules})` : ""),
    ]
    for (const f of t.failed.slice(0, 10))
        lines.push(
            `  - session ${f.i}: ${[...new Set(f.rules)].join(", ")}` +
                (f.savedAs
                    ? `, saved as ${path.relative(process.cwd(), f.savedAs)}`
                    : "")
        )
    if (t.failed.length > 10)
        lines.push(`  - and ${t.failed.length - 10} more (every one saved)`)
    lines.push(
        `- overshoot past the cap in force: ${n(w.overshootDeg, 3)} deg${at("overshootDeg")} ` +
            `(the overtravel fault's margin: ${OVERTRAVEL_DEEP_MARGIN_DEG} deg)`,
        `- fastest rate deeper against maxRateDps: x${n(w.deeperRateRatio, 3)}${at("deeperRateRatio")}; ` +
            `toward home against returnRateDps: x${n(w.upRateRatio, 3)}${at("upRateRatio")} ` +
            `(the tracking allowance is ${RATE_TRACKING_TOLERANCE_DPS} deg/s over the setting)`,
        `- fastest rate anywhere, faults included: ${n(w.hardRateDps, 3)} deg/s${at("hardRateDps")} ` +
            `(hard limit ${HARD_MAX_RATE_DPS}, overspeed at ${HARD_MAX_RATE_DPS + OVERSPEED_MARGIN_DPS})`,
        `- longest time inverted past the session limit: ${n(w.invertedPastLimitS, 2)} s${at("invertedPastLimitS")} ` +
            `(the return home after the limit)`,
        `- longest grip-release stop (moving deeper to at rest): ${n(w.gripStopMs, 0)} ms${at("gripStopMs")} ` +
            `(limit ${DEADMAN_STOP_MS} ms)`,
        `- longest time home after letting go for good: ${n(w.homeAfterLetGoS, 2)} s${at("homeAfterLetGoS")} ` +
            `(that session's grace ${w.graceS} s, then the return and its pause)`
    )
    return lines
}
