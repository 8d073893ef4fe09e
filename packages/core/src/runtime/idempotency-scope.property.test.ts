import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from "../adapters/channel-adapter.js";
import type { EmotionDetector } from "../assistant/emotion.js";
import type { LanguageDetector } from "../assistant/language.js";
import { ManualClock } from "../clock.js";
import { countConversationsBatch } from "../counting/batch.js";
import { createEmotionDetector } from "../emotion/index.js";
import { LutinError } from "../errors.js";
import { type InboundEvent, parseInboundEvent } from "../events/inbound-event.js";
import { createLanguageDetector } from "../language/index.js";
import { openLowdbStore } from "../store/lowdb-store.js";
import { createMemoryStore } from "../store/memory-store.js";
import type { Store } from "../store/store.js";
import { fuzzRuns } from "../testing/fuzz-runs.js";
import { createLutinRuntime } from "./runtime.js";
import { DEMO_TENANT_FILE, type LoadedTenant, loadTenantFile } from "./tenant-file.js";

/*
 * C11 as a property, through the wired runtime: idempotency keys are scoped by (tenant, channel, thread).
 * On the web the client chooses its message ids, so any id may turn up in any thread: a message whose
 * (tenant, channel, thread, id) was never seen is processed, answered and its conversation counted; the
 * very same (tenant, channel, thread, id) again changes nothing. Before the thread was part of the scope
 * a new visitor reusing another's ids was answered and never counted.
 */

// A Monday at 10:00 in Paris: the demo shop is open.
const START = Date.UTC(2026, 0, 12, 9, 0);
const TENANTS = ["demo-shop", "other-shop"] as const;
const CHANNELS = ["web", "chat"] as const;
const THREADS = ["visitor-a", "visitor-b", "visitor-c"] as const;
const IDS = ["m1", "m2", "m3"] as const;

class Channel implements ChannelAdapter {
  readonly sent: OutboundMessage[] = [];
  constructor(readonly channel: string) {}
  async start() {}
  async stop() {}
  async send(message: OutboundMessage): Promise<DeliveryResult> {
    this.sent.push(message);
    return { ok: true, deliveredAt: START };
  }
}

interface Message {
  tenant: number;
  channel: number;
  thread: number;
  id: number;
}

const message: fc.Arbitrary<Message> = fc.record({
  tenant: fc.nat(TENANTS.length - 1),
  channel: fc.nat(CHANNELS.length - 1),
  thread: fc.nat(THREADS.length - 1),
  id: fc.nat(IDS.length - 1),
});
/** Few values per part, so the same id collides across threads, channels and tenants in nearly every case. */
const messages = fc.array(message, { minLength: 1, maxLength: 24 });

const partsOf = (m: Message) => ({
  tenant: TENANTS[m.tenant] as string,
  channel: CHANNELS[m.channel] as string,
  thread: THREADS[m.thread] as string,
  key: IDS[m.id] as string,
});
const scopeOf = (m: Message) => `${m.tenant}/${m.channel}/${m.thread}/${m.id}`;
const threadOf = (m: Message) => `${m.tenant}/${m.channel}/${m.thread}`;

/** Every message of a thread lands within minutes of the first: one conversation per thread (C5). */
const QUESTION = "What is your return policy?";

let demoTenant: LoadedTenant;
let languageDetector: LanguageDetector;
let emotionDetector: EmotionDetector;
let dataDirs: string[] = [];

beforeAll(async () => {
  demoTenant = await loadTenantFile(DEMO_TENANT_FILE);
  languageDetector = await createLanguageDetector();
  emotionDetector = createEmotionDetector();
});

afterAll(async () => {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  dataDirs = [];
});

async function runtimeOver(store: Store) {
  const clock = new ManualClock(START);
  const other: LoadedTenant = { ...demoTenant, settings: { ...demoTenant.settings, id: "other-shop" } };
  const runtime = await createLutinRuntime({
    store,
    tenants: [demoTenant, other],
    clock,
    languageDetector,
    emotionDetector,
  });
  const channels = CHANNELS.map((name) => new Channel(name));
  for (const channel of channels) runtime.assistant.connect(channel);
  return { runtime, clock, channels };
}

/** Sends the messages in order, 10 s apart; checks each outcome and the ledger against the model. */
async function checkThroughRuntime(store: Store, sent: Message[]): Promise<void> {
  const { runtime, clock, channels } = await runtimeOver(store);
  const seen = new Set<string>();
  for (const m of sent) {
    clock.advance(10_000);
    const parts = partsOf(m);
    const outcome = await runtime.assistant.receive(channels[m.channel] as Channel, {
      ...parts,
      from: "customer",
      at: clock.now(),
      text: QUESTION,
    });
    const first = !seen.has(scopeOf(m));
    seen.add(scopeOf(m));
    // Never seen in its own thread: answered and its conversation counted (C7); seen: nothing new (C11).
    expect(outcome.status, `${scopeOf(m)} ${first ? "first" : "again"}`).toBe(
      first ? "answered" : "duplicate",
    );
    if (first) expect(outcome.conversation?.counted).toBe(true);
  }
  const replies = channels.flatMap((channel) => channel.sent);
  expect(replies).toHaveLength(seen.size);
  for (const [index, tenant] of TENANTS.entries()) {
    const threads = new Set(sent.filter((m) => m.tenant === index).map(threadOf));
    const rows = await store.listLedger({ tenant });
    // One conversation per thread, counted once: the tenant's usage is its number of threads.
    expect(rows.filter((row) => row.kind === "count")).toHaveLength(threads.size);
    expect(new Set(rows.map((row) => row.conversationId)).size).toBe(threads.size);
  }
  await runtime.assistant.stop();
}

