import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import {
  type FakeChatCompletionsServer,
  startFakeChatCompletionsServer,
} from "./fake-chat-completions-server.js";

let server: FakeChatCompletionsServer;
afterEach(async () => {
  await server?.close();
});

const valid = { model: "m", messages: [{ role: "user", content: "Hi" }] };

async function post(
  body: unknown,
  headers: Record<string, string> = {},
  path = "/v1/chat/completions",
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) };
}

describe("fake chat-completions server", () => {
  it("answers in the real response shape and records the request", async () => {
    server = await startFakeChatCompletionsServer({ clock: new ManualClock("2026-03-01T00:00:00Z") });
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}/v1`);
    const { status, json } = await post(valid);
    expect(status).toBe(200);
    expect(json).toEqual({
      id: "chatcmpl-fake-1",
      object: "chat.completion",
      created: Date.parse("2026-03-01T00:00:00Z") / 1000,
      model: "m",
      choices: [
        { index: 0, message: { role: "assistant", content: "ok" }, logprobs: null, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: 1, total_tokens: expect.any(Number) },
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      status: 200,
      chat: valid,
    });
  });

  it("checks the Bearer key and answers 401 in the provider's error format", async () => {
    server = await startFakeChatCompletionsServer({ apiKey: "sk-right" });
    expect(await post(valid, { authorization: "Bearer sk-wrong" })).toEqual({
      status: 401,
      json: {
        error: {
          message: "Incorrect API key provided: sk-wrong.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
    });
    expect((await post(valid)).status).toBe(401);
    expect((await post(valid, { authorization: "Bearer sk-right" })).status).toBe(200);
  });

  it.each([
    ["not json", "invalid_json"],
    [{ messages: valid.messages }, "model"],
    [{ model: "m", messages: [] }, "messages"],
    [{ model: "m", messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
    [{ model: "m", messages: [{ role: "user" }] }, "messages[0].content"],
    [{ ...valid, temperature: 5 }, "temperature"],
    [{ ...valid, max_tokens: 0 }, "max_tokens"],
    [{ ...valid, stream: true }, "stream"],
  ])("rejects an invalid body %j with 400", async (body, where) => {
    server = await startFakeChatCompletionsServer({ respond: () => "never" });
    const { status, json } = await post(body);
    expect(status).toBe(400);
    const error = (json as { error: { param: string | null; code: string | null } }).error;
    expect([error.param, error.code]).toContain(where);
    expect(server.requests[0]?.chat).toBeUndefined();
  });

  it("answers 404 for another path or an unknown model", async () => {
    server = await startFakeChatCompletionsServer({ models: ["m"] });
    expect(await post(valid, {}, "/chat/completions")).toMatchObject({
      status: 404,
      json: { error: { code: "unknown_url" } },
    });
    expect(await post({ ...valid, model: "other" })).toMatchObject({
      status: 404,
      json: { error: { code: "model_not_found" } },
    });
  });

  it("plays a list in order, repeating the last entry, and a function with the request index", async () => {
    server = await startFakeChatCompletionsServer({
      respond: [
        { status: 503, body: { error: { message: "busy" } }, headers: { "retry-after": "1" } },
        "fine",
      ],
    });
    expect((await post(valid)).status).toBe(503);
    expect((await post(valid)).status).toBe(200);
    expect((await post(valid)).status).toBe(200);
    server.respondWith((request, context) => `${context.index}:${request.messages.length}`);
    const { json } = await post(valid);
    expect((json as { choices: [{ message: { content: string } }] }).choices[0].message.content).toBe("3:1");
  });

  it("drops the connection when told to", async () => {
    server = await startFakeChatCompletionsServer({ respond: ["drop"] });
    await expect(post(valid)).rejects.toThrow(/fetch failed/);
    expect(server.requests[0]?.status).toBe(0);
  });

  it("closes with a delayed answer pending and open connections", async () => {
    server = await startFakeChatCompletionsServer({ respond: [{ delayMs: 60_000 }] });
    const pending = post(valid).catch((error: unknown) => error);
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    await server.close();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
