// The button pad rules of behaviour.md: press edges; UP and DOWN together stop and are ignored until
// both are released; DOWN or PRESET held over 60 s is stuck (ignored until released), UP and HOME have
// no such limit; buttons already held at start (buttons.ts: DOWN and PRESET must be released first,
// and nothing counts as a press on the first tick).

import { describe, expect, it } from "vitest"
import { ButtonPad, ButtonState } from "../src/control/buttons"
import { STUCK_BUTTON_MS, TICK_MS } from "../src/control/limits"
import { Inputs } from "../src/control/types"

type Buttons = Partial<Pick<Inputs, "up" | "down" | "stop" | "preset" | "home">>

function inputs(b: Buttons): Inputs {
    return {
        imu: {
            ok: true,
            seq: 0,
            axG: 0,
            ayG: 0,
            azG: 1,
            gxDps: 0,
            gyDps: 0,
            gzDps: 0,
        },
        grip: true,
        latch: true,
        up: b.up ?? false,
        down: b.down ?? false,
        stop: b.stop ?? false,
        preset: b.preset ?? false,
        home: b.home ?? false,
        homeSwitch: false,
    }
}

/** A pad that has seen one tick of nothing pressed. */
function startedPad(): { pad: ButtonPad; t: number } {
    const pad = new ButtonPad()
    pad.update(inputs({}), 0)
    return { pad, t: TICK_MS }
}

describe("ButtonState", () => {
    it("pressed only on the tick the level rises; heldFor counts from then", () => {
        const b = new ButtonState()
        b.update(false, 0)
        expect(b.pressed).toBe(false)
        b.update(true, 20)
        expect(b.pressed).toBe(true)
        expect(b.heldForMs(20)).toBe(0)
        b.update(true, 40)
        expect(b.pressed).toBe(false)
        expect(b.heldForMs(1040)).toBe(1020)
        b.update(false, 60)
        expect(b.pressed).toBe(false)
        expect(b.heldForMs(60)).toBe(0)
        b.update(true, 80)
        expect(b.pressed).toBe(true)
    })
})

describe("ButtonPad: edges", () => {
    it("each button's press is seen once, on its first tick", () => {
        for (const name of ["up", "down", "stop", "preset", "home"] as const) {
            const { pad, t } = startedPad()
            pad.update(inputs({ [name]: true }), t)
            expect(pad[name].pressed, name).toBe(true)
            pad.update(inputs({ [name]: true }), t + TICK_MS)
            expect(pad[name].pressed, name).toBe(false)
            expect(pad[name].held, name).toBe(true)
        }
    })

    it("presetTapped on the release of a short PRESET press only", () => {
        const { pad, t } = startedPad()
        pad.update(inputs({ preset: true }), t)
        expect(pad.presetTapped()).toBe(false)
        pad.update(inputs({ preset: true }), t + TICK_MS)
        expect(pad.presetTapped()).toBe(false)
        pad.update(inputs({}), t + 2 * TICK_MS)
        expect(pad.presetTapped()).toBe(true)
        pad.update(inputs({}), t + 3 * TICK_MS)
        expect(pad.presetTapped()).toBe(false)
    })

    it("downActive and upActive follow the levels", () => {
        const { pad, t } = startedPad()
        pad.update(inputs({ down: true }), t)
        expect(pad.downActive()).toBe(true)
        expect(pad.upActive()).toBe(false)
        pad.update(inputs({}), t + TICK_MS)
        expect(pad.downActive()).toBe(false)
        pad.update(inputs({ up: true }), t + 2 * TICK_MS)
        expect(pad.upActive()).toBe(true)
    })
})

describe("ButtonPad: UP and DOWN together", () => {
    it("pressed together: one stop signal, then both ignored until both are released", () => {
        const { pad } = startedPad()
        let t = TICK_MS
        pad.update(inputs({ up: true, down: true }), t)
        expect(pad.upDownPressedTogether).toBe(true)
        expect(pad.upActive()).toBe(false)
        expect(pad.downActive()).toBe(false)
        t += TICK_MS
        pad.update(inputs({ up: true, down: true }), t)
        expect(pad.upDownPressedTogether).toBe(false)
        expect(pad.upDownLockout).toBe(true)
        // releasing one is not enough
        t += TICK_MS
        pad.update(inputs({ down: true }), t)
        expect(pad.downActive()).toBe(false)
        t += TICK_MS
        pad.update(inputs({ up: true }), t)
        expect(pad.upActive()).toBe(false)
        // both released: free again
        t += TICK_MS
        pad.update(inputs({}), t)
        expect(pad.upDownLockout).toBe(false)
        t += TICK_MS
        pad.update(inputs({ down: true }), t)
        expect(pad.downActive()).toBe(true)
    })

    it("DOWN held, then UP added: the stop signal comes when the second one is pressed", () => {
        const { pad } = startedPad()
        pad.update(inputs({ down: true }), 20)
        pad.update(inputs({ down: true }), 40)
        expect(pad.downActive()).toBe(true)
        pad.update(inputs({ down: true, up: true }), 60)
        expect(pad.upDownPressedTogether).toBe(true)
        expect(pad.downActive()).toBe(false)
        expect(pad.upActive()).toBe(false)
    })

    it("UP held, then DOWN added: the same", () => {
        const { pad } = startedPad()
        pad.update(inputs({ up: true }), 20)
        expect(pad.upActive()).toBe(true)
        pad.update(inputs({ down: true, up: true }), 40)
        expect(pad.upDownPressedTogether).toBe(true)
        expect(pad.upActive()).toBe(false)
    })
})

