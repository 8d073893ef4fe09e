import { ConversationCounter, parseInboundEvent, type Store } from "@lutingenie/core";
import { makeTenant } from "@lutingenie/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billing } from "./across-processes.test-support.js";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

const T0 = Date.parse("2026-03-10T09:00:00.000Z");
const MINUTE = 60_000;

let database: TestDatabase;
const stores: PostgresStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const store of stores.splice(0)) await store.close();
  await database.drop();
});

const event = (key: string, minutes: number, fields: Record<string, unknown>) =>
  parseInboundEvent({
    key,
    tenant: "acme",
    channel: "web",
    thread: "visitor-1",
    at: T0 + minutes * MINUTE,
    ...fields,
  });

describe("the inactivity sweep on one instance while another commits to the same thread", () => {
  it("C2, C7, C8, C12: a sweep computed before a late receipt does not overwrite the conversation that receipt counted", async () => {
    const sweeping = await createPostgresStore({ connectionString: database.url, poolSize: 2 });
    const serving = await createPostgresStore({ connectionString: database.url, poolSize: 2 });
    stores.push(sweeping, serving);
    await serving.putTenant(makeTenant({ id: "acme" }));
    const servingCounter = new ConversationCounter({ store: serving, billing });
    await servingCounter.ingestEvent(event("q1", 0, { from: "customer", text: "Where is my order?" }));

    // The sweeping instance reads the thread (an unanswered question: C8 would cancel it), then, before
    // it writes, the serving instance books the answer's delivery receipt (C7: the conversation counts).
    let raced = false;
    const racingStore: Store = Object.create(sweeping, {
      saveConversations: {
        value: async (...args: Parameters<Store["saveConversations"]>) => {
          if (!raced) {
            raced = true;
            await servingCounter.ingestEvent(
              event("a1", 1, { from: "assistant", text: "It left yesterday." }),
            );
          }
          return sweeping.saveConversations(...args);
        },
      },
    });
    const sweepingCounter = new ConversationCounter({ store: racingStore, billing });
    const settled = await sweepingCounter.settle(T0 + 40 * MINUTE);

    expect(raced).toBe(true);
    const [conversation] = await serving.listConversations({ tenant: "acme" });
    // Settled again from the thread as it is now: ended by inactivity (C2), and counted (C7), as the ledger says.
    expect(conversation).toMatchObject({ counted: true, endReason: "inactivity" });
    expect(settled.map((ended) => ({ counted: ended.counted, endReason: ended.endReason }))).toEqual([
      { counted: true, endReason: "inactivity" },
    ]);
    const ledger = await serving.listLedger({ tenant: "acme" });
    expect(ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(1);
  });
});
