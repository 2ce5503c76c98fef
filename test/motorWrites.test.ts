// Which motor register is written each tick (src/hw/motorWrites.ts). Also checked in the VM.

import { describe, expect, it } from "vitest"
import {
    MOTOR_DUTY_STEP,
    MotorWritePlanner,
    SPEED_REFRESH_MS,
    WRITE_ENABLED,
    WRITE_NONE,
    WRITE_SPEED,
    quantizeDuty,
} from "../src/hw/motorWrites"

const none = { kind: WRITE_NONE, value: 0 }
const speed = (v: number) => ({ kind: WRITE_SPEED, value: v })
const enabled = (v: number) => ({ kind: WRITE_ENABLED, value: v })

/** Runs the planner over (duty, bound) per 20 ms tick. */
function run(p: MotorWritePlanner, ticks: [number, boolean][], t0 = 0) {
    return ticks.map(([duty, bound], i) => p.next(duty, bound, t0 + i * 20))
}

describe("quantizeDuty", () => {
    it("rounds toward zero to the 9-bit PWM step, never more drive than asked", () => {
        expect(MOTOR_DUTY_STEP).toBe(1 / 512)
        expect(quantizeDuty(0.3)).toBe(153 / 512)
        expect(quantizeDuty(-0.3)).toBe(-153 / 512)
        expect(quantizeDuty(1 / 1024)).toBe(0)
        expect(quantizeDuty(-1 / 1024)).toBe(0)
        for (let d = -1; d <= 1; d += 0.0137)
            expect(Math.abs(quantizeDuty(d))).toBeLessThanOrEqual(Math.abs(d))
    })

    it("clamps to -1..1 and turns NaN into off", () => {
        expect(quantizeDuty(3)).toBe(1)
        expect(quantizeDuty(-3)).toBe(-1)
        expect(quantizeDuty(NaN)).toBe(0)
        expect(Object.is(quantizeDuty(-0), -0) || quantizeDuty(-0) === 0).toBe(
            true
        )
    })
})

describe("MotorWritePlanner", () => {
    it("writes nothing while the motor is unbound (a write would block the loop)", () => {
        const p = new MotorWritePlanner()
        expect(
            run(p, [
                [0.5, false],
                [0, false],
            ])
        ).toEqual([none, none])
        expect(p.writes).toBe(0)
    })

    it("writes speed 0 first once bound, whatever the controller wants, then disables", () => {
        const p = new MotorWritePlanner()
        expect(
            run(p, [
                [0, true],
                [0, true],
                [0, true],
            ])
        ).toEqual([speed(0), enabled(0), none])
        const q = new MotorWritePlanner()
        expect(q.next(0.5, true, 0)).toEqual(speed(0))
    })

    it("starts a move by enabling (speed still 0), then writes the speed: one write per tick", () => {
        const p = new MotorWritePlanner()
        run(p, [
            [0, true],
            [0, true],
        ])
        expect(
            run(
                p,
                [
                    [0.25, true],
                    [0.25, true],
                    [0.25, true],
                ],
                40
            )
        ).toEqual([enabled(1), speed(0.25), none])
    })

    it("stops with speed 0 at once, then disables", () => {
        const p = new MotorWritePlanner()
        run(p, [
            [0, true],
            [0, true],
            [0.5, true],
            [0.5, true],
        ])
        expect(p.next(0, true, 80)).toEqual(speed(0))
        expect(p.next(0, true, 100)).toEqual(enabled(0))
        expect(p.next(0, true, 120)).toEqual(none)
    })

    it("writes a ramp in the same direction at most every SPEED_REFRESH_MS", () => {
        expect(SPEED_REFRESH_MS).toBeGreaterThan(20)
        expect(SPEED_REFRESH_MS).toBeLessThanOrEqual(40)
        const p = new MotorWritePlanner()
        run(p, [
            [0, true],
            [0, true],
            [0.1, true],
            [0.1, true],
        ]) // speed 0.1 written at t = 60
        const out = run(
            p,
            [
                [0.2, true],
                [0.3, true],
                [0.4, true],
                [0.5, true],
            ],
            80
        )
        expect(out).toEqual([
            none,
            speed(quantizeDuty(0.3)),
            none,
            speed(quantizeDuty(0.5)),
        ])
    })

    it("writes a reversal and a stop without waiting", () => {
        const p = new MotorWritePlanner()
        run(p, [
            [0, true],
            [0, true],
            [0.1, true],
            [0.1, true],
        ])
        expect(p.next(-0.2, true, 70)).toEqual(speed(quantizeDuty(-0.2)))
        expect(p.next(0, true, 75)).toEqual(speed(0))
    })

    it("after an unbind, starts again with speed 0 when bound again", () => {
        const p = new MotorWritePlanner()
        run(p, [
            [0, true],
            [0, true],
            [0.5, true],
            [0.5, true],
        ])
        expect(p.next(0.5, false, 100)).toEqual(none)
        expect(
            run(
                p,
                [
                    [0.5, true],
                    [0.5, true],
                    [0.5, true],
                ],
                120
            )
        ).toEqual([speed(0), enabled(1), speed(0.5)])
    })

    it("never plans two writes in one tick, and only on change", () => {
        const p = new MotorWritePlanner()
        let seed = 7
        const rnd = () =>
            (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
        let writes = 0
        for (let i = 0; i < 5000; i++) {
            const duty = rnd() < 0.3 ? 0 : (rnd() - 0.5) * 2
            const bound = rnd() > 0.02
            const w = p.next(duty, bound, i * 20)
            if (w.kind !== WRITE_NONE) writes++
        }
        expect(p.writes).toBe(writes)
        const steady = new MotorWritePlanner()
        const settle = run(
            steady,
            Array.from({ length: 50 }, () => [0.3, true] as [number, boolean])
        )
        expect(settle.filter(w => w.kind !== WRITE_NONE).length).toBe(3) // speed 0, enable, speed
    })
})
