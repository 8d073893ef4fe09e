import { Agent } from "node:http";
import type { Logger } from "@lutingenie/core";
import { fuzzRuns } from "@lutingenie/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCEPT_ACTION } from "./agent-blocks.js";
import { HUMAN_ACTION, RESOLVE_ACTION } from "./reply-blocks.js";
import { createSlackAdapter, type SlackAdapter } from "./slack-adapter.js";
import { FakeSlack } from "./testing/fake-slack.js";
import { type RawRequest, sendRaw } from "./testing/raw-request.js";
import { startRealCore } from "./testing/real-core.js";
import { channelMention, channelMessage, directMessage, eventCallback } from "./testing/slack-events.js";
import { signSlackRequest } from "./testing/slack-signature.js";

/*
 * The Slack route under random requests: JSON shapes, form bodies and payload values, sizes up to past the
 * body limit, content types, charsets, content encodings, methods, paths, signatures and timestamps, all
 * against one real adapter (Bolt's HTTP receiver behind our front door) on 127.0.0.1 with the real
 * Assistant behind it. Each case is built knowing what it is: a well-formed request signed as Slack signs
 * it must get a 2xx, anything else a 4xx; never a 5xx, never a hang, and the server must still answer
 * afterwards. Each refusal is one log line, and no log line holds the text of a body.
 */

const BOT_TOKEN = "xoxb-fuzz";
const SIGNING_SECRET = "fuzz-signing-secret-0123456789";
const MAX_BODY_BYTES = 48 * 1024;
/** Put in every body's free text: it must never reach the log. */
const MARKER = "QZX-body-text-XQZ";
const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";

/** "any": a random change whose validity the generator does not decide; a 2xx or a 4xx, never more. */
type Expected = "2xx" | "4xx" | "any";
interface Case {
  request: RawRequest;
  expected: Expected;
  /** Why, for the failure message. */
  what: string;
}

let sequence = 0;
const unique = () => ++sequence;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const nextTs = () => `${nowSeconds()}.${String(unique()).padStart(6, "0")}`;

interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}
const logs: LogLine[] = [];
const logEntry = (level: string) => (message: string, fields?: Record<string, unknown>) =>
  void logs.push({ level, message, fields });
const logger: Logger = { info: logEntry("info"), warn: logEntry("warn"), error: logEntry("error") };

let fake: FakeSlack;
let adapter: SlackAdapter;
let stopCore: () => Promise<void>;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  fake = await FakeSlack.start({ botToken: BOT_TOKEN });
  adapter = createSlackAdapter({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    port: 0,
    host: "127.0.0.1",
    slackApiUrl: fake.url,
    maxBodyBytes: MAX_BODY_BYTES,
    logger,
  });
  const core = await startRealCore(adapter);
  stopCore = () => core.stop();
});

afterAll(async () => {
  agent.destroy();
  await stopCore?.();
  await fake?.close();
});

// ── what Slack sends, signed ─────────────────────────────────────────────────────────────────────────

interface SignedParts {
  body: string;
  contentType?: string;
  /** Seconds from now; default 0. */
  offset?: number;
}

function signed(parts: SignedParts): RawRequest {
  const timestamp = nowSeconds() + (parts.offset ?? 0);
  return {
    method: "POST",
    path: "/slack/events",
    body: parts.body,
    headers: {
      "content-type": parts.contentType ?? JSON_TYPE,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signSlackRequest(SIGNING_SECRET, timestamp, parts.body),
    },
  };
}

/** Free text as customers write it: any characters, the marker inside. */
const freeText = fc.string({ unit: "binary", maxLength: 120 }).map((text) => `${text} ${MARKER} ${text}`);
/** Sizes around the message limit (4,000) and past the body limit (48 KiB). */
const sizedText = fc.oneof(
  { weight: 6, arbitrary: freeText },
  { weight: 2, arbitrary: fc.integer({ min: 3_900, max: 4_100 }).map((n) => `${MARKER}${"a".repeat(n)}`) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 40_000, max: 60_000 }).map((n) => `${MARKER}${"é".repeat(n / 2)}`),
  },
);

