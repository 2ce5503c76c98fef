// Bounding a number: shared by the planner and the drive loop.

export function clamp(x: number, lo: number, hi: number): number {
    return x < lo ? lo : x > hi ? hi : x
}
