import { parseTranscript } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { simulate } from "./simulate.js";

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);

/** Issue 14's repro: the reply's line comes before the customer message it answers. */
const REPLY_FIRST = [
  line({
    id: "a1",
    at: "2026-11-02T10:00:04.000Z",
    thread: "web:v1",
    from: "assistant",
    text: "We open at 9",
  }),
  line({
    id: "c1",
    at: "2026-11-02T10:00:00.000Z",
    thread: "web:v1",
    from: "customer",
    text: "Opening hours?",
  }),
].join("\n");

const NOW = Date.parse("2026-11-02T12:00:00.000Z");

describe("lutin simulate reads usage at one instant (C13, Q2, Q8)", () => {
  it("C13, Q8: a reply listed before its question counts once, and usage says so", async () => {
    const report = await simulate(parseTranscript(REPLY_FIRST), { now: NOW });
    expect(report.conversations.map((conversation) => conversation.counted)).toEqual([true]);
    expect(report.usage).toMatchObject({ used: 1, human: 0 });
  });

  it("C13: without --now, usage is read at the latest event, not at the file's last line", async () => {
    // The last line is an older event of another thread: reading at it would miss the count at 10:00:04.
    const transcript = [
      REPLY_FIRST,
      line({ id: "c0", at: "2026-11-02T09:00:00.000Z", thread: "web:v0", from: "customer", text: "Hi" }),
    ].join("\n");
    const report = await simulate(parseTranscript(transcript));
    expect(report.usage.used).toBe(1);
  });

  it("Q1, Q2: --now picks the period usage is read in", async () => {
    const events = parseTranscript(REPLY_FIRST);
    const november = await simulate(events, { now: NOW });
    expect(november.usage.period.start).toBe("2026-11-01T00:00:00.000Z");
    expect(november.usage.used).toBe(1);
    // Read in December, the November count is no longer this period's usage (Q2).
    const december = await simulate(events, { now: Date.parse("2026-12-03T00:00:00.000Z") });
    expect(december.usage.period.start).toBe("2026-12-01T00:00:00.000Z");
    expect(december.usage.used).toBe(0);
    // Read before the reply was delivered, nothing is counted yet (C7).
    const before = await simulate(events, { now: Date.parse("2026-11-02T10:00:02.000Z") });
    expect(before.usage.used).toBe(0);
  });

  it("C13: the usage shown is the tenant of the latest event, whatever line it is on", async () => {
    const transcript = [
      line({
        id: "b1",
        at: "2026-11-02T11:00:00.000Z",
        tenant: "beta",
        thread: "b",
        from: "customer",
        text: "?",
      }),
      REPLY_FIRST,
    ].join("\n");
    const report = await simulate(parseTranscript(transcript), { now: NOW });
    expect(report.usage.tenant).toBe("beta");
    expect(report.usageByTenant?.default?.used).toBe(1);
  });
});
