import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { afterEach, describe, expect, it } from "vitest";
import { connectorFailure, createAgentConnector } from "./agent-connector.js";

const APP_ID = "0b7c1f2e-1111-4222-8333-944455556666";

/**
 * A minimal loopback Bot Connector for the connector calls alone (the full fake of the testing kit runs
 * the end-to-end tests): records each request and answers as the real REST protocol does.
 */
async function connectorServer() {
  const requests: Array<{ method: string; path: string; body: unknown; authorization: string | undefined }> =
    [];
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    let raw = "";
    for await (const chunk of request) raw += chunk;
    const path = request.url ?? "";
    requests.push({
      method: request.method ?? "",
      path: decodeURIComponent(path),
      body: raw === "" ? undefined : JSON.parse(raw),
      authorization: request.headers.authorization,
    });
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method === "POST" && path === "/v3/conversations")
      return json(201, { id: "19:agents@thread.tacv2;messageid=1701", activityId: "1701" });
    if (request.method === "POST" && /\/activities(\/[^/]+)?$/.test(path)) return json(201, { id: "1702" });
    if (request.method === "PUT") return json(200, { id: "1701" });
    if (request.method === "GET" && path.endsWith(encodeURIComponent("29:ana")))
      return json(200, { id: "29:ana", name: "Ana", aadObjectId: "aad-ana", email: "ana@acme.example" });
    if (request.method === "GET")
      return json(404, { error: { code: "MemberNotFoundInConversation", message: "no" } });
    return json(500, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** Outbound credentials that sign with a fixed token: MSAL refuses plain-http authorities (ARCHITECTURE.md). */
const credentialsFactory = {
  isValidAppId: async (appId: string) => appId === APP_ID,
  isAuthenticationDisabled: async () => false,
  createCredentials: async () => ({
    signRequest: async (request: { headers: { set(name: string, value: string): void } }) => {
      request.headers.set("Authorization", "Bearer local-test-token");
      return request;
    },
  }),
} as unknown as ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];

describe("the agents' connector calls, through botbuilder's CloudAdapter", () => {
  it("creates a channel conversation (the card, with its activity id), writes in its chain, updates the card, reads a member", async () => {
    const fake = await connectorServer();
    servers.push(fake.server);
    const adapter = new CloudAdapter(
      new ConfigurationBotFrameworkAuthentication(
        { MicrosoftAppId: APP_ID, MicrosoftAppType: "MultiTenant" },
        credentialsFactory,
      ),
    );
    const connector = createAgentConnector({ adapter, appId: APP_ID });

    const created = await connector.createInChannel(
      { serviceUrl: fake.url, channelId: "19:agents@thread.tacv2", teamsTenantId: "tenant-guid" },
      { type: "message", text: "card" },
    );
    expect(created).toEqual({ conversationId: "19:agents@thread.tacv2;messageid=1701", activityId: "1701" });
    const reference = {
      serviceUrl: fake.url,
      conversationId: created.conversationId,
      botId: "",
      activityId: "1701",
    };
    expect(await connector.send(reference, { type: "message", text: "Customer: hi" })).toBe("1702");
    await connector.update(reference, { type: "message", text: "taken" });
    expect(await connector.member(fake.url, "19:agents@thread.tacv2", "29:ana")).toEqual({
      id: "29:ana",
      name: "Ana",
      aadObjectId: "aad-ana",
      email: "ana@acme.example",
    });
    expect(await connector.member(fake.url, "19:agents@thread.tacv2", "29:mallory")).toBeNull();

    const [create, send, update] = fake.requests;
    expect(create).toMatchObject({
      method: "POST",
      path: "/v3/conversations",
      body: {
        isGroup: true,
        channelData: { channel: { id: "19:agents@thread.tacv2" }, tenant: { id: "tenant-guid" } },
        activity: { type: "message", text: "card" },
      },
      authorization: "Bearer local-test-token",
    });
    expect(send).toMatchObject({
      method: "POST",
      path: "/v3/conversations/19:agents@thread.tacv2;messageid=1701/activities/1701",
    });
    expect(update).toMatchObject({
      method: "PUT",
      path: "/v3/conversations/19:agents@thread.tacv2;messageid=1701/activities/1701",
      body: { text: "taken", id: "1701" },
    });
  });

  it("maps the connector's statuses to delivery failures that say what to fix", () => {
    expect(connectorFailure("post", { statusCode: 429 })).toMatchObject({
      reason: "rate_limited",
      retryable: true,
    });
    expect(connectorFailure("post", { statusCode: 403 })).toMatchObject({
      reason: "auth_failed",
      detail: expect.stringMatching(/MICROSOFT_APP_ID/),
    });
    expect(connectorFailure("post", { statusCode: 404 })).toMatchObject({ reason: "thread_gone" });
    expect(connectorFailure("post", { statusCode: 413 })).toMatchObject({ reason: "too_long" });
    expect(connectorFailure("post", { statusCode: 502 })).toMatchObject({
      reason: "unreachable",
      retryable: true,
    });
    expect(connectorFailure("post", new Error("ECONNREFUSED"))).toMatchObject({ reason: "unreachable" });
  });
});
