// A trace as a picture a person reads at a glance: angle on top (with home, the deepest angle allowed
// and the hard limit as lines), the state strip, duty below, and under it what the person did (the
// grip, the latch and each button as a row of bars), with fault spans in red across the panels and
// the injected faults and power cycles as marks. Plain self-contained SVG: no scripts, no external
// fonts or styles, so it opens the same in a browser, an editor preview or an issue attachment.

import { HARD_MAX_ANGLE_DEG } from "../src/control/limits"
import { defaultSettings, Settings } from "../src/control/settings"
import { INPUT_NAMES, InputName, ScenarioEvent } from "./scenario"
import { TRACE_TICK_S, TraceRow } from "./trace"

/** At most this many points per series: a two-hour trace has 360 000 rows. */
export const MAX_POINTS_PER_SERIES = 2000

const WIDTH = 1200
const LEFT = 88
const RIGHT = 24
const PLOT_W = WIDTH - LEFT - RIGHT
/** The title wraps at this many characters a line (18 px bold), one line every TITLE_LINE_H. */
export const TITLE_CHARS_PER_LINE = 100
const TITLE_LINE_H = 22
/** Everything below the title's first line moves down by the extra lines (drawn in a translated group). */
const ANGLE_TOP = 80
const ANGLE_H = 380
const STRIP_TOP = ANGLE_TOP + ANGLE_H + 14
const STRIP_H = 18
const DUTY_TOP = STRIP_TOP + STRIP_H + 14
const DUTY_H = 150
/** What the person did: one row of bars per input. */
const INPUT_ROW_H = 13
const INPUT_ROWS: { name: InputName; label: string }[] = [
    { name: "deadman", label: "grip" },
    { name: "latch", label: "latch" },
    { name: "up", label: "UP" },
    { name: "down", label: "DOWN" },
    { name: "stop", label: "STOP" },
    { name: "preset", label: "PRESET" },
    { name: "home", label: "HOME" },
    { name: "homeSwitch", label: "home switch" },
]
const INPUTS_TOP = DUTY_TOP + DUTY_H + 14
const INPUTS_H = INPUT_ROWS.length * INPUT_ROW_H
const AXIS_LABEL_Y = INPUTS_TOP + INPUTS_H + 18
const BASE_HEIGHT = AXIS_LABEL_Y + 64
const STATE_LEGEND_Y = BASE_HEIGHT - 16

/** What the plot knows besides the trace: the scenario's timeline and settings (for its causes). */
export interface PlotContext {
    /** the scenario's events: the inputs' levels over time, the injected faults and power cycles */
    events?: readonly ScenarioEvent[]
    /** the stored settings: home and the user's deepest angle */
    settings?: Settings
}

/** Spans narrower than this (in pixels) are merged with their neighbours, so chatter stays drawable. */
const MIN_SPAN_PX = 1

const SERIES = {
    angle: { label: "true angle", colour: "#1f4e9c", width: 1.8, dash: "" },
    est: { label: "estimate", colour: "#e07b00", width: 1.2, dash: "6 3" },
    target: { label: "target", colour: "#2e9e44", width: 1.2, dash: "2 3" },
    duty: { label: "duty", colour: "#333333", width: 1.2, dash: "" },
}

const FAULT_FILL = "#d62728"
const INPUT_FILL = "#1f4e9c"
const MARK_COLOUR = "#6a1b9a"
const LINES = {
    home: { label: "home", colour: "#2e9e44" },
    cap: { label: "deepest allowed", colour: "#c79100" },
    limit: { label: "hard limit", colour: "#d62728" },
}

/** A colour per state of behaviour.md; the order is also the legend's, and a rough order of severity. */
const STATE_COLOURS: { state: string; colour: string }[] = [
    { state: "boot", colour: "#9e9e9e" },
    { state: "idle", colour: "#cfd8dc" },
    { state: "service", colour: "#8d6e63" },
    { state: "holding", colour: "#66bb6a" },
    { state: "moving", colour: "#42a5f5" },
    { state: "deadman", colour: "#ffb300" },
    { state: "returning", colour: "#ab47bc" },
    { state: "fault", colour: "#d62728" },
]
const UNKNOWN_STATE_COLOUR = "#000000"