const validOffset = fc.integer({ min: -290, max: 290 });
const jsonType = fc.constantFrom(
  JSON_TYPE,
  "application/json; charset=utf-8",
  "Application/JSON;charset=UTF-8",
  'application/json; charset="utf-8"',
);
const formType = fc.constantFrom(FORM_TYPE, `${FORM_TYPE}; charset=utf-8`, `${FORM_TYPE};charset=UTF8`);

/** An Events API envelope the adapter handles or acknowledges, as Slack sends them. */
const slackEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  sizedText.map((text) => directMessage(`D0FUZZ${unique() % 7}`, nextTs(), text)),
  freeText.map((text) => channelMention(`C0FUZZ${unique() % 5}`, nextTs(), text).appMention),
  freeText.map((text) => channelMention(`C0FUZZ${unique() % 5}`, nextTs(), text).message),
  freeText.map((text) => channelMessage("C0CHATTER", nextTs(), text)),
  freeText.map((text) => ({
    type: "message",
    subtype: "message_changed",
    channel: "D0FUZZ1",
    hidden: true,
    ts: nextTs(),
    message: { type: "message", user: "U0CUSTOMER", text, ts: "1.000001" },
  })),
  fc.constant({
    type: "message",
    subtype: "message_deleted",
    channel: "D0FUZZ1",
    ts: "1.5",
    deleted_ts: "1.4",
  }),
  fc.constant({ type: "app_home_opened", user: "U0AGENT", channel: "D0HOME", tab: "home" }),
  freeText.map((text) => ({
    type: "reaction_added",
    user: "U0X",
    reaction: text,
    item: { type: "message", channel: "C1", ts: "1.2" },
  })),
);
const envelope = slackEvent.map((event) => eventCallback(event, { eventId: `EvFuzz${unique()}` }));

const validJson: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: envelope.map((body) => JSON.stringify(body)) },
  {
    weight: 1,
    arbitrary: freeText.map((challenge) =>
      JSON.stringify({ token: "t", challenge, type: "url_verification" }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constant(
      JSON.stringify({
        token: "t",
        team_id: "T0FAKE",
        minute_rate_limited: 1,
        api_app_id: "A0FAKE",
        type: "app_rate_limited",
      }),
    ),
  },
);

/** Expected by size: within the body limit a well-formed body is taken, past it refused (413). */
const bySize = (body: string, otherwise: Expected): Expected =>
  Buffer.byteLength(body) > MAX_BODY_BYTES ? "4xx" : otherwise;

// ── property 1: the HTTP envelope around a well-formed body ──────────────────────────────────────────

type Breaker = (request: RawRequest) => RawRequest;
const withHeaders = (request: RawRequest, headers: Record<string, string | undefined>): RawRequest => {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...request.headers, ...headers }))
    if (value !== undefined) merged[name] = value;
  return { ...request, headers: merged };
};
const breakers: Record<string, fc.Arbitrary<Breaker>> = {
  method: fc
    // Methods Node's parser knows (an unknown one is refused by Node itself, before any route).
    .constantFrom("GET", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD", "PROPFIND", "TRACE")
    .map((method) => (request: RawRequest) => ({ ...request, method })),
  path: fc
    .constantFrom(
      "/",
      "/slack",
      "/slack/events/",
      "/slack/eventsx",
      "/slack/install",
      "/../slack/events",
      "/%2e",
    )
    .map((path) => (request: RawRequest) => ({ ...request, path })),
  mediaType: fc
    .constantFrom("text/plain", "multipart/form-data; boundary=x", "application/xml", "", "application/jsonx")
    .map((type) => (request: RawRequest) => withHeaders(request, { "content-type": type })),
  charset: fc
    .constantFrom("iso-8859-1", "utf-16", "us-ascii", "utf-7", "windows-1252")
    .map(
      (charset) => (request: RawRequest) =>
        withHeaders(request, { "content-type": `${JSON_TYPE}; charset=${charset}` }),
    ),
  encoding: fc
    .constantFrom("gzip", "deflate", "br", "compress", "x-custom")
    .map((encoding) => (request: RawRequest) => withHeaders(request, { "content-encoding": encoding })),
  signature: fc
    .oneof(
      fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `v0=${hex}`),
      fc.constantFrom("", "v0=", "v1=abc", "v0"),
      fc.string({ maxLength: 80 }).filter((text) => /^[\x21-\x7e]*$/.test(text)),
    )
    .map((signature) => (request: RawRequest) => withHeaders(request, { "x-slack-signature": signature })),
  unsigned: fc
    .constantFrom("x-slack-signature", "x-slack-request-timestamp")
    .map((header) => (request: RawRequest) => withHeaders(request, { [header]: undefined })),
  timestamp: fc
    .oneof(
      fc.integer({ min: 310, max: 10_000_000 }).map((seconds) => String(nowSeconds() + seconds)),
      fc.integer({ min: 310, max: 10_000_000 }).map((seconds) => String(nowSeconds() - seconds)),
      fc.constantFrom("", "soon", "1e9", "12.5", "-1", "0x10", "99999999999999"),
    )
    // Signed with the timestamp it carries: only the window (or the format) refuses it.
    .map((timestamp) => (request: RawRequest) => {
      const body = String(request.body ?? "");
      return withHeaders(request, {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signSlackRequest(SIGNING_SECRET, Number(timestamp), body),
      });
    }),
  oversize: fc
    .integer({ min: MAX_BODY_BYTES + 1, max: MAX_BODY_BYTES * 2 })
    .map(
      (size) => (_request: RawRequest) =>
        signed({ body: JSON.stringify({ type: "url_verification", challenge: MARKER.padEnd(size, "z") }) }),
    ),
};
const breakerNames = Object.keys(breakers);

