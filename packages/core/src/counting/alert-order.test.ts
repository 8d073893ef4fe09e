import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundEvent } from "../events/inbound-event.js";
import { ledgerAlerts } from "../quota/alerts.js";
import type { FiredAlert } from "../quota/types.js";
import { createMemoryStore } from "../store/memory-store.js";
import type { Store } from "../store/store.js";
import { ConversationCounter } from "./counter.js";
import { at, fixedBilling } from "./scenario.test-support.js";

/**
 * Q5 + C13 as a property: the live counter's alerts are a function of the set of events, not of their
 * arrival. Random event sets (several threads, two billing periods, merges and late delivery failures
 * that reverse counts) are fed in file order, reversed, shuffled and shuffled with duplicates; every run
 * must end with the same alerts in force (threshold, period, instant, used, allowance), equal to
 * ledgerAlerts over its final ledger. Withdrawn records depend on what was told when (a notification
 * sent before a merge was known), so they are checked for consistency, not equality: one record per
 * threshold, and withdrawn only where the final ledger does not reach the threshold.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);
// Small, so that crossings are frequent; the first count crosses 25 % and 50 % at once (Q5: both fire).
const ALLOWANCE = 2;
const THRESHOLDS = [25, 50, 100];
const DAY_MINUTES = 24 * 60;

type Spec = {
  thread: number;
  minute: number;
  /** Puts the event 30 days later: the next period, where every threshold is armed again (Q5). */
  nextPeriod: boolean;
  kind: "customer" | "assistant" | "failed" | "close";
  related: boolean | null;
  ref: number;
};

const spec: fc.Arbitrary<Spec> = fc.record({
  thread: fc.integer({ min: 0, max: 3 }),
  // Gaps long enough to split (C2), short enough that a late event bridges them and merges (C13).
  minute: fc.integer({ min: 0, max: 150 }),
  nextPeriod: fc.boolean(),
  kind: fc.constantFrom("customer", "customer", "customer", "assistant", "assistant", "failed", "close"),
  related: fc.constantFrom(null, true, false),
  ref: fc.nat(),
});

function toEvents(specs: Spec[]): InboundEvent[] {
  const replies: string[] = [];
  return specs.map((item, index) => {
    const key = `k${index}`;
    const instant = at(item.minute + (item.nextPeriod ? 30 * DAY_MINUTES : 0));
    const base = {
      key,
      tenant: "acme",
      channel: "web",
      thread: `visitor-${item.thread}`,
      at: instant,
      receivedAt: instant,
    };
    switch (item.kind) {
      case "customer":
        return {
          ...base,
          kind: "message",
          from: "customer",
          text: "Where is my order?",
          ...(item.related !== null ? { related: item.related } : {}),
        } as InboundEvent;
      case "assistant":
        replies.push(key);
        return { ...base, kind: "message", from: "assistant", text: "reply" } as InboundEvent;
      case "failed": {
        const ref = replies.length > 0 ? (replies[item.ref % replies.length] as string) : "k-missing";
        return { ...base, kind: "delivery_failed", ref } as InboundEvent;
      }
      default:
        return { ...base, kind: "close", from: "customer" } as InboundEvent;
    }
  });
}

const inForce = (alerts: FiredAlert[]) =>
  alerts
    .filter((alert) => (alert.state ?? "fired") === "fired")
    .map(({ threshold, period, at: instant, used, allowance }) => ({
      threshold,
      period,
      instant,
      used,
      allowance,
    }))
    .sort(
      (left, right) =>
        (left.period < right.period ? -1 : left.period > right.period ? 1 : 0) ||
        left.threshold - right.threshold,
    );

async function feed(events: InboundEvent[]): Promise<Store> {
  const store = createMemoryStore();
  const counter = new ConversationCounter({
    store,
    billing: fixedBilling(ALLOWANCE, THRESHOLDS),
    compaction: { maxEvents: 10_000 },
  });
  for (const event of events) await counter.ingest(event);
  return store;
}

/** What the final ledger says, period by period (the pure function the live alerts must equal). */
async function fromLedger(store: Store) {
  const ledger = await store.listLedger({ tenant: "acme" });
  const periods = [...new Set(ledger.map((row) => row.period))];
  return inForce(
    periods.flatMap((period) =>
      ledgerAlerts({ tenant: "acme", period, ledger, allowanceAt: () => ALLOWANCE, thresholds: THRESHOLDS }),
    ),
  );
}

const arrivals = fc.array(spec, { minLength: 4, maxLength: 30 }).chain((specs) =>
  fc.record({
    specs: fc.constant(specs),
    order: fc.shuffledSubarray(
      specs.map((_, index) => index),
      { minLength: specs.length, maxLength: specs.length },
    ),
    duplicates: fc.array(fc.nat({ max: specs.length - 1 }), { maxLength: 8 }),
  }),
);

describe("Q5, C13: alerts do not depend on arrival order", () => {
  it("file order, reversed, shuffled and duplicated give the same alerts, those of the final ledger", async () => {
    // Not vacuous: the runs must fire alerts in both periods and withdraw some (C13).
    const seen = { fired: 0, withdrawn: 0, periods: 0 };
    await fc.assert(
      fc.asyncProperty(arrivals, async ({ specs, order, duplicates }) => {
        const events = toEvents(specs);
        const shuffled = order.map((index) => events[index] as InboundEvent);
        const duplicated = [...shuffled];
        for (const index of duplicates) duplicated.splice(index, 0, events[index] as InboundEvent);
        const stores = await Promise.all(
          [events, [...events].reverse(), shuffled, duplicated].map((arrival) => feed(arrival)),
        );
        const expected = await fromLedger(stores[0] as Store);
        for (const store of stores) {
          const alerts = await store.listAlerts("acme");
          expect(inForce(alerts)).toEqual(expected);
          expect(await fromLedger(store)).toEqual(expected);
          // One record per (period, threshold); a withdrawn one is a threshold the final ledger misses.
          const keys = alerts.map((alert) => `${alert.period}/${alert.threshold}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const alert of alerts.filter((item) => item.state === "withdrawn")) {
            expect(
              expected.some((item) => item.period === alert.period && item.threshold === alert.threshold),
            ).toBe(false);
            expect(alert.withdrawnAt).toEqual(expect.any(Number));
          }
        }
        seen.fired += expected.length;
        seen.periods = Math.max(seen.periods, new Set(expected.map((alert) => alert.period)).size);
        for (const store of stores)
          seen.withdrawn += (await store.listAlerts("acme")).filter(
            (alert) => alert.state === "withdrawn",
          ).length;
      }),
      { numRuns: RUNS },
    );
    expect(seen.fired).toBeGreaterThan(0);
    expect(seen.periods).toBe(2);
    expect(seen.withdrawn).toBeGreaterThan(0);
  }, 120_000);
});
