import {
  type BillingView,
  ConversationCounter,
  type ConversationRecord,
  countConversationsBatch,
  type InboundEvent,
  parseInboundEvent,
} from "@lutingenie/core";
import { expect } from "vitest";
import type { PostgresStore } from "./postgres-store.js";

/*
 * One scenario for the tests of several processes on one database: the in-process one (several pools)
 * and the one with real child processes (across-processes-child.ts) build the same events from here.
 */

const T0 = Date.parse("2026-03-10T09:00:00.000Z");
const MINUTE = 60_000;

export const utcMonth: BillingView = {
  periodOf(instant) {
    const date = new Date(instant);
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}-01`;
  },
  planAt: () => "starter",
};

export const billing = {
  forTenant: () => ({ ...utcMonth, allowanceAt: () => 1_000_000, alertThresholds: [80, 90, 100] }),
};

/**
 * Per thread: a question and its answer, a follow-up, a gap of more than 30 minutes (C2: a new
 * conversation), another question with its answer, a close (C3), and one last question with no answer
 * (C8): two counted conversations and one open, never counted.
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

export function scenarioEvents(threads: number): InboundEvent[] {
  return Array.from({ length: threads }, (_, thread) => threadEvents(thread)).flat();
}

/** Deterministic shuffle (a linear congruential generator), so that a failure can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let index = result.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

/** What one process does: every event twice, in its own order, all at once; the keys it processed. */
export async function feedCounter(
  store: PostgresStore,
  events: InboundEvent[],
  seed: number,
): Promise<string[]> {
  const counter = new ConversationCounter({ store, billing, compaction: { maxEvents: 10_000 } });
  const processed: string[] = [];
  await Promise.all(
    shuffled([...events, ...events], seed).map(async (event) => {
      const result = await counter.ingestEvent(event);
      if (result.status === "processed") processed.push(event.key);
    }),
  );
  return processed;
}

function essence(conversation: ConversationRecord) {
  const { id, mode, openedAt, openReason, endReason, counted, countedAt, messageCount } = conversation;
  return { id, mode, openedAt, openReason, endReason, counted, countedAt, messageCount };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * C11–C13: each key processed by exactly one process; the stored conversations are the batch function's
 * over the set of events; the ledger nets 1 per counted conversation and 0 for the others.
 */
export async function expectSameAsBatch(
  store: PostgresStore,
  events: InboundEvent[],
  processedByEachProcess: string[][],
): Promise<void> {
  const times = new Map<string, number>();
  for (const key of processedByEachProcess.flat()) times.set(key, (times.get(key) ?? 0) + 1);
  for (const event of events) expect(times.get(event.key), event.key).toBe(1);

  const live = (await store.listConversations({ tenant: "acme" }))
    .filter((conversation) => conversation.mergedInto === null)
    .map(essence)
    .sort(byId);
  const batch = (
    await countConversationsBatch(events, { now: Number.NEGATIVE_INFINITY, billingOf: () => utcMonth })
  )
    .map(essence)
    .sort(byId);
  expect(live).toEqual(batch);
  const ledger = await store.listLedger({ tenant: "acme" });
  expect(new Set(ledger.map((row) => row.id)).size).toBe(ledger.length);
  const net = new Map<string, number>();
  for (const row of ledger) net.set(row.conversationId, (net.get(row.conversationId) ?? 0) + row.delta);
  for (const conversation of batch) {
    expect(net.get(conversation.id) ?? 0, conversation.id).toBe(conversation.counted ? 1 : 0);
  }
  const threads = new Set(events.map((event) => event.thread)).size;
  expect(batch.filter((conversation) => conversation.counted)).toHaveLength(2 * threads);
}
