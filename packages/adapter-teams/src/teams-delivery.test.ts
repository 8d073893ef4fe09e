import type { OutboundMessage } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { splitForTeams } from "./long-messages.js";
import { adaptiveCardOf, cardExecute, personalMessage } from "./testing/teams-activities.js";
import { teamsRuntimePerTest } from "./testing/teams-runtime.js";

const start = teamsRuntimePerTest();
const CHAT = "a:chat-delivery";

/** A runtime whose adapter records the waits it was asked for instead of sleeping, and a customer who wrote once. */
async function startWithCustomer(extra: Parameters<typeof start>[0] = {}) {
  const waits: number[] = [];
  const world = await start({
    ...extra,
    adapter: { sleep: async (milliseconds) => void waits.push(milliseconds), ...extra.adapter },
  });
  await world.send(personalMessage(world.parties, CHAT, "hello"));
  const before = world.connector.texts(CHAT).length;
  const message = (text: string, key = `reply-${Math.random()}`): OutboundMessage => ({
    tenant: world.tenantId,
    thread: CHAT,
    key,
    text,
    language: "en",
    direction: "ltr",
    author: "agent",
  });
  return { world, waits, before, message };
}

describe("Teams delivery through the Bot Connector", () => {
  it("waits Retry-After on 429 and 412, a bounded number of times, and returns the connector's activity id as the receipt (C7)", async () => {
    const { world, waits, before, message } = await startWithCustomer();
    world.connector.script(
      "sendToConversation",
      { status: 429, retryAfterSeconds: 2 },
      { status: 412 },
      { status: 429, retryAfterSeconds: 1 },
    );
    const result = await world.adapter.send(message("after the limits"));
    expect(result.ok).toBe(true);
    expect(waits).toEqual([2_000, 2_000, 1_000]);
    const posted = world.connector.posted(CHAT).filter((item) => item.activity.text === "after the limits");
    expect(posted).toHaveLength(1);
    expect(result.ok && result.platformMessageId).toBe(posted[0]?.id);
    expect(world.connector.texts(CHAT)).toHaveLength(before + 1);
  });

  it("gives up with a retryable rate_limited failure after the retries, or at once for a Retry-After past the maximum", async () => {
    const { world, waits, message } = await startWithCustomer({
      adapter: { rateLimitRetries: 2, maxRetryAfterSeconds: 30 },
    });
    world.connector.script(
      "sendToConversation",
      ...Array.from({ length: 3 }, () => ({ status: 429 as const, retryAfterSeconds: 1 })),
    );
    expect(await world.adapter.send(message("never"))).toMatchObject({
      ok: false,
      reason: "rate_limited",
      retryable: true,
    });
    expect(waits).toEqual([1_000, 1_000]);
    world.connector.script("sendToConversation", { status: 429, retryAfterSeconds: 120 });
    expect(await world.adapter.send(message("never either"))).toMatchObject({
      ok: false,
      reason: "rate_limited",
    });
    expect(waits).toHaveLength(2);
    expect(world.connector.texts(CHAT).filter((text) => text.startsWith("never"))).toEqual([]);
  });

  it("does not replay a create whose answer was lost (502 or 504 after the post, a time-out): one message, not retryable", async () => {
    const { world, waits, message } = await startWithCustomer({ adapter: { requestTimeoutMs: 300 } });
    for (const [status, text] of [
      [502, "lost behind a 502"],
      [504, "lost behind a 504"],
    ] as const) {
      world.connector.script("sendToConversation", { status, afterCommit: true });
      const result = await world.adapter.send(message(text));
      expect(result).toMatchObject({ ok: false, reason: "unreachable", retryable: false });
      expect(!result.ok && result.detail).toMatch(/may have arrived/);
      expect(world.connector.texts(CHAT).filter((posted) => posted === text)).toHaveLength(1);
    }
    world.connector.script("sendToConversation", { delayMs: 1_000 });
    const slow = await world.adapter.send(message("slow"));
    expect(slow).toMatchObject({ ok: false, reason: "unreachable", retryable: false });
    expect(waits).toEqual([]);
  });

  it("retries an idempotent update after a 502 or 504 (a PUT twice changes nothing)", async () => {
    const { world, waits } = await startWithCustomer();
    const card = world.connector.posted(CHAT).find((posted) => posted.activity.type === "message");
    expect(card).toBeDefined();
    // The customer uses the card's button: the card is redrawn with a PUT, retried through two gateway errors.
    world.connector.script("updateActivity", { status: 502 }, { status: 504 });
    const data = adaptiveCardOf(card?.activity)?.buttons[0]?.data;
    const response = await world.send(cardExecute(world.parties, CHAT, card?.id as string, data));
    expect(response.status).toBe(200);
    expect(world.connector.callsOf("updateActivity").map((call) => call.status)).toEqual([502, 504, 200]);
    expect(waits).toEqual([1_000, 2_000]);
    expect(world.connector.activity(card?.id as string)?.updates).toBe(1);
  });

  it("splits an answer over Teams' size into messages that join back to it, never cut; refuses what the connector still finds too big (too_long)", async () => {
    const { world, before, message } = await startWithCustomer({ adapter: { maxActivityBytes: 20_000 } });
    const paragraph = "Ceci est une phrase de réponse assez longue, avec des accents. ";
    const long = Array.from({ length: 700 }, (_, index) => `${index} ${paragraph}`).join("\n");
    const result = await world.adapter.send(message(long));
    expect(result.ok).toBe(true);
    const parts = world.connector.texts(CHAT).slice(before);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join("")).toBe(long);
    for (const part of parts) expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThanOrEqual(16_000);

    world.connector.script("sendToConversation", { status: 413 });
    expect(await world.adapter.send(message("refused as too big"))).toMatchObject({
      ok: false,
      reason: "too_long",
      retryable: false,
    });
  });

  it("splits at a boundary when there is one, and inside a word only when there is none, never inside a character", () => {
    expect(splitForTeams("short", 100)).toEqual(["short"]);
    const words = splitForTeams("alpha beta gamma delta epsilon", 14);
    expect(words.join("")).toBe("alpha beta gamma delta epsilon");
    for (const part of words) expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThanOrEqual(14);
    expect(words[0]).toBe("alpha beta ");
    const emoji = splitForTeams("😀".repeat(10), 12);
    expect(emoji.join("")).toBe("😀".repeat(10));
    expect(
      emoji.every((part) => !part.includes("\uFFFD") && Array.from(part).every((point) => point === "😀")),
    ).toBe(true);
  });

  it("fails with thread_gone for a thread it never saw, and auth_failed for another tenant", async () => {
    const { world, message } = await startWithCustomer();
    expect(await world.adapter.send({ ...message("x"), thread: "a:never-seen" })).toMatchObject({
      ok: false,
      reason: "thread_gone",
    });
    expect(await world.adapter.send({ ...message("x"), tenant: "other" })).toMatchObject({
      ok: false,
      reason: "auth_failed",
    });
  });
});
