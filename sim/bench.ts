// `npm run bench`: figures of merit over every shipped scenario and a batch of random sessions.
// It reports; it asserts nothing (the tests do that). Wall-clock figures depend on the machine.
//
//   deepest overshoot     how far the true angle went beyond the effective deepest angle
//   fastest rate          the true rate against the rate setting that applied
//   grip-release stop     travel and time from letting go while going deeper to standing still
//   estimator error       |estimate - true angle| while the IMU is healthy (no sensor fault)
//   speed                 simulated seconds per wall-clock second

import { readFileSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { userMaxDeg } from "../src/control/settings"
import { runScenario } from "./run"
import { parseScenario, Scenario } from "./scenario"
import { TraceRow } from "./trace"

const DIR = join(import.meta.dirname, "scenarios")

interface Figures {
    overshootDeg: number
    overshootWhere: string
    rateRatio: number
    rateWhere: string
    stopTravelDeg: number
    stopTimeS: number
    stopWhere: string
    estMaxErrDeg: number
    estWhere: string
    estSqSum: number
    estCount: number
    simS: number
    wallS: number
}

function measure(
    name: string,
    s: Scenario,
    rows: TraceRow[],
    f: Figures
): void {
    const effMax = userMaxDeg(s.settings)
    const sensorFault = s.events.some(
        e =>
            e.fault !== null && e.fault !== "clear" && e.fault !== "power-cycle"
    )
    for (let k = 0; k < rows.length; k++) {
        const r = rows[k]
        const over = r.angleDeg - Math.max(effMax, s.table.startAngleDeg)
        if (over > f.overshootDeg) {
            f.overshootDeg = over
            f.overshootWhere = `${name} at ${r.tS.toFixed(2)} s`
        }
        if (r.faults.length === 0 && r.state !== "boot" && !sensorFault) {
            const limit =
                r.rateDps > 0 ? s.settings.maxRateDps : s.settings.returnRateDps
            const ratio = Math.abs(r.rateDps) / limit
            if (ratio > f.rateRatio) {
                f.rateRatio = ratio
                f.rateWhere = `${name} at ${r.tS.toFixed(2)} s (${r.rateDps.toFixed(2)} deg/s, setting ${limit})`
            }
            const err = Math.abs(r.estDeg - r.angleDeg)
            f.estSqSum += err * err
            f.estCount++
            if (err > f.estMaxErrDeg) {
                f.estMaxErrDeg = err
                f.estWhere = `${name} at ${r.tS.toFixed(2)} s`
            }
        }
        // Letting go while going deeper: travel until the table stands still.
        if (
            k > 0 &&
            rows[k - 1].deadman &&
            !r.deadman &&
            rows[k - 1].rateDps > 0
        ) {
            let j = k
            while (j < rows.length && rows[j].rateDps > 0) j++
            if (j < rows.length) {
                const travel = rows[j].angleDeg - rows[k - 1].angleDeg
                if (travel > f.stopTravelDeg) {
                    f.stopTravelDeg = travel
                    f.stopTimeS = rows[j].tS - rows[k - 1].tS
                    f.stopWhere = `${name} at ${r.tS.toFixed(2)} s from ${rows[k - 1].rateDps.toFixed(2)} deg/s`
                }
            }
        }
    }
}

function main(): void {
    const f: Figures = {
        overshootDeg: -Infinity,
        overshootWhere: "",
        rateRatio: 0,
        rateWhere: "",
        stopTravelDeg: 0,
        stopTimeS: 0,
        stopWhere: "",
        estMaxErrDeg: 0,
        estWhere: "",
        estSqSum: 0,
        estCount: 0,
        simS: 0,
        wallS: 0,
    }
    const files = readdirSync(DIR)
        .filter(n => n.endsWith(".json"))
        .sort()
    for (const file of files) {
        const s = parseScenario(readFileSync(join(DIR, file), "utf8"), file)
        const rows: TraceRow[] = []
        const t0 = performance.now()
        runScenario(s, row => rows.push(row))
        f.wallS += (performance.now() - t0) / 1000
        f.simS += s.durationS
        measure(file, s, rows, f)
    }
    // One long session for the speed figure: two hours of holding and moving.
    const long = parseScenario(
        JSON.stringify({
            durationS: 7200,
            settings: { progression: false, sessionLimitS: 900 },
            events: [
                { t: 0, set: { latch: true, deadman: true } },
                { t: 1, set: { down: true } },
                { t: 20, set: { down: false } },
                { t: 3600, set: { deadman: false } },
            ],
        }),
        "two-hours.json"
    )
    const t0 = performance.now()
    let n = 0
    runScenario(long, () => n++)
    const longWallS = (performance.now() - t0) / 1000

    const line = (label: string, value: string) =>
        console.log(label.padEnd(24) + value)
    console.log(
        `${files.length} scenarios, ${f.simS.toFixed(0)} simulated seconds\n`
    )
    line(
        "deepest overshoot",
        `${f.overshootDeg.toFixed(3)} deg beyond the effective deepest angle (${f.overshootWhere})`
    )
    line(
        "fastest rate",
        `${f.rateRatio.toFixed(3)} x the rate setting (${f.rateWhere})`
    )
    line(
        "grip-release stop",
        `${f.stopTravelDeg.toFixed(3)} deg in ${f.stopTimeS.toFixed(2)} s (${f.stopWhere})`
    )
    line(
        "estimator error",
        `max ${f.estMaxErrDeg.toFixed(3)} deg (${f.estWhere}), RMS ${Math.sqrt(f.estSqSum / f.estCount).toFixed(3)} deg`
    )
    line(
        "speed (scenarios)",
        `${(f.simS / f.wallS).toFixed(0)} simulated s per wall-clock s`
    )
    line(
        "speed (2 h session)",
        `${(7200 / longWallS).toFixed(0)} simulated s per wall-clock s (${n} ticks in ${longWallS.toFixed(2)} s)`
    )
}

main()