export function renderPlotSvg(
    rows: readonly TraceRow[],
    title: string,
    context: PlotContext = {}
): string {
    const titleLines = wrapText(title, TITLE_CHARS_PER_LINE)
    const shift = (titleLines.length - 1) * TITLE_LINE_H
    const HEIGHT = BASE_HEIGHT + shift
    const svg: string[] = []
    svg.push(
        '<svg xmlns="http://www.w3.org/2000/svg" width="' +
            WIDTH +
            '" height="' +
            HEIGHT +
            '" viewBox="0 0 ' +
            WIDTH +
            " " +
            HEIGHT +
            '"' +
            ' font-family="Helvetica, Arial, sans-serif" font-size="12">'
    )
    svg.push("<title>" + escapeXml(title) + "</title>")
    svg.push(
        '<rect x="0" y="0" width="' +
            WIDTH +
            '" height="' +
            HEIGHT +
            '" fill="#ffffff"/>'
    )
    svg.push(
        '<text class="title" x="' +
            LEFT +
            '" y="30" font-size="18" font-weight="bold">' +
            titleLines
                .map(
                    (line, i) =>
                        '<tspan x="' +
                        LEFT +
                        '" dy="' +
                        (i === 0 ? 0 : TITLE_LINE_H) +
                        '">' +
                        escapeXml(line) +
                        "</tspan>"
                )
                .join("") +
            "</text>"
    )
    svg.push('<g transform="translate(0,' + shift + ')">')
    if (rows.length === 0) {
        svg.push(
            '<text x="' +
                LEFT +
                '" y="' +
                (ANGLE_TOP + 40) +
                '">The trace has no rows.</text>'
        )
        svg.push("</g>")
        svg.push("</svg>")
        return svg.join("\n") + "\n"
    }

    const t0 = rows[0].tS
    const t1 = Math.max(
        rows[rows.length - 1].tS + TRACE_TICK_S,
        t0 + TRACE_TICK_S
    )
    const xOf = (tS: number) => LEFT + ((tS - t0) / (t1 - t0)) * PLOT_W
    const minSpanS = (MIN_SPAN_PX * (t1 - t0)) / PLOT_W

    const settings = context.settings ?? defaultSettings()
    const events = context.events ?? []
    const lines = [
        { ...LINES.home, deg: settings.homeDeg, cls: "line-home" },
        { ...LINES.limit, deg: HARD_MAX_ANGLE_DEG, cls: "line-limit" },
    ]
    const angleAxis = niceAxis(
        rows,
        [r => r.angleDeg, r => r.estDeg, r => r.targetDeg, r => r.capDeg],
        lines.map(l => l.deg)
    )
    const yAngle = (deg: number) =>
        ANGLE_TOP +
        ANGLE_H -
        ((deg - angleAxis.lo) / (angleAxis.hi - angleAxis.lo)) * ANGLE_H
    const yDuty = (duty: number) =>
        DUTY_TOP + DUTY_H - ((duty + 1) / 2) * DUTY_H
    const timeTicks = ticks(t0, t1, 12)

    svg.push(seriesLegend())

    // Gridlines and axes first, so the data draws over them.
    svg.push('<g class="grid" stroke="#e3e3e3" stroke-width="1">')
    for (const tS of timeTicks) {
        const x = n(xOf(tS))
        svg.push(
            '<line x1="' +
                x +
                '" y1="' +
                ANGLE_TOP +
                '" x2="' +
                x +
                '" y2="' +
                (ANGLE_TOP + ANGLE_H) +
                '"/>'
        )
        svg.push(
            '<line x1="' +
                x +
                '" y1="' +
                DUTY_TOP +
                '" x2="' +
                x +
                '" y2="' +
                (DUTY_TOP + DUTY_H) +
                '"/>'
        )
    }
    for (const deg of angleAxis.ticks) svg.push(hLine(yAngle(deg)))
    for (const duty of [-1, -0.5, 0, 0.5, 1]) svg.push(hLine(yDuty(duty)))
    svg.push("</g>")
    // Flat (0 deg) and zero duty are the lines a reader measures against: draw them stronger.
    if (angleAxis.lo < 0 && angleAxis.hi > 0)
        svg.push(
            hLine(
                yAngle(0),
                ' stroke="#9e9e9e" stroke-width="1.2" class="flat"'
            )
        )
    svg.push(hLine(yDuty(0), ' stroke="#9e9e9e" stroke-width="1.2"'))

    svg.push(faultSpans(rows, xOf, minSpanS))
    svg.push(angleLines(lines, yAngle))
    svg.push(capLine(rows, xOf, yAngle))

    svg.push('<g class="axes" fill="#333333">')
    for (const deg of angleAxis.ticks)
        svg.push(rightText(LEFT - 6, yAngle(deg) + 4, String(deg)))
    for (const duty of [-1, -0.5, 0, 0.5, 1])
        svg.push(rightText(LEFT - 6, yDuty(duty) + 4, String(duty)))
    for (const tS of timeTicks)
        svg.push(
            '<text x="' +
                n(xOf(tS)) +
                '" y="' +
                AXIS_LABEL_Y +
                '" text-anchor="middle">' +
                String(tS) +
                "</text>"
        )
    svg.push(
        '<text x="' +
            (LEFT + PLOT_W / 2) +
            '" y="' +
            (AXIS_LABEL_Y + 18) +
            '" text-anchor="middle">time (s)</text>'
    )
    svg.push(
        verticalTitle(22, ANGLE_TOP + ANGLE_H / 2, "angle (deg, + = head down)")
    )
    svg.push(verticalTitle(22, DUTY_TOP + DUTY_H / 2, "duty (+ = deeper)"))
    svg.push(rightText(LEFT - 6, STRIP_TOP + 13, "state"))
    INPUT_ROWS.forEach((row, i) =>
        svg.push(
            rightText(
                LEFT - 6,
                INPUTS_TOP + i * INPUT_ROW_H + INPUT_ROW_H - 3,
                row.label
            )
        )
    )
    svg.push("</g>")
    svg.push(frame(ANGLE_TOP, ANGLE_H))
    svg.push(frame(DUTY_TOP, DUTY_H))
    svg.push(frame(INPUTS_TOP, INPUTS_H))
    svg.push(inputRows(rows, events, t0, t1, xOf))

    // The solid true angle first, so the dashed estimate and the dotted target stay visible on top of it.
    svg.push(
        polyline(
            "series-angle",
            SERIES.angle,
            downsample(rows, r => r.angleDeg),
            xOf,
            yAngle
        )
    )
    svg.push(
        polyline(
            "series-est",
            SERIES.est,
            downsample(rows, r => r.estDeg),
            xOf,
            yAngle
        )
    )
    svg.push(
        polyline(
            "series-target",
            SERIES.target,
            downsample(rows, r => r.targetDeg),
            xOf,
            yAngle
        )
    )
    svg.push(
        polyline(
            "series-duty",
            SERIES.duty,
            downsample(rows, r => r.duty),
            xOf,
            yDuty
        )
    )

    svg.push(stateStrip(rows, xOf, minSpanS))
    svg.push(eventMarks(events, t0, t1, xOf))
    svg.push(stateLegend(rows, STATE_LEGEND_Y))
    svg.push("</g>")
    svg.push("</svg>")
    return svg.join("\n") + "\n"
}

