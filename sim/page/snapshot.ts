// What the page shows of the table, in one place: every source (the firmware in the VM, the host
// controller, a real table over USB serial) fills a TableSnapshot, the server sends it to every page
// as it is, and the page draws what it finds. A field a source cannot know is null (a real table's
// true angle, say), never a guess. To show something new, add it here, fill it in the sources, draw
// it in the page: nothing in between needs to change.

import { FAULT_TABLE } from "../../src/control/faultTable"
import { programCapDeg } from "../../src/control/program"
import { SessionRecord } from "../../src/control/sessions"
import { HARD_MAX_ANGLE_DEG, SESSION_WARNING_S } from "../../src/control/limits"

/** Which table the page shows. */
export type SourceMode = "firmware" | "host" | "serial"

export const SOURCE_TITLES: Record<SourceMode, string> = {
    firmware:
        "simulated table: the compiled firmware in the DeviceScript VM, against the table model",
    host: "simulated table: the host controller (no VM), against the table model",
    serial: "a real table over USB serial (read only: the pad is the table's own)",
}

/** The pad's inputs: buttons, the dead-man grip, the strap latch, the optional home switch. */
export type PadInput =
    "grip" | "latch" | "up" | "down" | "stop" | "preset" | "home" | "homeSwitch"
export const PAD_INPUTS: readonly PadInput[] = [
    "grip",
    "latch",
    "up",
    "down",
    "stop",
    "preset",
    "home",
    "homeSwitch",
]

/** Inputs a person holds (hold-to-run); the latch and the home switch are levels that stay set. */
export const HELD_INPUTS: readonly PadInput[] = [
    "grip",
    "up",
    "down",
    "stop",
    "preset",
    "home",
]

export type PadLevels = Record<PadInput, boolean>

export function releasedPad(): PadLevels {
    const levels = {} as PadLevels
    for (const name of PAD_INPUTS) levels[name] = false
    return levels
}

/** Something that happened, for the chart's marks: what the person did, what went wrong. */
export interface Mark {
    /** ms on the server's clock (TableSnapshot.tMs) */
    tMs: number
    kind: "input" | "inject" | "power" | "fault" | "clear" | "notice"
    /** the input, the injected fault, the raised fault, or a notice's text */
    name: string
    /** for an input: its new level */
    level?: boolean
}

export interface TableSnapshot {
    mode: SourceMode
    /** ms since the page server started */
    tMs: number
    /** the table answers (the firmware ticks, the serial link is up) */
    connected: boolean
    /** what is wrong with the table's link or program, in one line, or null */
    problem: string | null
    /** the model's true angle (simulated tables only) */
    angleDeg: number | null
    /** the controller's estimate */
    estDeg: number | null
    /** where the controller is heading */
    targetDeg: number | null
    /** the model's true rate (simulated), else the controller's estimate */
    rateDps: number | null
    /** the motor command, -1..1 (unknown on a real table: its telemetry does not carry it) */
    duty: number | null
    state: string
    faults: string[]
    /** why each active fault was raised, in the table's words */
    faultReasons: Record<string, string>
    /** the effective deepest angle (all limits included) */
    capDeg: number | null
    hardLimitDeg: number
    homeDeg: number | null
    /** time inverted in this session, and the session limit */
    sessionS: number | null
    sessionLimitS: number | null
    /** the warning sounds this long before the limit */
    warningBeforeS: number
    warning: boolean
    alarm: boolean
    /** the buzzer's sound now (a name of SOUND_NAMES: "warning", "cap", "alarm-imu" ...), or null */
    sound: string | null
    /** the latch and the grip as the controller sees them */
    latch: boolean | null
    grip: boolean | null
    /** the pad's inputs as set from the pages (simulated tables), null on a real table */
    pad: PadLevels | null
    /** the simulator's injected faults now active */
    injected: string[]
    warningsAcknowledged: boolean | null
    /** the settings in use are not the stored ones (the service's Unsaved flag); null: not known */
    settingsUnsaved: boolean | null
    /** the exercise program (progression step, last sessions), when the table reports one */
    program: ProgramView | null
}

/** The exercise program as the table reports it. */
export interface ProgramView {
    countedSessions: number
    /** the program's cap for that count (the next session's deepest angle by the count alone) */
    programCapDeg: number
    /** the session's time limit now */
    sessionLimitS: number
    /** the last session records, newest first (at most PROGRAM_RECORDS_SHOWN) */
    sessions: SessionRecord[]
}

/** How many session records the page shows. */
export const PROGRAM_RECORDS_SHOWN = 10

export function programView(
    countedSessions: number | null,
    sessionLimitS: number | null,
    records: readonly SessionRecord[] | null
): ProgramView | null {
    if (countedSessions === null || sessionLimitS === null) return null
    return {
        countedSessions,
        programCapDeg: programCapDeg(countedSessions),
        sessionLimitS,
        sessions: (records ?? []).slice(0, PROGRAM_RECORDS_SHOWN),
    }
}

/** The fields every source starts from. */
export function emptySnapshot(mode: SourceMode, tMs: number): TableSnapshot {
    return {
        mode,
        tMs,
        connected: false,
        problem: null,
        angleDeg: null,
        estDeg: null,
        targetDeg: null,
        rateDps: null,
        duty: null,
        state: "boot",
        faults: [],
        faultReasons: {},
        capDeg: null,
        hardLimitDeg: HARD_MAX_ANGLE_DEG,
        homeDeg: null,
        sessionS: null,
        sessionLimitS: null,
        warningBeforeS: SESSION_WARNING_S,
        warning: false,
        alarm: false,
        sound: null,
        latch: null,
        grip: null,
        pad: null,
        injected: [],
        warningsAcknowledged: null,
        settingsUnsaved: null,
        program: null,
    }
}

/** A sound name of the controller's (Outputs.sound, the TICK line's): "" is silence. */
export function soundName(sound: string): string | null {
    return sound === "" ? null : sound
}

/**
 * The sound a table that tells only its flags and faults (the telemetry) is making, by the
 * controller's rule: an alarm (the first alarming fault's, in the fault table's order), else the
 * warning. The one-shots (cap, counted, rhythm) do not show in the telemetry.
 */
export function soundOf(
    alarm: boolean,
    warning: boolean,
    faults: readonly string[]
): string | null {
    if (alarm) {
        for (const row of FAULT_TABLE)
            if (row.kind === "alarm" && faults.includes(row.name))
                return "alarm-" + row.name
    }
    if (warning) return "warning"
    return null
}

/** "imu: no fresh sample; latch: opened away from home" (fault_reasons) by fault name. */
export function reasonsByName(
    reasons: readonly string[] | string
): Record<string, string> {
    const parts = typeof reasons === "string" ? reasons.split("; ") : reasons
    const out: Record<string, string> = {}
    for (const part of parts) {
        const colon = part.indexOf(":")
        if (colon > 0)
            out[part.slice(0, colon).trim()] = part.slice(colon + 1).trim()
    }
    return out
}
