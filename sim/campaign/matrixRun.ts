// The whole matrix on the host controller, and a representative part of it through the firmware in
// the DeviceScript VM (real time: the VM's bus port is fixed, so one run at a time, in a network
// namespace of its own when others run beside it). The rows as a markdown table for the docs.

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

export const firmwareRunner: Runner = async s => {
    const rows: TraceRow[] = []
    await runScenarioOnFirmware(s, row => rows.push(row))
    return rows
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
        const row = await runMatrixCase(
            state,
            fault,
            strikeTimeS(state),
            firmwareRunner
        )
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
            `| ${cell(r.fault)} | ${cell(r.state)} | ${cell(r.expected)} | ${cell(r.observed)} | ${r.pass ? "yes" : "**NO**: " + cell(r.problems.join("; "))} |`
        )
    return lines.join("\n")
}

export function pairsList(): string {
    return MATRIX_PAIRS.map(p => `- ${p.name}: ${p.cause}`).join("\n")
}
