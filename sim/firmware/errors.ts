// The one error type of the firmware-in-the-loop harness: something about the set-up (port taken,
// firmware not built, VM did not start, roles not bound, firmware stopped) that makes a run
// impossible. Its message is one line, meant to be printed as it is.

export class FirmwareLoopError extends Error {
    constructor(message: string) {
        super(message.replace(/[\r\n]+/g, " "))
        this.name = "FirmwareLoopError"
    }
}
