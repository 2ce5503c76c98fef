// The faults a scenario can inject into the simulated table (scenario-format.md), by name.
// "clear" and "power-cycle" are scenario events, not table faults: the runner handles those.

export type SimFaultName =
    | "imu-stale" // the IMU stops producing samples: seq stops, values repeat the last
    | "imu-stuck" // samples keep coming (seq increases) but the values are frozen
    | "imu-i2c" // every read fails: ok is false, seq unchanged
    | "imu-bias" // the accelerometer reads 8 degrees deeper than the truth
    | "imu-noise" // sensor noise x20
    | "motor-stall" // the drive is jammed: the table does not move, whatever the duty
    | "motor-reversed" // the motor wires are swapped: the duty's sign is inverted
    | "latch-chatter" // the latch contact bounces open and closed at random, whatever its true level

export const SIM_FAULT_NAMES: SimFaultName[] = [
    "imu-stale",
    "imu-stuck",
    "imu-i2c",
    "imu-bias",
    "imu-noise",
    "motor-stall",
    "motor-reversed",
    "latch-chatter",
]

export function isSimFaultName(name: unknown): name is SimFaultName {
    return (
        typeof name === "string" && (SIM_FAULT_NAMES as string[]).includes(name)
    )
}

/** The set of active faults; any combination may be active at once. */
export class FaultSet {
    private readonly active = new Set<SimFaultName>()

    inject(name: SimFaultName): void {
        // The name may come from a JSON file through untyped code: refuse what is not a fault.
        if (!isSimFaultName(name)) {
            throw new RangeError(
                `unknown simulated fault ${JSON.stringify(name)}; expected one of ${SIM_FAULT_NAMES.join(", ")}`
            )
        }
        this.active.add(name)
    }

    clear(): void {
        this.active.clear()
    }

    has(name: SimFaultName): boolean {
        return this.active.has(name)
    }

    /** Active faults in SIM_FAULT_NAMES order, so reports do not depend on injection order. */
    list(): SimFaultName[] {
        return SIM_FAULT_NAMES.filter(n => this.active.has(n))
    }
}
