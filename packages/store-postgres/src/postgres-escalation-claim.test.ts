import {
  applyHandoffEvent,
  type EscalationStore,
  type HandoffRequest,
  recordRevision,
} from "@lutingenie/core";
import { makeHandoff } from "@lutingenie/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresEscalationStore } from "./postgres-escalation-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;
const stores: EscalationStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await database?.drop();
});

describe("the atomic claim across servers on one database", () => {
  it("four stores with their own pools (four servers), ten agents each, all accepting at once: exactly one wins, whatever each read", async () => {
    for (let index = 0; index < 4; index++)
      stores.push(await openPostgresEscalationStore({ connectionString: database.url, poolSize: 10 }));
    const agents = Array.from({ length: 40 }, (_, index) => `agent-${index}`);
    for (let round = 0; round < 5; round++) {
      const request = makeHandoff({ offeredTo: agents, candidates: agents });
      await stores[0]?.putHandoff(request);
      // What the escalation service does: read, apply the event, compare and set; read again on a loss.
      const acceptVia = async (store: EscalationStore, agent: string): Promise<string> => {
        for (;;) {
          const current = (await store.getHandoff(request.id)) as HandoffRequest;
          const step = applyHandoffEvent(
            current,
            { type: "accept", agent, at: current.createdAt + 1 },
            { acceptTimeoutMs: 120_000 },
          );
          if (await store.replaceHandoff(step.request, recordRevision(current))) return step.result;
        }
      };
      const results = await Promise.all(
        agents.map((agent, index) => acceptVia(stores[index % 4] as EscalationStore, agent)),
      );
      expect(results.filter((result) => result === "accepted")).toHaveLength(1);
      expect(results.filter((result) => result === "already_taken")).toHaveLength(39);
      const stored = (await stores[1]?.getHandoff(request.id)) as HandoffRequest;
      expect(stored.acceptedBy).toBe(agents[results.indexOf("accepted")]);
      // Every losing attempt was applied to what landed, once each: 1 accept + 39 refusals in the history.
      expect(stored.history).toHaveLength(40);
    }
  });
});
