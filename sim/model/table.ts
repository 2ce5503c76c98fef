// The simulated inversion table: the frame and its user turning about the pivot, the tilt drive, the
// IMU on the bed and the strap latch contact, with the injectable faults. This is what the scenario
// runner advances each control tick and what the controller's inputs are read from.

import type { ImuSample } from "../../src/control/types"
import { stepDrive, steadyRateDps, type DriveState } from "./drive"
import { FaultSet, type SimFaultName } from "./faults"
import { SimImu } from "./imu"
import { LatchChatter } from "./latch"
import {
    DEFAULT_START_ANGLE_DEG,
    HOME_SWITCH_TRAVEL_DEG,
    IMU_NOISE_MAX,
    IMU_SAMPLE_PERIOD_S,
    MAX_ADVANCE_S,
    PHYSICS_STEP_S,
    STOP_DEEP_DEG,
    STOP_SHALLOW_DEG,
    USER_MASS_DEFAULT_KG,
    USER_MASS_MAX_KG,
    USER_MASS_MIN_KG,
} from "./params"
import { Rng } from "./rng"

export interface TableOptions {
    /** where the table is at the start, -88..95 (the end stops) */
    startAngleDeg: number
    /** 30..160 */
    userMassKg: number
    /** multiplies the IMU's white noise, 0..10 (0 = ideal sensor, but the gyro bias still drifts) */
    imuNoise: number
    /** everything random in the model follows from it */
    seed: number
    /**
     * The frame's loading stop at the head-up end, STOP_SHALLOW_DEG..: a real table rests on it at
     * home. Default STOP_SHALLOW_DEG. A table started beyond it stops where it started.
     */
    homeStopDeg?: number
    /** the table has a home switch at its loading stop (pressed within HOME_SWITCH_TRAVEL_DEG of it) */
    homeSwitch?: boolean
}

// Simulated time is kept in whole microseconds, so that the 50 Hz sample clock and the 20 ms ticks
// line up exactly however many ticks have passed (no floating-point creep of sample instants).
const US_PER_S = 1e6
const PHYSICS_STEP_US = Math.round(PHYSICS_STEP_S * US_PER_S)
const IMU_PERIOD_US = Math.round(IMU_SAMPLE_PERIOD_S * US_PER_S)

function clampFinite(
    value: unknown,
    lo: number,
    hi: number,
    fallback: number
): number {
    if (typeof value !== "number" || !Number.isFinite(value)) return fallback
    return Math.min(hi, Math.max(lo, value))
}

export class SimTable {
    private readonly drive: DriveState
    private readonly massKg: number
    private readonly faults = new FaultSet()
    private readonly imu: SimImu
    private readonly latch: LatchChatter
    private readonly homeSwitchFitted: boolean
    private nowUs = 0
    private nextImuUs = IMU_PERIOD_US
    /** table rate at the previous IMU sample, to give the sensor its average angular acceleration */
    private rateAtLastImuDps: number

    constructor(opts: TableOptions) {
        // Options may come from untyped code: anything missing or absurd becomes a sane value.
        this.drive = {
            angleDeg: clampFinite(
                opts?.startAngleDeg,
                STOP_SHALLOW_DEG,
                STOP_DEEP_DEG,
                DEFAULT_START_ANGLE_DEG
            ),
            rateDps: 0,
            shallowStopDeg: STOP_SHALLOW_DEG,
        }
        const homeStop = clampFinite(
            opts?.homeStopDeg,
            STOP_SHALLOW_DEG,
            STOP_DEEP_DEG,
            STOP_SHALLOW_DEG
        )
        this.drive.shallowStopDeg = Math.min(homeStop, this.drive.angleDeg)
        this.homeSwitchFitted = opts?.homeSwitch === true
        this.massKg = clampFinite(
            opts?.userMassKg,
            USER_MASS_MIN_KG,
            USER_MASS_MAX_KG,
            USER_MASS_DEFAULT_KG
        )
        const imuNoise = clampFinite(opts?.imuNoise, 0, IMU_NOISE_MAX, 1)
        const root = new Rng(
            clampFinite(opts?.seed, -Number.MAX_VALUE, Number.MAX_VALUE, 1)
        )
        // Separate streams per subsystem: a fault in one does not reshuffle the randomness of another.
        this.imu = new SimImu(root.fork(), imuNoise, {
            angleDeg: this.drive.angleDeg,
            rateDps: this.drive.rateDps,
            accelDps2: 0,
        })
        this.latch = new LatchChatter(root.fork())
        this.rateAtLastImuDps = 0
    }

