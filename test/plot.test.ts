// The SVG plot: well-formed and self-contained, every series drawn, faults marked, long traces reduced.

import { describe, expect, it } from "vitest"
import {
    downsample,
    MAX_POINTS_PER_SERIES,
    renderPlotSvg,
    TITLE_CHARS_PER_LINE,
    wrapText,
} from "../sim/plot"
import { ScenarioEvent } from "../sim/scenario"
import { defaultSettings } from "../src/control/settings"
import { TraceRow } from "../sim/trace"

/** Checks that `svg` is well-formed XML (balanced tags, quoted attributes, known entities); returns the tag names in order. */
function wellFormedTags(svg: string): string[] {
    const names: string[] = []
    const stack: string[] = []
    const token =
        /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g
    let match: RegExpExecArray | null
    let end = 0
    while ((match = token.exec(svg)) !== null) {
        if (match[0] === "<" || match[0] === "&")
            throw new Error(
                "malformed markup at " +
                    match.index +
                    ": " +
                    svg.slice(match.index, match.index + 60)
            )
        const [, closing, name, , selfClosing] = match
        if (closing) {
            const open = stack.pop()
            if (open !== name)
                throw new Error("</" + name + "> closes <" + open + ">")
        } else {
            names.push(name)
            if (!selfClosing) stack.push(name)
        }
        end = token.lastIndex
    }
    if (stack.length > 0)
        throw new Error("unclosed <" + stack.join("> <") + ">")
    expect(svg.slice(end).trim()).toBe("")
    return names
}

function pointsOf(svg: string, cls: string): [number, number][] {
    const match = new RegExp(
        '<polyline class="' + cls + '"[^>]* points="([^"]*)"'
    ).exec(svg)
    if (!match) throw new Error("no polyline " + cls)
    return match[1]
        .split(" ")
        .map(pair => pair.split(",").map(Number) as [number, number])
}

/** A little session: up to 45, a fault for a second, then back. */
function session(): TraceRow[] {
    const rows: TraceRow[] = []
    for (let k = 0; k < 1500; k++) {
        const tS = k / 50
        const angleDeg = Math.min(45, -65 + 4 * tS)
        const faults =
            tS >= 20 && tS < 21
                ? ["imu"]
                : tS >= 25 && tS < 26
                  ? ["latch", "stall"]
                  : []
        rows.push({
            tS,
            angleDeg,
            estDeg: angleDeg + 0.3,
            targetDeg: 45,
            rateDps: angleDeg < 45 ? 4 : 0,
            duty: faults.length > 0 ? 0 : angleDeg < 45 ? 0.6 : 0,
            state:
                faults.length > 0
                    ? "fault"
                    : k < 10
                      ? "boot"
                      : angleDeg < 45
                        ? "moving"
                        : "holding",
            faults,
            latch: true,
            deadman: true,
            capDeg: tS < 2 ? 0 : 40,
            sessionS: 0,
            sound: "",
        })
    }
    return rows
}

