import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_TENANT_FILE, ManualClock } from "@lutingenie/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AgentTestClient } from "./testing/agent-test-client.js";
import { type TestServer, testServersPerTest } from "./testing/per-test.js";
import { adminCall, startTestServer, TEST_AGENT_TOKENS } from "./testing/test-server.js";
import { writeBikeShopTenant } from "./testing/test-tenant-file.js";
import { type ServerFrame, WidgetTestClient } from "./testing/widget-test-client.js";

const KEY = "demo-shop-widget";
const weekdays = {
  mon: [{ from: "09:00", to: "18:00" }],
  tue: [{ from: "09:00", to: "18:00" }],
  wed: [{ from: "09:00", to: "18:00" }],
  thu: [{ from: "09:00", to: "18:00" }],
  fri: [{ from: "09:00", to: "18:00" }],
};
/** Monday 12 January 2026 in Paris (UTC+1 in winter). */
const mondayParis = (hour: number, minute = 0, second = 0) => Date.UTC(2026, 0, 12, hour - 1, minute, second);

describe("desk status pushed to widgets and consoles (issue 17, finding 1)", () => {
  const { start, defer } = testServersPerTest();

  const serve = async (at: number, escalation = { agentsMayTakeOutsideHours: false }) => {
    const clock = new ManualClock(at);
    const server = await start(
      {},
      {
        clock,
        deskRecheckMs: 100,
        settings: { businessHours: weekdays, timeZone: "Europe/Paris", escalation },
      },
    );
    return { server, clock };
  };
  const widget = async (server: TestServer) => {
    const client = await WidgetTestClient.connect({ url: server.url, key: KEY });
    defer(() => client.close());
    return client;
  };
  const agent = async (server: TestServer, token: string) => {
    const client = await AgentTestClient.signIn(server.url, token);
    defer(() => client.close());
    return client;
  };
  /** How far each widget's frames were read: a desk frame may come before the test waits for it. */
  const readUpTo = new WeakMap<WidgetTestClient, number>();
  /** The next desk frame in `state`: the console client keeps unread frames; the widget's are read in order. */
  const desk = async (client: WidgetTestClient | AgentTestClient, state: string): Promise<ServerFrame> => {
    const test = (frame: ServerFrame) => frame.type === "desk" && frame.state === state;
    if (client instanceof AgentTestClient) return client.next(test);
    const from = readUpTo.get(client) ?? 0;
    const seen = client.frames.findIndex((frame, index) => index >= from && test(frame));
    const found = seen >= 0 ? (client.frames[seen] as ServerFrame) : await client.next(test);
    readUpTo.set(client, client.frames.indexOf(found) + 1);
    return found;
  };

  it("after hours, a new widget is told at once: closed until Monday 09:00 Paris; so is a console, not reached", async () => {
    // Saturday 17 January, 20:00 in Paris.
    const { server } = await serve(Date.UTC(2026, 0, 17, 19, 0));
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    expect(await desk(ana, "closed")).toEqual({
      type: "desk",
      state: "closed",
      reason: "outside_hours",
      opensAt: "2026-01-19T08:00:00.000Z",
      timeZone: "Europe/Paris",
      reachesYou: false,
    });
    const customer = await widget(server);
    // Never who or how many agents are there: only what the customer needs to see.
    expect(await desk(customer, "closed")).toEqual({
      type: "desk",
      state: "closed",
      opensAt: "2026-01-19T08:00:00.000Z",
      timeZone: "Europe/Paris",
    });
  });

  it("a tenant without Escalation (left out of its plan or tenant file) shows no 'team is away' notice: off, on widget and console", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 17, 19, 0));
    const server = await start(
      {},
      {
        clock,
        deskRecheckMs: 100,
        settings: { businessHours: weekdays, timeZone: "Europe/Paris", disabledEnchantments: ["escalation"] },
      },
    );
    const customer = await widget(server);
    expect(await desk(customer, "off")).toEqual({
      type: "desk",
      state: "off",
      opensAt: null,
      timeZone: "Europe/Paris",
    });
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    expect(await desk(ana, "off")).toMatchObject({ reason: "escalation_off", reachesYou: false });
  });

  it("in hours it follows the agents: open while one is there and active, nobody-active when they step away", async () => {
    const { server } = await serve(mondayParis(10));
    const customer = await widget(server);
    await desk(customer, "nobody-active");
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    expect(await desk(ana, "open")).toMatchObject({ reason: "business_hours", reachesYou: true });
    await desk(customer, "open");

    expect(await ana.command({ type: "active", isActive: false })).toMatchObject({ ok: true });
    expect(await desk(ana, "nobody-active")).toMatchObject({ reason: "no_agent_active", reachesYou: false });
    expect(await desk(customer, "nobody-active")).toMatchObject({ opensAt: null });

    await ana.command({ type: "active", isActive: true });
    await desk(customer, "open");
    await ana.close();
    await desk(customer, "nobody-active");
  });

  it("is pushed when the hours boundary passes: 17:59:58 open, 18:00:01 closed until Tuesday 09:00", async () => {
    const { server, clock } = await serve(mondayParis(17, 59, 58));
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const customer = await widget(server);
    await desk(customer, "open");
    await desk(ana, "open");
    clock.advance(3_000);
    expect(await desk(customer, "closed")).toMatchObject({ opensAt: "2026-01-13T08:00:00.000Z" });
    expect(await desk(ana, "closed")).toMatchObject({ reason: "outside_hours" });
    // And what the customer was told holds: "Talk to a human" now files a follow-up task.
    expect(await customer.message("after-hours-1", "I want to talk to a human")).toMatchObject({
      type: "ack",
    });
    expect(await server.runtime.escalation.listHandoffs("demo-shop")).toEqual([]);
    expect(await server.runtime.escalation.listFollowUps("demo-shop")).toHaveLength(1);
  });

  it("escalation.agentsMayTakeOutsideHours: an active agent outside hours opens the desk and takes the chat live", async () => {
    const { server } = await serve(mondayParis(21), { agentsMayTakeOutsideHours: true });
    const customer = await widget(server);
    await desk(customer, "closed");
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    expect(await desk(ana, "open")).toMatchObject({ reason: "agent_outside_hours", reachesYou: true });
    await desk(customer, "open");
    const requested = ana.next((frame) => frame.type === "post");
    await customer.message("late-1", "I want to talk to a human");
    expect(await requested).toMatchObject({ post: { kind: "handoff_requested" } });
    expect(await server.runtime.escalation.listHandoffs("demo-shop")).toHaveLength(1);
  });

  it("a test chat's later messages (the agent's reply) are fetched by its own tenant's admin only, with bounds", async () => {
    const { server } = await serve(mondayParis(10));
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const asked = await adminCall<{ reply: string }>(server.url, "/test-chat", {
      body: { session: "desk-1", text: "I want to talk to a human" },
    });
    expect(asked.status).toBe(200);
    const [handoff] = await server.runtime.escalation.listHandoffs("demo-shop");
    expect(handoff?.test).toBe(true);
    await ana.command({ type: "accept", handoff: handoff?.id });
    await ana.command({ type: "reply", handoff: handoff?.id, id: "t-1", text: "Ana, answering the test" });
    const later = await adminCall<{ messages: Array<Record<string, unknown>>; next: number }>(
      server.url,
      "/test-chat/messages?session=desk-1&after=0",
    );
    expect(later.body.messages.map((message) => [message.author, message.text])).toEqual([
      ["system", expect.stringContaining("Ana")],
      ["agent", "Ana, answering the test"],
    ]);
    const after = await adminCall<{ messages: unknown[] }>(
      server.url,
      `/test-chat/messages?session=desk-1&after=${later.body.next}`,
    );
    expect(after.body.messages).toEqual([]);
    // Another session (or another tenant's, whose token names it) sees nothing of it.
    const other = await adminCall<{ messages: unknown[] }>(server.url, "/test-chat/messages?session=desk-2");
    expect(other.body.messages).toEqual([]);
    for (const query of [
      "session=x",
      "session=desk-1&after=-1",
      "session=desk-1&after=abc",
      "session=desk-1&evil=1",
    ])
      expect((await adminCall(server.url, `/test-chat/messages?${query}`)).status).toBe(400);
    expect((await adminCall(server.url, "/test-chat/messages?session=desk-1", { token: null })).status).toBe(
      401,
    );
    // C9: none of it counts.
    const usage = await adminCall<{ used: number; human: { used: number } }>(server.url, "/usage");
    expect([usage.body.used, usage.body.human.used]).toEqual([0, 0]);
  });

  it("GET /test-chat/messages under random queries: 200 with a list, or 400 naming the field; never 5xx", async () => {
    const { server } = await serve(mondayParis(10));
    const value = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.integer().map(String),
      fc.constantFrom("desk-1", "0", "-1", "1e999", "NaN", "__proto__", "9007199254740993"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("session", "after", "origin", "extra", "__proto__"), value, {
          maxKeys: 4,
        }),
        async (fields) => {
          const query = new URLSearchParams(fields as Record<string, string>).toString();
          const answer = await adminCall<{ messages?: unknown[]; code?: string; message?: string }>(
            server.url,
            `/test-chat/messages?${query}`,
          );
          if (answer.status === 200) expect(Array.isArray(answer.body.messages)).toBe(true);
          else {
            expect(answer.status).toBe(400);
            expect(answer.body.code).toBe("REQUEST_INVALID");
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("each tenant's desk is its own: an agent of the demo shop signing in changes nothing for the bike shop's widgets or test chats", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-desk-"));
    defer(() => rm(directory, { recursive: true, force: true }));
    const tokens = {
      demoAdmin: "admin-token-of-demo-shop-desk-0123456",
      bikeAdmin: "admin-token-of-bike-shop-desk-0123456",
      demoAna: "agent-token-ana-of-demo-shop-desk-01",
      bikeAna: "agent-token-ana-of-bike-shop-desk-01",
    };
    const server = await start(
      {
        tenants: [
          {
            tenantFile: DEMO_TENANT_FILE,
            widgetKey: "demo-shop-widget",
            adminToken: tokens.demoAdmin,
            agentTokens: { ana: tokens.demoAna, bruno: "agent-token-bruno-of-demo-desk-01" },
          },
          {
            tenantFile: await writeBikeShopTenant(directory),
            widgetKey: "bike-shop-widget",
            adminToken: tokens.bikeAdmin,
            agentTokens: { ana: tokens.bikeAna, carla: "agent-token-carla-of-bike-desk-01" },
          },
        ],
      },
      { deskRecheckMs: 100 },
    );
    const bikeCustomer = await WidgetTestClient.connect({ url: server.url, key: "bike-shop-widget" });
    defer(() => bikeCustomer.close());
    const demoCustomer = await WidgetTestClient.connect({ url: server.url, key: KEY });
    defer(() => demoCustomer.close());
    await desk(bikeCustomer, "nobody-active");
    await desk(demoCustomer, "nobody-active");
    const demoAna = await agent(server, tokens.demoAna);
    await desk(demoAna, "open");
    await desk(demoCustomer, "open");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bikeCustomer.frames.filter((frame) => frame.type === "desk").map((frame) => frame.state)).toEqual([
      "nobody-active",
    ]);

    // The same session name in two tenants' test chats: two chats, each admin reads its own.
    for (const token of [tokens.demoAdmin, tokens.bikeAdmin])
      await adminCall(server.url, "/test-chat", {
        token,
        body: { session: "same-name", text: "I want to talk to a human" },
      });
    const [handoff] = await server.runtime.escalation.listHandoffs("demo-shop");
    await demoAna.command({ type: "accept", handoff: handoff?.id });
    await demoAna.command({ type: "reply", handoff: handoff?.id, id: "x-1", text: "for the demo shop only" });
    const read = async (token: string) =>
      (
        await adminCall<{ messages: Array<{ text: string }> }>(
          server.url,
          "/test-chat/messages?session=same-name",
          {
            token,
          },
        )
      ).body.messages.map((message) => message.text);
    expect(await read(tokens.demoAdmin)).toContain("for the demo shop only");
    expect(await read(tokens.bikeAdmin)).not.toContain("for the demo shop only");
  });

  it("a test chat's follow-up task is still marked test after a restart (the escalation files keep it)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-desk-restart-"));
    defer(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startTestServer({}, { dataDir });
    await adminCall(first.url, "/test-chat", {
      body: { session: "restart-1", text: "I want to talk to a human" },
    });
    expect((await first.runtime.escalation.listFollowUps("demo-shop")).map((task) => task.test)).toEqual([
      true,
    ]);
    await first.cleanup();
    const second = await start({}, { dataDir });
    expect((await second.runtime.escalation.listFollowUps("demo-shop", { test: true })).length).toBe(1);
    expect(await second.runtime.escalation.listFollowUps("demo-shop", { test: false })).toEqual([]);
  });
});
