// Command-line arguments of `npm run sim -- SCENARIO.json [--trace OUT.csv] [--plot OUT.svg] [--firmware]`.
// Kept apart from the command itself so every rule can be tested without starting a process.

export const USAGE =
    "npm run sim -- SCENARIO.json [--trace OUT.csv] [--plot OUT.svg] [--firmware]"

export interface SimArgs {
    scenarioPath: string
    /** null: the trace goes to standard output */
    tracePath: string | null
    /** null: no plot */
    plotPath: string | null
    /** run against the compiled firmware in the DeviceScript VM instead of the host controller */
    firmware: boolean
    /** --help: print the usage and do nothing else */
    help: boolean
}

export class ArgsError extends Error {}

const VALUE_OPTIONS = ["--trace", "--plot"] as const
const FLAG_OPTIONS = ["--firmware", "--help"] as const

/** Parses the arguments after the script name; throws ArgsError with a one-line problem. */
export function parseSimArgs(argv: readonly string[]): SimArgs {
    const args: SimArgs = {
        scenarioPath: "",
        tracePath: null,
        plotPath: null,
        firmware: false,
        help: false,
    }
    const positional: string[] = []
    const seen: string[] = []
    let onlyPositional = false

    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]
        if (onlyPositional || arg === "-" || !arg.startsWith("-")) {
            positional.push(arg)
            continue
        }
        if (arg === "--") {
            onlyPositional = true
            continue
        }
        if (arg === "-h") {
            args.help = true
            continue
        }
        // "--trace=out.csv" is accepted as well as "--trace out.csv".
        const eq = arg.indexOf("=")
        const name = eq >= 0 ? arg.slice(0, eq) : arg
        const isValueOption =
            (VALUE_OPTIONS as readonly string[]).indexOf(name) >= 0
        const isFlag = (FLAG_OPTIONS as readonly string[]).indexOf(name) >= 0
        if (!isValueOption && !isFlag)
            throw new ArgsError("unknown option " + name)
        if (seen.indexOf(name) >= 0) throw new ArgsError(name + " given twice")
        seen.push(name)

        if (isFlag) {
            if (eq >= 0) throw new ArgsError(name + " takes no value")
            if (name === "--firmware") args.firmware = true
            else args.help = true
            continue
        }
        let value: string | undefined
        if (eq >= 0) value = arg.slice(eq + 1)
        else {
            value = argv[i + 1]
            // "--trace --plot x.svg" means the value was forgotten, not a file named "--plot".
            if (value !== undefined && value.startsWith("--")) value = undefined
            else i++
        }
        if (value === undefined || value === "")
            throw new ArgsError(name + " needs a file name")
        if (name === "--trace") args.tracePath = value
        else if (!/\.svg$/i.test(value))
            throw new ArgsError(
                "--plot writes an SVG image: name the file .svg (got " +
                    JSON.stringify(value) +
                    ")"
            )
        else args.plotPath = value
    }

    if (args.help) return args
    if (positional.length === 0) throw new ArgsError("no scenario file given")
    if (positional.length > 1)
        throw new ArgsError(
            "one scenario file expected, got " +
                positional.length +
                ": " +
                positional.join(" ")
        )
    args.scenarioPath = positional[0]
    return args
}