    /** the true inversion angle */
    get angleDeg(): number {
        return this.drive.angleDeg
    }

    /** the true angular rate, positive going deeper */
    get rateDps(): number {
        return this.drive.rateDps
    }

    /** simulated time since construction */
    get timeS(): number {
        return this.nowUs / US_PER_S
    }

    get userMassKg(): number {
        return this.massKg
    }

    /** the gyro's present true bias on the tilt axis (for tests and plots; the controller cannot know it) */
    get gyroBiasDps(): number {
        return this.imu.gyroBiasDps
    }

    /**
     * Let dtS seconds pass with the motor driven at `duty` (-1..1, positive deeper). Larger values are
     * clamped, non-finite ones mean "off"; a non-finite or non-positive dtS does nothing.
     */
    advance(dtS: number, duty: number): void {
        if (typeof dtS !== "number" || !Number.isFinite(dtS) || dtS <= 0) return
        let u =
            typeof duty === "number" && Number.isFinite(duty)
                ? Math.min(1, Math.max(-1, duty))
                : 0
        if (this.faults.has("motor-reversed")) u = -u
        const jammed = this.faults.has("motor-stall")
        const endUs =
            this.nowUs + Math.round(Math.min(dtS, MAX_ADVANCE_S) * US_PER_S)
        const drive = this.drive
        if (
            jammed ||
            (drive.rateDps === 0 &&
                steadyRateDps(drive.angleDeg, this.massKg, u) === 0)
        ) {
            // Still for the whole stretch: a jammed drive, or a locked worm that this duty cannot
            // break loose. The physics steps would all leave angle and rate as they are, so only
            // the sensor's sample clock and the latch's bounce run, in stretches up to each sample.
            if (jammed) drive.rateDps = 0
            while (this.nowUs < endUs) {
                const stepUs = Math.min(
                    endUs - this.nowUs,
                    this.nextImuUs - this.nowUs
                )
                this.latch.advance(stepUs)
                this.nowUs += stepUs
                if (this.nowUs >= this.nextImuUs) this.sampleImu()
            }
            return
        }
        while (this.nowUs < endUs) {
            // Never step across an IMU sample instant: the sample sees the state at exactly that time.
            const stepUs = Math.min(
                PHYSICS_STEP_US,
                endUs - this.nowUs,
                this.nextImuUs - this.nowUs
            )
            stepDrive(drive, u, this.massKg, stepUs / US_PER_S)
            this.latch.advance(stepUs)
            this.nowUs += stepUs
            if (this.nowUs >= this.nextImuUs) this.sampleImu()
        }
    }

    /** The IMU's sample instant: it sees the bed's state now, and its average acceleration since the last. */
    private sampleImu(): void {
        const rateDps = this.drive.rateDps
        this.imu.sample(
            this.drive.angleDeg,
            rateDps,
            (rateDps - this.rateAtLastImuDps) / IMU_SAMPLE_PERIOD_S,
            this.faults
        )
        this.rateAtLastImuDps = rateDps
        this.nextImuUs += IMU_PERIOD_US
    }

    /** The latest IMU sample, as the driver reads it now (the sensor makes a new one every 20 ms). */
    readImu(): ImuSample {
        return this.imu.read(this.faults)
    }

    /** The home switch: pressed when one is fitted and the frame is within its travel of the stop. */
    get homeSwitchPressed(): boolean {
        return (
            this.homeSwitchFitted &&
            this.drive.angleDeg <=
                this.drive.shallowStopDeg + HOME_SWITCH_TRAVEL_DEG
        )
    }

    /** The strap latch as the controller's input sees it, given the latch's true level (true = closed). */
    readLatch(level: boolean): boolean {
        return this.latch.read(level === true)
    }

    injectFault(name: SimFaultName): void {
        this.faults.inject(name)
        if (name === "latch-chatter") this.latch.start()
    }

    clearFaults(): void {
        this.faults.clear()
        this.latch.stop()
    }

    /** The injected faults now active, in SIM_FAULT_NAMES order. */
    activeFaults(): SimFaultName[] {
        return this.faults.list()
    }
}
