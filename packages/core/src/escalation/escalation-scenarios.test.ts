import { describe, expect, it } from "vitest";
import type {
  AgentChannelPost,
  ChannelAdapter,
  DeliveryResult,
  OutboundMessage,
} from "../adapters/channel-adapter.js";
import { Assistant } from "../assistant/assistant.js";
import { fixedEnchantments } from "../assistant/enabled-enchantments.js";
import type { ProductMessages } from "../assistant/product-messages.js";
import type { Responder } from "../assistant/responder.js";
import { type AssistantTenantInput, parseAssistantTenant } from "../assistant/tenant-profile.js";
import { createBillingDirectory } from "../billing-directory.js";
import { ManualClock, MINUTE } from "../clock.js";
import { ConversationCounter } from "../counting/counter.js";
import { escalation } from "../enchantments/escalation.js";
import { DEFAULT_PLAN_CATALOG } from "../quota/catalog.js";
import { createTenant } from "../quota/subscription.js";
import { createMemoryStore } from "../store/memory-store.js";
import { agentSchema } from "./agents.js";
import { EscalationService } from "./escalation-service.js";
import { createMemoryEscalationStore, type EscalationStore } from "./escalation-store.js";

const MONDAY_10_UTC = Date.UTC(2026, 0, 12, 10, 0);

const messages: ProductMessages = {
  t: (_language, key, values) =>
    values === undefined || Object.keys(values).length === 0 ? key : `${key} ${JSON.stringify(values)}`,
  dir: () => "ltr",
};

/** The platform: customers' messages, agents' channel posts and the follow-up thread, all recorded. */
class Platform implements ChannelAdapter {
  readonly channel = "web";
  readonly toCustomers: OutboundMessage[] = [];
  readonly toAgents: AgentChannelPost[] = [];
  readonly followUpPosts: AgentChannelPost[] = [];
  followUpsDown = false;
  async start() {}
  async stop() {}
  async send(message: OutboundMessage): Promise<DeliveryResult> {
    this.toCustomers.push(message);
    return { ok: true, deliveredAt: Date.now() };
  }
  readonly agents = {
    post: async (post: AgentChannelPost): Promise<DeliveryResult> => {
      this.toAgents.push(post);
      return { ok: true, deliveredAt: Date.now() };
    },
  };
  readonly followUps = {
    postFollowUp: async (post: AgentChannelPost): Promise<DeliveryResult> => {
      if (this.followUpsDown) return { ok: false, reason: "unreachable", retryable: true, detail: "down" };
      this.followUpPosts.push(post);
      return { ok: true, deliveredAt: Date.now() };
    },
  };
}

const knowsNothingAboutRefunds: Responder = {
  name: "kb",
  async respond(request) {
    return request.text.includes("refund")
      ? { text: "I don't know", confidence: 0.1, source: "kb:none" }
      : { text: "We're open 9 to 6.", confidence: 0.9, source: "kb:hours" };
  },
};

async function world(
  options: { escalationOn?: boolean; tenant?: Partial<AssistantTenantInput>; store?: EscalationStore } = {},
) {
  const clock = new ManualClock(MONDAY_10_UTC);
  const store = createMemoryStore();
  await store.putTenant(
    createTenant(
      { id: "acme", plan: "professional", startedAt: MONDAY_10_UTC - 40 * 24 * 60 * MINUTE },
      DEFAULT_PLAN_CATALOG,
    ),
  );
  const counter = new ConversationCounter({
    store,
    clock,
    billing: createBillingDirectory({ store, catalog: DEFAULT_PLAN_CATALOG }),
  });
  const tenant = parseAssistantTenant({
    id: "acme",
    timeZone: "Europe/Paris",
    contact: { email: "help@acme.test" },
    ...options.tenant,
  });
  const escalationStore = options.store ?? createMemoryEscalationStore();
  const service = new EscalationService({
    store: escalationStore,
    messages,
    clock,
    tenants: async () => tenant,
    planRank: async () => 20,
    acceptTimeoutMs: 2 * MINUTE,
  });
  const platform = new Platform();
  const assistant = new Assistant({
    counter,
    store,
    clock,
    responder: knowsNothingAboutRefunds,
    messages,
    enchantments: [escalation({ service })],
    policy: fixedEnchantments(options.escalationOn === false ? [] : ["escalation"]),
    tenants: () => tenant,
    takeovers: service,
    desk: service,
  });
  service.attach(assistant);
  assistant.connect(platform);
  let sequence = 0;
  const say = (text: string, thread = "visitor-1") => {
    clock.advance(5_000);
    return assistant.receive(platform, {
      key: `c${++sequence}`,
      tenant: "acme",
      thread,
      from: "customer",
      at: clock.now(),
      text,
    });
  };
  const addAgent = async (id: string, online: boolean, extra: Record<string, unknown> = {}) => {
    await service.putAgent(agentSchema.parse({ id, tenant: "acme", name: id.toUpperCase(), ...extra }));
    if (online) await service.reportPresence("acme", id, { isOnline: true, via: "web" });
  };
  const usage = async () => {
    const rows = await store.listLedger({ tenant: "acme" });
    const sum = (mode: string) =>
      rows.filter((row) => row.mode === mode).reduce((total, row) => total + row.delta, 0);
    return { ai: sum("ai"), human: sum("human") };
  };
  return { clock, store, service, platform, assistant, say, addAgent, usage, escalationStore };
}

