// The fault x state matrix's cases: the states a fault can strike in (each reached the way a person
// reaches it), and the faults: every fault of the scenario format, the power cycle, and the pairs a
// single failure can cause together.

import { TraceRow } from "../trace"

type Event = Record<string, unknown>

export interface MatrixState {
    name: string
    /** the session up to the fault: what the person does (inputs held stay held) */
    prefix: Event[]
    /** the row is in this state (the fault strikes at the first such row after notBeforeS, held 0.5 s) */
    isIn: (row: TraceRow, homeDeg: number) => boolean
    notBeforeS: number
    /** what the person lets go of after the fault (3 s later: held buttons are released) */
    release: Record<string, boolean>
    /** the table is at home throughout: a drive fault shows only when the drive moves */
    atHome: boolean
    /** the faults already shown when the fault strikes */
    activeFaults: string[]
    /** the latch is open when the fault strikes */
    latchOpen?: boolean
}

const STRAPPED = { t: 0, set: { latch: true, deadman: true } }
const moving = (r: TraceRow) => r.state === "moving"

export const MATRIX_STATES: MatrixState[] = [
    {
        name: "idle",
        prefix: [STRAPPED],
        isIn: r => r.state === "idle",
        notBeforeS: 2,
        release: {},
        atHome: true,
        activeFaults: [],
    },
    {
        name: "moving deeper",
        prefix: [STRAPPED, { t: 1, set: { down: true } }],
        isIn: r => moving(r) && r.rateDps > 2 && r.angleDeg > -30,
        notBeforeS: 1,
        release: { down: false },
        atHome: false,
        activeFaults: [],
    },
    {
        name: "moving up",
        prefix: [
            STRAPPED,
            { t: 1, set: { down: true } },
            { t: 10, set: { down: false } },
            { t: 12, set: { up: true } },
        ],
        isIn: r => moving(r) && r.rateDps < -2,
        notBeforeS: 12,
        release: { up: false },
        atHome: false,
        activeFaults: [],
    },
    {
        name: "holding",
        prefix: [
            STRAPPED,
            { t: 1, set: { down: true } },
            { t: 10, set: { down: false } },
        ],
        isIn: r => r.state === "holding",
        notBeforeS: 12,
        release: {},
        atHome: false,
        activeFaults: [],
    },
    {
        name: "deadman",
        prefix: [
            STRAPPED,
            { t: 1, set: { down: true } },
            { t: 10, set: { down: false } },
            { t: 12, set: { deadman: false } },
        ],
        isIn: r => r.state === "deadman",
        notBeforeS: 12,
        release: {},
        atHome: false,
        activeFaults: [],
    },
    {
        name: "returning",
        prefix: [
            STRAPPED,
            { t: 1, set: { down: true } },
            { t: 10, set: { down: false } },
            { t: 12, set: { deadman: false } },
        ],
        isIn: r => r.state === "returning" && r.rateDps < -2,
        notBeforeS: 12,
        release: {},
        atHome: false,
        activeFaults: [],
    },
    {
        name: "the pause near flat",
        prefix: [
            STRAPPED,
            { t: 1, set: { down: true } },
            { t: 14, set: { down: false } },
            { t: 16, set: { deadman: false } },
        ],
        isIn: r =>
            r.state === "returning" &&
            r.angleDeg > 0 &&
            r.angleDeg < 10 &&
            Math.abs(r.rateDps) < 0.05,
        notBeforeS: 19,
        release: {},
        atHome: false,
        activeFaults: [],
    },
    {
        name: "service",
        prefix: [
            { t: 0, set: { latch: false, deadman: true } },
            { t: 1, set: { stop: true, up: true } },
            { t: 5, set: { stop: false, up: false } },
        ],
        isIn: r => r.state === "service",
        notBeforeS: 5,
        release: {},
        atHome: true,
        activeFaults: [],
        latchOpen: true,
    },
    {
        name: "fault (latch open away from home)",
        prefix: [
            STRAPPED,
            { t: 1, set: { down: true } },
            { t: 10, set: { down: false } },
            { t: 12, set: { latch: false } },
        ],
        isIn: r => r.state === "fault" && r.faults.includes("latch"),
        notBeforeS: 12,
        release: {},
        atHome: false,
        activeFaults: ["latch"],
        latchOpen: true,
    },
]

export interface MatrixFault {
    name: string
    /** the scenario's fault events at the moment it strikes (offsets in seconds) */
    events: { dtS: number; fault?: string; set?: Record<string, boolean> }[]
    /** why a single failure causes the pair (empty for a single fault) */
    cause: string
}

const single = (fault: string): MatrixFault => ({
    name: fault,
    events: [{ dtS: 0, fault }],
    cause: "",
})

export const MATRIX_SINGLE_FAULTS: MatrixFault[] = [
    "imu-stale",
    "imu-stuck",
    "imu-i2c",
    "imu-bias",
    "imu-noise",
    "motor-stall",
    "motor-reversed",
    "latch-chatter",
    "power-cycle",
].map(single)

export const MATRIX_PAIRS: MatrixFault[] = [
    {
        name: "imu-i2c + latch opens",
        events: [
            { dtS: 0, fault: "imu-i2c" },
            { dtS: 0.5, set: { latch: false } },
        ],
        cause: "the pad's cable pulled: the IMU's bus and the latch contact run in it",
    },
    {
        name: "imu-i2c + latch-chatter",
        events: [
            { dtS: 0, fault: "imu-i2c" },
            { dtS: 0, fault: "latch-chatter" },
        ],
        cause: "a connector working loose: the IMU's bus fails and the latch wire bounces",
    },
    {
        name: "imu-stale + imu-i2c",
        events: [
            { dtS: 0, fault: "imu-stale" },
            { dtS: 0.3, fault: "imu-i2c" },
        ],
        cause: "the IMU's bus hangs: samples stop, then reads fail",
    },
    {
        name: "imu-bias + imu-noise",
        events: [
            { dtS: 0, fault: "imu-bias" },
            { dtS: 0, fault: "imu-noise" },
        ],
        cause: "the sensor's mount breaks: it tilts and rattles",
    },
    {
        name: "motor-stall + power-cycle",
        events: [
            { dtS: 0, fault: "motor-stall" },
            { dtS: 0.3, fault: "power-cycle" },
        ],
        cause: "the drive jams and its current browns the supply out",
    },
    {
        name: "imu-stale + power-cycle",
        events: [
            { dtS: 0, fault: "power-cycle" },
            { dtS: 0, fault: "imu-stale" },
        ],
        cause: "a supply dip restarts the controller and leaves the IMU hung",
    },
    {
        name: "latch-chatter + power-cycle",
        events: [
            { dtS: 0, fault: "latch-chatter" },
            { dtS: 0.5, fault: "power-cycle" },
        ],
        cause: "a shorting latch wire pulls the supply down as it bounces",
    },
]

export const MATRIX_FAULTS: MatrixFault[] = [
    ...MATRIX_SINGLE_FAULTS,
    ...MATRIX_PAIRS,
]
