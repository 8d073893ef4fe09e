import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ChannelAdapter,
  type CoreHandle,
  LAST_AUDIT_FILE,
  type OutboundMessage,
  openLowdbStore,
  recordLastAudit,
} from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { parseServerConfig } from "./config.js";
import { AgentTestClient } from "./testing/agent-test-client.js";
import { type TestServer, testServersPerTest } from "./testing/per-test.js";
import { adminCall, TEST_AGENT_TOKENS } from "./testing/test-server.js";
import { WidgetTestClient } from "./testing/widget-test-client.js";

type Server = TestServer;
const KEY = "demo-shop-widget";

describe("lutin serve: HTTP and WebSocket against the real server", () => {
  const { start, defer } = testServersPerTest();
  /** A new visitor, or a returning one (the identity of an earlier welcome, as the widget keeps it). */
  const widget = async (server: Server, resume?: { visitor: string; token: string }, origin?: string) => {
    const client = await WidgetTestClient.connect({
      url: server.url,
      key: KEY,
      ...(resume === undefined ? {} : { resume }),
      ...(origin === undefined ? {} : { origin }),
    });
    defer(() => client.close());
    return client;
  };
  const agent = async (server: Server, token: string) => {
    const client = await AgentTestClient.signIn(server.url, token);
    defer(() => client.close());
    return client;
  };

  it("an agent whose console drops or reloads stays online for the grace period and keeps the chat; a deliberate close is offline at once", async () => {
    const server = await start({}, { reconnectGraceMs: 400 });
    const isOnline = async (id: string) =>
      (await server.runtime.escalation.agentsOf("demo-shop")).find((person) => person.id === id)?.isOnline;
    const dropped = await AgentTestClient.signIn(server.url, TEST_AGENT_TOKENS.ana);
    expect(await isOnline("ana")).toBe(true);

    // A dropped connection (no close frame, 1006): still online, and back before the grace ends.
    const gone = new Promise((resolve) => dropped.socket.once("close", resolve));
    dropped.socket.terminate();
    await gone;
    expect(await isOnline("ana")).toBe(true);
    const back = await agent(server, TEST_AGENT_TOKENS.ana);
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the grace: the reconnect cancelled it
    expect(await isOnline("ana")).toBe(true);

    // Dropped and not back: offline once the grace is over.
    const lost = new Promise((resolve) => back.socket.once("close", resolve));
    back.socket.terminate();
    await lost;
    await expect.poll(() => isOnline("ana"), { timeout: 5_000 }).toBe(false);

    // The Online toggle closes the connection on purpose (1000): offline at once.
    const bruno = await AgentTestClient.signIn(server.url, TEST_AGENT_TOKENS.bruno);
    expect(await isOnline("bruno")).toBe(true);
    await bruno.close();
    await expect.poll(() => isOnline("bruno"), { timeout: 1_000, interval: 20 }).toBe(false);
  });

  it("answers from the knowledge base, counts on the widget's receipt, and a resend after a reload duplicates nothing", async () => {
    const server = await start();
    const first = await widget(server);
    const reply = first.next((frame) => frame.type === "reply");
    expect(await first.message("visitor-one-1", "What are your opening hours?")).toMatchObject({
      type: "ack",
      status: "answered",
    });
    expect(await reply).toMatchObject({ author: "assistant", direction: "ltr" });
    // Answered well within the typing delay: no "typing…" flashes before the reply (the desk status
    // frame comes on its own schedule, after welcome).
    expect(first.frames.map((frame) => frame.type).filter((type) => type !== "desk")).toEqual([
      "welcome",
      "reply",
      "ack",
    ]);
    expect(String((await reply).text)).toMatch(/Monday to Friday/);

    // The page reloads: a new socket, the same visitor, the outbox resent with the same id (C11).
    await first.close();
    const second = await widget(server, first.identity);
    expect(second.identity).toMatchObject({ visitor: first.visitor, resumed: true });
    expect(await second.message("visitor-one-1", "What are your opening hours?")).toMatchObject({
      status: "duplicate",
    });
    expect(second.replies).toEqual([]);

    const usage = await adminCall<{ used: number }>(server.url, "/usage");
    expect(usage.body.used).toBe(1);
    const history = await adminCall<{ rows: Array<Record<string, unknown>> }>(server.url, "/history");
    expect(history.body.rows).toHaveLength(1);
    expect(history.body.rows[0]).toMatchObject({
      counted: true,
      openReason: "first_message",
      channel: "web",
      language: "en",
      emotion: "neutral",
    });
  });

  it("does not count a reply the widget never confirmed (C7), and answers the resend", async () => {
    const server = await start({}, { receiptTimeoutMs: 300 });
    const silent = await WidgetTestClient.connect({
      url: server.url,
      key: KEY,
      autoReceipt: false,
    });
    defer(() => silent.close());
    expect(await silent.message("mute-1", "When are you open?")).toMatchObject({ status: "undelivered" });
    expect((await adminCall<{ used: number }>(server.url, "/usage")).body.used).toBe(0);
    await silent.close();
    const again = await widget(server, silent.identity);
    expect(await again.message("mute-1", "When are you open?")).toMatchObject({ status: "answered" });
    expect(again.replies).toHaveLength(1);
    expect((await adminCall<{ used: number }>(server.url, "/usage")).body.used).toBe(1);
  });

  it("checks the tenant key and the origin on the WebSocket upgrade and on HTTP", async () => {
    const server = await start({ allowedOrigins: ["https://shop.example"] });
    await expect(WidgetTestClient.connect({ url: server.url, key: "wrong-key-1234" })).rejects.toMatchObject({
      status: 401,
    });
    await expect(
      WidgetTestClient.connect({ url: server.url, key: KEY, origin: "https://evil.example" }),
    ).rejects.toMatchObject({ status: 403 });
    await widget(server, undefined, "https://shop.example");

    const refused = await fetch(`${server.url}/api/widget/config?key=${KEY}`, {
      headers: { origin: "https://evil.example" },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "ORIGIN_NOT_ALLOWED" });
    const allowed = await fetch(`${server.url}/api/widget/config?key=${KEY}`, {
      headers: { origin: "https://shop.example" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.example");
  });

  it("refuses oversized messages with a clear error and rate-limits a visitor", async () => {
    const server = await start({
      limits: {
        maxMessageLength: 50,
        visitorMessagesPerMinute: 2,
        ipMessagesPerMinute: 100,
        ipConnectionsPerMinute: 100,
      },
    });
    const client = await widget(server);
    expect(await client.message("long-1", "x".repeat(51))).toMatchObject({
      type: "error",
      code: "MESSAGE_TOO_LONG",
      message: expect.stringMatching(/51 characters; the limit is 50/),
    });
    await client.message("c-1", "hello");
    await client.message("c-2", "hello again");
    expect(await client.message("c-3", "and again")).toMatchObject({ type: "error", code: "RATE_LIMITED" });
    const unparsable = client.next((frame) => frame.type === "error");
    client.send("<script>alert(1)</script>");
    expect(await unparsable).toMatchObject({ code: "MESSAGE_INVALID" });
  });

  it("sends security headers and never executes stored text: the widget builds the DOM with textContent", async () => {
    const server = await start();
    const page = await fetch(`${server.url}/dashboard`);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const script = await (await fetch(`${server.url}/widget.js`)).text();
    expect(script).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
  });

  it("serves its icon at /favicon.ico (browsers ask for it) and links it from every page", async () => {
    const server = await start();
    const icon = await fetch(`${server.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toMatch(/^<svg /);
    for (const page of ["demo", "console", "dashboard"])
      expect(await (await fetch(`${server.url}/${page}`)).text()).toContain('rel="icon" href="/favicon.svg"');
  });

  it("guards the admin API with its token and validates bodies, naming the field", async () => {
    const server = await start();
    expect((await adminCall(server.url, "/usage", { token: null })).status).toBe(401);
    expect((await adminCall(server.url, "/usage", { token: "wrong-token-wrong-token" })).body).toMatchObject({
      code: "ADMIN_AUTH_FAILED",
    });
    const bad = await adminCall(server.url, "/packs", { body: { size: -3 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "REQUEST_INVALID", message: expect.stringMatching(/^size:/) });
    const unknownPlan = await adminCall(server.url, "/plan", { body: { plan: "platinum" } });
    expect(unknownPlan.body).toMatchObject({ code: "PLAN_UNKNOWN" });
    expect((await adminCall(server.url, "/nowhere")).status).toBe(404);
  });

  it("shows the last audit to the tenant it is about, only its own periods and differences", async () => {
    const server = await start();
    expect((await adminCall(server.url, "/audit")).body).toEqual({ audit: null });
    await recordLastAudit(server.dataDir, {
      version: 1,
      at: "2026-12-04T10:00:00.000Z",
      period: null,
      live: true,
      periods: [
        { tenant: "demo-shop", period: "2026-12-01" },
        { tenant: "other-shop", period: "2026-12-01" },
      ],
      differences: [
        { tenant: "other-shop", period: "2026-12-01", conversation: "c-1", rule: "C8", message: "extra row" },
      ],
    });
    const agreed = await adminCall(server.url, "/audit");
    expect(agreed.body).toEqual({
      audit: {
        at: "2026-12-04T10:00:00.000Z",
        period: null,
        live: true,
        agree: true,
        periods: 1,
        differences: [],
      },
    });
    await writeFile(join(server.dataDir, LAST_AUDIT_FILE), "[1,2");
    const damaged = await adminCall<{ audit: null; problem: string }>(server.url, "/audit");
    expect(damaged.status).toBe(200);
    expect(damaged.body.problem).toMatch(/run lutin audit again/);
    expect((await adminCall(server.url, "/audit", { token: "wrong" })).status).toBe(401);
  });

  it("serves the invoice of a closed period and refuses an open or malformed one (Q3, Q8)", async () => {
    const server = await start();
    const month = (offset: number) => {
      const date = new Date();
      date.setUTCDate(1);
      date.setUTCMonth(date.getUTCMonth() + offset);
      return date.toISOString().slice(0, 7);
    };
    const closed = await adminCall<Record<string, unknown>>(server.url, `/invoice?period=${month(-2)}`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      tenant: "demo-shop",
      period: { label: expect.stringMatching(new RegExp(`^${month(-2)}-`)) },
      allowance: { count: 0, conversationIds: [] },
      packs: [],
      // The demo shop is on the example Professional plan: 99 €, overage 0.04 € each, humans unlimited (Q9).
      overage: { count: 0, conversationIds: [], unitPriceCents: 4, amountCents: 0 },
      human: { count: 0, conversationIds: [], overage: { unitPriceCents: null, amountCents: 0 } },
      charges: { planCents: 9900, overageCents: 0, humanOverageCents: 0, packsCents: 0, totalCents: 9900 },
    });
    const open = await adminCall(server.url, `/invoice?period=${month(1)}`);
    expect(open.status).toBe(409);
    expect(open.body).toMatchObject({
      code: "PERIOD_NOT_INVOICEABLE",
      message: expect.stringMatching(/not closed/),
    });
    const malformed = await adminCall(server.url, "/invoice?period=2026-13");
    expect(malformed.body).toMatchObject({
      code: "REQUEST_INVALID",
      message: expect.stringMatching(/^period:/),
    });
  });

  it("keeps test chats and previews out of the count (C9), adds packs and changes plans (Q6, Q7)", async () => {
    const server = await start();
    const client = await widget(server);
    await client.message("counted-1", "When are you open?");
    const test = await adminCall<{
      reply: string;
      conversation: { counted: boolean; notCountedReason: string };
    }>(server.url, "/test-chat", { body: { session: "dash-1", text: "When are you open?" } });
    expect(test.body.reply).toMatch(/Monday/);
    expect(test.body.conversation).toMatchObject({ counted: false, notCountedReason: "test" });
    await adminCall(server.url, "/test-chat", {
      body: { session: "dash-2", text: "hello", origin: "preview" },
    });

    const usage = await adminCall<{ used: number; packsRemaining: number; plan: { id: string } }>(
      server.url,
      "/usage",
    );
    expect(usage.body.used).toBe(1);
    const history = await adminCall<{ rows: Array<{ origin: string; counted: boolean }> }>(
      server.url,
      "/history?counted=no",
    );
    expect(history.body.rows.map((row) => row.origin).sort()).toEqual(["preview", "test"]);

    expect((await adminCall(server.url, "/packs", { body: { size: 500, confirm: true } })).status).toBe(201);
    expect((await adminCall<{ packsRemaining: number }>(server.url, "/usage")).body.packsRemaining).toBe(500);
    const upgraded = await adminCall<{ plan: string }>(server.url, "/plan", { body: { plan: "enterprise" } });
    expect(upgraded.body.plan).toBe("enterprise");
    const downgrade = await adminCall<{ plan: string; effectiveAt: number }>(server.url, "/plan", {
      body: { plan: "starter" },
    });
    expect(downgrade.body.plan).toBe("enterprise");
    expect(downgrade.body.effectiveAt).toBeGreaterThan(Date.now());

    const csv = await adminCall<string>(server.url, "/history.csv");
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,mode,channel,origin,openedAt,openReason/);
    expect(lines).toHaveLength(4);
  });

  it("switches an included enchantment off for the tenant and buys an add-on", async () => {
    const server = await start();
    await adminCall(server.url, "/enchantments", { body: { name: "polyglot", enabled: false } });
    type Usage = { enchantments: Array<{ name: string; enabled: boolean; addOn: boolean }> };
    const after = await adminCall<Usage>(server.url, "/usage");
    expect(after.body.enchantments.find((item) => item.name === "polyglot")?.enabled).toBe(false);
    await adminCall(server.url, "/enchantments", { body: { name: "memory", enabled: false } });
    const memory = (await adminCall<Usage>(server.url, "/usage")).body.enchantments.find(
      (item) => item.name === "memory",
    );
    expect(memory).toMatchObject({ enabled: false, addOn: false });
  });

  it("hands off to the first agent who accepts; the other is told who took it; they chat; resolve ends it (C10)", async () => {
    const server = await start();
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const bruno = await agent(server, TEST_AGENT_TOKENS.bruno);
    const customer = await widget(server);
    await customer.message("help-1", "When are you open?");
    const anaPost = ana.next(
      (frame) => frame.type === "post" && (frame.post as { kind: string }).kind === "handoff_requested",
    );
    const brunoPost = bruno.next(
      (frame) => frame.type === "post" && (frame.post as { kind: string }).kind === "handoff_requested",
    );
    const notice = customer.next((frame) => frame.type === "reply");
    await customer.message("help-2", "I want to talk to a human");
    expect(String((await notice).text)).toMatch(/connecting you/);
    const handoff = ((await anaPost).post as { ref: string }).ref;
    expect(((await brunoPost).post as { ref: string }).ref).toBe(handoff);

    const [anaResult, brunoResult] = await Promise.all([
      ana.command({ type: "accept", handoff }),
      bruno.command({ type: "accept", handoff }),
    ]);
    const results = [anaResult, brunoResult];
    expect(results.filter((result) => result.ok === true)).toHaveLength(1);
    const loser = results.find((result) => result.ok === false);
    expect(String(loser?.problem)).toMatch(/already taken by (Ana|Bruno)/);
    const winner = anaResult.ok === true ? ana : bruno;

    const agentLine = customer.next((frame) => frame.type === "reply" && frame.author === "agent");
    expect(
      await winner.command({ type: "reply", handoff, id: "m1", text: "Hello, I am here to help." }),
    ).toMatchObject({
      ok: true,
    });
    expect(await agentLine).toMatchObject({ text: "Hello, I am here to help." });

    const relayed = winner.next(
      (frame) => frame.type === "post" && (frame.post as { kind: string }).kind === "customer_message",
    );
    expect(await customer.message("help-3", "My parcel is late")).toMatchObject({ status: "silent" });
    expect(((await relayed).post as { text: string }).text).toBe("My parcel is late");

    const left = customer.next((frame) => frame.type === "reply" && frame.author === "system");
    expect(await winner.command({ type: "end", handoff, how: "resolved" })).toMatchObject({ ok: true });
    const goodbye = await left;
    expect(String(goodbye.text)).toMatch(/has left the conversation/);
    // C4: resolved by the agent, the chat is solved: the widget hides "That solved it" (issue 17, finding 8).
    expect(goodbye.resolved).toBe(true);
    const usage = await adminCall<{ used: number; human: { used: number } }>(server.url, "/usage");
    expect(usage.body).toMatchObject({ used: 1, human: { used: 1 } });
  });

  it("creates a follow-up task when no agent is online; an agent assigns it and marks it done", async () => {
    const server = await start();
    const customer = await widget(server);
    const notice = customer.next((frame) => frame.type === "reply");
    await customer.message("ah-1", "I want to talk to a human");
    expect(String((await notice).text)).toMatch(/created a task/);
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const snapshot = await ana
      .command({ type: "active", isActive: true })
      .then(() => ana.next((frame) => frame.type === "snapshot"));
    const [task] = snapshot.followUps as Array<{ id: string; labels: string[]; priority: string }>;
    expect(task?.labels.length).toBeGreaterThan(0);
    expect(await ana.command({ type: "assign", followUp: task?.id })).toMatchObject({ ok: true });
    expect(await ana.command({ type: "done", followUp: task?.id })).toMatchObject({ ok: true });
    expect(await ana.command({ type: "done", followUp: task?.id })).toMatchObject({
      ok: false,
      problem: "already done",
    });
  });

  it("starts extra channel adapters beside the web one, on the same core and port, and stops them with it", async () => {
    const log: string[] = [];
    let handle: CoreHandle | null = null;
    const sent: OutboundMessage[] = [];
    const extra: ChannelAdapter = {
      channel: "pretend-slack",
      async start(core) {
        handle = core;
        log.push("start");
      },
      async stop() {
        log.push("stop");
      },
      async send(message) {
        sent.push(message);
        return { ok: true, deliveredAt: Date.now() };
      },
    };
    const server = await start(
      {},
      {
        extraAdapters: [extra],
        // Like Slack's Events API: its route reads the raw body (signatures are computed over the exact bytes).
        mountRoutes: (app) =>
          app.post("/pretend-slack/events", async (request, response) => {
            const chunks: Buffer[] = [];
            for await (const chunk of request) chunks.push(chunk as Buffer);
            const raw = Buffer.concat(chunks).toString("utf8");
            const event = JSON.parse(raw) as { id: string; user: string; text: string };
            const outcome = await handle?.receive({
              key: event.id,
              tenant: "demo-shop",
              channel: "pretend-slack",
              thread: event.user,
              kind: "message",
              from: "customer",
              text: event.text,
              at: Date.now(),
            });
            response.json({ raw, status: outcome?.status });
          }),
      },
    );
    expect(log).toEqual(["start"]);
    expect(handle).not.toBeNull();
    const body = '{"id":"Ev1", "user":"U1","text":"What are your opening hours?"}';
    const posted = await fetch(`${server.url}/pretend-slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(await posted.json()).toEqual({ raw: body, status: "answered" });
    expect(sent[0]?.text).toMatch(/Monday to Friday/);
    // The same store: the dashboard counts the other channel's conversation.
    const history = await adminCall<{ rows: Array<{ channel: string; counted: boolean }> }>(
      server.url,
      "/history",
    );
    expect(history.body.rows).toMatchObject([{ channel: "pretend-slack", counted: true }]);
    await server.stop();
    expect(log).toEqual(["start", "stop"]);
  });

  it("flushes the store on stop: a new process reads the conversation back", async () => {
    const server = await start();
    const client = await widget(server);
    await client.message("durable-1", "When are you open?");
    await client.close();
    await server.stop();
    const store = await openLowdbStore({ dataDir: server.dataDir });
    const conversations = await store.listConversations({ tenant: "demo-shop" });
    await store.close();
    expect(conversations.map((conversation) => conversation.counted)).toEqual([true]);
  });
});

describe("server config", () => {
  it("names the field, the variable and the fix", () => {
    expect(() => parseServerConfig({ port: "eighty" })).toThrow(/port: /);
    expect(() => parseServerConfig({ allowedOrigins: ["https://shop.example/path"] })).toThrow(
      /allowedOrigins\[0\]: must be an origin/,
    );
    expect(() => parseServerConfig({ mode: "production" }, ["ana"])).toThrow(
      /adminToken \(LUTIN_ADMIN_TOKEN\), agentTokens.ana/,
    );
    expect(() => parseServerConfig({ colour: "blue" })).toThrow(/unknown field "colour"/);
    expect(() => parseServerConfig({ archiveIntervalMinutes: "0" })).toThrow(
      /archiveIntervalMinutes: must be at least 1/,
    );
    expect(parseServerConfig({}).archiveIntervalMinutes).toBe(60);
    expect(parseServerConfig({ archiveIntervalMinutes: "15" }).archiveIntervalMinutes).toBe(15);
  });

  it("generates development tokens for agents that have none", () => {
    const config = parseServerConfig({ agentTokens: { ana: "a-token-long-enough-1234" } }, ["ana", "bruno"]);
    expect(config.tenants[0]?.generated).toEqual({ adminToken: true, agentTokens: ["bruno"] });
    expect(config.tenants[0]?.agentTokens.bruno).toMatch(/^[\w-]{20,}$/);
  });
});
