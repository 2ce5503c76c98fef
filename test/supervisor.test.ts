// The whole Controller (src/control/controller.ts), state by state, with time passed in. A tiny rig
// feeds a synthetic IMU for a synthetic table: axG = sin A, azG = cos A, gyDps = the table's rate, seq
// increasing every 20 ms tick, and a small alternating gx so the readings are never frozen. The table
// follows the duty like the drive loop's own nominal motor (tuning.ts: 15 deg/s per unit of duty
// above a 0.04 deadzone), so moves progress. Each row: a setup, then steps of inputs over time with
// the state, duty sign and faults expected.

import { describe, expect, it } from "vitest"
import { Controller } from "../src/control/controller"
import {
    ProgramStart,
    acknowledgedTableStart,
    newTableStart,
} from "../src/control/exercise"
import {
    AT_HOME_TOLERANCE_DEG,
    IMU_FAULT_UP_DUTY,
    IMU_FAULT_UP_MAX_MS,
    LATCH_HELPER_RATE_DPS,
    LATCH_SETTLE_MS,
    RETURN_PAUSE_MS,
    SERVICE_ENTRY_HOLD_MS,
    SERVICE_RATE_DPS,
    SERVICE_TIMEOUT_MS,
    STUCK_BUTTON_MS,
    TICK_MS,
    WATCHDOG_LATE_MS,
} from "../src/control/limits"
import { Settings, defaultSettings } from "../src/control/settings"
import {
    MOTOR_DEADZONE_DUTY,
    MOTOR_NOMINAL_DPS_PER_DUTY,
    MOTOR_NOMINAL_TIME_CONSTANT_S,
    OPEN_LOOP_FASTEST_DPS_PER_DUTY,
    SETTLE_TOLERANCE_DEG,
} from "../src/control/tuning"
import {
    FaultName,
    ImuSample,
    Inputs,
    Outputs,
    StateName,
} from "../src/control/types"

const D2R = Math.PI / 180
const DT = TICK_MS / 1000

type Level =
    "grip" | "latch" | "up" | "down" | "stop" | "preset" | "home" | "homeSwitch"
type Levels = Record<Level, boolean>

/** How the synthetic IMU misbehaves (behaviour.md's imu triggers). */
type ImuMode =
    | "ok"
    | "stale"
    | "i2c"
    | "implausible"
    | "frozen"
    | "disagree"
    | "nan"
    | "absent"

/** The motor as the drive loop models it: no motion inside the deadzone, 15 deg/s per duty above. */
function motorRateDps(duty: number): number {
    const m =
        Math.max(0, Math.abs(duty) - MOTOR_DEADZONE_DUTY) *
        MOTOR_NOMINAL_DPS_PER_DUTY
    return duty > 0 ? m : duty < 0 ? -m : 0
}

class Rig {
    c: Controller
    t: number
    angle: number
    rate = 0
    /** a rate the table has regardless of the motor (a slipping gear) */
    driftDps = 0
    /** the gyro's scale factor (1: exact) */
    gyroScale = 1
    /** the motor: "ok", "reversed" (wired the wrong way round), "stalled" (jammed) */
    motor: "ok" | "reversed" | "stalled" = "ok"
    seq = 0
    levels: Levels
    imu: ImuMode = "ok"
    frozen: ImuSample | null = null
    last: ImuSample | null = null
    out!: Outputs
    /** the setpoint a tick ago, to measure the planned speed */
    prevSetpoint = NaN
    /** the table's largest speed and the setpoint's, since the last resetMax() */
    maxPlantDps = 0
    maxSetpointDps = 0
    /** the deepest the synthetic table has been since the last resetMax() */
    maxAngleDeg = -Infinity
    /** every tick's duty, in order */
    dutyLog: number[] = []

    constructor(
        opts: {
            settings?: Partial<Settings>
            settingsError?: string | null
            startDeg?: number
            t0?: number
            levels?: Partial<Levels>
            program?: ProgramStart
        } = {}
    ) {
        // The exercise program is off unless a row turns it on: the rows test other rules. A row
        // may give the program's start (default: a new table whose warnings are acknowledged).
        const s = {
            ...defaultSettings(),
            progression: false,
            ...(opts.settings ?? {}),
        }
        this.c = new Controller(
            s,
            opts.settingsError ?? null,
            null,
            opts.program ?? acknowledgedTableStart()
        )
        this.t = opts.t0 ?? 1000
        this.angle = opts.startDeg ?? s.homeDeg
        this.levels = {
            grip: false,
            latch: false,
            up: false,
            down: false,
            stop: false,
            preset: false,
            home: false,
            homeSwitch: false,
            ...(opts.levels ?? {}),
        }
    }

    sample(): ImuSample {
        if (this.imu === "stale" && this.last) return this.last
        this.seq++
        const a = this.angle * D2R
        let s: ImuSample = {
            ok: true,
            seq: this.seq,
            axG: Math.sin(a),
            ayG: 0,
            azG: Math.cos(a),
            gxDps: this.seq % 2 === 0 ? 0.02 : -0.02,
            gyDps: this.rate * this.gyroScale,
            gzDps: 0,
        }
        if (this.imu === "i2c") s = { ...s, ok: false }
        else if (this.imu === "implausible")
            s = { ...s, axG: 1.5 * s.axG, azG: 1.5 * s.azG }
        else if (this.imu === "nan") s = { ...s, axG: NaN }
        else if (this.imu === "disagree") {
            const b = (this.angle + 8) * D2R
            s = { ...s, axG: Math.sin(b), azG: Math.cos(b) }
        } else if (this.imu === "frozen") {
            if (!this.frozen) this.frozen = { ...s }
            s = { ...this.frozen, seq: this.seq }
        }
        if (this.imu !== "frozen") this.frozen = null
        this.last = s
        return s
    }

    /** One control tick at time t, then the table moves for one tick and the clock advances. */
    tick(extraDelayMs = 0, clockMs?: number): Outputs {
        this.t += extraDelayMs
        const inputs: Inputs = { imu: this.sample(), ...this.levels }
        if (this.imu === "absent") (inputs as any).imu = undefined
        // `clockMs`: what a broken caller's clock says this tick (the rig's own time runs on).
        this.out = this.c.step(inputs, clockMs === undefined ? this.t : clockMs)
        this.dutyLog.push(this.out.duty)
        const sp = this.out.setpointDeg
        if (!isNaN(this.prevSetpoint))
            this.maxSetpointDps = Math.max(
                this.maxSetpointDps,
                Math.abs(sp - this.prevSetpoint) / DT
            )
        this.prevSetpoint = sp
        const m = motorRateDps(this.out.duty)
        this.rate =
            (this.motor === "ok" ? m : this.motor === "reversed" ? -m : 0) +
            this.driftDps
        this.maxPlantDps = Math.max(this.maxPlantDps, Math.abs(this.rate))
        this.angle += this.rate * DT
        this.maxAngleDeg = Math.max(this.maxAngleDeg, this.angle)
        this.t += TICK_MS
        return this.out
    }

    resetMax(): void {
        this.maxPlantDps = 0
        this.maxSetpointDps = 0
        this.maxAngleDeg = -Infinity
    }
}