const httpCase: fc.Arbitrary<Case> = fc
  .record({
    body: validJson,
    contentType: jsonType,
    offset: validOffset,
    broken: fc.subarray(breakerNames, { maxLength: 3 }),
  })
  .chain(({ body, contentType, offset, broken }) =>
    fc.tuple(...broken.map((name) => breakers[name] as fc.Arbitrary<Breaker>)).map((applied) => {
      let request = signed({ body, contentType, offset });
      for (const breaker of applied) request = breaker(request);
      const expected: Expected = broken.length > 0 ? "4xx" : bySize(body, "2xx");
      return { request, expected, what: `broken: [${broken.join(", ")}]` };
    }),
  );

// ── helpers for the body properties ─────────────────────────────────────────────────────────────────

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * `value` put at (or, with `remove`, the field taken from) a path chosen by `steps` through `root`'s own
 * objects and arrays: a change anywhere Bolt or a listener may read.
 */
function mutateAt(root: unknown, steps: readonly number[], value: unknown, remove: boolean): unknown {
  const copy = structuredClone(root);
  let current = copy as Record<string, unknown>;
  for (const [depth, step] of steps.entries()) {
    const keys = Object.keys(current);
    if (keys.length === 0) break;
    const key = keys[step % keys.length] as string;
    const child = current[key];
    if (depth === steps.length - 1 || typeof child !== "object" || child === null) {
      if (remove && !Array.isArray(current)) delete current[key];
      else current[key] = value;
      break;
    }
    current = child as Record<string, unknown>;
  }
  return copy;
}

const randomChange = fc.record({
  steps: fc.array(fc.nat(40), { minLength: 1, maxLength: 4 }),
  value: fc.jsonValue({ maxDepth: 2 }),
  remove: fc.boolean(),
});

// ── property 2: signed JSON bodies of every shape ────────────────────────────────────────────────────

const notAnObject = fc
  .jsonValue()
  .filter((value) => typeof value !== "object" || value === null || Array.isArray(value));
