// Tuning of the estimator, the drive loop and the monitors: engineering choices, not contract.
// Each number says why it is what it is. Contract numbers are in limits.ts.

/** Boot collects this much IMU data (motor off) to start the estimate and the gyro bias. */
export const BOOT_SETTLE_MS = 500
/** ...and the first this much of it may see the table still coasting to rest from a drive cut by the
 *  restart (a cut stops within DEADMAN_STOP_MS): the angle and the gyro's bias are averaged afresh
 *  from the samples after it. A bias learned from a coasting table reads as motion once still. */
export const BOOT_COAST_MS = 250
/** A sensor noisier than usual is averaged longer, until the boot mean's own error (the scatter over
 *  the root of the samples) is down to this: about 2.2 times the usual noise (imuNoise 2.2) still
 *  boots in BOOT_SETTLE_MS; at imuNoise 10 the 13 samples of the usual boot left the angle 0.66 deg
 *  and the gyro's bias 0.14 deg/s uncertain (one standard error), and a move deeper just after
 *  power-on ran a degree past the deepest angle (the bias error times the filter's time constant). */
export const BOOT_ANGLE_ERROR_DEG = 0.15
/** ...squared, as the controller compares it (test/noisy-start.test.ts holds the two together). */
export const BOOT_ANGLE_ERROR_SQ_DEG2 = 0.0225
/** ...but never longer than this in all: the grip's grace and the return wait for the boot. */
export const BOOT_LONGEST_MS = 1000

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
/** ...from jumps (sample to sample, the gyro's share taken out) counted at most this many times the
 *  scatter so far (in squares: 3 times the RMS of a jump). A Gaussian sensor's jumps pass almost all
 *  (the mean reads about 3 % low), and one wild sample of a sensor at the noisiest the table allows
 *  (a jump of 15 deg among jumps of 3) no longer lifts the mean to the imu fault's noise trigger. */
export const SCATTER_JUMP_CLIP_SQ = 9
/** ...times the scatter so far, or this if more (the square of 0.77 deg, about 3.4 times the usual
 *  sensor's scatter): a sensor turning twenty times noisier than usual is not held back by the quiet
 *  scatter it starts from, and one jolt of a quiet sensor still lifts it by a few tenths at most. In
 *  400 tries with Gaussian noise, 20x noise reached 3.4 deg (the noise trigger then) in 1.3 s
 *  (median; at most 3.0 s, 3.5 s without this floor, 2.2 s counting every jump in full), and the
 *  noisiest sensor allowed, held 60 times for 10 min, stayed under 3.27 (counting every jump in full
 *  it reached 3.47). limits.ts IMU_NOISY_SCATTER_DEG has the trigger's own figures. */
export const SCATTER_CLIP_FLOOR_SQ_DEG2 = 0.6

/** With the motor off this long the worm gear holds the table still, so the gyro reads its bias. */
export const STILL_AFTER_MS = 300
/** The gyro bias estimate follows the still gyro with this time constant. */
export const BIAS_TRACK_TAU_S = 2
/** While the table moves, the bias follows what the accelerometer says the gyro got wrong: the
 *  angle error integrated, with gain 1 / (tau^2 * this) at the quiet sensor's tau (a bias that
 *  drifts during a long move would make the table run slow, or fast, at its rate). */
export const BIAS_FOLLOW_FACTOR = 10
/** ...and as a noisier sensor lengthens tau, the factor shrinks in proportion (the loop's gain falls
 *  as 1 / tau, not 1 / tau^2) down to this, where the filter and the bias loop are critically damped
 *  (both poles at 1 / (2 tau)). Held at 10, the slower pole sat near 9 tau: half a minute with a
 *  noisy sensor's tau of 3 to 4 s, while the gyro's bias wanders 0.1 deg/s in two minutes, and a
 *  return at 1 deg/s with such a sensor ran 10 % slow (of 900 sessions of the noisiest sensors, 7
 *  broke a rule with the factor held at 10, none with it shrinking). 4 for every sensor would do as
 *  well there, but with a quiet sensor it overshoots a correction by 13 % of it (7 % at 10): a table
 *  read 0.9 deg past the deepest angle then reads past the overtravel margin. */
