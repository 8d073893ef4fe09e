import { LutinError } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { characterCount } from "./long-messages.js";
import { createSlackAdapter } from "./slack-adapter.js";
import { FakeSlack } from "./testing/fake-slack.js";
import { startRealCore } from "./testing/real-core.js";
import { channelMention, channelMessage, directMessage, eventCallback } from "./testing/slack-events.js";
import { postSignedToSlackEndpoint } from "./testing/slack-signature.js";

const BOT_TOKEN = "xoxb-long-messages";
const SIGNING_SECRET = "long-messages-signing-secret";
let sequence = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, "0")}`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real Assistant and counter behind the real adapter; `environment` is what the adapter falls back to. */
async function startSystem(environment: NodeJS.ProcessEnv = {}) {
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
  const adapter = createSlackAdapter(
    { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, host: "127.0.0.1", slackApiUrl: fake.url },
    environment,
  );
  const core = await startRealCore(adapter);
  cleanups.push(async () => {
    await core.stop();
    await fake.close();
  });
  const send = async (event: Record<string, unknown>) => {
    const response = await postSignedToSlackEndpoint(
      `${adapter.url}/slack/events`,
      SIGNING_SECRET,
      JSON.stringify(eventCallback(event, { eventId: `EvLong${++sequence}` })),
    );
    expect(response.status).toBe(200);
    await adapter.idle();
    await core.assistant.counter.idle();
    return response;
  };
  return { fake, adapter, core, send };
}

describe("Slack: customer messages over the length limit", () => {
  it("a 40,000-character DM gets a polite reply with the limit and opens no conversation (C1, C7, C8); 4,000 characters, emoji counted as one each, are answered and counted", async () => {
    const { fake, core, send } = await startSystem();
    const response = await send(directMessage("D0LONG", nextTs(), "a".repeat(40_000)));
    expect(response.milliseconds).toBeLessThan(2_000);
    const [notice] = fake.posts();
    expect(notice?.channel).toBe("D0LONG");
    expect(notice?.thread_ts).toBeUndefined();
    expect(notice?.text).toMatch(/too long.*40,000 characters.*up to 4,000.*shorten it/s);
    // Not a conversation at all: nothing to count, nothing to cancel, nothing in the history.
    expect(await core.conversations()).toEqual([]);
    expect(await core.ledger()).toEqual([]);

    await send(directMessage("D0LONG", nextTs(), "😀".repeat(4_000))); // 8,000 UTF-16 units, 4,000 characters
    expect(fake.posts()).toHaveLength(2);
    expect(fake.posts()[1]?.text).toMatch(/^Answer to a/);
    expect(await core.conversations()).toHaveLength(1);
    expect(await core.ledger()).toHaveLength(1);
    expect(characterCount("😀é")).toBe(2);
  });

  it("a mention over the limit is told once in its thread (app_mention and message both arrive), and a shorter reply in that thread is answered", async () => {
    const { fake, core, send } = await startSystem();
    const root = nextTs();
    const long = channelMention("C0GENERAL", root, "b".repeat(5_000));
    await Promise.all([send(long.appMention), send(long.message)]);
    await send(long.message); // Slack's retry
    expect(fake.posts().map((post) => [post.channel, post.thread_ts])).toEqual([["C0GENERAL", root]]);
    expect(fake.posts()[0]?.text).toMatch(/5,000 characters/);
    expect(await core.conversations()).toEqual([]);

    await send(channelMessage("C0GENERAL", nextTs(), "Where is order 1234?", root));
    expect(fake.posts().map((post) => [post.channel, post.thread_ts])).toEqual([
      ["C0GENERAL", root],
      ["C0GENERAL", root],
    ]);
    expect(fake.posts()[1]?.text).toMatch(/^Answer to a/);
    expect(await core.ledger()).toHaveLength(1);
  });

  it("the limit is configurable with SLACK_MAX_MESSAGE_LENGTH (validated: a whole number from 1 to 40,000)", async () => {
    const { fake, core, send } = await startSystem({ SLACK_MAX_MESSAGE_LENGTH: "100" });
    await send(directMessage("D0SHORT", nextTs(), "c".repeat(101)));
    expect(fake.posts()[0]?.text).toMatch(/101 characters.*up to 100\b/s);
    await send(directMessage("D0SHORT", nextTs(), "c".repeat(100)));
    expect(fake.posts()[1]?.text).toMatch(/^Answer to a/);
    expect(await core.conversations()).toHaveLength(1);

    for (const value of ["lots", "0", "40001", "12.5"]) {
      let thrown: unknown;
      try {
        createSlackAdapter(
          { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET },
          { SLACK_MAX_MESSAGE_LENGTH: value },
        );
      } catch (error) {
        thrown = error;
      }
      expect(LutinError.isInstance(thrown, "ADAPTER_CONFIG_INVALID"), value).toBe(true);
      expect((thrown as Error).message).toMatch(
        /maxMessageLength: must be a whole number of characters from 1 to 40000 \(SLACK_MAX_MESSAGE_LENGTH\)/,
      );
    }
  });
});
