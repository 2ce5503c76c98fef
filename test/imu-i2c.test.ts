// The board's MPU-6050 driver (src/hw/mpu6050Driver.ts) in the compiled firmware, in the DeviceScript
// VM, against an emulated MPU-6050 register map served on the simulated bus as a Jacdac I2C service
// (sim/firmware/mpu6050Chip.ts, i2cServer.ts; the harness's IMU path "i2c"). The driver's identity
// check, reset, wake-up, ranges, filter and burst reads run as on the table; the chip's faults are
// injected at the register level, and each must end in the `imu` fault with the motor off.
//
// Real time, like the other firmware-in-the-loop files: "vm" project (test/vm-files.mjs). ~50 s.

import { describe, expect, it } from "vitest"
import { IMU_FROZEN_MS, TICK_MS } from "../src/control/limits"
import {
    ACCEL_FS_2G,
    CONFIG_DLPF_10HZ,
    GYRO_FS_250DPS,
    PWR_AWAKE_PLL_X,
    REG_ACCEL_CONFIG,
    REG_CONFIG,
    REG_GYRO_CONFIG,
    REG_PWR_MGMT_1,
    REG_SMPLRT_DIV,
    SMPLRT_DIV_50HZ,
} from "../src/hw/mpu6050"
import { REPLY_TIMEOUT_MS } from "../src/hw/i2cTransport"
import { DEBOUNCE_TICKS } from "../src/hw/debounce"
import { firmwareDevsPath } from "../sim/firmware/paths"
import { ChipFault } from "../sim/firmware/mpu6050Chip"
import {
    ChipFaultEvent,
    FirmwareRunReport,
    runScenarioOnFirmware,
} from "../sim/firmware/runner"
import { parseScenario, Scenario } from "../sim/scenario"
import { TraceRow } from "../sim/trace"
import {
    describeLateness,
    HOST_LATE_LIMIT_MS,
    ON_TIME_ATTEMPTS,
} from "./fixtures/realTime"
import { vmPidsOf } from "./fixtures/vmProcesses"

const TICK_S = TICK_MS / 1000
/**
 * What the bus adds to a change seen through the firmware: up to a tick of the VM's own phase, the
 * debounce of an input, the trip over the bus, the row completed a host tick later, and the VM's
 * packet throttle's tail (test/firmware-loop.test.ts measures and explains the same allowance).
 */
const FIL_LATENCY_S = (1 + DEBOUNCE_TICKS + 1) * TICK_S + 0.05
/** Another VM test file on this machine may hold port 8081: wait for it. */
const PORT_WAIT_MS = 60_000
const RUN_TIMEOUT_MS = 120_000

interface Run {
    rows: TraceRow[]
    report: FirmwareRunReport
    lines: string[]
}

function lateness(r: FirmwareRunReport) {
    return { firmwareStepMs: r.maxFirmwareStepMs, hostLateMs: r.maxHostLateMs }
}

/**
 * A run is disturbed (run again) when the harness woke up late. Not by the firmware's own steps, as
 * in the other files: on this path they are late by the path itself. An I2C transaction through
 * the VM's Jacdac client takes about 33 ms from its command to the driver holding the reply (however
 * fast the reply comes), the driver then reads about 30 bursts a second, and the firmware's loop,
 * whose packets wait behind those commands, steps up to 80-120 ms (measured; 20-26 ms on the
 * accel/gyro path at the same time). The allowances below hold with it.
 */
function disturbed(r: FirmwareRunReport): boolean {
    return r.maxHostLateMs >= HOST_LATE_LIMIT_MS
}

/** Runs the scenario on the i2c path; again while the machine does not keep real time. */
async function runOnChip(
    s: Scenario,
    chipFaults: ChipFaultEvent[],
    signal: AbortSignal
): Promise<Run> {
    let run: Run | null = null
    for (let attempt = 0; attempt < ON_TIME_ATTEMPTS; attempt++) {
        const rows: TraceRow[] = []
        const lines: string[] = []
        const report = await runScenarioOnFirmware(s, row => rows.push(row), {
            devsFile: firmwareDevsPath(),
            imuPath: "i2c",
            chipFaults,
            waitForPortMs: PORT_WAIT_MS,
            signal,
            onVmLine: l => void (!l.includes("TICK ") && lines.push(l)),
        })
        run = { rows, report, lines }
        if (!disturbed(report)) break
        console.warn(
            `imu-i2c.test: ${s.name}: the machine did not keep real time (${describeLateness(lateness(report))}); running it again`
        )
    }
    expect(vmPidsOf(process.pid), "no VM left after a run").toEqual([])
    return run!
}

