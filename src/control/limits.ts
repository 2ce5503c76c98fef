// Fixed numbers of the behaviour contract (behaviour.md). Compile-time: no setting, command or
// calibration can change them. User-adjustable limits live in settings.ts, tuning in tuning.ts.

/** Hard limits that nothing can exceed. */
export const HARD_MAX_ANGLE_DEG = 90
export const HARD_MAX_RATE_DPS = 10
export const HARD_MAX_ACCEL_DPS2 = 15

/** The control loop period (50 Hz). */
export const TICK_MS = 20

/** "At home" means within this distance of the home angle. */
export const AT_HOME_TOLERANCE_DEG = 3

/** Presets the PRESET button cycles through, shallowest first. */
export const PRESETS_DEG = [0, 15, 30, 45, 60, 90]

/** DOWN or PRESET held longer than this is taken as stuck. */
export const STUCK_BUTTON_MS = 60000

/** The rhythm program's gesture: PRESET held at least this long, then released (a tap is shorter). */
export const RHYTHM_HOLD_MS = 2000
/** ... and released before this: a PRESET held longer starts nothing (a button stuck or leant on). */
export const RHYTHM_HOLD_MAX_MS = 10000
/** The rhythm moves between the angle it started at and this much shallower (never above flat). */
export const RHYTHM_SPAN_DEG = 15
/** At most this fast, both ways, with the acceleration limit. */
export const RHYTHM_RATE_DPS = 2
/** It pauses this long at each end. */
export const RHYTHM_PAUSE_MS = 5000
/** A span shorter than this (the table near flat) starts no rhythm. */
export const RHYTHM_MIN_SPAN_DEG = 1

/** Dead-man release while moving deeper: stop within this time and this further travel. */
export const DEADMAN_STOP_MS = 250
export const DEADMAN_STOP_TRAVEL_DEG = 1.5

/** A return from deeper than this pauses near flat before going upright. */
export const RETURN_PAUSE_FROM_DEG = 30
/** Where the return pauses (inside the "near flat" band of 0..10 degrees) and for how long. */
export const RETURN_PAUSE_AT_DEG = 5
export const RETURN_PAUSE_MS = 10000

/** A pressed home switch is believed only with the angle unknown, or with the estimate at most this
 *  (the head-up side, where every calibrated home lies): pressed with the table inverted, it lies. */
export const HOME_SWITCH_BELIEVED_BELOW_DEG = -40

/** The latch must read closed this long before any move away from home. */
export const LATCH_SETTLE_MS = 200
/** With the latch open away from home, only UP held moves the table, at most this fast. */
export const LATCH_HELPER_RATE_DPS = 2
/** A latch fault allows the automatic returns again once the latch has read closed, without a
 *  bounce, this long (the ankles are locked again). */
export const LATCH_STEADY_MS = 2000

/** The session warning sounds this long before sessionLimitS. */
export const SESSION_WARNING_S = 30

/** Fault triggers (behaviour.md's fault table). */
export const IMU_STALE_MS = 100
export const IMU_ACCEL_MIN_G = 0.7
export const IMU_ACCEL_MAX_G = 1.3
export const IMU_ACCEL_IMPLAUSIBLE_MS = 200
export const IMU_FROZEN_MS = 500
export const IMU_DISAGREE_DEG = 5
export const IMU_DISAGREE_MS = 500
/** The accelerometer angle's scatter (the estimator's mean over about a second of the RMS change
 *  between samples that the gyro does not explain) beyond which the angle cannot be trusted to the
 *  degree the limits need. The scenario format's noisiest sensor (imuNoise 10) scatters 2.3 on the
 *  mean, and that mean reached 3.4 once in some 35,000 s of soak sessions (a false imu fault; in
 *  300 runs of 600 s with Gaussian noise, twice over 3.4, never over 3.5); a sensor twenty times
 *  noisier than usual scatters 4.6 and passes this within 1.5 s (median; 3.0 s at most in 400). */
export const IMU_NOISY_SCATTER_DEG = 3.6
export const OVERTRAVEL_DEEP_MARGIN_DEG = 1
export const OVERTRAVEL_HOME_MARGIN_DEG = 5
export const OVERSPEED_MARGIN_DPS = 2
export const STALL_MS = 1000
/** Stall: the measured rate below this fraction of the planned rate. */
export const STALL_RATE_FRACTION = 0.2
export const DIRECTION_MS = 300
export const WATCHDOG_LATE_MS = 100

/** With an imu fault, UP held drives toward home open-loop at no more than this duty... */
export const IMU_FAULT_UP_DUTY = 0.3
/** ...and stops at the home switch, or after this much driving without one. */
export const IMU_FAULT_UP_MAX_MS = 120000

/** Service mode: entered by holding STOP and UP together this long at home with the latch open. */
export const SERVICE_ENTRY_HOLD_MS = 3000
/** Service mode ends by itself after this long. */
export const SERVICE_TIMEOUT_MS = 600000
/** In service mode (the table empty) the pad moves it at this rate, no deeper than this: enough to
 *  level it for calibration, never to invert it. */
export const SERVICE_RATE_DPS = 2
export const SERVICE_MAX_DEG = 10

/** Sensor readings beyond these are not physical for this table: treated as a sensor fault. */
export const IMU_MAX_ABS_G = 16
export const IMU_MAX_ABS_DPS = 2000
