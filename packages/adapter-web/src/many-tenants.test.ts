import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_TENANT_FILE, ManualClock, recordLastAudit } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import type { ServerConfigInput } from "./config.js";
import { AgentTestClient } from "./testing/agent-test-client.js";
import { type TestServer, testServersPerTest } from "./testing/per-test.js";
import { RawWebSocket } from "./testing/raw-websocket.js";
import { adminCall } from "./testing/test-server.js";
import { BIKE_SHOP_HOURS_ANSWER, writeBikeShopTenant } from "./testing/test-tenant-file.js";
import { type ServerFrame, WidgetTestClient } from "./testing/widget-test-client.js";

// Tenant A: the demo shop. Tenant B: the bike shop, whose agents reuse A's agent id "ana".
const A = {
  id: "demo-shop",
  key: "demo-shop-widget",
  admin: "admin-token-of-demo-shop-0123456789",
  ana: "agent-token-ana-of-demo-shop-0123",
  bruno: "agent-token-bruno-of-demo-shop-01",
  origin: "https://shop-a.example",
  identitySecret: "identity-secret-of-demo-shop-0123456789abcdef",
};
const B = {
  id: "bike-shop",
  key: "bike-shop-widget",
  admin: "admin-token-of-bike-shop-0123456789",
  ana: "agent-token-ana-of-bike-shop-0123",
  carla: "agent-token-carla-of-bike-shop-01",
  origin: "https://shop-b.example",
  identitySecret: "identity-secret-of-bike-shop-0123456789abcdef",
};
/** The demo shop's own answer to "When are you open?" (its knowledge base). */
const DEMO_HOURS = /Monday to Friday from 9:00 to 18:00/;
const isPost = (kind: string) => (frame: ServerFrame) =>
  frame.type === "post" && (frame.post as { kind: string }).kind === kind;

