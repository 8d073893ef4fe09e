import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emotion } from "../../assistant/emotion.js";
import type { LanguageCode } from "../../assistant/language.js";
import {
  LOW_CONFIDENCE,
  type Responder,
  type ResponderReply,
  type ResponderRequest,
  type WindowMessage,
} from "../../assistant/responder.js";
import { LutinError } from "../../errors.js";
import {
  chatCompletionBody,
  type FakeChatCompletionsServer,
  type FakeChatScript,
  startFakeChatCompletionsServer,
} from "../../testing/fake-chat-completions-server.js";
import { expectLutinError } from "../../testing/index.js";
import { createLlmResponder, type LlmResponderOptions } from "./llm-responder.js";

const KEY = "sk-test-4f9a1c7e2b";
const MODEL = "support-model-7b";
const FALLBACK_REPLY: ResponderReply = {
  text: "Refunds take 5 working days.",
  confidence: 0.6,
  source: "knowledge-base:refunds",
  topic: "refunds",
};

let server: FakeChatCompletionsServer;
let fallbackCalls: ResponderRequest[];
let delays: number[];
let errors: LutinError[];
const fallback: Responder = {
  name: "knowledge-base",
  async respond(request) {
    fallbackCalls.push(request);
    return FALLBACK_REPLY;
  },
};

beforeEach(() => {
  fallbackCalls = [];
  delays = [];
  errors = [];
});
afterEach(async () => {
  await server?.close();
});

async function start(script: FakeChatScript, options: { keyless?: boolean } = {}): Promise<void> {
  server = await startFakeChatCompletionsServer({
    respond: script,
    models: [MODEL],
    ...(options.keyless ? {} : { apiKey: KEY }),
  });
}

function responder(
  config: Record<string, unknown> = {},
  options: Partial<LlmResponderOptions> = {},
): Responder {
  return createLlmResponder(
    { baseUrl: server.baseUrl, model: MODEL, apiKey: KEY, retryBaseDelayMs: 400, ...config },
    {
      fallback,
      sleep: async (milliseconds) => {
        delays.push(milliseconds);
      },
      random: () => 0.5,
      environment: {},
      onError: (error) => errors.push(error),
      ...options,
    },
  );
}

function request(overrides: Partial<ResponderRequest> = {}): ResponderRequest {
  const window: WindowMessage[] = [
    { from: "customer", text: "Bonjour, ma commande n'est pas arrivée", at: 1 },
    { from: "assistant", text: "Pouvez-vous me donner le numéro ?", at: 2 },
    { from: "system", text: "handoff requested", at: 3 },
    { from: "agent", text: "Je regarde votre commande.", at: 4 },
    { from: "customer", text: "C'est la 3e fois que je demande !", at: 5 },
  ];
  return {
    tenant: "acme",
    text: "C'est la 3e fois que je demande !",
    window,
    language: "fr" satisfies LanguageCode,
    emotion: "frustrated" satisfies Emotion,
    state: { flow: "refund", step: 2 },
    signal: new AbortController().signal,
    ...overrides,
  };
}

function systemPromptOf(index = 0): string {
  const message = server.requests[index]?.chat?.messages[0];
  expect(message?.role).toBe("system");
  return message?.content ?? "";
}