// ---- data reduction --------------------------------------------------------------------------------

export interface PlotPoint {
    tS: number
    value: number
}

/**
 * At most `maxPoints` points of one series. Each bucket of rows keeps its lowest and its highest
 * value, in time order, so a one-tick spike still shows, which averaging or striding would hide.
 */
export function downsample(
    rows: readonly TraceRow[],
    valueOf: (row: TraceRow) => number,
    maxPoints = MAX_POINTS_PER_SERIES
): PlotPoint[] {
    const points: PlotPoint[] = []
    if (rows.length <= maxPoints) {
        for (const row of rows) points.push({ tS: row.tS, value: valueOf(row) })
        return points
    }
    const buckets = Math.floor(maxPoints / 2)
    for (let b = 0; b < buckets; b++) {
        const from = Math.floor((b * rows.length) / buckets)
        const to = Math.floor(((b + 1) * rows.length) / buckets)
        let lo = from
        let hi = from
        for (let i = from; i < to; i++) {
            if (valueOf(rows[i]) < valueOf(rows[lo])) lo = i
            if (valueOf(rows[i]) > valueOf(rows[hi])) hi = i
        }
        for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo])
            points.push({ tS: rows[i].tS, value: valueOf(rows[i]) })
    }
    return points
}

interface Span<T> {
    startS: number
    endS: number
    value: T
}

