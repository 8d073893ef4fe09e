import { beforeEach, describe, expect, it } from "vitest";
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from "../adapters/channel-adapter.js";
import { createBillingDirectory } from "../billing-directory.js";
import { HOUR, ManualClock, MINUTE } from "../clock.js";
import { ConversationCounter } from "../counting/counter.js";
import { memory } from "../enchantments/memory.js";
import type { InboundEventInput } from "../events/inbound-event.js";
import { threadKeyOf } from "../events/inbound-event.js";
import type { Logger } from "../logging/logger.js";
import { DEFAULT_PLAN_CATALOG } from "../quota/catalog.js";
import { createTenant } from "../quota/subscription.js";
import type { EnchantmentName } from "../quota/types.js";
import { createMemoryStore, type MemoryStore } from "../store/memory-store.js";
import { Assistant } from "./assistant.js";
import { enchantmentsByPlan, fixedEnchantments } from "./enabled-enchantments.js";
import { defineEnchantment, type Enchantment } from "./enchantment.js";
import type { ProductMessages } from "./product-messages.js";
import type { Responder, ResponderRequest } from "./responder.js";
import { parseAssistantTenant } from "./tenant-profile.js";
import { createInMemoryThreadMemory, type ThreadMemory } from "./thread-memory.js";

const START = Date.UTC(2026, 2, 10, 9, 0, 0);

const messages: ProductMessages = {
  t: (language, key, values) => `${language}:${key}${values === undefined ? "" : JSON.stringify(values)}`,
  dir: (language) => (language === "ar" ? "rtl" : "ltr"),
};

/** A channel whose platform is this array: what it "sent", and a switch to refuse the next sends. */
class RecordingChannel implements ChannelAdapter {
  readonly channel = "web";
  readonly sent: OutboundMessage[] = [];
  refuse = 0;
  async start() {}
  async stop() {}
  async send(message: OutboundMessage): Promise<DeliveryResult> {
    if (this.refuse > 0) {
      this.refuse--;
      return { ok: false, reason: "unreachable", retryable: true, detail: "platform down" };
    }
    this.sent.push(message);
    return { ok: true, deliveredAt: Date.now() };
  }
}

/** Records what each request looked like and answers with the window size it saw. */
class WindowRecordingResponder implements Responder {
  readonly name = "window-recorder";
  readonly requests: ResponderRequest[] = [];
  async respond(request: ResponderRequest) {
    this.requests.push(request);
    return { text: `saw ${request.window.length}`, confidence: 0.9, source: "test" };
  }
}

interface Setup {
  store: MemoryStore;
  clock: ManualClock;
  channel: RecordingChannel;
  responder: Responder;
  assistant: Assistant;
  threadMemory: ThreadMemory;
  warnings: Array<{ message: string; fields: Record<string, unknown> | undefined }>;
}

async function setUp(
  options: {
    plan?: string;
    addOns?: EnchantmentName[];
    enchantments?: Enchantment[];
    enabled?: string[];
    responder?: Responder;
    disabled?: string[];
    responderTimeoutMs?: number;
  } = {},
): Promise<Setup> {
  const store = createMemoryStore();
  const clock = new ManualClock(START);
  await store.putTenant(
    createTenant(
      {
        id: "acme",
        plan: options.plan ?? "starter",
        startedAt: START - 30 * 24 * HOUR,
        addOns: options.addOns ?? [],
      },
      DEFAULT_PLAN_CATALOG,
    ),
  );
  const counter = new ConversationCounter({
    store,
    clock,
    billing: createBillingDirectory({ store, catalog: DEFAULT_PLAN_CATALOG }),
  });
  const warnings: Setup["warnings"] = [];
  const logger: Logger = {
    info() {},
    error() {},
    warn: (message, fields) => warnings.push({ message, fields }),
  };
  const channel = new RecordingChannel();
  const responder = options.responder ?? new WindowRecordingResponder();
  const threadMemory = createInMemoryThreadMemory();
  const tenantSettings = parseAssistantTenant({ id: "acme", disabledEnchantments: options.disabled ?? [] });
  const assistant = new Assistant({
    counter,
    store,
    responder,
    messages,
    clock,
    logger,
    memory: threadMemory,
    enchantments: options.enchantments ?? [memory()],
    policy:
      options.enabled === undefined
        ? enchantmentsByPlan(store, DEFAULT_PLAN_CATALOG)
        : fixedEnchantments(options.enabled),
    tenants: (id) => (id === "acme" ? tenantSettings : undefined),
    responderTimeoutMs: options.responderTimeoutMs,
  });
  assistant.connect(channel);
  return { store, clock, channel, responder, assistant, threadMemory, warnings };
}

