// A small rule set: mistakes that compile but are wrong, and the DeviceScript subset's own rules
// (no == or != except against null). Formatting is Prettier's job (.prettierrc).
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
    {
        ignores: [
            "node_modules/",
            ".devicescript/",
            "out/",
            "test/device/atan2Table.ts",
        ],
    },
    {
        files: ["**/*.ts", "**/*.mjs", "**/*.cjs", "**/*.js"],
        extends: [js.configs.recommended, ...tseslint.configs.recommended],
        languageOptions: {
            globals: {
                process: "readonly",
                console: "readonly",
                setTimeout: "readonly",
                clearTimeout: "readonly",
                setInterval: "readonly",
                clearInterval: "readonly",
                performance: "readonly",
                Buffer: "readonly",
                URL: "readonly",
                require: "readonly",
                module: "writable",
                __dirname: "readonly",
            },
        },
        rules: {
            eqeqeq: ["error", "always", { null: "ignore" }],
            "no-var": "error",
            "prefer-const": "error",
            "@typescript-eslint/no-unused-vars": [
                "error",
                {
                    argsIgnorePattern: "^_",
                    varsIgnorePattern: "^_",
                    caughtErrorsIgnorePattern: "^_",
                },
            ],
            // The controller passes untyped values through its sanitizers on purpose.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-non-null-assertion": "off",
        },
    },
    {
        // The page's scripts run in the browser (ES modules, no build step).
        files: ["sim/page/public/**/*.js"],
        languageOptions: {
            sourceType: "module",
            globals: {
                window: "readonly",
                document: "readonly",
                location: "readonly",
                WebSocket: "readonly",
                AudioContext: "readonly",
                Event: "readonly",
                requestAnimationFrame: "readonly",
                devicePixelRatio: "readonly",
                uPlot: "readonly",
            },
        },
    }
)
