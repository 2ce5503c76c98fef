// What survives a power cycle: the table's flash. The engine owns one per scenario; a restarted
// controller reads its records back (the host runner hands them to the new Controller), and the
// firmware-in-the-loop harness writes them into the VM's flash before the firmware's first start
// (sim/firmware/storedSettings.ts), where the firmware reads them as it does on a table.
//
// One record per kind: the stored settings, and the record a restart must not forget (latched
// faults a boot cannot check again, the open-loop budget used). A record that must outlive a
// restart (the exercise progress, say) is added here as a field of FlashRecords with its copy
// rule; the type then asks for its encoding in the VM's flash too.

import { KeptRecord } from "../../src/control/keptRecord"
import { Progress } from "../../src/control/program"
import { SessionRecord } from "../../src/control/sessions"
import { copySettings, Settings } from "../../src/control/settings"

export interface FlashRecords {
    /** the stored settings: the schema's keys, calibration values included */
    settings: Settings
    /** what a restart must not forget (keptRecord.ts); null: nothing stored yet */
    kept: KeptRecord | null
    /** the exercise program's progress (program.ts); null: none stored (a new table) */
    progress: Progress | null
    /** how many times the table has started */
    boots: number
    /** the session records' ring (sessions.ts): SESSION_SLOTS slots, null where none is stored */
    sessions: (SessionRecord | null)[]
}

/** A new table's flash with these settings (and, optionally, more records already stored). */
export function newFlashRecords(
    settings: Settings,
    more: Partial<FlashRecords> = {}
): FlashRecords {
    return {
        settings,
        kept: null,
        progress: null,
        boots: 0,
        sessions: [],
        ...more,
    }
}

function copySessions(r: (SessionRecord | null)[]): (SessionRecord | null)[] {
    return r.map(x => (x === null ? null : { ...x }))
}

function copyKept(r: KeptRecord | null): KeptRecord | null {
    return r === null
        ? null
        : {
              faults: r.faults.slice(),
              reasons: r.reasons.slice(),
              openLoopUsedMs: r.openLoopUsedMs,
          }
}

export type FlashRecordName = keyof FlashRecords

/** How each record is copied: nothing a reader does to its copy can reach the flash. */
const COPY: {
    [K in FlashRecordName]: (r: FlashRecords[K]) => FlashRecords[K]
} = {
    settings: copySettings,
    kept: copyKept,
    progress: p => (p === null ? null : { ...p }),
    boots: n => n,
    sessions: copySessions,
}

export const FLASH_RECORD_NAMES = Object.keys(COPY) as FlashRecordName[]

export class TableFlash {
    private readonly records: FlashRecords
    /** the writes each record has had since the flash was made (the firmware writes one record,
     *  or one session slot, at a time) */
    readonly writes: Record<FlashRecordName, number>

    constructor(
        records: Pick<FlashRecords, "settings" | "kept"> & Partial<FlashRecords>
    ) {
        this.records = {} as FlashRecords
        const all = newFlashRecords(records.settings, records)
        for (const name of FLASH_RECORD_NAMES) this.store(name, all[name])
        this.writes = {} as Record<FlashRecordName, number>
        for (const name of FLASH_RECORD_NAMES) this.writes[name] = 0
    }

    /** Stores one session record in its slot (the slot of its number), as the firmware does. */
    writeSession(slot: number, record: SessionRecord): void {
        while (this.records.sessions.length <= slot)
            this.records.sessions.push(null)
        this.records.sessions[slot] = { ...record }
        this.writes.sessions++
    }

    /** A copy of a record, as a controller reads it at start. */
    read<K extends FlashRecordName>(name: K): FlashRecords[K] {
        return COPY[name](this.records[name])
    }

    /** Stores a copy of a record, as the firmware saves one: it survives every later power cycle. */
    write<K extends FlashRecordName>(name: K, record: FlashRecords[K]): void {
        this.store(name, record)
        this.writes[name]++
    }

    private store<K extends FlashRecordName>(
        name: K,
        record: FlashRecords[K]
    ): void {
        this.records[name] = COPY[name](record)
    }
}
