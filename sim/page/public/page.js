// The page: one WebSocket to the server (server.ts), the table's snapshot 20 times a second drawn
// into the table view, the facts, the chart and the pad; the pad's inputs, the faults and the console
// lines sent back. Measured for tests and the README: frames drawn, snapshots received.

import { LiveChart } from "/chart.js"
import { Pad } from "/pad.js"
import { Buzzer } from "/sound.js"
import { TableView } from "/table.js"

const $ = id => document.getElementById(id)

const STATE_MEANINGS = {
    boot: "starting",
    idle: "at home, motor off",
    moving: "moving",
    holding: "holding its angle",
    deadman: "grip released: the grace period counts",
    returning: "returning home",
    fault: "stopped by a fault",
    service: "service mode",
    off: "powered off",
}

const stats = {
    frames: 0,
    snapshots: 0,
    draws: 0,
    chartDraws: 0,
    drawMs: 0,
    startedAt: performance.now(),
}
window.__page = {
    stats,
    snapshot: null,
    hello: null,
    refusals: [],
    notices: [],
    presses: [],
    /** for tests: the connection (to cut it as a network would) */
    socket: () => ws,
}

let ws = null
let hello = null
let pending = null
let pad = null
let chart = null
let buzzer = null
const view = new TableView($("table"))

function send(message) {
    if (ws === null || ws.readyState !== WebSocket.OPEN) return false
    ws.send(JSON.stringify(message))
    return true
}

function fmt(x, digits = 1, unit = "") {
    return x === null || x === undefined ? "–" : `${x.toFixed(digits)}${unit}`
}

function banner(text, bad) {
    const b = $("banner")
    b.hidden = text === null
    b.textContent = text ?? ""
    b.classList.toggle("bad", bad === true)
}

function connect() {
    ws = new WebSocket(`ws://${location.host}/ws`)
    ws.addEventListener("message", e => onMessage(JSON.parse(e.data)))
    ws.addEventListener("close", () => {
        $("link").textContent = "connection lost: reconnecting"
        $("link").className = "badge off"
        banner(
            "The connection to the table's server is lost: every button and the grip count as released. Reconnecting…",
            true
        )
        pad?.lost()
        ws = null
        setTimeout(connect, 1000)
    })
}

function onMessage(m) {
    if (m.type === "hello") {
        hello = m
        window.__page.hello = m
        setup(m)
        if (m.snapshot) pending = m.snapshot
    } else if (m.type === "snapshot") {
        stats.snapshots++
        pending = m.snapshot
        window.__page.held = m.held
        if (m.marks.length > 0) chart?.addMarks(m.marks)
        for (const mark of m.marks)
            if (mark.kind === "notice") window.__page.notices.push(mark.name)
        chart?.add(point(m.snapshot))
    } else if (m.type === "refused") {
        window.__page.refusals.push(m.reason)
        consoleLine(`(the server refused a message: ${m.reason})`, "err")
    } else if (m.type.startsWith("console")) onConsole(m)
}

/** The same point the server keeps in its history (server.ts chartPoint). */
function point(s) {
    let padBits = 0
    hello.inputs.forEach((name, i) => {
        const held = s.pad
            ? s.pad[name]
            : name === "grip"
              ? s.grip
              : name === "latch"
                ? s.latch
                : false
        if (held) padBits |= 1 << i
    })
    let faultBits = 0
    hello.faultNames.forEach((name, i) => {
        if (s.faults.includes(name)) faultBits |= 1 << i
    })
    return [
        s.tMs,
        s.angleDeg,
        s.estDeg,
        s.targetDeg,
        s.capDeg,
        s.duty,
        padBits,
        faultBits,
    ]
}

let setUpOnce = false
function setup(h) {
    $("mode").textContent = h.title
    $("link").textContent = "connected"
    $("link").className = "badge on"
    banner(null)
    if (!setUpOnce) {
        setUpOnce = true
        pad = new Pad(document.body, send, h.renewMs)
        chart = new LiveChart(
            $("chart"),
            $("inputsChart"),
            h.inputs,
            h.faultNames
        )
        $("window").addEventListener("change", e =>
            chart.setWindow(Number(e.target.value))
        )
        buzzer = new Buzzer($("sound"), h.sound)
        faultPanel(h)
        setupConsole()
    }
    pad.setEnabled(!h.readOnly)
    $("padHint").textContent = h.readOnly
        ? "A real table: its own pad moves it. This page only watches (the console below still works)."
        : $("padHint").textContent
    for (const p of h.history) chart.add(p)
    chart.addMarks(h.marks)
}