let sequence = 0;
function customer(setup: Setup, text: string, overrides: Partial<InboundEventInput> = {}) {
  setup.clock.advance(10_000);
  return setup.assistant.receive(setup.channel, {
    key: `m-${++sequence}`,
    tenant: "acme",
    thread: "visitor-1",
    from: "customer",
    at: setup.clock.now(),
    text,
    ...overrides,
  });
}

describe("assistant pipeline", () => {
  beforeEach(() => {
    sequence = 0;
  });

  it("answers a customer message and counts the conversation at delivery (C7)", async () => {
    const setup = await setUp({ enabled: [] });
    const outcome = await customer(setup, "What are your opening hours?");
    expect(outcome.status).toBe("answered");
    expect(outcome.reply).toMatchObject({ text: "saw 1", delivered: true, key: "reply:m-1" });
    expect(outcome.conversation?.counted).toBe(true);
    expect(setup.channel.sent.map((message) => message.inReplyTo)).toEqual(["m-1"]);
    expect((await setup.store.listLedger({ tenant: "acme" })).length).toBe(1);
  });

  it("keeps 10 messages of context without Memory and 50 with it", async () => {
    for (const [enabled, expected, kept] of [
      [[], 10, 10],
      [["memory"], 50, 50],
    ] as const) {
      const setup = await setUp({ enabled: [...enabled] });
      for (let index = 0; index < 40; index++) await customer(setup, `question ${index}`);
      const responder = setup.responder as WindowRecordingResponder;
      const seen = responder.requests.map((request) => request.window.length);
      // Each turn adds the customer's message and the delivered reply: 1, 3, 5, … up to the window.
      expect(Math.max(...seen)).toBe(expected);
      expect(responder.requests.at(-1)?.window.at(-1)?.text).toBe("question 39");
      const record = await setup.threadMemory.load(
        threadKeyOf({ tenant: "acme", channel: "web", thread: "visitor-1" }),
      );
      expect(record?.window.length).toBe(kept);
    }
  });

  it("runs the enchantments the tenant's plan and add-ons enable, minus those it turned off", async () => {
    const ran = async (options: Parameters<typeof setUp>[0]) => {
      const setup = await setUp(options);
      return (await customer(setup, "hello")).enchantments;
    };
    const spy = (name: string) =>
      defineEnchantment({ name, version: "1.0.0", run: (_context, next) => next() });
    const all = [memory(), spy("emotion"), spy("polyglot"), spy("escalation")];
    expect(await ran({ plan: "free", enchantments: all })).toEqual(["emotion"]);
    expect((await ran({ plan: "free", addOns: ["memory"], enchantments: all })).sort()).toEqual([
      "emotion",
      "memory",
    ]);
    expect((await ran({ plan: "starter", enchantments: all })).sort()).toEqual([
      "emotion",
      "escalation",
      "polyglot",
    ]);
    expect((await ran({ plan: "enterprise", enchantments: all })).sort()).toEqual([
      "emotion",
      "escalation",
      "memory",
      "polyglot",
    ]);
    expect((await ran({ plan: "enterprise", enchantments: all, disabled: ["memory"] })).sort()).toEqual([
      "emotion",
      "escalation",
      "polyglot",
    ]);
  });

  it("never answers a duplicate twice, and answers the retry of a turn whose delivery failed (C11, C7)", async () => {
    const setup = await setUp({ enabled: [] });
    setup.channel.refuse = 1;
    const first = await customer(setup, "hi", { key: "same" });
    expect(first.status).toBe("undelivered");
    expect(first.conversation?.counted).toBe(false);
    const retry = await customer(setup, "hi", { key: "same" });
    expect(retry.status).toBe("answered");
    expect(retry.conversation?.counted).toBe(true);
    const again = await customer(setup, "hi", { key: "same" });
    expect(again.status).toBe("duplicate");
    expect(setup.channel.sent).toHaveLength(1);
    expect((await setup.store.listLedger({ tenant: "acme" })).length).toBe(1);
    // The retried message is in the window once.
    expect(
      (setup.responder as WindowRecordingResponder).requests.at(-1)?.window.filter((m) => m.text === "hi"),
    ).toHaveLength(1);
  });

  it("counts a reply sent in the same millisecond as a message whose key sorts after its own (C7)", async () => {
    // The manual clock stands still during a turn: the reply is stamped with its question's instant,
    // and events of one instant fold in key order ("reply:sunny-1" < "sunny-1").
    const setup = await setUp({ enabled: [] });
    const outcome = await customer(setup, "hi", { key: "sunny-1" });
    expect(outcome.status).toBe("answered");
    expect(outcome.conversation?.counted).toBe(true);
    expect(await setup.store.listLedger({ tenant: "acme" })).toHaveLength(1);
  });

  it("books, at the resend, a reply that memory saved but the store lost to a crash (C7, C11)", async () => {
    const setup = await setUp({ enabled: [] });
    const threadKey = threadKeyOf({ tenant: "acme", channel: "web", thread: "visitor-1" });
    // What a crash between the two writes of a turn leaves: the message placed, memory saved with the
    // reply and the message marked answered, the reply's booking never on disk.
    setup.channel.refuse = 1;
    await customer(setup, "hi", { key: "same" });
    const remembered = await setup.threadMemory.load(threadKey);
    if (remembered === undefined) throw new Error("memory should hold the thread");
    remembered.window.push({ from: "assistant", text: "saw 1", at: setup.clock.now(), key: "reply:same" });
    remembered.answered.push("same");
    await setup.threadMemory.save(threadKey, remembered);
    expect(await setup.store.listLedger({ tenant: "acme" })).toEqual([]);

    const resent = await customer(setup, "hi", { key: "same" });
    expect(resent.status).toBe("duplicate");
    expect(setup.channel.sent).toEqual([]);
    const ledger = await setup.store.listLedger({ tenant: "acme" });
    expect(ledger).toHaveLength(1);
    expect((await setup.store.getThread(threadKey))?.state.current?.counted).toBe(true);
    // Booked once: a further resend changes nothing.
    await customer(setup, "hi", { key: "same" });
    expect(await setup.store.listLedger({ tenant: "acme" })).toEqual(ledger);
  });

  it("answers concurrent messages of one thread one at a time, in order (C12)", async () => {
    const setup = await setUp({ enabled: [] });
    await Promise.all(Array.from({ length: 5 }, (_, index) => customer(setup, `q${index}`)));
    const responder = setup.responder as WindowRecordingResponder;
    expect(responder.requests.map((request) => request.window.length)).toEqual([1, 3, 5, 7, 9]);
    expect((await setup.store.listLedger({ tenant: "acme" })).length).toBe(1);
  });

  it("counts an oversized message and answers with the limit instead of dropping it", async () => {
    const setup = await setUp({ enabled: [] });
    const outcome = await customer(setup, "x".repeat(50_000));
    expect(outcome.reply?.text).toBe('en:assistant.messageTooLong{"length":50000,"limit":40000}');
    expect(outcome.conversation?.counted).toBe(true);
    expect((setup.responder as WindowRecordingResponder).requests).toHaveLength(0);
  });

  it("apologises when the responder fails or runs out of time, and logs no message text", async () => {
    const failing: Responder = {
      name: "failing",
      respond: async () => {
        throw new Error("model exploded");
      },
    };
    const setup = await setUp({ enabled: [], responder: failing });
    expect((await customer(setup, "my secret order")).reply?.text).toBe("en:assistant.error");

    const slow: Responder = {
      name: "slow",
      respond: (request) =>
        new Promise((_, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason)),
        ),
    };
    const slowSetup = await setUp({ enabled: [], responder: slow, responderTimeoutMs: 20 });
    expect((await customer(slowSetup, "hello")).reply?.text).toBe("en:assistant.error");
  });

  it("counts the responder's budget from the start of its turn, even when it reads the signal late", async () => {
    // The signal's timer is created on first read; a late reader must not get a fresh full budget.
    // Real time on purpose: AbortSignal.timeout runs on real timers, and a timer never fires early.
    let abortedAfterReadMs = Number.POSITIVE_INFINITY;
    let sameSignal = false;
    const late: Responder = {
      name: "late",
      respond: (request) => {
        const spinUntil = performance.now() + 250;
        while (performance.now() < spinUntil) {} // busy past the 200 ms budget before looking at the signal
        const read = performance.now();
        const signal = request.signal;
        sameSignal = signal === request.signal;
        return new Promise((_, reject) =>
          signal.addEventListener("abort", () => {
            abortedAfterReadMs = performance.now() - read;
            reject(signal.reason);
          }),
        );
      },
    };
    const setup = await setUp({ enabled: [], responder: late, responderTimeoutMs: 200 });
    expect((await customer(setup, "hello")).reply?.text).toBe("en:assistant.error");
    expect(sameSignal).toBe(true);
    expect(abortedAfterReadMs).toBeLessThan(150);
  });

  it("isolates a broken enchantment: the customer is answered and the failure logged", async () => {
    const broken = defineEnchantment({
      name: "broken",
      version: "1.0.0",
      async run() {
        throw new Error("plugin bug");
      },
    });
    const brokenAfter = defineEnchantment({
      name: "broken-after",
      version: "0.1.0",
      order: 600,
      async run(_context, next) {
        await next();
        throw new Error("late bug");
      },
    });
    const setup = await setUp({ enabled: ["broken", "broken-after"], enchantments: [broken, brokenAfter] });
    const outcome = await customer(setup, "hello");
    expect(outcome.status).toBe("answered");
    expect(outcome.reply?.text).toBe("saw 1");
    expect(setup.warnings.map((warning) => warning.fields?.enchantment)).toEqual(["broken", "broken-after"]);
    expect(JSON.stringify(setup.warnings)).not.toContain("hello");
  });

  it("stays quiet while an enchantment hands the conversation to someone else, until a new conversation", async () => {
    const handoff = defineEnchantment({
      name: "takeover",
      version: "1.0.0",
      async run(context, next) {
        if (context.text === "human please") {
          context.handledBy = "agent";
          context.reply = { text: "connecting", confidence: 1, source: "takeover" };
          return;
        }
        await next();
      },
    });
    const setup = await setUp({ enabled: ["takeover"], enchantments: [handoff] });
    expect((await customer(setup, "human please")).reply?.text).toBe("connecting");
    expect((await customer(setup, "are you there?")).status).toBe("silent");
    setup.clock.advance(31 * MINUTE);
    expect((await customer(setup, "new question")).status).toBe("answered");
  });

  it("says goodbye, as a notice, when the customer's message or button resolves the conversation (C4)", async () => {
    const setup = await setUp({ enabled: [] });
    await customer(setup, "where is my order?");
    const resolved = await customer(setup, "thanks, that solved it");
    expect(resolved.reply).toMatchObject({ text: "en:assistant.resolved", source: "assistant:resolved" });
    expect(resolved.conversation?.endReason).toBe("resolved");
    expect((setup.responder as WindowRecordingResponder).requests).toHaveLength(1);

    setup.clock.advance(40 * MINUTE);
    await customer(setup, "another question", { thread: "visitor-2" });
    await customer(setup, "", { thread: "visitor-2", kind: "resolve", text: undefined });
    expect(setup.channel.sent.at(-1)).toMatchObject({
      thread: "visitor-2",
      text: "en:assistant.resolved",
      author: "system",
    });
    // The channel can tell the assistant's answers from notices.
    expect(setup.channel.sent.map((message) => message.author)).toEqual([
      "assistant",
      "system",
      "assistant",
      "system",
    ]);
    // Goodbyes are system notices: one count per conversation, not more.
    expect((await setup.store.listLedger({ tenant: "acme" })).length).toBe(2);
  });

  it("places non-customer events without answering them", async () => {
    const setup = await setUp({ enabled: [] });
    await customer(setup, "hello");
    const agent = await customer(setup, "agent note", { from: "agent" });
    const close = await customer(setup, "", { kind: "close", from: "customer", text: undefined });
    expect([agent.status, close.status]).toEqual(["placed", "placed"]);
    expect(setup.channel.sent).toHaveLength(1);
  });

  it("refuses an event whose channel is not its adapter's, naming the fix", async () => {
    const setup = await setUp({ enabled: [] });
    await expect(customer(setup, "hi", { channel: "slack" })).rejects.toThrow(
      /does not match its adapter's channel/,
    );
  });
});
