// The firmware: hardware in, controller, hardware out, at 50 Hz on ds.millis(). The only place with
// a clock and timers; the controller (src/control/) is plain TypeScript and never sees a role.
//
// Start-up, in this order:
//   1. the roles (simulator) or the board's services (table), and the motor written off (speed 0);
//      until the motor role is bound nothing can be written, and the first write after binding is
//      speed 0 again (motorWrites.ts);
//   2. on the table, the stored settings (defaults and the `settings` fault if they are missing or
//      bad); the motor is held off meanwhile;
//   3. the IMU streaming (FIRST_SAMPLES samples) and every switch reporting its level, at most
//      STARTUP_WAIT_MS: the controller counts "no fresh sample for 100 ms" from its first tick, and
//      it must see a button held at start as held from its first tick (a restart with DOWN held
//      must not look like a new press of DOWN); the switches' debouncers start at the present level;
//   4. the loop: inputs, controller.step(inputs, ds.millis()), one motor write, the TICK line (in the
//      simulator only: TICK_LINES), and
//      the outputs handed to the table's Jacdac service (src/service/: it keeps a reference and
//      sends events only when the state changes, a fault is raised or something is refused).
// The service (services/inversiontable.md) runs from step 1 on, on the firmware's server device (not
// a role): it reads "boot" and refuses writes and commands until the controller runs.
// A restart of the program goes through all of it again: the controller assumes nothing.

import * as ds from "@devicescript/core"
import { Controller } from "./control/controller"
import { TICK_MS } from "./control/limits"
import {
    Settings,
    copySettings,
    defaultSettings,
    sameSettings,
} from "./control/settings"
import { Outputs } from "./control/types"
import { SettingsStore } from "./hw/settingsStore"
import { decodeSettings } from "./hw/settingsCodec"
import { DecodedKept, KEPT_KEYS, nextKept, readKept } from "./hw/keptCodec"
import { ProgramStart, newTableStart, startAfter } from "./control/exercise"
import { ProgramStore } from "./hw/programStore"
import { TableServiceCore } from "./service/core"
import { startTableServer } from "./service/server"
import { TableIo, boardTableIo, simTableIo } from "./hw/tableIo"
import { faultsField, tickLine } from "./hw/tickLine"

const SIMULATOR = ds.isSimulator()
/**
 * The TICK line (hw/tickLine.ts), one per tick: printed only where something reads it, the
 * simulator's harness (sim/firmware/tickFeed.ts). Never on the table's console, where at 50 Hz it
 * would cost the chip ~70 characters of formatting and output every 20 ms and bury the lines a
 * person reads (FW, FAULTS, STATUS, IMU errors).
 */
const TICK_LINES = SIMULATOR

/** How long the settings service may take to bind and answer (it binds within ~1 s). */
const SETTINGS_TIMEOUT_MS = 3000
/** IMU samples wanted before the first tick (100 ms of data: the sensor is really streaming). */
const FIRST_SAMPLES = 5
/**
 * After this long without them (or without every switch's level) the controller starts anyway: a
 * missing IMU then raises the imu fault, a silent switch reads released/open.
 */
const STARTUP_WAIT_MS = 3000
/** The saver looks for work this often: a record kept over restarts is stored within about this. */
const KEPT_POLL_MS = 20
/** A status line (not a TICK line) this often. */
const STATUS_EVERY_MS = 5000

function errorText(e: any): string {
    return e && e.message ? "" + e.message : "" + e
}

function hasFault(out: Outputs, name: string): boolean {
    for (const f of out.faults) if (f === name) return true
    return false
}

/**
 * Set by the service when the settings should be stored (the `save` command); the saver fiber does
 * it (never the loop). A change of a setting (service mode, calibration) applies at once and is not
 * stored until then: a restart without save brings back the stored settings.
 */
let saveWanted = false
/** Set by the service when the first-use warnings were acknowledged: the loop tells the controller. */
let ackWanted = false

/** The table's flash: the settings, and the exercise program's records. */
const store = new SettingsStore(SETTINGS_TIMEOUT_MS)
const programStore = new ProgramStore(store)

/**
 * The table's Jacdac service. `save` and `acknowledge_warnings` only ask the saver fiber: flash is
 * never written from a packet handler or the loop.
 */
const service = new TableServiceCore({
    save: () => {
        saveWanted = true
        return null
    },
    acknowledgeWarnings: () => {
        ackWanted = true
        return null
    },
})