describe("Escalation: the guide's branches", () => {
  it("agents online: a HandoffRequest goes to the agents, the customer is told, the assistant goes quiet; 0 AI + 1 human (C10)", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    const outcome = await w.say("I want to talk to a human");
    expect(outcome.reply?.text).toBe("handoff.connecting");
    const [request] = await w.service.listHandoffs("acme");
    expect(request).toMatchObject({ status: "pending", candidates: ["ana"], reason: "asked_for_human" });
    expect(w.platform.toAgents.map((post) => post.kind)).toEqual(["handoff_requested"]);

    expect((await w.say("hello? anyone?")).status).toBe("silent");
    expect(w.platform.toAgents.at(-1)).toMatchObject({ kind: "customer_message", text: "hello? anyone?" });

    expect(await w.service.accept(request?.id ?? "", "ana")).toEqual({ ok: true });
    expect(
      await w.service.reply(request?.id ?? "", "ana", "Hi, I'm Ana. How can I help?", "agent-1"),
    ).toEqual({ ok: true });
    expect(w.platform.toCustomers.map((message) => message.text)).toEqual([
      "handoff.connecting",
      'handoff.agentJoined {"agent":"ANA"}',
      "Hi, I'm Ana. How can I help?",
    ]);
    expect(w.platform.toCustomers.map((message) => message.author)).toEqual(["system", "system", "agent"]);
    expect(await w.usage()).toEqual({ ai: 0, human: 1 });

    expect(await w.service.end(request?.id ?? "", "ana", "resolved")).toEqual({ ok: true });
    w.clock.advance(31 * MINUTE);
    expect((await w.say("what are your opening hours?")).reply?.text).toBe("We're open 9 to 6.");
  });

  it("counts 1 AI + 1 human when the assistant had answered before the handoff (C10)", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    await w.say("what are your hours?");
    await w.say("ok, and can I speak to an agent?");
    const [request] = await w.service.listHandoffs("acme");
    await w.service.accept(request?.id ?? "", "ana");
    await w.service.reply(request?.id ?? "", "ana", "Ana here", "agent-1");
    expect(await w.usage()).toEqual({ ai: 1, human: 1 });
  });

  it("agents offline: a labelled, prioritised follow-up task, and the guide's message; never a live offer", async () => {
    const w = await world();
    await w.addAgent("ana", false);
    const outcome = await w.say("This is unacceptable, I want a refund, let me talk to a person");
    expect(outcome.reply?.text).toBe("followUp.created");
    expect(await w.service.listHandoffs("acme")).toEqual([]);
    const [task] = await w.service.listFollowUps("acme");
    expect(task).toMatchObject({
      status: "open",
      reason: "asked_for_human",
      topic: "refunds",
      contact: "web:visitor-1",
    });
    expect(task?.labels).toEqual([
      "topic:refunds",
      "lang:en",
      "emotion:neutral",
      "channel:web",
      "reason:asked_for_human",
    ]);
    expect(w.platform.followUpPosts.map((post) => post.ref)).toEqual([task?.id]);
    // The assistant keeps answering afterwards.
    expect((await w.say("what are your opening hours?")).reply?.text).toBe("We're open 9 to 6.");
    expect(await w.usage()).toEqual({ ai: 1, human: 0 });
  });

  it("no agents at all: a follow-up task", async () => {
    const w = await world();
    await w.say("operator please");
    expect((await w.service.listFollowUps("acme")).length).toBe(1);
  });

  it("Escalation off: contact details and business hours instead, as a notice that does not count", async () => {
    const w = await world({
      escalationOn: false,
      tenant: { businessHours: { mon: [{ from: "09:00", to: "18:00" }] } },
    });
    const outcome = await w.say("talk to a human please");
    expect(outcome.enchantments).toEqual(["escalation:off"]);
    expect(outcome.reply?.text).toMatch(/^contact\.details \{"contact":"help@acme.test"/);
    expect(await w.service.listFollowUps("acme")).toEqual([]);
    expect(await w.usage()).toEqual({ ai: 0, human: 0 });
  });

  it("two agents accept at once: exactly one wins, the other is told who has it", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    await w.addAgent("bob", true);
    await w.say("I need a human");
    const [request] = await w.service.listHandoffs("acme");
    const results = await Promise.all([
      w.service.accept(request?.id ?? "", "ana"),
      w.service.accept(request?.id ?? "", "bob"),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toEqual({ ok: false, problem: "already taken by ANA" });
    expect((await w.service.listHandoffs("acme"))[0]?.acceptedBy).toBe("ana");
  });

  it("nobody accepts in time: the request becomes a follow-up task and the customer is told", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    await w.say("I want to talk to someone");
    w.clock.advance(2 * MINUTE + 1);
    await w.service.reportPresence("acme", "ana", { isOnline: true, via: "web" });
    await w.service.tick();
    const [request] = await w.service.listHandoffs("acme");
    expect(request).toMatchObject({ status: "follow_up", followUpReason: "timeout" });
    expect((await w.service.listFollowUps("acme"))[0]?.handoffId).toBe(request?.id);
    expect(w.platform.toCustomers.at(-1)?.text).toBe("handoff.noAgentAccepted followUp.created");
    expect((await w.say("what are your opening hours?")).reply?.text).toBe("We're open 9 to 6.");
  });

  it("the agent disconnects mid-handoff: requeued to the others, then a follow-up when nobody is left", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    await w.addAgent("bob", true);
    await w.say("human please");
    const [request] = await w.service.listHandoffs("acme");
    await w.service.accept(request?.id ?? "", "ana");
    await w.service.reportPresence("acme", "ana", { isOnline: false, via: "web" });
    expect((await w.service.listHandoffs("acme"))[0]).toMatchObject({
      status: "pending",
      candidates: ["bob"],
    });
    await w.service.decline(request?.id ?? "", "bob");
    expect((await w.service.listHandoffs("acme"))[0]).toMatchObject({
      status: "follow_up",
      followUpReason: "no_agent_left",
    });
    expect(await w.service.listFollowUps("acme")).toHaveLength(1);
  });

  it("outside business hours nobody is available, whatever the toggles say (across time zones)", async () => {
    // 10:00 UTC on Monday is 11:00 in Paris (open) and 19:00 in Tokyo (closed).
    const paris = await world({
      tenant: { timeZone: "Europe/Paris", businessHours: { mon: [{ from: "09:00", to: "18:00" }] } },
    });
    await paris.addAgent("ana", true);
    expect((await paris.say("human please")).reply?.text).toBe("handoff.connecting");
    const tokyo = await world({
      tenant: { timeZone: "Asia/Tokyo", businessHours: { mon: [{ from: "09:00", to: "18:00" }] } },
    });
    await tokyo.addAgent("ana", true);
    expect((await tokyo.say("human please")).reply?.text).toBe("followUp.created");
  });

  it("escalates after two 'I don't know' in a row (low confidence)", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    await w.say("refund for a gift card?");
    expect(await w.service.listHandoffs("acme")).toEqual([]);
    const second = await w.say("refund for a voucher then?");
    expect(second.reply?.text).toBe("handoff.connecting");
    expect((await w.service.listHandoffs("acme"))[0]?.reason).toBe("low_confidence");
  });

  it("a tenant rule escalates on the tenant's own keywords, whatever the case or accents", async () => {
    const w = await world({ tenant: { escalationKeywords: ["rétrofacturation", "lawyer"] } });
    await w.addAgent("ana", true);
    await w.say("What are your opening hours?");
    expect(await w.service.listHandoffs("acme")).toEqual([]);
    const outcome = await w.say("Je vais demander une RETROFACTURATION à ma banque");
    expect(outcome.reply?.text).toBe("handoff.connecting");
    expect((await w.service.listHandoffs("acme"))[0]?.reason).toBe("tenant_rule");
  });

  it("offers a request to speakers of the customer's language first, and never beyond an agent's capacity", async () => {
    const w = await world();
    await w.addAgent("ana", true, { languages: ["fr"], capacity: 1 });
    await w.addAgent("bruno", true, { languages: ["en"], capacity: 1 });
    const handoffOf = async (thread: string) =>
      (await w.service.listHandoffs("acme")).find((request) => request.thread === thread);

    await w.say("I want to talk to a human", "visitor-1");
    const first = await handoffOf("visitor-1");
    expect(first?.candidates).toEqual(["bruno", "ana"]); // the English speaker first, though "ana" sorts first
    expect((await w.service.accept(first?.id ?? "", "bruno")).ok).toBe(true);

    await w.say("I want to talk to a human", "visitor-2");
    const second = await handoffOf("visitor-2");
    expect(second?.candidates).toEqual(["ana"]); // bruno holds his one allowed handoff
    expect((await w.service.accept(second?.id ?? "", "ana")).ok).toBe(true);

    // Both agents are at capacity: the next customer is not offered a live connection.
    const third = await w.say("I want to talk to a human", "visitor-3");
    expect(third.reply?.text).toBe("followUp.created");
    expect(w.platform.followUpPosts).toHaveLength(1);
  });

  it("a follow-up task is never lost or duplicated: stored first, posted from the outbox after a restart", async () => {
    const escalationStore = createMemoryEscalationStore();
    const first = await world({ store: escalationStore });
    first.platform.followUpsDown = true;
    await first.say("human please");
    const [stored] = await escalationStore.listFollowUps("acme");
    expect(stored?.postedAt).toBeNull();

    // The process restarts: a new service on the same store drains the outbox once.
    const second = await world({ store: escalationStore });
    await second.service.flushOutbox();
    await second.service.flushOutbox();
    expect(second.platform.followUpPosts.map((post) => post.ref)).toEqual([stored?.id]);
    expect((await escalationStore.listFollowUps("acme")).map((task) => task.postedAt !== null)).toEqual([
      true,
    ]);
  });

  it("presence expires when not refreshed: an agent whose console went silent is not offered anything", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    w.clock.advance(91_000);
    expect((await w.say("human please")).reply?.text).toBe("followUp.created");
    expect(await w.service.listHandoffs("acme")).toEqual([]);
  });

  it("an agent holding a handoff whose presence lapses is treated as disconnected (requeue, then follow-up)", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    await w.say("human please");
    const [request] = await w.service.listHandoffs("acme");
    await w.service.accept(request?.id ?? "", "ana");
    w.clock.advance(91_000);
    await w.service.tick();
    expect((await w.service.listHandoffs("acme"))[0]).toMatchObject({
      status: "follow_up",
      followUpReason: "no_agent_left",
    });
  });

  it("an agent cannot write to a conversation they do not hold", async () => {
    const w = await world();
    await w.addAgent("ana", true);
    await w.addAgent("bob", true);
    await w.say("human please");
    const [request] = await w.service.listHandoffs("acme");
    await w.service.accept(request?.id ?? "", "ana");
    expect(await w.service.reply(request?.id ?? "", "bob", "hi", "agent-x")).toEqual({
      ok: false,
      problem: "you do not hold this conversation",
    });
  });
});

