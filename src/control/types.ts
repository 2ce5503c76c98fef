// The controller's contract with the world: what goes in each tick, what comes out.
// Plain TypeScript inside the DeviceScript subset: no @devicescript import, no clock, no I/O.

import type { CalibrationStatus } from "./calibration"

/** The states of behaviour.md. */
export type StateName =
    | "boot"
    | "idle"
    | "moving"
    | "holding"
    | "deadman"
    | "returning"
    | "fault"
    | "service"

/** The state names, in the order the table's service codes them (code = index). */
export const STATE_NAMES: StateName[] = [
    "boot",
    "idle",
    "moving",
    "holding",
    "deadman",
    "returning",
    "fault",
    "service",
]

/** The faults of behaviour.md, in the order they are reported. */
export type FaultName =
    | "imu"
    | "latch"
    | "overtravel"
    | "overspeed"
    | "stall"
    | "direction"
    | "watchdog"
    | "settings"

/** The fault names in the order they are reported: the fault table's (faultTable.ts). */
export { FAULT_NAMES } from "./faultTable"

/**
 * One IMU reading in physical units, as the driver (or the simulator) delivers it.
 *
 * Axes (hardware.md): the IMU is mounted on the bed with x along the table's length pointing to the
 * feet end, z normal to the bed, y along the pivot axis. With the table at inversion angle A
 * (positive head-down) and at rest: axG = sin(A), azG = cos(A), and gyDps = dA/dt.
 */
export interface ImuSample {
    /** false when the driver reported an error (no answer, wrong identity, I2C error) */
    ok: boolean
    /** increases by one for every new sample; an unchanged value means no new sample arrived */
    seq: number
    axG: number
    ayG: number
    azG: number
    gxDps: number
    gyDps: number
    gzDps: number
}

/** Everything the controller reads in one tick. Booleans are debounced levels. */
export interface Inputs {
    imu: ImuSample
    /** dead-man grip held (a broken wire reads false) */
    grip: boolean
    /** strap latch closed (a broken wire reads false) */
    latch: boolean
    up: boolean
    down: boolean
    stop: boolean
    preset: boolean
    home: boolean
    /** optional home end-stop switch: true when pressed (false when none is fitted) */
    homeSwitch: boolean
}

/** Everything the controller reports in one tick. */
export interface Outputs {
    /** motor command in -1..1, positive drives deeper (head further down) */
    duty: number
    state: StateName
    /** active faults, in FAULT_NAMES order */
    faults: FaultName[]
    /** why each active fault was raised, in the same order */
    faultReasons: string[]
    /** estimated inversion angle */
    estDeg: number
    /** estimated angular rate */
    rateDps: number
    /** where the controller is heading: the goal of the current move, or the angle it holds */
    targetDeg: number
    /** the motion planner's setpoint this tick (moves toward targetDeg within the rate limits) */
    setpointDeg: number
    /** the effective deepest angle: min(hard limit, maxAngleDeg, progression) */
    effectiveMaxDeg: number
    /** time spent inverted (angle > 0) in this session */
    sessionInvertedS: number
    /** the session-limit warning is due (beep) */
    warning: boolean
    /** a fault alarm is sounding */
    alarm: boolean
    /** the inputs as the controller used them */
    grip: boolean
    latch: boolean
    /** the last calibration step ("" before any: calibration.ts CALIBRATION_STEPS) */
    calibrationStep: string
    /** how it went (calibration.ts CALIBRATION_STATUSES) */
    calibrationStatus: CalibrationStatus
    /** its message in words: "accelerometer offset 0.3 deg", "measuring", a refusal's reason */
    calibrationMessage: string
    /** increases with every change of the settings */
    settingsRevision: number
    /** the active faults a restart must not forget (fault-table bits); with openLoopReservedMs, a
     *  change means the record kept over restarts (Controller.keptRecord()) must be stored again */
    keptFaultBits: number
    /** open-loop driving reserved under the current imu fault, as the kept record holds it */
    openLoopReservedMs: number
    /** the session's time limit (the setting, or the exercise program's shorter one) */
    sessionLimitS: number
    /** the exercise program's progress */
    countedSessions: number
    warningsAcknowledged: boolean
    /** bumped when the progress changes (the firmware stores Controller.program.progress then) */
    progressRevision: number
    /** bumped when the session record changes (the firmware stores Controller.program.record then) */
    recordRevision: number
    /** what the buzzer sounds now: "", "warning", "cap", "counted", or "alarm-" + a fault name */
    sound: string
}
