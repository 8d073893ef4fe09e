import { LutinError, type ThreadCommit } from "@lutingenie/core";
import { BUILDER_TIME, expectLutinError, makeThreadCommit } from "@lutingenie/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;
const stores: PostgresStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const store of stores.splice(0)) await store.close();
  await database?.drop();
});

/** A store with a pool of its own: what another `lutin serve` process on the same database has. */
async function process(): Promise<PostgresStore> {
  const store = await createPostgresStore({ connectionString: database.url, poolSize: 4 });
  stores.push(store);
  return store;
}

/** Deterministic shuffle (a linear congruential generator), so that a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let index = result.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

describe("several processes on one database", () => {
  it("C11, C12: the same events committed by four pools at once, duplicated and shuffled: each key once, one ledger row per count", async () => {
    const processes = await Promise.all([process(), process(), process(), process()]);
    // 40 threads, 5 events each; every third event counts its conversation (one ledger row each).
    const events: Array<{ name: string; commit: ThreadCommit }> = [];
    for (let thread = 0; thread < 40; thread++) {
      for (let event = 0; event < 5; event++) {
        const counted = (thread * 5 + event) % 3 === 0;
        const commit = makeThreadCommit({
          tenant: "acme",
          thread: `race-${thread}`,
          key: `race-${thread}-${event}`,
          at: BUILDER_TIME + event * 1_000,
          counted,
        });
        events.push({ name: `${thread}/${event}`, commit });
      }
    }
    const successes = new Map<string, number>();
    const refused = new Map<string, number>();
    await Promise.all(
      processes.map(async (store, index) => {
        // Each process receives every event twice, in its own order, after the first ten in the same
        // order as every other process (so that some races surely happen).
        const hot = events.slice(0, 10);
        for (const { name, commit } of [...hot, ...shuffled([...events, ...events], index + 1)]) {
          if (await store.isProcessed(commit.processed)) continue;
          try {
            await store.commitThread(commit);
            successes.set(name, (successes.get(name) ?? 0) + 1);
          } catch (error) {
            // Lost the race for the key (or for the ledger row): the other process's result stands.
            if (!LutinError.isInstance(error, "LEDGER_ENTRY_EXISTS")) throw error;
            refused.set(name, (refused.get(name) ?? 0) + 1);
          }
        }
      }),
    );
    for (const { name } of events) expect(successes.get(name), name).toBe(1);
    const reader = processes[0] as PostgresStore;
    for (const { commit } of events) expect(await reader.isProcessed(commit.processed)).toBe(true);
    const ledger = await reader.listLedger({ tenant: "acme" });
    const expectedRows = events.flatMap(({ commit }) => commit.ledger.map((entry) => entry.id)).sort();
    expect(ledger.map((entry) => entry.id).sort()).toEqual(expectedRows);
    expect(await reader.ledgerTotals({ tenant: "acme", period: "2025-01-01" })).toEqual({
      ai: expectedRows.length,
      human: 0,
    });
    const keys = await reader.pool.query<{ count: string }>(
      "SELECT count(*) AS count FROM lutin_processed_keys WHERE tenant = 'acme'",
    );
    expect(Number(keys.rows[0]?.count)).toBe(events.length);
    // The races did happen: the duplicates that got past isProcessed were refused by the database.
    expect([...refused.values()].reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
  });

  it("C12: appendToThread from two processes on one stale record: exactly one lands, the other is told to read again", async () => {
    const a = await process();
    const b = await process();
    const first = makeThreadCommit({ tenant: "acme", thread: "append-race", key: "ar-1", counted: false });
    await a.commitThread(first);
    const appendOf = async (store: PostgresStore, key: string) => {
      const previous = await store.readThread(first.thread.key);
      const next = makeThreadCommit({ tenant: "acme", thread: "append-race", key, counted: false });
      return {
        previous,
        identity: next.thread,
        event: next.thread.events[0] as ThreadCommit["thread"]["events"][number],
        state: next.thread.state,
        verdicts: previous?.verdicts ?? {},
        conversations: next.conversations,
        ledger: next.ledger,
        processed: next.processed,
      };
    };
    const [fromA, fromB] = await Promise.all([
      appendOf(a as PostgresStore, "ar-2"),
      appendOf(b as PostgresStore, "ar-3"),
    ]);
    const results = await Promise.all([a.appendToThread(fromA), b.appendToThread(fromB)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await a.getThread(first.thread.key);
    expect(stored?.events.map((event) => event.key)).toEqual(["ar-1", results[0] ? "ar-2" : "ar-3"]);
    expect(await a.isProcessed(results[0] ? fromB.processed : fromA.processed)).toBe(false);
  });

  it("C12: commitThread with `expected`: THREAD_CHANGED and nothing written when another process wrote the thread since", async () => {
    const a = await process();
    const b = await process();
    const first = makeThreadCommit({ tenant: "acme", thread: "expected", key: "ex-1" });
    // null: the thread must not exist yet.
    await a.commitThread({ ...first, expected: null });
    const again = makeThreadCommit({ tenant: "acme", thread: "expected", key: "ex-0", counted: false });
    await expectLutinError(b.commitThread({ ...again, expected: null }), "THREAD_CHANGED");
    const readByA = await a.getThread(first.thread.key);
    const readByB = await b.readThread(first.thread.key);
    const fromB = makeThreadCommit({ tenant: "acme", thread: "expected", key: "ex-2", counted: false });
    await b.commitThread({ ...fromB, expected: readByB ?? null });
    const fromA = makeThreadCommit({ tenant: "acme", thread: "expected", key: "ex-3" });
    const error = await expectLutinError(
      a.commitThread({ ...fromA, expected: readByA ?? null }),
      "THREAD_CHANGED",
    );
    expect(error.hint).toContain("read the thread again");
    expect(await a.getThread(first.thread.key)).toEqual(fromB.thread);
    expect(await a.isProcessed(fromA.processed)).toBe(false);
    expect((await a.listLedger({ tenant: "acme" })).map((row) => row.id)).not.toContain(fromA.ledger[0]?.id);
    // A record compared by content (not one this store handed out) works too.
    const copy = structuredClone(await b.getThread(first.thread.key));
    await a.commitThread({ ...fromA, expected: copy ?? null });
    expect(await a.isProcessed(fromA.processed)).toBe(true);
  });
});