// ---- the table of rows ----------------------------------------------------------------------------

type DutyExpect = "+" | "-" | 0 | number
interface Expect {
    state?: StateName | StateName[]
    /** the sign ("+", "-", 0) or the exact value; a list: any of them */
    duty?: DutyExpect | DutyExpect[]
    /** exactly these faults */
    faults?: FaultName[]
    /** at least this fault */
    hasFault?: FaultName
    /** none of these faults */
    noFault?: FaultName[]
    targetDeg?: number
    /** |estimate - x| <= 1 */
    nearDeg?: number
    warning?: boolean
    alarm?: boolean
    /** lo <= duty <= hi */
    dutyWithin?: [number, number]
}

interface Step {
    /** what this step does, for messages */
    note?: string
    set?: Partial<Levels>
    imu?: ImuMode
    motor?: "ok" | "reversed" | "stalled"
    driftDps?: number
    /** delay the first tick of this step by this much (a late control loop) */
    lateMs?: number
    /** the caller's clock on the first tick of this step is broken this way */
    badClock?: "nan" | "infinite" | "back"
    /** run this long (ticks at 20 ms) ... */
    forMs?: number
    /** ... or while this holds (the step ends on the first tick it does not; `every` is not checked
     *  on that tick, `last` is), failing after maxMs ... */
    while?: Expect
    /** ... or until this holds (the step ends on the first tick it does), failing after maxMs */
    until?: Expect
    maxMs?: number
    first?: Expect
    every?: Expect
    last?: Expect
    /** any check of the rig after the step; `ms` is the time the step ran (first tick to last) */
    after?: (r: Rig, ms: number) => void
}

interface Row {
    name: string
    gyroScale?: number
    settings?: Partial<Settings>
    settingsError?: string
    startDeg?: number
    /** after the boot, drive there from home with grip, latch and DOWN (then `levels` again): a
     *  controller that started away from home would take it as a restart and end the session */
    reachDeg?: number
    /** the exercise program's start (default: a new table whose warnings are acknowledged) */
    program?: ProgramStart
    levels?: Partial<Levels>
    /** boot first (600 ms, inputs as `levels`); default true */
    boot?: boolean
    steps: Step[]
}

function dutyOk(duty: number, e: DutyExpect | DutyExpect[]): boolean {
    if (Array.isArray(e)) return e.some(x => dutyOk(duty, x))
    if (e === "+") return duty > 0
    if (e === "-") return duty < 0
    return duty === e
}

function describeOut(r: Rig): string {
    const o = r.out
    return `t=${r.t - TICK_MS} state=${o.state} duty=${o.duty} faults=[${o.faults}] est=${o.estDeg.toFixed(2)} angle=${r.angle.toFixed(2)} target=${o.targetDeg.toFixed(2)} reasons=${o.faultReasons.join("; ")}`
}

function holds(r: Rig, e: Expect): string | null {
    const o = r.out
    if (e.state !== undefined) {
        const ok = Array.isArray(e.state)
            ? e.state.indexOf(o.state) >= 0
            : o.state === e.state
        if (!ok) return "state " + o.state + ", expected " + e.state
    }
    if (e.duty !== undefined && !dutyOk(o.duty, e.duty))
        return "duty " + o.duty + ", expected " + e.duty
    if (e.faults !== undefined && o.faults.join(",") !== e.faults.join(","))
        return "faults [" + o.faults + "], expected [" + e.faults + "]"
    if (e.hasFault !== undefined && o.faults.indexOf(e.hasFault) < 0)
        return "no " + e.hasFault + " fault"
    if (e.noFault !== undefined)
        for (const f of e.noFault)
            if (o.faults.indexOf(f) >= 0) return "unexpected " + f + " fault"
    if (e.targetDeg !== undefined && Math.abs(o.targetDeg - e.targetDeg) > 1e-9)
        return "target " + o.targetDeg + ", expected " + e.targetDeg
    if (e.nearDeg !== undefined && Math.abs(o.estDeg - e.nearDeg) > 1)
        return "estimate " + o.estDeg + ", expected near " + e.nearDeg
    if (e.warning !== undefined && o.warning !== e.warning)
        return "warning " + o.warning
    if (e.alarm !== undefined && o.alarm !== e.alarm) return "alarm " + o.alarm
    if (
        e.dutyWithin !== undefined &&
        !(o.duty >= e.dutyWithin[0] && o.duty <= e.dutyWithin[1])
    )
        return "duty " + o.duty + ", expected within " + e.dutyWithin
    return null
}

function check(r: Rig, e: Expect | undefined, where: string): void {
    if (!e) return
    const bad = holds(r, e)
    if (bad) throw new Error(where + ": " + bad + "\n  " + describeOut(r))
}

/** What a broken clock says (undefined: the rig's own time). */
function badClockMs(r: Rig, bad: Step["badClock"]): number | undefined {
    if (bad === "nan") return NaN
    if (bad === "infinite") return Infinity
    if (bad === "back") return r.t - 1000
    return undefined
}

function runRow(row: Row): Rig {
    const r = new Rig({
        settings: row.settings,
        settingsError: row.settingsError,
        startDeg: row.startDeg,
        levels: row.levels,
        program: row.program,
    })
    if (row.gyroScale !== undefined) r.gyroScale = row.gyroScale
    if (row.boot !== false) for (let i = 0; i < 600 / TICK_MS; i++) r.tick()
    if (row.reachDeg !== undefined) reach(r, row.reachDeg)
    row.steps.forEach((st, i) => {
        const where = "step " + i + (st.note ? " (" + st.note + ")" : "")
        if (st.set) Object.assign(r.levels, st.set)
        if (st.imu) r.imu = st.imu
        if (st.motor) r.motor = st.motor
        if (st.driftDps !== undefined) r.driftDps = st.driftDps
        const t0 = r.t
        if (st.while || st.until) {
            const max = st.maxMs ?? 60000
            let n = 0
            for (;;) {
                r.tick(
                    n === 0 ? (st.lateMs ?? 0) : 0,
                    n === 0 ? badClockMs(r, st.badClock) : undefined
                )
                if (n === 0) check(r, st.first, where + " first tick")
                n++
                const goOn = st.while
                    ? holds(r, st.while) === null
                    : holds(r, st.until!) !== null
                if (!goOn) break
                check(r, st.every, where + " tick " + n)
                if (r.t - t0 > max)
                    throw new Error(
                        where +
                            ": still " +
                            (st.while
                                ? "holding " + JSON.stringify(st.while)
                                : "not " + JSON.stringify(st.until)) +
                            " after " +
                            max +
                            " ms\n  " +
                            describeOut(r)
                    )
            }
        } else {
            const n = Math.max(1, Math.round((st.forMs ?? TICK_MS) / TICK_MS))
            for (let k = 0; k < n; k++) {
                r.tick(
                    k === 0 ? (st.lateMs ?? 0) : 0,
                    k === 0 ? badClockMs(r, st.badClock) : undefined
                )
                if (k === 0) check(r, st.first, where + " first tick")
                check(r, st.every, where + " tick " + k)
            }
        }
        check(r, st.last, where + " last tick")
        if (st.after) st.after(r, r.t - TICK_MS - t0)
    })
    return r
}

