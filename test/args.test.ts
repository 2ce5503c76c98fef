// The sim command's arguments: every accepted form and every refusal, without starting a process.

import { describe, expect, it } from "vitest"
import { ArgsError, parseSimArgs } from "../sim/args"

describe("parseSimArgs", () => {
    it("takes a scenario alone: the trace goes to stdout, no plot", () => {
        expect(parseSimArgs(["s.json"])).toEqual({
            scenarioPath: "s.json",
            tracePath: null,
            plotPath: null,
            firmware: false,
            help: false,
        })
    })

    it("takes every option, in any order, with a space or an =", () => {
        expect(
            parseSimArgs([
                "--plot",
                "p.svg",
                "s.json",
                "--trace=t.csv",
                "--firmware",
            ])
        ).toEqual({
            scenarioPath: "s.json",
            tracePath: "t.csv",
            plotPath: "p.svg",
            firmware: true,
            help: false,
        })
    })

    it("treats everything after -- as a file name", () => {
        expect(parseSimArgs(["--", "--odd.json"]).scenarioPath).toBe(
            "--odd.json"
        )
    })

    it("answers --help and -h without needing a scenario", () => {
        expect(parseSimArgs(["--help"]).help).toBe(true)
        expect(parseSimArgs(["-h", "s.json"]).help).toBe(true)
    })

    const refusal = (argv: string[]) => {
        try {
            parseSimArgs(argv)
        } catch (e) {
            expect(e).toBeInstanceOf(ArgsError)
            return (e as Error).message
        }
        throw new Error("expected a refusal")
    }

    it("refuses unknown options", () => {
        expect(refusal(["s.json", "--tarce", "t.csv"])).toBe(
            "unknown option --tarce"
        )
        expect(refusal(["s.json", "-t"])).toBe("unknown option -t")
        expect(refusal(["s.json", "--frimware=1"])).toBe(
            "unknown option --frimware"
        )
    })

    it("refuses a missing value", () => {
        expect(refusal(["s.json", "--trace"])).toBe("--trace needs a file name")
        expect(refusal(["s.json", "--plot="])).toBe("--plot needs a file name")
        expect(refusal(["s.json", "--trace", "--plot", "p.svg"])).toBe(
            "--trace needs a file name"
        )
    })

    it("refuses options given twice and values for flags", () => {
        expect(
            refusal(["s.json", "--trace", "a.csv", "--trace", "b.csv"])
        ).toBe("--trace given twice")
        expect(refusal(["s.json", "--firmware=yes"])).toBe(
            "--firmware takes no value"
        )
    })

    it("wants exactly one scenario", () => {
        expect(refusal([])).toBe("no scenario file given")
        expect(refusal(["--trace", "t.csv"])).toBe("no scenario file given")
        expect(refusal(["a.json", "b.json"])).toBe(
            "one scenario file expected, got 2: a.json b.json"
        )
    })
})
