import { defineConfig } from "vitest/config"

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        // Simulated time decides every result; the runner's timeout only stops a hung test. The
        // machines are shared and slow at times, so it is generous.
        testTimeout: 600_000,
        hookTimeout: 120_000,
    },
})
