// A one-line progress bar on standard error, redrawn in place (plain lines when it is not a terminal).

export class ProgressBar {
    private lastDrawMs = 0
    private readonly t0 = Date.now()

    constructor(
        private readonly total: number,
        private readonly out: NodeJS.WriteStream = process.stderr
    ) {}

    update(done: number, note: string): void {
        const now = Date.now()
        const tty = this.out.isTTY === true
        if (done < this.total && now - this.lastDrawMs < (tty ? 200 : 10_000))
            return
        this.lastDrawMs = now
        const width = 30
        const filled = Math.round((done / this.total) * width)
        const perMin = (done / Math.max(1e-3, (now - this.t0) / 1000)) * 60
        const line =
            `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${this.total} ` +
            `${Math.round(perMin)}/min ${note}`
        this.out.write(tty ? "\r" + line : line + "\n")
        if (tty && done >= this.total) this.out.write("\n")
    }
}
