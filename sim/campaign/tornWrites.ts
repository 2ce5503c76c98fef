// A restart in the middle of a flash write: every record the table stores (the settings, the record
// a restart must not forget, the exercise progress, the session records), written over an older one
// and cut at every byte. What a start then reads must be the old record, the new one, or a refusal
// (the `settings` notice, the safest progress, no session record) — never a broken record read as a
// good one.
//
// Two ways a cut can leave a record: written in place over the old one (the new text's first bytes,
// the old text's last), or erased first and written part way (the new text's first bytes alone). A
// third, erased and cut before the first byte, leaves no record at all: counted apart, since what
// a start reads then is "nothing stored".

import fc from "fast-check"
import { FAULT_TABLE } from "../../src/control/faultTable"
import { IMU_FAULT_UP_MAX_MS } from "../../src/control/limits"
import { KeptRecord } from "../../src/control/keptRecord"
import { Progress, PROGRESS_MAX_COUNTED } from "../../src/control/program"
import { SessionRecord } from "../../src/control/sessions"
import { SETTINGS_SCHEMA, Settings } from "../../src/control/settings"
import { decodeKept, encodeKept } from "../../src/hw/keptCodec"
import { decodeProgress, encodeProgress } from "../../src/hw/progressCodec"
import {
    decodeSessionRecord,
    encodeSessionRecord,
} from "../../src/hw/sessionCodec"
import { decodeSettings, encodeSettings } from "../../src/hw/settingsCodec"

/** How a start reads one record's text: the record it uses (as JSON), or null for a refusal. */
export interface RecordKind {
    name: string
    /** random records of this kind, as stored */
    records: (seed: number, n: number) => string[]
    /** what a start uses: JSON of the record, "none" when it reads nothing stored, null: refused */
    read: (text: string) => string | null
}

export interface TornCount {
    kind: string
    pairs: number
    cuts: number
    readOld: number
    readNew: number
    refused: number
    /** erased and cut before the first byte: read as nothing stored */
    readNothing: number
    /** read as a record that is neither: must be 0 */
    broken: number
    brokenExamples: string[]
}

const settingsArb: fc.Arbitrary<Settings> = fc.record(
    Object.fromEntries(
        SETTINGS_SCHEMA.map(spec => [
            spec.key,
            spec.kind === "boolean"
                ? fc.boolean()
                : fc
                      .double({ min: spec.min, max: spec.max, noNaN: true })
                      .map(x => Math.round(x * 100) / 100),
        ])
    )
) as unknown as fc.Arbitrary<Settings>

const KEPT_NAMES = FAULT_TABLE.filter(r => r.survivesRestart).map(r => r.name)
const keptArb: fc.Arbitrary<KeptRecord> = fc
    .record({
        faults: fc.subarray(KEPT_NAMES),
        openLoopUsedMs: fc.integer({ min: 0, max: IMU_FAULT_UP_MAX_MS }),
        reason: fc.string({ maxLength: 40 }),
    })
    .map(r => ({
        faults: r.faults,
        reasons: r.faults.map(name => `${name}: ${r.reason}`),
        openLoopUsedMs: r.openLoopUsedMs,
    }))

/** A possible progress: sessions count only once the warnings are acknowledged. */
const progressArb: fc.Arbitrary<Progress> = fc
    .record({
        countedSessions: fc.integer({ min: 0, max: PROGRESS_MAX_COUNTED }),
        acknowledged: fc.boolean(),
    })
    .map(r => ({
        countedSessions: r.countedSessions,
        warningsAcknowledged: r.countedSessions > 0 || r.acknowledged,
    }))

const sessionArb: fc.Arbitrary<SessionRecord> = fc.record({
    number: fc.integer({ min: 0, max: 100000 }),
    boot: fc.integer({ min: 0, max: 100000 }),
    startS: fc.integer({ min: 0, max: 10000000 }).map(x => x / 10),
    invertedS: fc.integer({ min: 0, max: 90000 }).map(x => x / 10),
    deepestDeg: fc.integer({ min: -900, max: 950 }).map(x => x / 10),
    capDeg: fc.integer({ min: 0, max: 900 }).map(x => x / 10),
    counted: fc.boolean(),
    end: fc.constantFrom("home", "restart", "in progress", "fault imu"),
})

function sample<T>(
    arb: fc.Arbitrary<T>,
    encode: (r: T) => string,
    seed: number,
    n: number
): string[] {
    return fc.sample(arb, { seed, numRuns: n }).map(encode)
}

export const RECORD_KINDS: RecordKind[] = [
    {
        name: "settings",
        records: (seed, n) => sample(settingsArb, encodeSettings, seed, n),
        read: text => {
            const d = decodeSettings(text)
            return d.error === null ? JSON.stringify(d.settings) : null
        },
    },
    {
        name: "kept (a restart must not forget)",
        records: (seed, n) => sample(keptArb, encodeKept, seed, n),
        read: text => {
            const d = decodeKept(text)
            if (d.error !== null) return null
            return d.record === null ? "none" : JSON.stringify(d.record)
        },
    },
    {
        name: "progress",
        records: (seed, n) => sample(progressArb, encodeProgress, seed, n),
        read: text => {
            const d = decodeProgress(text)
            if (d.error !== null) return null
            return d.progress === null ? "none" : JSON.stringify(d.progress)
        },
    },
    {
        name: "session record",
        records: (seed, n) => sample(sessionArb, encodeSessionRecord, seed, n),
        read: text => {
            const r = decodeSessionRecord(text)
            return r === null ? null : JSON.stringify(r)
        },
    },
]

/** Every cut of `pairs` writes of each kind (record i written over record i + 1). */
export function tornWriteCounts(seed: number, pairs: number): TornCount[] {
    return RECORD_KINDS.map((kind, kindIndex) => {
        const records = kind.records(seed + kindIndex, pairs + 1)
        const c: TornCount = {
            kind: kind.name,
            pairs: 0,
            cuts: 0,
            readOld: 0,
            readNew: 0,
            refused: 0,
            readNothing: 0,
            broken: 0,
            brokenExamples: [],
        }
        for (let i = 0; i < pairs; i++) {
            const older = records[i + 1]
            const newer = records[i]
            const oldRead = kind.read(older)
            const newRead = kind.read(newer)
            if (oldRead === null || newRead === null)
                throw new Error(`a ${kind.name} record as written is refused`)
            c.pairs++
            const judge = (text: string) => {
                c.cuts++
                const got = kind.read(text)
                if (got === null) c.refused++
                else if (got === oldRead) c.readOld++
                else if (got === newRead) c.readNew++
                else if (got === "none" && text === "") c.readNothing++
                else {
                    c.broken++
                    if (c.brokenExamples.length < 3)
                        c.brokenExamples.push(JSON.stringify(text))
                }
            }
            judge("")
            for (let cut = 1; cut < newer.length; cut++) {
                judge(newer.slice(0, cut) + older.slice(cut))
                judge(newer.slice(0, cut))
            }
        }
        return c
    })
}
