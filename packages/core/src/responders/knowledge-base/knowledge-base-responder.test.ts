import { describe, expect, it } from "vitest";
import { LOW_CONFIDENCE } from "../../assistant/responder.js";
import { demoKnowledgeBase, demoOrderLookup, dontKnow, request } from "./demo-shop.test-support.js";
import type { FlowLookup } from "./flows.js";
import { createKnowledgeBaseResponder, MAX_SLOT_REASKS } from "./knowledge-base-responder.js";
import { listQuickReplies } from "./quick-replies.js";

const knowledgeBase = demoKnowledgeBase();
const responder = (orderStatus: FlowLookup = demoOrderLookup(), lookupTimeoutMs?: number) =>
  createKnowledgeBaseResponder({ knowledgeBase, lookups: { orderStatus }, dontKnow, lookupTimeoutMs });

describe("knowledge base responder: quick replies", () => {
  it("answers an exact label or trigger with confidence 1, whatever the case, accents and punctuation", async () => {
    const bot = responder();
    for (const [text, language] of [
      ["Opening hours", "en"],
      ["opening HOURS?!", "en"],
      ["HORAIRES", "fr"],
      ["heures d’ouverture", "fr"],
    ] as const) {
      const reply = await bot.respond(request(text, language));
      expect(reply).toMatchObject({
        confidence: 1,
        source: "knowledge-base:quick-reply:quick-opening-hours",
        topic: "opening-hours",
      });
      expect(reply.text).toBe(knowledgeBase.quickReplies[0]?.variants[language]?.answer);
    }
  });

  it("answers in the reply language even when the button was in another language", async () => {
    const reply = await responder().respond(request("Opening hours", "fr"));
    expect(reply.text).toContain("Du lundi au vendredi");
  });

  it("lists the buttons per language, falling back to the default language", () => {
    expect(listQuickReplies(knowledgeBase, "fr").map((button) => button.label)).toEqual([
      "Horaires",
      "Livraison",
      "Retours",
      "Moyens de paiement",
      "Nous contacter",
    ]);
    expect(listQuickReplies(knowledgeBase, "ja")[0]).toMatchObject({
      label: "Opening hours",
      language: "en",
    });
  });
});

describe("knowledge base responder: search", () => {
  it("answers paraphrases from the right entry in English and French", async () => {
    const bot = responder();
    const english = await bot.respond(request("how long will my parcel take to arrive?", "en"));
    expect(english).toMatchObject({ source: "knowledge-base:entry:delivery-times", topic: "delivery" });
    expect(english.text).toContain("Standard delivery takes 2 to 4 working days");
    expect(english.confidence).toBeGreaterThan(0.6);
    expect(english.state).toBeUndefined();

    const french = await bot.respond(request("Vous acceptez Paypal ?", "fr"));
    expect(french).toMatchObject({ source: "knowledge-base:entry:payment-methods", topic: "billing" });
    expect(french.text).toContain("Nous acceptons Visa");
  });

  it("finds a question asked in another language and answers in the reply language", async () => {
    const reply = await responder().respond(request("I forgot my password", "fr"));
    expect(reply.source).toBe("knowledge-base:entry:password-reset");
    expect(reply.text).toContain("Mot de passe oublié");
  });

  it("answers in the default language when the entry has no variant in the reply language", async () => {
    const reply = await responder().respond(
      request("Ho dimenticato la password, I forgot my password", "it"),
    );
    expect(reply.source).toBe("knowledge-base:entry:password-reset");
    expect(reply.text).toContain("Forgot password?");
  });

  it("says it does not know, with low confidence, when nothing matches", async () => {
    for (const [text, language] of [
      ["do you sell bicycles?", "en"],
      ["Vendez-vous des vélos ?", "fr"],
      ["🙂", "en"],
    ] as const) {
      const reply = await responder().respond(request(text, language));
      expect(reply.text).toBe(dontKnow(language));
      expect(reply.confidence).toBeLessThanOrEqual(0.2);
      expect(reply.confidence).toBeLessThan(LOW_CONFIDENCE);
      expect(reply.source).toBe("knowledge-base:none");
      expect(reply.state).toBeUndefined();
    }
  });
});