describe("renderPlotSvg", () => {
    const svg = renderPlotSvg(session(), 'demo <first> & "last"')

    it("is a well-formed, self-contained SVG document", () => {
        expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(
            true
        )
        const tags = wellFormedTags(svg)
        expect(tags[0]).toBe("svg")
        expect(tags).not.toContain("script")
        expect(tags).not.toContain("image")
        expect(tags).not.toContain("style")
        expect(svg).not.toMatch(/href|url\(|@import|NaN|Infinity/)
    })

    it("carries the title, escaped", () => {
        expect(svg).toContain("demo &lt;first&gt; &amp; &quot;last&quot;")
    })

    it("draws the angle, estimate, target and duty series", () => {
        for (const cls of [
            "series-angle",
            "series-est",
            "series-target",
            "series-duty",
        ])
            expect(pointsOf(svg, cls).length).toBe(1500)
        // Deeper is higher on the page: the angle rises (y falls) over the first seconds.
        const angle = pointsOf(svg, "series-angle")
        expect(angle[0][1]).toBeGreaterThan(angle[500][1])
    })

    it("labels the axes and draws gridlines", () => {
        expect(svg).toContain("time (s)")
        expect(svg).toContain("angle (deg, + = head down)")
        expect(svg).toContain("duty (+ = deeper)")
        expect(svg).toMatch(/<g class="grid"[^>]*>\s*<line /)
        expect(svg).toContain('class="flat"')
    })

    it("shows the state strip with a legend", () => {
        for (const state of ["boot", "moving", "fault", "holding"])
            expect(svg).toContain('class="state state-' + state + '"')
        expect(svg).toMatch(
            /class="legend state-legend"[\s\S]*>moving<[\s\S]*>fault</
        )
        expect(svg).not.toContain("state-returning")
    })

    it("marks each fault span in red and names its faults at its start", () => {
        const labels = [
            ...svg.matchAll(
                /<text class="fault-label" x="([\d.]+)"[^>]*>([^<]*)<\/text>/g
            ),
        ]
        expect(labels.map(m => m[2])).toEqual(["imu", "latch, stall"])
        // one shaded rectangle per panel (angle, state strip, duty) for each span
        expect(svg.match(/class="fault-span"/g)).toHaveLength(6)
        const spanX = [...svg.matchAll(/class="fault-span" x="([\d.]+)"/g)].map(
            m => Number(m[1])
        )
        expect(Number(labels[0][1])).toBeCloseTo(spanX[0] + 3, 0)
    })

    it("copes with no rows and with one row", () => {
        expect(wellFormedTags(renderPlotSvg([], "empty"))[0]).toBe("svg")
        const one = renderPlotSvg(session().slice(0, 1), "one")
        wellFormedTags(one)
        expect(one).not.toMatch(/NaN|Infinity/)
    })
})

describe("long traces", () => {
    // Two hours at 50 Hz, with one tick of a spike that must survive the reduction.
    const rows: TraceRow[] = []
    for (let k = 0; k < 360000; k++) {
        rows.push({
            tS: k / 50,
            angleDeg: 10 * Math.sin(k / 5000),
            estDeg: 0,
            targetDeg: 0,
            rateDps: 0,
            duty: k === 123457 ? -1 : 0.1,
            state: k % 1000 < 3 ? "fault" : "holding",
            faults: k % 1000 < 3 ? ["overspeed"] : [],
            latch: true,
            deadman: true,
            capDeg: 45,
            sessionS: 0,
            sound: "",
        })
    }

    it("keeps at most MAX_POINTS_PER_SERIES points per series, spikes included", () => {
        const duty = downsample(rows, r => r.duty)
        expect(duty.length).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES)
        expect(duty.some(p => p.value === -1)).toBe(true)
        const svg = renderPlotSvg(rows, "two hours")
        for (const cls of [
            "series-angle",
            "series-est",
            "series-target",
            "series-duty",
        ])
            expect(pointsOf(svg, cls).length).toBeLessThanOrEqual(
                MAX_POINTS_PER_SERIES
            )
        // A duty of -1 is drawn at the bottom of the duty panel.
        const lowest = Math.max(...pointsOf(svg, "series-duty").map(p => p[1]))
        const highest = Math.min(...pointsOf(svg, "series-duty").map(p => p[1]))
        expect(lowest - highest).toBeGreaterThan(70) // 0.1 - (-1) = 1.1 of the panel's 2
        // 360 short faults, each far wider apart than a pixel, stay separate; the file stays small.
        expect(svg.match(/class="fault-label"/g)?.length).toBe(360)
        expect(svg.length).toBeLessThan(1_000_000)
        wellFormedTags(svg)
    })

    it("keeps points in time order", () => {
        const points = downsample(rows, r => r.angleDeg)
        for (let i = 1; i < points.length; i++)
            expect(points[i].tS).toBeGreaterThan(points[i - 1].tS)
    })
})

