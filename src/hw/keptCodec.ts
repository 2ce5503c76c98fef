// The stored record of what a restart must not forget (src/control/keptRecord.ts): format version,
// checksum, JSON, like the settings record (settingsCodec.ts), under keys of its own so that a
// settings change never rewrites it and a fault never rewrites the settings. Pure: host-tested in
// test/keptCodec.test.ts.
//
//     1|1052078343|{"generation":7,"faults":["direction"],"reasons":["table moved 0.4 deg against the drive"],"openLoopUsedMs":0}
//
// Two slots, written in turn: each write goes to the slot the start did not read, with the next
// generation, so that a write cut at any byte (erased first or written in place) leaves the other
// slot's record whole. A start uses the sound slot of the newest generation. Slot 0 is the single
// key of the firmware before the two slots: its record, without a generation, is generation 0.

import { KeptRecord, checkKeptRecord } from "../control/keptRecord"
import { frameRecord, unframeJson } from "./framedRecord"

/** The settings service's keys, one per slot (at most 13 characters). */
export const KEPT_KEYS = ["tblKept", "tblKept1"]
/** Bump when the record's layout or meaning changes. */
export const KEPT_FORMAT_VERSION = 1

export interface DecodedKept {
    /** the record, or null: nothing kept (none stored), or a record that cannot be trusted */
    record: KeptRecord | null
    /** null when the record was good or absent, else why it cannot be trusted (the `settings` notice) */
    error: string | null
    /** the record's generation (-1 when none is stored, or one that cannot be trusted) */
    generation: number
    /** the slot it was read from or written to (the next write goes to the other), and its text */
    slot: number
    text: string
}

export function encodeKept(r: KeptRecord, generation: number): string {
    const json = JSON.stringify({
        generation: generation,
        faults: r.faults,
        reasons: r.reasons,
        openLoopUsedMs: r.openLoopUsedMs,
    })
    return frameRecord(KEPT_FORMAT_VERSION, json)
}

/** Decodes one slot's record ("" or undefined when none is stored). Never throws. */
export function decodeKept(text: any, slot: number): DecodedKept {
    const read = unframeJson(text, KEPT_FORMAT_VERSION)
    const out: DecodedKept = {
        record: null,
        error: null,
        generation: -1,
        slot: slot,
        text: text,
    }
    let problem = read.problem
    if (problem === null && !read.empty) {
        const v = read.value
        problem = checkKeptRecord(v)
        if (problem !== null) problem = "impossible (" + problem + ")"
        else {
            out.record = {
                faults: v.faults,
                reasons: v.reasons,
                openLoopUsedMs: v.openLoopUsedMs,
            }
            // A record of the firmware before the two slots has none: generation 0.
            out.generation = v.generation === undefined ? 0 : v.generation
        }
    }
    if (problem !== null) out.error = "stored safety record " + problem
    return out
}

/**
 * What a start uses of the two slots' texts: the sound record of the newest generation; with none
 * sound, a complaint if either slot holds one (a record that cannot be trusted: the `settings`
 * notice), else nothing kept (neither slot holds anything).
 */
export function readKept(first: string, second: string): DecodedKept {
    const a = decodeKept(first, 0)
    const b = decodeKept(second, 1)
    // The second slot when it is newer, or when the first holds nothing (a complaint or nothing).
    return b.generation > a.generation || first === "" ? b : a
}

/** The write that stores `r` after `now` (what the start read, or the last write); null: unchanged. */
export function nextKept(now: DecodedKept, r: KeptRecord): DecodedKept | null {
    if (encodeKept(r, now.generation) === now.text) return null
    return decodeKept(encodeKept(r, now.generation + 1), 1 - now.slot)
}
