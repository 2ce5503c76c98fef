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
import { copySettings, Settings } from "../../src/control/settings"

export interface FlashRecords {
    /** the stored settings: the schema's keys, calibration values included */
    settings: Settings
    /** what a restart must not forget (keptRecord.ts); null: nothing stored yet */
    kept: KeptRecord | null
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
}

export const FLASH_RECORD_NAMES = Object.keys(COPY) as FlashRecordName[]

export class TableFlash {
    private readonly records: FlashRecords

    constructor(records: FlashRecords) {
        this.records = {} as FlashRecords
        for (const name of FLASH_RECORD_NAMES) this.store(name, records[name])
    }

    /** A copy of a record, as a controller reads it at start. */
    read<K extends FlashRecordName>(name: K): FlashRecords[K] {
        return COPY[name](this.records[name])
    }

    /** Stores a copy of a record, as the firmware saves one: it survives every later power cycle. */
    write<K extends FlashRecordName>(name: K, record: FlashRecords[K]): void {
        this.store(name, record)
    }

    private store<K extends FlashRecordName>(
        name: K,
        record: FlashRecords[K]
    ): void {
        this.records[name] = COPY[name](record)
    }
}