describe("plots show causes", () => {
    const events: ScenarioEvent[] = [
        { t: 0, set: { latch: true, deadman: true }, fault: null },
        { t: 2, set: { down: true }, fault: null },
        { t: 10, set: { down: false }, fault: null },
        { t: 20, set: {}, fault: "imu-stale" },
        { t: 22, set: { stop: true }, fault: "clear" },
        { t: 22.5, set: { stop: false }, fault: null },
        { t: 26, set: { deadman: false }, fault: "power-cycle" },
    ]
    const settings = { ...defaultSettings(), maxAngleDeg: 40, homeDeg: -70 }
    const svg = renderPlotSvg(session(), "causes", { events, settings })

    it("draws what the person did as a row of bars per input", () => {
        const bars = (name: string) =>
            [
                ...svg.matchAll(
                    new RegExp(
                        `class="input input-${name}" x="([\\d.]+)"[^>]* width="([\\d.]+)"`,
                        "g"
                    )
                ),
            ].map(m => [Number(m[1]), Number(m[2])])
        expect(bars("down")).toHaveLength(1)
        expect(bars("stop")).toHaveLength(1)
        expect(bars("deadman")).toHaveLength(1)
        expect(bars("up")).toHaveLength(0)
        // DOWN from 2 s to 10 s: 8 of the trace's 30 s of plot width.
        const [, width] = bars("down")[0]
        expect(width / 1088).toBeCloseTo(8 / 30, 2)
        for (const label of [
            "grip",
            "latch",
            "UP",
            "DOWN",
            "STOP",
            "PRESET",
            "HOME",
            "home switch",
        ])
            expect(svg).toContain(`>${label}</text>`)
    })

    it("marks the injected faults, the clear and the power cycle", () => {
        const labels = [
            ...svg.matchAll(/<text class="event-label"[^>]*>([^<]*)<\/text>/g),
        ].map(m => m[1])
        expect(labels).toEqual(["imu-stale", "clear", "power-cycle"])
        expect(svg.match(/class="event-mark mark-power"/g)).toHaveLength(1)
    })

    it("draws home, the deepest angle allowed and the hard limit as lines", () => {
        expect(svg).toContain('class="line-home"')
        expect(svg).toContain(">home -70</text>")
        // The deepest angle allowed follows the trace's cap_deg: 0 for the first 2 s, then 40.
        expect(svg).toContain(">deepest allowed 40</text>")
        const cap = /<polyline class="line-cap"[^>]* points="([^"]+)"/.exec(svg)
        expect(cap).not.toBeNull()
        const ys = cap![1].split(" ").map(p => Number(p.split(",")[1]))
        expect(new Set(ys).size).toBe(2)
        expect(ys.length).toBe(4)
        expect(svg).toContain(">hard limit 90</text>")
        // The axis takes the lines in: the limit is inside the panel.
        const y = Number(
            /<line x1="\d+" y1="([\d.]+)"[^>]* class="line-limit"/.exec(svg)![1]
        )
        expect(y).toBeGreaterThanOrEqual(80)
    })

    it("without a timeline, shows the latch and the grip as the controller saw them", () => {
        const plain = renderPlotSvg(session(), "plain")
        expect(plain.match(/class="input input-latch"/g)).toHaveLength(1)
        expect(plain.match(/class="input input-down"/g)).toBeNull()
        wellFormedTags(plain)
    })

    it("wraps a long title instead of cutting it, and makes room for it", () => {
        const title = "word ".repeat(60).trim()
        const long = renderPlotSvg(session(), title)
        const lines = [...long.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map(
            m => m[1]
        )
        expect(lines.length).toBe(3)
        expect(lines.join(" ")).toBe(title)
        for (const line of lines)
            expect(line.length).toBeLessThanOrEqual(TITLE_CHARS_PER_LINE)
        const height = (s: string) => Number(/height="(\d+)"/.exec(s)![1])
        expect(height(long)).toBe(height(svg) + 2 * 22)
        expect(wrapText("a " + "x".repeat(250), 100)).toEqual([
            "a",
            "x".repeat(100),
            "x".repeat(100),
            "x".repeat(50),
        ])
        wellFormedTags(long)
    })

    it("stays well-formed with every cause drawn", () => {
        wellFormedTags(svg)
        expect(svg).not.toMatch(/NaN|Infinity/)
    })
})
