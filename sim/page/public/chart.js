// The live chart of the last minutes, drawn by uPlot: the angle (true and estimated), the target and
// the deepest angle allowed on the left scale, the motor duty on the right one; below it, what the
// person did (the grip, the latch and each button as a row of bars) and the faults, with the
// injected faults and power cycles as marks across both. Points arrive as
// [tMs, angle, estimate, target, cap, duty, pad bits, fault bits] (server.ts chartPoint).

/* global uPlot */

const MAX_POINTS = 12000

function bit(bits, i) {
    return bits !== null && (bits & (1 << i)) !== 0
}

export class LiveChart {
    constructor(mainEl, rowsEl, inputs, faultNames) {
        this.inputs = inputs
        this.faultNames = faultNames
        this.points = []
        this.marks = []
        this.windowS = 120
        this.dirty = true
        const width = Math.max(400, mainEl.clientWidth || 900)
        const sync = uPlot.sync("table")
        const marksHook = u => this.drawMarks(u)
        this.main = new uPlot(
            {
                width,
                height: 260,
                cursor: { sync: { key: sync.key } },
                scales: {
                    x: { time: false },
                    deg: { auto: true },
                    duty: { range: [-1.05, 1.05] },
                },
                axes: [
                    { label: "time (s)" },
                    { scale: "deg", label: "angle (deg, + = head down)" },
                    {
                        scale: "duty",
                        side: 1,
                        label: "duty",
                        grid: { show: false },
                    },
                ],
                series: [
                    { label: "t (s)" },
                    {
                        label: "angle",
                        scale: "deg",
                        stroke: "#1f4e9c",
                        width: 2,
                    },
                    {
                        label: "estimate",
                        scale: "deg",
                        stroke: "#e07b00",
                        width: 1,
                        dash: [6, 3],
                    },
                    {
                        label: "target",
                        scale: "deg",
                        stroke: "#2e9e44",
                        width: 1.5,
                        dash: [2, 3],
                    },
                    {
                        label: "allowed",
                        scale: "deg",
                        stroke: "#e0a800",
                        width: 2,
                    },
                    { label: "duty", scale: "duty", stroke: "#555", width: 1 },
                ],
                hooks: { draw: [marksHook] },
            },
            [[], [], [], [], [], []],
            mainEl
        )
        const rowSeries = [{ label: "t (s)" }]
        const rows = [...inputs, "fault"]
        rows.forEach((name, i) => {
            rowSeries.push({
                label: name,
                scale: "rows",
                stroke:
                    name === "fault"
                        ? "#d62728"
                        : i < 2
                          ? "#2e9e44"
                          : "#1f4e9c",
                width: 7,
                points: { show: false },
                spanGaps: false,
            })
        })
        this.rowNames = rows
        this.rows = new uPlot(
            {
                width,
                height: 190,
                cursor: { sync: { key: sync.key } },
                legend: { show: false },
                scales: {
                    x: { time: false },
                    rows: { range: [-0.7, rows.length - 0.3] },
                },
                axes: [
                    { label: "time (s)" },
                    {
                        scale: "rows",
                        values: (_u, splits) =>
                            splits.map(v => rows[Math.round(v)] ?? ""),
                        splits: () => rows.map((_r, i) => i),
                        size: 90,
                    },
                ],
                series: rowSeries,
                hooks: { draw: [marksHook] },
            },
            [[], ...rows.map(() => [])],
            rowsEl
        )
        window.addEventListener("resize", () => {
            const w = Math.max(400, mainEl.clientWidth || 900)
            this.main.setSize({ width: w, height: 260 })
            this.rows.setSize({ width: w, height: 190 })
        })
    }

    setWindow(seconds) {
        this.windowS = seconds
        this.dirty = true
    }

    add(point) {
        this.points.push(point)
        if (this.points.length > MAX_POINTS)
            this.points.splice(0, this.points.length - MAX_POINTS)
        this.dirty = true
    }

    addMarks(marks) {
        for (const m of marks) if (m.kind !== "input") this.marks.push(m)
        if (this.marks.length > 500)
            this.marks.splice(0, this.marks.length - 500)
        this.dirty = true
    }

    /** Redraws when something changed; returns true when it did. */
    render() {
        if (!this.dirty || this.points.length === 0) return false
        this.dirty = false
        const last = this.points[this.points.length - 1][0]
        const from = last - this.windowS * 1000
        let i = this.points.length - 1
        while (i > 0 && this.points[i - 1][0] >= from) i--
        const pts = this.points.slice(i)
        const t = pts.map(p => p[0] / 1000)
        this.main.setData([t, ...[1, 2, 3, 4, 5].map(k => pts.map(p => p[k]))])
        const rowData = this.rowNames.map((name, r) =>
            pts.map(p =>
                name === "fault"
                    ? p[7]
                        ? r
                        : null
                    : bit(p[6], this.inputs.indexOf(name))
                      ? r
                      : null
            )
        )
        this.rows.setData([t, ...rowData])
        const x = {
            min: Math.max(t[0], last / 1000 - this.windowS),
            max: last / 1000,
        }
        this.main.setScale("x", x)
        this.rows.setScale("x", x)
        return true
    }

    /** Injected faults, power cycles and raised faults as vertical marks (a uPlot draw hook). */
    drawMarks(u) {
        const ctx = u.ctx
        const { left, top, width, height } = u.bbox
        ctx.save()
        ctx.lineWidth = 1.5 * devicePixelRatio
        ctx.font = `${Math.round(10 * devicePixelRatio)}px sans-serif`
        for (const m of this.marks) {
            const x = u.valToPos(m.tMs / 1000, "x", true)
            if (x < left || x > left + width) continue
            const colour =
                m.kind === "power"
                    ? "#6a1b9a"
                    : m.kind === "inject"
                      ? "#d62728"
                      : m.kind === "fault"
                        ? "#ff7043"
                        : m.kind === "clear"
                          ? "#2e9e44"
                          : "#777"
            ctx.strokeStyle = colour
            ctx.fillStyle = colour
            ctx.setLineDash(
                m.kind === "fault" || m.kind === "clear" ? [3, 3] : []
            )
            ctx.beginPath()
            ctx.moveTo(x, top)
            ctx.lineTo(x, top + height)
            ctx.stroke()
            if (u === this.main)
                ctx.fillText(
                    m.kind === "clear"
                        ? `${m.name} cleared`
                        : m.kind === "notice"
                          ? "notice"
                          : m.name,
                    x + 3,
                    top + 12 * devicePixelRatio
                )
        }
        ctx.restore()
    }
}
