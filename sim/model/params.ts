// Every physical constant of the simulated table in one place.
// Angles in degrees (positive head-down), rates in deg/s, at the table's pivot unless named otherwise.
// The values describe a plausible home-built motorised inversion table, not one measured product;
// change them here, never inline.

// ---- time steps ----

/** Physics integration step. 1 ms keeps the 80 ms motor lag and the stop transients accurate. */
export const PHYSICS_STEP_S = 0.001
/** The IMU's output data rate is 50 Hz: one new sample every 20 ms, one per control tick. */
export const IMU_SAMPLE_PERIOD_S = 0.02
/** The control tick, used to express latch-bounce durations in ticks as the fault description does. */
export const CONTROL_TICK_S = 0.02
/** One advance() call integrates at most this long; guards against a runaway loop on a huge dtS. */
export const MAX_ADVANCE_S = 3600

// ---- tilt drive: DC gear motor through a self-locking worm gear ----

/** First-order lag of the motor speed (rotor and gear inertia against the motor's back-EMF). */
export const MOTOR_TIME_CONSTANT_S = 0.08
/** Steady table rate at full duty with no gravity load: the drive's top speed. */
export const FULL_DUTY_RATE_DPS = 15
/**
 * Duty below which the motor cannot overcome the drive's friction and does not move. Modelled as
 * Coulomb friction worth this fraction of the drive's strength, so it also brakes a coasting motor:
 * that is why the table stops in finite time (about 0.23 s from 10 deg/s) when the duty is cut.
 */
export const DEADZONE_DUTY = 0.04
/**
 * The motor's stall torque as seen at the table's pivot (after the gear ratio). A load torque of this
 * size would stop the motor; the user's gravity torque, a few percent of it, changes the speed by as
 * many percent (linear speed-torque line of a DC motor).
 */
export const MOTOR_STALL_TORQUE_AT_PIVOT_NM = 830
/**
 * Bounds on the load's effect on speed, as a factor. With the geometry below a 160 kg user stays
 * within about ±12 %; the bounds only guard against someone editing the geometry to absurd values.
 */
export const LOAD_SPEED_FACTOR_MIN = 0.85
export const LOAD_SPEED_FACTOR_MAX = 1.15

// ---- geometry and load ----

/** Standard gravity. */
export const GRAVITY_MPS2 = 9.81
/**
 * The user's centre of mass relative to the pivot, in the bed's frame: along the bed (positive toward
 * the feet) and normal to it (positive away from the bed, on the user's side). A tilt table is set up
 * nearly balanced: the centre of mass a little on the head side and a little above the pivot axis.
 */
export const USER_COM_ALONG_BED_M = -0.02
export const USER_COM_NORMAL_M = 0.06
/** Range of user masses the model accepts (the scenario format's range); default in between. */
export const USER_MASS_MIN_KG = 30
export const USER_MASS_MAX_KG = 160
export const USER_MASS_DEFAULT_KG = 80

/** Mechanical end stops: the frame cannot turn beyond these, whatever the motor does. */
export const STOP_SHALLOW_DEG = -88
export const STOP_DEEP_DEG = 95
/**
 * A table's calibrated home sits this far above its loading stop: the closed-loop approach to home
 * ends before the frame touches the stop, and an open-loop drive toward home ends on it.
 */
export const HOME_ABOVE_STOP_DEG = 2
/**
 * An optional home switch at the loading stop closes within this distance of the stop: at the
 * calibrated home (HOME_ABOVE_STOP_DEG above the stop) it is already pressed, so that an open-loop
 * drive toward home is cut before the frame touches the stop.
 */
export const HOME_SWITCH_TRAVEL_DEG = HOME_ABOVE_STOP_DEG + 0.5
/** Start angle when the options give none that makes sense: the default home. */
export const DEFAULT_START_ANGLE_DEG = -65

// ---- IMU (MPU-6050 class) ----

/** Where the IMU sits on the bed relative to the pivot: along the bed (toward the feet), and normal. */
export const IMU_OFFSET_ALONG_BED_M = 0.5
export const IMU_OFFSET_NORMAL_M = 0
/** Accelerometer white noise per axis per sample, at imuNoise = 1. */
export const ACCEL_NOISE_G = 0.004
/** Gyro white noise per axis per sample, at imuNoise = 1. */
export const GYRO_NOISE_DPS = 0.05
/** Each gyro axis starts with a bias drawn uniformly within ± this (an uncalibrated MEMS gyro). */
export const GYRO_BIAS_INITIAL_MAX_DPS = 1
/**
 * Gyro bias random walk (bias instability). A property of the gyro, not of the noise level, so it is
 * not scaled by imuNoise: it also keeps consecutive samples from ever being bit-identical, which the
 * controller would rightly take for a frozen sensor.
 */
export const GYRO_BIAS_DRIFT_DPS_PER_SQRT_S = 0.01
/** The scenario format's range for the imuNoise multiplier. */
export const IMU_NOISE_MAX = 10

// ---- injected faults ----

/** imu-bias: the accelerometer reads as if the sensor were tilted this much deeper. */
export const FAULT_ACCEL_TILT_DEG = 8
/** imu-noise: sensor noise multiplied by this (applied to at least the nominal noise level). */
export const FAULT_NOISE_FACTOR = 20
/** latch-chatter: the contact stays closed for a random 2..10 ticks, then opens for 1..3 ticks. */
export const CHATTER_CLOSED_TICKS_MIN = 2
export const CHATTER_CLOSED_TICKS_MAX = 10
export const CHATTER_OPEN_TICKS_MIN = 1
export const CHATTER_OPEN_TICKS_MAX = 3
