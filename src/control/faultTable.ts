// The fault table: one row per fault, the whole meaning of each in one place. Raising, clearing,
// the alarm/notice split, what a fault still allows, what survives a restart, the service's fault
// bits, the console's fault texts and the docs' fault table all come from these rows.
//
// What a fault allows is one of four levels, the strictest of every active fault winning, with a
// rate cap and an open-loop flag that combine the same way (faultPolicy.ts):
//   ALLOW_NOTHING      nothing moves the table
//   ALLOW_HELPER_UP    only UP held (someone bringing the user back) moves it, toward home
//   ALLOW_TOWARD_HOME  every move toward home: UP, HOME, and the automatic returns (dead-man, session)
//   ALLOW_ALL          no restriction (no fault)
// A row gives the strict allowance, and for some faults a relaxed one once a condition holds (the
// latch closed steadily again; overtravel on the deep side, where the way home is known to be free).

import { LATCH_HELPER_RATE_DPS } from "./limits"
import { FaultName } from "./types"

export const ALLOW_NOTHING = 0
export const ALLOW_HELPER_UP = 1
export const ALLOW_TOWARD_HOME = 2
export const ALLOW_ALL = 3

/** No rate cap beyond the settings'. */
export const NO_RATE_CAP_DPS = 1000

export interface FaultRow {
    /** (its place in FAULT_TABLE is its bit number in the service's Faults bitmask and in stored
     *  records) */
    name: FaultName
    /** "alarm": the state is `fault` and the alarm sounds; "notice": shown, and acknowledged by STOP */
    kind: "alarm" | "notice"
    /** when it is raised */
    raisedWhen: string
    /** the allowance while it is active (ALLOW_*) */
    allows: number
    /** a cap on every rate while it is active, deg/s (NO_RATE_CAP_DPS: none) */
    rateCapDps: number
    /** the angle is unknown: the drive runs open-loop, at a limited duty */
    openLoop: boolean
    /** what it allows, in words */
    allowsText: string
    /** when its condition counts as gone */
    goneWhen: string
    /** where a STOP press clears it once gone: "home", or "anywhere" (an acknowledgement) */
    clearedAt: "home" | "anywhere"
    /** it is kept over a restart (a boot cannot re-check it: the drive shows it only when it moves) */
    survivesRestart: boolean
    /** its meaning in one sentence */
    meaning: string
}

