// The faults of behaviour.md's fault table, with their meaning, in the one place the console reads
// them (`faults`, `status`). The names are the controller's (src/control/types.ts FAULT_NAMES, in its
// order); test/console-unit.test.ts checks that every one has a meaning here.

import { FAULT_NAMES, FaultName } from "../../src/control/types"

/** behaviour.md, "Faults": when each is raised. */
export const FAULT_MEANINGS: Record<FaultName, string> = {
    imu:
        "no fresh IMU sample for 100 ms, an I2C error, implausible acceleration (magnitude outside 0.7..1.3 g for 0.2 s), " +
        "frozen readings, or accelerometer and gyro disagreeing by more than 5 degrees for 0.5 s",
    latch: "the strap latch opened away from home",
    overtravel:
        "the estimated angle went beyond the effective deepest angle + 1, or below home - 5",
    overspeed: "the measured rate went above the hard rate + 2 deg/s",
    stall: "the motor was commanded to move and the angle did not follow for 1 s (rate below a fifth of the planned rate)",
    direction: "the table moved against the motor command for 0.3 s",
    watchdog: "the control loop was late by more than 100 ms",
    settings:
        "the stored settings were unreadable or out of range: defaults are in use until the fault is acknowledged",
}

/** What a fault does and how it goes away (behaviour.md). */
export const FAULT_RULES = [
    "A fault stops the motor within one control tick and stays until its condition has gone and STOP is pressed at home.",
    "With an imu fault the angle is unknown: only UP held drives toward home, open-loop at no more than 30 % duty.",
    "With a latch fault only UP held (a helper bringing the user back) moves the table, at most 2 deg/s.",
]

export function faultMeaning(name: string): string {
    return (
        (FAULT_MEANINGS as Record<string, string>)[name] ??
        "a fault this console does not know (a newer firmware?)"
    )
}

export function knownFaultNames(): readonly FaultName[] {
    return FAULT_NAMES
}