describe("Escalation outside hours when the tenant allows it (issue 17, finding 1)", () => {
  const tokyo = { timeZone: "Asia/Tokyo", businessHours: { mon: [{ from: "09:00", to: "18:00" }] } };

  it("escalation.agentsMayTakeOutsideHours: an active agent there takes a live chat at 19:00 in Tokyo", async () => {
    const w = await world({ tenant: { ...tokyo, escalation: { agentsMayTakeOutsideHours: true } } });
    await w.addAgent("ana", true);
    expect((await w.say("human please")).reply?.text).toBe("handoff.connecting");
    expect(await w.service.listHandoffs("acme")).toHaveLength(1);
  });

  it("allowed, but nobody there: a follow-up task as before", async () => {
    const w = await world({ tenant: { ...tokyo, escalation: { agentsMayTakeOutsideHours: true } } });
    await w.addAgent("ana", false);
    expect((await w.say("human please")).reply?.text).toBe("followUp.created");
  });
});

describe("Escalation from the dashboard's test chat (issue 17, finding 4; C9)", () => {
  async function testWorld(online: boolean) {
    const w = await world();
    await w.addAgent("ana", online);
    let sequence = 0;
    const sayAsTest = (text: string) => {
      w.clock.advance(5_000);
      return w.assistant.receive(w.platform, {
        key: `t${++sequence}`,
        tenant: "acme",
        thread: "dashboard-test-s1",
        from: "customer",
        origin: "test",
        at: w.clock.now(),
        text,
      });
    };
    return { ...w, sayAsTest };
  }

  it("a test chat asking for a human reaches the agents as a test, the agent's reply comes back, nothing counts", async () => {
    const w = await testWorld(true);
    expect((await w.sayAsTest("what are your hours?")).reply?.text).toBe("We're open 9 to 6.");
    expect((await w.sayAsTest("I want to talk to a human")).reply?.text).toBe("handoff.connecting");
    const [request] = await w.service.listHandoffs("acme");
    expect(request?.test).toBe(true);
    expect(w.platform.toAgents.map((post) => [post.kind, post.test])).toEqual([["handoff_requested", true]]);
    // Channels that render only text (a Slack section, a Teams card) show it too.
    expect(w.platform.toAgents[0]?.text).toMatch(/^\[TEST\] New /);

    expect(await w.service.accept(request?.id ?? "", "ana")).toEqual({ ok: true });
    expect(await w.service.reply(request?.id ?? "", "ana", "Ana here, testing too", "agent-1")).toEqual({
      ok: true,
    });
    const toTestChat = w.platform.toCustomers.filter((message) => message.thread === "dashboard-test-s1");
    expect(toTestChat.at(-1)).toMatchObject({ text: "Ana here, testing too", author: "agent" });
    expect(w.platform.toAgents.every((post) => post.test === true)).toBe(true);
    await w.service.end(request?.id ?? "", "ana", "resolved");
    // C9: neither the AI conversation (answered) nor the human one (the agent wrote) is counted.
    expect(await w.usage()).toEqual({ ai: 0, human: 0 });
    const conversations = await w.store.listConversations({ tenant: "acme" });
    expect(conversations.map((conversation) => [conversation.mode, conversation.notCountedReason])).toEqual(
      expect.arrayContaining([
        ["ai", "test"],
        ["human", "test"],
      ]),
    );
  });

  it("a test chat with nobody there files a follow-up task marked test, which a listing can leave out", async () => {
    const w = await testWorld(false);
    await w.say("I want to talk to a human"); // a real customer, for contrast
    await w.sayAsTest("I want to talk to a human");
    const tasks = await w.service.listFollowUps("acme");
    expect(tasks.map((task) => [task.thread, task.test === true])).toEqual(
      expect.arrayContaining([
        ["visitor-1", false],
        ["dashboard-test-s1", true],
      ]),
    );
    expect((await w.service.listFollowUps("acme", { test: false })).map((task) => task.thread)).toEqual([
      "visitor-1",
    ]);
    expect((await w.service.listFollowUps("acme", { test: true })).map((task) => task.thread)).toEqual([
      "dashboard-test-s1",
    ]);
    const posts = w.platform.followUpPosts.filter((post) => post.kind === "follow_up_created");
    expect(posts.map((post) => post.test === true)).toEqual([false, true]);
    expect(posts.map((post) => post.text.startsWith("[TEST] "))).toEqual([false, true]);
    expect(await w.usage()).toEqual({ ai: 0, human: 0 });
  });
});

