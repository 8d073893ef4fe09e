import {
  AgentTestClient,
  type ServerFrame,
  startTestServer,
  TEST_AGENT_TOKENS,
  WidgetTestClient,
} from "@lutingenie/adapter-web/testing";
import type { EscalationStore } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { openPostgresDeskFeed, type PostgresDeskFeed } from "./postgres-desk-feed.js";
import { openPostgresEscalationStore } from "./postgres-escalation-store.js";
import { createTestDatabase } from "./testing/index.js";

/*
 * Two real servers (express + ws, the web adapter, the escalation service) on one PostgreSQL database:
 * each with its own escalation store pool and its own desk feed, as two `lutin serve` processes would
 * have. Real widget and console connections. What they share is the desk (agents, presence, handoffs,
 * tasks and the feed); each keeps its counting Store in its own data directory here (the PostgreSQL Store
 * in `lutin serve` is wired separately).
 */

const KEY = "demo-shop-widget";
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

type Server = Awaited<ReturnType<typeof startTestServer>>;

async function twoServers(): Promise<{ a: Server; b: Server }> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const start = async (name: string): Promise<Server> => {
    const escalationStore: EscalationStore = await openPostgresEscalationStore({
      connectionString: database.url,
    });
    const deskFeed: PostgresDeskFeed = await openPostgresDeskFeed({
      connectionString: database.url,
      instance: name,
    });
    cleanups.push(async () => {
      await deskFeed.close();
      await escalationStore.close();
    });
    const server = await startTestServer({}, { escalationStore, deskFeed, receiptTimeoutMs: 3_000 });
    cleanups.push(() => server.cleanup());
    return server;
  };
  return { a: await start("server-a"), b: await start("server-b") };
}

async function widget(server: Server): Promise<WidgetTestClient> {
  const client = await WidgetTestClient.connect({ url: server.url, key: KEY });
  cleanups.push(() => client.close());
  return client;
}

async function console_(server: Server, token: string): Promise<AgentTestClient> {
  const client = await AgentTestClient.signIn(server.url, token);
  cleanups.push(() => client.close());
  return client;
}

const post =
  (kind: string, ref?: string) =>
  (frame: ServerFrame): boolean => {
    if (frame.type !== "post") return false;
    const body = frame.post as { kind: string; ref: string };
    return body.kind === kind && (ref === undefined || body.ref === ref);
  };