describe("ButtonPad: stuck DOWN or PRESET (held more than 60 s)", () => {
    it("DOWN counts up to 60 s, is ignored beyond, and counts again after a release", () => {
        const { pad } = startedPad()
        const t0 = 1000
        pad.update(inputs({ down: true }), t0)
        pad.update(inputs({ down: true }), t0 + STUCK_BUTTON_MS)
        expect(pad.downActive()).toBe(true)
        pad.update(inputs({ down: true }), t0 + STUCK_BUTTON_MS + TICK_MS)
        expect(pad.downActive()).toBe(false)
        expect(pad.down.ignored).toBe(true)
        // still ignored while held, however long
        pad.update(inputs({ down: true }), t0 + 10 * STUCK_BUTTON_MS)
        expect(pad.downActive()).toBe(false)
        // released and pressed again
        pad.update(inputs({}), t0 + 10 * STUCK_BUTTON_MS + TICK_MS)
        pad.update(
            inputs({ down: true }),
            t0 + 10 * STUCK_BUTTON_MS + 2 * TICK_MS
        )
        expect(pad.downActive()).toBe(true)
    })

    it("PRESET held over 60 s is stuck: its release taps nothing; pressed again, it taps", () => {
        const { pad } = startedPad()
        const t0 = 1000
        pad.update(inputs({ preset: true }), t0)
        pad.update(inputs({ preset: true }), t0 + STUCK_BUTTON_MS)
        expect(pad.presetStuck()).toBe(false)
        pad.update(inputs({ preset: true }), t0 + STUCK_BUTTON_MS + TICK_MS)
        expect(pad.presetStuck()).toBe(true)
        pad.update(inputs({}), t0 + STUCK_BUTTON_MS + 2 * TICK_MS)
        expect(pad.presetStuck()).toBe(false)
        expect(pad.presetTapped()).toBe(false)
        expect(pad.rhythmAsked()).toBe(false)
        pad.update(inputs({ preset: true }), t0 + STUCK_BUTTON_MS + 3 * TICK_MS)
        pad.update(inputs({}), t0 + STUCK_BUTTON_MS + 4 * TICK_MS)
        expect(pad.presetTapped()).toBe(true)
    })

    it("UP and HOME have no such limit (toward safety)", () => {
        const { pad } = startedPad()
        pad.update(inputs({ up: true, home: true }), 1000)
        pad.update(
            inputs({ up: true, home: true }),
            1000 + 10 * STUCK_BUTTON_MS
        )
        expect(pad.upActive()).toBe(true)
        expect(pad.up.ignored).toBe(false)
        expect(pad.home.ignored).toBe(false)
        expect(pad.home.held).toBe(true)
    })
})

describe("ButtonPad: buttons held when the controller starts", () => {
    it("DOWN held at start is ignored until released, then works", () => {
        const pad = new ButtonPad()
        pad.update(inputs({ down: true }), 0)
        expect(pad.downActive()).toBe(false)
        expect(pad.down.pressed).toBe(false)
        pad.update(inputs({ down: true }), 5000)
        expect(pad.downActive()).toBe(false)
        pad.update(inputs({}), 5020)
        pad.update(inputs({ down: true }), 5040)
        expect(pad.downActive()).toBe(true)
    })

    it("PRESET held at start neither taps nor taps later; it is stuck until released", () => {
        const pad = new ButtonPad()
        pad.update(inputs({ preset: true }), 0)
        expect(pad.presetTapped()).toBe(false)
        pad.update(inputs({ preset: true }), 20)
        expect(pad.presetTapped()).toBe(false)
        expect(pad.presetStuck()).toBe(true)
        pad.update(inputs({}), 40)
        expect(pad.presetTapped()).toBe(false)
        pad.update(inputs({ preset: true }), 60)
        pad.update(inputs({}), 80)
        expect(pad.presetTapped()).toBe(true)
    })

    it("no press edge for any button on the first tick (a restart resumes nothing)", () => {
        const pad = new ButtonPad()
        pad.update(inputs({ up: true, stop: true, home: true }), 0)
        expect(pad.up.pressed).toBe(false)
        expect(pad.stop.pressed).toBe(false)
        expect(pad.home.pressed).toBe(false)
        // UP held is a level and leads toward safety: it counts
        expect(pad.upActive()).toBe(true)
    })

    it("UP and DOWN both held at start: locked out until both are released", () => {
        const pad = new ButtonPad()
        pad.update(inputs({ up: true, down: true }), 0)
        expect(pad.upActive()).toBe(false)
        expect(pad.downActive()).toBe(false)
    })
})
