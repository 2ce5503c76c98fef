// What the supervisor knows of the world in one tick, measured by others (the estimator, the
// monitors, the planner, the drive). Filled in by the controller; one object, reused every tick.

import { Inputs } from "./types"

export interface World {
    nowMs: number
    dtMs: number
    inputs: Inputs
    /** the estimate can be used (booted, IMU healthy) */
    estTrusted: boolean
    estDeg: number
    rateDps: number
    effectiveMaxDeg: number
    /** the planner: where its setpoint is, how fast it moves, whether it is at rest on its target */
    setpointDeg: number
    setpointVelDps: number
    setpointArrived: boolean
    /** the drive is settled (motor off, the worm gear holds) */
    driveSettled: boolean
    /** in service mode: where a running calibration step needs the table (NaN: nowhere) */
    calibrationTargetDeg: number
    /** the IMU has been healthy this long (0 when it is not) */
    imuHealthyMs: number
    /** the session's time limit (the setting, or the exercise program's shorter one) */
    sessionLimitS: number
}
