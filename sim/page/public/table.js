// The table drawn at its angle: the bed turns about its pivot (positive angles head-down, 0 flat,
// home head-up), with home, the deepest angle allowed now (the cap) and the hard limit marked as
// rays from the pivot, and the angle and rate written above.

const SVG_NS = "http://www.w3.org/2000/svg"
const RAY = 175

/** The head end's direction at an inversion angle, in the drawing's coordinates (y down). */
function headDirection(angleDeg) {
    const a = (angleDeg * Math.PI) / 180
    return { x: -Math.cos(a), y: Math.sin(a) }
}

function fmt(x, digits = 1) {
    return x === null || x === undefined ? "–" : x.toFixed(digits)
}

export class TableView {
    constructor(svg) {
        this.svg = svg
        this.bed = svg.querySelector("#bed")
        this.marks = svg.querySelector("#marks")
        this.angleText = svg.querySelector("#angleText")
        this.rateText = svg.querySelector("#rateText")
        this.marksKey = ""
        this.drawnAngle = null
    }

    /** Draws the snapshot; returns the angle drawn (for tests), or null when none is known. */
    draw(s) {
        const angle = s.angleDeg ?? s.estDeg
        if (angle !== null && angle !== undefined) {
            this.bed.setAttribute("transform", `rotate(${(-angle).toFixed(2)})`)
            this.drawnAngle = angle
            this.svg.dataset.angle = angle.toFixed(2)
        }
        this.angleText.textContent =
            angle === null || angle === undefined
                ? "– deg"
                : `${fmt(angle)} deg`
        const rate = s.rateDps
        this.rateText.textContent =
            rate === null || rate === undefined
                ? "rate –"
                : `${rate > 0.05 ? "deeper" : rate < -0.05 ? "toward home" : "still"} · ${fmt(Math.abs(rate))} deg/s`
        const key = [s.homeDeg, s.capDeg, s.hardLimitDeg].join(",")
        if (key !== this.marksKey) {
            this.marksKey = key
            this.drawMarks(s)
        }
        return this.drawnAngle
    }

    drawMarks(s) {
        this.marks.replaceChildren()
        const rays = [
            { deg: 0, cls: "flat", label: "flat 0" },
            { deg: s.homeDeg, cls: "home", label: `home ${fmt(s.homeDeg, 0)}` },
            {
                deg: s.hardLimitDeg,
                cls: "limit",
                label: `limit ${fmt(s.hardLimitDeg, 0)}`,
            },
            { deg: s.capDeg, cls: "cap", label: `allowed ${fmt(s.capDeg, 0)}` },
        ]
        for (const r of rays) {
            if (r.deg === null || r.deg === undefined) continue
            const d = headDirection(r.deg)
            const line = document.createElementNS(SVG_NS, "line")
            line.setAttribute("x1", "0")
            line.setAttribute("y1", "0")
            line.setAttribute("x2", (d.x * RAY).toFixed(1))
            line.setAttribute("y2", (d.y * RAY).toFixed(1))
            line.setAttribute("class", `mark ${r.cls}`)
            line.dataset.deg = String(r.deg)
            this.marks.append(line)
            const text = document.createElementNS(SVG_NS, "text")
            text.setAttribute("x", (d.x * (RAY + 4)).toFixed(1))
            text.setAttribute(
                "y",
                (d.y * (RAY + 4) + (r.cls === "cap" ? -6 : 10)).toFixed(1)
            )
            text.setAttribute(
                "text-anchor",
                d.x < -0.3 ? "end" : d.x > 0.3 ? "start" : "middle"
            )
            text.setAttribute("class", r.cls)
            text.textContent = r.label
            this.marks.append(text)
        }
    }
}