export const BIAS_FOLLOW_MIN_FACTOR = 4
/** ...while the angle error, smoothed over the filter's time constant, is below this rate times
 *  that time constant (0.5 deg with a quiet sensor): a larger one is a transient, not a drifting bias.
 *  A bias error b leaves an error of b * tau, so a fixed bound in degrees shut the learning out with
 *  a noisy sensor's long tau just as the bias most needed it (a return at 1 deg/s ran 12 % slow and
 *  its error grew on, past the gate). */
export const BIAS_FOLLOW_MAX_ERROR_DPS = 1

/** The reported rate is the bias-corrected gyro, smoothed with this time constant. */
export const RATE_FILTER_TAU_S = 0.04

/** Disagreement check: the accelerometer angle, smoothed (tau below) against a gyro-propagated
 *  reference that leans slowly toward it (so an uncorrected bias cannot add up without limit). */
export const DISAGREE_ACCEL_TAU_S = 0.1
export const DISAGREE_REFERENCE_TAU_S = 3
/** The reference starts from the smoothed accelerometer angle once that has settled this long (three
 *  of its time constants), not from the first sample: one noisy first sample would otherwise stay in
 *  the reference for seconds and read as a disagreement. */
export const DISAGREE_SETTLE_S = 0.3

/** An imu condition counts as gone once the sensor has been healthy this long. */
export const IMU_HEALTHY_FOR_CLEAR_MS = 500

/** Drive loop: nominal table speed per unit of duty, used as feed-forward. The position feedback
 *  corrects any difference (load, supply voltage). */
export const MOTOR_NOMINAL_DPS_PER_DUTY = 15
/** Nominal time constant of the motor's speed response, for the acceleration feed-forward. */
export const MOTOR_NOMINAL_TIME_CONSTANT_S = 0.08
/** Duty below which a gear motor does not turn; added to the feed-forward of a move. */
export const MOTOR_DEADZONE_DUTY = 0.04
/** ...in full from this wanted speed on, in proportion below it (no step at a reversal). */
export const DEADZONE_FADE_DPS = 0.2
/** Open-loop driving (the angle unknown) limits its rate by the duty alone: this is the fastest a
 *  drive is taken to run per unit of duty above the deadzone — the nominal speed plus 20 % for a
 *  load that helps, a high supply voltage or a motor at the fast end of its tolerance. */
export const OPEN_LOOP_FASTEST_DPS_PER_DUTY = 18
/** Open-loop driving under an imu fault is kept over restarts in steps of this much, reserved
 *  before it is used: a restart can only ever find more used than was, never less. */
export const OPEN_LOOP_RESERVE_MS = 2000
/** Position feedback: speed asked per degree of error (2 rad/s of bandwidth, well inside the rate
 *  loop's, so moves do not overshoot), and at most this much speed on top of the plan. */
export const POSITION_GAIN_PER_S = 2
export const POSITION_CORRECTION_MAX_DPS = 1.5
/** The speed asked of the table may change this much faster than the planned acceleration, so the
 *  position feedback has room to correct. */
export const CORRECTION_ACCEL_DPS2 = 0.5
/** The most acceleration a move is planned with, and the drive asks of the table (plan and
 *  correction together), whatever accelDps2 says: the table follows what it is asked up to about
 *  1.6 times as hard (the heaviest user lowering, a drive at the fast end of its tolerance, the
 *  rate loop taking back a lead at a turn, the noisiest sensor), and that stays within the hard
 *  limit (limits.ts HARD_MAX_ACCEL_DPS2, 15). accelDps2 10, the top of its range, runs at this.
 *  At 9.5 the ramps soak found the table at 15.00 to 15.03 deg/s^2 in 2 of 10,000 sessions, all with
 *  the noisiest sensor (imuNoise 10) and heavy users; test/accel-limit.test.ts's fastest of 200 fell
 *  from 14.44 to 13.69 at 9. */
export const ACCEL_USABLE_MAX_DPS2 = 9
/** The wanted speed's acceleration turns from one limit to the other over this many ticks at least
 *  (a stop in the middle of a ramp): the motor is never asked for the whole turn in one tick. */
