// A trace as a picture a person reads at a glance: angle on top, the state strip, duty below, fault
// spans in red across all of it. Plain self-contained SVG: no scripts, no external fonts or styles, so
// it opens the same in a browser, an editor preview or an issue attachment.

import { TRACE_TICK_S, TraceRow } from "./trace"

/** At most this many points per series: a two-hour trace has 360 000 rows. */
export const MAX_POINTS_PER_SERIES = 2000

const WIDTH = 1200
const HEIGHT = 740
const LEFT = 78
const RIGHT = 24
const PLOT_W = WIDTH - LEFT - RIGHT
const ANGLE_TOP = 80
const ANGLE_H = 380
const STRIP_TOP = ANGLE_TOP + ANGLE_H + 14
const STRIP_H = 18
const DUTY_TOP = STRIP_TOP + STRIP_H + 14
const DUTY_H = 150
const AXIS_LABEL_Y = DUTY_TOP + DUTY_H + 18
const STATE_LEGEND_Y = HEIGHT - 16

/** Spans narrower than this (in pixels) are merged with their neighbours, so chatter stays drawable. */
const MIN_SPAN_PX = 1

const SERIES = {
    angle: { label: "true angle", colour: "#1f4e9c", width: 1.8, dash: "" },
    est: { label: "estimate", colour: "#e07b00", width: 1.2, dash: "6 3" },
    target: { label: "target", colour: "#2e9e44", width: 1.2, dash: "2 3" },
    duty: { label: "duty", colour: "#333333", width: 1.2, dash: "" },
}

const FAULT_FILL = "#d62728"

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
    title: string
): string {
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
        '<text x="' +
            LEFT +
            '" y="30" font-size="18" font-weight="bold">' +
            escapeXml(title) +
            "</text>"
    )
    if (rows.length === 0) {
        svg.push(
            '<text x="' +
                LEFT +
                '" y="' +
                (ANGLE_TOP + 40) +
                '">The trace has no rows.</text>'
        )
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

    const angleAxis = niceAxis(rows, [
        r => r.angleDeg,
        r => r.estDeg,
        r => r.targetDeg,
    ])
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
    svg.push("</g>")
    svg.push(frame(ANGLE_TOP, ANGLE_H))
    svg.push(frame(DUTY_TOP, DUTY_H))

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
    svg.push(stateLegend(rows))
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

function stateLegend(rows: readonly TraceRow[]): string {
    const seen: string[] = []
    for (const row of rows)
        if (seen.indexOf(row.state) < 0) seen.push(row.state)
    // Legend in the fixed colour order, then any state this plot does not know.
    const ordered = STATE_COLOURS.map(s => s.state)
        .filter(s => seen.indexOf(s) >= 0)
        .concat(seen.filter(s => !isKnownState(s)))
    const out: string[] = [
        '<g class="legend state-legend">',
        '<text x="' + LEFT + '" y="' + STATE_LEGEND_Y + '">states:</text>',
    ]
    let x = LEFT + 50
    for (const state of ordered) {
        out.push(
            '<rect x="' +
                x +
                '" y="' +
                (STATE_LEGEND_Y - 10) +
                '" width="14" height="12" fill="' +
                stateColour(state) +
                '"/>'
        )
        out.push(
            '<text x="' +
                (x + 18) +
                '" y="' +
                STATE_LEGEND_Y +
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
    series: ((row: TraceRow) => number)[]
): { lo: number; hi: number; ticks: number[] } {
    let lo = Infinity
    let hi = -Infinity
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