// Shorthands.
const READY: Partial<Levels> = { grip: true, latch: true }
const tap = (name: Level, expect?: Expect, note?: string): Step => ({
    set: { [name]: true },
    forMs: TICK_MS,
    first: expect,
    note: note ?? name + " tap",
})
/** PRESET acts when released: pressed for a tick, then released (the expectation is the release's). */
const presetTap = (expect?: Expect, note?: string): Step[] => [
    { set: { preset: true }, forMs: TICK_MS, note: "PRESET pressed" },
    {
        set: { preset: false },
        forMs: TICK_MS,
        first: expect,
        note: note ?? "PRESET tap (released)",
    },
]
const release = (name: Level): Step => ({
    set: { [name]: false },
    forMs: TICK_MS,
})
/** DOWN with grip and latch from home until `deg`, released and settled; then the levels as before. */
function reach(r: Rig, deg: number): void {
    const before = { ...r.levels }
    Object.assign(r.levels, { grip: true, latch: true, down: true })
    for (let n = 0; r.out.estDeg < deg - 0.3; n++) {
        if (n > 100000) throw new Error("reach: never got to " + deg)
        r.tick()
    }
    r.levels.down = false
    for (let n = 0; r.out.state !== "holding"; n++) {
        if (n > 500) throw new Error("reach: did not settle at " + deg)
        r.tick()
    }
    Object.assign(r.levels, before)
}

/** The open-loop duty's largest change per tick: the acceleration limit on the fastest drive. */
const rampStepDuty = (accelDps2: number) =>
    (accelDps2 / OPEN_LOOP_FASTEST_DPS_PER_DUTY) * DT

/**
 * UP held for `ms` under an imu fault: open-loop toward home, the duty never above the cap, ramped
 * within the acceleration limit, and at the cap once the ramp is done.
 */
const openLoopUp = (
    ms: number,
    capDuty = IMU_FAULT_UP_DUTY,
    accelDps2 = 4
): Step => ({
    set: { up: true },
    forMs: ms,
    every: { dutyWithin: [-capDuty - 1e-12, 0] },
    note: "UP held, open-loop",
    after: r => {
        const d = r.dutyLog.slice(-Math.round(ms / TICK_MS))
        const step = rampStepDuty(accelDps2)
        expect(d[0]).toBeLessThan(0)
        expect(d[0]).toBeGreaterThanOrEqual(-step - 1e-12)
        for (let i = 1; i < d.length; i++)
            expect(Math.abs(d[i]) - Math.abs(d[i - 1])).toBeLessThanOrEqual(
                step + 1e-12
            )
        if (ms >= (capDuty / step + 5) * TICK_MS)
            expect(d[d.length - 1]).toBeCloseTo(-capDuty, 12)
    },
})

/** DOWN from home for `ms`, then released and settled: the table holds somewhere below 0. */
const goDeeper = (ms: number): Step[] => [
    { set: { down: true }, forMs: ms, last: { duty: "+" }, note: "DOWN held" },
    {
        set: { down: false },
        until: { state: "holding", duty: 0 },
        maxMs: 5000,
        note: "DOWN released, settle",
    },
]

// ---- rows -----------------------------------------------------------------------------------------

