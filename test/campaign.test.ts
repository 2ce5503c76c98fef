// The short campaign, in every npm test (fixed seeds: the same result on every run): the whole fault
// x state matrix on the host controller, a short soak, restarts at every half second of a session in
// each state, a restart in the middle of every kind of flash write, and a few thousand fuzzed inputs.
// The long runs are npm run soak / matrix / fuzz (docs/campaign.md).

import { describe, expect, it } from "vitest"
import { DEADMAN_STOP_MS } from "../src/control/limits"
import { runMatrixCase, strikeTimeS } from "../sim/campaign/matrix"
import { MATRIX_FAULTS, MATRIX_STATES } from "../sim/campaign/matrixCases"
import { runSession } from "../sim/campaign/session"
import {
    fuzzConsoleLines,
    fuzzScenarios,
    fuzzStoredRecords,
} from "../sim/campaign/fuzzHost"
import { restartSweep } from "../sim/campaign/restarts"
import { runSoakSession } from "../sim/campaign/soakSessions"
import { tornWriteCounts } from "../sim/campaign/tornWrites"

const SEED = 20261202
const SHORT_SOAK_SESSIONS = 120
const CAMPAIGN_TIMEOUT_MS = 120_000

describe("the short campaign", () => {
    it(
        "the fault x state matrix: every case reacts as the fault table says",
        async () => {
            const failed: string[] = []
            for (const state of MATRIX_STATES) {
                const tI = strikeTimeS(state)
                for (const fault of MATRIX_FAULTS) {
                    const r = await runMatrixCase(state, fault, tI)
                    if (!r.pass)
                        failed.push(
                            `${r.fault} in ${r.state}: ${r.problems.join("; ")}`
                        )
                }
            }
            expect(failed).toEqual([])
        },
        CAMPAIGN_TIMEOUT_MS
    )

    it(
        `a short soak: ${SHORT_SOAK_SESSIONS} random sessions break no rule`,
        () => {
            const broken: string[] = []
            for (let i = 0; i < SHORT_SOAK_SESSIONS; i++) {
                const o = runSoakSession(SEED, i, null)
                if (o.rules.length > 0)
                    broken.push(
                        `session ${i} (npm run soak -- --sessions ${i + 1} --seed ${SEED}): ${[...new Set(o.rules)].join(", ")}`
                    )
            }
            expect(broken).toEqual([])
        },
        CAMPAIGN_TIMEOUT_MS
    )

    it(
        "restarts every half second in every state break no rule",
        () => {
            const r = restartSweep(0.5)
            expect(r.runs).toBeGreaterThan(300)
            expect(r.broken).toEqual([])
        },
        CAMPAIGN_TIMEOUT_MS
    )

    it("a restart in the middle of a flash write never leaves a broken record read as good", () => {
        for (const c of tornWriteCounts(SEED, 20)) {
            expect(c.broken, c.kind).toBe(0)
            expect(c.refused, c.kind).toBeGreaterThan(0)
            expect(c.readOld + c.readNew, c.kind).toBeGreaterThan(0)
        }
    })

    it("a restart in the middle of a write of the record a restart must not forget never loses it", () => {
        const kept = tornWriteCounts(SEED, 40).find(c => c.slots === 2)
        expect(kept?.kind).toMatch(/^kept/)
        // Every flash the campaign writes from, every cut: the old record or the new one, or a
        // refusal on a table whose first write was cut; nothing stored only on a table never written.
        expect(kept?.lost).toBe(0)
        expect(kept?.broken).toBe(0)
        expect(kept?.readNothing).toBeGreaterThan(0)
        expect(kept?.readOld).toBeGreaterThan(kept?.refused ?? 0)
    })

    it("fuzzed inputs end in a clear refusal or are taken with every value in range", () => {
        const counts = [
            fuzzScenarios(SEED, 150),
            fuzzConsoleLines(SEED, 3000),
            ...fuzzStoredRecords(SEED, 500),
        ]
        for (const c of counts) {
            expect(c.failures, c.input).toEqual([])
            expect(c.refused, c.input).toBeGreaterThan(0)
        }
    })

    it("the figures measure what they say: a grip let go while moving deeper", () => {
        const r = runSession({
            durationS: 60,
            settings: { progression: false, maxAngleDeg: 60 },
            events: [
                { t: 0, set: { latch: true, deadman: true } },
                { t: 1, set: { down: true } },
                { t: 8, set: { deadman: false } },
            ],
        })
        expect(r.violations).toEqual([])
        expect(r.figures.gripStopMs).toBeGreaterThan(0)
        expect(r.figures.gripStopMs).toBeLessThanOrEqual(DEADMAN_STOP_MS)
        expect(r.figures.homeAfterLetGoS).toBeGreaterThan(r.figures.graceS)
        expect(r.figures.deeperRateRatio).toBeGreaterThan(0.9)
    })
})
