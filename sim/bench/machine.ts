// The machine a bench ran on: its figures mean little without it.

import * as fs from "node:fs"
import * as os from "node:os"

export interface Machine {
    date: string
    nproc: number
    cpu: string
    node: string
    /** the machine's load average over the last minute when the bench started (others' work too) */
    loadAvg1: number
}

export function machine(): Machine {
    let cpu = os.cpus()[0]?.model ?? "unknown"
    try {
        const m = /^model name\s*:\s*(.+)$/m.exec(
            fs.readFileSync("/proc/cpuinfo", "utf8")
        )
        if (m) cpu = m[1].trim()
    } catch {
        // not Linux: os.cpus() it is
    }
    return {
        date: new Date().toISOString(),
        nproc: os.availableParallelism(),
        cpu,
        node: process.version,
        loadAvg1: Math.round(os.loadavg()[0] * 100) / 100,
    }
}
