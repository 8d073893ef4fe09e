import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { LutinError } from "../errors.js";
import type { CoreEventMap } from "../events/event-bus.js";
import { parseInboundEvent } from "../events/inbound-event.js";
import type { FiredAlert } from "../quota/types.js";
import { createMemoryStore } from "../store/memory-store.js";
import type { Store, ThreadAppend, ThreadCommit } from "../store/store.js";
import { ConversationCounter } from "./counter.js";
import { action, assistant, at, customer, event, fixedBilling } from "./scenario.test-support.js";

function setup(options: { store?: Store; allowance?: number; maxEvents?: number } = {}) {
  const store = options.store ?? createMemoryStore();
  const clock = new ManualClock(at(0));
  const counter = new ConversationCounter({
    store,
    clock,
    billing: fixedBilling(options.allowance ?? 100),
    ...(options.maxEvents
      ? { compaction: { maxEvents: options.maxEvents, lateEventHorizonMs: 30 * 60_000 } }
      : {}),
  });
  const seen: { name: keyof CoreEventMap; payload: unknown }[] = [];
  for (const name of [
    "conversation-opened",
    "conversation-ended",
    "conversation-counted",
    "conversation-count-reversed",
    "conversation-merged",
    "quota-threshold-crossed",
    "quota-alert-withdrawn",
    "event-too-late",
  ] as const) {
    counter.events.on(name, (payload) => seen.push({ name, payload }));
  }
  return { store, clock, counter, seen, names: () => seen.map((entry) => entry.name) };
}

