// From a pointer press on the page to the motor output: the page's pointerdown (its event time on
// the machine's clock, performance.timeOrigin + event.timeStamp) to the simulated motor seeing the
// duty the firmware wrote (the motor's change log, on the same clock). Through the whole chain: the
// browser, the WebSocket, the server's holds, the simulated button on the Jacdac bus, the firmware's
// debounce and control tick in the VM, its motor write back over the bus.
//
// Each press starts with the table still and the motor off: DOWN (deeper) and UP (toward home) in
// turn, so the table stays near home (DOWN when it is within MARGIN_DEG of home, where UP has nothing
// to do; UP near the deepest angle allowed); the grip is held by a key and the latch closed.

import { Page } from "playwright-core"

/** What a press-to-motor measurement needs of the table (LiveSimTable and HostLiveTable have it). */
export interface MotorWatch {
    onDuty(listener: (duty: number, atMs: number) => void): () => void
    readonly latest: {
        state: string
        duty: number
        estDeg: number
        faults: string[]
    } | null
}

export type FaultWatch = MotorWatch & {
    readonly latest: { state: string; faults: string[] } | null
}

/** UP is not pressed this close to home, nor DOWN this close to the deepest angle allowed. */
const MARGIN_DEG = 6

export interface PressResult {
    button: "down" | "up"
    latencyMs: number
}

/** The presses, and the faults met between them (a loaded machine can make a VM tick late). */
export interface PressRun {
    results: PressResult[]
    /** faults found before a press and cleared with STOP at home (each named once per clearing) */
    faultsCleared: string[]
}

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))

async function until(
    test: () => boolean,
    what: string,
    timeoutMs: number
): Promise<void> {
    const end = performance.now() + timeoutMs
    while (!test()) {
        if (performance.now() > end)
            throw new Error(
                `press-to-motor: ${what} did not happen within ${timeoutMs} ms`
            )
        await sleep(10)
    }
}

async function pointerOn(page: Page, input: string): Promise<void> {
    const box = await page.locator(`[data-input=${input}]`).boundingBox()
    if (!box) throw new Error(`no ${input} button on the page`)
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
}

/** Presses DOWN and UP in turn `count` times; returns each press's latency (ms). */
export async function measurePressToMotor(
    page: Page,
    table: MotorWatch,
    count: number,
    holdMs = 250,
    homeDeg = -65,
    capDeg = 45
): Promise<PressRun> {
    const faultsCleared: string[] = []
    const changes: { duty: number; epochMs: number }[] = []
    const off = table.onDuty((duty, atMs) =>
        changes.push({ duty, epochMs: performance.timeOrigin + atMs })
    )
    const results: PressResult[] = []
    try {
        await page.keyboard.down("g")
        let last: "down" | "up" = "up"
        for (let i = 0; i < count; i++) {
            await until(
                () =>
                    table.latest !== null &&
                    table.latest.duty === 0 &&
                    table.latest.state !== "moving",
                "the table standing still with the motor off",
                15_000
            )
            await sleep(100)
            if (table.latest!.state === "fault") {
                faultsCleared.push(await clearFault(page, table, homeDeg))
                i--
                continue
            }
            const angle = table.latest!.estDeg
            const button: "down" | "up" =
                angle < homeDeg + MARGIN_DEG
                    ? "down"
                    : angle > capDeg - MARGIN_DEG
                      ? "up"
                      : last === "up"
                        ? "down"
                        : "up"
            last = button
            await pointerOn(page, button)
            const seen = changes.length
            await page.mouse.down()
            await until(
                () => changes.slice(seen).some(c => c.duty !== 0),
                `the motor answering ${button}`,
                5000
            )
            await sleep(holdMs)
            await page.mouse.up()
            const press = await page.evaluate(
                () =>
                    (
                        window as unknown as {
                            __page: { presses: { epochMs: number }[] }
                        }
                    ).__page.presses.slice(-1)[0]
            )
            const motor = changes.slice(seen).find(c => c.duty !== 0)!
            results.push({ button, latencyMs: motor.epochMs - press.epochMs })
        }
    } finally {
        await page.keyboard.up("g")
        off()
    }
    return { results, faultsCleared }
}

/**
 * A fault between presses (on a loaded machine a late VM tick raises `watchdog`, a late IMU sample
 * `imu`): UP brings the table home if it is away (open-loop for an imu fault), then STOP at home
 * clears it, as at the table. Returns the faults it cleared.
 */
export async function clearFault(
    page: Page,
    table: FaultWatch,
    homeDeg = -65
): Promise<string> {
    const names = table.latest!.faults.join("|")
    for (
        let attempt = 0;
        attempt < 30 && table.latest!.state === "fault";
        attempt++
    ) {
        // Away from home (beyond the 3 degrees of "at home"): UP held brings it there first.
        const away = table.latest!.estDeg > homeDeg + 2.5
        await pointerOn(page, away ? "up" : "stop")
        await page.mouse.down()
        await sleep(away ? 1000 : 150)
        await page.mouse.up()
        await sleep(400)
    }
    if (table.latest!.state === "fault")
        throw new Error(`press-to-motor: the fault ${names} did not clear`)
    return names
}

export function summarizeLatencies(run: PressRun): string {
    const results = run.results
    const ms = results.map(r => r.latencyMs).sort((a, b) => a - b)
    const at = (q: number) =>
        ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]
    return `${ms.length} presses: median ${at(0.5).toFixed(1)} ms, 90th percentile ${at(0.9).toFixed(1)} ms, worst ${ms[ms.length - 1].toFixed(1)} ms, best ${ms[0].toFixed(1)} ms${run.faultsCleared.length > 0 ? ` (faults cleared between presses: ${run.faultsCleared.join(", ")})` : ""}`
}
