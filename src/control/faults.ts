// The fault register: named faults with a reason, latched until cleared as behaviour.md says.

import { FAULT_NAMES, FaultName } from "./types"

export class FaultRegister {
    active: boolean[]
    reasons: string[]
    /** a fault was raised this tick (the drive must stop within this tick) */
    raisedNow: boolean

    constructor() {
        this.active = []
        this.reasons = []
        for (let i = 0; i < FAULT_NAMES.length; i++) {
            this.active.push(false)
            this.reasons.push("")
        }
        this.raisedNow = false
    }

    /** Latch a fault; the first reason is kept while it stays latched. */
    raise(name: FaultName, reason: string): void {
        const i = FAULT_NAMES.indexOf(name)
        if (!this.active[i]) {
            this.active[i] = true
            this.reasons[i] = reason
            this.raisedNow = true
        }
    }

    has(name: FaultName): boolean {
        return this.active[FAULT_NAMES.indexOf(name)]
    }

    clear(name: FaultName): void {
        const i = FAULT_NAMES.indexOf(name)
        this.active[i] = false
        this.reasons[i] = ""
    }

    any(): boolean {
        for (const a of this.active) if (a) return true
        return false
    }

    /** Any fault other than the ones named. */
    anyExcept(names: FaultName[]): boolean {
        for (let i = 0; i < FAULT_NAMES.length; i++)
            if (this.active[i] && names.indexOf(FAULT_NAMES[i]) < 0) return true
        return false
    }

    names(): FaultName[] {
        const out: FaultName[] = []
        for (let i = 0; i < FAULT_NAMES.length; i++)
            if (this.active[i]) out.push(FAULT_NAMES[i])
        return out
    }

    reasonList(): string[] {
        const out: string[] = []
        for (let i = 0; i < FAULT_NAMES.length; i++)
            if (this.active[i])
                out.push(FAULT_NAMES[i] + ": " + this.reasons[i])
        return out
    }
}
