import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_TENANT_FILE, ManualClock } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import type { ConversationDetail } from "./conversation-detail.js";
import type { HistoryRow } from "./history.js";
import { AgentTestClient } from "./testing/agent-test-client.js";
import { type TestServer, testServersPerTest } from "./testing/per-test.js";
import { adminCall, TEST_AGENT_TOKENS } from "./testing/test-server.js";
import { writeBikeShopTenant } from "./testing/test-tenant-file.js";
import { WidgetTestClient } from "./testing/widget-test-client.js";

const DEMO = { key: "demo-shop-widget", admin: "admin-token-of-demo-shop-0123456789" };
const BIKE = { key: "bike-shop-widget", admin: "admin-token-of-bike-shop-0123456789" };

interface History {
  total: number;
  rows: HistoryRow[];
}

describe("the dashboard's conversation view, prices, packs and periods (issue 17, findings 5 and 6)", () => {
  const { start, defer } = testServersPerTest();

  const chat = async (server: TestServer, key: string, texts: readonly string[]) => {
    const client = await WidgetTestClient.connect({ url: server.url, key });
    defer(() => client.close());
    for (const [index, text] of texts.entries()) {
      const ack = await client.message(`${client.visitor}-${index}`, text);
      expect(ack.type).toBe("ack");
    }
    return client;
  };
  const startTwoTenants = async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-view-"));
    defer(() => rm(directory, { recursive: true, force: true }));
    return start({
      tenants: [
        { tenantFile: DEMO_TENANT_FILE, widgetKey: DEMO.key, adminToken: DEMO.admin },
        { tenantFile: await writeBikeShopTenant(directory), widgetKey: BIKE.key, adminToken: BIKE.admin },
      ],
    });
  };

  it("opens a conversation with its messages and its counting trail (C1, C7, Q2)", async () => {
    const server = await start();
    await chat(server, DEMO.key, ["What are your opening hours?"]);
    const history = await adminCall<History>(server.url, "/history");
    const row = history.body.rows[0] as HistoryRow;
    const detail = await adminCall<ConversationDetail>(server.url, `/conversations/${row.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: row.id,
      counted: true,
      openReason: "first_message",
      language: "en",
    });
    expect(detail.body.messages.map((message) => message.from)).toEqual(["customer", "assistant"]);
    expect(detail.body.messages[0]?.text).toBe("What are your opening hours?");
    expect(detail.body.messages[1]?.text).toMatch(/Monday to Friday/);
    const steps = detail.body.trail.map((step) => [step.event, step.rules.join(",")]);
    expect(steps).toEqual([
      ["opened_first_message", "C1"],
      ["counted_ai", "C7,Q2"],
    ]);
    const counted = detail.body.trail[1];
    expect(counted?.at).toBe(row.countedAt);
    expect(counted?.detail).toMatchObject({ plan: "professional", period: row.period });
  });

  it("a handoff: the human conversation shows the customer's and the agent's messages with its AI half (C10)", async () => {
    const server = await start();
    const ana = await AgentTestClient.signIn(server.url, TEST_AGENT_TOKENS.ana);
    defer(() => ana.close());
    const customer = await WidgetTestClient.connect({ url: server.url, key: DEMO.key });
    defer(() => customer.close());
    const offered = ana.next(
      (frame) => frame.type === "post" && (frame.post as { kind: string }).kind === "handoff_requested",
    );
    await customer.message("h-1", "I want to talk to a human");
    const handoff = ((await offered).post as { ref: string }).ref;
    expect(await ana.command({ type: "accept", handoff })).toMatchObject({ ok: true });
    const agentLine = customer.next((frame) => frame.type === "reply" && frame.author === "agent");
    await ana.command({ type: "reply", handoff, id: "a-1", text: "Hello, Ana here. How can I help?" });
    await agentLine;
    await customer.message("h-2", "My parcel is late");

    const rows = (await adminCall<History>(server.url, "/history")).body.rows;
    const human = rows.find((row) => row.mode === "human") as HistoryRow;
    const detail = await adminCall<ConversationDetail>(server.url, `/conversations/${human.id}`);
    expect(detail.body.trail[0]).toMatchObject({
      event: "opened_handoff",
      rules: ["C10"],
      detail: { linkedConversationId: human.linkedConversationId },
    });
    expect(detail.body.trail.find((step) => step.event === "counted_human")?.rules).toEqual(["C10", "Q2"]);
    // The assistant is quiet during a handoff: the human row shows its customer as its AI half read them.
    expect(human).toMatchObject({ language: "en", emotion: expect.any(String) });
    expect(detail.body).toMatchObject({ language: "en" });
    const said = detail.body.messages.map((message) => [message.from, message.text]);
    expect(said).toContainEqual(["customer", "I want to talk to a human"]);
    expect(said).toContainEqual(["agent", "Hello, Ana here. How can I help?"]);
    expect(said).toContainEqual(["customer", "My parcel is late"]);
    // Oldest first, across the AI half and the human one.
    const times = detail.body.messages.map((message) => message.at);
    expect(times).toEqual([...times].sort((left, right) => left - right));
  });

  it("a tenant's admin token never reads another tenant's conversation: the same 404 as an unknown id", async () => {
    const server = await startTwoTenants();
    await chat(server, DEMO.key, ["Where is my order 12345?"]);
    const demoRows = (await adminCall<History>(server.url, "/history", { token: DEMO.admin })).body.rows;
    const id = (demoRows[0] as HistoryRow).id;
    expect((await adminCall(server.url, `/conversations/${id}`, { token: DEMO.admin })).status).toBe(200);

    // The attacker: the bike shop's admin, with the demo shop's real conversation id.
    const stolen = await adminCall<{ code: string; message: string }>(server.url, `/conversations/${id}`, {
      token: BIKE.admin,
    });
    const unknown = await adminCall<{ code: string; message: string }>(
      server.url,
      "/conversations/conv_AAAAAAAAAAAAAAAAAAAAAA",
      { token: BIKE.admin },
    );
    expect(stolen.status).toBe(404);
    expect(stolen.body.code).toBe("CONVERSATION_NOT_FOUND");
    expect(JSON.stringify(stolen.body)).not.toMatch(/12345|order/i);
    expect(stolen.body.message.replace(id, "ID")).toBe(
      unknown.body.message.replace("conv_AAAAAAAAAAAAAAAAAAAAAA", "ID"),
    );
    expect((await adminCall<History>(server.url, "/history", { token: BIKE.admin })).body.total).toBe(0);
    expect((await adminCall(server.url, `/conversations/${id}`, { token: null })).status).toBe(401);
  });

  it("refuses unknown, oversized and malformed ids with a 4xx naming the problem", async () => {
    const server = await start();
    const unknown = await adminCall<{ code: string }>(server.url, "/conversations/conv_nothing_here");
    expect(unknown).toMatchObject({ status: 404, body: { code: "CONVERSATION_NOT_FOUND" } });
    const oversized = await adminCall<{ code: string; message: string }>(
      server.url,
      `/conversations/${"x".repeat(65)}`,
    );
    expect(oversized.status).toBe(400);
    expect(oversized.body).toMatchObject({
      code: "CONVERSATION_ID_INVALID",
      message: expect.stringMatching(/64/),
    });
    for (const bad of ["conv%00x", "..%2F..%2Flutin.json", "%E2%80%AE", "conv.json", "__proto__x%20"]) {
      const answer = await adminCall<{ code: string }>(server.url, `/conversations/${bad}`);
      expect({ bad, status: answer.status, code: answer.body.code }).toEqual({
        bad,
        status: 400,
        code: "CONVERSATION_ID_INVALID",
      });
    }
    // Far past any id, and past what the router takes: still a 4xx, never a 5xx.
    const huge = await adminCall(server.url, `/conversations/${"a".repeat(20_000)}`);
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
  });

  it("shows prices and buys a pack only with confirm: true, at a catalog size (Q3, Q6)", async () => {
    const server = await start();
    const usage = await adminCall<{
      plan: {
        monthlyPriceCents: number;
        overagePriceCents: number | null;
        humanOveragePriceCents: number | null;
      };
      packOffers: Array<{ size: number; priceCents: number }>;
      plans: Array<{ id: string; overagePriceCents: number | null }>;
    }>(server.url, "/usage");
    expect(usage.body.plan).toMatchObject({ monthlyPriceCents: 9900, overagePriceCents: 4 });
    expect(usage.body.packOffers).toEqual([
      { size: 100, priceCents: 400 },
      { size: 500, priceCents: 1750 },
      { size: 1000, priceCents: 3000 },
    ]);
    expect(usage.body.plans.find((plan) => plan.id === "free")?.overagePriceCents).toBeNull();

    const unconfirmed = await adminCall<{ code: string; message: string }>(server.url, "/packs", {
      body: { size: 500 },
    });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.message).toMatch(/^confirm: confirm must be true/);
    const notTrue = await adminCall(server.url, "/packs", { body: { size: 500, confirm: "yes" } });
    expect(notTrue.status).toBe(400);
    const odd = await adminCall<{ code: string; message: string }>(server.url, "/packs", {
      body: { size: 7, confirm: true },
    });
    expect(odd.body).toMatchObject({
      code: "PACK_UNKNOWN",
      message: expect.stringMatching(/100, 500, 1000/),
    });
    expect(await server.runtime.store.listPacks(server.tenant.settings.id)).toEqual([]);

    const bought = await adminCall<{ size: number; priceCents: number }>(server.url, "/packs", {
      body: { size: 500, confirm: true },
    });
    expect(bought).toMatchObject({ status: 201, body: { size: 500, priceCents: 1750 } });
    expect(await server.runtime.store.listPacks(server.tenant.settings.id)).toHaveLength(1);
  });

  it("lists past periods and reads one as it stood at its end (Q1, Q2, Q8)", async () => {
    const clock = new ManualClock("2026-10-10T08:00:00Z");
    const server = await start({}, { clock });
    const tenant = server.tenant.settings.id;
    const exchange = async (thread: string) => {
      const at = clock.now();
      const base = { tenant, channel: "web", thread };
      await server.runtime.counter.ingest({
        ...base,
        key: `${thread}-c`,
        at: at - 1_000,
        from: "customer",
        text: "Hello",
      });
      await server.runtime.counter.ingest({
        ...base,
        key: `${thread}-a`,
        // Counted at the clock's instant: usage read now includes it (rows counted at or before now, Q8).
        at,
        from: "assistant",
        text: "Hi",
      });
    };
    await exchange("october");
    clock.set("2026-11-20T08:00:00Z");
    await exchange("november-1");
    await exchange("november-2");

    const periods = await adminCall<{ periods: Array<{ label: string; current: boolean }> }>(
      server.url,
      "/periods",
    );
    expect(periods.body.periods.map((period) => [period.label, period.current])).toEqual([
      ["2026-11-10", true],
      ["2026-10-10", false],
    ]);
    const past = await adminCall<{ used: number; current: boolean; period: { label: string } }>(
      server.url,
      "/usage?period=2026-10-10",
    );
    expect(past.body).toMatchObject({ used: 1, current: false, period: { label: "2026-10-10" } });
    const now = await adminCall<{ used: number; current: boolean }>(server.url, "/usage");
    expect(now.body).toMatchObject({ used: 2, current: true });
    for (const bad of ["2026-09-10", "2026-12-10", "2026-10-11"]) {
      const refused = await adminCall<{ code: string }>(server.url, `/usage?period=${bad}`);
      expect({ bad, status: refused.status, code: refused.body.code }).toEqual({
        bad,
        status: 400,
        code: "PERIOD_UNKNOWN",
      });
    }
    expect((await adminCall(server.url, "/usage?period=october")).status).toBe(400);

    // Once October is archived (closed 10 days ago, past archiveAfterDays), it reads back the same.
    await server.maintenance.run();
    await expect(
      readFile(join(server.dataDir, "archive", tenant, "2026-10-10.json"), "utf8"),
    ).resolves.toMatch(/lutingenie-archive/);
    const archived = await adminCall<{ used: number }>(server.url, "/usage?period=2026-10-10");
    expect(archived.body.used).toBe(1);
    const rows = await adminCall<History>(server.url, "/history?period=2026-10-10");
    expect(rows.body.rows.map((row) => row.counted)).toEqual([true]);
  });

  it("language and emotion of a history row, and its messages, survive a restart of the server", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-restart-"));
    defer(() => rm(dataDir, { recursive: true, force: true }));
    const first = await start({}, { dataDir });
    await chat(first, DEMO.key, ["Bonjour, je n'ai toujours pas reçu ma commande, c'est inadmissible !"]);
    const before = (await adminCall<History>(first.url, "/history")).body.rows[0] as HistoryRow;
    expect(before).toMatchObject({ language: "fr", emotion: "frustrated" });
    await first.stop();

    const second = await start({}, { dataDir });
    const after = (await adminCall<History>(second.url, "/history")).body.rows[0] as HistoryRow;
    expect(after).toMatchObject({ id: before.id, language: "fr", emotion: "frustrated" });
    const detail = await adminCall<ConversationDetail>(second.url, `/conversations/${before.id}`);
    expect(detail.body.messages[0]?.text).toMatch(/inadmissible/);
    expect(detail.body.messages.length).toBeGreaterThanOrEqual(2);
  });
});
