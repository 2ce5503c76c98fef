// Every role of the firmware, in one place: the table's inputs, IMU, motor, buzzer and LED, either
// as the simulator's roles (bound by the firmware-in-the-loop harness, by name) or as the board's
// services (boards/inversion_table_esp32.board.json: pins, pull-ups, polarity).
//
// Simulator role names (the harness contract, exactly): accel, gyro (ds.Accelerometer,
// ds.Gyroscope) or i2c (ds.I2C, an MPU-6050 behind it: simulatorImu.ts); up, down, stop, preset, home, grip, homeSwitch (ds.Button, pressed = true); latch
// (ds.Switch, on = closed); motor (ds.Motor); buzzer (ds.Buzzer); led (ds.Led). buzzer and led may
// stay unbound.
//
// On the table the board file starts native servers (button, motor, buzzer); `board.startX()` is
// resolved at compile time and names each role "x[int:N]", which binds it to the N-th such server
// of the device itself. The latch is a button service there: the native switch server configures no
// pull-up and reads "on" for a high pin, so a broken latch wire would read closed; a button reads a
// low pin (contact closed to ground) as pressed and enables the pull-up.

import * as ds from "@devicescript/core"
import { board } from "@dsboard/inversion_table_esp32"
import { currentControl, setStatusLight } from "@devicescript/runtime"
import { Annunciator, RoleLed, StatusLed } from "./annunciator"
import { ImuSource } from "./imuSource"
import { TableInputs, buttonInput, switchInput } from "./inputs"
import { MotorOutput } from "./motorOut"
import { Mpu6050Imu } from "./mpu6050Driver"
import { SimulatorImu } from "./simulatorImu"
import { i2c } from "@devicescript/i2c"

export interface TableIo {
    imu: ImuSource
    inputs: TableInputs
    motor: MotorOutput
    annunciator: Annunciator
}

export function simTableIo(): TableIo {
    const imu = new SimulatorImu()
    const inputs = new TableInputs(
        buttonInput(new ds.Button("grip")),
        switchInput(new ds.Switch("latch")),
        [
            buttonInput(new ds.Button("up")),
            buttonInput(new ds.Button("down")),
            buttonInput(new ds.Button("stop")),
            buttonInput(new ds.Button("preset")),
            buttonInput(new ds.Button("home")),
        ],
        buttonInput(new ds.Button("homeSwitch"))
    )
    const motor = new MotorOutput(new ds.Motor("motor"))
    const annunciator = new Annunciator(
        new ds.Buzzer("buzzer"),
        new RoleLed(new ds.Led("led"))
    )
    return { imu: imu, inputs: inputs, motor: motor, annunciator: annunciator }
}

/** The board's status LED (GPIO 2, `led` in the board file), through the device's control service. */
class BoardStatusLed implements StatusLed {
    ready(): boolean {
        return currentControl().isBound
    }
    async show(color: number): Promise<void> {
        await setStatusLight(color)
    }
}

export function boardTableIo(): TableIo {
    const imu = new Mpu6050Imu(i2c)
    imu.start()
    const inputs = new TableInputs(
        buttonInput(board.startGrip()),
        buttonInput(board.startLatch()),
        [
            buttonInput(board.startUp()),
            buttonInput(board.startDown()),
            buttonInput(board.startStop()),
            buttonInput(board.startPreset()),
            buttonInput(board.startHome()),
        ],
        buttonInput(board.startHomeSwitch())
    )
    const motor = new MotorOutput(board.startMotor())
    const annunciator = new Annunciator(
        board.startBuzzer(),
        new BoardStatusLed()
    )
    return { imu: imu, inputs: inputs, motor: motor, annunciator: annunciator }
}
