// hostTickUs: one Controller.step on the host, in microseconds: the tick session's recorded inputs
// replayed through fresh controllers, each step timed with performance.now(); the first passes warm
// the code up and are not counted. Each tick's time is its median over the passes (a busy machine
// delays some); median and p95 over the ticks.

import { Controller } from "../../src/control/controller"
import { acknowledgedTableStart } from "../../src/control/exercise"
import { recordHostSteps } from "../firmware/replay"
import { tickSession } from "./scenarios"
import { median, quantile } from "./stats"

const WARM_UP_PASSES = 5
const PASSES = 30

export function hostTickUs(): { median: number; p95: number; ticks: number } {
    const s = tickSession()
    const steps = recordHostSteps(s)
    const times: number[][] = steps.map(() => [])
    for (let pass = 0; pass < WARM_UP_PASSES + PASSES; pass++) {
        const c = new Controller(
            s.settings,
            null,
            null,
            acknowledgedTableStart()
        )
        for (let k = 0; k < steps.length; k++) {
            const t0 = performance.now()
            c.step(steps[k].inputs, steps[k].nowMs)
            const us = (performance.now() - t0) * 1000
            if (pass >= WARM_UP_PASSES) times[k].push(us)
        }
    }
    const perTick = times.map(median)
    return {
        median: median(perTick),
        p95: quantile(perTick, 0.95),
        ticks: perTick.length,
    }
}
