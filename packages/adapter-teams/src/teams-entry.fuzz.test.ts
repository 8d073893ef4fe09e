import { Agent } from "node:http";
import type { Logger } from "@lutingenie/core";
import { fuzzRuns } from "@lutingenie/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RawRequest, sendRaw } from "./testing/raw-request.js";
import {
  cardExecute,
  channelMention,
  groupMention,
  nextActivityId,
  otherActivity,
  personalMessage,
} from "./testing/teams-activities.js";
import { APP_ID } from "./testing/teams-network.js";
import { startTeamsRuntime, type TeamsWorld } from "./testing/teams-runtime.js";

/*
 * The Teams endpoint under random requests, against the real adapter (botbuilder's CloudAdapter and JWT
 * validation behind our front door) with the real runtime behind it: activities of every kind signed as
 * Teams signs them, then broken in one way (method, path, media type, encoding, size, JSON, a field's
 * value, the token's claims, key or signature). Each case knows what it is: a well-formed signed activity
 * gets a 2xx, anything broken a 4xx, a random change of a field "2xx or 4xx"; never a 5xx, never a hang,
 * and no log line holds the text of a body.
 */

const MAX_BODY_BYTES = 48 * 1024;
const MARKER = "QZX-body-text-XQZ";
type Expected = "2xx" | "4xx" | "any";
interface Case {
  request: RawRequest;
  expected: Expected;
  what: string;
}

interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}
const logs: LogLine[] = [];
const logEntry = (level: string) => (message: string, fields?: Record<string, unknown>) =>
  void logs.push({ level, message, fields });
const logger: Logger = { info: logEntry("info"), warn: logEntry("warn"), error: logEntry("error") };

let world: TeamsWorld;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  world = await startTeamsRuntime({ enchantments: [], adapter: { logger, maxBodyBytes: MAX_BODY_BYTES } });
});
afterAll(async () => {
  agent.destroy();
  await world?.stop();
});

const freeText = fc.string({ unit: "binary", maxLength: 80 }).map((text) => `${text} ${MARKER} ${text}`);
const sizedText = fc.oneof(
  { weight: 8, arbitrary: freeText },
  { weight: 1, arbitrary: fc.integer({ min: 3_990, max: 4_010 }).map((n) => `${MARKER}${"a".repeat(n)}`) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 40_000, max: 60_000 }).map((n) => `${MARKER}${"é".repeat(n / 2)}`),
  },
);

/** Activities as Teams sends them (customers, chatter, edits, installs, card clicks). */
const activity: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  sizedText.map((text) => personalMessage(world.parties, `a:fuzz-${nextActivityId().slice(-1)}`, text)),
  freeText.map((text) => channelMention(world.parties, "19:fuzz@thread.tacv2", text)),
  freeText.map((text) => channelMention(world.parties, "19:fuzz@thread.tacv2", text, { mention: false })),
  freeText.map((text) => groupMention(world.parties, "19:fuzz-group@thread.v2", text)),
  freeText.map((text) => otherActivity(world.parties, "a:fuzz-1", "messageUpdate", { text })),
  fc.constant(null).map(() => otherActivity(world.parties, "a:fuzz-1", "messageDelete")),
  fc
    .constant(null)
    .map(() => otherActivity(world.parties, "a:fuzz-1", "installationUpdate", { action: "add" })),
  fc
    .constant(null)
    .map(() => otherActivity(world.parties, "a:fuzz-1", "conversationUpdate", { membersAdded: [] })),
  freeText.map((text) =>
    cardExecute(world.parties, "a:fuzz-1", "1700000000001", {
      lutin: "customer",
      choice: "resolve",
      thread: "a:fuzz-1",
      label: text,
    }),
  ),
  fc.jsonValue().map((value) => cardExecute(world.parties, "a:fuzz-1", "1700000000001", value)),
);

const signedRequest = (body: Record<string, unknown>, claims: Record<string, unknown> = {}): RawRequest => {
  const text = JSON.stringify(body);
  return {
    method: "POST",
    path: "/api/messages",
    body: text,
    headers: {
      "content-type": "application/json; charset=utf-8",
      authorization: world.network.issuer.authorization({
        aud: APP_ID,
        serviceurl: String(body.serviceUrl),
        ...claims,
      }),
    },
  };
};
const bySize = (request: RawRequest, otherwise: Expected): Expected =>
  Buffer.byteLength(request.body ?? "") > MAX_BODY_BYTES ? "4xx" : otherwise;

const withHeaders = (request: RawRequest, headers: Record<string, string | undefined>): RawRequest => {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...request.headers, ...headers }))
    if (value !== undefined) merged[name] = value;
  return { ...request, headers: merged };
};

type Breaker = (request: RawRequest, body: Record<string, unknown>) => Case;
const broken = (what: string, request: RawRequest, expected: Expected = "4xx"): Case => ({
  what,
  request,
  expected,
});

