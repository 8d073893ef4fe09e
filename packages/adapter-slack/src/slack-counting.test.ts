import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "./slack-adapter.js";
import { FakeSlack } from "./testing/fake-slack.js";
import { startRealCore } from "./testing/real-core.js";
import { channelMention, directMessage, eventCallback } from "./testing/slack-events.js";
import { postSignedToSlackEndpoint } from "./testing/slack-signature.js";

const BOT_TOKEN = "xoxb-counting";
const SIGNING_SECRET = "counting-signing-secret-0123";
let sequence = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, "0")}`;

/** The real Assistant and counter behind the real Bolt receiver, Slack played by the loopback fake. */
async function startSystem() {
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
  const adapter = createSlackAdapter({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    port: 0,
    host: "127.0.0.1",
    slackApiUrl: fake.url,
  });
  const core = await startRealCore(adapter);
  const send = (payload: unknown, retryNum?: number) =>
    postSignedToSlackEndpoint(
      `${adapter.url}/slack/events`,
      SIGNING_SECRET,
      JSON.stringify(payload),
      retryNum === undefined ? {} : { retryNum },
    );
  const settled = async () => {
    await adapter.idle();
    await core.assistant.counter.idle();
  };
  return {
    fake,
    adapter,
    core,
    send,
    settled,
    close: async () => {
      await core.stop();
      await fake.close();
    },
  };
}

describe("Slack adapter with the real core: one reply, one count", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("a mention delivered as app_mention and message, then retried 1–3 times, is answered and counted once", async () => {
    const system = await startSystem();
    cleanups.push(system.close);
    const ts = nextTs();
    const post = channelMention("C0HELP", ts, "my parcel is late");
    const asMention = eventCallback(post.appMention, { eventId: "Ev-m-1" });
    const asMessage = eventCallback(post.message, { eventId: "Ev-m-2" });
    const statuses = await Promise.all([system.send(asMention), system.send(asMessage)]);
    for (const retryNum of [1, 2, 3]) statuses.push(await system.send(asMention, retryNum));
    statuses.push(await system.send(asMessage, 1));
    expect(statuses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await system.settled();
    expect(system.fake.posts().map((reply) => [reply.channel, reply.thread_ts, reply.text])).toEqual([
      ["C0HELP", ts, "Answer to a 17-character message"],
    ]);
    expect((await system.core.ledger()).map((row) => row.delta)).toEqual([1]);
    expect((await system.core.conversations()).map((conversation) => conversation.thread)).toEqual([
      `C0HELP:${ts}`,
    ]);
  });

  it("a retry of an event whose reply failed is processed: answered and counted then (C7, C11)", async () => {
    const system = await startSystem();
    cleanups.push(system.close);
    system.fake.script("chat.postMessage", { error: "internal_error" });
    const payload = eventCallback(directMessage("D0AGAIN", nextTs(), "hello?"), { eventId: "Ev-again" });
    await system.send(payload);
    await system.settled();
    expect(system.fake.posts()).toEqual([]);
    expect(await system.core.ledger()).toEqual([]);

    await system.send(payload, 1);
    await system.send(payload, 2);
    await system.settled();
    expect(system.fake.posts().map((reply) => reply.channel)).toEqual(["D0AGAIN"]);
    expect((await system.core.ledger()).length).toBe(1);
  });
});