describe("the agent console's desk: the kept conversation, notes and transfer", () => {
  const handedOff = async () => {
    const w = await world();
    await w.addAgent("ana", true);
    await w.addAgent("bruno", true);
    await w.say("I want to talk to a human");
    const [request] = await w.service.listHandoffs("acme");
    const id = request?.id ?? "";
    expect(await w.service.accept(id, "ana")).toEqual({ ok: true });
    return { ...w, id };
  };

  it("keeps the customer's and the agent's messages on the handoff, so a closed chat stays readable", async () => {
    const w = await handedOff();
    await w.say("my parcel never arrived");
    expect(await w.service.reply(w.id, "ana", "Let me check.", "agent:ana:1")).toEqual({ ok: true });
    // A resend of the same reply (same key, C11) is kept once.
    await w.service.reply(w.id, "ana", "Let me check.", "agent:ana:1");
    expect(await w.service.end(w.id, "ana", "closed")).toEqual({ ok: true });
    await w.service.stop();
    const [kept] = await w.service.listHandoffs("acme");
    expect(kept?.status).toBe("ended");
    expect(kept?.messages?.map((message) => [message.from, message.text])).toEqual([
      ["customer", "my parcel never arrived"],
      ["agent", "Let me check."],
    ]);
    expect(kept?.messages?.[1]?.agent).toBe("ana");
  });

  it("notes stay between agents: stored with the handoff, never sent to the customer", async () => {
    const w = await handedOff();
    const toCustomer = w.platform.toCustomers.length;
    expect(await w.service.addNote(w.id, "bruno", "Already refunded once", "n1")).toEqual({ ok: true });
    expect(await w.service.addNote(w.id, "bruno", "Already refunded once", "n1")).toEqual({ ok: true });
    expect(await w.service.addNote(w.id, "zoe", "not one of ours", "n2")).toMatchObject({ ok: false });
    expect(await w.service.addNote("handoff_nope", "ana", "x", "n3")).toEqual({
      ok: false,
      problem: "unknown handoff",
    });
    const [kept] = await w.service.listHandoffs("acme");
    expect(kept?.notes).toEqual([
      { id: "bruno:n1", at: expect.any(Number), agent: "bruno", text: "Already refunded once" },
    ]);
    expect(w.platform.toCustomers).toHaveLength(toCustomer);
  });

  it("transfer: the holder gives it to an online agent, who is told; the customer is not interrupted and reaches the new holder", async () => {
    const w = await handedOff();
    await w.addAgent("carla", false);
    const toCustomer = w.platform.toCustomers.length;
    expect(await w.service.transfer(w.id, "bruno", "ana")).toMatchObject({ ok: false });
    expect(await w.service.transfer(w.id, "ana", "ana")).toMatchObject({ ok: false });
    expect(await w.service.transfer(w.id, "ana", "carla")).toEqual({
      ok: false,
      problem: "CARLA is not online and active: pick an agent who is",
    });
    expect(await w.service.transfer(w.id, "ana", "zoe")).toEqual({
      ok: false,
      problem: "zoe is not an agent of this tenant",
    });
    expect(await w.service.transfer(w.id, "ana", "bruno")).toEqual({ ok: true });
    expect(w.platform.toAgents.find((post) => post.kind === "handoff_transferred")).toMatchObject({
      agents: ["bruno"],
      text: "ANA transferred a conversation to you",
    });
    expect(w.platform.toCustomers).toHaveLength(toCustomer);

    expect((await w.say("still there?")).status).toBe("silent");
    expect(w.platform.toAgents.at(-1)).toMatchObject({ kind: "customer_message", agents: ["bruno"] });
    expect(await w.service.reply(w.id, "ana", "me again", "agent:ana:2")).toMatchObject({ ok: false });
    expect(await w.service.reply(w.id, "bruno", "Bruno here", "agent:bruno:1")).toEqual({ ok: true });
    expect(w.platform.toCustomers.at(-1)).toMatchObject({ text: "Bruno here", author: "agent" });
    // C10: one human conversation, whoever holds it.
    expect(await w.usage()).toEqual({ ai: 0, human: 1 });
  });

  it("transfer respects the target's capacity", async () => {
    const w = await handedOff();
    await w.addAgent("dan", true, { capacity: 1 });
    await w.say("I want to talk to a human", "visitor-2");
    const other = (await w.service.listHandoffs("acme")).find((request) => request.thread === "visitor-2");
    expect(await w.service.accept(other?.id ?? "", "dan")).toEqual({ ok: true });
    expect(await w.service.transfer(w.id, "ana", "dan")).toEqual({
      ok: false,
      problem: "DAN already holds 1 conversations, their most",
    });
  });
});
