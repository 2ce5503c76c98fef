// The simulated tilt motor: a Jacdac motor whose speed register the firmware writes (-1..1,
// positive deeper; the contract reads it as the duty). Every change is logged with its arrival
// time, so the harness can drive the model with the duty that was really applied over each stretch
// of real time.

import { CHANGE, JDServiceServer, MotorServer } from "jacdac-ts"

export const MOTOR_ROLE = "motor"

/** A stretch of time with one duty. */
export interface DutySegment {
    ms: number
    duty: number
}

/** Duty changes with their times; what was applied over a stretch of time. */
export class DutyLog {
    /** [since ms, duty], oldest first; the first entry holds from the beginning of time */
    private log: [number, number][] = [[-Infinity, 0]]

    /** The duty now. */
    get duty(): number {
        return this.log[this.log.length - 1][1]
    }

    /** Records a change at atMs (not before the last one); returns false when the duty did not change. */
    add(atMs: number, duty: number): boolean {
        if (duty === this.duty) return false
        this.log.push([Math.max(atMs, this.log[this.log.length - 1][0]), duty])
        return true
    }

    /**
     * The duties applied over [fromMs, toMs), as consecutive segments that add up to the stretch,
     * and forgets what came before toMs (except the duty in force then).
     */
    take(fromMs: number, toMs: number): DutySegment[] {
        const out: DutySegment[] = []
        let i = 0
        while (i + 1 < this.log.length && this.log[i + 1][0] <= fromMs) i++
        let t = fromMs
        for (; i < this.log.length && t < toMs; i++) {
            const end =
                i + 1 < this.log.length
                    ? Math.min(this.log[i + 1][0], toMs)
                    : toMs
            if (end > t) out.push({ ms: end - t, duty: this.log[i][1] })
            t = Math.max(t, end)
        }
        let keep = 0
        while (keep + 1 < this.log.length && this.log[keep + 1][0] <= toMs)
            keep++
        this.log = this.log.slice(keep)
        return out
    }
}

export class SimulatedMotor {
    readonly server = new MotorServer(MOTOR_ROLE)
    private readonly log = new DutyLog()
    private readonly listeners = new Set<(duty: number, atMs: number) => void>()

    constructor() {
        this.server.speed.on(CHANGE, () =>
            this.record(this.readSpeed(), performance.now())
        )
    }

    servers(): JDServiceServer[] {
        return [this.server]
    }

    /** The duty now. */
    get duty(): number {
        return this.log.duty
    }

    /** Called on every duty change, with its arrival time. */
    onChange(listener: (duty: number, atMs: number) => void): () => void {
        this.listeners.add(listener)
        return () => this.listeners.delete(listener)
    }

    /** The power is cut: the motor stops whatever was last written. */
    cut(atMs = performance.now()): void {
        this.server.speed.setValues([0], true)
        this.record(0, atMs)
    }

    /** The duties applied over [fromMs, toMs) (performance.now() times); see DutyLog.take. */
    takeSegments(fromMs: number, toMs: number): DutySegment[] {
        return this.log.take(fromMs, toMs)
    }

    private readSpeed(): number {
        const v = this.server.speed.values()[0]
        return typeof v === "number" && Number.isFinite(v)
            ? Math.max(-1, Math.min(1, v))
            : 0
    }

    private record(duty: number, atMs: number): void {
        if (!this.log.add(atMs, duty)) return
        for (const listener of Array.from(this.listeners)) listener(duty, atMs)
    }
}