describe("the agents' desk across two servers on one database", () => {
  it("desk status: an agent signing in on B opens the desk for a widget on A at once, not at the 60 s recheck", async () => {
    const { a, b } = await twoServers();
    const customer = await widget(a);
    const deskFrame = (state: string) => (frame: ServerFrame) =>
      frame.type === "desk" && frame.state === state;
    if (!customer.frames.some(deskFrame("nobody-active"))) await customer.next(deskFrame("nobody-active"));
    const signedInAt = Date.now();
    await console_(b, TEST_AGENT_TOKENS.bruno);
    // The frame may come while the sign-in is still being answered: read what came, then wait.
    if (!customer.frames.some(deskFrame("open"))) await customer.next(deskFrame("open"), 20_000);
    // The feed's hint (NOTIFY) or, at worst, its 1 s poll: far below the status's own 60 s recheck.
    expect(Date.now() - signedInAt).toBeLessThan(15_000);
  });

  it("a widget on A asks for a human; agents on A and B Accept at the same time: one wins, the other is told", async () => {
    const { a, b } = await twoServers();
    const ana = await console_(a, TEST_AGENT_TOKENS.ana);
    const bruno = await console_(b, TEST_AGENT_TOKENS.bruno);
    const customer = await widget(a);
    await customer.message("race-1", "When are you open?");
    const anaPost = ana.next(post("handoff_requested"));
    const brunoPost = bruno.next(post("handoff_requested"));
    const notice = customer.next((frame) => frame.type === "reply");
    await customer.message("race-2", "I want to talk to a human");
    // Bruno's console is on B only, yet A offered him the handoff: presence is shared.
    expect(String((await notice).text)).toMatch(/connecting you/);
    const handoff = ((await anaPost).post as { ref: string; agents: string[] }).ref;
    const offered = (await brunoPost).post as { ref: string; agents: string[] };
    expect(offered.ref).toBe(handoff);
    expect([...offered.agents].sort()).toEqual(["ana", "bruno"]);

    const anaTaken = ana.next(post("handoff_taken", handoff));
    const brunoTaken = bruno.next(post("handoff_taken", handoff));
    const joined = customer.next(
      (frame) => frame.type === "reply" && frame.author === "system" && /Ana|Bruno/.test(String(frame.text)),
    );
    const [anaResult, brunoResult] = await Promise.all([
      ana.command({ type: "accept", handoff }),
      bruno.command({ type: "accept", handoff }),
    ]);
    const results = [anaResult, brunoResult];
    expect(results.filter((result) => result.ok === true)).toHaveLength(1);
    const loser = results.find((result) => result.ok === false);
    expect(String(loser?.problem)).toMatch(/already taken by (Ana|Bruno)/);
    const winnerName = anaResult.ok === true ? "Ana" : "Bruno";
    expect(String(loser?.problem)).toContain(winnerName);
    // Both consoles, on both servers, see who took it.
    expect(((await anaTaken).post as { text: string }).text).toBe(`Taken by ${winnerName}`);
    expect(((await brunoTaken).post as { text: string }).text).toBe(`Taken by ${winnerName}`);
    // The customer, on A, is told who joined, whichever server the winner is on.
    expect(String((await joined).text)).toContain(winnerName);
    // The shared store holds one accepted handoff, by the winner.
    const stored = (await a.runtime.escalation.listHandoffs("demo-shop")).find(
      (entry) => entry.id === handoff,
    );
    expect(stored).toMatchObject({ status: "accepted", acceptedBy: winnerName.toLowerCase() });
  });

  it("an agent on B and a customer on A: handoff, relay both ways, shared presence, and a follow-up task on every console", async () => {
    const { a, b } = await twoServers();
    const bruno = await console_(b, TEST_AGENT_TOKENS.bruno);
    const customer = await widget(a);
    await customer.message("relay-1", "When are you open?");
    const offered = bruno.next(post("handoff_requested"));
    const notice = customer.next((frame) => frame.type === "reply");
    await customer.message("relay-2", "I want to talk to a human");
    expect(String((await notice).text)).toMatch(/connecting you/);
    const handoff = ((await offered).post as { ref: string }).ref;

    const joined = customer.next((frame) => frame.type === "reply" && frame.author === "system");
    expect(await bruno.command({ type: "accept", handoff })).toMatchObject({ ok: true });
    expect(String((await joined).text)).toContain("Bruno");

    // B → A: the agent's reply, typed on B, reaches the widget on A, and B gets the widget's receipt.
    const agentLine = customer.next((frame) => frame.type === "reply" && frame.author === "agent");
    expect(
      await bruno.command({ type: "reply", handoff, id: "b1", text: "Bonjour, je regarde ça." }),
    ).toEqual(expect.objectContaining({ ok: true }));
    expect(await agentLine).toMatchObject({ text: "Bonjour, je regarde ça." });

    // A → B: the customer's message on A appears on Bruno's console on B.
    const relayed = bruno.next(post("customer_message", handoff));
    expect(await customer.message("relay-3", "Mon colis est en retard")).toMatchObject({ status: "silent" });
    expect(((await relayed).post as { text: string }).text).toBe("Mon colis est en retard");

    // Presence is shared: Ana signs in on A and sees Bruno (on B) online; Bruno's console lists Ana.
    const ana = await console_(a, TEST_AGENT_TOKENS.ana);
    const snapshotA = await requestSnapshot(ana);
    expect(onlineOf(snapshotA)).toEqual({ ana: true, bruno: true });
    const snapshotB = await requestSnapshot(bruno);
    expect(onlineOf(snapshotB)).toEqual({ ana: true, bruno: true });

    // Bruno resolves it from B: the customer on A is told.
    const left = customer.next(
      (frame) => frame.type === "reply" && String(frame.text).includes("has left the conversation"),
    );
    expect(await bruno.command({ type: "end", handoff, how: "resolved" })).toMatchObject({ ok: true });
    await left;

    // A second customer, on B this time; both agents decline: a follow-up task shows on both consoles.
    const second = await widget(b);
    const onAna = ana.next(post("handoff_requested"));
    const onBruno = bruno.next(post("handoff_requested"));
    await second.message("task-1", "I want to talk to a human");
    const secondHandoff = ((await onAna).post as { ref: string }).ref;
    expect(((await onBruno).post as { ref: string }).ref).toBe(secondHandoff);
    const taskOnA = ana.next(post("follow_up_created"));
    const taskOnB = bruno.next(post("follow_up_created"));
    expect(await ana.command({ type: "decline", handoff: secondHandoff })).toMatchObject({ ok: true });
    expect(await bruno.command({ type: "decline", handoff: secondHandoff })).toMatchObject({ ok: true });
    const task = ((await taskOnA).post as { ref: string }).ref;
    expect(((await taskOnB).post as { ref: string }).ref).toBe(task);
    for (const agent of [ana, bruno]) {
      const snapshot = await requestSnapshot(agent);
      expect((snapshot.followUps as Array<{ id: string }>).map((entry) => entry.id)).toContain(task);
    }
    // Ana takes the task on A; Bruno's console on B is refreshed with it assigned.
    const refreshed = bruno.next(
      (frame) =>
        frame.type === "snapshot" &&
        (frame.followUps as Array<{ id: string; status: string }>).some(
          (entry) => entry.id === task && entry.status === "assigned",
        ),
    );
    expect(await ana.command({ type: "assign", followUp: task })).toMatchObject({ ok: true });
    await refreshed;
  });
});

async function requestSnapshot(client: AgentTestClient): Promise<ServerFrame> {
  // Older snapshots already received would answer first: drop them, then ask for a fresh one.
  client.frames.splice(0);
  const fresh = client.next((frame) => frame.type === "snapshot");
  client.socket.send(JSON.stringify({ type: "snapshot" }));
  return fresh;
}

function onlineOf(snapshot: ServerFrame): Record<string, boolean> {
  return Object.fromEntries(
    (snapshot.agents as Array<{ id: string; isOnline: boolean }>).map((agent) => [agent.id, agent.isOnline]),
  );
}
