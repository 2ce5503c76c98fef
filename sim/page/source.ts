// A table the page shows: the firmware in the VM, the host controller, or a real table over serial.
// Each source fills the snapshot (snapshot.ts), records the session's trace, takes the pad's inputs
// and the simulator's faults (simulated tables only), and gives the console pane a link to the
// table's service.

import { ScenarioFault } from "../scenario"
import { BusLink } from "../console/transport"
import { Mark, PadInput, SourceMode, TableSnapshot } from "./snapshot"

export interface TableSource {
    readonly mode: SourceMode
    /** a real table: no pad, no faults injected from the page */
    readonly readOnly: boolean
    /** the table now; `tMs` is the server's clock */
    snapshot(tMs: number): TableSnapshot
    /** an input's level from now on (simulated tables) */
    setInput(name: PadInput, level: boolean): void
    /** a simulator fault, `clear`, or a power cycle (simulated tables) */
    inject(fault: ScenarioFault): Promise<void>
    /** a link to the table's service for the console pane (fresh after a lost one) */
    consoleLink(): Promise<BusLink>
    /** the session's trace as CSV (the scenario format's trace layout for simulated tables) */
    traceCsv(): string
    /** every fault raised or cleared, as it happens */
    onMark(listener: (mark: Omit<Mark, "tMs">) => void): () => void
    /** something the server must stop for (the VM failed too often), or null */
    readonly fatal: string | null
    close(): Promise<void>
}
