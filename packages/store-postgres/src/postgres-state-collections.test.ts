import { describeStateCollectionConformance } from "@lutingenie/core/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStateCollections, type PostgresStateCollections } from "./postgres-state-collections.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeStateCollectionConformance("postgres", async (now) => {
  const opened: PostgresStateCollections[] = [];
  const open = async () => {
    const collections = await openPostgresStateCollections({ connectionString: database.url, now });
    opened.push(collections);
    return collections;
  };
  const collections = await open();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query("TRUNCATE lutin_adapter_state").finally(() => client.end());
  return {
    collections,
    reopen: open,
    cleanup: async () => {
      for (const each of opened) await each.close();
    },
  };
});

describe("adapters' state on PostgreSQL", () => {
  it("prune deletes the expired records only, of every collection", async () => {
    let clock = 5_000;
    const collections = await openPostgresStateCollections({
      connectionString: database.url,
      now: () => clock,
    });
    try {
      const spec = {
        name: "prune-test",
        format: "lutingenie-prune-test",
        expiresAt: (value: { until: number }) => value.until,
      };
      const one = await collections.open(spec);
      const two = await collections.open({ ...spec, name: "prune-test-2" });
      await one.set("old", { until: 6_000 });
      await two.set("old", { until: 6_000 });
      await one.set("young", { until: 60_000 });
      clock = 7_000;
      expect(await collections.prune()).toBe(2);
      expect(await one.values()).toEqual([{ until: 60_000 }]);
      clock = 1_000; // what prune deleted is gone, not merely hidden by the clock
      expect(await two.get("old")).toBeUndefined();
    } finally {
      await collections.close();
    }
  });
});
