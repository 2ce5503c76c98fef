// docs/sounds.md, rendered from the buzzer's pattern table (src/hw/signals.ts BUZZER_PATTERNS): one
// row per sound the controller names (the trace's `sound` column). test/docs.test.ts checks that
// the page in the repository is what this renders (`npm run docs` writes it).

import { BUZZER_PATTERNS, ONCE_PERIOD_MS } from "../../src/hw/signals"

/** What each sound tells (the firmware carries only the patterns). */
const MEANINGS: Record<string, string> = {
    warning: "30 s left in the session",
    cap: "the session's deepest angle (the cap) reached",
    counted: "the session just ended counted toward the program",
    rhythm: "the rhythm program started",
}

function meaningOf(sound: string, beeps: number): string {
    if (sound in MEANINGS) return MEANINGS[sound]
    const fault = sound.replace(/^alarm-/, "")
    return `the fault ${fault} (${beeps} ${beeps === 1 ? "beep" : "beeps"} per period)`
}

export function renderSoundsDoc(): string {
    const lines = [
        "# Sounds",
        "",
        "Generated from the buzzer's pattern table, `src/hw/signals.ts` (`npm run docs` writes this page;",
        "a test checks that it is up to date). The controller names the sound of each tick (the trace's",
        "`sound` column): a fault's alarm first (the first alarming fault), then the session warning, then",
        "a one-shot (the cap reached, a session that counted, the rhythm program started). The buzzer",
        "plays that sound's pattern: `beeps` beeps of `beep` at `tone`, one every `spacing`, starting",
        "again every `period` for as long as the sound lasts. A one-shot lasts less than its period, so it",
        "plays once. The page plays the same patterns (muted until turned on).",
        "",
        "| sound | tone | beeps | beep | spacing | period | what it tells |",
        "|---|---|---|---|---|---|---|",
    ]
    for (const p of BUZZER_PATTERNS)
        lines.push(
            `| \`${p.sound}\` | ${p.toneHz} Hz | ${p.beeps} | ${p.beepMs} ms | ${p.gapMs} ms | ${p.periodMs === ONCE_PERIOD_MS ? "once" : p.periodMs / 1000 + " s"} | ${meaningOf(p.sound, p.beeps)} |`
        )
    lines.push("")
    return lines.join("\n")
}
