import { describe, expect, it } from "vitest";
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from "../adapters/channel-adapter.js";
import { ManualClock } from "../clock.js";
import { createMemoryStore } from "../store/memory-store.js";
import { createLutinRuntime } from "./runtime.js";
import { DEMO_TENANT_FILE, loadTenantFile } from "./tenant-file.js";

// A Monday at 10:00 in Paris: the demo shop is open, so its agents can be available.
const OPEN_HOURS = Date.UTC(2026, 0, 12, 9, 0);

class Channel implements ChannelAdapter {
  readonly channel = "web";
  readonly sent: OutboundMessage[] = [];
  async start() {}
  async stop() {}
  async send(message: OutboundMessage): Promise<DeliveryResult> {
    this.sent.push(message);
    return { ok: true, deliveredAt: Date.now() };
  }
  readonly agents = { post: async (): Promise<DeliveryResult> => ({ ok: true, deliveredAt: Date.now() }) };
}

async function demo(enchantments?: string[]) {
  const clock = new ManualClock(OPEN_HOURS);
  const tenant = await loadTenantFile(DEMO_TENANT_FILE);
  const runtime = await createLutinRuntime({
    store: createMemoryStore(),
    tenants: [tenant],
    clock,
    ...(enchantments === undefined ? {} : { enchantments }),
  });
  const channel = new Channel();
  runtime.assistant.connect(channel);
  let sequence = 0;
  const say = (text: string) => {
    clock.advance(15_000);
    return runtime.assistant.receive(channel, {
      key: `m${++sequence}`,
      tenant: "demo-shop",
      thread: "v1",
      from: "customer",
      at: clock.now(),
      text,
    });
  };
  return { runtime, channel, say, clock };
}

