// The scenarios the bench measures with, besides the shipped ones (sim/scenarios/).

import * as fs from "node:fs"
import * as path from "node:path"
import { parseScenario, Scenario } from "../scenario"

export const SCENARIO_DIR = path.join(import.meta.dirname, "..", "scenarios")

/** Every shipped scenario, by file name, sorted. */
export function shippedScenarios(): { file: string; s: Scenario }[] {
    return fs
        .readdirSync(SCENARIO_DIR)
        .filter(n => n.endsWith(".json"))
        .sort()
        .map(file => ({
            file,
            s: parseScenario(
                fs.readFileSync(path.join(SCENARIO_DIR, file), "utf8"),
                file
            ),
        }))
}

function scenario(name: string, json: object): Scenario {
    return parseScenario(JSON.stringify({ name, ...json }), name)
}

/** Two hours: a move deeper, an hour of holding, the grip let go, the return, an hour at home. */
export function twoHourSession(): Scenario {
    return scenario("two hours", {
        durationS: 7200,
        settings: { progression: false, sessionLimitS: 900 },
        events: [
            { t: 0, set: { latch: true, deadman: true } },
            { t: 1, set: { down: true } },
            { t: 20, set: { down: false } },
            { t: 3600, set: { deadman: false } },
        ],
    })
}

/**
 * 20 s (1000 ticks, what one replay program in the VM can hold) through boot, idle, moving,
 * holding, the dead-man grace, returning, PRESET, STOP, UP, and a sensor fault with UP open-loop.
 */
export function tickSession(): Scenario {
    return scenario("tick session", {
        durationS: 20,
        seed: 11,
        settings: {
            maxAngleDeg: 30,
            progression: false,
            maxRateDps: 6,
            accelDps2: 6,
            deadmanGraceS: 2,
        },
        events: [
            { t: 0, set: { latch: true, deadman: true } },
            { t: 0.6, set: { down: true } },
            { t: 4, set: { deadman: false } },
            { t: 4.3, set: { down: false } },
            { t: 7, set: { deadman: true } },
            { t: 8, set: { preset: true } },
            { t: 8.2, set: { preset: false } },
            { t: 9.5, set: { stop: true } },
            { t: 9.7, set: { stop: false } },
            { t: 10, set: { up: true } },
            { t: 11.5, set: { up: false }, fault: "imu-noise" },
            { t: 12.5, fault: "clear" },
            { t: 13, fault: "imu-stale" },
            { t: 14, set: { up: true } },
            { t: 16, set: { up: false } },
            { t: 17, fault: "clear" },
        ],
    })
}

/** Times the grip is let go while going deeper, in gripReleases(). */
export const GRIP_RELEASES_S = [2.3, 4.8, 7.3, 9.8, 12.3, 14.8, 17.3, 19.8]

/** The grip let go while going deeper, again and again, and gripped again within the grace. */
export function gripReleases(): Scenario {
    const events: object[] = [{ t: 0, set: { latch: true, deadman: true } }]
    for (const t of GRIP_RELEASES_S)
        events.push(
            { t: t - 1.3, set: { down: true } },
            { t, set: { deadman: false } },
            { t: t + 0.3, set: { down: false } },
            { t: t + 0.8, set: { deadman: true } }
        )
    return scenario("grip releases", {
        durationS: GRIP_RELEASES_S[GRIP_RELEASES_S.length - 1] + 1.5,
        seed: 4,
        events,
    })
}