function faultPanel(h) {
    const panel = $("faultPanel")
    for (const name of h.faults) {
        const b = document.createElement("button")
        b.type = "button"
        b.dataset.fault = name
        b.textContent =
            name === "power-cycle"
                ? "Power cycle"
                : name === "clear"
                  ? "Clear injected faults"
                  : name
        if (name === "power-cycle" || name === "clear")
            b.classList.add("action")
        b.disabled = h.readOnly
        b.addEventListener("click", () => send({ type: "inject", fault: name }))
        panel.append(b)
    }
}

function render(s) {
    const t0 = performance.now()
    window.__page.snapshot = s
    view.draw(s)
    const meaning = STATE_MEANINGS[s.state]
    $("state").textContent = meaning ? `${s.state} (${meaning})` : s.state
    $("state").dataset.state = s.state
    $("angle").textContent =
        s.angleDeg !== null
            ? `${fmt(s.angleDeg)} deg (estimate ${fmt(s.estDeg)})`
            : `${fmt(s.estDeg)} deg (the table's estimate)`
    $("target").textContent = fmt(s.targetDeg, 1, " deg")
    $("cap").textContent =
        `${fmt(s.capDeg, 0, " deg")} (hard limit ${s.hardLimitDeg}, home ${fmt(s.homeDeg, 0)})`
    $("latchGrip").textContent =
        `latch ${s.latch === null ? "–" : s.latch ? "closed" : "open"} · grip ${s.grip === null ? "–" : s.grip ? "held" : "released"}`
    const limit = s.sessionLimitS
    const session = s.sessionS
    $("session").textContent =
        session === null
            ? "–"
            : `${fmt(session, 0)} s inverted of ${fmt(limit, 0, " s")}${s.warning ? " — the limit is near: warning" : ""}`
    if (limit) {
        $("sessionFill").style.width =
            `${Math.min(100, (100 * (session ?? 0)) / limit)}%`
        $("sessionWarn").style.left =
            `${(100 * (limit - s.warningBeforeS)) / limit}%`
    }
    $("sessionFill").classList.toggle("warning", s.warning)
    const faults = $("faults")
    faults.classList.toggle("active", s.faults.length > 0)
    const faultsKey = JSON.stringify([s.faults, s.faultReasons])
    if (faults.dataset.key !== faultsKey) {
        faults.dataset.key = faultsKey
        faults.replaceChildren()
        if (s.faults.length === 0) faults.textContent = "none"
        else {
            const ul = document.createElement("ul")
            for (const f of s.faults) {
                const li = document.createElement("li")
                li.dataset.fault = f
                li.textContent = f
                const why = s.faultReasons[f]
                if (why) {
                    const span = document.createElement("span")
                    span.className = "reason"
                    span.textContent = `: ${why}`
                    li.append(span)
                }
                ul.append(li)
            }
            faults.append(ul)
        }
    }
    $("program").textContent = programText(s)
    renderSessions(s.program)
    $("ack").textContent =
        s.warningsAcknowledged === null
            ? "–"
            : s.warningsAcknowledged
              ? "acknowledged"
              : "NOT acknowledged: the table stays flat until they are"
    $("ackButton").hidden = s.warningsAcknowledged !== false
    $("unsaved").textContent =
        s.settingsUnsaved === null
            ? "–"
            : s.settingsUnsaved
              ? "changed, not saved: save in the console stores them (a restart brings back the stored ones)"
              : "as stored"
    for (const b of document.querySelectorAll("#faultPanel button"))
        b.classList.toggle("active", s.injected.includes(b.dataset.fault))
    pad.update(s.pad)
    buzzer.update(s.sound, performance.now())
    if (s.problem)
        banner(
            `${s.connected ? "" : "The table does not answer: "}${s.problem}`,
            !s.connected
        )
    else if (ws !== null) banner(null)
    stats.draws++
    stats.drawMs += performance.now() - t0
}

function frame() {
    requestAnimationFrame(frame)
    stats.frames++
    if (pending !== null) {
        const s = pending
        pending = null
        render(s)
    }
    if (chart?.render()) stats.chartDraws++
}

// ---- the console pane ----

let consoleId = 0
let running = null
let asking = false
const history = []
let historyAt = 0
let liveEl = null

