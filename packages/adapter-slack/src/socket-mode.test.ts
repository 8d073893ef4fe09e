import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "./slack-adapter.js";
import { FakeSlack } from "./testing/fake-slack.js";
import { startRealCore } from "./testing/real-core.js";
import { channelMention, directMessage, eventCallback } from "./testing/slack-events.js";

const BOT_TOKEN = "xoxb-socket";
let sequence = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, "0")}`;

describe("Slack adapter in Socket Mode (local WebSocket speaking Slack's envelope protocol)", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function startSocketSystem() {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN, socketMode: true });
    const adapter = createSlackAdapter({
      botToken: BOT_TOKEN,
      appToken: "xapp-socket-test",
      slackApiUrl: fake.url,
    });
    const core = await startRealCore(adapter);
    cleanups.push(async () => {
      await core.stop();
      await fake.close();
    });
    const settled = async () => {
      await adapter.idle();
      await core.assistant.counter.idle();
    };
    return { fake, adapter, core, settled };
  }

  it("connects through apps.connections.open with the app token, acknowledges envelopes and answers", async () => {
    const { fake, adapter, core, settled } = await startSocketSystem();
    expect(adapter.mode).toBe("socket");
    expect(fake.calls.find((call) => call.method === "apps.connections.open")?.token).toBe(
      "xapp-socket-test",
    );
    const ts = nextTs();
    const { envelopeId, milliseconds } = await fake.sendEnvelope(
      eventCallback(directMessage("D0SOCK", ts, "is the shop open?"), { eventId: "Ev-s-1" }),
    );
    expect(fake.acks.map((ack) => ack.envelope_id)).toContain(envelopeId);
    expect(milliseconds).toBeLessThan(1000);
    await settled();
    expect(fake.posts().map((reply) => [reply.channel, reply.text])).toEqual([
      ["D0SOCK", "Answer to a 17-character message"],
    ]);
    expect((await core.ledger()).length).toBe(1);
  });

  it("counts a redelivered envelope (retry_attempt 1–3) and a double mention once", async () => {
    const { fake, core, settled } = await startSocketSystem();
    const payload = eventCallback(directMessage("D0SOCK2", nextTs(), "refund please"), { eventId: "Ev-s-2" });
    await fake.sendEnvelope(payload);
    for (const retryAttempt of [1, 2, 3]) await fake.sendEnvelope(payload, { retryAttempt });
    const ts = nextTs();
    const post = channelMention("C0SOCK", ts, "hello");
    await Promise.all([
      fake.sendEnvelope(eventCallback(post.appMention, { eventId: "Ev-s-3" })),
      fake.sendEnvelope(eventCallback(post.message, { eventId: "Ev-s-4" })),
    ]);
    await settled();
    expect(fake.posts().map((reply) => [reply.channel, reply.thread_ts])).toEqual([
      ["D0SOCK2", undefined],
      ["C0SOCK", ts],
    ]);
    expect((await core.ledger()).length).toBe(2);
  });
});
