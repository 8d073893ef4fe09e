import { ConversationCounter, ledgerAlerts, parseInboundEvent, type Store } from "@lutingenie/core";
import { makeTenant } from "@lutingenie/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billing, utcMonth } from "./across-processes.test-support.js";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

const T0 = Date.parse("2026-03-10T09:00:00.000Z");
const MINUTE = 60_000;

let database: TestDatabase;
const databases: TestDatabase[] = [];
const stores: PostgresStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  databases.push(database);
});

afterAll(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const each of databases.splice(0)) await each.drop();
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

describe("quota alerts with two instances counting one tenant's conversations", () => {
  it("Q5, C13: a threshold fires when the period's usage (both instances' counts) reaches it, as ledgerAlerts says", async () => {
    const alertDatabase = await createTestDatabase();
    databases.push(alertDatabase);
    const first = await createPostgresStore({ connectionString: alertDatabase.url, poolSize: 2 });
    const second = await createPostgresStore({ connectionString: alertDatabase.url, poolSize: 2 });
    stores.push(first, second);
    await first.putTenant(makeTenant({ id: "acme" }));
    const tenBilling = {
      forTenant: () => ({ ...utcMonth, allowanceAt: () => 10, alertThresholds: [80, 90, 100] }),
    };
    const counters = [first, second].map((store) => new ConversationCounter({ store, billing: tenBilling }));
    const crossed: number[] = [];
    for (const counter of counters)
      counter.events.on("quota-threshold-crossed", ({ alert }) => void crossed.push(alert.threshold));
    // Ten conversations, each counted by its answer (C7), taken in turn by one instance then the other.
    for (let index = 0; index < 10; index++) {
      const counter = counters[index % 2] as ConversationCounter;
      const thread = `visitor-${index}`;
      const at = T0 + index * MINUTE;
      const fields = { tenant: "acme", channel: "web", thread };
      await counter.ingestEvent(
        parseInboundEvent({
          ...fields,
          key: `${thread}-q`,
          at,
          from: "customer",
          text: "Where is my order?",
        }),
      );
      await counter.ingestEvent(
        parseInboundEvent({ ...fields, key: `${thread}-a`, at: at + 1, from: "assistant", text: "It left." }),
      );
    }
    const period = "2026-03-01";
    const wanted = ledgerAlerts({
      tenant: "acme",
      period,
      ledger: await first.listLedger({ tenant: "acme", period }),
      allowanceAt: () => 10,
      thresholds: [80, 90, 100],
    });
    // The 8th, 9th and 10th counts (at 80 %, 90 % and 100 % of 10), each once, whichever instance booked it.
    expect(wanted.map((alert) => [alert.threshold, alert.at])).toEqual([
      [80, T0 + 7 * MINUTE + 1],
      [90, T0 + 8 * MINUTE + 1],
      [100, T0 + 9 * MINUTE + 1],
    ]);
    const stored = await second.listAlerts("acme", period);
    expect(stored.map((alert) => [alert.threshold, alert.at, alert.state ?? "fired"])).toEqual(
      wanted.map((alert) => [alert.threshold, alert.at, "fired"]),
    );
    expect(crossed.sort()).toEqual([100, 80, 90].sort());
  });
});
