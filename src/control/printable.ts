// Text from outside (a stored record, a value written over the bus, a scenario) made safe to show in
// one line of a fault reason or a refusal: control characters and anything outside printable ASCII
// as \xNN (\u{NNNN} above 0xff), and at most a given length, cut with "...". Pure, and inside the
// DeviceScript subset (no regular expressions, no padStart).

const HEX = "0123456789abcdef"

function hex(n: number, digits: number): string {
    let out = ""
    for (let i = digits - 1; i >= 0; i--) out += HEX[(n >> (4 * i)) & 15]
    return out
}

/** `text` with every character outside 0x20..0x7e escaped, cut to `maxChars` (plus "..."). */
export function printable(text: string, maxChars: number): string {
    let out = ""
    for (let i = 0; i < text.length; i++) {
        if (out.length >= maxChars) return out + "..."
        const c = text.charCodeAt(i)
        if (c >= 0x20 && c <= 0x7e) out += text[i]
        else if (c <= 0xff) out += "\\x" + hex(c, 2)
        else out += "\\u{" + hex(c, 4) + "}"
    }
    return out
}
