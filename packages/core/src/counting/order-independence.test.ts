import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundEvent } from "../events/inbound-event.js";
import type { LedgerEntry } from "../quota/types.js";
import { createMemoryStore } from "../store/memory-store.js";
import type { Store } from "../store/store.js";
import { countConversationsBatch } from "./batch.js";
import type { ConversationRecord } from "./conversation.js";
import { ConversationCounter } from "./counter.js";
import { at, fixedBilling, T0, utcMonthBilling } from "./scenario.test-support.js";

/**
 * C11–C13 as properties: for random sets of events, the live engine — fed in any order, with
 * duplicates, sequentially or all at once — ends with the same conversations and net counts as the
 * pure batch function over the set.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);
const NO_SETTLE = Number.NEGATIVE_INFINITY;

const TEXTS = [
  "Where is my order?",
  "#12345",
  "ok",
  "thanks, that solved it",
  "Another question: do you ship to Canada?",
  "Can I return shoes bought on sale?",
  "My invoice is wrong",
  null,
];

type EventSpec = {
  thread: number;
  minute: number;
  second: number;
  kind: "customer" | "assistant" | "agent" | "system" | "close" | "resolve" | "handoff" | "failed" | "noise";
  text: number;
  related: boolean | null;
  origin: "live" | "test";
  ref: number;
};

const eventSpec: fc.Arbitrary<EventSpec> = fc.record({
  thread: fc.integer({ min: 0, max: 2 }),
  // Three hours with gaps long enough to split, short enough to bridge: C2 decides often.
  minute: fc.integer({ min: 0, max: 180 }),
  second: fc.integer({ min: 0, max: 59 }),
  kind: fc.constantFrom(
    "customer",
    "customer",
    "customer",
    "customer",
    "assistant",
    "assistant",
    "assistant",
    "agent",
    "system",
    "close",
    "resolve",
    "handoff",
    "failed",
    "noise",
  ),
  text: fc.integer({ min: 0, max: TEXTS.length - 1 }),
  related: fc.constantFrom(null, null, true, false),
  origin: fc.constantFrom("live", "live", "live", "live", "test"),
  ref: fc.nat(),
});

/**
 * Turns specs into valid events with unique keys; delivery failures point at earlier replies, at any
 * time, or (`failuresNearMessage`) within a minute of the reply, as channels report them.
 */
function toEvents(specs: EventSpec[], failuresNearMessage = false): InboundEvent[] {
  const replies: string[] = [];
  const replyTimes = new Map<string, number>();
  return specs.map((spec, index) => {
    const key = `k${index}`;
    const base = {
      key,
      tenant: "acme",
      channel: "web",
      thread: `visitor-${spec.thread}`,
      at: at(spec.minute, spec.second),
      receivedAt: at(spec.minute, spec.second),
      origin: spec.origin,
    };
    const text = TEXTS[spec.text] ?? undefined;
    switch (spec.kind) {
      case "customer":
        return {
          ...base,
          kind: "message",
          from: "customer",
          ...(text !== undefined ? { text } : {}),
          ...(spec.related !== null ? { related: spec.related } : {}),
        } as InboundEvent;
      case "assistant":
      case "agent":
        replies.push(key);
        replyTimes.set(key, base.at);
        return { ...base, kind: "message", from: spec.kind, text: "reply" } as InboundEvent;
      case "system":
        return { ...base, kind: "message", from: "system", text: "notice" } as InboundEvent;
      case "failed": {
        const ref = replies.length > 0 ? (replies[spec.ref % replies.length] as string) : "k-missing";
        const replyAt = replyTimes.get(ref);
        const failedAt =
          failuresNearMessage && replyAt !== undefined ? replyAt + spec.second * 1000 : base.at;
        return { ...base, at: failedAt, receivedAt: failedAt, kind: "delivery_failed", ref } as InboundEvent;
      }
      case "noise":
        return { ...base, kind: spec.ref % 2 === 0 ? "admin" : "edit", from: "customer" } as InboundEvent;
      default:
        return { ...base, kind: spec.kind, from: "customer" } as InboundEvent;
    }
  });
}

/** The facts of a conversation that must not depend on arrival order. */
function essence(conversation: ConversationRecord) {
  const { id, mode, openedAt, openReason, endReason, endedAt, counted, countedAt, notCountedReason } =
    conversation;
  return {
    id,
    mode,
    openedAt,
    openReason,
    endReason,
    endedAt,
    counted,
    countedAt,
    notCountedReason,
    linked: conversation.linkedConversationId,
    period: conversation.period,
    reopened: conversation.reopenedAt,
    messages: conversation.messageCount,
  };
}

const ACME = {
  id: "acme",
  name: "Acme",
  timeZone: "UTC",
  subscription: {
    startedAt: T0,
    anchorDay: 1,
    planChanges: [{ plan: "starter", effectiveAt: T0, requestedAt: T0 }],
  },
  addOns: [],
  alertThresholds: [80, 90, 100],
};

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function batchResult(events: InboundEvent[], now = NO_SETTLE) {
  const conversations = await countConversationsBatch(events, { now, billingOf: () => utcMonthBilling });
  return conversations.map(essence).sort(byId);
}

async function liveState(store: Store) {
  const conversations = (await store.listConversations({ tenant: "acme" })).filter(
    (c) => c.mergedInto === null,
  );
  const ledger = await store.listLedger({ tenant: "acme" });
  return { conversations: conversations.map(essence).sort(byId), ledger };
}

