// Sensor readings without the packet storm.
//
// `role.reading.subscribe(...)` makes the DeviceScript core re-send `streaming_samples` to every
// subscribed sensor each time that sensor's device announces itself (every 500 ms): with the table's
// ten sensor roles that is ~20 packets/s, sent in bursts. Every packet the VM sends costs 20 ms of one
// shared send budget (burst of 5), so each burst made the next motor write - and with it the control
// loop - wait up to ~200 ms (measured: the watchdog fault tripped while moving).
//
// So the firmware taps the role's report stream for `reading` reports instead (the same decoded
// value), and keeps each sensor streaming itself: `streaming_samples` once when the role is bound,
// then every KEEPALIVE_MS, never two requests closer than ARM_SPACING_MS: ~5 packets/s in all, no
// bursts. Never blocks the caller: each role has its own small fiber, which writes only while the
// role is bound.

import * as ds from "@devicescript/core"

/** Report code of a GET of the `reading` register (0x1000 | 0x101). */
export const READING_REPORT = 0x1101
/** What the core writes to `streaming_samples` too; at >= 20 ms per sample it lasts > 3.9 s. */
const STREAMING_SAMPLES = 199
/** Re-arm period (Jacdac clients "write it every second or so"; 199 samples last far longer). */
const KEEPALIVE_MS = 2000
/** How often an unbound role is checked for binding (then it is armed at once). */
const BIND_POLL_MS = 50

/**
 * Streaming requests go out one at a time, at least this far apart, whoever sends them: ten sensors
 * bound at the same moment (the harness binds them all at once) would otherwise send a burst.
 */
const ARM_SPACING_MS = 25

let nextSlotMs = 0

/** The next free send slot for a streaming request (module-wide, so requests never bunch up). */
function reserveSlot(nowMs: number): number {
    const slot = nowMs > nextSlotMs ? nowMs : nextSlotMs
    nextSlotMs = slot + ARM_SPACING_MS
    return slot
}

/** Calls `handler` with every `reading` report of `sensor`, decoded as the VM decodes it. */
export function onReading(
    sensor: ds.Sensor,
    handler: (value: any) => void
): void {
    sensor.report().subscribe(pkt => {
        if (pkt.isRegGet && pkt.serviceCommand === READING_REPORT)
            handler(pkt.decode())
    })
    keepStreaming.start(sensor)
}

async function keepStreaming(sensor: ds.Sensor) {
    let armedMs = -1
    while (true) {
        if (!sensor.isBound) {
            armedMs = -1
            await ds.sleep(BIND_POLL_MS)
            continue
        }
        if (armedMs < 0 || ds.millis() - armedMs >= KEEPALIVE_MS) {
            const slot = reserveSlot(ds.millis())
            const wait = slot - ds.millis()
            if (wait > 0) await ds.sleep(wait)
            if (sensor.isBound)
                await sensor.streamingSamples.write(STREAMING_SAMPLES)
            armedMs = ds.millis()
        }
        await ds.sleep(BIND_POLL_MS)
    }
}

/** A single-field reading decodes to its value; be tolerant of a one-element array too. */
export function firstValue(v: any): any {
    return Array.isArray(v) ? v[0] : v
}
