// The simulated switches: the button pad, the dead-man grip, the optional home switch (Jacdac
// buttons, pressed = true) and the strap latch (a Jacdac switch, on = closed).
//
// A level change is pushed at once (the reading is reported now) instead of waiting for
// jacdac-ts's 50 ms refresh tick, which also keeps streaming the level afterwards and sends the
// button events (down/up/hold) on that tick.

import { ButtonServer, JDServiceServer, SwitchServer } from "jacdac-ts"

export const BUTTON_ROLES = [
    "up",
    "down",
    "stop",
    "preset",
    "home",
    "grip",
    "homeSwitch",
] as const
export type ButtonRole = (typeof BUTTON_ROLES)[number]
export const LATCH_ROLE = "latch"

export class SimulatedPanel {
    private readonly buttons = new Map<ButtonRole, ButtonServer>()
    private readonly latch: SwitchServer

    constructor() {
        // Servers of one class are created in the strcmp order of their names: the VM's own
        // auto-binding (roles in strcmp order onto free services in index order) then agrees with
        // the explicit binding, should it ever run.
        for (const role of [...BUTTON_ROLES].sort())
            this.buttons.set(role, new ButtonServer(role))
        this.latch = new SwitchServer()
        this.latch.instanceName.setValues([LATCH_ROLE])
    }

    servers(): JDServiceServer[] {
        return [...this.buttons.values(), this.latch]
    }

    /** Sets a button's level; pushes it (and returns true) only when it changed. */
    setButton(role: ButtonRole, pressed: boolean): boolean {
        const reading = this.buttons.get(role)!.reading
        const changed = reading.setValues([
            pressed ? ButtonServer.ACTIVE_VALUE : ButtonServer.INACTIVE_VALUE,
        ])
        if (changed) void reading.sendGetAsync()
        return changed
    }

    /** Sets the latch contact (true = closed); pushes it (and returns true) only when it changed. */
    setLatch(closed: boolean): boolean {
        const changed = this.latch.reading.setValues([closed])
        if (changed) void this.latch.reading.sendGetAsync()
        return changed
    }
}