const badValue = fc.constantFrom<unknown>(null, 5, "", true, [], [null], "x".repeat(70));
const envelopeBreakers: Array<fc.Arbitrary<(body: Record<string, unknown>) => Record<string, unknown>>> = [
  badValue.map((value) => (body) => ({ ...body, event_id: value })),
  fc.constant((body: Record<string, unknown>) => {
    const { event_id: _dropped, ...rest } = body;
    return rest;
  }),
  fc
    .constantFrom<unknown>(null, [], 5, "s", {}, { type: 5 }, { type: "" })
    .map((event) => (body) => ({ ...body, event })),
  fc
    .constantFrom<unknown>(null, 5, "s", true)
    .map((item) => (body) => ({ ...body, event: { type: "reaction_added", item } })),
  fc
    .constantFrom<unknown>(null, 5, true)
    .map((user) => (body) => ({ ...body, event: { type: "app_home_opened", user } })),
  fc
    .constantFrom<unknown>(null, 5, true)
    .map((channel) => (body) => ({ ...body, event: { type: "member_joined_channel", channel } })),
  fc
    .constantFrom<unknown>(null, 5)
    .map((subteam) => (body) => ({ ...body, event: { type: "subteam_created", subteam } })),
  fc
    .constantFrom<unknown>([null], "x", [5], {}, ["s"])
    .map((authorizations) => (body) => ({ ...body, authorizations })),
  fc.constantFrom("channel", "ts").map((field) => (body) => {
    const event = { ...(directMessage("D0BROKEN", nextTs(), MARKER) as Record<string, unknown>) };
    delete event[field];
    return { ...body, event };
  }),
  fc
    .constantFrom<[string, unknown]>(
      ["channel", 5],
      ["text", 5],
      ["files", "x"],
      ["files", [null]],
      ["thread_ts", 5],
      ["user", null],
      ["ts", ""],
    )
    .map(([field, value]) => (body) => ({
      ...body,
      event: { ...directMessage("D0BROKEN", nextTs(), MARKER), [field]: value },
    })),
  fc.constantFrom<unknown>(5, "").map((team) => (body) => ({ ...body, team_id: team })),
  fc
    .string({ maxLength: 20 })
    .filter((type) => !["event_callback", "url_verification", "app_rate_limited"].includes(type))
    .map((type) => (body) => ({ ...body, type })),
  fc
    .constantFrom<unknown>(undefined, 5, null)
    .map((challenge) => () => ({ type: "url_verification", challenge })),
];

