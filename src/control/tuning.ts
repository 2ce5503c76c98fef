// Tuning of the estimator, the drive loop and the monitors: engineering choices, not contract.
// Each number says why it is what it is. Contract numbers are in limits.ts.

/** Boot collects this much IMU data (motor off) to start the estimate and the gyro bias. */
export const BOOT_SETTLE_MS = 400

/** Complementary filter: the accelerometer corrects the gyro-propagated angle with this time
 *  constant while the accelerometer is as quiet as a healthy MPU-6050 on a still bed. */
export const ESTIMATOR_TAU_S = 0.5
/** The accelerometer angle's scatter (RMS) up to which ESTIMATOR_TAU_S applies. Noisier (vibration, a
 *  failing sensor) lengthens the time constant in proportion, so the estimate stays smooth and the
 *  gyro carries it, up to ESTIMATOR_MAX_TAU_S. */
export const ESTIMATOR_QUIET_SCATTER_DEG = 0.3
export const ESTIMATOR_MAX_TAU_S = 4
/** The scatter is measured with this time constant. */
export const ESTIMATOR_SCATTER_TAU_S = 1

/** With the motor off this long the worm gear holds the table still, so the gyro reads its bias. */
export const STILL_AFTER_MS = 300
/** The gyro bias estimate follows the still gyro with this time constant. */
export const BIAS_TRACK_TAU_S = 2

/** The reported rate is the bias-corrected gyro, smoothed with this time constant. */
export const RATE_FILTER_TAU_S = 0.04

/** Disagreement check: the accelerometer angle, smoothed (tau below) against a gyro-propagated
 *  reference that leans slowly toward it (so an uncorrected bias cannot add up without limit). */
export const DISAGREE_ACCEL_TAU_S = 0.1
export const DISAGREE_REFERENCE_TAU_S = 3

/** An imu condition counts as gone once the sensor has been healthy this long. */
export const IMU_HEALTHY_FOR_CLEAR_MS = 500

/** Drive loop: nominal table speed per unit of duty, used as feed-forward. The position feedback
 *  corrects any difference (load, supply voltage). */
export const MOTOR_NOMINAL_DPS_PER_DUTY = 15
/** Nominal time constant of the motor's speed response, for the acceleration feed-forward. */
export const MOTOR_NOMINAL_TIME_CONSTANT_S = 0.08
/** Duty below which a gear motor does not turn; added to the feed-forward of a move. */
export const MOTOR_DEADZONE_DUTY = 0.04
/** Position feedback, duty per degree of error (about 2.2 rad/s of loop bandwidth at the nominal
 *  motor speed: well damped against the motor's ~0.1 s time constant, so moves do not overshoot). */
export const POSITION_GAIN_DUTY_PER_DEG = 0.15
/** A finished move is settled (motor off, the worm gear holds) once within this of its target... */
export const SETTLE_TOLERANCE_DEG = 0.5
/** ...or this long after the setpoint arrived, whichever is first. */
export const SETTLE_TIMEOUT_MS = 1500
/** The feedback may ask for at most this much more speed than the plan (see drive.ts). */
export const DRIVE_SPEED_MARGIN_DPS = 4

/** Stall and direction checks only judge moves at least this fast (planned or commanded). */
export const STALL_MIN_PLANNED_DPS = 1
export const DIRECTION_MIN_DUTY = 0.15
/** The table counts as moving against the command beyond this rate. */
export const DIRECTION_MIN_RATE_DPS = 1

/** In a fault that allows UP held at the helper's rate: if the table does not follow for this long,
 *  the drive is cut until UP is pressed again (no driving a jammed motor forever). */
export const FAULT_UP_NO_PROGRESS_MS = 1000
