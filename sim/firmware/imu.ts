// The simulated IMU on the bus: an accelerometer (g) and a gyroscope (deg/s), fed with the model's
// samples by the harness itself, one report per new sample.
//
// - jacdac-ts 1.33.7 has no AccelerometerServer: the generic SensorServer serves the reading with
//   the service's pack format (i12.20 x3).
// - Values go on the wire in physical units. The firmware receives them 65536 times too large (a
//   DeviceScript decoding bug for multi-field i12.20 registers) and compensates in one named place
//   on its side; nothing is pre-scaled here, so a real Jacdac IMU and this one look the same to it.
// - jacdac-ts would also stream on its own 50 ms refresh tick (20 Hz at best) and double-feed the
//   firmware: the streaming interval is set so long that only the harness's pushes are reports.
// - A sensor that stops (imu-stale, or an I2C failure: the model's read has no data) sends nothing
//   at all, also not in answer to the VM's GET of the register, which would look like a new sample.

import { ImuSample } from "../../src/control/types"
import {
    JDServiceServer,
    SensorServer,
    SRV_ACCELEROMETER,
    SRV_GYROSCOPE,
} from "jacdac-ts"

/** So long that jacdac-ts never streams by itself during a run. */
const NO_STREAMING_MS = 24 * 3600 * 1000
/** The i12.20 range: values beyond it would wrap on the wire. */
const WIRE_LIMIT = 2047.999

type Vector = [number, number, number]

function wire(v: number): number {
    return Math.max(-WIRE_LIMIT, Math.min(WIRE_LIMIT, v))
}

/** The values served for one model sample: accelerometer in g, gyroscope in deg/s (x, y, z). */
export function imuWireValues(s: ImuSample): { accel: Vector; gyro: Vector } {
    return {
        accel: [wire(s.axG), wire(s.ayG), wire(s.azG)],
        gyro: [wire(s.gxDps), wire(s.gyDps), wire(s.gzDps)],
    }
}

class VectorSensor {
    readonly server: SensorServer<Vector>
    private readonly send: () => Promise<void>

    constructor(serviceClass: number, instanceName: string, initial: Vector) {
        this.server = new SensorServer<Vector>(serviceClass, {
            instanceName,
            readingValues: initial,
            streamingInterval: NO_STREAMING_MS,
        })
        const reading = this.server.reading
        this.send = reading.sendGetAsync.bind(reading)
        // Answer GETs only with what the harness published: never re-send a value as if new.
        reading.sendGetAsync = async () => {}
    }

    publish(values: Vector): Promise<void> {
        this.server.reading.setValues(values, true)
        return this.send()
    }
}

export class SimulatedImu {
    private readonly accel = new VectorSensor(
        SRV_ACCELEROMETER,
        "accel",
        [0, 0, 1]
    )
    private readonly gyro = new VectorSensor(SRV_GYROSCOPE, "gyro", [0, 0, 0])
    private lastSeq: number | null = null

    servers(): JDServiceServer[] {
        return [this.accel.server, this.gyro.server]
    }

    /**
     * Sends the model's sample if it is a new one (its seq changed) and was read successfully;
     * returns whether it sent anything. A stale sensor or a failed read sends nothing.
     */
    offer(sample: ImuSample): boolean {
        if (!sample.ok || sample.seq === this.lastSeq) return false
        this.lastSeq = sample.seq
        this.send(sample)
        return true
    }

    /** Sends this sample whatever its seq (before the firmware's first tick, the sensor is running). */
    repeat(sample: ImuSample): void {
        if (sample.ok) this.send(sample)
    }

    private send(sample: ImuSample): void {
        const v = imuWireValues(sample)
        void this.accel.publish(v.accel)
        void this.gyro.publish(v.gyro)
    }
}
