// What a restart must not forget (the contract's "Power and restart"): the latched faults a boot
// cannot check again (the fault table's survivesRestart: the drive shows them only when it moves),
// and the open-loop driving already spent under an imu fault. The firmware stores this record in
// flash beside the settings whenever it changes, and hands it to the next Controller; the simulator
// keeps it across its power cycles the same way. Faults a boot does check again (the IMU, the stored
// settings, the latch, the angle's limits) are not kept: the check raises them again if their cause
// remains.

import { FAULT_TABLE } from "./faultTable"
import { IMU_FAULT_UP_MAX_MS } from "./limits"

export interface KeptRecord {
    /** the kept faults' names, in fault-table order */
    faults: string[]
    /** the reason of each, as it was raised */
    reasons: string[]
    /** open-loop driving used (reserved ahead) under the imu fault, ms */
    openLoopUsedMs: number
}

/** The longest reason text kept (a record must fit a settings packet). */
export const KEPT_REASON_MAX_CHARS = 60

export function emptyKeptRecord(): KeptRecord {
    return { faults: [], reasons: [], openLoopUsedMs: 0 }
}

/** null when `x` is a record a restart may trust, else what is wrong with it (one line). */
export function checkKeptRecord(x: any): string | null {
    if (x === null || typeof x !== "object") return "not a record"
    if (!Array.isArray(x.faults) || !Array.isArray(x.reasons))
        return "no fault list"
    if (x.faults.length !== x.reasons.length)
        return "fault and reason lists differ in length"
    // In fault-table order, each once (below): never more faults than the table has.
    let lastIndex = -1
    for (let i = 0; i < x.faults.length; i++) {
        const name = x.faults[i]
        let index = -1
        for (let j = 0; j < FAULT_TABLE.length; j++)
            if (FAULT_TABLE[j].name === name) index = j
        if (index < 0) return "unknown fault"
        if (!FAULT_TABLE[index].survivesRestart)
            return "a fault that is not kept over restarts"
        if (index <= lastIndex) return "faults out of order"
        lastIndex = index
        const reason = x.reasons[i]
        if (typeof reason !== "string" || reason.length > KEPT_REASON_MAX_CHARS)
            return "a reason that is not a short text"
    }
    const ms = x.openLoopUsedMs
    if (typeof ms !== "number" || !(ms >= 0 && ms <= IMU_FAULT_UP_MAX_MS))
        return "open-loop time out of range"
    // The stored form's generation (src/hw/keptCodec.ts), when there is one: a count.
    const g = x.generation
    if (g !== undefined && !(typeof g === "number" && g >= 0 && g % 1 === 0))
        return "a generation that is not a count"
    return null
}

/** Two records say the same. */
export function sameKeptRecord(a: KeptRecord, b: KeptRecord): boolean {
    if (a.openLoopUsedMs !== b.openLoopUsedMs) return false
    if (a.faults.length !== b.faults.length) return false
    for (let i = 0; i < a.faults.length; i++)
        if (a.faults[i] !== b.faults[i] || a.reasons[i] !== b.reasons[i])
            return false
    return true
}