/** Strapped in at home, DOWN held from 0.5 s to the end. */
function goingDeeper(name: string, durationS: number): Scenario {
    return parseScenario(
        JSON.stringify({
            name,
            durationS,
            seed: 23,
            events: [
                { t: 0, set: { latch: true, deadman: true } },
                { t: 0.5, set: { down: true } },
            ],
        }),
        name
    )
}

const hasImuFault = (r: TraceRow) => r.faults.includes("imu")

describe(
    "the board's MPU-6050 driver in the VM, on an emulated chip",
    { timeout: RUN_TIMEOUT_MS },
    () => {
        it("configures the chip as on the table and reads it: the table goes deeper, the estimate follows the true angle, no fault", async ({
            signal,
        }) => {
            const { rows, report, lines } = await runOnChip(
                goingDeeper("healthy MPU-6050", 4),
                [],
                signal
            )
            expect(
                lines.some(l =>
                    l.includes("IMU: MPU-6050 driver on the i2c role")
                )
            ).toBe(true)
            const chip = report.chip!
            expect(chip.regs[REG_PWR_MGMT_1]).toBe(PWR_AWAKE_PLL_X)
            expect(chip.regs[REG_SMPLRT_DIV]).toBe(SMPLRT_DIV_50HZ)
            expect(chip.regs[REG_CONFIG]).toBe(CONFIG_DLPF_10HZ)
            expect(chip.regs[REG_GYRO_CONFIG]).toBe(GYRO_FS_250DPS)
            expect(chip.regs[REG_ACCEL_CONFIG]).toBe(ACCEL_FS_2G)
            // Burst reads all along: at least one per IMU_STALE_MS (else the imu fault, checked below).
            expect(chip.bursts).toBeGreaterThanOrEqual(rows.length / 5)
            expect(rows.filter(hasImuFault)).toEqual([])
            expect(rows.every(r => r.faults.length === 0)).toBe(true)
            const last = rows[rows.length - 1]
            expect(
                last.angleDeg - rows[0].angleDeg,
                "went deeper"
            ).toBeGreaterThan(5)
            for (const r of rows.filter(r => r.tS >= 1))
                expect(Math.abs(r.estDeg - r.angleDeg)).toBeLessThan(1)
        })

        // Going deeper when the chip fails: how soon the controller must see it, from the fault on.
        const midRun: [ChipFault, number, string][] = [
            ["nack", TICK_S, "an I2C NACK"],
            ["silent", REPLY_TIMEOUT_MS / 1000 + TICK_S, "no reply"],
            ["frozen", IMU_FROZEN_MS / 1000 + 2 * TICK_S, "frozen readings"],
        ]
        for (const [fault, withinS, what] of midRun)
            it(`${what} while going deeper (${fault}): the imu fault within ${Math.round(withinS * 1000)} ms (plus the bus), the motor off from then on`, async ({
                signal,
            }) => {
                const atS = 2
                const { rows } = await runOnChip(
                    goingDeeper(`MPU-6050 ${fault} at ${atS} s`, 3.5),
                    [{ atS, fault }],
                    signal
                )
                const before = rows.filter(r => r.tS < atS)
                expect(before.filter(hasImuFault)).toEqual([])
                expect(
                    before.some(r => r.duty > 0),
                    "driving before"
                ).toBe(true)
                const first = rows.find(r => r.tS >= atS && hasImuFault(r))
                expect(first, "the imu fault").toBeDefined()
                expect(first!.tS - atS).toBeLessThanOrEqual(
                    withinS + FIL_LATENCY_S
                )
                const after = rows.filter(r => r.tS >= first!.tS)
                expect(after.every(hasImuFault), "latched").toBe(true)
                expect(
                    after.every(r => r.duty === 0),
                    "motor off"
                ).toBe(true)
            })

        // A chip that fails its start-up: the controller starts with the imu fault; DOWN does nothing.
        const atBoot: [ChipFault, string][] = [
            ["wrong-who-am-i", "WHO_AM_I reads 0x70, expected 0x68"],
            ["sleep-stuck", "does not wake up (PWR_MGMT_1 reads 0x41)"],
            ["nack", "does not answer at I2C address 0x68"],
        ]
        for (const [fault, reason] of atBoot)
            it(`a chip that fails its start-up (${fault}): the reason logged, the imu fault from the first tick, the motor never on`, async ({
                signal,
            }) => {
                const { rows, report, lines } = await runOnChip(
                    goingDeeper(`MPU-6050 ${fault} from power-up`, 2),
                    [{ atS: 0, fault }],
                    signal
                )
                expect(
                    lines.some(l =>
                        l.includes("IMU error: MPU-6050 " + reason)
                    ),
                    lines.join("\n")
                ).toBe(true)
                expect(report.chip!.bursts).toBe(0)
                expect(rows.length).toBeGreaterThan(0)
                expect(rows.every(hasImuFault)).toBe(true)
                expect(rows.every(r => r.duty === 0)).toBe(true)
            })
    }
)
