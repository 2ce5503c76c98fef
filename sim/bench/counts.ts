// Counted on the host, per controller tick, over every shipped scenario, by the controller's state
// in that tick. Run as child processes of the bench, which print JSON:
//   node --jitless --expose-gc --max-semi-space-size=64 --import tsx sim/bench/counts.ts calls|alloc
// V8 runs without its compilers (--jitless): an optimising compiler removes some allocations and
// inlines calls, depending on what it saw; interpreted, every call and every object the code
// makes is there, as in DeviceScript's interpreter. The figures are counts, not times.
//
//   callsPerTick   calls of functions defined in src/control during one Controller.step, from
//                  V8's precise coverage with call counts (the inspector's Profiler domain): it
//                  counts every call of every function (methods, constructors, module functions,
//                  closures), not the built-ins (Math.*, Array methods) and not the compiler's own
//                  helpers (names starting with "__"). Sampled: every SAMPLE_EVERY-th tick; the
//                  worst state is the one with the most calls in a tick.
//   allocPerTick   bytes allocated on the JavaScript heap during one Controller.step: the new
//                  space's used size (v8.getHeapSpaceStatistics) just before and just after the
//                  step, less the same pair around an empty call (what the reading itself
//                  allocates); a young generation of 64 MB keeps scavenges rare, and a tick during
//                  which one ran (the size went down) is left out. Every tick; the worst state is
//                  the one with the highest median. These are V8's object sizes (8-byte words),
//                  not the DeviceScript heap's; a tick without allocations reads 0 either way.

import { Session } from "node:inspector"
import * as v8 from "node:v8"
import { Controller } from "../../src/control/controller"
import { Inputs, Outputs, StateName } from "../../src/control/types"
import { runScenario } from "../run"
import { Scenario } from "../scenario"
import { shippedScenarios } from "./scenarios"
import { median, quantile } from "./stats"

const SAMPLE_EVERY = 23

export interface PerState {
    ticks: number
    median: number
    p95: number
    max: number
}

export interface Counts {
    callsPerTick: {
        worst: number
        worstState: string
        byState: Record<string, PerState>
        sampledTicks: number
    }
    allocPerTick: {
        worstBytes: number
        worstState: string
        byState: Record<string, PerState>
        measuredTicks: number
        method: string
    }
}

type Step = (this: Controller, inputs: Inputs, nowMs: number) => Outputs

/** Runs every scenario with `around` wrapped round each Controller.step. */
function withStepWrapped(
    scenarios: Scenario[],
    around: (step: () => Outputs) => Outputs
): void {
    const original = Controller.prototype.step as Step
    Controller.prototype.step = function (inputs: Inputs, nowMs: number) {
        return around(() => original.call(this, inputs, nowMs))
    }
    try {
        for (const s of scenarios) runScenario(s, () => {})
    } finally {
        Controller.prototype.step = original
    }
}

function summarizeByState(
    samples: Map<StateName, number[]>
): Record<string, PerState> {
    const out: Record<string, PerState> = {}
    for (const [state, xs] of samples)
        out[state] = {
            ticks: xs.length,
            median: median(xs),
            p95: quantile(xs, 0.95),
            max: Math.max(...xs),
        }
    return out
}

/** The state with the highest `of` (its max for counts, which are exact; its median for bytes). */
function worstOf(
    byState: Record<string, PerState>,
    of: "max" | "median"
): { worst: number; worstState: string } {
    let worst = -Infinity
    let worstState = ""
    for (const [state, p] of Object.entries(byState))
        if (p[of] > worst) {
            worst = p[of]
            worstState = state
        }
    return { worst, worstState }
}

function add(map: Map<StateName, number[]>, state: StateName, x: number) {
    let xs = map.get(state)
    if (!xs) map.set(state, (xs = []))
    xs.push(x)
}

function allocations(scenarios: Scenario[]): Counts["allocPerTick"] {
    const spaces = v8.getHeapSpaceStatistics()
    const newSpace = spaces.findIndex(s => s.space_name === "new_space")
    const used = () => v8.getHeapSpaceStatistics()[newSpace].space_used_size
    const noop = () => null
    // What reading the size allocates by itself (its array of records).
    const overheads: number[] = []
    for (let i = 0; i < 200; i++) {
        const a = used()
        noop()
        overheads.push(used() - a)
    }
    const overhead = median(overheads)
    ;(globalThis as { gc?: () => void }).gc?.()
    const samples = new Map<StateName, number[]>()
    let measured = 0
    withStepWrapped(scenarios, step => {
        const before = used()
        const out = step()
        const bytes = used() - before - overhead
        if (bytes >= 0) {
            add(samples, out.state, bytes)
            measured++
        }
        return out
    })
    const byState = summarizeByState(samples)
    const { worst, worstState } = worstOf(byState, "median")
    return {
        worstBytes: worst,
        worstState,
        byState,
        measuredTicks: measured,
        method: "V8 (--jitless) new-space bytes around each Controller.step (v8.getHeapSpaceStatistics), less the reading's own; every tick of every shipped scenario",
    }
}

function calls(scenarios: Scenario[]): Counts["callsPerTick"] {
    const session = new Session()
    session.connect()
    // The inspector answers a same-thread session synchronously.
    let reply: { result: ScriptCoverage[] } | null = null
    const post = (method: string, params: object = {}) => {
        reply = null
        session.post(method, params, (e, r) => {
            if (e) throw e
            reply = r as { result: ScriptCoverage[] }
        })
        return reply as { result: ScriptCoverage[] } | null
    }
    post("Profiler.enable")
    post("Profiler.startPreciseCoverage", { callCount: true, detailed: false })
    const samples = new Map<StateName, number[]>()
    let tick = 0
    let sampled = 0
    try {
        withStepWrapped(scenarios, step => {
            if (tick++ % SAMPLE_EVERY !== 0) return step()
            post("Profiler.takePreciseCoverage") // resets the counts
            const out = step()
            const taken = post("Profiler.takePreciseCoverage")
            if (taken === null) throw new Error("no coverage taken")
            add(samples, out.state, controlCalls(taken.result))
            sampled++
            return out
        })
    } finally {
        post("Profiler.stopPreciseCoverage")
        session.disconnect()
    }
    const byState = summarizeByState(samples)
    return { ...worstOf(byState, "max"), byState, sampledTicks: sampled }
}

interface ScriptCoverage {
    url: string
    functions: {
        functionName: string
        ranges: { count: number }[]
    }[]
}

/** Calls of src/control's own functions in a coverage taken since the last. */
function controlCalls(scripts: ScriptCoverage[]): number {
    let n = 0
    for (const script of scripts) {
        if (!/\/src\/control\/[^/]+\.ts$/.test(script.url.split("?")[0]))
            continue
        for (const fn of script.functions) {
            // The module's own top level, and the compiler's helpers, are not the controller's calls.
            if (fn.functionName === "" || fn.functionName.startsWith("__"))
                continue
            n += fn.ranges[0].count
        }
    }
    return n
}

export type CountKind = "calls" | "alloc"

export function count(kind: CountKind): Counts[keyof Counts] {
    const scenarios = shippedScenarios().map(x => x.s)
    return kind === "calls" ? calls(scenarios) : allocations(scenarios)
}

if (process.argv[1]?.endsWith("counts.ts")) {
    const kind = process.argv[2]
    if (kind !== "calls" && kind !== "alloc") {
        process.stderr.write("usage: counts.ts calls|alloc\n")
        process.exit(2)
    }
    process.stdout.write(JSON.stringify(count(kind)) + "\n")
}
