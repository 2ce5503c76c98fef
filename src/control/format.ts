// Number formatting for fault reasons and reports (DeviceScript has no toFixed).

/** x rounded to one decimal, as text. */
export function fmt1(x: number): string {
    return "" + Math.round(x * 10) / 10
}
