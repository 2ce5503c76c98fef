// Helpers for the on-device suites (@devicescript/test has only toBe, toThrow and not).

import { ImuSample, Inputs } from "../../src/control/types"

/** Inputs with this IMU sample and nothing held: grip released, latch open, no button. */
export function releasedInputs(imu: ImuSample): Inputs {
    return {
        imu: imu,
        grip: false,
        latch: false,
        up: false,
        down: false,
        stop: false,
        preset: false,
        home: false,
        homeSwitch: false,
    }
}

/** Throws with both numbers when |actual - expected| > tolerance (or either is NaN). */
export function expectNear(
    actual: number,
    expected: number,
    tolerance: number,
    what: string
): void {
    if (!(Math.abs(actual - expected) <= tolerance))
        throw new Error(
            what +
                ": expected " +
                expected +
                " +- " +
                tolerance +
                ", got " +
                actual
        )
}

/** Throws with a message when the condition is false. */
export function check(condition: boolean, what: string): void {
    if (!condition) throw new Error("check failed: " + what)
}
