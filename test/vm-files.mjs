// The test files that run the DeviceScript VM on the bus at ws://127.0.0.1:8081, in real time: one
// list, read by vitest.config.ts (the "vm" project) and test/run-all.mjs (npm test).
export const VM_TEST_FILES = [
    "test/firmware-loop.test.ts",
    "test/console.test.ts",
    "test/service-vm.test.ts",
    "test/page-vm.test.ts",
    "test/sim-firmware-cli.test.ts",
    "test/imu-i2c.test.ts",
]
