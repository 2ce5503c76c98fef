// The mutation check's list: single-line changes to the safety rules in src/control, each the kind
// of slip a rule's test must catch. Constants shared with the contract checker (src/control/
// limits.ts) are changed where the controller uses them, never in limits.ts: a test judged by the
// same constant could not see the change.

export interface Mutation {
    id: string
    /** the rule it breaks, in words */
    rule: string
    file: string
    find: string
    replace: string
    /** which occurrence of `find` (1: the first) */
    nth?: number
}

export const MUTATIONS: Mutation[] = [
    {
        id: "shorter-grace",
        rule: "the dead-man grace before the automatic return (half as long)",
        file: "src/control/supervisor.ts",
        find: "const graceMs = s.deadmanGraceS * 1000",
        replace: "const graceMs = s.deadmanGraceS * 500",
        nth: 2,
    },
    {
        id: "no-latch-settle",
        rule: "the latch settled (closed 0.2 s) before a move deeper",
        file: "src/control/supervisor.ts",
        find: "const latchOk = w.inputs.latch && this.latchSettled(w.nowMs)",
        replace: "const latchOk = w.inputs.latch",
    },
    {
        id: "guard-no-latch-settle",
        rule: "the guard's own latch settle (closed 0.2 s) before a move deeper",
        file: "src/control/guard.ts",
        find: "this.latchClosed.atLeast(nowMs, LATCH_SETTLE_MS) &&",
        replace: "true &&",
    },
    {
        id: "no-braking-room",
        rule: "toward the goal no faster than a stop on it allows from where the table is",
        file: "src/control/drive.ts",
        find: "toGoDeg > 0 ? roomDps : rateLimitDps",
        replace: "rateLimitDps",
    },
    {
        id: "noise-ignored",
        rule: "an IMU whose readings scatter more than 3.6 degrees is the imu fault",
        file: "src/control/imuMonitor.ts",
        find: "scatterSqDeg2 > IMU_NOISY_SCATTER_DEG * IMU_NOISY_SCATTER_DEG",
        replace:
            "scatterSqDeg2 > 100 * IMU_NOISY_SCATTER_DEG * IMU_NOISY_SCATTER_DEG",
    },
    {
        id: "bias-not-followed",
        rule: "the gyro bias followed while the table moves",
        file: "src/control/estimator.ts",
        find: "(errorDeg * dtS) /",
        replace: "0 * (errorDeg * dtS) /",
    },
    {
        id: "deeper-cap",
        rule: "the deepest angle (5 degrees deeper)",
        file: "src/control/controller.ts",
        find: "return cap < user ? cap : user",
        replace: "return (cap < user ? cap : user) + 5",
    },
    {
        id: "no-pause",
        rule: "the pause near flat on the way home from deeper than 30",
        file: "src/control/returns.ts",
        find: "this.deepestSinceHomeDeg > RETURN_PAUSE_FROM_DEG &&",
        replace: "this.deepestSinceHomeDeg > 1000 &&",
    },
    {
        id: "stop-ramped",
        rule: "STOP (and UP with DOWN) cuts the drive, not a ramped stop",
        file: "src/control/supervisor.ts",
        find: 'if (stopped) return req.set("halt")',
        replace: 'if (stopped) return req.set("stop")',
    },
    {
        id: "deeper-without-grip",
        rule: "no move deeper without the grip held",
        file: "src/control/supervisor.ts",
        find: "noFault && grip && latchOk && !this.session.expired && w.estTrusted",
        replace: "noFault && latchOk && !this.session.expired && w.estTrusted",
    },
    {
        id: "session-limit-doubled",
        rule: "the session limit (twice as long)",
        file: "src/control/session.ts",
        find: "if (this.invertedMs >= limitS * 1000) this.expired = true",
        replace: "if (this.invertedMs >= limitS * 2000) this.expired = true",
    },
    {
        id: "overtravel-later",
        rule: "overtravel raised 1 degree past the deepest angle (6)",
        file: "src/control/motionMonitor.ts",
        find: "if (estDeg > effectiveMaxDeg + OVERTRAVEL_DEEP_MARGIN_DEG + doubtDeg)",
        replace:
            "if (estDeg > effectiveMaxDeg + OVERTRAVEL_DEEP_MARGIN_DEG + 5 + doubtDeg)",
    },
    {
        id: "overspeed-later",
        rule: "overspeed raised above 12 deg/s (17)",
        file: "src/control/motionMonitor.ts",
        find: "if (Math.abs(rateDps) > HARD_MAX_RATE_DPS + OVERSPEED_MARGIN_DPS)",
        replace:
            "if (Math.abs(rateDps) > HARD_MAX_RATE_DPS + OVERSPEED_MARGIN_DPS + 5)",
    },
    {
        id: "stall-slower",
        rule: "stall raised after 1 s of a drive that does not follow (3 s)",
        file: "src/control/motionMonitor.ts",
        find: "if (this.stalling.atLeast(nowMs, STALL_MS))",
        replace: "if (this.stalling.atLeast(nowMs, STALL_MS * 3))",
    },
    {
        id: "direction-slower",
        rule: "direction raised after 0.3 s against the command (0.9 s)",
        file: "src/control/motionMonitor.ts",
        find: "if (this.against.atLeast(nowMs, DIRECTION_MS))",
        replace: "if (this.against.atLeast(nowMs, DIRECTION_MS * 3))",
    },
    {
        id: "imu-stale-slower",
        rule: "imu raised after 100 ms without a fresh sample (500 ms)",
        file: "src/control/imuMonitor.ts",
        find: "this.sinceFresh.atLeast(nowMs, IMU_STALE_MS) &&",
        replace: "this.sinceFresh.atLeast(nowMs, IMU_STALE_MS * 5) &&",
    },
    {
        id: "open-loop-duty-doubled",
        rule: "the imu fault's open-loop duty at most 30 % (60 %)",
        file: "src/control/faultPolicy.ts",
        find: "capDuty < IMU_FAULT_UP_DUTY ? capDuty : IMU_FAULT_UP_DUTY",
        replace:
            "capDuty < IMU_FAULT_UP_DUTY * 2 ? capDuty : IMU_FAULT_UP_DUTY * 2",
    },
    {
        id: "latch-helper-fast",
        rule: "the latch fault's UP at 2 deg/s (no cap)",
        file: "src/control/faultTable.ts",
        find: "rateCapDps: LATCH_HELPER_RATE_DPS,",
        replace: "rateCapDps: NO_RATE_CAP_DPS,",
    },
    {
        id: "open-loop-budget-doubled",
        rule: "the open-loop budget of 120 s (240 s)",
        file: "src/control/recovery.ts",
        find: "if (this.usedMs + onMs > IMU_FAULT_UP_MAX_MS) wanted = false",
        replace:
            "if (this.usedMs + onMs > 2 * IMU_FAULT_UP_MAX_MS) wanted = false",
    },
    {
        id: "latch-unknown-angle",
        rule: "an open latch is a fault with the angle unknown",
        file: "src/control/controller.ts",
        find: 'faults.raise("latch", "strap latch open with the angle unknown")',
        replace: 'faults.has("latch")',
    },
    {
        id: "start-bounce-forgotten",
        rule: "a latch opening during the start is judged at the first known angle",
        file: "src/control/controller.ts",
        find: "if (booting && !inputs.latch) this.latchOpenedUnjudged = true",
        replace:
            "if (booting && !inputs.latch) this.latchOpenedUnjudged = false",
    },
    {
        id: "latch-steady-ignored",
        rule: "the latch fault's returns only once the latch has read closed 2 s",
        file: "src/control/faultPolicy.ts",
        find: 'if (row.name === "latch" && ctx.latchSteady) {',
        replace: 'if (row.name === "latch") {',
    },
    {
        id: "stop-from-a-lagging-setpoint",
        rule: "a released move brakes within the acceleration limit from where the table is (also when the table is ahead of its plan)",
        file: "src/control/controller.ts",
        find: "if (p.velDps !== 0) p.posDeg = estDeg",
        replace:
            "if (p.velDps > 0 ? p.posDeg > estDeg : p.posDeg < estDeg) p.posDeg = estDeg",
    },
    {
        id: "bias-gate-in-degrees",
        rule: "the gyro bias followed while moving with the long time constant of a noisy sensor (its error b * tau passes the gate)",
        file: "src/control/estimator.ts",
        find: "Math.abs(this.errorMeanDeg) < BIAS_FOLLOW_MAX_ERROR_DPS * tauS",
        replace:
            "Math.abs(this.errorMeanDeg) < BIAS_FOLLOW_MAX_ERROR_DPS * ESTIMATOR_TAU_S",
    },
    {
        id: "boot-short-for-noise",
        rule: "a noisy sensor averaged for longer at boot (up to BOOT_LONGEST_MS)",
        file: "src/control/controller.ts",
        find: "(n * BOOT_ANGLE_ERROR_SQ_DEG2 >=",
        replace: "(n * 1e9 >=",
    },
    {
        id: "boot-scatter-unmeasured",
        rule: "the accelerometer's scatter measured from the boot's samples (the first move's filter time constant)",
        file: "src/control/estimator.ts",
        find: "(offDeg * (accelDeg - this.angleDeg) - this.scatterSqDeg2) /",
        replace:
            "0 * (offDeg * (accelDeg - this.angleDeg) - this.scatterSqDeg2) /",
    },
    {
        id: "noise-judged-while-booting",
        rule: "the noise trigger judges the scatter once the boot has averaged it, not over its first few samples",
        file: "src/control/controller.ts",
        find: "this.booted ? est.scatterSqDeg2 : 0",
        replace: "est.scatterSqDeg2",
    },
    {
        id: "overtravel-without-doubt",
        rule: "the overtravel fault judges the estimate beyond its margin by more than its own doubt (a noisy sensor's start at the deepest angle)",
        file: "src/control/motionMonitor.ts",
        find: "OVERTRAVEL_DEEP_MARGIN_DEG + doubtDeg)",
        replace: "OVERTRAVEL_DEEP_MARGIN_DEG)",
    },
    {
        id: "jammed-release-pushes-on",
        rule: "the helper's UP released on a table that was not following cuts the drive (no pushing on against a jam)",
        file: "src/control/recovery.ts",
        find: 'jammed ? "off" : ',
        replace: "",
    },
    {
        id: "scatter-unclipped",
        rule: "one wild sample counts for at most SCATTER_JUMP_CLIP_SQ times the scatter (no false imu fault with the noisiest sensor)",
        file: "src/control/estimator.ts",
        find: "SCATTER_JUMP_CLIP_SQ *",
        replace: "1e9 *",
    },
    {
        id: "no-lag-feed-forward",
        rule: "the motor's lag fed forward from the wanted speed's own acceleration (the hard acceleration limit at a stop inside a ramp)",
        file: "src/control/drive.ts",
        find: "MOTOR_NOMINAL_TIME_CONSTANT_S * wantedAccelDps2",
        replace: "0",
    },
    {
        id: "accel-turned-in-one-tick",
        rule: "the wanted speed's acceleration turns over two ticks, never in one",
        file: "src/control/drive.ts",
        find: "(2 * accelLimitDps2) / WANTED_ACCEL_TURN_TICKS",
        replace: "2 * accelLimitDps2",
    },
    {
        id: "homeward-at-the-move-rate",
        rule: "never faster toward home than returnRateDps, also a correction back from past a goal",
        file: "src/control/controller.ts",
        find: "this.settings.returnRateDps,\n            Math.sqrt(",
        replace: "10,\n            Math.sqrt(",
    },
    {
        id: "pause-taken-again",
        rule: "an interrupted pause near flat goes on with what it had left (once per trip)",
        file: "src/control/returns.ts",
        find: "this.pauseEnd.setIn(w.nowMs, this.pauseLeftMs)",
        replace: "this.pauseEnd.setIn(w.nowMs, RETURN_PAUSE_MS)",
    },
    {
        id: "plan-at-the-setting",
        rule: "no move planned faster than ACCEL_USABLE_MAX_DPS2 (accelDps2 10 runs at 9.5)",
        file: "src/control/planner.ts",
        find: "this.accelDps2 = clamp(accelDps2, 0.1, ACCEL_USABLE_MAX_DPS2)",
        replace: "this.accelDps2 = clamp(accelDps2, 0.1, 15)",
    },
    {
        id: "rate-gain-deaf-to-noise",
        rule: "the rate feedback weakened in proportion to a noisy sensor's scatter",
        file: "src/control/drive.ts",
        find: "Math.max(1, scatterDeg / RATE_GAIN_NOISY_SCATTER_DEG)",
        replace: "1",
    },
    {
        id: "holding-follows-the-estimate",
        rule: "holding never drives the motor, also when the estimate jumps",
        file: "src/control/controller.ts",
        find: "const holding = this.drive.settled && p.arrived()",
        replace: "const holding = false",
    },
    {
        id: "home-side-trusted",
        rule: "a move deeper within the sensor's doubt of home at the smaller of maxRateDps and returnRateDps",
        file: "src/control/controller.ts",
        find: "estDeg < s.homeDeg + HOME_SIDE_DOUBT_DEG",
        replace: "estDeg < s.homeDeg",
    },
    {
        id: "reference-from-first-sample",
        rule: "the accelerometer/gyro comparison starts from the settled angle, not the first sample",
        file: "src/control/imuMonitor.ts",
        find: "if (this.referenceSettleS < DISAGREE_SETTLE_S) {",
        replace: "if (false) {",
    },
]

/** The text with the mutation applied; throws if `find` does not occur that often. */
export function applyMutation(text: string, m: Mutation): string {
    const nth = m.nth ?? 1
    let at = -1
    for (let i = 0; i < nth; i++) {
        at = text.indexOf(m.find, at + 1)
        if (at < 0)
            throw new Error(
                `${m.id}: ${JSON.stringify(m.find)} occurs fewer than ${nth} times in ${m.file}`
            )
    }
    return text.slice(0, at) + m.replace + text.slice(at + m.find.length)
}