/** The ledger's own invariants: unique ids, every conversation's net count 0 or 1, equal to `counted`. */
function expectLedgerMatches(ledger: LedgerEntry[], conversations: ReturnType<typeof essence>[]) {
  expect(new Set(ledger.map((row) => row.id)).size).toBe(ledger.length);
  const net = new Map<string, number>();
  for (const row of ledger) net.set(row.conversationId, (net.get(row.conversationId) ?? 0) + row.delta);
  for (const value of net.values()) expect([0, 1]).toContain(value);
  for (const conversation of conversations)
    expect(net.get(conversation.id) ?? 0).toBe(conversation.counted ? 1 : 0);
  const countedIds = [...net].filter(([, value]) => value === 1).map(([id]) => id);
  expect(countedIds.sort()).toEqual(conversations.filter((c) => c.counted).map((c) => c.id));
}

function newCounter(store: Store) {
  return new ConversationCounter({
    store,
    billing: fixedBilling(1_000_000),
    // Compaction is exercised in its own test; here every event stays mergeable.
    compaction: { maxEvents: 10_000 },
  });
}

const arrivals = fc.array(eventSpec, { minLength: 1, maxLength: 40 }).chain((specs) =>
  fc.record({
    specs: fc.constant(specs),
    order: fc.shuffledSubarray(
      specs.map((_, index) => index),
      { minLength: specs.length, maxLength: specs.length },
    ),
    duplicates: fc.array(fc.nat({ max: specs.length - 1 }), { maxLength: 10 }),
  }),
);

describe("order independence, duplicates and concurrency (C11–C13)", () => {
  it("C13: the live engine fed in any order equals the batch function over the same events", async () => {
    await fc.assert(
      fc.asyncProperty(arrivals, async ({ specs, order, duplicates }) => {
        const events = toEvents(specs);
        const store = createMemoryStore();
        const counter = newCounter(store);
        const arrival = [...order, ...duplicates].map((index) => events[index] as InboundEvent);
        for (const event of arrival) await counter.ingest(event);
        const live = await liveState(store);
        expect(live.conversations).toEqual(await batchResult(events));
        expectLedgerMatches(live.ledger, live.conversations);
      }),
      { numRuns: RUNS },
    );
  });

  it("C12: events replayed all at once, duplicates included, give the same result as the batch function", async () => {
    await fc.assert(
      fc.asyncProperty(arrivals, async ({ specs, order, duplicates }) => {
        const events = toEvents(specs);
        const store = createMemoryStore();
        const counter = newCounter(store);
        const arrival = [...order, ...duplicates, ...order].map((index) => events[index] as InboundEvent);
        const results = await Promise.all(arrival.map((event) => counter.ingest(event)));
        // C11: each key is processed exactly once, whatever the number of copies in flight.
        expect(results.filter((result) => result.status === "processed")).toHaveLength(events.length);
        const live = await liveState(store);
        expect(live.conversations).toEqual(await batchResult(events));
        expectLedgerMatches(live.ledger, live.conversations);
      }),
      { numRuns: RUNS },
    );
  });

  it("C11: replaying every event a second time changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(arrivals, async ({ specs, order }) => {
        const events = toEvents(specs);
        const store = createMemoryStore();
        const counter = newCounter(store);
        for (const index of order) await counter.ingest(events[index]);
        const first = await liveState(store);
        for (const event of events) expect((await counter.ingest(event)).status).toBe("duplicate");
        expect(await liveState(store)).toEqual(first);
      }),
      { numRuns: RUNS },
    );
  });

  it("C13: compacting threads' logs (events in order) changes no result", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventSpec, { minLength: 1, maxLength: 60 }), async (specs) => {
        // Compaction forgets messages older than the horizon: their failures must be reported before that.
        const events = toEvents(specs, true);
        const store = createMemoryStore();
        const counter = new ConversationCounter({
          store,
          billing: fixedBilling(1_000_000),
          compaction: { maxEvents: 4, lateEventHorizonMs: 10 * 60_000 },
        });
        const sorted = [...events].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
        for (const event of sorted) expect((await counter.ingest(event)).status).toBe("processed");
        const live = await liveState(store);
        expect(live.conversations).toEqual(await batchResult(events));
        expectLedgerMatches(live.ledger, live.conversations);
      }),
      { numRuns: RUNS },
    );
  });

  it("C2: settling the live engine at an instant equals the batch function read at that instant", async () => {
    await fc.assert(
      fc.asyncProperty(arrivals, fc.integer({ min: 0, max: 240 }), async ({ specs, order }, minute) => {
        const events = toEvents(specs);
        const store = createMemoryStore();
        await store.putTenant(ACME);
        const counter = newCounter(store);
        for (const index of order) await counter.ingest(events[index]);
        await counter.settle(at(minute));
        const live = await liveState(store);
        expect(live.conversations).toEqual(await batchResult(events, at(minute)));
      }),
      { numRuns: RUNS },
    );
  });

  it("C13: the batch function itself ignores order and duplication", async () => {
    await fc.assert(
      fc.asyncProperty(arrivals, async ({ specs, order, duplicates }) => {
        const events = toEvents(specs);
        const shuffled = [...order, ...duplicates].map((index) => events[index] as InboundEvent);
        const now = T0 + 5 * 3_600_000;
        expect(await batchResult(shuffled, now)).toEqual(await batchResult(events, now));
      }),
      { numRuns: RUNS },
    );
  });
});
