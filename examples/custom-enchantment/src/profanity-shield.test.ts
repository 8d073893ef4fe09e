import {
  Assistant,
  type ChannelAdapter,
  ConversationCounter,
  createBillingDirectory,
  createMemoryStore,
  createTenant,
  DEFAULT_PLAN_CATALOG,
  type DeliveryResult,
  fixedEnchantments,
  type OutboundMessage,
  type Responder,
} from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { profanityShield } from "./profanity-shield.js";

/** Runs the enchantment inside the real assistant pipeline, as a tenant would. */
async function pipelineWith(responder: Responder) {
  const store = createMemoryStore();
  await store.putTenant(
    createTenant({ id: "default", plan: "starter", startedAt: Date.UTC(2026, 0, 1) }, DEFAULT_PLAN_CATALOG),
  );
  const sent: OutboundMessage[] = [];
  const channel: ChannelAdapter = {
    channel: "web",
    async start() {},
    async stop() {},
    async send(message): Promise<DeliveryResult> {
      sent.push(message);
      return { ok: true, deliveredAt: Date.now() };
    },
  };
  const assistant = new Assistant({
    counter: new ConversationCounter({
      store,
      billing: createBillingDirectory({ store, catalog: DEFAULT_PLAN_CATALOG }),
    }),
    store,
    responder,
    messages: { t: (_language, key) => key, dir: () => "ltr" },
    enchantments: [profanityShield()],
    policy: fixedEnchantments(["profanity-shield"]),
  });
  assistant.connect(channel);
  let sequence = 0;
  const say = (text: string) =>
    assistant.receive(channel, {
      key: `m${++sequence}`,
      thread: "t",
      from: "customer",
      at: Date.now(),
      text,
    });
  return { say, sent };
}

describe("profanity shield (example enchantment)", () => {
  it("masks profanity the responder repeats", async () => {
    const { say } = await pipelineWith({
      name: "parrot",
      respond: async (request) => ({ text: `You said: ${request.text}`, confidence: 0.9, source: "parrot" }),
    });
    expect((await say("this is shit")).reply?.text).toBe("You said: this is s***");
    expect((await say("Shitake mushrooms")).reply?.text).toBe("You said: Shitake mushrooms");
  });

  it("answers with a boundary message from the third abusive message, without calling the responder", async () => {
    let calls = 0;
    const { say } = await pipelineWith({
      name: "counting",
      respond: async () => {
        calls++;
        return { text: "ok", confidence: 0.9, source: "counting" };
      },
    });
    await say("you idiot");
    await say("merde alors");
    const third = await say("fucking useless");
    expect(third.reply?.source).toBe("profanity-shield:boundary");
    expect(third.reply?.text).toMatch(/respectful/);
    expect(calls).toBe(2);
  });
});
