// Trigonometry for the device: DeviceScript's Math has no atan/atan2, so the project carries its own.
// Accuracy is proven against the host's Math.atan2 over the whole circle (test/trig.test.ts) and in
// the VM itself (test/device/).

const HALF_PI = Math.PI / 2
const QUARTER_PI = Math.PI / 4
/** tan(pi/8): above it, atan is reduced with atan(t) = pi/4 + atan((t - 1) / (t + 1)). */
const TAN_PI_OVER_8 = 0.41421356237309503
const RAD_TO_DEG = 180 / Math.PI

/**
 * atan(u) for |u| <= tan(pi/8) by its odd power series u - u^3/3 + u^5/5 - ...
 * Nine terms leave a truncation error below |u|^19 / 19 < 1e-8 rad.
 */
function atanSmall(u: number): number {
    const u2 = u * u
    let term = u
    let sum = u
    for (let k = 1; k < 9; k++) {
        term = -term * u2
        sum += term / (2 * k + 1)
    }
    return sum
}

/** atan(t) for 0 <= t <= 1, in radians. */
function atanUnit(t: number): number {
    if (t > TAN_PI_OVER_8) return QUARTER_PI + atanSmall((t - 1) / (t + 1))
    return atanSmall(t)
}

/** atan2(y, x) in radians, in (-pi, pi]; 0 when both are 0; NaN when either is NaN. */
export function atan2Rad(y: number, x: number): number {
    if (isNaN(y) || isNaN(x)) return NaN
    const ax = Math.abs(x)
    const ay = Math.abs(y)
    if (ax === 0 && ay === 0) return 0
    let a: number
    if (ay <= ax) a = atanUnit(ay / ax)
    else a = HALF_PI - atanUnit(ax / ay)
    if (x < 0) a = Math.PI - a
    if (y < 0) a = -a
    return a
}

/** atan2(y, x) in degrees, in (-180, 180]. */
export function atan2Deg(y: number, x: number): number {
    return atan2Rad(y, x) * RAD_TO_DEG
}