// 1. Hardware, motor off; the service.
const io: TableIo = SIMULATOR ? simTableIo() : boardTableIo()
await io.motor.apply(0)
startTableServer(service)
console.log("FW start t=" + ds.millis() + " simulator=" + (SIMULATOR ? 1 : 0))

// 2. Settings.
/** What the exercise program starts from (read with the settings). */
let programStart: ProgramStart = newTableStart()
let settings: Settings = defaultSettings()
let settingsError: string | null = null
let settingsLoaded = false
/** What the last run asked a restart not to forget (keptRecord.ts): the slot in use, its record. */
let kept: DecodedKept = readKept("", "")

async function loadSettings() {
    const loaded = await store.load()
    settings = loaded.settings
    settingsError = loaded.error
    // The record kept over restarts (a latched fault a boot cannot re-check, the open-loop budget).
    const first = await store.readKeyText(KEPT_KEYS[0])
    const second = await store.readKeyText(KEPT_KEYS[1])
    if (first !== null && second !== null) {
        kept = readKept(first, second)
        if (kept.error !== null)
            settingsError =
                settingsError === null
                    ? kept.error
                    : settingsError + "; " + kept.error
    }
    // The exercise program: the progress (the first-use acknowledgement in it), this start's number,
    // the session records (an interrupted session's ended as a restart).
    programStart = await programStore.load()
    service.warningsAcknowledged =
        programStart.progress !== null &&
        programStart.progress.warningsAcknowledged
    settingsLoaded = true
}

/** Set by the loop when the record kept over restarts changed: the saver stores it first of all. */
let keptWanted = false
/** Set by the loop when the exercise program's progress or session record changed (the saver). */
let progressWanted = false
let recordWanted = false

async function saveKept() {
    keptWanted = false
    const next = nextKept(kept, controller.keptRecord())
    if (next === null) return
    if (await store.writeKeyText(KEPT_KEYS[next.slot], next.text)) {
        kept = next
        console.log("kept record stored: " + next.text)
    } else {
        // Try again on the next round: a restart must not forget it.
        keptWanted = true
        console.log("kept record not stored: settings storage not available")
    }
}

async function settingsSaver() {
    while (true) {
        if (keptWanted) await saveKept()
        if (saveWanted) {
            saveWanted = false
            const error = await store.save(copySettings(controller.settings))
            console.log(
                error === null
                    ? "settings stored"
                    : "settings not stored: " + error
            )
            if (error !== null)
                service.storingFailed("settings not stored: " + error)
            service.settingsUnsaved = settingsUnsaved()
        }
        if (progressWanted) {
            progressWanted = false
            const error = await programStore.saveProgress(
                controller.program.progress
            )
            if (error !== null) {
                progressWanted = true
                console.log("progress not stored: " + error)
            }
        }
        // A client asked for a session record (record_index): read it here, never in the packet
        // handler (a flash read there would wait on the very fiber that delivers its answer).
        if (service.recordRequested >= 0) {
            const index = service.recordRequested
            service.recordLoaded(
                index,
                await programStore.recordLine(index, controller.program.record)
            )
        }
        if (recordWanted) {
            recordWanted = false
            const r = controller.program.record
            const error = r === null ? null : await programStore.saveSession(r)
            if (error !== null) {
                recordWanted = true
                console.log("session record not stored: " + error)
            }
        }
        await ds.sleep(KEPT_POLL_MS)
    }
}

/**
 * The settings in use differ from the record in flash: a change not saved yet, or the defaults in use
 * over a missing or bad record. Compared value by value (a record written elsewhere may print its
 * numbers otherwise), only when the settings or the record changed.
 */
function settingsUnsaved(): boolean {
    if (store.stored === null) return true
    const stored = decodeSettings(store.stored)
    return (
        stored.error !== null ||
        !sameSettings(stored.settings, controller.settings)
    )
}

loadSettings.start()

// 3. Settings loaded, the IMU streaming and every switch's level known, with the motor held off.
const waitStartMs = ds.millis()
while (
    !settingsLoaded ||
    ((io.imu.count() < FIRST_SAMPLES || !io.inputs.allReported()) &&
        ds.millis() - waitStartMs < STARTUP_WAIT_MS)
) {
    await io.motor.apply(0)
    await ds.sleep(TICK_MS)
}
io.inputs.prime()
if (settingsError !== null) console.log("settings: " + settingsError)
console.log(
    "FW ready t=" +
        ds.millis() +
        " imuSamples=" +
        io.imu.count() +
        " silentSwitches=" +
        io.inputs.silent()
)