describe("C11: idempotency keys are scoped by (tenant, channel, thread)", () => {
  it("the runtime (memory store) answers and counts every distinct (tenant, channel, thread, id) once, a repeat never", async () => {
    await fc.assert(
      fc.asyncProperty(messages, async (sent) => {
        await checkThroughRuntime(createMemoryStore(), sent);
      }),
      { numRuns: fuzzRuns(40) },
    );
  });

  it("the runtime (lowdb store) does the same", async () => {
    await fc.assert(
      fc.asyncProperty(messages, async (sent) => {
        const dataDir = await mkdtemp(join(tmpdir(), "lutin-scope-"));
        dataDirs.push(dataDir);
        const store = await openLowdbStore({ dataDir });
        try {
          await checkThroughRuntime(store, sent);
        } finally {
          await store.close();
        }
      }),
      { numRuns: fuzzRuns(10) },
    );
  });

  it("a visitor reusing another visitor's message ids is answered and counted (the reported bypass)", async () => {
    const store = createMemoryStore();
    const { runtime, clock, channels } = await runtimeOver(store);
    const web = channels[0] as Channel;
    const say = (thread: string, key: string) => {
      clock.advance(10_000);
      return runtime.assistant.receive(web, {
        key,
        tenant: "demo-shop",
        thread,
        from: "customer",
        at: clock.now(),
        text: QUESTION,
      });
    };
    await say("visitor-a", "1");
    for (let visitor = 0; visitor < 5; visitor++) {
      const outcome = await say(`newcomer-${visitor}`, "1");
      expect(outcome.status).toBe("answered");
      expect(outcome.conversation?.counted).toBe(true);
    }
    expect(await store.ledgerTotals({ tenant: "demo-shop", period: "2026-01-12" })).toEqual({
      ai: 6,
      human: 0,
    });
    await runtime.assistant.stop();
  });

  it("a reply key is its thread's own: a message id shaped like one is refused, and never pre-empts a count", async () => {
    const store = createMemoryStore();
    const { runtime, clock, channels } = await runtimeOver(store);
    const web = channels[0] as Channel;
    const say = (thread: string, key: string) =>
      runtime.assistant.receive(web, {
        key,
        tenant: "demo-shop",
        thread,
        from: "customer",
        at: clock.now(),
        text: QUESTION,
      });
    // Booked before its message is sent, `reply:m2` would make m2's reply a duplicate: answered, uncounted.
    await expect(say("visitor-a", "reply:m2")).rejects.toSatisfy((error) =>
      LutinError.isInstance(error, "EVENT_INVALID"),
    );
    await say("visitor-a", "m1");
    clock.advance(31 * 60_000); // C2: a new conversation
    const second = await say("visitor-a", "m2");
    expect(second.status).toBe("answered");
    expect(second.conversation?.counted).toBe(true);
    expect(
      (await store.listLedger({ tenant: "demo-shop" })).filter((row) => row.kind === "count"),
    ).toHaveLength(2);
    // Another thread's message m2 is answered and counted on its own, with a reply key of its own thread.
    const elsewhere = await say("visitor-b", "m2");
    expect(elsewhere.conversation?.counted).toBe(true);
    expect(elsewhere.conversation?.id).not.toBe(second.conversation?.id);
    await runtime.assistant.stop();
  });

  it("the batch function agrees: one conversation per thread, whatever ids the threads share", async () => {
    await fc.assert(
      fc.asyncProperty(messages, async (sent) => {
        const events: InboundEvent[] = [];
        sent.forEach((m, index) => {
          const parts = partsOf(m);
          const at = START + index * 10_000;
          events.push(parseInboundEvent({ ...parts, from: "customer", at, text: QUESTION }));
          // The reply a live turn books (C7), once per distinct message.
          events.push(
            parseInboundEvent({
              ...parts,
              key: `reply:${parts.key}`,
              from: "assistant",
              at: at + 1,
              text: "A",
            }),
          );
        });
        const conversations = await countConversationsBatch(events, {
          now: START + 1_000_000,
          billingOf: () => ({ periodOf: () => "2026-01-12", planAt: () => "free" }),
        });
        const threads = new Set(sent.map(threadOf));
        expect(conversations).toHaveLength(threads.size);
        expect(conversations.every((conversation) => conversation.counted)).toBe(true);
        const messageCounts = new Map<string, number>();
        for (const m of sent) messageCounts.set(threadOf(m), 0);
        for (const scope of new Set(sent.map(scopeOf))) {
          const thread = scope.split("/").slice(0, 3).join("/");
          messageCounts.set(thread, (messageCounts.get(thread) ?? 0) + 2);
        }
        expect(conversations.map((conversation) => conversation.messageCount).sort()).toEqual(
          [...messageCounts.values()].sort(),
        );
      }),
      { numRuns: fuzzRuns(200) },
    );
  });
});
