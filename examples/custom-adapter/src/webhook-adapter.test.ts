import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type AdapterConformanceHarness, describeAdapterConformance } from "@lutingenie/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { sign } from "./signature.js";
import { createWebhookAdapter, type WebhookAdapter } from "./webhook-adapter.js";

const SECRET = "a-shared-secret-of-some-length";

/** The other system, played by a real HTTP server on 127.0.0.1 that receives the replies. */
async function startReceiver() {
  const received: Array<{ conversation: string; text: string; signature: string | undefined; body: string }> =
    [];
  let failures = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (failures > 0) {
        failures--;
        response.writeHead(503).end();
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const json = JSON.parse(body) as { conversation: string; text: string };
      received.push({ ...json, signature: request.headers["x-lutin-signature"] as string | undefined, body });
      response.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/replies`,
    received,
    failNext: () => {
      failures++;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function post(adapter: WebhookAdapter, body: string, headers: Record<string, string> = {}) {
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${adapter.url}/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-lutin-timestamp": String(timestamp),
      "x-lutin-signature": sign(SECRET, timestamp, body),
      ...headers,
    },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describeAdapterConformance("example signed webhook", async () => {
  const receiver = await startReceiver();
  let adapter: WebhookAdapter;
  return {
    createAdapter: () => {
      adapter = createWebhookAdapter({ secret: SECRET, deliveryUrl: receiver.url });
      return adapter;
    },
    async sendCustomerMessage(message) {
      const body = JSON.stringify({
        id: message.id,
        conversation: message.thread,
        text: message.text,
        origin: message.origin,
      });
      const { status } = await post(adapter, body);
      return { accepted: status === 200, status };
    },
    async sendMalformed(kind) {
      const body =
        kind === "unparsable"
          ? "{ not json"
          : kind === "missing_fields"
            ? JSON.stringify({ id: "x" })
            : JSON.stringify({ id: "s", conversation: "c", text: "hi" });
      const headers: Record<string, string> =
        kind === "bad_signature" ? { "x-lutin-signature": "v1=00" } : {};
      const { status } = await post(adapter, body, headers);
      return { accepted: status === 200, status };
    },
    delivered: async (thread) =>
      receiver.received.filter((reply) => reply.conversation === thread).map((reply) => reply.text),
    failNextDelivery: receiver.failNext,
    cleanup: receiver.close,
  } satisfies AdapterConformanceHarness;
});

describe("example signed webhook: its own checks", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("refuses a config without a secret or delivery URL, naming the fix", () => {
    expect(() => createWebhookAdapter({ secret: "short", deliveryUrl: "nope" })).toThrow(
      /secret: must be at least 16.*deliveryUrl/s,
    );
  });

  it("signs its deliveries so the receiver can check them", async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const adapter = createWebhookAdapter({ secret: SECRET, deliveryUrl: receiver.url });
    await adapter.start({
      receive: async () => ({
        status: "placed",
        conversation: null,
        reply: null,
        reading: null,
        enchantments: [],
      }),
    });
    cleanups.push(() => adapter.stop());
    const result = await adapter.send({
      tenant: "default",
      thread: "c-1",
      key: "reply:1",
      text: "Bonjour",
      language: "fr",
      direction: "ltr",
    });
    expect(result.ok).toBe(true);
    const [delivery] = receiver.received;
    expect(delivery?.signature).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it("answers 401 for a stale timestamp, 413 for an oversized body, 404 elsewhere", async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const adapter = createWebhookAdapter({ secret: SECRET, deliveryUrl: receiver.url, maxBodyBytes: 1024 });
    await adapter.start({
      receive: async () => ({
        status: "placed",
        conversation: null,
        reply: null,
        reading: null,
        enchantments: [],
      }),
    });
    cleanups.push(() => adapter.stop());
    const body = JSON.stringify({ id: "1", conversation: "c", text: "hi" });
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const staleResponse = await post(adapter, body, {
      "x-lutin-timestamp": String(stale),
      "x-lutin-signature": sign(SECRET, stale, body),
    });
    expect(staleResponse.status).toBe(401);
    expect(String(staleResponse.json.error)).toMatch(/5 minutes/);
    expect(
      (await post(adapter, JSON.stringify({ id: "1", conversation: "c", text: "x".repeat(2000) }))).status,
    ).toBe(413);
    expect((await fetch(`${adapter.url}/elsewhere`)).status).toBe(404);
  });

  it("reports a refused delivery as a typed failure, never a throw", async () => {
    const adapter = createWebhookAdapter({ secret: SECRET, deliveryUrl: "http://127.0.0.1:9/unreachable" });
    const result = await adapter.send({
      tenant: "default",
      thread: "c",
      key: "k",
      text: "t",
      language: "en",
      direction: "ltr",
    });
    expect(result).toMatchObject({ ok: false, reason: "unreachable", retryable: true });
  });
});