/** Consecutive rows with an equal key, as time spans (each row lasts one tick). */
function spansOf<T>(
    rows: readonly TraceRow[],
    valueOf: (row: TraceRow) => T,
    keyOf: (value: T) => string
): Span<T>[] {
    const spans: Span<T>[] = []
    let key = ""
    for (const row of rows) {
        const value = valueOf(row)
        const k = keyOf(value)
        const last = spans[spans.length - 1]
        if (last && k === key) last.endS = row.tS + TRACE_TICK_S
        else spans.push({ startS: row.tS, endS: row.tS + TRACE_TICK_S, value })
        key = k
    }
    return spans
}

/**
 * Merges runs of spans narrower than minWidthS into one span (valued by `merge`) until it is at least
 * that wide. Wide spans are left alone, so a short fault after a long hold stays short and visible.
 */
function coalesce<T>(
    spans: Span<T>[],
    minWidthS: number,
    merge: (a: T, b: T) => T
): Span<T>[] {
    const out: Span<T>[] = []
    for (const span of spans) {
        const last = out[out.length - 1]
        if (last && last.endS - last.startS < minWidthS) {
            last.endS = span.endS
            last.value = merge(last.value, span.value)
        } else {
            out.push({ ...span })
        }
    }
    return out
}

// ---- parts of the picture ------------------------------------------------------------------------

function faultSpans(
    rows: readonly TraceRow[],
    xOf: (tS: number) => number,
    minSpanS: number
): string {
    const union = (a: readonly string[], b: readonly string[]) =>
        a.concat(b.filter(name => a.indexOf(name) < 0))
    const spans = coalesce(
        spansOf(
            rows,
            r => r.faults,
            faults => (faults.length > 0 ? "fault" : "")
        ),
        minSpanS,
        union
    ).filter(span => span.value.length > 0)
    const out: string[] = ['<g class="faults">']
    spans.forEach((span, i) => {
        const x = n(xOf(span.startS))
        const w = n(Math.max(xOf(span.endS) - xOf(span.startS), MIN_SPAN_PX))
        const names = escapeXml(span.value.join(", "))
        for (const [top, h] of [
            [ANGLE_TOP, ANGLE_H],
            [STRIP_TOP, STRIP_H],
            [DUTY_TOP, DUTY_H],
        ]) {
            out.push(
                '<rect class="fault-span" x="' +
                    x +
                    '" y="' +
                    top +
                    '" width="' +
                    w +
                    '" height="' +
                    h +
                    '" fill="' +
                    FAULT_FILL +
                    '" fill-opacity="0.15"><title>' +
                    names +
                    "</title></rect>"
            )
        }
        // Three label rows, so neighbouring labels do not print over one another; near the right edge
        // the label ends at the span's start instead of running off the picture.
        const y = ANGLE_TOP + 14 + (i % 3) * 14
        const nearEnd = xOf(span.startS) > LEFT + PLOT_W - 160
        const labelX = nearEnd ? xOf(span.startS) - 3 : xOf(span.startS) + 3
        out.push(
            '<text class="fault-label" x="' +
                n(labelX) +
                '" y="' +
                y +
                '"' +
                (nearEnd ? ' text-anchor="end"' : "") +
                ' fill="' +
                FAULT_FILL +
                '" font-size="11">' +
                names +
                "</text>"
        )
    })
    out.push("</g>")
    return out.join("\n")
}