const ROWS: Row[] = [
    {
        name: "boot: motor off from the first tick, then idle at home",
        boot: false,
        levels: READY,
        steps: [
            { forMs: TICK_MS, first: { state: "boot", duty: 0 } },
            { forMs: 300, every: { state: "boot", duty: 0 } },
            {
                while: { state: "boot" },
                maxMs: 1000,
                every: { duty: 0 },
                last: { state: "idle" },
            },
            {
                forMs: 500,
                every: { state: "idle", duty: 0, faults: [], alarm: false },
                last: { nearDeg: -65 },
            },
        ],
    },
    {
        name: "DOWN without the grip does nothing",
        levels: { latch: true },
        steps: [
            {
                set: { down: true },
                forMs: 2000,
                every: { state: "idle", duty: 0, faults: [] },
            },
        ],
    },
    {
        name: "DOWN without the latch does nothing (and at home an open latch is no fault)",
        levels: { grip: true },
        steps: [
            {
                set: { down: true },
                forMs: 2000,
                every: { state: "idle", duty: 0, faults: [] },
            },
        ],
    },
    {
        name: "latch closed for less than 0.2 s: DOWN does nothing; at 0.2 s it moves",
        levels: { grip: true },
        steps: [
            {
                set: { latch: true, down: true },
                forMs: LATCH_SETTLE_MS,
                every: { duty: 0, state: "idle" },
                note: "latch just closed",
            },
            { forMs: TICK_MS, first: { duty: "+", state: "moving" } },
        ],
    },
    {
        name: "latch closed 0.1 s, a DOWN tap inside that time: nothing, then or later",
        levels: { grip: true },
        steps: [
            { set: { latch: true }, forMs: 60 },
            { set: { down: true }, forMs: 100, every: { duty: 0 } },
            {
                set: { down: false },
                forMs: 2000,
                every: { duty: 0, state: "idle" },
            },
        ],
    },
    {
        name: "DOWN with grip and latch: moving deeper at once, up to the effective deepest angle",
        levels: READY,
        steps: [
            {
                set: { down: true },
                forMs: TICK_MS,
                first: { state: "moving", duty: "+", targetDeg: 45 },
                after: r => r.resetMax(),
            },
            {
                while: { state: "moving" },
                maxMs: 40000,
                every: { duty: [0, "+"] },
            },
            {
                forMs: 1000,
                every: { state: "holding", duty: 0, faults: [] },
                last: { nearDeg: 45 },
                after: r => {
                    // maxRateDps 4: the setpoint never plans faster; the lag-free synthetic motor adds
                    // the drive's acceleration feed-forward (0.08 s * 4 deg/s^2) at most
                    expect(r.maxSetpointDps).toBeLessThanOrEqual(4 + 1e-9)
                    expect(r.maxPlantDps).toBeLessThanOrEqual(
                        4 + MOTOR_NOMINAL_TIME_CONSTANT_S * 4 + 0.01
                    )
                    // and it never went past the effective deepest angle (behaviour.md: "never
                    // overshoots"; with exact sensors and a motor that does what the drive expects,
                    // 0.01 deg is float slack), and came to rest within SETTLE_TOLERANCE_DEG of it
                    expect(r.maxAngleDeg).toBeLessThanOrEqual(45 + 0.01)
                    expect(r.angle).toBeGreaterThanOrEqual(
                        45 - SETTLE_TOLERANCE_DEG
                    )
                },
            },
        ],
    },
    {
        name: "grip released while going deeper: duty 0 that tick; deadman; returning after deadmanGraceS",
        levels: READY,
        steps: [
            { set: { down: true }, forMs: 6000, last: { duty: "+" } },
            {
                set: { grip: false },
                forMs: 3000,
                first: { duty: 0, state: "deadman" },
                every: { duty: 0, state: "deadman" },
                note: "grip released, DOWN still held",
            },
            { forMs: TICK_MS, first: { state: "returning", duty: "-" } },
            {
                set: { down: false },
                while: { state: "returning" },
                maxMs: 30000,
                every: { duty: [0, "-"] },
                last: { state: "idle" },
            },
            {
                forMs: 500,
                every: { state: "idle", duty: 0, faults: [] },
                last: { nearDeg: -65 },
            },
        ],
    },
    {
        name: "grip released (and DOWN too) while going deeper: duty 0 at once, not a single tick more",
        levels: READY,
        steps: [
            { set: { down: true }, forMs: 4000, last: { duty: "+" } },
            {
                set: { grip: false, down: false },
                forMs: 2000,
                every: { duty: 0, state: "deadman" },
            },
        ],
    },
    {
        name: "grip again during the grace period: holding, and no return",
        levels: READY,
        steps: [
            ...goDeeper(6000),
            {
                set: { grip: false },
                forMs: 1500,
                every: { state: "deadman", duty: 0 },
            },
            {
                set: { grip: true },
                forMs: 10000,
                every: { state: "holding", duty: 0, faults: [] },
            },
        ],
    },
    {
        name: "grip again during the return: stop and hold",
        levels: READY,
        settings: { deadmanGraceS: 1 },
        steps: [
            ...goDeeper(8000),
            {
                set: { grip: false },
                while: { state: "deadman" },
                maxMs: 1100,
                last: { state: "returning" },
            },
            { forMs: 2000, every: { state: "returning" }, last: { duty: "-" } },
            {
                set: { grip: true },
                while: { duty: "-" },
                maxMs: 1500,
                note: "gripped: brake",
            },
            { forMs: 5000, every: { state: "holding", duty: 0, faults: [] } },
        ],
    },
    {
        name: "STOP tap while going deeper: duty 0 at once, holding; DOWN pressed again resumes",
        levels: READY,
        steps: [
            { set: { down: true }, forMs: 5000, last: { duty: "+" } },
            {
                set: { down: false, stop: true },
                forMs: TICK_MS,
                first: { duty: 0, state: "holding" },
            },
            {
                set: { stop: false },
                forMs: 3000,
                every: { duty: 0, state: "holding", faults: [] },
            },
            {
                set: { down: true },
                forMs: TICK_MS,
                first: { duty: "+", state: "moving" },
            },
        ],
    },
    {
        name: "STOP tap while going home with UP: duty 0 at once",
        levels: READY,
        steps: [
            ...goDeeper(8000),
            {
                set: { up: true },
                forMs: 2000,
                last: { duty: "-", state: "moving" },
            },
            {
                set: { up: false, stop: true },
                forMs: TICK_MS,
                first: { duty: 0, state: "holding" },
            },
            {
                set: { stop: false },
                forMs: 1000,
                every: { duty: 0, state: "holding" },
            },
        ],
    },
    {
        name: "UP and DOWN together: stop at once, both ignored until both are released",
        levels: READY,
        steps: [
            { set: { down: true }, forMs: 5000, last: { duty: "+" } },
            {
                set: { up: true },
                forMs: 1000,
                first: { duty: 0 },
                every: { duty: 0 },
                note: "UP added",
            },
            {
                set: { up: false },
                forMs: 1000,
                every: { duty: 0 },
                note: "UP released, DOWN still held",
            },
            {
                set: { up: true, down: false },
                forMs: 1000,
                every: { duty: 0 },
                note: "now only UP",
            },
            { set: { up: false }, forMs: TICK_MS, every: { duty: 0 } },
            {
                set: { down: true },
                forMs: TICK_MS,
                first: { duty: "+" },
                note: "both released, DOWN again",
            },
        ],
    },
    {
        name: "HOME tap: returning, then idle at home",
        levels: READY,
        steps: [
            ...goDeeper(8000),
            tap("home", { state: "returning", duty: "-", targetDeg: -65 }),
            {
                set: { home: false },
                while: { state: "returning" },
                maxMs: 20000,
                every: { duty: [0, "-"] },
                last: { state: "idle" },
            },
            {
                forMs: 500,
                every: { state: "idle", duty: 0, faults: [] },
                last: { nearDeg: -65 },
            },
        ],
    },
    {
        name: "PRESET from home selects 0, then 15, then 30, moving to each while the grip is held",
        levels: READY,
        steps: [
            ...presetTap(
                { targetDeg: 0, state: "moving", duty: "+" },
                "PRESET: 0 (flat)"
            ),
            {
                set: { preset: false },
                while: { state: "moving" },
                maxMs: 30000,
                last: { state: "holding" },
            },
            {
                forMs: 500,
                every: { state: "holding", duty: 0 },
                last: { nearDeg: 0 },
            },
            ...presetTap(
                { targetDeg: 15, state: "moving", duty: "+" },
                "PRESET: 15"
            ),
            {
                set: { preset: false },
                while: { state: "moving" },
                maxMs: 30000,
                last: { state: "holding" },
            },
            { forMs: 500, every: { state: "holding" }, last: { nearDeg: 15 } },
            ...presetTap({ targetDeg: 30, duty: "+" }, "PRESET: 30"),
            {
                set: { preset: false },
                while: { state: "moving" },
                maxMs: 30000,
                last: { nearDeg: 30, state: "holding" },
            },
        ],
    },
    {
        name: "PRESET taps while moving step on from the target; after the deepest allowed (45) comes 0",
        levels: READY,
        steps: [
            ...presetTap({ targetDeg: 0 }),
            release("preset"),
            ...presetTap({ targetDeg: 15 }),
            release("preset"),
            ...presetTap({ targetDeg: 30 }),
            release("preset"),
            ...presetTap({ targetDeg: 45 }),
            release("preset"),
            ...presetTap({ targetDeg: 0 }),
        ],
    },
    {
        name: "PRESET without the grip does nothing",
        levels: { latch: true },
        steps: [
            ...presetTap({ duty: 0 }),
            {
                set: { preset: false },
                forMs: 2000,
                every: { duty: 0, state: "idle" },
            },
        ],
    },
    {
        name: "latch opens away from home: latch fault, duty 0 at once; only UP held moves (toward home, at most 2 deg/s); STOP at home clears",
        levels: READY,
        steps: [
            ...goDeeper(8000),
            {
                set: { latch: false },
                forMs: TICK_MS,
                first: {
                    state: "fault",
                    hasFault: "latch",
                    duty: 0,
                    alarm: true,
                },
            },
            {
                set: { down: true },
                forMs: 2000,
                every: { duty: 0, state: "fault" },
                note: "DOWN",
            },
            { set: { down: false }, forMs: TICK_MS },
            tap("home", { duty: 0 }),
            { set: { home: false }, forMs: 2000, every: { duty: 0 } },
            ...presetTap({ duty: 0 }),
            {
                set: { preset: false, grip: false },
                forMs: 6000,
                every: { duty: 0 },
                note: "grip released beyond the grace: no return",
            },
            tap(
                "stop",
                { duty: 0, hasFault: "latch" },
                "STOP away from home does not clear it"
            ),
            {
                set: { stop: false, grip: true },
                forMs: TICK_MS,
                after: r => r.resetMax(),
            },
            {
                set: { up: true },
                forMs: TICK_MS,
                first: { duty: "-", state: "fault" },
                note: "UP held",
            },
            { while: { duty: "-" }, maxMs: 60000, every: { state: "fault" } },
            {
                forMs: 500,
                every: { duty: 0, hasFault: "latch" },
                after: r => {
                    // The speed that matters is the table's (the setpoint is re-based onto the table
                    // when a move stops, which is a jump of position, not a speed). The lag-free
                    // synthetic motor turns the drive's acceleration feed-forward (0.08 s * 4 deg/s^2)
                    // into speed on top of the planned 2 deg/s.
                    expect(r.maxPlantDps).toBeLessThanOrEqual(
                        LATCH_HELPER_RATE_DPS +
                            MOTOR_NOMINAL_TIME_CONSTANT_S * 4 +
                            0.01
                    )
                    expect(Math.abs(r.angle - -65)).toBeLessThanOrEqual(
                        AT_HOME_TOLERANCE_DEG
                    )
                },
            },
            { set: { up: false }, forMs: TICK_MS },
            tap(
                "stop",
                undefined,
                "STOP at home, latch still open: the condition has gone"
            ),
            {
                set: { stop: false },
                forMs: 200,
                last: { faults: [], state: "idle" },
            },
        ],
    },
    {
        name: "settings error at construction: settings fault shown, DOWN refused until STOP acknowledges it",
        levels: READY,
        settingsError: "maxRateDps: 99 is out of range 1..8 deg/s",
        steps: [
            {
                forMs: TICK_MS,
                first: { faults: ["settings"], state: "idle", alarm: false },
            },
            {
                set: { down: true },
                forMs: 2000,
                every: { duty: 0, faults: ["settings"] },
            },
            ...presetTap({ duty: 0 }),
            { set: { preset: false, down: false }, forMs: 100 },
            tap("stop", { faults: [] }, "STOP acknowledges"),
            { set: { stop: false }, forMs: 100 },
            {
                set: { down: true },
                forMs: TICK_MS,
                first: { duty: "+", faults: [] },
            },
        ],
    },
    {
        name: "watchdog: a tick 120 ms after the last is fine; 121 ms raises it, duty 0; then nothing deeper, HOME works; STOP at home clears",
        levels: READY,
        steps: [
            { set: { down: true }, forMs: 3000, last: { duty: "+" } },
            {
                lateMs: WATCHDOG_LATE_MS,
                forMs: TICK_MS,
                first: { faults: [], duty: "+" },
                note: "100 ms late",
            },
            {
                lateMs: WATCHDOG_LATE_MS + 1,
                forMs: TICK_MS,
                first: { hasFault: "watchdog", duty: 0, state: "fault" },
                note: "101 ms late",
            },
            {
                forMs: 2000,
                every: { duty: 0, state: "fault" },
                note: "DOWN still held",
            },
            { set: { down: false }, forMs: TICK_MS },
            tap("home", { duty: "-" }),
            { set: { home: false }, while: { duty: "-" }, maxMs: 30000 },
            {
                forMs: 200,
                every: { duty: 0 },
                last: { hasFault: "watchdog", nearDeg: -65 },
            },
            tap(
                "stop",
                undefined,
                "STOP at home clears the momentary watchdog"
            ),
            {
                set: { stop: false },
                forMs: 100,
                last: { faults: [], state: "idle" },
            },
        ],
    },
    {
        name: "restart away from home: the session is over: once booted the table returns home at once, grip or not",
        startDeg: 20,
        levels: { latch: true },
        boot: false,
        steps: [
            { forMs: 400, every: { duty: 0, state: "boot" } },
            {
                while: { state: "boot" },
                maxMs: 200,
                every: { duty: 0 },
            },
            {
                while: { duty: 0 },
                maxMs: 100,
                every: { state: "returning" },
                last: { state: "returning", duty: "-" },
            },
            {
                while: { state: "returning" },
                maxMs: 30000,
                last: { state: "idle", nearDeg: -65 },
            },
        ],
    },
    {
        name: "restart away from home with the grip held: DOWN does nothing until the table has been home; STOP holds the return for the grace period",
        startDeg: 20,
        levels: READY,
        steps: [
            { forMs: TICK_MS, first: { state: "returning", duty: [0, "-"] } },
            { set: { down: true }, forMs: 2000, every: { duty: [0, "-"] } },
            { set: { down: false }, forMs: TICK_MS },
            tap("stop", { duty: 0 }),
            {
                set: { stop: false },
                forMs: 2800,
                every: { duty: 0, state: ["holding", "moving"] },
            },
            {
                while: { state: ["holding", "moving"] },
                maxMs: 400,
                last: { state: "returning" },
                note: "the return resumes after the grace period",
            },
            {
                while: { state: "returning" },
                maxMs: 30000,
                last: { state: "idle" },
            },
            release("down"),
            {
                set: { down: true },
                forMs: TICK_MS,
                first: { duty: "+" },
                note: "home again: a new session",
            },
        ],
    },
    {
        name: "a return from deeper than 30 pauses 10 s near flat (0..10), then goes home",
        reachDeg: 40,
        levels: { latch: true },
        steps: [
            {
                while: { state: "deadman" },
                maxMs: 3000,
                last: { state: "returning" },
            },
            { while: { duty: [0] }, maxMs: 100, note: "the return starts" },
            {
                while: { duty: "-" },
                maxMs: 20000,
                every: { state: "returning" },
                note: "going up to the pause",
            },
            {
                while: { duty: 0 },
                maxMs: RETURN_PAUSE_MS + 2000,
                every: { state: "returning" },
                last: { duty: "-", state: "returning" },
                note: "the pause",
                after: (r, ms) => {
                    expect(r.out.estDeg).toBeGreaterThanOrEqual(0)
                    expect(r.out.estDeg).toBeLessThanOrEqual(10)
                    // the motor is off for the whole pause: at least 10 s (supervisor.ts times it from
                    // when the table has come to rest), and not much more
                    expect(ms).toBeGreaterThanOrEqual(RETURN_PAUSE_MS)
                    expect(ms).toBeLessThanOrEqual(RETURN_PAUSE_MS + 1000)
                },
            },
            {
                while: { state: "returning" },
                maxMs: 30000,
                every: { duty: [0, "-"] },
                last: { state: "idle" },
            },
            { forMs: 200, every: { state: "idle" }, last: { nearDeg: -65 } },
        ],
    },
    {
        name: "power-cycle with DOWN held (grip and latch too): DOWN is ignored until released and pressed again",
        levels: { ...READY, down: true },
        boot: false,
        steps: [
            { forMs: 3000, every: { duty: 0 } },
            { set: { down: false }, forMs: TICK_MS },
            { set: { down: true }, forMs: TICK_MS, first: { duty: "+" } },
        ],
    },
    {
        name: "service mode: STOP and UP held 3 s at home with the latch open; the held buttons do nothing; DOWN moves the empty table slowly; STOP brings it home and leaves",
        levels: { grip: true },
        steps: [
            {
                set: { stop: true, up: true },
                forMs: SERVICE_ENTRY_HOLD_MS,
                every: { state: "idle", duty: 0 },
            },
            { forMs: TICK_MS, first: { state: "service", duty: 0 } },
            {
                forMs: 1000,
                every: { state: "service", duty: 0 },
                note: "STOP and UP still held: consumed",
            },
            {
                set: { stop: false, up: false },
                forMs: 1000,
                every: { state: "service", duty: 0 },
            },
            {
                set: { down: true },
                forMs: 3000,
                every: { state: "service", noFault: ["latch"] },
                last: { duty: "+" },
            },
            {
                set: { down: false },
                until: { duty: 0 },
                maxMs: 3000,
                after: r => {
                    expect(r.angle).toBeGreaterThan(-65 + 2)
                    expect(r.maxPlantDps).toBeLessThanOrEqual(
                        SERVICE_RATE_DPS + 0.5
                    )
                },
            },
            tap("stop", { state: "service" }),
            {
                set: { stop: false },
                while: { state: "service" },
                maxMs: 10000,
                last: { state: "idle" },
            },
            { forMs: 1000, every: { state: "idle", duty: 0 } },
        ],
    },
    {
        name: "service mode is not entered with the latch closed",
        levels: READY,
        steps: [
            {
                set: { stop: true, up: true },
                forMs: SERVICE_ENTRY_HOLD_MS + 1000,
                every: { state: "idle", duty: 0 },
            },
        ],
    },
    {
        name: "service mode is not entered away from home",
        levels: READY,
        steps: [
            ...goDeeper(6000),
            {
                set: { latch: false, stop: true, up: true },
                forMs: SERVICE_ENTRY_HOLD_MS + 500,
                every: { state: "fault" },
            },
        ],
    },
    {
        name: "session: warning 30 s before the limit, return home at the limit, nothing deeper after it",
        settings: { sessionLimitS: 60 },
        reachDeg: 10,
        levels: READY,
        steps: [
            {
                while: { warning: false },
                maxMs: 31000,
                every: { state: "holding" },
                last: { warning: true, state: "holding" },
            },
            {
                while: { state: "holding" },
                maxMs: 31000,
                every: { warning: true },
                last: { state: "returning", duty: "-" },
            },
            {
                set: { down: true },
                forMs: 1000,
                every: { duty: [0, "-"], state: "returning" },
            },
        ],
    },
    {
        name: "DOWN held more than 60 s is taken as stuck: the move stops (and DOWN is ignored until released)",
        settings: { maxAngleDeg: 90, maxRateDps: 1 },
        levels: READY,
        steps: [
            {
                set: { down: true },
                forMs: STUCK_BUTTON_MS,
                last: { duty: "+" },
            },
            {
                while: { state: "moving" },
                maxMs: 3000,
                last: { state: "holding" },
            },
            { forMs: 3000, every: { state: "holding", duty: 0 } },
            { set: { down: false }, forMs: TICK_MS },
            { set: { down: true }, forMs: TICK_MS, first: { duty: "+" } },
        ],
    },
    {
        name: "overtravel: the table slips past the deepest angle + 1: fault, motor off; STOP there does not clear; HOME brings it back; STOP at home clears",
        reachDeg: 44,
        levels: READY,
        steps: [
            {
                driftDps: 2,
                while: { faults: [] },
                maxMs: 3000,
                every: { state: "holding" },
                last: { hasFault: "overtravel", duty: 0, state: "fault" },
                note: "slipping deeper",
            },
            { driftDps: 0, forMs: 500, every: { duty: 0, state: "fault" } },
            tap("stop", { hasFault: "overtravel" }, "STOP beyond the limit"),
            {
                set: { stop: false, down: true },
                forMs: 1000,
                every: { duty: 0 },
            },
            { set: { down: false }, forMs: TICK_MS },
            tap("home", { duty: "-" }),
            {
                set: { home: false },
                until: { nearDeg: -65, duty: 0 },
                maxMs: 60000,
                every: { duty: [0, "-"], hasFault: "overtravel" },
            },
            tap("stop", undefined, "STOP at home"),
            {
                set: { stop: false },
                forMs: 100,
                last: { faults: [], state: "idle" },
            },
        ],
    },
]

