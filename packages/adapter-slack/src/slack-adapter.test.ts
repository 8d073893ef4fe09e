import { createHmac } from "node:crypto";
import { type InboundEventInput, silentLogger, type TurnOutcome } from "@lutingenie/core";
import { type AdapterConformanceHarness, describeAdapterConformance } from "@lutingenie/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { unescapeText } from "./reply-blocks.js";
import { createSlackAdapter, type SlackAdapter } from "./slack-adapter.js";
import { FakeSlack } from "./testing/fake-slack.js";
import { channelMention, channelMessage, directMessage, eventCallback } from "./testing/slack-events.js";
import { postSignedToSlackEndpoint, signSlackRequest } from "./testing/slack-signature.js";

const BOT_TOKEN = "xoxb-test-token";
const SIGNING_SECRET = "test-signing-secret-0123456789";

let sequence = 0;
/** A fresh Slack ts near now (core refuses timestamps far ahead of its clock, C14). */
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, "0")}`;

describeAdapterConformance(
  "Slack (Bolt HTTP receiver, fake Web API)",
  async () => {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
    let adapter: SlackAdapter;
    const tsOf = new Map<string, string>();
    const post = (body: string, options: { signature?: string } = {}) =>
      postSignedToSlackEndpoint(`${adapter.url}/slack/events`, SIGNING_SECRET, body, options);
    return {
      createAdapter: () => {
        adapter = createSlackAdapter({
          botToken: BOT_TOKEN,
          signingSecret: SIGNING_SECRET,
          port: 0,
          host: "127.0.0.1",
          slackApiUrl: fake.url,
        });
        return adapter;
      },
      // The platform's conversation is a DM channel; its message id maps to one Slack ts, so a re-delivery
      // of the same id is the same Slack message (same channel and ts), as on Slack.
      async sendCustomerMessage(message) {
        const ts = tsOf.get(message.id) ?? nextTs();
        tsOf.set(message.id, ts);
        const body = JSON.stringify(
          eventCallback(directMessage(message.thread, ts, message.text), { eventId: `Ev-${message.id}` }),
        );
        const { status } = await post(body);
        return { accepted: status === 200, status };
      },
      async sendMalformed(kind) {
        if (kind === "unparsable") {
          const { status } = await post("{ not json");
          return { accepted: status === 200, status };
        }
        if (kind === "missing_fields") {
          const body = JSON.stringify({
            type: "event_callback",
            event_id: "Ev-broken",
            event: { type: "message" },
          });
          const { status } = await post(body);
          return { accepted: status === 200, status };
        }
        const body = JSON.stringify(
          eventCallback(directMessage("D-sig", nextTs(), "hi"), { eventId: "Ev-sig" }),
        );
        const { status } = await post(body, { signature: `v0=${"0".repeat(64)}` });
        return { accepted: status === 200, status };
      },
      delivered: async (thread) =>
        fake
          .posts()
          .filter((reply) => reply.channel === thread && reply.thread_ts === undefined)
          .map((reply) => unescapeText(reply.text)),
      failNextDelivery: () => fake.script("chat.postMessage", { status: 500 }),
      settled: () => adapter.idle(),
      cleanup: () => fake.close(),
    } satisfies AdapterConformanceHarness;
    // Slack has no way to say "this is a dashboard test chat": C9 origins are the web channel's.
  },
  { origins: false },
);

/** An adapter on a fake Slack, with a core that records events and answers customer messages. */
async function startRig(options: { failReceive?: boolean; slowReceiveMs?: number } = {}) {
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
  const logs: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
  const logger = {
    ...silentLogger,
    warn: (message: string, fields?: Record<string, unknown>) => logs.push({ message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => logs.push({ message, fields }),
  };
  const adapter = createSlackAdapter({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    port: 0,
    host: "127.0.0.1",
    slackApiUrl: fake.url,
    logger,
  });
  const events: InboundEventInput[] = [];
  const answered = new Set<string>();
  await adapter.start({
    async receive(event): Promise<TurnOutcome> {
      events.push(event);
      if (options.slowReceiveMs !== undefined)
        await new Promise((resolve) => setTimeout(resolve, options.slowReceiveMs));
      if (options.failReceive === true) throw new Error("core is down");
      // A tiny core: answers each new customer message key once (the real de-duplication is core's, C11).
      if (event.kind === "message" && !answered.has(event.key)) {
        answered.add(event.key);
        await adapter.send({
          tenant: "default",
          thread: event.thread,
          key: `reply:${event.key}`,
          text: "Here is <the> answer & more",
          language: "en",
          direction: "ltr",
        });
      }
      return { status: "placed", conversation: null, reply: null, reading: null, enchantments: [] };
    },
  });
  const url = `${adapter.url}/slack/events`;
  const send = (
    payload: unknown,
    options: { retryNum?: number; timestamp?: number; signature?: string } = {},
  ) => postSignedToSlackEndpoint(url, SIGNING_SECRET, JSON.stringify(payload), options);
  return {
    fake,
    adapter,
    events,
    logs,
    url,
    send,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}

describe("Slack adapter over HTTP", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const rig = async (options?: Parameters<typeof startRig>[0]) => {
    const started = await startRig(options);
    cleanups.push(started.close);
    return started;
  };

  it("signs requests exactly as Slack's published example", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(signSlackRequest("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body)).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
    // And the helper is plain HMAC-SHA256 over v0:timestamp:body, nothing else.
    expect(signSlackRequest("s", 1, "b")).toBe(
      `v0=${createHmac("sha256", "s").update("v0:1:b").digest("hex")}`,
    );
  });

  it("answers url_verification with the challenge", async () => {
    const { send, events } = await rig();
    const response = await send({
      token: "t",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      type: "url_verification",
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    });
    expect(events).toEqual([]);
  });

  it("refuses a bad signature and a stale timestamp with 401, and hands nothing to core", async () => {
    const { send, adapter, events } = await rig();
    const payload = eventCallback(directMessage("D1", nextTs(), "hi"), { eventId: "Ev-401" });
    expect((await send(payload, { signature: `v0=${"a".repeat(64)}` })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await send(payload, { timestamp: stale })).status).toBe(401);
    const unsigned = await fetch(`${adapter.url}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(401);
    await adapter.idle();
    expect(events).toEqual([]);
  });

  it("answers 400 to malformed bodies and keeps working", async () => {
    const { url, send, adapter, events, fake } = await rig();
    expect((await postSignedToSlackEndpoint(url, SIGNING_SECRET, "{ not json")).status).toBe(400);
    expect((await postSignedToSlackEndpoint(url, SIGNING_SECRET, "42")).status).toBe(400);
    expect((await send({ type: "event_callback", event_id: "Ev-x" })).status).toBe(400);
    expect((await send({ type: "something_else" })).status).toBe(400);
    expect(
      (
        await send({
          type: "event_callback",
          event_id: "Ev-y",
          event: { type: "app_mention", channel: "C1" },
        })
      ).status,
    ).toBe(400);
    const ok = await send(
      eventCallback(directMessage("D-ok", nextTs(), "still there?"), { eventId: "Ev-ok" }),
    );
    expect(ok.status).toBe(200);
    await adapter.idle();
    expect(events.map((event) => event.thread)).toEqual(["D-ok"]);
    expect(fake.posts()).toHaveLength(1);
  });

  it("maps a DM to the DM channel's thread and answers in the DM, with the two buttons", async () => {
    const { send, adapter, events, fake } = await rig();
    const ts = nextTs();
    expect(
      (await send(eventCallback(directMessage("D0DM", ts, "Where is my order?"), { eventId: "Ev-dm" })))
        .status,
    ).toBe(200);
    await adapter.idle();
    expect(events).toEqual([
      expect.objectContaining({
        key: `D0DM:${ts}`,
        tenant: "default",
        thread: "D0DM",
        kind: "message",
        from: "customer",
        text: "Where is my order?",
        at: Math.round(Number(ts) * 1000),
      }),
    ]);
    const [reply] = fake.posts();
    expect(reply?.channel).toBe("D0DM");
    expect(reply?.thread_ts).toBeUndefined();
    // Markup characters are escaped so an answer can never ping or link by accident.
    expect(reply?.text).toBe("Here is &lt;the&gt; answer &amp; more");
    const actions = reply?.blocks.find((block) => (block as { type: string }).type === "actions") as {
      elements: Array<{ action_id: string; text: { text: string } }>;
    };
    expect(actions.elements.map((button) => [button.action_id, button.text.text])).toEqual([
      ["lutin:resolve", "That solved it"],
      ["lutin:human", "Talk to a human"],
    ]);
  });

  it("answers a mention in its thread, counts app_mention + message once, and follows the thread", async () => {
    const { send, adapter, events, fake } = await rig();
    const ts = nextTs();
    const post = channelMention("C0GENERAL", ts, "my invoice is wrong");
    await Promise.all([
      send(eventCallback(post.appMention, { eventId: "Ev-mention-a" })),
      send(eventCallback(post.message, { eventId: "Ev-mention-b" })),
    ]);
    await adapter.idle();
    const thread = `C0GENERAL:${ts}`;
    expect(new Set(events.map((event) => event.key))).toEqual(new Set([`C0GENERAL:${ts}`]));
    expect(events.every((event) => event.thread === thread && event.text === "my invoice is wrong")).toBe(
      true,
    );
    expect(fake.posts().map((reply) => [reply.channel, reply.thread_ts])).toEqual([["C0GENERAL", ts]]);

    // A reply in that thread, without a mention, continues the conversation; chatter elsewhere is ignored.
    const followUp = nextTs();
    await send(
      eventCallback(channelMessage("C0GENERAL", followUp, "it says 40 €", ts), { eventId: "Ev-follow" }),
    );
    await send(
      eventCallback(channelMessage("C0GENERAL", nextTs(), "lunch anyone?"), { eventId: "Ev-chatter" }),
    );
    await send(
      eventCallback(channelMessage("C0GENERAL", nextTs(), "other thread", "1.000001"), {
        eventId: "Ev-other",
      }),
    );
    await adapter.idle();
    expect(events.at(-1)).toMatchObject({ key: `C0GENERAL:${followUp}`, thread });
    expect(new Set(events.map((event) => event.key)).size).toBe(2);
  });

  it("handles a mention inside an existing thread and a Slack Connect channel under the installing tenant", async () => {
    const { send, adapter, events } = await rig();
    const root = nextTs();
    const inThread = channelMention("C0SUPPORT", nextTs(), "help", { threadTs: root });
    await send(eventCallback(inThread.appMention, { eventId: "Ev-in-thread" }));
    const shared = channelMention("C0SHARED", nextTs(), "hello from a partner", { userTeam: "T0PARTNER" });
    await send(
      eventCallback(shared.appMention, { eventId: "Ev-shared", sharedChannel: true, teamId: "T0FAKE" }),
    );
    await adapter.idle();
    expect(events[0]?.thread).toBe(`C0SUPPORT:${root}`);
    expect(events[1]).toMatchObject({ tenant: "default", thread: `C0SHARED:${shared.appMention.ts}` });
  });

  it("ignores the bot's own messages, other bots, edits and deletions (C9)", async () => {
    const { send, adapter, events, fake } = await rig();
    const own = { ...directMessage("D1", nextTs(), "my own answer"), user: "U0LUTIN", bot_id: "B0LUTIN" };
    const otherBot = { ...directMessage("D1", nextTs(), "beep"), bot_id: "B0OTHER", subtype: "bot_message" };
    const edit = {
      type: "message",
      subtype: "message_changed",
      channel: "D1",
      channel_type: "im",
      hidden: true,
      ts: nextTs(),
      message: { type: "message", user: "U0CUSTOMER", text: "edited", ts: "1.000001" },
      previous_message: { type: "message", user: "U0CUSTOMER", text: "orig", ts: "1.000001" },
    };
    const deletion = {
      type: "message",
      subtype: "message_deleted",
      channel: "D1",
      channel_type: "im",
      hidden: true,
      ts: nextTs(),
      deleted_ts: "1.000001",
    };
    const join = { ...channelMessage("C1", nextTs(), "<@U0LUTIN> joined"), subtype: "channel_join" };
    let index = 0;
    for (const event of [own, otherBot, edit, deletion, join])
      expect((await send(eventCallback(event, { eventId: `Ev-ignored-${index++}` }))).status).toBe(200);
    await adapter.idle();
    expect(events).toEqual([]);
    expect(fake.posts()).toEqual([]);
  });

  it("passes a file share on as a customer message, naming the file when there is no text", async () => {
    const { send, adapter, events } = await rig();
    const share = {
      ...directMessage("D0FILES", nextTs(), ""),
      subtype: "file_share",
      files: [{ id: "F1", name: "invoice.pdf" }],
    };
    await send(eventCallback(share, { eventId: "Ev-file" }));
    await adapter.idle();
    expect(events).toEqual([
      expect.objectContaining({ thread: "D0FILES", text: "(shared a file: invoice.pdf)" }),
    ]);
  });

  it("hands every retry (X-Slack-Retry-Num 1–3) and a double delivery to core under one key", async () => {
    const { send, adapter, events, fake } = await rig();
    const ts = nextTs();
    const payload = eventCallback(directMessage("D0RETRY", ts, "anyone?"), { eventId: "Ev-retry" });
    await send(payload);
    for (const retryNum of [1, 2, 3]) expect((await send(payload, { retryNum })).status).toBe(200);
    await Promise.all([send(payload), send(payload)]);
    await adapter.idle();
    expect(new Set(events.map((event) => event.key))).toEqual(new Set([`D0RETRY:${ts}`]));
    expect(fake.posts()).toHaveLength(1);
  });

  it("acknowledges at once while core is slow, and logs a core failure without the message text", async () => {
    const slow = await rig({ slowReceiveMs: 1500 });
    const response = await slow.send(
      eventCallback(directMessage("D0SLOW", nextTs(), "secret words"), { eventId: "Ev-slow" }),
    );
    expect(response.status).toBe(200);
    expect(response.milliseconds).toBeLessThan(500);
    await slow.adapter.idle();
    expect(slow.fake.posts()).toHaveLength(1);

    const failing = await rig({ failReceive: true });
    expect(
      (
        await failing.send(
          eventCallback(directMessage("D0FAIL", nextTs(), "secret words"), { eventId: "Ev-fail" }),
        )
      ).status,
    ).toBe(200);
    await failing.adapter.idle();
    expect(failing.logs.map((entry) => entry.message)).toContain("slack event not handled");
    expect(JSON.stringify(failing.logs)).not.toContain("secret words");
  });

  it("turns button clicks into a resolve event and a request for a human, once per answer", async () => {
    const { url, adapter, events } = await rig();
    const click = (actionId: string, value: string) => {
      const payload = {
        type: "block_actions",
        user: { id: "U0CUSTOMER", team_id: "T0FAKE" },
        team: { id: "T0FAKE", domain: "fake" },
        api_app_id: "A0FAKE",
        token: "legacy",
        trigger_id: "1.2.3",
        container: {
          type: "message",
          message_ts: "1712000000.000100",
          channel_id: "C0GENERAL",
          is_ephemeral: false,
        },
        channel: { id: "C0GENERAL", name: "general" },
        message: { type: "message", ts: "1712000000.000100", text: "answer" },
        response_url: "http://127.0.0.1:9/unused",
        actions: [
          {
            action_id: actionId,
            block_id: "lutin-answer-actions",
            type: "button",
            value,
            action_ts: "1712000001.000200",
          },
        ],
      };
      return postSignedToSlackEndpoint(
        url,
        SIGNING_SECRET,
        new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        {
          contentType: "application/x-www-form-urlencoded",
        },
      );
    };
    const value = JSON.stringify({ thread: "C0GENERAL:1711999999.000001" });
    expect((await click("lutin:resolve", value)).status).toBe(200);
    expect((await click("lutin:human", value)).status).toBe(200);
    await adapter.idle();
    expect(events).toEqual([
      expect.objectContaining({
        kind: "resolve",
        thread: "C0GENERAL:1711999999.000001",
        key: "resolve:C0GENERAL:1712000000.000100",
      }),
      expect.objectContaining({
        kind: "message",
        from: "customer",
        text: "I want to talk to a human",
        key: "human:C0GENERAL:1712000000.000100",
      }),
    ]);
  });
});