function consoleLine(text, cls) {
    const out = $("consoleOut")
    const el = document.createElement("div")
    if (cls) el.className = cls
    el.textContent = text
    out.append(el)
    while (out.childElementCount > 2000) out.firstElementChild.remove()
    out.scrollTop = out.scrollHeight
    return el
}

function onConsole(m) {
    if (m.type === "console-output") {
        if (m.stream === "live") {
            if (liveEl === null) liveEl = consoleLine("", "live")
            liveEl.textContent = m.text
        } else if (m.stream === "end-live") liveEl = null
        else consoleLine(m.text, m.stream === "err" ? "err" : "")
    } else if (m.type === "console-ask") {
        asking = true
        consoleLine(m.question)
        $("consolePrompt").textContent = "answer>"
    } else if (m.type === "console-done") {
        if (running === m.id) running = null
        asking = false
        liveEl = null
        $("consoleStop").disabled = true
        $("consolePrompt").textContent = "table>"
        $("consoleOut").dataset.lastCode = String(m.code)
        $("consoleOut").dataset.done = String(m.id)
    }
}

/** The progression row: the count, the program's cap for it, the session limit now. */
function programText(s) {
    const p = s.program
    if (!p) return "not reported by this table"
    const off = s.capDeg !== null && s.capDeg > p.programCapDeg + 0.01
    return (
        `${p.countedSessions} session${p.countedSessions === 1 ? "" : "s"} counted; ` +
        (off
            ? "the program is off (progression false)"
            : `the program's cap ${p.programCapDeg} deg`) +
        `; session limit ${Math.round(p.sessionLimitS)} s`
    )
}

/** The last sessions, newest first (a row per record; redrawn only when they change). */
function renderSessions(p) {
    const body = $("sessionRows")
    const key = p ? JSON.stringify(p.sessions) : ""
    if (body.dataset.key === key) return
    body.dataset.key = key
    body.replaceChildren()
    const rows = p ? p.sessions : []
    if (rows.length === 0) {
        const tr = document.createElement("tr")
        const td = document.createElement("td")
        td.colSpan = 7
        td.textContent = p ? "none yet" : "–"
        tr.append(td)
        body.append(tr)
        return
    }
    for (const r of rows) {
        const tr = document.createElement("tr")
        tr.dataset.number = String(r.number)
        const cells = [
            String(r.number),
            `boot ${r.boot}, ${Math.round(r.startS)} s`,
            `${Math.round(r.invertedS)} s`,
            `${r.deepestDeg.toFixed(1)}°`,
            `${Math.round(r.capDeg)}°`,
            r.counted ? "yes" : "no",
            r.end,
        ]
        for (const c of cells) {
            const td = document.createElement("td")
            td.textContent = c
            tr.append(td)
        }
        body.append(tr)
    }
}

/** Runs a console line in the pane, as if typed (the acknowledgement button uses it). */
function runInConsole(line) {
    const input = $("consoleLine")
    input.value = line
    $("consoleForm").requestSubmit()
    input.focus()
}

function setupConsole() {
    $("ackButton").addEventListener("click", () => runInConsole("ack"))
    const input = $("consoleLine")
    $("consoleForm").addEventListener("submit", e => {
        e.preventDefault()
        const line = input.value
        input.value = ""
        if (asking && running !== null) {
            consoleLine(line, "cmd")
            asking = false
            $("consolePrompt").textContent = "table>"
            send({ type: "console-answer", id: running, text: line })
            return
        }
        if (running !== null) {
            consoleLine("(a command is still running: Stop it first)", "err")
            return
        }
        if (line.trim() !== "") {
            history.push(line)
            historyAt = history.length
        }
        consoleLine(`table> ${line}`, "cmd")
        running = ++consoleId
        $("consoleStop").disabled = false
        if (!send({ type: "console", id: running, line })) {
            consoleLine("no connection to the server", "err")
            running = null
        }
    })
    $("consoleStop").addEventListener("click", () => {
        if (running !== null) send({ type: "console-stop", id: running })
    })
    input.addEventListener("keydown", e => {
        if (e.key === "ArrowUp" && historyAt > 0)
            input.value = history[--historyAt]
        else if (e.key === "ArrowDown")
            input.value =
                historyAt < history.length - 1
                    ? history[++historyAt]
                    : ((historyAt = history.length), "")
        else return
        e.preventDefault()
    })
    consoleLine(
        "The calibration console's commands run here against this table: type help."
    )
}

connect()
requestAnimationFrame(frame)
