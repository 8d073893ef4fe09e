import {
  type BillingView,
  ConversationCounter,
  type ConversationRecord,
  countConversationsBatch,
  type InboundEvent,
  parseInboundEvent,
} from "@lutingenie/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;
const stores: PostgresStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const store of stores.splice(0)) await store.close();
  await database?.drop();
});

const T0 = Date.parse("2026-03-10T09:00:00.000Z");
const MINUTE = 60_000;

const utcMonth: BillingView = {
  periodOf(instant) {
    const date = new Date(instant);
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}-01`;
  },
  planAt: () => "starter",
};
const billing = {
  forTenant: () => ({ ...utcMonth, allowanceAt: () => 1_000_000, alertThresholds: [80, 90, 100] }),
};

/**
 * Per thread: a question and its answer, a follow-up, a gap of more than 30 minutes (C2: a new
 * conversation), another question with its answer, a close (C3), and one last question with no answer (C8).
 */
function threadEvents(thread: number): InboundEvent[] {
  const visitor = `visitor-${thread}`;
  const event = (key: string, minutes: number, fields: Record<string, unknown>) =>
    parseInboundEvent({
      key: `${visitor}-${key}`,
      tenant: "acme",
      channel: "web",
      thread: visitor,
      at: T0 + minutes * MINUTE + thread,
      ...fields,
    });
  return [
    event("q1", 0, { from: "customer", text: "Where is my order?" }),
    event("a1", 1, { from: "assistant", text: "It left yesterday." }),
    event("q2", 3, { from: "customer", text: "#12345" }),
    event("a2", 4, { from: "assistant", text: "Thanks, it arrives Friday." }),
    event("q3", 50, { from: "customer", text: "Can I return shoes bought on sale?" }),
    event("a3", 51, { from: "assistant", text: "Yes, within 30 days." }),
    event("close", 52, { kind: "close", from: "customer" }),
    event("q4", 60, { from: "customer", text: "My invoice is wrong" }),
  ];
}

function essence(conversation: ConversationRecord) {
  const { id, mode, openedAt, openReason, endReason, counted, countedAt, messageCount } = conversation;
  return { id, mode, openedAt, openReason, endReason, counted, countedAt, messageCount };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let index = result.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe("the counter on several processes sharing one database", () => {
  it("C11–C13: three counters fed the same events at once, duplicated and shuffled, end as the batch function: one count per conversation", async () => {
    const events = Array.from({ length: 12 }, (_, thread) => threadEvents(thread)).flat();
    const processes = await Promise.all(
      [1, 2, 3].map(async () => {
        const store = await createPostgresStore({ connectionString: database.url, poolSize: 4 });
        stores.push(store);
        return new ConversationCounter({ store, billing, compaction: { maxEvents: 10_000 } });
      }),
    );
    const statuses = new Map<string, number>();
    await Promise.all(
      processes.map((counter, index) =>
        Promise.all(
          shuffled([...events, ...events], index + 7).map(async (event) => {
            const result = await counter.ingestEvent(event);
            if (result.status === "processed") statuses.set(event.key, (statuses.get(event.key) ?? 0) + 1);
          }),
        ),
      ),
    );
    // C11: every event processed exactly once across the three processes.
    for (const event of events) expect(statuses.get(event.key), event.key).toBe(1);

    const reader = stores[0] as PostgresStore;
    const live = (await reader.listConversations({ tenant: "acme" }))
      .filter((conversation) => conversation.mergedInto === null)
      .map(essence)
      .sort(byId);
    const batch = (
      await countConversationsBatch(events, { now: Number.NEGATIVE_INFINITY, billingOf: () => utcMonth })
    )
      .map(essence)
      .sort(byId);
    expect(live).toEqual(batch);
    // C12, C13: the ledger's net count per conversation is 1 for the counted ones and 0 for the others.
    const ledger = await reader.listLedger({ tenant: "acme" });
    expect(new Set(ledger.map((row) => row.id)).size).toBe(ledger.length);
    const net = new Map<string, number>();
    for (const row of ledger) net.set(row.conversationId, (net.get(row.conversationId) ?? 0) + row.delta);
    for (const conversation of batch)
      expect(net.get(conversation.id) ?? 0, conversation.id).toBe(conversation.counted ? 1 : 0);
    expect(batch.filter((conversation) => conversation.counted)).toHaveLength(24);
  });
});