function stateStrip(
    rows: readonly TraceRow[],
    xOf: (tS: number) => number,
    minSpanS: number
): string {
    // When states chatter faster than a pixel, the pixel shows the most severe of them.
    const severity = (state: string) =>
        STATE_COLOURS.findIndex(s => s.state === state)
    const spans = coalesce(
        spansOf(
            rows,
            r => r.state as string,
            s => s
        ),
        minSpanS,
        (a, b) => (severity(b) > severity(a) ? b : a)
    )
    const out: string[] = ['<g class="state-strip">']
    for (const span of spans) {
        const w = n(Math.max(xOf(span.endS) - xOf(span.startS), MIN_SPAN_PX))
        out.push(
            '<rect class="state state-' +
                escapeXml(span.value) +
                '" x="' +
                n(xOf(span.startS)) +
                '" y="' +
                STRIP_TOP +
                '" width="' +
                w +
                '" height="' +
                STRIP_H +
                '" fill="' +
                stateColour(span.value) +
                '"><title>' +
                escapeXml(span.value) +
                " " +
                n(span.startS) +
                "-" +
                n(span.endS) +
                " s</title></rect>"
        )
    }
    out.push("</g>")
    return out.join("\n")
}

function stateLegend(rows: readonly TraceRow[], legendY: number): string {
    const seen: string[] = []
    for (const row of rows)
        if (seen.indexOf(row.state) < 0) seen.push(row.state)
    // Legend in the fixed colour order, then any state this plot does not know.
    const ordered = STATE_COLOURS.map(s => s.state)
        .filter(s => seen.indexOf(s) >= 0)
        .concat(seen.filter(s => !isKnownState(s)))
    const out: string[] = [
        '<g class="legend state-legend">',
        '<text x="' + LEFT + '" y="' + legendY + '">states:</text>',
    ]
    let x = LEFT + 50
    for (const state of ordered) {
        out.push(
            '<rect x="' +
                x +
                '" y="' +
                (legendY - 10) +
                '" width="14" height="12" fill="' +
                stateColour(state) +
                '"/>'
        )
        out.push(
            '<text x="' +
                (x + 18) +
                '" y="' +
                legendY +
                '">' +
                escapeXml(state) +
                "</text>"
        )
        x += 30 + 7 * state.length
    }
    out.push("</g>")
    return out.join("\n")
}

function seriesLegend(): string {
    const y = 56
    const out: string[] = ['<g class="legend series-legend">']
    let x = LEFT
    for (const s of [SERIES.angle, SERIES.est, SERIES.target, SERIES.duty]) {
        out.push(
            '<line x1="' +
                x +
                '" y1="' +
                (y - 4) +
                '" x2="' +
                (x + 28) +
                '" y2="' +
                (y - 4) +
                '" stroke="' +
                s.colour +
                '" stroke-width="' +
                (s.width + 0.6) +
                '"' +
                (s.dash ? ' stroke-dasharray="' + s.dash + '"' : "") +
                "/>"
        )
        out.push(
            '<text x="' + (x + 34) + '" y="' + y + '">' + s.label + "</text>"
        )
        x += 50 + 7 * s.label.length
    }
    out.push(
        '<rect x="' +
            x +
            '" y="' +
            (y - 11) +
            '" width="28" height="12" fill="' +
            FAULT_FILL +
            '" fill-opacity="0.25"/>'
    )
    out.push(
        '<text x="' +
            (x + 34) +
            '" y="' +
            y +
            '">fault active (names at its start)</text>'
    )
    const mx = x + 250
    out.push(
        '<line x1="' +
            mx +
            '" y1="' +
            (y - 12) +
            '" x2="' +
            mx +
            '" y2="' +
            (y + 2) +
            '" stroke="' +
            MARK_COLOUR +
            '" stroke-width="1.6"/>'
    )
    out.push(
        '<text x="' +
            (mx + 6) +
            '" y="' +
            y +
            '">injected fault, clear, power cycle</text>'
    )
    out.push("</g>")
    return out.join("\n")
}

