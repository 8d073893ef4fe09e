import { silentLogger } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { personalMessage } from "./testing/teams-activities.js";
import { APP_ID } from "./testing/teams-network.js";
import { teamsRuntimePerTest } from "./testing/teams-runtime.js";

const start = teamsRuntimePerTest();

describe("Teams inbound authentication (botbuilder's JWT validation against a local issuer)", () => {
  it("refuses every wrong token with 401, never 500, logs one line without the token, and answers nothing", async () => {
    const lines: Array<{ message: string; fields: unknown }> = [];
    const logger = {
      ...silentLogger,
      warn: (message: string, fields?: unknown) => void lines.push({ message, fields }),
    };
    const world = await start({ adapter: { logger } });
    const activity = () => personalMessage(world.parties, "a:chat-auth", "hello");
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Parameters<typeof world.send>[1]]> = [
      ["no Authorization header", { authorization: null }],
      ["not a bearer token", { authorization: "Basic dXNlcjpwYXNz" }],
      ["garbage token", { authorization: "Bearer not.a.jwt" }],
      ["bad issuer", { claims: { iss: "https://sts.windows.net/someone-else/" } }],
      ["another app's audience", { claims: { aud: "11111111-2222-3333-4444-555555555555" } }],
      ["expired long ago", { claims: { exp: now - 3600, nbf: now - 7200 } }],
      ["unknown key id", { options: { kid: "no-such-key" } }],
      ["forged signature", { options: { forged: true } }],
      ["alg none", { options: { alg: "none" } }],
      ["HS256", { options: { alg: "HS256" } }],
      [
        "serviceurl claim of another service",
        { claims: { serviceurl: "https://smba.trafficmanager.net/evil/" } },
      ],
    ];
    for (const [what, token] of cases) {
      const response = await world.send(activity(), token);
      expect(response.status, what).toBe(401);
    }
    expect(world.connector.posted()).toEqual([]);
    expect(await world.store.listConversations({ tenant: world.tenantId })).toEqual([]);
    const refusals = lines.filter((line) => line.message === "teams request refused");
    expect(refusals).toHaveLength(cases.length);
    expect(JSON.stringify(lines)).not.toMatch(/eyJ|hello/);
    // The precise problems a token's form and time window show, before botbuilder's own checks.
    const problems = refusals.map((line) => (line.fields as { problem: string }).problem);
    expect(problems).toEqual([
      "unsigned",
      "unsigned",
      "token_malformed",
      "bad_token",
      "bad_token",
      "token_expired",
      "bad_token",
      "bad_token",
      "token_malformed",
      "token_algorithm",
      "bad_token",
    ]);
    // A good token still works afterwards, with the same app id.
    expect((await world.send(activity())).status).toBe(200);
    expect(world.connector.texts("a:chat-auth")).toHaveLength(1);
    expect(APP_ID).not.toBe("");
  });
});
