// A restart in the middle of a flash write: every record the table stores (the settings, the record
// a restart must not forget, the exercise progress, the session records), written as its store
// writes it and cut at every byte. What a start then reads must be the old record, the new one, or
// a refusal (the `settings` notice, the safest progress, no session record) — never a broken record
// read as a good one, and never "nothing stored" where a record was.
//
// Each kind's store is modelled as the firmware keeps it: its slots (keys) and which one a write
// goes to after a start on what the flash holds (the record a restart must not forget: two slots in
// turn, src/hw/keptCodec.ts; the others: one key). A cut leaves the slot written in one of two ways:
// written in place over the old text (the new text's first bytes, the old text's last), or erased
// first and written part way (the new text's first bytes alone; none at all when the cut comes
// before the first byte). Each write is made from one of four flashes: a table never written, an
// earlier firmware's (the record under its single key), one written twice, and one whose last write
// was cut (at a random byte) before the start that makes this write.

import fc from "fast-check"
import { FAULT_TABLE } from "../../src/control/faultTable"
import { IMU_FAULT_UP_MAX_MS } from "../../src/control/limits"
import { KeptRecord } from "../../src/control/keptRecord"
import { Progress, PROGRESS_MAX_COUNTED } from "../../src/control/program"
import { SessionRecord } from "../../src/control/sessions"
import { SETTINGS_SCHEMA, Settings } from "../../src/control/settings"
import { frameRecord } from "../../src/hw/framedRecord"
import {
    KEPT_FORMAT_VERSION,
    decodeKept,
    encodeKept,
    nextKept,
    readKept,
} from "../../src/hw/keptCodec"
import { decodeProgress, encodeProgress } from "../../src/hw/progressCodec"
import {
    decodeSessionRecord,
    encodeSessionRecord,
} from "../../src/hw/sessionCodec"
import { decodeSettings, encodeSettings } from "../../src/hw/settingsCodec"
import { Rng } from "../model/rng"

/** What a start uses: JSON of the record, "none" when it reads nothing stored, null: refused. */
export type Reading = string | null

/** A slot written: which, and its new text. */
export interface SlotWrite {
    slot: number
    text: string
}

/** How a start reads one kind of record, and how its store writes one. */
export interface RecordKind {
    name: string
    /** random records of this kind, as one slot holds them */
    records: (seed: number, n: number) => string[]
    /** what a start uses of one slot's text alone */
    read: (text: string) => Reading
    /** the slots (keys) the store keeps this kind in */
    slots: number
    /** what a start uses of the slots' texts */
    readSlots: (texts: string[]) => Reading
    /** the write a start on `texts` makes to store `record` (one of `records`); null: none needed */
    write: (texts: string[], record: string) => SlotWrite | null
    /** the record as an earlier firmware stored it, under its single key (slot 0) */
    legacy: (record: string) => string
}