const jsonCase: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(validJson, jsonType, validOffset).map(([body, contentType, offset]) => ({
      request: signed({ body, contentType, offset }),
      expected: bySize(body, "2xx"),
      what: "well-formed",
    })),
  },
  {
    weight: 1,
    arbitrary: notAnObject.map((value) => ({
      request: signed({ body: JSON.stringify(value) ?? "null" }),
      expected: "4xx" as const,
      what: "not an object",
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 60 })
      .filter((text) => !parses(text))
      .map((text) => ({
        request: signed({ body: `${text}${MARKER}{` }),
        expected: "4xx" as const,
        what: "not JSON",
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 })
      .filter(
        (object) => !["event_callback", "url_verification", "app_rate_limited"].includes(String(object.type)),
      )
      .map((object) => ({
        request: signed({ body: JSON.stringify({ ...object, note: MARKER }) }),
        expected: "4xx" as const,
        what: "random object",
      })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(envelope, randomChange).map(([body, change]) => ({
      request: signed({ body: JSON.stringify(mutateAt(body, change.steps, change.value, change.remove)) }),
      expected: "any" as const,
      what: "envelope changed at random",
    })),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(envelope, fc.oneof(...envelopeBreakers)).map(([body, breaker]) => ({
      request: signed({ body: JSON.stringify(breaker(body)) }),
      expected: "4xx" as const,
      what: "envelope with a field Bolt or a listener reads broken",
    })),
  },
);

// ── property 3: signed form bodies (interactivity and the slash command) ────────────────────────────

const form = (fields: Array<[string, string]>) => new URLSearchParams(fields).toString();
const blockActions = (actionId: string, value: string) => ({
  type: "block_actions",
  user: { id: "U0CUSTOMER", team_id: "T0FAKE" },
  team: { id: "T0FAKE", domain: "fake" },
  api_app_id: "A0FAKE",
  container: { type: "message", message_ts: "1712000000.000100", channel_id: "D0FUZZ1" },
  channel: { id: "D0FUZZ1", name: "directmessage" },
  message: { type: "message", ts: "1712000000.000100", text: MARKER },
  response_url: "http://127.0.0.1:9/unused",
  actions: [{ action_id: actionId, block_id: "b", type: "button", value, action_ts: "1712000001.000200" }],
});
const validClick = fc
  .tuple(
    fc.constantFrom(RESOLVE_ACTION, HUMAN_ACTION, ACCEPT_ACTION),
    fc.constantFrom("D0FUZZ1", "C0FUZZ1:1712000000.000100"),
  )
  .map(([actionId, thread]) =>
    blockActions(actionId, actionId === ACCEPT_ACTION ? `handoff_${unique()}` : JSON.stringify({ thread })),
  );
const clickBreakers: Array<fc.Arbitrary<(click: Record<string, unknown>) => Record<string, unknown>>> = [
  fc
    .constantFrom<unknown>(undefined, [], "x", [null], [{ action_id: 5 }], [{ action_id: "other:x" }])
    .map((actions) => (click) => ({ ...click, actions })),
  fc.constantFrom<unknown>(undefined, null, { id: 5 }, "U0X").map((user) => (click) => ({ ...click, user })),
  fc.constantFrom<unknown>(5, "x").map((team) => (click) => ({ ...click, team })),
  fc.constantFrom<unknown>(null, 5).map((channel) => (click) => ({ ...click, channel })),
  fc
    .constantFrom<unknown>({ blocks: "x" }, { blocks: [null] }, { ts: 5 })
    .map((message) => (click) => ({ ...click, message })),
  fc
    .constantFrom<unknown>(null, "x")
    .map((urls) => (click) => ({ ...click, response_url: "", response_urls: urls })),
  fc.constant((click: Record<string, unknown>) => ({ ...click, container: null })),
];
const command = (fields: Record<string, string>) =>
  form(
    Object.entries({
      team_id: "T0FAKE",
      channel_id: "C0ANY",
      user_id: "U0SOMEONE",
      command: "/lutin",
      text: "help",
      ...fields,
    }),
  );

const formCase: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.tuple(validClick, formType).map(([click, contentType]) => ({
      request: signed({ body: form([["payload", JSON.stringify(click)]]), contentType }),
      expected: "2xx" as const,
      what: "a click on our button",
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("available", "away", "status", "help", "", "agents-channel"), freeText, formType)
      .map(([word, text, contentType]) => ({
        request: signed({ body: command({ text: `${word} ${text}` }), contentType }),
        expected: "2xx" as const,
        what: "/lutin",
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      request: {
        method: "POST",
        path: "/slack/events",
        body: "ssl_check=1&token=x",
        headers: { "content-type": FORM_TYPE },
      },
      expected: "2xx" as const,
      what: "Slack's SSL check",
    }),
  },
  {
    weight: 2,
    arbitrary: notAnObject.map((value) => ({
      request: signed({ body: form([["payload", JSON.stringify(value) ?? "null"]]), contentType: FORM_TYPE }),
      expected: "4xx" as const,
      what: "payload not an object",
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 60 })
      .filter((text) => !parses(text))
      .map((text) => ({
        request: signed({ body: form([["payload", `${MARKER}${text}`]]), contentType: FORM_TYPE }),
        expected: "4xx" as const,
        what: "payload not JSON",
      })),
  },
  {
    weight: 1,
    arbitrary: validClick.map((click) => ({
      request: signed({
        body: form([
          ["payload", JSON.stringify(click)],
          ["payload", "{}"],
        ]),
        contentType: FORM_TYPE,
      }),
      expected: "4xx" as const,
      what: "payload twice",
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "view_submission",
          "view_closed",
          "shortcut",
          "message_action",
          "block_suggestion",
          "interactive_message",
          "dialog_submission",
        ),
        freeText,
      )
      .map(([type, text]) => ({
        request: signed({
          body: form([["payload", JSON.stringify({ type, note: text, actions: [], user: { id: "U1" } })]]),
          contentType: FORM_TYPE,
        }),
        expected: "4xx" as const,
        what: "an interaction we do not handle",
      })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(validClick, randomChange).map(([click, change]) => ({
      request: signed({
        body: form([["payload", JSON.stringify(mutateAt(click, change.steps, change.value, change.remove))]]),
        contentType: FORM_TYPE,
      }),
      expected: "any" as const,
      what: "a click changed at random",
    })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(validClick, fc.oneof(...clickBreakers)).map(([click, breaker]) => ({
      request: signed({
        body: form([["payload", JSON.stringify(breaker(click))]]),
        contentType: FORM_TYPE,
      }),
      expected: "4xx" as const,
      what: "a click with a field read broken",
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<Record<string, string>>(
        { command: "/other" },
        { command: "" },
        { user_id: "" },
        { team_id: "x".repeat(65) },
        { channel_id: "" },
      )
      .map((fields) => ({
        request: signed({ body: command(fields), contentType: FORM_TYPE }),
        expected: "4xx" as const,
        what: "a command we do not take",
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("user_id", "command", "team_id").map((field) => ({
      request: signed({ body: `${command({})}&${field}=again`, contentType: FORM_TYPE }),
      expected: "4xx" as const,
      what: `${field} twice`,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 })), { maxLength: 5 })
      .map((pairs) => pairs.filter(([key]) => !["payload", "command", "ssl_check"].includes(key)))
      .map((pairs) => ({
        request: signed({ body: form([...pairs, ["note", MARKER]]), contentType: FORM_TYPE }),
        expected: "4xx" as const,
        what: "a form that is neither",
      })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: MAX_BODY_BYTES, max: MAX_BODY_BYTES * 2 }).map((size) => ({
      request: signed({
        body: form([["payload", JSON.stringify(blockActions(RESOLVE_ACTION, MARKER.padEnd(size, "v")))]]),
        contentType: FORM_TYPE,
      }),
      expected: "4xx" as const,
      what: "too large",
    })),
  },
);

// ── the run ──────────────────────────────────────────────────────────────────────────────────────────

/** Sends one case and checks its answer; counts the refusals it must have logged. */
async function check(testCase: Case, counts: { refused: number }): Promise<void> {
  const response = await sendRaw(adapter.url, testCase.request, { agent, timeoutMs: 5_000 });
  const label = `${testCase.what}: ${testCase.request.method} ${testCase.request.path} → ${response.status} ${response.text.slice(0, 120)}`;
  expect(response.status, label).toBeLessThan(500);
  const expected = testCase.expected === "any" ? (response.status < 300 ? "2xx" : "4xx") : testCase.expected;
  if (expected === "2xx") {
    expect(response.status, label).toBeGreaterThanOrEqual(200);
    expect(response.status, label).toBeLessThan(300);
    // Answered before the turn runs; wait for it so the next case meets a quiet server.
    await adapter.idle();
  } else {
    expect(response.status, label).toBeGreaterThanOrEqual(400);
    if (response.status === 405) expect(response.headers.allow, label).toBe("POST");
    counts.refused++;
  }
}

function runProperty(name: string, arbitrary: fc.Arbitrary<Case>, runs: number) {
  it(`${name} (${runs} cases)`, async () => {
    const before = logs.length;
    const counts = { refused: 0 };
    await fc.assert(
      fc.asyncProperty(arbitrary, (testCase) => check(testCase, counts)),
      { numRuns: runs, endOnFailure: true },
    );
    await adapter.idle();
    const lines = logs.slice(before);
    // One line per refusal; no 500, no listener failure; nothing of a body, a signature or a secret.
    expect(lines.filter((line) => line.message === "slack request refused")).toHaveLength(counts.refused);
    expect(lines.filter((line) => line.level === "error")).toEqual([]);
    const written = JSON.stringify(lines);
    for (const secret of [MARKER, SIGNING_SECRET, BOT_TOKEN, "v0="]) expect(written).not.toContain(secret);
  });
}

describe("Slack entry under random requests (one real server for all cases)", () => {
  runProperty(
    "the HTTP envelope: methods, paths, media types, charsets, encodings, signatures, timestamps, sizes",
    httpCase,
    fuzzRuns(900),
  );
  runProperty(
    "signed JSON bodies: envelopes well-formed and broken, other shapes, not JSON",
    jsonCase,
    fuzzRuns(900),
  );
  runProperty(
    "signed form bodies: clicks, /lutin, payload values, other interactions and commands, sizes",
    formCase,
    fuzzRuns(700),
  );

  it("still answers a customer afterwards", async () => {
    const channel = "D0AFTERFUZZ";
    const body = JSON.stringify(
      eventCallback(directMessage(channel, nextTs(), "still there?"), { eventId: `EvAfter${unique()}` }),
    );
    const response = await sendRaw(adapter.url, signed({ body }), { agent, timeoutMs: 5_000 });
    expect(response.status).toBe(200);
    await adapter.idle();
    expect(fake.posts().some((post) => post.channel === channel)).toBe(true);
  });
});
