// Order statistics for the bench's figures.

/** The median (the mean of the two middle values for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
    if (xs.length === 0) return NaN
    const s = xs.slice().sort((a, b) => a - b)
    const m = s.length >> 1
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** The q-quantile by nearest rank (q = 0.95: the value 95 % of the samples do not exceed). */
export function quantile(xs: readonly number[], q: number): number {
    if (xs.length === 0) return NaN
    const s = xs.slice().sort((a, b) => a - b)
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]
}

export function round(x: number, decimals: number): number {
    const f = 10 ** decimals
    return Math.round(x * f) / f
}