const MORE_ROWS: Row[] = [
    ...(["nan", "infinite", "back"] as const).map((bad): Row => ({
        name:
            "a control clock that reads " +
            bad +
            ": watchdog, the estimate stays finite and true; letting go still brings the user home",
        reachDeg: 20,
        levels: READY,
        steps: [
            {
                badClock: bad,
                forMs: TICK_MS,
                first: { hasFault: "watchdog", duty: 0, state: "fault" },
            },
            {
                forMs: 2000,
                every: { hasFault: "watchdog", duty: 0 },
                after: r => {
                    expect(Number.isFinite(r.out.estDeg)).toBe(true)
                    expect(Math.abs(r.out.estDeg - r.angle)).toBeLessThan(1)
                },
            },
            {
                set: { down: true },
                forMs: 1000,
                every: { duty: 0 },
                note: "nothing deeper",
            },
            { set: { down: false, grip: false }, forMs: TICK_MS },
            {
                until: { nearDeg: -65, duty: 0, state: "fault" },
                maxMs: 60000,
                every: { dutyWithin: [-1, 0] },
                note: "the dead-man return home",
            },
            tap("stop", undefined, "STOP at home clears it"),
            {
                set: { stop: false },
                forMs: 200,
                last: { faults: [], state: "idle" },
                after: r => expect(Number.isFinite(r.out.estDeg)).toBe(true),
            },
        ],
    })),
    {
        name: "service mode: moving the empty table past flat does not count as session time",
        levels: { grip: true },
        settings: { sessionLimitS: 60 },
        steps: [
            {
                set: { stop: true, up: true },
                forMs: SERVICE_ENTRY_HOLD_MS + TICK_MS,
                last: { state: "service" },
            },
            release("stop"),
            release("up"),
            {
                set: { down: true },
                forMs: 45000,
                every: { state: "service" },
                after: r => expect(r.out.estDeg).toBeGreaterThan(5),
            },
            {
                set: { down: false },
                forMs: 120000,
                every: { state: "service", warning: false },
                after: r => expect(r.out.sessionInvertedS).toBe(0),
            },
        ],
    },
    {
        name: "a fault that ends service mode is named by the refusals that follow",
        levels: { grip: true },
        steps: [
            {
                set: { stop: true, up: true },
                forMs: SERVICE_ENTRY_HOLD_MS + TICK_MS,
                last: { state: "service" },
            },
            release("stop"),
            release("up"),
            {
                lateMs: WATCHDOG_LATE_MS + 50,
                forMs: TICK_MS,
                first: { hasFault: "watchdog" },
                after: r => {
                    const refusal = r.c.setSetting("maxRateDps", 3)
                    expect(refusal).toMatch(/only in service mode/)
                    expect(refusal).toMatch(/ended by watchdog/)
                },
            },
        ],
    },
    {
        name: "a gyro reading 10 % low, moving at 8 deg/s: the table does not pass the deepest angle + 1 unnoticed",
        // The estimator's adaptive time constant once took the lag that a gyro scale error causes
        // for accelerometer noise and lengthened tau, so the lag grew (the table stopped at 46.69
        // with maxAngleDeg 45, unnoticed). The accelerometer keeps the estimate honest now.
        settings: { maxRateDps: 8, maxAngleDeg: 45 },
        gyroScale: 0.9,
        levels: READY,
        steps: [
            {
                set: { down: true },
                forMs: 30000,
                after: r => {
                    const passedUnnoticed =
                        r.maxAngleDeg > 45 + 1 &&
                        r.out.faults.indexOf("overtravel") < 0
                    expect(passedUnnoticed).toBe(false)
                },
            },
        ],
    },
    {
        name: "PRESET held more than 60 s is taken as stuck: the move deeper stops before the preset",
        settings: { maxRateDps: 1 },
        levels: READY,
        steps: [
            ...presetTap({ targetDeg: 0, duty: "+" }),
            {
                set: { preset: true },
                forMs: STUCK_BUTTON_MS,
                every: { duty: "+" },
                note: "PRESET pressed again and held: the move goes on",
            },
            {
                while: { state: "moving" },
                maxMs: 3000,
                last: { state: "holding" },
            },
            {
                forMs: 2000,
                every: { state: "holding", duty: 0 },
                after: r => expect(r.out.estDeg).toBeLessThan(-2),
            },
        ],
    },
    {
        name: "boot with no IMU at all: imu fault, motor off; UP held -> -0.3 open loop",
        boot: false,
        levels: READY,
        steps: [
            { imu: "absent", forMs: TICK_MS, first: { duty: 0 } },
            {
                forMs: 500,
                every: { duty: 0 },
                last: { hasFault: "imu", state: "fault" },
            },
            { set: { down: true }, forMs: 500, every: { duty: 0 } },
            { set: { down: false }, forMs: TICK_MS },
            openLoopUp(2000),
        ],
    },
    {
        name: "a Controller given out-of-range settings without an error does not run on them",
        // The Controller checks whatever Settings it is given against the schema: with maxAngleDeg
        // NaN (a corrupted store) it runs on the defaults and raises the settings fault.
        settings: { maxAngleDeg: NaN },
        levels: READY,
        steps: [
            {
                forMs: TICK_MS,
                after: r => {
                    const usable =
                        r.out.faults.indexOf("settings") >= 0 ||
                        r.out.effectiveMaxDeg === 45
                    expect(usable).toBe(true)
                },
            },
        ],
    },
    {
        name: "service mode ends by itself after 10 min",
        levels: { grip: true },
        steps: [
            {
                set: { stop: true, up: true },
                forMs: SERVICE_ENTRY_HOLD_MS + TICK_MS,
                last: { state: "service" },
            },
            {
                set: { stop: false, up: false },
                forMs: SERVICE_TIMEOUT_MS - 2 * TICK_MS,
                every: { state: "service", duty: 0 },
            },
            { forMs: 200, last: { state: "idle" } },
        ],
    },
    {
        name: "overspeed: the table runs above 12 deg/s: fault, motor off; UP held brings it home at the helper's rate",
        reachDeg: 20,
        levels: READY,
        steps: [
            {
                driftDps: -14,
                while: { faults: [] },
                maxMs: 500,
                last: { hasFault: "overspeed", duty: 0, state: "fault" },
            },
            { driftDps: 0, forMs: 1000, every: { duty: 0 } },
            { set: { down: true }, forMs: 1000, every: { duty: 0 } },
            {
                set: { down: false, up: true },
                forMs: 1000,
                last: { duty: "-", hasFault: "overspeed" },
            },
        ],
    },
    {
        name: "overtravel below home - 5: fault, and nothing moves the table (not even UP)",
        levels: READY,
        steps: [
            {
                driftDps: -1,
                while: { noFault: ["overtravel"] },
                maxMs: 6000,
                last: { hasFault: "overtravel", duty: 0, state: "fault" },
            },
            { driftDps: 0, set: { up: true }, forMs: 2000, every: { duty: 0 } },
            { set: { up: false, down: true }, forMs: 2000, every: { duty: 0 } },
            { set: { down: false }, forMs: TICK_MS },
            tap("home", { duty: 0 }),
            { set: { home: false }, forMs: 2000, every: { duty: 0 } },
        ],
    },
    {
        name: "direction: a motor wired the wrong way: DOWN makes the table go up: fault within 0.3 s of it; then nothing moves",
        levels: READY,
        reachDeg: 0,
        steps: [
            {
                motor: "reversed",
                set: { down: true },
                while: { noFault: ["direction"] },
                maxMs: 1500,
                every: { duty: "+" },
                last: { hasFault: "direction", duty: 0, state: "fault" },
            },
            { set: { down: false, up: true }, forMs: 2000, every: { duty: 0 } },
            { set: { up: false }, forMs: TICK_MS },
            tap("home", { duty: 0 }),
            {
                set: { home: false, grip: false },
                forMs: 5000,
                every: { duty: 0 },
                note: "no dead-man return either",
            },
        ],
    },
    {
        name: "stall: the table does not follow DOWN for 1 s: fault, motor off; UP held drives at most 1 s without progress",
        levels: READY,
        reachDeg: 0,
        steps: [
            {
                motor: "stalled",
                set: { down: true },
                while: { noFault: ["stall"] },
                maxMs: 1600,
                every: { duty: "+" },
                last: { hasFault: "stall", duty: 0, state: "fault" },
            },
            { set: { down: false }, forMs: 500, every: { duty: 0 } },
            { set: { up: true }, forMs: TICK_MS, first: { duty: "-" } },
            { while: { duty: "-" }, maxMs: 1600, last: { duty: 0 } },
            {
                forMs: 3000,
                every: { duty: 0 },
                note: "UP still held: cut until pressed again",
            },
            { set: { up: false }, forMs: TICK_MS },
            {
                set: { up: true },
                forMs: TICK_MS,
                first: { duty: "-" },
                note: "UP pressed again",
            },
        ],
    },
    {
        name: "STOP tapped while DOWN is still held: stops, and DOWN held through the STOP does not resume",
        levels: READY,
        steps: [
            { set: { down: true }, forMs: 5000, last: { duty: "+" } },
            {
                set: { stop: true },
                forMs: TICK_MS,
                first: { duty: 0, state: "holding" },
            },
            {
                set: { stop: false },
                forMs: 3000,
                every: { duty: 0, state: "holding" },
                note: "DOWN still held",
            },
            { set: { down: false }, forMs: TICK_MS },
            {
                set: { down: true },
                forMs: TICK_MS,
                first: { duty: "+" },
                note: "a new DOWN press resumes",
            },
        ],
    },
    {
        name: "STOP tapped while UP is still held: stops, and UP held through the STOP does not resume",
        levels: READY,
        steps: [
            ...goDeeper(8000),
            { set: { up: true }, forMs: 2000, last: { duty: "-" } },
            { set: { stop: true }, forMs: TICK_MS, first: { duty: 0 } },
            {
                set: { stop: false },
                forMs: 2000,
                every: { duty: 0, state: "holding" },
                note: "UP still held",
            },
        ],
    },
    {
        name: "grip released while a PRESET move goes deeper: duty 0 that tick",
        levels: READY,
        steps: [
            ...presetTap({ targetDeg: 0, duty: "+" }),
            { set: { preset: false }, forMs: 3000, last: { duty: "+" } },
            {
                set: { grip: false },
                forMs: 1000,
                first: { duty: 0, state: "deadman" },
                every: { duty: 0 },
            },
        ],
    },
    {
        name: "maxAngleDeg 30: DOWN stops at 30; PRESET cycles 0, 15, 30, 0",
        settings: { maxAngleDeg: 30 },
        levels: READY,
        steps: [
            { set: { down: true }, forMs: TICK_MS, first: { targetDeg: 30 } },
            {
                while: { state: "moving" },
                maxMs: 40000,
                last: { state: "holding", nearDeg: 30 },
            },
            { forMs: 2000, every: { duty: 0, faults: [] } },
            { set: { down: false }, forMs: TICK_MS },
            ...presetTap({ targetDeg: 0 }),
            release("preset"),
            ...presetTap({ targetDeg: 15 }),
            release("preset"),
            ...presetTap({ targetDeg: 30 }),
            release("preset"),
            ...presetTap({ targetDeg: 0 }),
        ],
    },
    {
        name: "boot away from home with the latch open: latch fault, motor off",
        startDeg: 10,
        levels: { grip: true },
        steps: [
            {
                forMs: 1000,
                every: { hasFault: "latch", state: "fault", duty: 0 },
            },
        ],
    },
    {
        name: "imu fault at home: STOP does not clear it while the sensor is still bad; once healthy, STOP at home clears it",
        levels: READY,
        steps: [
            {
                imu: "stale",
                while: { faults: [] },
                maxMs: 200,
                last: { hasFault: "imu", duty: 0 },
            },
            { forMs: 500 },
            tap(
                "stop",
                { hasFault: "imu" },
                "STOP with the sensor still silent"
            ),
            {
                set: { stop: false },
                imu: "ok",
                forMs: 1000,
                every: { hasFault: "imu" },
                note: "sensor back",
            },
            tap("stop", undefined, "STOP at home, sensor healthy"),
            {
                set: { stop: false },
                forMs: 200,
                last: { faults: [], state: "idle" },
            },
            { set: { down: true }, forMs: TICK_MS, first: { duty: "+" } },
        ],
    },
    {
        name: "imu fault: UP held drives open-loop for at most 120 s without a home switch, then ramps down though UP is still held",
        reachDeg: 0,
        levels: READY,
        steps: [
            {
                imu: "stale",
                while: { faults: [] },
                maxMs: 200,
                last: { hasFault: "imu" },
            },
            openLoopUp(110000),
            {
                while: { duty: "-" },
                maxMs: 12000,
                after: r => {
                    // The drive ends within the budget, its ramp down included.
                    const drivenMs =
                        r.dutyLog.filter(d => d < 0).length * TICK_MS
                    expect(drivenMs).toBeLessThanOrEqual(IMU_FAULT_UP_MAX_MS)
                    expect(drivenMs).toBeGreaterThan(
                        IMU_FAULT_UP_MAX_MS - 4 * TICK_MS
                    )
                },
            },
            { forMs: 2000, every: { duty: 0 } },
        ],
    },
    {
        name: "session: the clock counts only angle > 0 (held at -10 for 70 s with a 60 s limit: no warning, no return)",
        settings: { sessionLimitS: 60 },
        reachDeg: -10,
        levels: READY,
        steps: [
            {
                forMs: 70000,
                every: { state: "holding", warning: false, duty: 0 },
            },
        ],
    },
    {
        name: "power-up below home (-69.5, inside the overtravel margin) with the grip released: not 'returning' for ever with the motor off",
        // The dead-man return asks for home (-65), which from below home is a positive duty: below
        // home, "deeper" leads home, and the return is allowed like any move toward home (it once
        // claimed a return that never moved).
        startDeg: -69.5,
        levels: { latch: true },
        steps: [
            { forMs: 3000 },
            {
                forMs: 15000,
                after: r => expect(r.out.state).not.toBe("returning"),
            },
        ],
    },
    {
        name: "progression on (the default) for a first session: the effective deepest angle is 15, and DOWN stops there",
        settings: { progression: true },
        levels: READY,
        steps: [
            {
                forMs: TICK_MS,
                first: { state: "idle" },
                after: r => expect(r.out.effectiveMaxDeg).toBe(15),
            },
            {
                set: { down: true },
                while: { state: "moving" },
                maxMs: 30000,
                after: r => {
                    expect(r.maxAngleDeg).toBeLessThanOrEqual(15 + 0.5)
                    expect(r.maxAngleDeg).toBeGreaterThan(14)
                },
            },
        ],
    },
    {
        name: "first use: until the warnings are acknowledged the table does not tilt past flat, whatever the progress",
        settings: { progression: false },
        program: newTableStart(),
        levels: READY,
        steps: [
            {
                forMs: TICK_MS,
                after: r => expect(r.out.effectiveMaxDeg).toBe(0),
            },
            {
                set: { down: true },
                while: { state: "moving" },
                maxMs: 30000,
                after: r => expect(r.maxAngleDeg).toBeLessThanOrEqual(0.5),
            },
            { set: { down: false }, forMs: 1000 },
            {
                forMs: TICK_MS,
                after: r => {
                    // Acknowledged (the console or the page): the next session may tilt.
                    r.c.acknowledgeWarnings()
                },
            },
            {
                set: { up: true },
                while: { nearDeg: 0 },
                maxMs: 30000,
            },
            {
                until: { state: "idle" },
                maxMs: 30000,
            },
            { set: { up: false }, forMs: 200 },
            {
                forMs: TICK_MS,
                after: r => expect(r.out.effectiveMaxDeg).toBe(45),
            },
        ],
    },
]
ROWS.push(...MORE_ROWS)

