// The button pad, hold-to-run and honest: an input is held only while a pointer or a key holds it.
// Pointer up, the pointer leaving the button, a cancelled pointer, the window losing focus, the tab
// being hidden and a lost connection all let go (the server also lets go of a page it has not heard
// from for a second: the page renews its holds while it holds anything). The latch and the home
// switch are switches: a click toggles them.

const KEYS = {
    ArrowUp: "up",
    ArrowDown: "down",
    s: "stop",
    S: "stop",
    p: "preset",
    P: "preset",
    h: "home",
    H: "home",
}

export class Pad {
    /** `send` takes a message for the server; it returns false when the connection is down. */
    constructor(root, send, renewMs) {
        this.send = send
        this.held = new Set()
        this.enabled = false
        this.gripKey = "g"
        this.latch = false
        this.homeSwitch = false
        this.buttons = Array.from(root.querySelectorAll(".padbtn"))
        this.latchButton = root.querySelector("#latch")
        this.homeSwitchButton = root.querySelector("#homeSwitch")
        for (const b of this.buttons) {
            const name = b.dataset.input
            b.addEventListener("pointerdown", e => {
                if (e.button !== 0) return
                e.preventDefault()
                this.press(name, e.timeStamp)
            })
            for (const type of ["pointerup", "pointerleave", "pointercancel"])
                b.addEventListener(type, () => this.release(name))
            b.addEventListener("contextmenu", e => e.preventDefault())
        }
        this.latchButton.addEventListener("click", () =>
            this.setLevel("latch", !this.latch)
        )
        this.homeSwitchButton.addEventListener("click", () =>
            this.setLevel("homeSwitch", !this.homeSwitch)
        )
        const gripSelect = root.querySelector("#gripKey")
        gripSelect.addEventListener("change", () => {
            this.release("grip")
            this.gripKey = gripSelect.value
            root.querySelector("#gripKeyLabel").textContent =
                gripSelect.selectedOptions[0].textContent
        })
        window.addEventListener("keydown", e => this.onKey(e, true))
        window.addEventListener("keyup", e => this.onKey(e, false))
        window.addEventListener("blur", () => this.releaseAll())
        window.addEventListener("pagehide", () => this.releaseAll())
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState !== "visible") this.releaseAll()
        })
        setInterval(() => {
            if (this.held.size > 0) this.send({ type: "alive" })
        }, renewMs)
    }

    setEnabled(enabled) {
        this.enabled = enabled
        for (const b of this.buttons) b.disabled = !enabled
        this.latchButton.disabled = !enabled
        this.homeSwitchButton.disabled = !enabled
        if (!enabled) this.releaseAll(false)
    }

    /** The connection is gone: the server has let go already; so does the pad. */
    lost() {
        this.releaseAll(false)
    }

    press(name, atMs = performance.now()) {
        if (!this.enabled || this.held.has(name)) return
        // When each press happened, on the machine's clock (for the press-to-motor measurement).
        const presses = window.__page?.presses
        if (presses) {
            presses.push({ name, epochMs: performance.timeOrigin + atMs })
            if (presses.length > 2000) presses.shift()
        }
        this.held.add(name)
        this.show(name)
        this.send({ type: "input", name, level: true })
    }

    release(name) {
        if (!this.held.has(name)) return
        this.held.delete(name)
        this.show(name)
        this.send({ type: "input", name, level: false })
    }

    releaseAll(tell = true) {
        const any = this.held.size > 0
        for (const name of Array.from(this.held)) {
            this.held.delete(name)
            this.show(name)
        }
        if (any && tell) this.send({ type: "release" })
    }

    setLevel(name, level) {
        if (!this.enabled) return
        this.send({ type: "input", name, level })
    }

    onKey(e, down) {
        const t = e.target
        if (
            t &&
            (t.tagName === "INPUT" ||
                t.tagName === "SELECT" ||
                t.tagName === "TEXTAREA")
        )
            return
        let name = KEYS[e.key]
        if (
            e.key === this.gripKey ||
            (this.gripKey.length === 1 && e.key.toLowerCase() === this.gripKey)
        )
            name = "grip"
        if (e.key === "l" || e.key === "L") {
            if (down && !e.repeat) this.setLevel("latch", !this.latch)
            e.preventDefault()
            return
        }
        if (!name) return
        e.preventDefault()
        if (e.repeat) return
        if (down) this.press(name, e.timeStamp)
        else this.release(name)
    }

    show(name) {
        for (const b of this.buttons)
            if (b.dataset.input === name)
                b.classList.toggle("pressed", this.held.has(name))
    }

    /** What the table was given (any page's holds), from the snapshot. */
    update(pad) {
        if (!pad) return
        this.latch = pad.latch
        this.homeSwitch = pad.homeSwitch
        this.latchButton.setAttribute("aria-pressed", String(pad.latch))
        this.latchButton.firstChild.textContent = `Latch: ${pad.latch ? "closed" : "open"} `
        this.homeSwitchButton.setAttribute(
            "aria-pressed",
            String(pad.homeSwitch)
        )
        this.homeSwitchButton.textContent = `Home switch: ${pad.homeSwitch ? "pressed" : "released"}`
        for (const b of this.buttons) {
            const name = b.dataset.input
            b.classList.toggle(
                "heldElsewhere",
                pad[name] === true && !this.held.has(name)
            )
            b.dataset.table = pad[name] ? "held" : "released"
        }
    }
}
