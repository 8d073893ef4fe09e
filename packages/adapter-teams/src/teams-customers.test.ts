import { describe, expect, it } from "vitest";
import { personalMessage } from "./testing/teams-activities.js";
import { teamsRuntimePerTest } from "./testing/teams-runtime.js";

const start = teamsRuntimePerTest();

describe("Teams customers, authentication ON (local issuer, fake Bot Connector)", () => {
  it("answers a personal chat once, through the Bot Connector, and counts it on the receipt (C7)", async () => {
    const world = await start();
    const response = await world.send(personalMessage(world.parties, "a:chat-chloe", "Where is my order?"));
    expect(response.status).toBe(200);
    const texts = world.connector.texts("a:chat-chloe");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/order number/i);
    expect(await world.usage()).toEqual({ ai: 1, human: 0 });
    const [conversation] = await world.store.listConversations({ tenant: world.tenantId });
    expect(conversation).toMatchObject({ channel: "teams", thread: "a:chat-chloe", counted: true });
    // Outbound calls carried a token the connector issued to our app id and password.
    expect(world.connector.callsOf("token")).toHaveLength(1);
    expect(
      world.connector.calls
        .filter((call) => call.path.startsWith("/v3/"))
        .every((call) => call.status !== 401),
    ).toBe(true);
  });
});