// IMU triggers: each raises `imu`, stops the motor that tick, lets only UP held drive toward home
// open-loop at -0.3, and the home switch stops that.
const IMU_TRIGGERS: { mode: ImuMode; withinMs: number }[] = [
    { mode: "stale", withinMs: 120 },
    { mode: "i2c", withinMs: TICK_MS },
    { mode: "nan", withinMs: TICK_MS },
    { mode: "absent", withinMs: TICK_MS },
    { mode: "implausible", withinMs: 220 },
    { mode: "frozen", withinMs: 520 },
    { mode: "disagree", withinMs: 1000 },
]
for (const trig of IMU_TRIGGERS) {
    ROWS.push({
        name:
            "imu trigger '" +
            trig.mode +
            "' while going deeper: imu fault, duty 0 that tick; UP held -> open loop ramped to -0.3; the home switch stops it",
        reachDeg: 0,
        levels: READY,
        steps: [
            {
                set: { down: true },
                forMs: 1000,
                last: { duty: "+", faults: [] },
            },
            {
                imu: trig.mode,
                while: { faults: [] },
                maxMs: trig.withinMs,
                every: { duty: "+" },
                last: { hasFault: "imu", duty: 0, state: "fault", alarm: true },
                note: "until the fault tick",
            },
            {
                forMs: 1000,
                every: { duty: 0, hasFault: "imu" },
                note: "DOWN still held",
            },
            { set: { down: false }, forMs: TICK_MS },
            tap("home", { duty: 0 }),
            release("home"),
            openLoopUp(2000),
            {
                set: { homeSwitch: true },
                forMs: 500,
                every: { duty: 0, hasFault: "imu" },
            },
        ],
    })
}

describe("Controller: state transitions (table-driven, time passed in)", () => {
    for (const row of ROWS) {
        it(row.name, () => {
            runRow(row)
        })
    }
})