describe("many tenants on one server: each token, key and visitor sees its own tenant only", () => {
  const { start, defer } = testServersPerTest();

  const startTwoTenants = async (options: Parameters<typeof start>[1] = {}) => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-tenants-"));
    defer(() => rm(directory, { recursive: true, force: true }));
    const bikeFile = await writeBikeShopTenant(directory);
    const tenants: NonNullable<ServerConfigInput["tenants"]> = [
      {
        tenantFile: DEMO_TENANT_FILE,
        widgetKey: A.key,
        adminToken: A.admin,
        agentTokens: { ana: A.ana, bruno: A.bruno },
        allowedOrigins: [A.origin],
        identitySecret: A.identitySecret,
      },
      {
        tenantFile: bikeFile,
        widgetKey: B.key,
        adminToken: B.admin,
        agentTokens: { ana: B.ana, carla: B.carla },
        allowedOrigins: [B.origin],
        identitySecret: B.identitySecret,
      },
    ];
    return start({ tenants }, options);
  };
  const widget = async (
    server: TestServer,
    key: string,
    extra: Omit<Parameters<typeof WidgetTestClient.connect>[0], "url" | "key"> = {},
  ) => {
    const client = await WidgetTestClient.connect({ url: server.url, key, ...extra });
    defer(() => client.close());
    return client;
  };
  const agent = async (server: TestServer, token: string) => {
    const client = await AgentTestClient.signIn(server.url, token);
    defer(() => client.close());
    return client;
  };
  /** A snapshot asked for now: every frame the server sent before it is in `frames` by then. */
  const freshSnapshot = (client: AgentTestClient) => {
    for (const frame of client.frames.filter((candidate) => candidate.type === "snapshot"))
      client.frames.splice(client.frames.indexOf(frame), 1);
    const snapshot = client.next((frame) => frame.type === "snapshot");
    client.socket.send(JSON.stringify({ type: "snapshot" }));
    return snapshot;
  };
  /** Asks and returns the reply's text. */
  const ask = async (client: WidgetTestClient, id: string, text: string) => {
    const reply = client.next((frame) => frame.type === "reply");
    expect(await client.message(id, text)).toMatchObject({ type: "ack" });
    return String((await reply).text);
  };
  type Usage = { tenant: { id: string }; used: number; packs: unknown[]; plan: { id: string } };
  type History = { total: number; rows: Array<{ id: string }> };

  it("answers each tenant from its own knowledge base and counts it on its own dashboard", async () => {
    const server = await startTwoTenants();
    expect(server.tenants.map((tenant) => tenant.settings.id)).toEqual([A.id, B.id]);
    const first = await widget(server, A.key);
    const second = await widget(server, A.key);
    const bike = await widget(server, B.key);
    expect(await ask(first, "a-1", "When are you open?")).toMatch(DEMO_HOURS);
    expect(await ask(second, "a-1", "When are you open?")).toMatch(DEMO_HOURS);
    // C11: a message id is scoped by tenant, channel and thread; the same id on the other tenant is its own.
    expect(await ask(bike, "a-1", "When are you open?")).toBe(BIKE_SHOP_HOURS_ANSWER);

    const usageA = await adminCall<Usage>(server.url, "/usage", { token: A.admin });
    const usageB = await adminCall<Usage>(server.url, "/usage", { token: B.admin });
    expect(usageA.body).toMatchObject({ tenant: { id: A.id }, used: 2 });
    expect(usageB.body).toMatchObject({ tenant: { id: B.id }, used: 1 });
    const historyA = await adminCall<History>(server.url, "/history", { token: A.admin });
    const historyB = await adminCall<History>(server.url, "/history", { token: B.admin });
    expect(historyA.body.total).toBe(2);
    expect(historyB.body.total).toBe(1);
    const idsA = new Set(historyA.body.rows.map((row) => row.id));
    expect(historyB.body.rows.some((row) => idsA.has(row.id))).toBe(false);

    // The widget's settings come from the key's tenant: the demo shop offers quick replies, the bike shop none.
    const config = async (key: string) =>
      (await fetch(`${server.url}/api/widget/config?key=${key}&lang=en`)).json() as Promise<{
        tenant: string;
        quickReplies: unknown[];
      }>;
    const configA = await config(A.key);
    expect(configA.tenant).toBe(A.id);
    expect(configA.quickReplies.length).toBeGreaterThan(0);
    expect(await config(B.key)).toEqual(expect.objectContaining({ tenant: B.id, quickReplies: [] }));
  });

  it("as an attacker: tenant A's admin token on every admin route never reads or changes B's data", async () => {
    const clock = new ManualClock("2026-09-10T10:00:00.000Z");
    const server = await startTwoTenants({ clock });
    const bike = await widget(server, B.key);
    expect(await ask(bike, "b-1", "When are you open?")).toBe(BIKE_SHOP_HOURS_ANSWER);
    // The count moment follows the message by a millisecond (C7): the dashboards read after it.
    clock.advance(1_000);
    const [bikeConversation] = (await adminCall<History>(server.url, "/history", { token: B.admin })).body
      .rows;
    expect(bikeConversation).toBeDefined();
    const bikeId = String(bikeConversation?.id);
    const as = (token: string) => ({ token });

    // Reads: A's token sees A's tenant, none of B's rows.
    const usage = await adminCall<Usage>(server.url, "/usage", as(A.admin));
    expect(usage.body).toMatchObject({ tenant: { id: A.id }, used: 0 });
    const history = await adminCall<History>(server.url, "/history", as(A.admin));
    expect(history.body).toMatchObject({ total: 0, rows: [] });
    const csv = await adminCall<string>(server.url, "/history.csv", as(A.admin));
    expect(csv.status).toBe(200);
    expect(csv.body).not.toContain(bikeId);
    expect((await adminCall<string>(server.url, "/history.csv", as(B.admin))).body).toContain(bikeId);

    await recordLastAudit(server.dataDir, {
      version: 1,
      at: "2026-09-10T10:00:00.000Z",
      period: null,
      live: true,
      periods: [
        { tenant: A.id, period: "2026-09-10" },
        { tenant: B.id, period: "2026-09-10" },
      ],
      differences: [{ tenant: B.id, period: "2026-09-10", conversation: bikeId, rule: "C8", message: "x" }],
    });
    const audit = await adminCall<{ audit: { agree: boolean; differences: unknown[] } }>(
      server.url,
      "/audit",
      as(A.admin),
    );
    expect(audit.body.audit).toMatchObject({ agree: true, differences: [] });
    expect(
      (await adminCall<{ audit: { agree: boolean } }>(server.url, "/audit", as(B.admin))).body.audit.agree,
    ).toBe(false);

    // Writes: A's pack, plan and enchantment change A only.
    expect(
      (await adminCall(server.url, "/packs", { ...as(A.admin), body: { size: 100, confirm: true } })).status,
    ).toBe(201);
    expect(
      (await adminCall(server.url, "/plan", { ...as(A.admin), body: { plan: "enterprise" } })).status,
    ).toBe(200);
    await adminCall(server.url, "/enchantments", {
      ...as(A.admin),
      body: { name: "polyglot", enabled: false },
    });
    type Enchanted = Usage & { enchantments: Array<{ name: string; enabled: boolean }> };
    const afterA = await adminCall<Enchanted>(server.url, "/usage", as(A.admin));
    const afterB = await adminCall<Enchanted>(server.url, "/usage", as(B.admin));
    expect(afterA.body.packs).toHaveLength(1);
    expect(afterA.body.plan.id).toBe("enterprise");
    expect(afterA.body.enchantments.find((item) => item.name === "polyglot")?.enabled).toBe(false);
    expect(afterB.body).toMatchObject({
      tenant: { id: B.id },
      used: 1,
      packs: [],
      plan: { id: "professional" },
    });
    expect(afterB.body.enchantments.find((item) => item.name === "polyglot")?.enabled).toBe(true);
    expect(await server.runtime.store.listPacks(B.id)).toEqual([]);
    expect(server.runtime.tenant(B.id)?.disabledEnchantments).toEqual([]);

    // Test chat: the token's tenant answers, in its own session, and nothing is counted (C9).
    type Chat = { reply: string; conversation: { counted: boolean } };
    const chatA = await adminCall<Chat>(server.url, "/test-chat", {
      ...as(A.admin),
      body: { session: "same-session", text: "When are you open?" },
    });
    const chatB = await adminCall<Chat>(server.url, "/test-chat", {
      ...as(B.admin),
      body: { session: "same-session", text: "When are you open?" },
    });
    expect(chatA.body.reply).toMatch(DEMO_HOURS);
    expect(chatB.body.reply).toBe(BIKE_SHOP_HOURS_ANSWER);
    expect([chatA.body.conversation.counted, chatB.body.conversation.counted]).toEqual([false, false]);

    // Invoices of a closed period: each tenant's own lines.
    clock.advance(70 * 24 * 60 * 60 * 1000);
    type Invoice = { tenant: string; allowance: { count: number; conversationIds: string[] } };
    const invoiceA = await adminCall<Invoice>(server.url, "/invoice?period=2026-09", as(A.admin));
    const invoiceB = await adminCall<Invoice>(server.url, "/invoice?period=2026-09", as(B.admin));
    expect(invoiceA.body).toMatchObject({ tenant: A.id, allowance: { count: 0, conversationIds: [] } });
    expect(invoiceB.body).toMatchObject({ tenant: B.id, allowance: { count: 1, conversationIds: [bikeId] } });

    // A token that names no tenant opens nothing.
    for (const token of ["", "not-a-token-of-anyone-0123456789", `${A.admin}x`, A.ana])
      expect((await adminCall(server.url, "/usage", as(token))).status).toBe(401);
  });

  it("as an attacker: A's agent cannot see, accept, decline, end or reply into B's handoffs", async () => {
    const server = await startTwoTenants();
    const anaOfA = await agent(server, A.ana);
    const anaOfB = await agent(server, B.ana);
    const customer = await widget(server, B.key);
    const offered = anaOfB.next(isPost("handoff_requested"));
    const notice = customer.next((frame) => frame.type === "reply");
    await customer.message("b-human", "I want to talk to a human");
    expect(String((await notice).text)).toMatch(/connecting you/);
    const handoff = String(((await offered).post as { ref: string }).ref);

    // A's console: no post, nothing in its snapshot (a snapshot round trip orders the socket's frames).
    const snapshot = await freshSnapshot(anaOfA);
    expect(anaOfA.frames.some((frame) => frame.type === "post")).toBe(false);
    expect((snapshot.handoffs as Array<{ id: string }>).map((request) => request.id)).not.toContain(handoff);
    expect((snapshot.agents as Array<{ id: string; name: string }>).map((person) => person.name)).toEqual([
      "Ana",
      "Bruno",
    ]);

    // Another tenant's id gets exactly the answer of an id that does not exist.
    const unknown = await anaOfA.command({ type: "accept", handoff: "handoff-that-does-not-exist" });
    expect(unknown).toMatchObject({ ok: false });
    for (const command of [
      { type: "accept", handoff },
      { type: "decline", handoff },
      { type: "end", handoff, how: "closed" },
      { type: "reply", handoff, id: "sneak-1", text: "Hello from another shop" },
    ]) {
      const result = await anaOfA.command(command);
      expect({ ok: result.ok, problem: result.problem }).toEqual({ ok: false, problem: unknown.problem });
    }

    // B's own agent still gets it, and A's agent cannot reply into the chat B's agent holds.
    expect(await anaOfB.command({ type: "accept", handoff })).toMatchObject({ ok: true });
    const result = await anaOfA.command({ type: "reply", handoff, id: "sneak-2", text: "Hello again" });
    expect(result).toMatchObject({ ok: false, problem: unknown.problem });
    const line = customer.next((frame) => frame.type === "reply" && frame.author === "agent");
    expect(
      await anaOfB.command({ type: "reply", handoff, id: "m-1", text: "Carla's colleague here" }),
    ).toMatchObject({ ok: true });
    expect(await line).toMatchObject({ text: "Carla's colleague here" });
    expect(customer.frames.filter((frame) => frame.author === "agent").map((frame) => frame.text)).toEqual([
      "Carla's colleague here",
    ]);
    // C10: B's human conversation is B's; A counts none.
    expect(
      (await adminCall<Usage & { human: { used: number } }>(server.url, "/usage", { token: B.admin })).body,
    ).toMatchObject({ human: { used: 1 } });
    expect(
      (await adminCall<Usage & { human: { used: number } }>(server.url, "/usage", { token: A.admin })).body,
    ).toMatchObject({ used: 0, human: { used: 0 } });
  });

  it("as an attacker: A's agent online is not B's agent online; B's follow-up task is out of A's reach", async () => {
    const server = await startTwoTenants();
    // Only tenant A's "ana" is online: B has nobody, whatever the shared agent id.
    const anaOfA = await agent(server, A.ana);
    const customer = await widget(server, B.key);
    const notice = customer.next((frame) => frame.type === "reply");
    await customer.message("b-task", "I want to talk to a human");
    expect(String((await notice).text)).toMatch(/created a task/);
    const tasks = await server.runtime.escalation.listFollowUps(B.id);
    expect(tasks).toHaveLength(1);
    const task = String(tasks[0]?.id);

    const snapshot = await freshSnapshot(anaOfA);
    expect(snapshot.followUps).toEqual([]);
    expect(anaOfA.frames.some((frame) => frame.type === "post")).toBe(false);
    const unknown = await anaOfA.command({ type: "assign", followUp: "followup_that_does_not_exist" });
    for (const command of [
      { type: "assign", followUp: task },
      { type: "done", followUp: task },
    ]) {
      const result = await anaOfA.command(command);
      expect({ ok: result.ok, problem: result.problem }).toEqual({ ok: false, problem: unknown.problem });
    }
    expect((await server.runtime.escalation.listFollowUps(B.id))[0]).toMatchObject({
      status: "open",
      assignee: null,
    });

    const carla = await agent(server, B.carla);
    const theirs = await freshSnapshot(carla);
    expect((theirs.followUps as Array<{ id: string }>).map((item) => item.id)).toEqual([task]);
    expect(await carla.command({ type: "assign", followUp: task })).toMatchObject({ ok: true });
  });

  it("as an attacker: A's visitor token or signed customer with B's widget key gets a new B visitor", async () => {
    const server = await startTwoTenants();
    const visitorOfA = await widget(server, A.key);
    await visitorOfA.close();
    const stolen = { visitor: visitorOfA.identity.visitor, token: visitorOfA.identity.token };
    // The token resumes its own tenant's visitor…
    const back = await widget(server, A.key, { resume: stolen });
    expect(back.identity).toMatchObject({ visitor: stolen.visitor, resumed: true });
    // …and not the same visitor id under B's key: the HMAC signs the tenant with the visitor.
    const onB = await widget(server, B.key, { resume: stolen });
    expect(onB.identity.resumed).toBe(false);
    expect(onB.identity.visitor).not.toBe(stolen.visitor);

    // A customer signed with A's identity secret is refused by B; signed by B, it is another thread.
    const sign = (secret: string, id: string) => createHmac("sha256", secret).update(id).digest("hex");
    const signedByA = { id: "customer-42", hash: sign(A.identitySecret, "customer-42") };
    await expect(
      WidgetTestClient.connect({ url: server.url, key: B.key, customer: signedByA }),
    ).rejects.toMatchObject({ code: "IDENTITY_INVALID" });
    const customerOnA = await widget(server, A.key, { customer: signedByA });
    const customerOnB = await widget(server, B.key, {
      customer: { id: "customer-42", hash: sign(B.identitySecret, "customer-42") },
    });
    expect(customerOnA.identity.visitor).not.toBe(customerOnB.identity.visitor);
  });

  it("refuses a widget key from an origin allowed only for another tenant, and an unknown widget key", async () => {
    const server = await startTwoTenants();
    const refused = (key: string, origin: string) =>
      WidgetTestClient.connect({ url: server.url, key, origin }).then(
        async (client) => {
          await client.close();
          return 101;
        },
        (error: { status?: number }) => error.status,
      );
    expect(await refused(A.key, A.origin)).toBe(101);
    expect(await refused(B.key, B.origin)).toBe(101);
    expect(await refused(A.key, B.origin)).toBe(403);
    expect(await refused(B.key, A.origin)).toBe(403);
    // The server's own pages embed any tenant's widget.
    expect(await refused(B.key, server.url)).toBe(101);
    expect(await refused("not-a-widget-key", server.url)).toBe(401);
    expect(await refused("", server.url)).toBe(401);

    const config = (key: string, origin: string) =>
      fetch(`${server.url}/api/widget/config?key=${key}`, { headers: { origin } });
    expect((await config(A.key, B.origin)).status).toBe(403);
    const allowed = await config(B.key, B.origin);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(B.origin);
    expect((await config("not-a-widget-key", B.origin)).status).toBe(401);

    // The console: another tenant's page may open the socket, but not sign in A's agent on it.
    const console = await RawWebSocket.open(`${server.url.replace(/^http/, "ws")}/ws/agent`, {
      Origin: B.origin,
    });
    expect(console.status).toBe(101);
    console.text(JSON.stringify({ type: "auth", token: A.ana }));
    await expect.poll(() => console.closeCode()).toBe(4403);
    expect(console.texts().join()).toMatch(/may not open your tenant's console/);
    console.destroy();
    const own = await RawWebSocket.open(`${server.url.replace(/^http/, "ws")}/ws/agent`, {
      Origin: B.origin,
    });
    defer(async () => own.destroy());
    own.text(JSON.stringify({ type: "auth", token: B.carla }));
    await expect.poll(() => own.texts().some((text) => text.includes('"welcome"'))).toBe(true);
    const stranger = await RawWebSocket.open(`${server.url.replace(/^http/, "ws")}/ws/agent`, {
      Origin: "https://elsewhere.example",
    });
    expect(stranger.status).toBe(403);
    stranger.destroy();
  });
});