function polyline(
    cls: string,
    style: { colour: string; width: number; dash: string; label: string },
    points: PlotPoint[],
    xOf: (tS: number) => number,
    yOf: (value: number) => number
): string {
    const coords: string[] = []
    // A plot is a view: a non-finite value is left out here (the trace writer refuses it loudly).
    for (const p of points)
        if (Number.isFinite(p.value))
            coords.push(n(xOf(p.tS)) + "," + n(yOf(p.value)))
    return (
        '<polyline class="' +
        cls +
        '" fill="none" stroke="' +
        style.colour +
        '" stroke-width="' +
        style.width +
        '"' +
        (style.dash ? ' stroke-dasharray="' + style.dash + '"' : "") +
        ' stroke-linejoin="round" points="' +
        coords.join(" ") +
        '"><title>' +
        style.label +
        "</title></polyline>"
    )
}

/** Home, the deepest angle allowed and the hard limit: labelled horizontal lines in the angle panel. */
function angleLines(
    lines: { label: string; colour: string; deg: number; cls: string }[],
    yAngle: (deg: number) => number
): string {
    const out: string[] = ['<g class="angle-lines">']
    for (const l of lines) {
        const y = yAngle(l.deg)
        out.push(
            hLine(
                y,
                ' class="' +
                    l.cls +
                    '" stroke="' +
                    l.colour +
                    '" stroke-width="1.4" stroke-dasharray="8 4"'
            )
        )
        out.push(
            '<text x="' +
                (LEFT + PLOT_W - 4) +
                '" y="' +
                n(y - 4) +
                '" text-anchor="end" fill="' +
                l.colour +
                '" font-size="11">' +
                escapeXml(l.label + " " + l.deg) +
                "</text>"
        )
    }
    out.push("</g>")
    return out.join("\n")
}

/**
 * The deepest angle allowed at each tick (the trace's cap_deg: the exercise program's cap, the user's
 * limit and the hard one, whichever is least) as a step line, labelled with its last value.
 */
function capLine(
    rows: readonly TraceRow[],
    xOf: (tS: number) => number,
    yAngle: (deg: number) => number
): string {
    const points: string[] = []
    let last = NaN
    for (let k = 0; k < rows.length; k++) {
        const r = rows[k]
        const x = n(xOf(r.tS))
        if (r.capDeg !== last) {
            if (k > 0) points.push(x + "," + n(yAngle(last)))
            last = r.capDeg
        }
        points.push(x + "," + n(yAngle(r.capDeg)))
    }
    points.push(
        n(xOf(rows[rows.length - 1].tS + TRACE_TICK_S)) + "," + n(yAngle(last))
    )
    // One point per change and at both ends is enough for a step line.
    const kept = points.filter(
        (p, i) =>
            i === 0 ||
            i === points.length - 1 ||
            p.split(",")[1] !== points[i - 1].split(",")[1] ||
            p.split(",")[1] !== points[i + 1].split(",")[1]
    )
    return (
        '<g class="angle-lines">' +
        '<polyline class="line-cap" fill="none" stroke="' +
        LINES.cap.colour +
        '" stroke-width="1.4" stroke-dasharray="8 4" points="' +
        kept.join(" ") +
        '"/>' +
        '<text x="' +
        (LEFT + PLOT_W - 4) +
        '" y="' +
        n(yAngle(last) - 4) +
        '" text-anchor="end" fill="' +
        LINES.cap.colour +
        '" font-size="11">' +
        escapeXml(LINES.cap.label + " " + last) +
        "</text></g>"
    )
}

