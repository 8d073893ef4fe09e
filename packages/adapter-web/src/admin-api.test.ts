import { ManualClock } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { adminCall, startTestServer } from "./testing/test-server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Usage {
  used: number;
  period: { start: number; end: number };
}

describe("admin API usage: read at the server's clock (C7, Q1, Q8)", () => {
  it("reads usage and picks the period at the server's clock, not at the latest event", async () => {
    const server = await startTestServer();
    cleanups.push(() => server.cleanup());
    const tenant = server.tenant.settings.id;
    const exchange = async (thread: string, replyAt: number) => {
      const base = { tenant, channel: "web", thread };
      await server.runtime.counter.ingest({
        ...base,
        key: `${thread}-c`,
        at: replyAt - 1_000,
        from: "customer",
        text: "Where is my order?",
      });
      await server.runtime.counter.ingest({
        ...base,
        key: `${thread}-a`,
        at: replyAt,
        from: "assistant",
        text: "It ships today.",
      });
    };
    const started = Date.now();
    await exchange("past", started - 1_000);
    // C14 takes a channel time up to 5 s ahead of the clock as it is: this reply is counted 2.5 s from now.
    const ahead = started + 2_500;
    await exchange("ahead", ahead);

    const before = await adminCall<Usage>(server.url, "/usage");
    const readAt = Date.now();
    expect(readAt).toBeLessThan(ahead);
    // Q1: the period holding the server's clock; Q8: only what is counted by then (read at the latest
    // event, this would already say 2).
    expect(before.body.period.start).toBeLessThanOrEqual(readAt);
    expect(before.body.period.end).toBeGreaterThan(readAt);
    expect(before.body.used).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, ahead - Date.now() + 50));
    // The same ledger read once the server's clock passed the count moment (unless a period ended meanwhile).
    const after = await adminCall<Usage>(server.url, "/usage");
    expect(after.body.used).toBe(after.body.period.start > started ? 1 : 2);
  });

  it("reads at the server's own clock (the runtime's), not the machine's: a server run on a manual clock", async () => {
    const clock = new ManualClock(Date.parse("2031-03-10T12:00:00Z"));
    const server = await startTestServer({}, { clock });
    cleanups.push(() => server.cleanup());
    const first = await adminCall<Usage>(server.url, "/usage");
    expect(first.body.period.start).toBeLessThanOrEqual(clock.now());
    expect(first.body.period.end).toBeGreaterThan(clock.now());
    clock.advance(40 * 24 * 60 * 60 * 1000);
    const later = await adminCall<Usage>(server.url, "/usage");
    expect(later.body.period.start).toBeGreaterThanOrEqual(first.body.period.end);
  });
});
