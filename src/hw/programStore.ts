// The exercise program's records in the table's flash (src/control/exercise.ts): the progress, the
// count of starts, and the ring of the last SESSION_SLOTS session records, each under a key of its
// own, read at start and written by the saver fiber only when the controller says they changed.
// A record left "in progress" by a restart is ended as such at the next start. An earlier firmware's
// acknowledgement (ACK_KEY) is taken over into the progress when no progress is stored yet.

import { ProgramStart } from "../control/exercise"
import { closedByRestart } from "../control/exercise"
import { Progress } from "../control/program"
import { IN_PROGRESS, SESSION_SLOTS, SessionRecord } from "../control/sessions"
import {
    BOOTS_KEY,
    PROGRESS_KEY,
    decodeBoots,
    decodeProgress,
    encodeProgress,
} from "./progressCodec"
import {
    decodeSessionRecord,
    encodeSessionRecord,
    sessionKey,
} from "./sessionCodec"
import { ACK_KEY, SettingsStore } from "./settingsStore"

export class ProgramStore {
    store: SettingsStore
    /** the progress record in flash as far as this program knows ("" = none); null = not known */
    storedProgress: string | null
    /** writes done since start (progress, start count, session records) */
    writes: number
    /** the number of the newest session record stored (-1: none yet) */
    newestNumber: number

    constructor(store: SettingsStore) {
        this.store = store
        this.storedProgress = null
        this.writes = 0
        this.newestNumber = -1
    }

    /**
     * Reads what a new controller needs: the progress (or the safest, with the reason), this start's
     * number (stored at once), the next session number, and ends an interrupted session's record.
     */
    async load(): Promise<ProgramStart> {
        const start: ProgramStart = {
            progress: null,
            progressError: null,
            bootCount: 1,
            nextSessionNumber: 1,
            sinceLastCountedMs: -1,
            countedInLast24h: 0,
        }
        const progressText = await this.store.readKeyText(PROGRESS_KEY)
        if (progressText === null) {
            start.progressError =
                "stored progress unreadable (storage did not answer); the safest progress in use"
            return start
        }
        this.storedProgress = progressText
        const decoded = decodeProgress(progressText)
        start.progress = decoded.progress
        start.progressError = decoded.error
        if (progressText === "") {
            // Nothing stored yet: an earlier firmware kept the acknowledgement on its own.
            const ack = await this.store.readKeyText(ACK_KEY)
            if (ack === "1")
                start.progress = {
                    countedSessions: 0,
                    warningsAcknowledged: true,
                }
        }
        const boots = decodeBoots(await this.store.readKeyText(BOOTS_KEY)) + 1
        start.bootCount = boots
        await this.write(BOOTS_KEY, "" + boots)
        let newest: SessionRecord | null = null
        let newestSlot = -1
        for (let slot = 0; slot < SESSION_SLOTS; slot++) {
            const text = await this.store.readKeyText(sessionKey(slot))
            // A storage that stops answering is not waited for slot after slot.
            if (text === null) break
            const r = decodeSessionRecord(text)
            if (r !== null && (newest === null || r.number > newest.number)) {
                newest = r
                newestSlot = slot
            }
        }
        if (newest !== null) {
            this.newestNumber = newest.number
            start.nextSessionNumber = newest.number + 1
            if (newest.end === IN_PROGRESS)
                await this.writeSession(newestSlot, closedByRestart(newest))
        }
        return start
    }

    async write(key: string, text: string): Promise<boolean> {
        const ok = await this.store.writeKeyText(key, text)
        if (ok) this.writes++
        return ok
    }

    /** Stores the progress if it differs from what is stored; null, or why not. */
    async saveProgress(p: Progress): Promise<string | null> {
        const text = encodeProgress(p)
        if (text === this.storedProgress) return null
        if (!(await this.write(PROGRESS_KEY, text)))
            return "settings storage not available"
        this.storedProgress = text
        return null
    }

    async writeSession(slot: number, r: SessionRecord): Promise<boolean> {
        return await this.write(sessionKey(slot), encodeSessionRecord(r))
    }

    /** Stores a session record in its slot. */
    async saveSession(r: SessionRecord): Promise<string | null> {
        if (!(await this.writeSession(r.number % SESSION_SLOTS, r)))
            return "settings storage not available"
        if (r.number > this.newestNumber) this.newestNumber = r.number
        return null
    }

    /**
     * A record as its stored line (the service's `record` register): index 0 the newest, 1 the one
     * before ...; "" when there is none, or when its slot holds another (damaged, overwritten) one.
     * `current` is the controller's record of the session under way or just ended: it may be newer
     * than the flash (the saver stores it a moment later), so it is told from memory.
     */
    async recordLine(
        index: number,
        current: SessionRecord | null
    ): Promise<string> {
        let newest = this.newestNumber
        if (current !== null && current.number > newest) newest = current.number
        const number = newest - index
        if (newest < 0 || number < 0 || index >= SESSION_SLOTS) return ""
        if (current !== null && current.number === number)
            return encodeSessionRecord(current)
        const text = await this.store.readKeyText(
            sessionKey(number % SESSION_SLOTS)
        )
        if (text === null) return ""
        const r = decodeSessionRecord(text)
        return r !== null && r.number === number ? text : ""
    }
}
