import {
  agentSchema,
  createProductMessages,
  EscalationService,
  type EscalationStore,
} from "@lutingenie/core";
import { makeHandoff } from "@lutingenie/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresEscalationStore } from "./postgres-escalation-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

/*
 * Two escalation services on one database, each with its own pool (two `lutin serve` processes): every
 * change of a handoff is a compare-and-set on its revision, which every write bumps (issue 16). Before, a
 * note or a kept message was written back unconditionally from an earlier read and could erase a change
 * the other server made in between (a Decline, an Accept, the other server's note).
 */

let database: TestDatabase;
const stores: EscalationStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await database?.drop();
});

async function serverOnDatabase(): Promise<EscalationService> {
  const store = await openPostgresEscalationStore({ connectionString: database.url, poolSize: 4 });
  stores.push(store);
  return new EscalationService({
    store,
    messages: createProductMessages(),
    tenants: async () => {
      throw new Error("not needed: nothing is escalated here");
    },
  });
}

describe("one handoff changed on two servers at once, on PostgreSQL", () => {
  it("40 notes written at once from both servers, with a Decline among them: every write that says ok is kept, none erases another (before: half the notes lost)", async () => {
    const [serverA, serverB] = [await serverOnDatabase(), await serverOnDatabase()];
    for (const id of ["ana", "bruno"])
      await serverA.putAgent(agentSchema.parse({ id, tenant: "acme", name: id.toUpperCase() }));
    const request = makeHandoff();
    await (stores[0] as EscalationStore).putHandoff(request);

    const writes = Array.from({ length: 20 }, (_, index) => [
      serverA.addNote(request.id, "ana", `note A${index}`, `a${index}`),
      serverB.addNote(request.id, "bruno", `note B${index}`, `b${index}`),
    ]).flat();
    writes.splice(20, 0, serverB.decline(request.id, "bruno"));
    const results = await Promise.all(writes);
    // Under this contention (41 writes of one record at once) a write may give up after its bounded retries,
    // and says so; none may vanish while saying ok, and none may erase another.
    for (const result of results)
      expect(result.ok || result.problem === "the request changed several times at once; try again").toBe(
        true,
      );
    const stored = await (stores[1] as EscalationStore).getHandoff(request.id);
    const expected = writes
      .map((_, index) => index)
      .filter((index) => index !== 20 && results[index]?.ok === true)
      .map((index) => {
        const note = index < 20 ? index : index - 1;
        return `note ${note % 2 === 0 ? "A" : "B"}${Math.floor(note / 2)}`;
      });
    expect(expected.length).toBeGreaterThanOrEqual(20);
    expect(stored?.notes?.map((note) => note.text).sort()).toEqual(expected.sort());
    if (results[20]?.ok === true) expect(stored?.declinedBy).toEqual(["bruno"]);
    else expect(stored?.declinedBy).toEqual([]);
  });
});
