import { configDefaults, defineConfig } from "vitest/config"
import { VM_TEST_FILES } from "./test/vm-files.mjs"

/**
 * Test files that run the DeviceScript VM on the bus at ws://127.0.0.1:8081. Only one VM can use
 * that port at a time (per network namespace), and their scenarios run in real time: under
 * `vitest run` they run one file at a time, after all the other files (so no other test competes
 * for the port or for the CPU). `npm test` (test/run-all.mjs) runs each of them at once in a
 * network namespace of its own, after the CPU-bound checks.
 */

/**
 * The runner's timeouts only stop a hung test: simulated time decides every result. A host test
 * that hangs fails within HOST_TEST_TIMEOUT_MS (the longest host test takes a few seconds here; a
 * test that runs more on purpose, such as the property tests with PROPERTY_RUNS raised, sets its
 * own). The VM tests run scenarios in real time on a shared machine, so theirs are generous.
 */
const HOST_TEST_TIMEOUT_MS = 30_000
const VM_TEST_TIMEOUT_MS = 600_000
const HOOK_TIMEOUT_MS = 120_000

export default defineConfig({
    test: {
        projects: [
            {
                test: {
                    testTimeout: HOST_TEST_TIMEOUT_MS,
                    hookTimeout: HOOK_TIMEOUT_MS,
                    name: "host",
                    include: ["test/**/*.test.ts"],
                    exclude: [...configDefaults.exclude, ...VM_TEST_FILES],
                    sequence: { groupOrder: 0 },
                },
            },
            {
                test: {
                    testTimeout: VM_TEST_TIMEOUT_MS,
                    hookTimeout: HOOK_TIMEOUT_MS,
                    name: "vm",
                    include: VM_TEST_FILES,
                    fileParallelism: false,
                    sequence: { groupOrder: 1 },
                },
            },
        ],
    },
})
