import type { Logger } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import type { SlackAdapterConfig } from "./config.js";
import { createMemorySlackInstallations } from "./installations.js";
import { createSlackAdapter, INSTALL_PATH, OAUTH_REDIRECT_PATH } from "./slack-adapter.js";
import { FakeSlack } from "./testing/fake-slack.js";
import { sendRaw } from "./testing/raw-request.js";
import { startRealCore } from "./testing/real-core.js";
import { directMessage, eventCallback } from "./testing/slack-events.js";
import { signSlackRequest } from "./testing/slack-signature.js";

const BOT_TOKEN = "xoxb-entry-test";
const SIGNING_SECRET = "entry-test-signing-secret";
const FORM = "application/x-www-form-urlencoded";
let sequence = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, "0")}`;

interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real adapter on its own server on 127.0.0.1, the real Assistant behind it, Slack's Web API faked. */
async function startEntry(extra: Partial<SlackAdapterConfig> = {}) {
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
  const logs: LogLine[] = [];
  const entry = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void logs.push({ level, message, fields });
  const logger: Logger = { info: entry("info"), warn: entry("warn"), error: entry("error") };
  const adapter = createSlackAdapter({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    port: 0,
    host: "127.0.0.1",
    slackApiUrl: fake.url,
    logger,
    ...extra,
  });
  const core = await startRealCore(adapter, extra.clientId === undefined ? "default" : "T0ENTRY");
  cleanups.push(async () => {
    await core.stop();
    await fake.close();
  });
  /** A request signed as Slack signs it (timestamp: seconds since the epoch, default now). */
  const signed = (
    body: string,
    options: { contentType?: string; timestamp?: string; headers?: Record<string, string> } = {},
  ) => {
    const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
    return sendRaw(adapter.url, {
      method: "POST",
      path: "/slack/events",
      body,
      headers: {
        "content-type": options.contentType ?? "application/json",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signSlackRequest(SIGNING_SECRET, Number(timestamp), body),
        ...options.headers,
      },
    });
  };
  /** A customer's DM, signed: the proof the adapter still answers after what came before. */
  const stillAnswers = async () => {
    await adapter.idle();
    const before = fake.callsOf("chat.postMessage").length;
    const channel = `D0ALIVE${++sequence}`;
    const response = await signed(
      JSON.stringify(
        eventCallback(directMessage(channel, nextTs(), "still there?"), { eventId: `Ev${sequence}` }),
      ),
    );
    expect(response.status).toBe(200);
    await adapter.idle();
    expect(
      fake
        .callsOf("chat.postMessage")
        .slice(before)
        .map((call) => call.args.channel),
    ).toEqual([channel]);
  };
  const refusals = () => logs.filter((line) => line.message === "slack request refused");
  return { fake, adapter, core, logs, signed, stillAnswers, refusals };
}

describe("Slack entry: what reaches Bolt is a signed, fresh, well-formed Slack request", () => {
  it("a signed form whose payload is JSON but not an object (payload=null crashed the process) gets 400 naming the problem; the adapter keeps answering", async () => {
    const { signed, stillAnswers, refusals } = await startEntry();
    for (const payload of ["null", "42", "[1,2]", '"text"', "true", "[]"]) {
      const response = await signed(new URLSearchParams({ payload }).toString(), { contentType: FORM });
      expect(response.status, payload).toBe(400);
      expect(JSON.parse(response.text)).toMatchObject({ error: "the payload is not a JSON object" });
    }
    expect(refusals()).toHaveLength(6);
    await stillAnswers();
  });

  it("a signed form payload that is not JSON, given twice, or of a kind this app does not handle gets 400", async () => {
    const { signed, stillAnswers } = await startEntry();
    const cases: Array<[string, RegExp]> = [
      ["payload=%7Bnot+json", /not JSON/],
      ["payload=%7B%7D&payload=%7B%7D", /more than once/],
      [
        new URLSearchParams({ payload: JSON.stringify({ type: "view_submission" }) }).toString(),
        /view_submission/,
      ],
      [
        new URLSearchParams({ payload: JSON.stringify({ type: "block_actions", actions: "x" }) }).toString(),
        /block_actions/,
      ],
      ["command=%2Fother&user_id=U1&team_id=T0FAKE&channel_id=C1", /only answers \/lutin/],
      ["hello=world", /neither an interaction payload nor a slash command/],
    ];
    for (const [body, problem] of cases) {
      const response = await signed(body, { contentType: FORM });
      expect(response.status, body).toBe(400);
      expect(JSON.parse(response.text).error, body).toMatch(problem);
    }
    await stillAnswers();
  });

  it("a signed JSON body that is not an object, not JSON, or an envelope Bolt would choke on gets 400", async () => {
    const { signed, stillAnswers } = await startEntry();
    const bodies = [
      "null",
      "42",
      "[]",
      '"event_callback"',
      "{ not json",
      JSON.stringify({ type: "event_callback", event_id: "Ev1", event: { type: "reaction_added", item: 5 } }),
      JSON.stringify({
        ...eventCallback(directMessage("D1", nextTs(), "hi"), { eventId: "Ev2" }),
        authorizations: [null],
      }),
    ];
    for (const body of bodies) expect((await signed(body)).status, body).toBe(400);
    await stillAnswers();
  });

  it("GET, PUT, DELETE, OPTIONS, PATCH and HEAD on /slack/events get 405 with Allow: POST, each logged once", async () => {
    const { adapter, stillAnswers, refusals } = await startEntry();
    const methods = ["GET", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD"];
    for (const method of methods) {
      const response = await sendRaw(adapter.url, { method, path: "/slack/events" });
      expect(response.status, method).toBe(405);
      expect(response.headers.allow, method).toBe("POST");
    }
    expect(refusals().map((line) => [line.fields?.status, line.fields?.method])).toEqual(
      methods.map((method) => [405, method]),
    );
    // The adapter's own server answers 404 for a path that is not Slack's (Bolt threw for it).
    expect((await sendRaw(adapter.url, { method: "GET", path: "/elsewhere?x=1" })).status).toBe(404);
    await stillAnswers();
  });

  it("OAuth mode: the install pages take GET only (405, Allow: GET), the events path POST only", async () => {
    const { adapter, refusals } = await startEntry({
      botToken: undefined,
      clientId: "111.222",
      clientSecret: "entry-client-secret",
      stateSecret: "entry-state-secret-long",
      installations: createMemorySlackInstallations(),
    });
    for (const path of [INSTALL_PATH, OAUTH_REDIRECT_PATH])
      for (const method of ["POST", "PUT", "DELETE"]) {
        const response = await sendRaw(adapter.url, {
          method,
          path,
          body: "x=1",
          headers: { "content-type": FORM },
        });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.allow).toBe("GET");
      }
    expect((await sendRaw(adapter.url, { method: "GET", path: "/slack/events" })).headers.allow).toBe("POST");
    expect(refusals()).toHaveLength(7);
    expect((await sendRaw(adapter.url, { method: "GET", path: INSTALL_PATH })).status).toBe(302);
  });

  it("refuses a timestamp more than 5 minutes away from now, ahead as well as behind, with 401; 4 minutes either way is fine", async () => {
    const { signed, adapter, fake, refusals } = await startEntry();
    const now = Math.floor(Date.now() / 1000);
    const dm = (offset: number) =>
      signed(
        JSON.stringify(
          eventCallback(directMessage(`D0TS${offset}`, nextTs(), "hi"), { eventId: `EvTs${offset}` }),
        ),
        { timestamp: String(now + offset) },
      );
    for (const offset of [600, 310, -310, -600]) expect((await dm(offset)).status, String(offset)).toBe(401);
    for (const timestamp of ["soon", "", "1e9", `${now}.5`, "-1"]) {
      const response = await signed(JSON.stringify({ type: "event_callback" }), { timestamp });
      expect(response.status, timestamp).toBe(401);
    }
    await adapter.idle();
    expect(fake.callsOf("chat.postMessage")).toEqual([]);
    expect(refusals().every((line) => line.fields?.status === 401)).toBe(true);
    for (const offset of [240, -240]) expect((await dm(offset)).status, String(offset)).toBe(200);
    await adapter.idle();
    expect(fake.callsOf("chat.postMessage")).toHaveLength(2);
  });

  it("refuses what Slack never sends: a compressed body (415), another media type or charset (415), too large (413); utf-8 is fine", async () => {
    const { signed, stillAnswers } = await startEntry({ maxBodyBytes: 8 * 1024 });
    const event = () =>
      JSON.stringify(eventCallback(directMessage("D0X", nextTs(), "hi"), { eventId: `Ev${++sequence}` }));
    expect((await signed(event(), { headers: { "content-encoding": "gzip" } })).status).toBe(415);
    expect((await signed(event(), { contentType: "text/plain" })).status).toBe(415);
    expect((await signed(event(), { contentType: "application/json; charset=iso-8859-1" })).status).toBe(415);
    expect(
      (await signed(JSON.stringify({ type: "url_verification", challenge: "c".repeat(9000) }))).status,
    ).toBe(413);
    expect((await signed(event(), { contentType: "application/json; charset=UTF-8" })).status).toBe(200);
    expect((await signed(event(), { headers: { "content-encoding": "identity" } })).status).toBe(200);
    await stillAnswers();
  });

  it("a signed form with a charset still reaches Bolt as a form (a slash command answers)", async () => {
    const { signed } = await startEntry();
    const body = new URLSearchParams({
      command: "/lutin",
      text: "help",
      user_id: "U0SOMEONE",
      team_id: "T0FAKE",
      channel_id: "C0ANY",
    }).toString();
    const response = await signed(body, { contentType: `${FORM}; charset=utf-8` });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).text).toMatch(/direct message/);
  });

  it("each refusal is one log line with its status and problem, never the body, the signature or the query", async () => {
    const { signed, adapter, logs } = await startEntry();
    const secretWords = "my card number is 4111";
    await signed(new URLSearchParams({ payload: JSON.stringify([secretWords]) }).toString(), {
      contentType: FORM,
    });
    await signed(JSON.stringify({ type: "event_callback", text: secretWords }), { timestamp: "1" });
    await sendRaw(adapter.url, { method: "PUT", path: "/slack/events?token=xoxb-leak", body: secretWords });
    expect(logs).toHaveLength(3);
    expect(logs.map((line) => line.fields?.status)).toEqual([400, 401, 405]);
    const written = JSON.stringify(logs);
    expect(written).not.toContain("4111");
    expect(written).not.toContain("xoxb-leak");
    expect(written).not.toContain("v0=");
  });
});