const breakers: fc.Arbitrary<Breaker> = fc.oneof(
  fc
    .constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS")
    .map((method) => (request: RawRequest) => broken(`method ${method}`, { ...request, method })),
  fc
    .constantFrom("/", "/api", "/api/messages/", "/API/MESSAGES", "/api/messages/../x")
    .map((path) => (request: RawRequest) => broken(`path ${path}`, { ...request, path })),
  fc
    .constantFrom(
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
      "application/json; charset=iso-8859-1",
      "multipart/form-data",
    )
    .map(
      (type) => (request: RawRequest) =>
        broken(
          `content-type ${type}`,
          withHeaders(request, { "content-type": type === "" ? undefined : type }),
        ),
    ),
  fc
    .constantFrom("gzip", "deflate", "br")
    .map(
      (encoding) => (request: RawRequest) =>
        broken(`encoding ${encoding}`, withHeaders(request, { "content-encoding": encoding })),
    ),
  fc
    .integer({ min: 1, max: 200 })
    .map(
      (cut) => (request: RawRequest) =>
        broken(`truncated by ${cut}`, { ...request, body: String(request.body).slice(0, -cut) }),
    ),
  fc
    .constantFrom("", "null", "[]", "7", '"text"', "{", "{}", '{"type":""}')
    .map((body) => (request: RawRequest) => broken(`body ${body}`, { ...request, body })),
  fc
    .constantFrom(
      { iss: "https://sts.windows.net/other/" },
      { aud: "11111111-2222-3333-4444-555555555555" },
      { aud: "" },
      { exp: Math.floor(Date.now() / 1000) - 7200, nbf: Math.floor(Date.now() / 1000) - 9000 },
      { nbf: Math.floor(Date.now() / 1000) + 7200 },
      { serviceurl: "https://smba.trafficmanager.net/elsewhere/" },
      { ver: "1.0", appid: "22222222-2222-2222-2222-222222222222" },
    )
    .map(
      (claims) => (_request: RawRequest, body: Record<string, unknown>) =>
        broken(`claims ${JSON.stringify(claims)}`, signedRequest(body, claims)),
    ),
  fc
    .constantFrom<Record<string, unknown>>(
      { kid: "unknown-kid" },
      { forged: true },
      { alg: "none" },
      { alg: "HS256" },
    )
    .map((options) => (request: RawRequest, body: Record<string, unknown>) => {
      const serviceurl = String(body.serviceUrl);
      return broken(
        `token ${JSON.stringify(options)}`,
        withHeaders(request, {
          authorization: world.network.issuer.authorization({ aud: APP_ID, serviceurl }, options),
        }),
      );
    }),
  fc
    .oneof(
      fc.constant(undefined),
      fc.constant("Bearer"),
      fc.constant("Bearer  "),
      fc.string({ maxLength: 60 }).map((text) => `Bearer ${text}`),
      fc.string({ maxLength: 60 }),
    )
    .map(
      (authorization) => (request: RawRequest) =>
        broken(`authorization ${JSON.stringify(authorization)}`, withHeaders(request, { authorization })),
    ),
  // A random value in a random field: maybe still an activity, maybe not; never a 5xx.
  fc
    .tuple(
      fc.constantFrom(
        "type",
        "id",
        "text",
        "from",
        "recipient",
        "conversation",
        "entities",
        "attachments",
        "value",
        "channelData",
        "replyToId",
        "timestamp",
        "name",
        "action",
        "locale",
      ),
      fc.jsonValue({ maxDepth: 3 }),
    )
    .map(([field, value]) => (_request: RawRequest, body: Record<string, unknown>) => {
      const mutated = { ...body, [field]: value };
      const request = signedRequest(mutated);
      return {
        what: `${field} = ${JSON.stringify(value).slice(0, 80)}`,
        request,
        expected: "any" as Expected,
      };
    }),
);

const cases: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 3,
    arbitrary: activity.map((body) => {
      const request = signedRequest(body);
      return { what: `valid ${String(body.type)}`, request, expected: bySize(request, "2xx") };
    }),
  },
  {
    weight: 7,
    arbitrary: fc.tuple(activity, breakers).map(([body, breaker]) => breaker(signedRequest(body), body)),
  },
);

describe("fuzz: the Teams endpoint", () => {
  it("answers every request with the status its case calls for, never a 5xx, and logs no body text", {
    timeout: 240_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (testCase) => {
        const response = await sendRaw(world.adapter.url, testCase.request, { agent, timeoutMs: 15_000 });
        const family = `${Math.floor(response.status / 100)}xx`;
        if (testCase.expected === "any") expect(["2xx", "4xx"], testCase.what).toContain(family);
        else
          expect(family, `${testCase.what}: ${response.status} ${response.text.slice(0, 200)}`).toBe(
            testCase.expected,
          );
      }),
      { numRuns: fuzzRuns(2_500) },
    );
    await world.adapter.idle();
    expect(logs.filter((line) => line.level === "error")).toEqual([]);
    expect(JSON.stringify(logs)).not.toContain(MARKER);
    // Still serving.
    const after = await sendRaw(
      world.adapter.url,
      signedRequest(personalMessage(world.parties, "a:fuzz-after", "ok")),
      { agent },
    );
    expect(after.status).toBe(200);
  });
});