export interface TornCount {
    kind: string
    slots: number
    pairs: number
    cuts: number
    readOld: number
    readNew: number
    refused: number
    /** nothing stored, on a table never written */
    readNothing: number
    /** nothing stored where a record had been written: must be 0 for the record a restart must not forget */
    lost: number
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

/** A kind kept under one key: a write replaces it. */
function oneSlot(
    name: string,
    records: (seed: number, n: number) => string[],
    read: (text: string) => Reading
): RecordKind {
    return {
        name,
        records,
        read,
        slots: 1,
        readSlots: texts => read(texts[0]),
        write: (_texts, record) => ({ slot: 0, text: record }),
        legacy: record => record,
    }
}

function keptReading(d: {
    record: KeptRecord | null
    error: string | null
}): Reading {
    if (d.error !== null) return null
    return d.record === null ? "none" : JSON.stringify(d.record)
}

export const RECORD_KINDS: RecordKind[] = [
    oneSlot(
        "settings",
        (seed, n) => sample(settingsArb, encodeSettings, seed, n),
        text => {
            const d = decodeSettings(text)
            return d.error === null ? JSON.stringify(d.settings) : null
        }
    ),
    {
        name: "kept (a restart must not forget)",
        records: (seed, n) => sample(keptArb, r => encodeKept(r, 0), seed, n),
        read: text => keptReading(decodeKept(text, 0)),
        slots: 2,
        readSlots: texts => keptReading(readKept(texts[0], texts[1])),
        write: (texts, record) => {
            const r = decodeKept(record, 0).record
            if (r === null)
                throw new Error("a kept record as written is refused")
            const next = nextKept(readKept(texts[0], texts[1]), r)
            return next === null ? null : { slot: next.slot, text: next.text }
        },
        // The firmware before the two slots: the same record without a generation, one key.
        legacy: record => {
            const r = decodeKept(record, 0).record
            return r === null
                ? record
                : frameRecord(KEPT_FORMAT_VERSION, JSON.stringify(r))
        },
    },
    oneSlot(
        "progress",
        (seed, n) => sample(progressArb, encodeProgress, seed, n),
        text => {
            const d = decodeProgress(text)
            if (d.error !== null) return null
            return d.progress === null ? "none" : JSON.stringify(d.progress)
        }
    ),
    oneSlot(
        "session record",
        (seed, n) => sample(sessionArb, encodeSessionRecord, seed, n),
        text => {
            const r = decodeSessionRecord(text)
            return r === null ? null : JSON.stringify(r)
        }
    ),
]

function written(texts: string[], w: SlotWrite | null): string[] {
    if (w === null) return texts
    const out = texts.slice()
    out[w.slot] = w.text
    return out
}

/** Every way a cut can leave the slot `w` writes: erased first and cut at each byte, or in place. */
export function cutsOf(texts: string[], w: SlotWrite): string[][] {
    const old = texts[w.slot]
    const out: string[][] = [written(texts, { slot: w.slot, text: "" })]
    for (let cut = 1; cut < w.text.length; cut++) {
        out.push(
            written(texts, {
                slot: w.slot,
                text: w.text.slice(0, cut) + old.slice(cut),
            })
        )
        out.push(written(texts, { slot: w.slot, text: w.text.slice(0, cut) }))
    }
    return out
}

/** The flashes a write is made from (see the top of the file), built with the store's own writes. */
function flashBefore(
    kind: RecordKind,
    history: number,
    earlier: string[],
    rng: Rng
): { texts: string[]; everWritten: boolean } {
    let texts: string[] = new Array(kind.slots).fill("")
    if (history === 0) return { texts, everWritten: false }
    if (history === 1) {
        texts[0] = kind.legacy(earlier[0])
        return { texts, everWritten: true }
    }
    texts = written(texts, kind.write(texts, earlier[2]))
    texts = written(texts, kind.write(texts, earlier[1]))
    if (history === 3) {
        const w = kind.write(texts, earlier[0])
        if (w !== null) {
            const cuts = cutsOf(texts, w)
            texts = cuts[Math.floor(rng.next() * cuts.length)]
        }
    }
    return { texts, everWritten: true }
}

/** Every cut of `pairs` writes of each kind, each write made from one of the four flashes in turn. */
export function tornWriteCounts(seed: number, pairs: number): TornCount[] {
    return RECORD_KINDS.map((kind, kindIndex) => {
        const records = kind.records(seed + kindIndex, pairs + 3)
        const rng = new Rng(seed + kindIndex)
        const c: TornCount = {
            kind: kind.name,
            slots: kind.slots,
            pairs: 0,
            cuts: 0,
            readOld: 0,
            readNew: 0,
            refused: 0,
            readNothing: 0,
            lost: 0,
            broken: 0,
            brokenExamples: [],
        }
        for (let i = 0; i < pairs; i++) {
            const before = flashBefore(
                kind,
                i % 4,
                records.slice(i + 1, i + 4),
                rng
            )
            const w = kind.write(before.texts, records[i])
            // The same record as the one stored: nothing is written.
            if (w === null) continue
            const oldRead = kind.readSlots(before.texts)
            const newRead = kind.readSlots(written(before.texts, w))
            if (newRead === null || newRead === "none")
                throw new Error(`a ${kind.name} record as written is refused`)
            c.pairs++
            for (const texts of cutsOf(before.texts, w)) {
                c.cuts++
                const got = kind.readSlots(texts)
                if (got === null) c.refused++
                else if (got === "none" && !before.everWritten) c.readNothing++
                else if (got === "none") c.lost++
                else if (got === oldRead) c.readOld++
                else if (got === newRead) c.readNew++
                else {
                    c.broken++
                    if (c.brokenExamples.length < 3)
                        c.brokenExamples.push(JSON.stringify(texts))
                }
            }
        }
        return c
    })
}
