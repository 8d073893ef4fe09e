import { openSlackState } from "@lutingenie/adapter-slack";
import { openTeamsState, type TeamsStateStore } from "@lutingenie/adapter-teams";
import { openTeamsAgentState } from "@lutingenie/adapter-teams/agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStateCollections, type PostgresStateCollections } from "./postgres-state-collections.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;
const opened: PostgresStateCollections[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const collections of opened) await collections.close();
  await database?.drop();
});

/** One server's view of the adapters' state: its own pool on the shared database. */
async function server(): Promise<PostgresStateCollections> {
  const collections = await openPostgresStateCollections({ connectionString: database.url });
  opened.push(collections);
  return collections;
}

describe("the Slack and Teams adapters' state shared by two servers on PostgreSQL", () => {
  it("Slack: a task posted by one server is found by its message on the other; presence declarations are shared", async () => {
    const [a, b] = [await openSlackState(await server()), await openSlackState(await server())];
    const task = {
      tenant: "T01",
      ref: "handoff_9",
      kind: "handoff" as const,
      channel: "C0AGENTS",
      ts: "1700000000.000900",
      text: "New urgent request",
      fields: { priority: "urgent", lastMessages: "customer: Où est ma commande ?" },
    };
    await a.rememberTask(task);
    // The agent's thread reply lands on B: B finds the task (no index in A's memory needed).
    expect(await b.taskAt("T01", "C0AGENTS", "1700000000.000900")).toEqual(task);
    expect(await b.task("T01", "handoff_9")).toEqual(task);
    await b.declare({ tenant: "T01", agent: "U0ANA", available: true });
    expect(await a.declarations()).toEqual([{ tenant: "T01", agent: "U0ANA", available: true }]);
  });

  it("Teams: a conversation reference saved by one server is used by the other; an installation is greeted once", async () => {
    const [a, b] = [await openTeamsState(await server()), await openTeamsState(await server())];
    const reference = {
      serviceUrl: "https://smba.example/emea/",
      conversation: { id: "a:1xyz" },
    } as Parameters<TeamsStateStore["rememberReference"]>[2];
    await a.rememberReference("contoso", "a:1xyz", reference);
    expect(await b.reference("contoso", "a:1xyz")).toEqual(reference);
    // Both servers receive the same conversationUpdate at once: one greeting.
    const greetings = await Promise.all([
      a.firstGreeting("contoso", "install-1"),
      b.firstGreeting("contoso", "install-1"),
      a.firstGreeting("contoso", "install-1"),
      b.firstGreeting("contoso", "install-1"),
    ]);
    expect(greetings.filter(Boolean)).toHaveLength(1);
  });

  it("Teams agents' side: a card posted by one server is found by its reply chain on the other; declarations shared", async () => {
    const [a, b] = [await openTeamsAgentState(await server()), await openTeamsAgentState(await server())];
    const card = {
      tenant: "contoso",
      ref: "handoff_7",
      kind: "handoff" as const,
      reference: {
        serviceUrl: "https://smba.example/emea/",
        conversationId: "19:agents@thread.tacv2;messageid=1700000000007",
        botId: "28:bot",
        activityId: "1700000000007",
      },
      text: "New request",
      fields: { priority: "high" },
      history: [],
    };
    await a.rememberCard(card);
    // Teams sends the agent's reply in the chain (same conversation id, any case) to B.
    expect(await b.cardInChain("19:AGENTS@thread.tacv2;messageid=1700000000007")).toEqual(card);
    await b.declare({ tenant: "contoso", agent: "29:ana", available: true, name: "Ana" });
    expect(await a.declaration("contoso", "29:ana")).toEqual({
      tenant: "contoso",
      agent: "29:ana",
      available: true,
      name: "Ana",
    });
  });
});
