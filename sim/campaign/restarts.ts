// Restart anywhere: each state of the matrix (matrixCases.ts) reached as a person reaches it, and a
// power cycle at every step of the session, each run held to the contract checker (its restart
// rules: nothing deeper after a restart until home, a restart away from home ends the session, the
// return home after it; the latch and grip rules through the restart).

import { checkTrace } from "../check"
import { runScenario } from "../run"
import { parseScenario } from "../scenario"
import { TraceRow } from "../trace"
import { MATRIX_SETTINGS, strikeTimeS } from "./matrix"
import { MATRIX_STATES } from "./matrixCases"

export interface SweepResult {
    runs: number
    broken: string[]
}

/** How long each state's session runs on after the state is reached. */
const AFTER_S = 15

export function restartSweep(stepS: number): SweepResult {
    const out: SweepResult = { runs: 0, broken: [] }
    for (const state of MATRIX_STATES) {
        const strikeS = strikeTimeS(state)
        const durationS = Math.ceil(strikeS + AFTER_S)
        for (let t = stepS; t < durationS - 1; t += stepS) {
            const at = Math.round(t * 50) / 50
            // The person lets go of held buttons as in the matrix's cases, 2 s after the state.
            const release =
                Object.keys(state.release).length > 0
                    ? [{ t: strikeS + 2, set: state.release }]
                    : []
            const events = [
                ...state.prefix,
                ...release,
                { t: at, fault: "power-cycle" },
            ]
                .map((e, order) => ({ e, order }))
                .sort(
                    (a, b) =>
                        (a.e as { t: number }).t - (b.e as { t: number }).t ||
                        a.order - b.order
                )
                .map(x => x.e)
            const s = parseScenario(
                JSON.stringify({
                    name: `restart at ${at} s, ${state.name}`,
                    durationS,
                    seed: 11,
                    settings: MATRIX_SETTINGS,
                    events,
                }),
                "restart.json"
            )
            const rows: TraceRow[] = []
            runScenario(s, r => rows.push(r))
            out.runs++
            const v = checkTrace(s, rows)
            if (v.length > 0 && out.broken.length < 10)
                out.broken.push(
                    `${s.name}: ${v[0].rule} at ${v[0].tS} s: ${v[0].detail}`
                )
        }
    }
    return out
}
