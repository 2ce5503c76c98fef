// The fault register: named faults with a reason, latched until cleared as the fault table says.

import { FAULT_TABLE, faultIndex } from "./faultTable"
import { FaultName } from "./types"

export class FaultRegister {
    /** active[i] for FAULT_TABLE[i] */
    active: boolean[]
    reasons: string[]
    /** a fault was raised this tick (the drive must stop within this tick) */
    raisedNow: boolean
    /** bumped on every raise and clear (for records kept over a restart) */
    revision: number
    /** how many faults have been raised since start (a session records whether any was) */
    raises: number
    /**
     * names() and reasonList() as of revision listedRevision: built again only after a raise or a
     * clear, never changed once handed out (an output keeps the list of its own tick).
     */
    listedNames: FaultName[]
    listedReasons: string[]
    listedRevision: number

    constructor() {
        this.active = []
        this.reasons = []
        for (let i = 0; i < FAULT_TABLE.length; i++) {
            this.active.push(false)
            this.reasons.push("")
        }
        this.raisedNow = false
        this.revision = 0
        this.raises = 0
        this.listedNames = []
        this.listedReasons = []
        this.listedRevision = 0
    }

    /** Builds the lists handed out by names() and reasonList() again if a fault changed since. */
    list(): void {
        if (this.listedRevision === this.revision) return
        const names: FaultName[] = []
        const reasons: string[] = []
        for (let i = 0; i < FAULT_TABLE.length; i++)
            if (this.active[i]) {
                names.push(FAULT_TABLE[i].name)
                reasons.push(FAULT_TABLE[i].name + ": " + this.reasons[i])
            }
        this.listedNames = names
        this.listedReasons = reasons
        this.listedRevision = this.revision
    }

    /** Latch a fault; the first reason is kept while it stays latched. */
    raise(name: FaultName, reason: string): void {
        const i = faultIndex(name)
        if (i >= 0 && !this.active[i]) {
            this.active[i] = true
            this.reasons[i] = reason
            this.raisedNow = true
            this.revision++
            this.raises++
        }
    }

    has(name: FaultName): boolean {
        const i = faultIndex(name)
        return i >= 0 && this.active[i]
    }

    clear(name: FaultName): void {
        const i = faultIndex(name)
        if (i < 0 || !this.active[i]) return
        this.active[i] = false
        this.reasons[i] = ""
        this.revision++
    }

    any(): boolean {
        for (const a of this.active) if (a) return true
        return false
    }

    /** The first active alarm (fault-table order), or "" when none. */
    firstAlarm(): string {
        for (let i = 0; i < FAULT_TABLE.length; i++)
            if (this.active[i] && FAULT_TABLE[i].kind === "alarm")
                return FAULT_TABLE[i].name
        return ""
    }

    /** Any fault of the "alarm" kind (the state is `fault` and the alarm sounds). */
    anyAlarm(): boolean {
        for (let i = 0; i < FAULT_TABLE.length; i++)
            if (this.active[i] && FAULT_TABLE[i].kind === "alarm") return true
        return false
    }

    /** Any fault other than the ones named. */
    anyExcept(names: FaultName[]): boolean {
        for (let i = 0; i < FAULT_TABLE.length; i++)
            if (this.active[i] && names.indexOf(FAULT_TABLE[i].name) < 0)
                return true
        return false
    }

    /** The active faults' names, in FAULT_TABLE order (a list not to be changed by its reader). */
    names(): FaultName[] {
        this.list()
        return this.listedNames
    }

    /** "name: reason" of each active fault, in FAULT_TABLE order (not to be changed either). */
    reasonList(): string[] {
        this.list()
        return this.listedReasons
    }

    /** The bits (FAULT_TABLE order) of the active faults that a restart must not forget. */
    keptBits(): number {
        let bits = 0
        for (let i = 0; i < FAULT_TABLE.length; i++)
            if (this.active[i] && FAULT_TABLE[i].survivesRestart)
                bits = bits | (1 << i)
        return bits
    }
}