describe("ConversationCounter", () => {
  it("C7: books one ledger row when the first reply is delivered and announces it", async () => {
    const { counter, store, names } = setup();
    await counter.ingest(customer(0));
    const reply = await counter.ingest(assistant(1));
    await counter.ingest(assistant(2));
    expect(reply.ledger).toHaveLength(1);
    expect(reply.ledger[0]).toMatchObject({ kind: "count", delta: 1, period: "2026-03-01", plan: "starter" });
    expect(await store.listLedger({ tenant: "acme" })).toHaveLength(1);
    expect(names()).toEqual(["conversation-opened", "conversation-counted"]);
  });

  it("C11: a duplicate key is answered as duplicate and changes nothing", async () => {
    const { counter, store } = setup();
    const message = customer(0);
    await counter.ingest(message);
    const reply = assistant(1);
    await counter.ingest(reply);
    expect((await counter.ingest(reply)).status).toBe("duplicate");
    expect((await counter.ingest({ ...message })).status).toBe("duplicate");
    expect(await store.listLedger({ tenant: "acme" })).toHaveLength(1);
    expect((await store.listConversations({ tenant: "acme" }))[0]?.messageCount).toBe(2);
  });

  it("C11: a key is recorded only once processed, so a retry after a failed attempt is processed", async () => {
    const inner = createMemoryStore();
    let failNext = true;
    const failOnce = () => {
      if (!failNext) return false;
      failNext = false;
      return true;
    };
    // Both write paths: a whole thread record, and the append fast path.
    const flaky: Store = Object.assign(Object.create(inner) as Store, {
      commitThread: (commit: ThreadCommit) =>
        failOnce()
          ? Promise.reject(new LutinError("STORE_WRITE_FAILED", "disk full"))
          : inner.commitThread(commit),
      appendToThread: (append: ThreadAppend) =>
        failOnce()
          ? Promise.reject(new LutinError("STORE_WRITE_FAILED", "disk full"))
          : inner.appendToThread?.(append),
    });
    const { counter } = setup({ store: flaky });
    const message = customer(0);
    await expect(counter.ingest(message)).rejects.toThrow("disk full");
    expect(await inner.isProcessed(parseInboundEvent(message))).toBe(false);
    expect((await counter.ingest(message)).status).toBe("processed");
    expect(await inner.listConversations({ tenant: "acme" })).toHaveLength(1);
  });

  it("C12: the store refuses a second ledger row with the same id and writes nothing of that commit", async () => {
    const { counter, store } = setup();
    await counter.ingest(customer(0));
    const { ledger } = await counter.ingest(assistant(1));
    const thread = await store.getThread(
      (await store.listConversations({ tenant: "acme" }))[0]?.threadKey ?? "",
    );
    const attempt = store.commitThread({
      thread: thread as NonNullable<typeof thread>,
      conversations: [],
      ledger,
      processed: { tenant: "acme", channel: "web", thread: thread?.thread ?? "", key: "other", at: at(2) },
    });
    await expect(attempt).rejects.toSatisfy((error) => LutinError.isInstance(error, "LEDGER_ENTRY_EXISTS"));
    expect(
      await store.isProcessed({ tenant: "acme", channel: "web", thread: thread?.thread ?? "", key: "other" }),
    ).toBe(false);
  });

  it("C12: two events of one thread sent at once never open two conversations", async () => {
    const { counter, store } = setup();
    await Promise.all(
      [customer(0), customer(0, "Hello?"), customer(0, "Anyone?")].map((e) => counter.ingest(e)),
    );
    expect(await store.listConversations({ tenant: "acme" })).toHaveLength(1);
  });

  it("C13: a late event bridging a gap merges the two conversations with a reversal row", async () => {
    const { counter, store, names } = setup();
    await counter.ingest(customer(0));
    await counter.ingest(assistant(1));
    await counter.ingest(customer(50, "Still waiting for my parcel"));
    const second = await counter.ingest(assistant(51));
    expect(second.ledger[0]?.kind).toBe("count");
    // Arrives last but happened at minute 25: no gap over 30 minutes any more.
    const late = await counter.ingest(customer(25, "Any news?"));

    const conversations = await store.listConversations({ tenant: "acme" });
    const survivor = conversations.find((c) => c.mergedInto === null);
    const merged = conversations.find((c) => c.mergedInto !== null);
    expect(survivor).toMatchObject({ openReason: "first_message", counted: true, countedAt: at(1) });
    expect(merged).toMatchObject({ mergedInto: survivor?.id, counted: false, notCountedReason: "merged" });
    expect(late.ledger).toEqual([
      expect.objectContaining({ kind: "reversal", delta: -1, conversationId: merged?.id, reason: "merged" }),
    ]);
    const ledger = await store.listLedger({ tenant: "acme" });
    expect(ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(1);
    expect(ledger).toHaveLength(3); // two counts and one reversal: nothing edited
    expect(names()).toContain("conversation-merged");
  });

  it("C7: a delivery failure learnt after the count reverses it and moves the count to the next delivered reply", async () => {
    const { counter, store } = setup();
    await counter.ingest(customer(0));
    await counter.ingest(assistant(1, { key: "reply-1" }));
    await counter.ingest(assistant(2, { key: "reply-2" }));
    const failure = await counter.ingest(action("delivery_failed", 3, { ref: "reply-1" }));
    expect(failure.ledger.map((row) => [row.kind, row.reason])).toEqual([
      ["reversal", "delivery_failed"],
      ["count", null],
    ]);
    const [conversation] = await store.listConversations({ tenant: "acme" });
    expect(conversation).toMatchObject({ counted: true, countedBy: "reply-2", countedAt: at(2) });
  });

  it("C2/C8: settle ends idle conversations at last activity + 30 min and cancels unanswered ones", async () => {
    const { counter, store, clock } = setup();
    await store.putTenant({
      id: "acme",
      name: "Acme",
      timeZone: "UTC",
      subscription: {
        startedAt: at(0),
        anchorDay: 1,
        planChanges: [{ plan: "starter", effectiveAt: at(0), requestedAt: at(0) }],
      },
      addOns: [],
      alertThresholds: [80, 90, 100],
    });
    await counter.ingest(customer(0));
    clock.set(at(30));
    expect(await counter.settle()).toEqual([]);
    clock.set(at(45));
    const [ended] = await counter.settle();
    expect(ended).toMatchObject({ endReason: "inactivity", endedAt: at(30), notCountedReason: "cancelled" });
    expect((await store.listConversations({ tenant: "acme" }))[0]?.endReason).toBe("inactivity");
  });

  it("Q5, C13: each alert fires once per crossing of the ledger; a reversal withdraws it, reaching it again re-fires it", async () => {
    const { counter, store, seen } = setup({ allowance: 10 });
    for (let index = 0; index < 10; index++) {
      const thread = `visitor-${index}`;
      await counter.ingest(customer(index, "hi", { thread }));
      await counter.ingest(assistant(index + 0.5, { thread, key: `reply-${index}` }));
    }
    const alerts = seen
      .filter((entry) => entry.name === "quota-threshold-crossed")
      .map((entry) => entry.payload);
    expect(alerts).toEqual([
      { alert: expect.objectContaining({ threshold: 80, used: 8 }) },
      { alert: expect.objectContaining({ threshold: 90, used: 9 }) },
      { alert: expect.objectContaining({ threshold: 100, used: 10 }) },
    ]);
    // Failures learnt late pull usage down to 7: the ledger no longer reaches 80 %, the alerts are withdrawn
    // (C13), 100 first; counting back up to 10 reaches them again, at the count moments of the new rows.
    for (let index = 0; index < 3; index++) {
      await counter.ingest(
        action("delivery_failed", 20, { thread: `visitor-${index}`, ref: `reply-${index}` }),
      );
    }
    for (let index = 10; index < 13; index++) {
      const thread = `visitor-${index}`;
      await counter.ingest(customer(30 + index, "hi", { thread }));
      await counter.ingest(assistant(30.5 + index, { thread }));
    }
    const ledger = await store.listLedger({ tenant: "acme" });
    expect(ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(10);
    const withdrawn = seen.filter((entry) => entry.name === "quota-alert-withdrawn");
    expect(withdrawn.map((entry) => (entry.payload as { alert: FiredAlert }).alert)).toEqual(
      [100, 90, 80].map((threshold) =>
        expect.objectContaining({ threshold, state: "withdrawn", withdrawnAt: expect.any(Number) }),
      ),
    );
    expect(
      (await store.listAlerts("acme")).map(({ threshold, at: instant, state }) => ({
        threshold,
        instant,
        state,
      })),
    ).toEqual([
      { threshold: 80, instant: at(40.5), state: "fired" },
      { threshold: 90, instant: at(41.5), state: "fired" },
      { threshold: 100, instant: at(42.5), state: "fired" },
    ]);
    expect(seen.filter((entry) => entry.name === "quota-threshold-crossed")).toHaveLength(6);
  });

  it("C13: compaction keeps the log bounded and reports events older than the horizon as too late", async () => {
    const { counter, store, names } = setup({ maxEvents: 20 });
    for (let minute = 0; minute < 200; minute += 5) {
      await counter.ingest(customer(minute, `message ${minute}`));
      await counter.ingest(assistant(minute + 1));
    }
    const [conversation] = await store.listConversations({ tenant: "acme" });
    const thread = await store.getThread(conversation?.threadKey ?? "");
    expect(thread?.events.length).toBeLessThanOrEqual(21);
    expect(thread?.horizon).not.toBeNull();
    expect(conversation).toMatchObject({ messageCount: 80, counted: true });
    const tooLate = await counter.ingest(event({ at: at(1, 30), from: "customer", text: "old" }));
    expect(tooLate.status).toBe("too_late");
    expect(names()).toContain("event-too-late");
  });

  it("C13: a log past maxEvents that compaction cannot shorten (all within the horizon) is appended to, not rewritten whole", async () => {
    const inner = createMemoryStore();
    const writes = { whole: 0, appended: 0 };
    const store: Store = {
      ...inner,
      commitThread: (commit: ThreadCommit) => {
        writes.whole += 1;
        return inner.commitThread(commit);
      },
      appendToThread: (append: ThreadAppend) => {
        writes.appended += 1;
        return inner.appendToThread?.(append) as Promise<boolean>;
      },
    };
    const { counter } = setup({ store, maxEvents: 20 });
    // 60 events in 30 seconds: the horizon (30 minutes here) keeps every one of them.
    for (let second = 0; second < 30; second++) {
      await counter.ingest(event({ at: at(0, second), from: "customer", text: `message ${second}` }));
      await counter.ingest(event({ at: at(0, second, 500), from: "assistant", text: "Here it is." }));
    }
    expect(writes).toEqual({ whole: 0, appended: 60 });
    const [conversation] = await inner.listConversations({ tenant: "acme" });
    expect(conversation).toMatchObject({ messageCount: 60, counted: true });
    expect((await inner.getThread(conversation?.threadKey ?? ""))?.events).toHaveLength(60);
  });

  it("rejects a malformed event with a message naming the field", async () => {
    const { counter } = setup();
    await expect(counter.ingest({ key: "x", thread: "t", at: "yesterday" })).rejects.toThrow(/at: /);
    await expect(counter.ingest({ key: "x", thread: "t", at: 1 })).rejects.toThrow(/from: a message needs/);
  });
});