describe("the wired runtime on the demo tenant", () => {
  it("runs the guide's order flow in French, in the customer's language, as one counted conversation", async () => {
    const { say } = await demo();
    const first = await say("Bonjour, où est ma commande ?");
    const second = await say("#12345");
    expect(first.reply?.text).toMatch(/numéro de commande/);
    expect(second.reply?.text).toMatch(/^Votre commande #12345 est expédiée/);
    expect(second.reply?.language).toBe("fr");
    expect(second.conversation?.id).toBe(first.conversation?.id);
    expect(second.conversation?.counted).toBe(true);
  });

  it("answers with an empathetic opener when the customer is frustrated (Emotion)", async () => {
    const { say } = await demo();
    const outcome = await say("This is ridiculous, I've been waiting for 2 weeks for my refund!!!");
    expect(outcome.reading?.emotion).toBe("frustrated");
    expect(outcome.reply?.text.startsWith("I'm really sorry about this")).toBe(true);
  });

  it("celebrates good news before an answer, but not a bare thank-you or a polite question (Emotion)", async () => {
    const news = await demo();
    const newsOutcome = await news.say(
      "I love the headphones, they arrived early! Now how do I return an item for the old pair",
    );
    expect(newsOutcome.reading?.emotion).toBe("happy");
    expect(newsOutcome.reply?.text).toMatch(/^That's great to hear! You have 30 days/);

    const thanks = await demo();
    const thanksOutcome = await thanks.say("Thanks so much!");
    expect(thanksOutcome.reading?.emotion).toBe("happy");
    expect(thanksOutcome.reply?.text).not.toMatch(/great to hear/);

    const polite = await demo();
    const politeOutcome = await polite.say("Thanks a lot, and where is my order please?");
    expect(politeOutcome.reply?.text).not.toMatch(/great to hear/);
  });

  it("hands off on repeated frustration when an agent is online (Emotion → Escalation)", async () => {
    const { runtime, say } = await demo();
    await runtime.escalation.reportPresence("demo-shop", "ana", { isOnline: true, via: "web" });
    await say("This is ridiculous, I've been waiting for 2 weeks for my refund!!!");
    const second = await say("Still nothing, this is unacceptable!!");
    expect(second.reply?.text).toBe(
      "Perfect! We're connecting you with one of our agents right now. They'll be with you shortly.",
    );
    const [request] = await runtime.escalation.listHandoffs("demo-shop");
    expect(request).toMatchObject({
      reason: "repeated_frustration",
      candidates: ["ana"],
      priority: "urgent",
    });
  });

  it("gives the handoff the conversation's recent mood: frustration, then a neutral request for a person, reads frustrated (issue 17)", async () => {
    const { runtime, say } = await demo();
    await runtime.escalation.reportPresence("demo-shop", "ana", { isOnline: true, via: "web" });
    expect((await say("Ça fait trois fois que je demande, j'en ai marre !!!")).reply?.language).toBe("fr");
    // This one alone reads neutral (analyze: no cue).
    await say("Puis-je parler à une personne ?");
    const [request] = await runtime.escalation.listHandoffs("demo-shop");
    expect(request).toMatchObject({ emotion: "frustrated" });
  });

  it("translates the product's notices: a Spanish customer asking for a person out of hours gets a follow-up notice in Spanish", async () => {
    const { runtime, say, clock } = await demo();
    clock.set(Date.UTC(2026, 0, 11, 9, 0)); // a Sunday: closed
    const outcome = await say("Quiero hablar con una persona, por favor");
    expect(outcome.reply?.language).toBe("es");
    expect(outcome.reply?.source).toBe("escalation:follow-up");
    expect(outcome.reply?.text).toBe(runtime.messages.t("es", "followUp.created"));
    expect(outcome.reply?.text).toMatch(/agente/);
  });
});

describe("a tenant with an LLM", () => {
  it("answers through the chat-completions server in the customer's language, and falls back to the knowledge base when it fails", async () => {
    const { startFakeChatCompletionsServer } = await import("../testing/fake-chat-completions-server.js");
    const server = await startFakeChatCompletionsServer({
      respond: ["Bien sûr ! Nous ouvrons à 9 h.", { status: 500 }],
    });
    try {
      const tenant = await loadTenantFile(DEMO_TENANT_FILE);
      const withLlm = { ...tenant, llm: { baseUrl: server.baseUrl, model: "local-model", maxRetries: 0 } };
      const runtime = await createLutinRuntime({
        store: createMemoryStore(),
        tenants: [withLlm],
        clock: new ManualClock(OPEN_HOURS),
      });
      const channel = new Channel();
      runtime.assistant.connect(channel);
      const say = (key: string, text: string) =>
        runtime.assistant.receive(channel, {
          key,
          tenant: "demo-shop",
          thread: "v9",
          from: "customer",
          at: OPEN_HOURS,
          text,
        });

      const first = await say("a", "Bonjour, à quelle heure ouvrez-vous ?");
      expect(first.reply).toMatchObject({
        text: "Bien sûr ! Nous ouvrons à 9 h.",
        source: "llm:local-model",
        language: "fr",
      });
      const system = String(server.requests[0]?.chat?.messages[0]?.content ?? "");
      expect(system).toMatch(/French \(fr\)/);

      const second = await say("b", "Et le samedi, quels sont vos horaires ?");
      expect(second.reply?.source).toMatch(/^knowledge-base:/);
      expect(second.reply?.text).toMatch(/samedi/i);
    } finally {
      await server.close();
    }
  });
});

describe("adding a tenant while running", () => {
  it("answers and counts for a tenant added after start (a Slack workspace that installs the app), with its own agents", async () => {
    const { runtime, channel, clock } = await demo();
    const template = await loadTenantFile(DEMO_TENANT_FILE);
    const workspace = {
      ...template,
      settings: { ...template.settings, id: "T0NEWTEAM", name: "New team" },
      agents: template.agents.map((agent) => ({ ...agent, tenant: "T0NEWTEAM" })),
    };
    const message = {
      key: "n1",
      tenant: "T0NEWTEAM",
      thread: "d1",
      from: "customer" as const,
      text: "Where is my order?",
    };
    await expect(runtime.assistant.receive(channel, { ...message, at: clock.now() })).rejects.toThrow(
      /T0NEWTEAM/,
    );

    await runtime.addTenant(workspace);
    clock.advance(1_000);
    const outcome = await runtime.assistant.receive(channel, { ...message, key: "n2", at: clock.now() });
    expect(outcome.reply?.text).toMatch(/order number/);
    expect(outcome.conversation?.counted).toBe(true);
    expect(await runtime.store.getTenant("T0NEWTEAM")).toMatchObject({ id: "T0NEWTEAM" });
    expect((await runtime.escalation.agentsOf("T0NEWTEAM")).map((agent) => agent.id).sort()).toEqual(
      template.agents.map((agent) => agent.id).sort(),
    );
  });
});

describe("issue 17, finding 3: no confident wrong topic, a person offered instead", () => {
  const complaint = "Ça fait trois fois que je demande, j'en ai marre !!!";

  it("a frustrated message that matches no entry well gets an apology and the offer of a person, not payment methods", async () => {
    const { runtime, say } = await demo();
    const outcome = await say(complaint);
    expect(outcome.reading?.emotion).toBe("frustrated");
    expect(outcome.reply?.text).not.toMatch(/paiement|PayPal|carte/i);
    expect(outcome.reply?.text).toBe(
      `${runtime.messages.t("fr", "tone.frustrated")} ${runtime.messages.t("fr", "assistant.dontKnowWithHuman")}`,
    );
  });

  it("a 'oui' to that offer hands the customer over", async () => {
    const { runtime, say } = await demo();
    await runtime.escalation.reportPresence("demo-shop", "ana", { isOnline: true, via: "web" });
    await say("Vendez-vous des vélos ?");
    const yes = await say("oui");
    expect(yes.reply?.source).toBe("escalation:handoff");
    const [request] = await runtime.escalation.listHandoffs("demo-shop");
    expect(request).toMatchObject({ reason: "asked_for_human" });
  });

  it("a 'oui' that answers nothing offered stays an ordinary message", async () => {
    const { say } = await demo();
    await say("Quels sont vos horaires d'ouverture ?");
    const yes = await say("oui");
    expect(yes.reply?.source).not.toMatch(/^escalation:/);
  });

  it("without Escalation the 'I don't know' carries the tenant's contact details", async () => {
    const { runtime, say } = await demo(["emotion", "polyglot", "memory"]);
    const outcome = await say("Vendez-vous des vélos ?");
    expect(outcome.reply?.text.startsWith(runtime.messages.t("fr", "assistant.dontKnow"))).toBe(true);
    expect(outcome.reply?.text).toMatch(/support@lutin-and-co\.example/);
  });
});
