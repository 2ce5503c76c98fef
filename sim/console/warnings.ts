// The first-use safety warnings (docs/exercise.md), shown by `ack` and when the console first
// meets a table whose warnings have not been acknowledged. Acknowledging records it on the table
// (acknowledge_warnings); the progression program relies on it.

export const WARNINGS_TITLE = "Before the first use of this inversion table:"

export const WARNINGS: string[] = [
    "Inversion is not for people with heart disease, high blood pressure or glaucoma. It roughly doubles the pressure in the eyes and raises blood pressure.",
    "Ask a doctor before you use it.",
    "The first time, have someone watching who can bring you back up (holding UP on the button pad).",
    "Check the ankle straps twice before you tilt: the table will not tilt while the strap latch is open.",
    "Start at about 15 degrees and go no more than 10 degrees deeper per session; full inversion only after weeks.",
    "Begin with about five minutes, twice a day. Come up slowly: the table pauses near flat on the way back.",
    "Let go of the grip at any time and the table stops, then returns home.",
    "Inversion is only part of a program for mild back pain. This product makes no medical claim.",
]

export const ACK_QUESTION =
    "Type yes if the user has read and understood these warnings: "

export function warningsText(): string {
    return [WARNINGS_TITLE, ...WARNINGS.map(w => "  - " + w)].join("\n")
}

/** Only the word yes (any case, surrounding blanks ignored) acknowledges. */
export function isYes(answer: string | null): boolean {
    return answer !== null && answer.trim().toLowerCase() === "yes"
}
