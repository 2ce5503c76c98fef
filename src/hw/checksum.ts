// A small checksum for the stored settings record. Pure (host-tested in test/checksum.test.ts and in
// the VM, which must agree with the host bit for bit).

const FNV_OFFSET_BASIS = 0x811c9dc5
const FNV_PRIME = 16777619

/**
 * 32-bit FNV-1a over the UTF-16 code units of `text` (the record is ASCII JSON, so one unit per
 * byte), as an unsigned integer. It detects corruption (a flipped bit, a truncated write), not
 * tampering. Math.imul and >>> keep the arithmetic in 32 bits on the host and in DeviceScript alike.
 */
export function checksum32(text: string): number {
    let h = FNV_OFFSET_BASIS
    for (let i = 0; i < text.length; i++) {
        h = h ^ text.charCodeAt(i)
        h = Math.imul(h, FNV_PRIME) >>> 0
    }
    return h >>> 0
}
