// Every VM this process starts is killed on every way out: a normal end, process.exit, an uncaught
// exception (all run 'exit' hooks), SIGINT/SIGTERM/SIGHUP (whose default action skips 'exit'), and
// (through the preloaded parent watchdog, not here) a SIGKILL of this process.
//
// The signal handlers are installed only while a VM is alive: a listener for SIGINT replaces Node's
// default "exit at once", which a test runner or the sim command should keep the rest of the time.

type Killer = () => void

const live = new Set<Killer>()
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"]
let hooked = false

function killAll(): void {
    for (const kill of Array.from(live)) {
        try {
            kill()
        } catch {
            // already gone
        }
    }
}

function onSignal(signal: NodeJS.Signals): void {
    killAll()
    unhook()
    // Die of the signal as if we had never listened, unless someone else handles it too.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

function hook(): void {
    if (hooked) return
    hooked = true
    process.on("exit", killAll)
    for (const s of SIGNALS) process.on(s, onSignal)
}

function unhook(): void {
    if (!hooked) return
    hooked = false
    process.off("exit", killAll)
    for (const s of SIGNALS) process.off(s, onSignal)
}

/** Registers a synchronous killer for a live child; returns the function that unregisters it. */
export function registerChild(kill: Killer): () => void {
    live.add(kill)
    hook()
    return () => {
        live.delete(kill)
        if (live.size === 0) unhook()
    }
}

/** How many children are registered (for tests). */
export function liveChildCount(): number {
    return live.size
}