// 4. The control loop.
let controller = new Controller(
    settings,
    settingsError,
    kept.record,
    programStart
)
/** The kept record's figures last seen in the outputs: a change is stored (saveKept). */
let keptBits = -1
let progressRevision = 0
let recordRevision = 0
let keptOpenLoopMs = -1
service.ctl = controller
io.annunciator.start()
settingsSaver.start()
/** On the table, defaults used because of a settings error are stored once the fault is acknowledged. */
let storeAfterAck = settingsError !== null
/** The controller's settings revision last seen: a change shows as unsaved until `save`. */
let settingsRevision = 0
service.settingsUnsaved = settingsUnsaved()

let ticks = 0
let faultsShown = "-"
let lateTicks = 0
let maxGapMs = 0
let lastTickMs = -1
let nextStatusMs = ds.millis() + STATUS_EVERY_MS
let next = ds.millis()
while (true) {
    const nowMs = ds.millis()
    if (lastTickMs >= 0) {
        const gap = nowMs - lastTickMs
        if (gap > maxGapMs) maxGapMs = gap
        if (gap > TICK_MS + TICK_MS / 2) lateTicks++
    }
    lastTickMs = nowMs
    ticks++

    const inputs = io.inputs.read(io.imu.latest())
    let out: Outputs = null
    try {
        out = controller.step(inputs, nowMs)
    } catch (e) {
        // A thrown step must not leave the motor running (a stopped program would leave the motor
        // server at its last speed): cut it, and start the controller afresh, as after a restart.
        console.log(
            "ERROR controller.step threw: " +
                errorText(e) +
                "; motor off, controller restarted"
        )
        // What was stored to be kept comes back as after a restart.
        controller = new Controller(
            copySettings(controller.settings),
            storeAfterAck ? settingsError : null,
            kept.record,
            startAfter(controller.program)
        )
        service.ctl = controller
        settingsRevision = 0
        progressRevision = 0
        recordRevision = 0
    }
    await io.motor.apply(out !== null ? out.duty : 0)

    if (out !== null) {
        if (
            out.keptFaultBits !== keptBits ||
            out.openLoopReservedMs !== keptOpenLoopMs
        ) {
            keptBits = out.keptFaultBits
            keptOpenLoopMs = out.openLoopReservedMs
            keptWanted = true
        }
        if (out.progressRevision !== progressRevision) {
            progressRevision = out.progressRevision
            progressWanted = true
        }
        if (out.recordRevision !== recordRevision) {
            recordRevision = out.recordRevision
            recordWanted = true
        }
        // An acknowledgement taken since the last tick reaches the controller before the service
        // shows the controller's own record of it (the register never reads false after the command).
        if (ackWanted) {
            ackWanted = false
            controller.acknowledgeWarnings()
        }
        service.warningsAcknowledged = controller.warningsAcknowledged()
        if (TICK_LINES) console.log(tickLine(nowMs, out))
        const faultsNow = faultsField(out.faults)
        if (faultsNow !== faultsShown) {
            faultsShown = faultsNow
            console.log(
                "FAULTS " +
                    faultsNow +
                    (out.faultReasons.length > 0
                        ? ": " + out.faultReasons.join("; ")
                        : "")
            )
        }
        io.annunciator.report(out.state, out.alarm, out.sound)
        service.feed(out)
        if (storeAfterAck && !hasFault(out, "settings")) {
            storeAfterAck = false
            saveWanted = true
        }
        if (out.settingsRevision !== settingsRevision) {
            settingsRevision = out.settingsRevision
            service.settingsUnsaved = settingsUnsaved()
        }
    }

    if (nowMs >= nextStatusMs) {
        nextStatusMs = nowMs + STATUS_EVERY_MS
        console.log(
            "STATUS ticks=" +
                ticks +
                " late=" +
                lateTicks +
                " maxGapMs=" +
                maxGapMs +
                " imuSamples=" +
                io.imu.count()
        )
        maxGapMs = 0
    }

    next += TICK_MS
    const now = ds.millis()
    if (now - next > TICK_MS) next = now // far behind: back on a fresh grid, no burst of catch-up ticks
    await ds.sleep(next > now ? next - now : 0)
}
