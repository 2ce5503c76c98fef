import { Controller } from "./control/controller"
import { defaultSettings } from "./control/settings"

const controller = new Controller(defaultSettings(), null)
const out = controller.step(
    {
        imu: { ok: true, seq: 1, axG: -0.9, ayG: 0, azG: 0.42, gxDps: 0, gyDps: 0, gzDps: 0 },
        grip: false,
        latch: false,
        up: false,
        down: false,
        stop: false,
        preset: false,
        home: false,
        homeSwitch: false,
    },
    0
)
console.log(out.state)
