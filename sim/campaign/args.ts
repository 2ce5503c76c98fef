// The campaign scripts' options: `--name value` (or `--name=value`) and flags, each known by name,
// numbers checked; anything else is refused with one line (exit 2).

export class CampaignArgsError extends Error {}

export interface OptionSpec {
    /** "int": a whole number >= min; "text": any value; "flag": no value */
    kind: "int" | "text" | "flag"
    min?: number
}

export type ParsedOptions = Record<string, number | string | boolean>

export function parseOptions(
    argv: readonly string[],
    specs: Record<string, OptionSpec>
): ParsedOptions {
    const out: ParsedOptions = {}
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]
        if (!arg.startsWith("--"))
            throw new CampaignArgsError("unexpected argument " + arg)
        const eq = arg.indexOf("=")
        const name = (eq >= 0 ? arg.slice(0, eq) : arg).slice(2)
        const spec = specs[name]
        if (spec === undefined)
            throw new CampaignArgsError("unknown option --" + name)
        if (name in out)
            throw new CampaignArgsError("--" + name + " given twice")
        if (spec.kind === "flag") {
            if (eq >= 0)
                throw new CampaignArgsError("--" + name + " takes no value")
            out[name] = true
            continue
        }
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i]
        if (value === undefined)
            throw new CampaignArgsError("--" + name + " needs a value")
        if (spec.kind === "text") {
            out[name] = value
            continue
        }
        const n = Number(value)
        if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n))
            throw new CampaignArgsError(
                "--" +
                    name +
                    ": " +
                    JSON.stringify(value) +
                    " is not a whole number"
            )
        if (spec.min !== undefined && n < spec.min)
            throw new CampaignArgsError(
                "--" + name + ": " + n + " is below " + spec.min
            )
        out[name] = n
    }
    return out
}

/** Runs a script's main; a CampaignArgsError prints its line and the usage, exit 2. */
export function withUsage(usage: string, main: () => Promise<number>): void {
    main().then(
        code => {
            process.exitCode = code
        },
        (e: unknown) => {
            if (e instanceof CampaignArgsError) {
                process.stderr.write(e.message + "\nusage: " + usage + "\n")
                process.exitCode = 2
            } else {
                process.stderr.write(
                    (e instanceof Error ? (e.stack ?? e.message) : String(e)) +
                        "\n"
                )
                process.exitCode = 1
            }
        }
    )
}