describe("LLM responder against a chat-completions server", () => {
  it("sends the model, the settings, the system prompt and the mapped window, with the key", async () => {
    await start(["Je suis désolé pour ce retard. Votre colis arrive demain."]);
    const reply = await responder({
      temperature: 0.1,
      maxTokens: 200,
      systemPrompt: "Never promise refunds.",
    }).respond(request());

    expect(reply).toEqual({
      text: "Je suis désolé pour ce retard. Votre colis arrive demain.",
      confidence: 0.8,
      source: `llm:${MODEL}`,
      state: { flow: "refund", step: 2 },
    });
    expect(fallbackCalls).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0];
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.headers["content-type"]).toBe("application/json");
    expect(sent?.chat).toMatchObject({ model: MODEL, temperature: 0.1, max_tokens: 200 });
    expect(sent?.chat?.messages.slice(1)).toEqual([
      { role: "user", content: "Bonjour, ma commande n'est pas arrivée" },
      { role: "assistant", content: "Pouvez-vous me donner le numéro ?" },
      { role: "assistant", content: "Agent: Je regarde votre commande." },
      { role: "user", content: "C'est la 3e fois que je demande !" },
    ]);
    const prompt = systemPromptOf();
    expect(prompt).toContain("customer-support assistant of acme");
    expect(prompt).toContain("MUST answer in French (fr)");
    expect(prompt).toMatch(/empathetic: acknowledge the problem/);
    expect(prompt).toContain("[[unsure]]");
    expect(prompt.indexOf("Never promise refunds.")).toBeGreaterThan(prompt.indexOf("MUST answer in"));
  });

  it("sets the tone from the emotion and names the language in English", async () => {
    await start(["ok"]);
    const llm = responder({ companyName: "Acme Shoes" });
    const tones: Record<Emotion, RegExp> = {
      frustrated: /empathetic/,
      happy: /warm and enthusiastic/,
      confused: /step by step/,
      urgent: /direct: give the shortest path/,
      neutral: /friendly and concise/,
    };
    const emotions = Object.keys(tones) as Emotion[];
    for (const emotion of emotions) await llm.respond(request({ emotion, language: "ja" }));
    emotions.forEach((emotion, index) => {
      const prompt = systemPromptOf(index);
      expect(prompt).toMatch(tones[emotion]);
      for (const other of emotions) if (other !== emotion) expect(prompt).not.toMatch(tones[other]);
      expect(prompt).toContain("MUST answer in Japanese (ja)");
      expect(prompt).toContain("assistant of Acme Shoes");
    });
  });

  it("adds the latest message when the window does not end with it", async () => {
    await start(["ok"]);
    await responder().respond(request({ window: [], text: "Hello?" }));
    expect(server.requests[0]?.chat?.messages.slice(1)).toEqual([{ role: "user", content: "Hello?" }]);
  });

  it("reads the key from LUTIN_LLM_API_KEY when the configuration has none, and sends none for a keyless server", async () => {
    await start(["ok"]);
    await createLlmResponder(
      { baseUrl: server.baseUrl, model: MODEL },
      { fallback, environment: { LUTIN_LLM_API_KEY: KEY } },
    ).respond(request());
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    await server.close();

    await start(["ok"], { keyless: true });
    const reply = await createLlmResponder(
      { baseUrl: server.baseUrl, model: MODEL, organization: "org-1", headers: { "x-tenant": "acme" } },
      { fallback, environment: {} },
    ).respond(request());
    expect(reply.source).toBe(`llm:${MODEL}`);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[0]?.headers["openai-organization"]).toBe("org-1");
    expect(server.requests[0]?.headers["x-tenant"]).toBe("acme");
  });

  it("retries a 500 and answers with the second attempt", async () => {
    await start([{ status: 500, body: { error: { message: "boom", type: "server_error" } } }, "Voilà."]);
    const reply = await responder().respond(request());
    expect(reply.text).toBe("Voilà.");
    expect(server.requests.map((sent) => sent.status)).toEqual([500, 200]);
    // random 0.5 with equal jitter: half of 400 fixed + a quarter of 400.
    expect(delays).toEqual([300]);
    expect(errors).toEqual([]);
  });

  it("backs off exponentially and falls back once the retries are spent", async () => {
    await start([{ status: 503 }]);
    const reply = await responder({ maxRetries: 3, retryMaxDelayMs: 1_000 }, { random: () => 1 }).respond(
      request(),
    );
    expect(reply).toBe(FALLBACK_REPLY);
    expect(server.requests).toHaveLength(4);
    expect(delays).toEqual([400, 800, 1_000]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe("RESPONDER_FAILED");
    expect(errors[0]?.message).toBe("the LLM server gave no usable answer in 4 attempts (last: HTTP 503)");
  });

  it("honours Retry-After on a 429 (seconds, milliseconds, and capped)", async () => {
    await start([
      { status: 429, headers: { "retry-after": "3" } },
      { status: 429, headers: { "retry-after-ms": "1250" } },
      { status: 429, headers: { "retry-after": "120" } },
      "enfin",
    ]);
    const reply = await responder({ maxRetries: 3, retryMaxDelayMs: 20_000 }).respond(request());
    expect(reply.text).toBe("enfin");
    expect(delays).toEqual([3_000, 1_250, 20_000]);
  });

  it("retries after a per-attempt time-out, then falls back", async () => {
    await start([{ delayMs: 5_000, reply: "too late" }]);
    const started = Date.now();
    const reply = await responder({ timeoutMs: 100, maxRetries: 1 }).respond(request());
    expect(reply).toBe(FALLBACK_REPLY);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(2);
    expect(fallbackCalls).toHaveLength(1);
    expect(errors[0]?.message).toBe(
      "the LLM server gave no usable answer in 2 attempts (last: no answer within 100 ms)",
    );
  });

  it("answers with a retry that comes in time after a time-out", async () => {
    await start([{ delayMs: 5_000 }, "à l'heure"]);
    const reply = await responder({ timeoutMs: 100 }).respond(request());
    expect(reply.text).toBe("à l'heure");
    expect(server.requests).toHaveLength(2);
  });

  it("retries a dropped connection", async () => {
    await start(["drop", "reconnected"]);
    const reply = await responder().respond(request());
    expect(reply.text).toBe("reconnected");
    expect(server.requests).toHaveLength(2);
  });

  it("falls back when every connection drops, reporting a network error", async () => {
    await start(["drop"]);
    const reply = await responder({ maxRetries: 1 }).respond(request());
    expect(reply).toBe(FALLBACK_REPLY);
    expect(errors[0]?.message).toMatch(
      /^the LLM server gave no usable answer in 2 attempts \(last: network error \(/,
    );
  });

  it("falls back at once on a wrong key, and reports it without the key", async () => {
    await start(["never"]);
    const wrongKey = "sk-wrong-93c1d77aa0";
    const reply = await responder({ apiKey: wrongKey }).respond(request());
    expect(reply).toBe(FALLBACK_REPLY);
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(errors).toHaveLength(1);
    const error = errors[0] as LutinError;
    expect(error.code).toBe("LLM_CONFIG_INVALID");
    expect(error.message).toBe("the LLM server rejected the API key (401): check llm.apiKey");
    // The fake's 401 body echoes the wrong key, as real providers partly do: none of it may be copied.
    expect(server.requests[0]?.status).toBe(401);
    const everything = `${error.describe()} ${JSON.stringify(error.details)} ${String(error.stack)}`;
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(wrongKey.slice(3, 12));
  });

  it.each([
    [403, { status: 403, body: { error: { message: "no", type: "permission_error", code: null } } }, /403/],
    [404, { status: 404 }, /no chat-completions endpoint there \(404\): check llm.baseUrl/],
    [
      400,
      { status: 400, body: { error: { code: "context_length_exceeded" } } },
      /400, context_length_exceeded/,
    ],
  ] as const)("does not retry a %i", async (_status, behaviour, message) => {
    await start([behaviour]);
    const reply = await responder().respond(request());
    expect(reply).toBe(FALLBACK_REPLY);
    expect(server.requests).toHaveLength(1);
    expect(errors[0]?.code).toBe("LLM_CONFIG_INVALID");
    expect(errors[0]?.message).toMatch(message);
  });

  it("names a model the server does not serve", async () => {
    await start(["never"]);
    await responder({ model: "gpt-9" }).respond(request());
    expect(server.requests).toHaveLength(1);
    expect(errors[0]?.message).toBe('the LLM server does not serve model "gpt-9" (404): check llm.model');
  });

  it.each([
    ["malformed JSON", { status: 200, body: '{"choices": [' }],
    ["no choices", { status: 200, body: { ...chatCompletionBody(MODEL, "x"), choices: [] } }],
    ["empty content", { status: 200, body: chatCompletionBody(MODEL, "   ") }],
    ["empty content", { status: 200, body: chatCompletionBody(MODEL, null) }],
    ["empty content", "[[unsure]]"],
  ] as const)("falls back without retrying on %s", async (problem, behaviour) => {
    await start([behaviour]);
    const reply = await responder().respond(request());
    expect(reply).toBe(FALLBACK_REPLY);
    expect(server.requests).toHaveLength(1);
    expect(errors[0]?.code).toBe("RESPONDER_FAILED");
    expect(errors[0]?.message).toBe(`the LLM server answered without a usable reply (${problem})`);
  });

  it("strips the unsure marker and answers with low confidence", async () => {
    await start(["Je ne suis pas certain [[UNSURE]] du délai. [[unsure]]"]);
    const reply = await responder().respond(request());
    expect(reply.text).toBe("Je ne suis pas certain du délai.");
    expect(reply.confidence).toBe(0.2);
    expect(reply.confidence).toBeLessThan(LOW_CONFIDENCE);
    expect(fallbackCalls).toHaveLength(0);
  });

  it("uses the configured confidence, marker and unsure confidence", async () => {
    await start(["Sure thing.", "No idea <?>"]);
    const llm = responder({ confidence: 0.9, unsureMarker: "<?>", unsureConfidence: 0.1 });
    expect((await llm.respond(request())).confidence).toBe(0.9);
    const unsure = await llm.respond(request());
    expect(unsure).toMatchObject({ text: "No idea", confidence: 0.1 });
    expect(systemPromptOf(1)).toContain("add <?> at the very end");
  });

  it("drops a reasoning model's <think> block", async () => {
    await start(["<think>The customer wants a date.</think>\n\nDemain."]);
    expect((await responder().respond(request())).text).toBe("Demain.");
  });

  it("throws RESPONDER_TIMEOUT when aborted during a request, without calling the fallback", async () => {
    await start([{ delayMs: 5_000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expectLutinError(responder().respond(request({ signal: controller.signal })), "RESPONDER_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
    expect(fallbackCalls).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it("does not fall back when the abort comes during the last attempt", async () => {
    await start([{ delayMs: 5_000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const llm = responder({ maxRetries: 0 });
    await expectLutinError(llm.respond(request({ signal: controller.signal })), "RESPONDER_TIMEOUT");
    expect(fallbackCalls).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it("throws RESPONDER_TIMEOUT when aborted while waiting to retry", async () => {
    await start([{ status: 502 }, "never asked"]);
    const controller = new AbortController();
    const llm = responder(
      {},
      {
        sleep: (milliseconds) => {
          delays.push(milliseconds);
          controller.abort();
          return new Promise(() => {});
        },
      },
    );
    await expectLutinError(llm.respond(request({ signal: controller.signal })), "RESPONDER_TIMEOUT");
    expect(server.requests).toHaveLength(1);
    expect(fallbackCalls).toHaveLength(0);
  });

  it("sends nothing when the signal is already aborted", async () => {
    await start(["never"]);
    await expectLutinError(
      responder().respond(request({ signal: AbortSignal.abort() })),
      "RESPONDER_TIMEOUT",
    );
    expect(server.requests).toHaveLength(0);
  });

  it("waits for real with the default sleep and stops waiting on abort", async () => {
    await start([{ status: 500 }, "after a real wait"]);
    const llm = createLlmResponder(
      { baseUrl: server.baseUrl, model: MODEL, apiKey: KEY, retryBaseDelayMs: 60, retryMaxDelayMs: 60 },
      { fallback, environment: {}, random: () => 1 },
    );
    const started = Date.now();
    expect((await llm.respond(request())).text).toBe("after a real wait");
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);

    server.respondWith([{ status: 500 }]);
    const controller = new AbortController();
    const slow = createLlmResponder(
      {
        baseUrl: server.baseUrl,
        model: MODEL,
        apiKey: KEY,
        retryBaseDelayMs: 30_000,
        retryMaxDelayMs: 30_000,
      },
      { fallback, environment: {} },
    );
    setTimeout(() => controller.abort(), 50);
    const abortedAt = Date.now();
    await expectLutinError(slow.respond(request({ signal: controller.signal })), "RESPONDER_TIMEOUT");
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
  });

  it("still falls back when onError throws", async () => {
    await start([{ status: 401 }]);
    const llm = responder(
      {},
      {
        onError: () => {
          throw new Error("reporting is down");
        },
      },
    );
    expect(await llm.respond(request())).toBe(FALLBACK_REPLY);
  });

  it("rejects an invalid configuration when created", () => {
    expect(() => createLlmResponder({ baseUrl: "localhost:11434", model: MODEL }, { fallback })).toThrow(
      /llm.baseUrl/,
    );
    try {
      createLlmResponder({ baseUrl: "http://127.0.0.1:1/v1", model: "", apiKey: KEY }, { fallback });
      expect.unreachable();
    } catch (error) {
      expect(LutinError.isInstance(error, "LLM_CONFIG_INVALID")).toBe(true);
    }
  });
});
