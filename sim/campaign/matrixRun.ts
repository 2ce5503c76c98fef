// The whole matrix on the host controller, and a representative part of it through the firmware in
// the DeviceScript VM (real time: the VM's bus port is fixed, so one run at a time, in a network
// namespace of its own when others run beside it). The rows as a markdown table for the docs.

import { keptTime } from "../firmware/lateness"
import { runScenarioOnFirmware } from "../firmware/runner"
import { TraceRow } from "../trace"
import {
    hostRunner,
    MatrixRow,
    runMatrixCase,
    Runner,
    strikeTimeS,
} from "./matrix"
import { MATRIX_FAULTS, MATRIX_PAIRS, MATRIX_STATES } from "./matrixCases"

/** The part run through the firmware: each kind of fault, in a state where it acts. */
export const FIRMWARE_CASES: { fault: string; state: string }[] = [
    { fault: "imu-i2c", state: "moving deeper" },
    { fault: "motor-stall", state: "returning" },
    { fault: "motor-reversed", state: "moving up" },
    { fault: "latch-chatter", state: "holding" },
    { fault: "power-cycle", state: "deadman" },
    { fault: "imu-i2c + latch opens", state: "holding" },
    { fault: "latch-chatter + power-cycle", state: "holding" },
]

/** A firmware run is judged only when the machine kept time (a late tick is a fault in the
 *  firmware's eyes, rightly): at most this many runs of a case. */
export const FIRMWARE_ATTEMPTS = 3

/** Runs through the firmware until a run keeps time; throws NotOnTime when none did. */
export class NotOnTime extends Error {}

export const firmwareRunner: Runner = async s => {
    let worst = ""
    for (let attempt = 0; attempt < FIRMWARE_ATTEMPTS; attempt++) {
        const rows: TraceRow[] = []
        const report = await runScenarioOnFirmware(s, row => rows.push(row))
        if (
            keptTime({
                firmwareStepMs: report.maxFirmwareStepMs,
                hostLateMs: report.maxHostLateMs,
            })
        )
            return rows
        worst = `firmware step ${report.maxFirmwareStepMs} ms, harness ${Math.round(report.maxHostLateMs)} ms late`
    }
    throw new NotOnTime(
        `the machine did not keep time in ${FIRMWARE_ATTEMPTS} runs (${worst})`
    )
}

export async function runHostMatrix(
    onRow?: (r: MatrixRow) => void
): Promise<MatrixRow[]> {
    const out: MatrixRow[] = []
    for (const state of MATRIX_STATES) {
        const tI = strikeTimeS(state)
        for (const fault of MATRIX_FAULTS) {
            const row = await runMatrixCase(state, fault, tI, hostRunner)
            out.push(row)
            if (onRow) onRow(row)
        }
    }
    return out
}

export async function runFirmwareMatrix(
    onRow?: (r: MatrixRow) => void
): Promise<MatrixRow[]> {
    const out: MatrixRow[] = []
    for (const c of FIRMWARE_CASES) {
        const state = MATRIX_STATES.find(s => s.name === c.state)!
        const fault = MATRIX_FAULTS.find(f => f.name === c.fault)!
        let row: MatrixRow
        try {
            row = await runMatrixCase(
                state,
                fault,
                strikeTimeS(state),
                firmwareRunner
            )
        } catch (e) {
            if (!(e instanceof NotOnTime)) throw e
            row = {
                fault: fault.name,
                state: state.name,
                expected: "",
                observed: "not judged: " + e.message,
                pass: false,
                problems: [],
            }
        }
        out.push(row)
        if (onRow) onRow(row)
    }
    return out
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|")
}

export function matrixTable(rows: MatrixRow[]): string {
    const lines = [
        "| fault | state | expected (fault table) | observed | pass |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (const r of rows)
        lines.push(
            `| ${cell(r.fault)} | ${cell(r.state)} | ${cell(r.expected)} | ${cell(r.observed)} | ${r.pass ? "yes" : r.problems.length === 0 ? "not judged" : "**NO**: " + cell(r.problems.join("; "))} |`
        )
    return lines.join("\n")
}

export function pairsList(): string {
    return MATRIX_PAIRS.map(p => `- ${p.name}: ${p.cause}`).join("\n")
}
