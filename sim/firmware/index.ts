// Firmware-in-the-loop: the compiled firmware in the DeviceScript VM, on a Jacdac bus served by this
// process, against the simulator's model table. One concern per file:
//
//   runner.ts        runScenarioOnFirmware: a scenario in real time, trace rows out
//   session.ts       bus + devices + VM, boot with stored settings, power cycles, close
//   bus.ts port.ts   the jacdac-ts bus bridged to ws://127.0.0.1:8081; the port check
//   devices.ts       the simulated hardware: imu.ts, panel.ts (buttons, latch), motor.ts
//   roles.ts         binding the firmware's roles by name through the VM's role manager
//   vm.ts            the VM process: spawn, readiness, output lines, kill
//   cleanup.ts       kill every VM on every exit path (+ parent-watchdog.cjs, preloaded in the VM)
//   storedSettings.ts deploy.ts   settings into the VM's flash; the firmware deployed over Jacdac
//   tickLine.ts tickFeed.ts       the firmware's TICK lines and failure lines
//   replay.ts devsBuild.ts        conformance: recorded inputs replayed through the VM's controller
//   paths.ts errors.ts

export { FirmwareLoopError } from "./errors"
export { firmwareDevsPath, FIRMWARE_DEVS, FIRMWARE_ENV } from "./paths"
export { BUS_HOST, BUS_PORT, assertPortFree } from "./port"
export { runScenarioOnFirmware } from "./runner"
export type {
    FirmwareProbe,
    ChipFaultEvent,
    FirmwareRunOptions,
    FirmwareRunReport,
} from "./runner"
export { FirmwareSession, withFirmwareSession } from "./session"
export type { BootInfo, SessionOptions } from "./session"
export { parseTickLine } from "./tickLine"
export type { TickLine } from "./tickLine"
export {
    recordHostSteps,
    replayProgramSource,
    parseReplayLine,
    parseTimingLine,
    REPLAY_DONE,
} from "./replay"
export { buildDevs, prepareDevsProject } from "./devsBuild"