describe("knowledge base responder: the order-status flow", () => {
  it("runs the guide's example over three turns in English", async () => {
    const bot = responder();
    const first = await bot.respond(request("Where is my order?", "en"));
    expect(first.text).toMatch(/^What's your order number\?/);
    expect(first).toMatchObject({ source: "knowledge-base:flow:order-status", topic: "orders" });
    expect(first.state).toEqual({ flow: "order-status", slots: {}, awaiting: "orderNumber", attempts: 0 });

    // The pipeline stores the state as JSON and hands it back.
    const state = JSON.parse(JSON.stringify(first.state));
    const second = await bot.respond(request("#12345", "en", state));
    expect(second.text).toBe(
      "Your order #12345 has shipped: it left our warehouse yesterday and should arrive within 2 working days.",
    );
    expect(second.confidence).toBeGreaterThan(0.9);
    expect(second.state).toBeUndefined();
  });

  it("runs it in French", async () => {
    const bot = responder();
    const first = await bot.respond(request("Où est ma commande ?", "fr"));
    expect(first.text).toMatch(/^Quel est votre numéro de commande \?/);
    const second = await bot.respond(request("c'est la 12346", "fr", first.state));
    expect(second.text).toBe("Votre commande 12346 est en préparation et partira demain.");
  });

  it("skips the question when the first message already has the order number", async () => {
    const reply = await responder().respond(request("where is my order #12347", "en"));
    expect(reply.text).toBe("Your order #12347 was delivered on Monday to your pick-up point.");
    expect(reply.state).toBeUndefined();
  });

  it("starts from a search hit on the flow's triggers, not only from an exact trigger", async () => {
    const reply = await responder().respond(request("what is the status of my order", "en"));
    expect(reply.source).toBe("knowledge-base:flow:order-status");
    expect(reply.state).toMatchObject({ awaiting: "orderNumber" });
  });

  it(`re-asks an invalid number ${MAX_SLOT_REASKS} times with the invalid text, then gives up with dontKnow`, async () => {
    const bot = responder();
    let reply = await bot.respond(request("Where is my order?", "en"));
    for (let attempt = 1; attempt <= MAX_SLOT_REASKS; attempt++) {
      reply = await bot.respond(request("I don't have it", "en", reply.state));
      expect(reply.text).toMatch(/^That doesn't look like an order number/);
      expect(reply.state).toMatchObject({ awaiting: "orderNumber", attempts: attempt });
    }
    reply = await bot.respond(request("no idea", "en", reply.state));
    expect(reply).toMatchObject({ text: dontKnow("en"), source: "knowledge-base:none", topic: "orders" });
    expect(reply.confidence).toBeLessThanOrEqual(0.2);
    expect(reply.state).toBeUndefined();
  });

  it("lets the customer leave the flow with another question that matches strongly", async () => {
    const bot = responder();
    const first = await bot.respond(request("Where is my order?", "en"));
    const second = await bot.respond(request("Actually, how long does delivery take?", "en", first.state));
    expect(second.source).toBe("knowledge-base:entry:delivery-times");
    expect(second.state).toBeUndefined();

    const third = await bot.respond(request("Horaires", "fr", first.state));
    expect(third.source).toBe("knowledge-base:quick-reply:quick-opening-hours");
    expect(third.state).toBeUndefined();
  });

  it("says when the order is not found and asks again", async () => {
    const bot = responder();
    const first = await bot.respond(request("Track my order", "en"));
    const second = await bot.respond(request("#99999", "en", first.state));
    expect(second.text).toBe(
      "I can't find order #99999. Could you check the number in your confirmation email?",
    );
    expect(second.source).toBe("knowledge-base:flow:order-status:not-found");
    expect(second.state).toMatchObject({ slots: {}, awaiting: "orderNumber", attempts: 1 });
    const third = await bot.respond(request("sorry, 12348", "en", second.state));
    expect(third.text).toBe("Your order 12348 was cancelled at your request and refunded.");
  });

  it("hands the lookup the slots, the tenant, the language and a signal", async () => {
    const calls: unknown[] = [];
    const bot = responder(async (slots, context) => {
      calls.push({ slots, tenant: context.tenant, language: context.language, signal: context.signal });
      return { status: "est expédiée" };
    });
    const reply = await bot.respond(request("où est ma commande 12345", "fr"));
    expect(reply.text).toBe("Votre commande 12345 est expédiée.");
    expect(calls).toEqual([
      {
        slots: { orderNumber: "12345" },
        tenant: "lutin-and-co",
        language: "fr",
        signal: expect.any(AbortSignal),
      },
    ]);
  });

  it("apologises, below LOW_CONFIDENCE, when the lookup throws or returns something unusable", async () => {
    for (const lookup of [
      async () => {
        throw new Error("order system down");
      },
      async () => ({ status: 42 }) as unknown as Record<string, string>,
      async () => ({ somethingElse: "x" }),
    ] satisfies FlowLookup[]) {
      const reply = await responder(lookup).respond(request("where is my order #12345", "en"));
      expect(reply.text).toMatch(/^Sorry, I can't reach our order system right now/);
      expect(reply.confidence).toBeLessThan(LOW_CONFIDENCE);
      expect(reply.source).toMatch(/^knowledge-base:flow:order-status:unavailable:/);
      expect(reply.state).toBeUndefined();
    }
  });

  it("stops waiting for a lookup when the pipeline aborts, even if the lookup ignores its signal", async () => {
    let lookupSignal: AbortSignal | undefined;
    const bot = responder(async (_slots, context) => {
      lookupSignal = context.signal;
      return new Promise(() => {}); // never answers
    });
    const controller = new AbortController();
    const pending = bot.respond(request("where is my order #12345", "en", undefined, controller.signal));
    await Promise.resolve();
    controller.abort();
    const reply = await pending;
    expect(reply.source).toBe("knowledge-base:flow:order-status:unavailable:aborted");
    expect(reply.text).toMatch(/^Sorry, I can't reach our order system/);
    expect(lookupSignal?.aborted).toBe(true);
  });

  it("gives up on a lookup slower than lookupTimeoutMs", async () => {
    // A real 1 ms timer: the timeout is AbortSignal.timeout, which no fake clock drives.
    const bot = responder(
      (_slots, context) =>
        new Promise((_resolve, reject) =>
          context.signal.addEventListener("abort", () => reject(context.signal.reason)),
        ),
      1,
    );
    const reply = await bot.respond(request("where is my order #12345", "en"));
    expect(reply.source).toBe("knowledge-base:flow:order-status:unavailable:timeout");
  });

  it("ignores a state that does not fit the knowledge base any more", async () => {
    const reply = await responder().respond(
      request("how long does delivery take?", "en", {
        flow: "deleted-flow",
        slots: {},
        awaiting: "x",
        attempts: 0,
      }),
    );
    expect(reply.source).toBe("knowledge-base:entry:delivery-times");
  });
});

describe("knowledge base responder: remembered searches", () => {
  it("gives a repeated message the same answer as a responder that never saw it", async () => {
    const messages: [string, "en" | "fr" | "es" | "de"][] = [
      ["How long does the refund take?", "en"],
      ["Combien de jours pour la livraison ?", "fr"],
      ["Do you sell bicycles?", "en"],
      ["mot de passe oublie", "fr"],
      ["¿Cuánto tarda el envío?", "es"],
      ["Ich habe mein Passwort vergessen", "de"],
      ["still nothing", "en"],
    ];
    const warm = responder();
    for (const [text, language] of messages) await warm.respond(request(text, language));
    for (const [text, language] of messages) {
      const fresh = await responder().respond(request(text, language));
      expect(await warm.respond(request(text, language))).toEqual(fresh);
      // Same words, another reply language: not the remembered result of the first language.
      const other = language === "en" ? "fr" : "en";
      expect(await warm.respond(request(text, other))).toEqual(
        await responder().respond(request(text, other)),
      );
    }
  });
});
