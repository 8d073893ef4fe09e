import type { OutboundMessage } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "./slack-adapter.js";
import { FakeSlack } from "./testing/fake-slack.js";

const BOT_TOKEN = "xoxb-delivery";

const answer = (thread: string, text = "Your order ships today."): OutboundMessage => ({
  tenant: "default",
  thread,
  key: `reply:${thread}`,
  text,
  language: "en",
  direction: "ltr",
  actions: [
    { kind: "quick_reply", label: "Track my parcel", value: "Where is my parcel?" },
    { kind: "resolve", label: "C'est réglé", value: "resolved" },
  ],
});

describe("Slack delivery (chat.postMessage)", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** An adapter whose Retry-After waits are recorded instead of slept. */
  async function startDelivery(options: { rateLimitRetries?: number; maxRetryAfterSeconds?: number } = {}) {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
    const waits: number[] = [];
    const adapter = createSlackAdapter({
      botToken: BOT_TOKEN,
      signingSecret: "delivery-signing-secret",
      port: 0,
      host: "127.0.0.1",
      slackApiUrl: fake.url,
      sleep: async (milliseconds) => {
        waits.push(milliseconds);
      },
      ...options,
    });
    await adapter.start({
      receive: async () => ({
        status: "placed",
        conversation: null,
        reply: null,
        reading: null,
        enchantments: [],
      }),
    });
    cleanups.push(async () => {
      await adapter.stop();
      await fake.close();
    });
    const postCalls = () => fake.calls.filter((call) => call.method === "chat.postMessage").length;
    return { fake, adapter, waits, postCalls };
  }

  it("returns a receipt with Slack's ts, posting in the thread for a channel conversation", async () => {
    const { fake, adapter } = await startDelivery();
    const result = await adapter.send(answer("C0GENERAL:1712000000.000100"));
    const [post] = fake.posts();
    expect(result).toEqual({
      ok: true,
      deliveredAt: Math.round(Number(post?.ts) * 1000),
      platformMessageId: post?.ts,
    });
    expect(post).toMatchObject({ channel: "C0GENERAL", thread_ts: "1712000000.000100" });
    const buttons = (
      (post?.blocks.at(-1) ?? { elements: [] }) as {
        elements: Array<{ action_id: string; text: { text: string }; value: string }>;
      }
    ).elements;
    // The core's actions come first (its resolve label replaces the English one), then "Talk to a human".
    expect(buttons.map((button) => [button.action_id, button.text.text])).toEqual([
      ["lutin:quick-reply:0", "Track my parcel"],
      ["lutin:resolve", "C'est réglé"],
      ["lutin:human", "Talk to a human"],
    ]);
    expect(JSON.parse(buttons[0]?.value ?? "")).toEqual({
      thread: "C0GENERAL:1712000000.000100",
      value: "Where is my parcel?",
    });
  });

  it("honours Retry-After on 429 and then delivers", async () => {
    const { fake, adapter, waits, postCalls } = await startDelivery();
    fake.script(
      "chat.postMessage",
      { status: 429, error: "ratelimited", retryAfterSeconds: 2 },
      { status: 429, error: "ratelimited", retryAfterSeconds: 1 },
    );
    const result = await adapter.send(answer("D0RATE"));
    expect(result.ok).toBe(true);
    expect(waits).toEqual([2000, 1000]);
    expect(postCalls()).toBe(3);
  });

  it("gives up after 3 rate-limited retries with a retryable rate_limited failure", async () => {
    const { fake, adapter, waits, postCalls } = await startDelivery();
    fake.script(
      "chat.postMessage",
      ...Array.from({ length: 5 }, () => ({ status: 429, retryAfterSeconds: 1 })),
    );
    expect(await adapter.send(answer("D0RATE"))).toMatchObject({
      ok: false,
      reason: "rate_limited",
      retryable: true,
    });
    expect(waits).toEqual([1000, 1000, 1000]);
    expect(postCalls()).toBe(4);
  });

  it("does not wait for a Retry-After beyond the limit", async () => {
    const { fake, adapter, waits } = await startDelivery({ maxRetryAfterSeconds: 10 });
    fake.script("chat.postMessage", { status: 429, retryAfterSeconds: 60 });
    expect(await adapter.send(answer("D0RATE"))).toMatchObject({
      ok: false,
      reason: "rate_limited",
      retryable: true,
    });
    expect(waits).toEqual([]);
  });

  it.each([
    ["channel_not_found", "thread_gone", false],
    ["is_archived", "thread_gone", false],
    ["not_authed", "auth_failed", false],
    ["invalid_auth", "auth_failed", false],
    ["account_inactive", "auth_failed", false],
    ["msg_too_long", "too_long", false],
    ["restricted_action", "rejected", false],
    ["ratelimited", "rate_limited", true],
  ] as const)("maps Slack's %s to %s", async (error, reason, retryable) => {
    const { fake, adapter } = await startDelivery({ rateLimitRetries: 0 });
    fake.script("chat.postMessage", { error });
    const result = await adapter.send(answer("D0ERR"));
    expect(result).toMatchObject({ ok: false, reason, retryable });
    if (!result.ok) expect(result.detail).not.toContain("Your order ships today.");
  });

  it("reports a 5xx once as unreachable (the WebClient's own retries are off) and a dead API as unreachable", async () => {
    const { fake, adapter, postCalls } = await startDelivery();
    fake.script("chat.postMessage", { status: 503 });
    expect(await adapter.send(answer("D0DOWN"))).toMatchObject({
      ok: false,
      reason: "unreachable",
      retryable: true,
    });
    expect(postCalls()).toBe(1);
    await fake.close();
    expect(await adapter.send(answer("D0DOWN"))).toMatchObject({
      ok: false,
      reason: "unreachable",
      retryable: true,
    });
  });
});

describe("Slack adapter config", () => {
  it("names each missing or wrong field and the fix", () => {
    const saved = { ...process.env };
    for (const name of ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"])
      delete process.env[name];
    try {
      expect(() => createSlackAdapter({})).toThrow(/botToken: is missing.*signingSecret: is required/s);
      expect(() => createSlackAdapter({ botToken: "xoxp-user", signingSecret: "s" })).toThrow(
        /botToken: must be a bot token/,
      );
      expect(() => createSlackAdapter({ botToken: "xoxb-1", mode: "socket" })).toThrow(
        /appToken: is required for Socket Mode/,
      );
      expect(() =>
        createSlackAdapter({ botToken: "xoxb-1", signingSecret: "s", slackApiUrl: "http://127.0.0.1:1/" }),
      ).toThrow(/slackApiUrl: must end with \/api\//);
    } finally {
      process.env = saved;
    }
  });

  it("falls back to the environment and keeps the agents and follow-up channels for later", () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      SLACK_BOT_TOKEN: "xoxb-from-env",
      SLACK_APP_TOKEN: "xapp-from-env",
      SLACK_AGENTS_CHANNEL: "C0AGENTS",
      SLACK_FOLLOWUP_CHANNEL: "C0FOLLOW",
    });
    delete process.env.SLACK_SIGNING_SECRET;
    try {
      const adapter = createSlackAdapter({});
      expect(adapter.mode).toBe("socket");
      expect([adapter.agentsChannel, adapter.followUpChannel]).toEqual(["C0AGENTS", "C0FOLLOW"]);
    } finally {
      process.env = saved;
    }
  });
});
