// What each fault still allows. Every fault stops the motor within the tick it is raised; after that
// the table may move only as the strictest active fault allows. The choices follow behaviour.md where
// it speaks (imu, latch) and the product's first duty elsewhere: nobody is left upside down when the
// angle is known and the drive can be trusted.

import { FaultRegister } from "./faults"

/** Nothing moves the table (the drive cannot be trusted in either direction). */
export const RECOVERY_NONE = 0
/** Only UP held, open-loop toward home at limited duty (the angle is unknown). */
export const RECOVERY_OPEN_LOOP_UP = 1
/** Only UP held, toward home at the helper's slow rate (someone must be watching). */
export const RECOVERY_HELPER_UP = 2
/** Any move toward home (UP, HOME, the dead-man and session returns); nothing deeper. */
export const RECOVERY_TOWARD_HOME = 3
/** No fault: everything behaviour.md allows. */
export const RECOVERY_ALL = 4

/**
 * The recovery the latched faults allow: the strictest of them.
 * - direction: the drive turns the wrong way, so UP could take the user deeper: nothing moves.
 * - overtravel below home: the estimate or the calibration is wrong at the home end: nothing moves.
 * - imu: the angle is unknown: UP held open-loop (behaviour.md).
 * - latch, overspeed, stall: UP held at the helper's rate, with the angle watched.
 * - overtravel beyond the deepest angle, watchdog, settings: the angle is known and the drive
 *   behaved: every move toward home, including the automatic returns.
 */
export function recoveryAllowed(
    faults: FaultRegister,
    estDeg: number,
    homeDeg: number
): number {
    let allowed = RECOVERY_ALL
    if (faults.has("settings") || faults.has("watchdog"))
        allowed = Math.min(allowed, RECOVERY_TOWARD_HOME)
    if (faults.has("overtravel"))
        allowed = Math.min(
            allowed,
            estDeg < homeDeg ? RECOVERY_NONE : RECOVERY_TOWARD_HOME
        )
    if (faults.has("latch") || faults.has("overspeed") || faults.has("stall"))
        allowed = Math.min(allowed, RECOVERY_HELPER_UP)
    if (faults.has("imu")) allowed = Math.min(allowed, RECOVERY_OPEN_LOOP_UP)
    if (faults.has("direction")) allowed = RECOVERY_NONE
    return allowed
}