export const WANTED_ACCEL_TURN_TICKS = 2
/** The setpoint never runs further than this ahead of (or behind) the table: a table that cannot keep
 *  up (a heavy user at the rate limit) is waited for, so it never has to catch up faster. */
export const MAX_TRACKING_LAG_DEG = 1
/** Within this much of home the estimate cannot tell for sure which side of home the table is on (a
 *  noisy sensor reads half a degree off): a move deeper there runs at no more than the smaller of
 *  maxRateDps and returnRateDps, each of which may be the one that applies. */
export const HOME_SIDE_DOUBT_DEG = 1
/** The overtravel fault judges the estimate beyond its margins by more than this many standard
 *  errors of the estimate's own (estimator.ts, errorVarDeg2): the noisiest sensor allowed leaves the
 *  boot's mean 0.38 deg uncertain, and a table at rest at the deepest angle read as beyond its margin
 *  in 4 of 1,500 power-ons there (in 77 of 1,500 starting 0.4 deg past it, within the margin). A
 *  usual sensor's doubt is some 0.15 deg at boot and 0.03 deg after. */
export const OVERTRAVEL_DOUBT_SIGMAS = 2.5
/** ...but never more than this: the estimate restarted from one sample (after an imu fault has
 *  gone) is as uncertain as the sensor's scatter, up to some 9 deg near the noise trigger, and the
 *  backstop must not move that far out (the noisiest sensor's boot needs some 0.95 deg). */
export const OVERTRAVEL_DOUBT_MAX_DEG = 1
/** Rate feedback on the gyro-measured speed, duty per deg/s of speed error (stiffens the motor
 *  against load: about a third of its own speed gain). */
export const RATE_GAIN_DUTY_PER_DPS = 0.04
/** Above this accelerometer scatter (the estimator's, about 2.5 times the usual sensor's noise) the
 *  rate feedback is weakened in proportion: its gain on a noisier gyro would shake the table with
 *  the noise (at imuNoise 10, by up to 5 deg/s^2), and the integral still learns the load. */
export const RATE_GAIN_NOISY_SCATTER_DEG = 0.6
/** Integral of the rate error, duty per degree of speed error accumulated, and its bound (the load
 *  changes the motor's speed by some 15 %: a tenth of full duty covers it). */
export const RATE_INTEGRAL_DUTY_PER_DEG = 0.3
export const RATE_INTEGRAL_MAX_DUTY = 0.1
/** The duty never asks for more than this much speed beyond the wanted speed (at nominal gain). */
export const DRIVE_SPEED_MARGIN_DPS = 2
/** A finished move is settled (motor off, the worm gear holds) once within this of its target and
 *  slower than SETTLE_RATE_DPS... */
export const SETTLE_TOLERANCE_DEG = 0.5
export const SETTLE_RATE_DPS = 0.2
/** ...or this long after the setpoint arrived, whichever is first. */
export const SETTLE_TIMEOUT_MS = 1500

/** Stall and direction checks only judge moves at least this fast (planned or commanded). */
export const STALL_MIN_PLANNED_DPS = 1
export const DIRECTION_MIN_DUTY = 0.15
/** The table counts as moving against the command beyond this rate. */
export const DIRECTION_MIN_RATE_DPS = 1
/** Besides behaviour.md's 0.3 s, the direction fault also trips once the table has travelled this
 *  far against a command held steady for DIRECTION_COAST_MS (longer than a cut motor coasts): a
 *  reversed drive near the deepest angle must not carry the user a degree too far. */
export const DIRECTION_MAX_TRAVEL_DEG = 0.3
export const DIRECTION_COAST_MS = 150
/** Duty above the motor's deadzone: the drive is really pushing. */
export const DIRECTION_TRAVEL_MIN_DUTY = 0.05

/** In a fault that allows UP held at the helper's rate: if the table does not follow for this long,
 *  the drive is cut until UP is pressed again (no driving a jammed motor forever). */
export const FAULT_UP_NO_PROGRESS_MS = 1000
