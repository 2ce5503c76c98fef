import { configDefaults, defineConfig } from "vitest/config"

/**
 * Test files that run the DeviceScript VM on the bus at ws://127.0.0.1:8081. Only one VM can use
 * that port at a time, and their scenarios run in real time: they run one file at a time, after
 * all the other files (so no other test competes for the port or for the CPU).
 */
const VM_TEST_FILES = ["test/firmware-loop.test.ts", "test/service-vm.test.ts", "test/console.test.ts"]

const common = {
    // Simulated time decides every result; the runner's timeout only stops a hung test. The
    // machines are shared and slow at times, so it is generous.
    testTimeout: 600_000,
    hookTimeout: 120_000,
}

export default defineConfig({
    test: {
        projects: [
            {
                test: {
                    ...common,
                    name: "host",
                    include: ["test/**/*.test.ts"],
                    exclude: [...configDefaults.exclude, ...VM_TEST_FILES],
                    sequence: { groupOrder: 0 },
                },
            },
            {
                test: { ...common, name: "vm", include: VM_TEST_FILES, fileParallelism: false, sequence: { groupOrder: 1 } },
            },
        ],
    },
})
