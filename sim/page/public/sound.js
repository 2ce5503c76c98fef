// The buzzer's patterns as sound (the numbers come from the server: src/hw/signals.ts): the alarm,
// a beep every second; the session warning, three short beeps every ten seconds. Muted until the
// person turns the sound on (browsers allow sound only after a click anyway).

export class Buzzer {
    constructor(button, patterns) {
        this.button = button
        this.patterns = patterns
        this.ctx = null
        this.on = false
        this.current = null
        this.since = 0
        this.next = 0
        button.addEventListener("click", () => this.toggle())
    }

    toggle() {
        this.on = !this.on
        if (this.on && this.ctx === null) this.ctx = new AudioContext()
        if (this.on) void this.ctx.resume()
        this.button.textContent = this.on ? "Sound on" : "Sound off"
        this.button.setAttribute("aria-pressed", String(this.on))
    }

    /** Called often (each snapshot) with the pattern sounding now, or null. */
    update(pattern, nowMs) {
        if (pattern !== this.current) {
            this.current = pattern
            this.since = nowMs
            this.next = 0
        }
        if (pattern === null) return
        const p = this.patterns[pattern]
        if (!p) return
        const t = nowMs - this.since
        const cycle = Math.floor(t / p.periodMs)
        const beep = Math.floor((t - cycle * p.periodMs) / p.spacingMs)
        const index = cycle * p.beeps + beep
        if (beep < p.beeps && index >= this.next) {
            this.next = index + 1
            this.beep(p.toneHz, p.beepMs)
        }
    }

    beep(hz, ms) {
        if (!this.on || this.ctx === null) return
        const osc = this.ctx.createOscillator()
        const gain = this.ctx.createGain()
        osc.frequency.value = hz
        gain.gain.value = 0.15
        osc.connect(gain).connect(this.ctx.destination)
        const t = this.ctx.currentTime
        osc.start(t)
        osc.stop(t + ms / 1000)
    }
}