export const FAULT_TABLE: FaultRow[] = [
    {
        name: "imu",
        kind: "alarm",
        raisedWhen:
            "no fresh IMU sample for 100 ms, an I2C error, acceleration magnitude outside 0.7..1.3 g for 0.2 s, frozen readings (all six axes identical for 0.5 s), accelerometer and gyro disagreeing by more than 5 degrees for 0.5 s, readings that scatter more than 3.6 degrees from one sample to the next (a mean over about a second), or a reading that is not a plausible number",
        allows: ALLOW_HELPER_UP,
        rateCapDps: NO_RATE_CAP_DPS,
        openLoop: true,
        allowsText:
            "UP held drives toward home open-loop, its duty ramped up to at most 30 %, until the home switch or 120 s of driving; with a known home switch, the dead-man and session returns drive the same way on their own",
        goneWhen: "the sensor has given healthy readings for 0.5 s",
        clearedAt: "home",
        survivesRestart: false,
        meaning:
            "the angle is unknown: the sensor is silent, failing or lying (a boot checks it again)",
    },
    {
        name: "latch",
        kind: "alarm",
        raisedWhen:
            "the strap latch reads open away from home, or with the angle unknown and the home switch not pressed",
        allows: ALLOW_HELPER_UP,
        rateCapDps: LATCH_HELPER_RATE_DPS,
        openLoop: false,
        allowsText:
            "while the latch reads open or has bounced in the last 2 s: only UP held, at most 2 deg/s; once it has read closed for 2 s: every move toward home, the automatic returns included, at returnRateDps",
        goneWhen: "the latch reads closed, or the table is at home",
        clearedAt: "home",
        survivesRestart: false,
        meaning:
            "the ankles may not be locked: the machine never moves an unlatched user on its own",
    },
    {
        name: "overtravel",
        kind: "alarm",
        raisedWhen:
            "the estimated angle beyond the effective deepest angle + 1, or below home - 5, by more than the estimate's own doubt (2.5 of its standard errors: some 0.15 degree just after power-on with a usual sensor, 1 with the noisiest allowed, a few hundredths later)",
        allows: ALLOW_NOTHING,
        rateCapDps: NO_RATE_CAP_DPS,
        openLoop: false,
        allowsText:
            "beyond the deepest angle: every move toward home, the automatic returns included; below home: nothing (the estimate or the calibration is wrong at the home end)",
        goneWhen: "the angle is back within its limits",
        clearedAt: "home",
        survivesRestart: false,
        meaning: "the table is where it must never be",
    },
    {
        name: "overspeed",
        kind: "alarm",
        raisedWhen: "the measured rate above 12 deg/s (the hard rate + 2)",
        allows: ALLOW_HELPER_UP,
        rateCapDps: LATCH_HELPER_RATE_DPS,
        openLoop: false,
        allowsText:
            "only UP held, toward home at 2 deg/s, the angle watched; a drive that does not follow for 1 s is cut until UP is pressed again",
        goneWhen: "the rate is back under the limit",
        clearedAt: "home",
        survivesRestart: true,
        meaning:
            "the drive ran away: it cannot be trusted to move the user on its own",
    },
    {
        name: "stall",
        kind: "alarm",
        raisedWhen:
            "the motor commanded to move and the table not following for 1 s (rate below a fifth of the planned rate)",
        allows: ALLOW_HELPER_UP,
        rateCapDps: LATCH_HELPER_RATE_DPS,
        openLoop: false,
        allowsText:
            "only UP held, toward home at 2 deg/s, the angle watched; a drive that does not follow for 1 s is cut until UP is pressed again",
        goneWhen: "at once (the drive is off)",
        clearedAt: "home",
        survivesRestart: true,
        meaning:
            "the drive is jammed or too weak: it cannot be trusted to move the user on its own",
    },
    {
        name: "direction",
        kind: "alarm",
        raisedWhen:
            "the table moving against the motor command for 0.3 s, or 0.3 degrees against a command held steady",
        allows: ALLOW_NOTHING,
        rateCapDps: NO_RATE_CAP_DPS,
        openLoop: false,
        allowsText:
            "nothing: UP could take the user deeper; a helper uses the table's manual release",
        goneWhen: "at once (the drive is off)",
        clearedAt: "home",
        survivesRestart: true,
        meaning:
            "the drive turns the wrong way (motor wires or sensor reversed)",
    },
    {
        name: "watchdog",
        kind: "alarm",
        raisedWhen:
            "a control tick more than 100 ms late, or a control clock that is not a number or goes backwards",
        allows: ALLOW_TOWARD_HOME,
        rateCapDps: NO_RATE_CAP_DPS,
        openLoop: false,
        allowsText:
            "every move toward home, the automatic returns included; nothing deeper",
        goneWhen: "at once (the loop runs on time again)",
        clearedAt: "home",
        survivesRestart: false,
        meaning: "the control loop cannot be trusted to keep time",
    },
    {
        name: "settings",
        kind: "notice",
        raisedWhen:
            "stored settings or records unreadable, failing their checksum or out of range: the defaults are used",
        allows: ALLOW_TOWARD_HOME,
        rateCapDps: NO_RATE_CAP_DPS,
        openLoop: false,
        allowsText:
            "every move toward home, the automatic returns included; nothing deeper until acknowledged",
        goneWhen: "at once (acknowledging it is the point)",
        clearedAt: "anywhere",
        survivesRestart: false,
        meaning:
            "nobody tilts on settings nobody chose without being told: a STOP press acknowledges it",
    },
]

function namesOf(rows: FaultRow[]): FaultName[] {
    const out: FaultName[] = []
    for (const row of rows) out.push(row.name)
    return out
}

/** The fault names in the table's order: the order faults are reported in. */
export const FAULT_NAMES: FaultName[] = namesOf(FAULT_TABLE)

/** The index of a fault in FAULT_TABLE (equal to its bit), -1 for a name that is not a fault. */
export function faultIndex(name: string): number {
    for (let i = 0; i < FAULT_TABLE.length; i++)
        if (FAULT_TABLE[i].name === name) return i
    return -1
}
