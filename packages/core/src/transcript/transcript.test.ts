import { describe, expect, it } from "vitest";
import { LutinError } from "../errors.js";
import { parseTranscript } from "./transcript.js";

const problemOf = (content: string): string => {
  try {
    parseTranscript(content, "sample.jsonl");
  } catch (error) {
    expect(LutinError.isInstance(error, "TRANSCRIPT_INVALID")).toBe(true);
    return (error as LutinError).message;
  }
  throw new Error("expected the transcript to be refused");
};

const good = '{"at":"2026-10-05T09:00:00Z","id":"m1","thread":"t","from":"customer","text":"hi"}';

describe("transcript format (COUNTING.md)", () => {
  it("applies the documented defaults: tenant default, channel web, kind message, origin live", () => {
    const [event] = parseTranscript(good);
    expect(event).toMatchObject({
      key: "m1",
      tenant: "default",
      channel: "web",
      kind: "message",
      origin: "live",
      at: Date.parse("2026-10-05T09:00:00Z"),
      line: 1,
    });
  });

  it("skips blank lines and keeps line numbers", () => {
    const events = parseTranscript(`\n${good}\n\n${good.replace("m1", "m2")}\n`);
    expect(events.map((event) => event.line)).toEqual([2, 4]);
  });

  it("names the file, the line and the problem for a bad JSON line", () => {
    expect(problemOf(`${good}\n{"at": oops}`)).toMatch(/^sample\.jsonl:2: not valid JSON/);
  });

  it("refuses a missing timestamp", () => {
    expect(problemOf('{"id":"m1","thread":"t","from":"customer"}')).toBe(
      "sample.jsonl:1: `at` is required: an ISO 8601 timestamp such as 2026-03-10T09:00:00Z",
    );
  });

  it("refuses a timestamp without a time zone, which would be read in the machine's zone", () => {
    expect(problemOf('{"at":"2026-10-05T09:00:00","id":"m1","thread":"t","from":"customer"}')).toContain(
      "with a time zone",
    );
  });

  it("refuses an unknown field value and names the allowed ones", () => {
    expect(problemOf('{"at":"2026-10-05T09:00:00Z","id":"m1","thread":"t","from":"robot"}')).toContain(
      "`from` must be one of customer, assistant, agent, system",
    );
    expect(problemOf('{"at":"2026-10-05T09:00:00Z","id":"m1","thread":"t","kind":"wave"}')).toContain(
      "`kind` must be one of",
    );
  });

  it("refuses an unknown field (a typo would otherwise be silently ignored)", () => {
    expect(
      problemOf('{"at":"2026-10-05T09:00:00Z","id":"m1","thread":"t","from":"customer","txt":"hi"}'),
    ).toContain("unknown field `txt`");
  });

  it("refuses a message without `from` and a delivery failure without `ref`", () => {
    expect(problemOf('{"at":"2026-10-05T09:00:00Z","id":"m1","thread":"t"}')).toContain(
      "a message needs `from`",
    );
    expect(
      problemOf('{"at":"2026-10-05T09:00:00Z","id":"f1","thread":"t","kind":"delivery_failed"}'),
    ).toContain("delivery_failed needs `ref`");
  });

  it("refuses a line that is JSON but not an object", () => {
    expect(problemOf("[1,2]")).toBe("sample.jsonl:1: expected a JSON object");
  });
});
