import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { simulate } from "@lutingenie/cli";
import { parseTranscript } from "@lutingenie/core";
import { describe, expect, it } from "vitest";

/**
 * The guide's own examples (COUNTING.md, counting-guide.*.txt): each transcript beside this file has an
 * `.expected.json` saying what the guide says it must give.
 */
const folder = import.meta.dirname;
const names = readdirSync(folder)
  .filter((file) => file.endsWith(".jsonl"))
  .map((file) => file.replace(/\.jsonl$/, ""));

interface Expected {
  description: string;
  conversations: {
    mode: string;
    openReason: string;
    endReason: string | null;
    counted: boolean;
    notCountedReason: string | null;
    thread?: string;
  }[];
  usage: { used: number; human: number; merged?: number };
}

describe("the guide's example transcripts", () => {
  it("has an expected result for every transcript", () => {
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const name of names) expect(() => readFileSync(join(folder, `${name}.expected.json`))).not.toThrow();
  });

  for (const name of names) {
    it(`${name}: gives the guide's result`, async () => {
      const expected = JSON.parse(readFileSync(join(folder, `${name}.expected.json`), "utf8")) as Expected;
      const events = parseTranscript(readFileSync(join(folder, `${name}.jsonl`), "utf8"), `${name}.jsonl`);
      const report = await simulate(events);
      const fields = (conversation: Expected["conversations"][number]) => ({
        mode: conversation.mode,
        openReason: conversation.openReason,
        endReason: conversation.endReason,
        counted: conversation.counted,
        notCountedReason: conversation.notCountedReason,
        ...(conversation.thread ? { thread: conversation.thread } : {}),
      });
      const withThread = expected.conversations.some((conversation) => conversation.thread !== undefined);
      expect(
        report.conversations.map((conversation) =>
          fields(withThread ? conversation : { ...conversation, thread: undefined as unknown as string }),
        ),
      ).toEqual(expected.conversations.map(fields));
      expect(report.usage.used).toBe(expected.usage.used);
      expect(report.usage.human).toBe(expected.usage.human);
      expect(report.merged).toBe(expected.usage.merged ?? 0);
      // Q8: `used` is the number of counted AI conversations listed for the period.
      expect(report.usage.used).toBe(
        report.conversations.filter((conversation) => conversation.mode === "ai" && conversation.counted)
          .length,
      );
    });
  }
});

describe("lutin simulate, as a process", () => {
  const run = promisify(execFile);
  const lutin = (...args: string[]) =>
    run(process.execPath, ["--conditions=source", "--import", "tsx", "packages/cli/src/cli.ts", ...args], {
      cwd: join(folder, "../.."),
    });

  it("prints the JSON report with the documented field names", async () => {
    const { stdout } = await lutin(
      "simulate",
      "examples/transcripts/order-tracking.jsonl",
      "--json",
      "--allowance",
      "1",
    );
    const report = JSON.parse(stdout);
    expect(Object.keys(report.conversations[0])).toEqual(
      expect.arrayContaining([
        "id",
        "thread",
        "mode",
        "openedAt",
        "openReason",
        "endReason",
        "counted",
        "countedAt",
        "notCountedReason",
        "period",
      ]),
    );
    expect(report.usage).toMatchObject({
      plan: "free",
      allowance: 1,
      used: 1,
      remaining: 0,
      overage: 0,
      packsRemaining: 0,
      human: 0,
    });
    expect(report.usage.alerts.map((alert: { threshold: number }) => alert.threshold)).toEqual([80, 90, 100]);
  });

  it("uses packs after the allowance and reports overage past them (Q3, Q4)", async () => {
    const { stdout } = await lutin(
      "simulate",
      "examples/transcripts/return-after-31-minutes.jsonl",
      "--json",
      "--allowance",
      "0",
      "--packs",
      "1",
    );
    expect(JSON.parse(stdout).usage).toMatchObject({ used: 2, remaining: 0, packsRemaining: 0, overage: 1 });
  });

  it("prints a table by default", async () => {
    const { stdout } = await lutin("simulate", "examples/transcripts/close-and-start-again.jsonl");
    expect(stdout).toContain("after_close");
    expect(stdout).toMatch(/used\s+2/);
  });

  it("stops on a bad line with the file name, line number and problem, exit code 1", async () => {
    const failure = await lutin("simulate", "examples/transcripts/bad/missing-timestamp.jsonl").catch(
      (error) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain("missing-timestamp.jsonl:2:");
    expect(failure.stderr).toContain("`at` is required");
  });
});