/** Each input's level over time: from the scenario's events, else the trace's latch and grip columns. */
export function inputSpans(
    rows: readonly TraceRow[],
    events: readonly ScenarioEvent[],
    t0: number,
    t1: number
): Map<InputName, { startS: number; endS: number }[]> {
    const spans = new Map<InputName, { startS: number; endS: number }[]>()
    for (const name of INPUT_NAMES) spans.set(name, [])
    if (events.length === 0) {
        // No timeline: the controller's view of the latch and the grip is all there is.
        for (const [name, valueOf] of [
            ["latch", (r: TraceRow) => r.latch],
            ["deadman", (r: TraceRow) => r.deadman],
        ] as [InputName, (r: TraceRow) => boolean][]) {
            for (const span of spansOf(rows, valueOf, v => String(v)))
                if (span.value)
                    spans
                        .get(name)!
                        .push({ startS: span.startS, endS: span.endS })
        }
        return spans
    }
    const since = new Map<InputName, number>()
    for (const e of events) {
        for (const name of INPUT_NAMES) {
            const level = e.set[name]
            if (level === undefined) continue
            if (level && !since.has(name)) since.set(name, e.t)
            if (!level && since.has(name)) {
                spans.get(name)!.push({ startS: since.get(name)!, endS: e.t })
                since.delete(name)
            }
        }
    }
    for (const [name, start] of since)
        spans.get(name)!.push({ startS: start, endS: t1 })
    for (const [name, list] of spans)
        spans.set(
            name,
            list
                .map(s => ({
                    startS: Math.max(s.startS, t0),
                    endS: Math.min(s.endS, t1),
                }))
                .filter(s => s.endS > s.startS || s.startS === s.endS)
        )
    return spans
}

function inputRows(
    rows: readonly TraceRow[],
    events: readonly ScenarioEvent[],
    t0: number,
    t1: number,
    xOf: (tS: number) => number
): string {
    const spans = inputSpans(rows, events, t0, t1)
    const out: string[] = ['<g class="inputs">']
    INPUT_ROWS.forEach((row, i) => {
        const y = INPUTS_TOP + i * INPUT_ROW_H + 2
        for (const span of spans.get(row.name)!) {
            const x = xOf(span.startS)
            const w = Math.max(xOf(span.endS) - x, 2)
            out.push(
                '<rect class="input input-' +
                    row.name +
                    '" x="' +
                    n(x) +
                    '" y="' +
                    y +
                    '" width="' +
                    n(w) +
                    '" height="' +
                    (INPUT_ROW_H - 4) +
                    '" fill="' +
                    INPUT_FILL +
                    '"><title>' +
                    escapeXml(
                        row.label +
                            " " +
                            n(span.startS) +
                            "-" +
                            n(span.endS) +
                            " s"
                    ) +
                    "</title></rect>"
            )
        }
    })
    out.push("</g>")
    return out.join("\n")
}

/** The injected faults, clears and power cycles: a vertical mark across every panel, named on top. */
function eventMarks(
    events: readonly ScenarioEvent[],
    t0: number,
    t1: number,
    xOf: (tS: number) => number
): string {
    const out: string[] = ['<g class="event-marks">']
    let i = 0
    for (const e of events) {
        if (e.fault === null || e.t < t0 || e.t > t1) continue
        const x = n(xOf(e.t))
        const cls =
            e.fault === "power-cycle"
                ? "mark-power"
                : e.fault === "clear"
                  ? "mark-clear"
                  : "mark-fault"
        out.push(
            '<line class="event-mark ' +
                cls +
                '" x1="' +
                x +
                '" y1="' +
                ANGLE_TOP +
                '" x2="' +
                x +
                '" y2="' +
                (INPUTS_TOP + INPUTS_H) +
                '" stroke="' +
                MARK_COLOUR +
                '" stroke-width="1.2"' +
                (e.fault === "clear" ? ' stroke-dasharray="3 3"' : "") +
                "><title>" +
                escapeXml(e.fault + " at " + e.t + " s") +
                "</title></line>"
        )
        const nearEnd = xOf(e.t) > LEFT + PLOT_W - 140
        out.push(
            '<text class="event-label" x="' +
                n(xOf(e.t) + (nearEnd ? -3 : 3)) +
                '" y="' +
                (ANGLE_TOP + ANGLE_H - 6 - (i++ % 3) * 13) +
                '"' +
                (nearEnd ? ' text-anchor="end"' : "") +
                ' fill="' +
                MARK_COLOUR +
                '" font-size="11">' +
                escapeXml(e.fault) +
                "</text>"
        )
    }
    out.push("</g>")
    return out.join("\n")
}

