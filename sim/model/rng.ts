// Deterministic pseudo-random numbers for the simulator.
// Every random thing in the model (sensor noise, gyro bias, latch bounce) draws from an Rng seeded by
// the scenario, so the same scenario and seed always give the same trace, on any machine.

const TWO_POW_32 = 4294967296
/** 2^32 / golden ratio: a Weyl step that visits every 32-bit state before repeating */
const WEYL_STEP = 0x9e3779b9

export class Rng {
    private state: number
    /** Box-Muller makes normals in pairs; the second one waits here (kept a number: no boxing) */
    private spareGaussian = 0
    private hasSpare = false

    constructor(seed: number) {
        // Any number is accepted: non-integers are truncated, non-finite seeds fall back to 0.
        const s = Number.isFinite(seed) ? Math.trunc(seed) : 0
        // Fold the high bits in too, so seeds beyond 2^32 are not silently aliased to their low word.
        this.state = (s ^ Math.floor(s / TWO_POW_32)) >>> 0
    }

    /** The next unsigned 32-bit integer: a Weyl sequence scrambled by a bit-mixing finaliser. */
    nextUint32(): number {
        this.state = (this.state + WEYL_STEP) >>> 0
        let z = this.state
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
        return (z ^ (z >>> 16)) >>> 0
    }

    /** Uniform in [0, 1). */
    next(): number {
        return this.nextUint32() / TWO_POW_32
    }

    /** Standard normal N(0, 1), by the Box-Muller transform. */
    gaussian(): number {
        if (this.hasSpare) {
            this.hasSpare = false
            return this.spareGaussian
        }
        // 1 - next() lies in (0, 1], so the logarithm is finite.
        const radius = Math.sqrt(-2 * Math.log(1 - this.next()))
        const phaseRad = 2 * Math.PI * this.next()
        this.spareGaussian = radius * Math.sin(phaseRad)
        this.hasSpare = true
        return radius * Math.cos(phaseRad)
    }

    /** Uniform in [lo, hi). */
    uniform(lo: number, hi: number): number {
        return lo + (hi - lo) * this.next()
    }

    /** Uniform integer in lo..hi, both included. */
    intBetween(lo: number, hi: number): number {
        return lo + Math.floor(this.next() * (hi - lo + 1))
    }

    /**
     * A new generator whose sequence is independent of this one's later draws. The table gives each
     * subsystem its own, so that, say, injecting latch chatter does not change the IMU noise.
     */
    fork(): Rng {
        return new Rng(this.nextUint32())
    }
}
