// The buzzer and the status LED: the controller's sound and state (patterns in signals.ts).
// Runs in its own fiber at 20 Hz from what the control loop last reported, so a slow or unbound
// output never delays a control tick; sends only on change (a few packets a second at most).

import * as ds from "@devicescript/core"
import { BuzzerPattern, TONE_VOLUME, ledColor } from "./signals"

/** Where the LED colour goes: an LED role on the simulator, the board's status light on the table. */
export interface StatusLed {
    /** false while the output cannot take a write without blocking */
    ready(): boolean
    show(color: number): Promise<void>
}

/** A ds.Led role (one RGB pixel). */
export class RoleLed implements StatusLed {
    led: ds.Led
    constructor(led: ds.Led) {
        this.led = led
    }
    ready(): boolean {
        return this.led.isBound
    }
    async show(color: number): Promise<void> {
        await this.led.pixels.write(
            Buffer.from([
                (color >> 16) & 0xff,
                (color >> 8) & 0xff,
                color & 0xff,
            ])
        )
    }
}

const PERIOD_MS = 50

export class Annunciator {
    buzzer: ds.Buzzer
    led: StatusLed
    pattern: BuzzerPattern
    /** what the control loop reported last */
    state: string
    alarm: boolean
    /** the sound the controller names (Outputs.sound): signals.ts plays its pattern */
    sound: string
    /** the colour the LED shows; -1 = unknown (write it again) */
    shownColor: number

    constructor(buzzer: ds.Buzzer, led: StatusLed) {
        this.buzzer = buzzer
        this.led = led
        this.pattern = new BuzzerPattern()
        this.state = "boot"
        this.alarm = false
        this.sound = ""
        this.shownColor = -1
    }

    /** Called by the control loop every tick: cheap, never blocks. */
    report(state: string, alarm: boolean, sound: string): void {
        this.state = state
        this.alarm = alarm
        this.sound = sound
    }

    start(): void {
        annunciatorLoop.start(this)
    }

    async step(nowMs: number): Promise<void> {
        if (!this.led.ready()) this.shownColor = -1
        else {
            const color = ledColor(this.state, this.alarm, nowMs)
            if (color !== this.shownColor) {
                this.shownColor = color
                await this.led.show(color)
            }
        }
        // The pattern runs whether or not a buzzer is bound, so it stays on its grid.
        const tone = this.pattern.update(nowMs, this.sound)
        if (tone !== null && this.buzzer.isBound)
            await this.buzzer.playNote(
                tone.frequencyHz,
                TONE_VOLUME,
                tone.durationMs
            )
    }
}

async function annunciatorLoop(a: Annunciator) {
    while (true) {
        await a.step(ds.millis())
        await ds.sleep(PERIOD_MS)
    }
}