/** Words into lines of at most `max` characters (a longer word is cut). */
export function wrapText(text: string, max: number): string[] {
    const lines: string[] = []
    let line = ""
    for (const word of text.split(/\s+/).filter(w => w !== "")) {
        let w = word
        while (w.length > max) {
            if (line !== "") lines.push(line)
            lines.push(w.slice(0, max))
            w = w.slice(max)
            line = ""
        }
        if (line === "") line = w
        else if (line.length + 1 + w.length <= max) line += " " + w
        else {
            lines.push(line)
            line = w
        }
    }
    if (line !== "" || lines.length === 0) lines.push(line)
    return lines
}

function frame(top: number, height: number): string {
    return (
        '<rect x="' +
        LEFT +
        '" y="' +
        top +
        '" width="' +
        PLOT_W +
        '" height="' +
        height +
        '" fill="none" stroke="#888888"/>'
    )
}

function hLine(y: number, attrs = ""): string {
    return (
        '<line x1="' +
        LEFT +
        '" y1="' +
        n(y) +
        '" x2="' +
        (LEFT + PLOT_W) +
        '" y2="' +
        n(y) +
        '"' +
        attrs +
        "/>"
    )
}

function rightText(x: number, y: number, text: string): string {
    return (
        '<text x="' +
        x +
        '" y="' +
        n(y) +
        '" text-anchor="end">' +
        escapeXml(text) +
        "</text>"
    )
}

function verticalTitle(x: number, y: number, text: string): string {
    return (
        '<text transform="translate(' +
        x +
        "," +
        n(y) +
        ') rotate(-90)" text-anchor="middle">' +
        escapeXml(text) +
        "</text>"
    )
}

// ---- scales ----------------------------------------------------------------------------------------

/** A rounded range covering every value of the given series, with its gridline positions. */
function niceAxis(
    rows: readonly TraceRow[],
    series: ((row: TraceRow) => number)[],
    also: readonly number[] = []
): { lo: number; hi: number; ticks: number[] } {
    let lo = Infinity
    let hi = -Infinity
    for (const v of also)
        if (Number.isFinite(v)) {
            lo = Math.min(lo, v)
            hi = Math.max(hi, v)
        }
    for (const row of rows) {
        for (const valueOf of series) {
            const v = valueOf(row)
            if (!Number.isFinite(v)) continue
            lo = Math.min(lo, v)
            hi = Math.max(hi, v)
        }
    }
    if (lo > hi) {
        lo = -1
        hi = 1
    }
    const step = niceStep(Math.max(hi - lo, 1), 8)
    lo = Math.floor(lo / step) * step
    hi = Math.ceil(hi / step) * step
    if (hi === lo) hi = lo + step
    return { lo, hi, ticks: ticks(lo, hi, 8) }
}

/** Round gridline values (1, 2 or 5 times a power of ten apart) from lo to hi. */
function ticks(lo: number, hi: number, targetCount: number): number[] {
    const step = niceStep(hi - lo, targetCount)
    const out: number[] = []
    // Integer multiples of the step, so 0.1 * 3 never prints as 0.30000000000000004.
    for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++)
        out.push(Number((i * step).toPrecision(12)))
    return out
}

function niceStep(range: number, targetCount: number): number {
    const raw = range / targetCount
    const power = Math.pow(10, Math.floor(Math.log10(raw)))
    for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power
    return 10 * power
}

// ---- text ------------------------------------------------------------------------------------------

function stateColour(state: string): string {
    const entry = STATE_COLOURS.find(s => s.state === state)
    return entry ? entry.colour : UNKNOWN_STATE_COLOUR
}

function isKnownState(state: string): boolean {
    return STATE_COLOURS.some(s => s.state === state)
}

/** A coordinate or label with at most one decimal: enough for a screen, and it keeps the file small. */
function n(x: number): string {
    const r = Math.round(x * 10) / 10
    return String(r === 0 ? 0 : r)
}

/** Control characters other than tab and newlines: not allowed anywhere in XML 1.0. */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

export function escapeXml(text: string): string {
    return text
        .replace(XML_FORBIDDEN, "")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;")
}
