import { LutinError } from "@lutingenie/core";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorCodeOf, storeFailure } from "./postgres-errors.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";
import { statement, transaction } from "./transaction.js";

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 6 });
  await pool.query("CREATE TABLE counters (id integer PRIMARY KEY, value integer NOT NULL)");
  // One statement that locks two rows with a pause between: two calls in opposite orders deadlock.
  await pool.query(`CREATE FUNCTION add_to_both(first integer, second integer) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE counters SET value = value + 1 WHERE id = first;
      PERFORM pg_sleep(0.2);
      UPDATE counters SET value = value + 1 WHERE id = second;
    END;
  $$`);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

beforeEach(async () => {
  await pool.query("TRUNCATE counters");
  await pool.query("INSERT INTO counters VALUES (1, 0), (2, 0)");
});

/** Resolves once `count` parties have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived++;
    if (arrived >= count) release();
    return all;
  };
}

/** Two transactions locking rows 1 and 2 in opposite orders, meeting in the middle on their first attempt: a real deadlock. */
function deadlocking(retries: number, onRetry: (error: unknown) => void) {
  const meet = barrier(2);
  const side = (first: number, second: number) => {
    let attempt = 0;
    return transaction(
      pool,
      async (client) => {
        attempt++;
        await client.query("UPDATE counters SET value = value + 1 WHERE id = $1", [first]);
        if (attempt === 1) await meet();
        await client.query("UPDATE counters SET value = value + 1 WHERE id = $1", [second]);
        return attempt;
      },
      { retries, onRetry },
    );
  };
  return Promise.allSettled([side(1, 2), side(2, 1)]);
}

describe("transactions that lose a race are run again, a bounded number of times", () => {
  it("a real deadlock (40P01): the victim runs again and both land", async () => {
    const retried: unknown[] = [];
    const results = await deadlocking(3, (error) => retried.push(error));
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(retried.map(errorCodeOf)).toEqual(["40P01"]);
    const rows = await pool.query<{ id: number; value: number }>(
      "SELECT id, value FROM counters ORDER BY id",
    );
    // Each side added one to both rows exactly once: the victim's first attempt kept nothing.
    expect(rows.rows).toEqual([
      { id: 1, value: 2 },
      { id: 2, value: 2 },
    ]);
  });

  it("with no retries left the deadlock is the error, and the store reports it as STORE_WRITE_FAILED naming the SQLSTATE", async () => {
    const results = await deadlocking(0, () => undefined);
    const failed = results.filter((result) => result.status === "rejected");
    expect(failed).toHaveLength(1);
    const reason = (failed[0] as PromiseRejectedResult).reason;
    expect(errorCodeOf(reason)).toBe("40P01");
    const mapped = storeFailure("commitThread", "write", "127.0.0.1:5432/db", reason);
    expect(LutinError.isInstance(mapped, "STORE_WRITE_FAILED")).toBe(true);
    expect(mapped.message).toContain("40P01");
    expect(mapped.details).toMatchObject({ code: "40P01" });
  });

  it("a real serialization failure (40001, repeatable read): run again on a new snapshot", async () => {
    const retried: unknown[] = [];
    let attempts = 0;
    let snapshotTaken: () => void = () => undefined;
    const taken = new Promise<void>((resolve) => {
      snapshotTaken = resolve;
    });
    let otherCommitted: () => void = () => undefined;
    const committed = new Promise<void>((resolve) => {
      otherCommitted = resolve;
    });
    const serializable = transaction(
      pool,
      async (client) => {
        attempts++;
        // The snapshot is taken here, before the other transaction's change.
        await client.query("SELECT value FROM counters WHERE id = 1");
        if (attempts === 1) {
          snapshotTaken();
          await committed;
        }
        await client.query("UPDATE counters SET value = value + 10 WHERE id = 1");
      },
      { retries: 2, isolation: "repeatable read", onRetry: (error) => retried.push(error) },
    );
    // Once the first attempt has its snapshot, the row changes under it.
    await taken;
    await pool.query("UPDATE counters SET value = value + 1 WHERE id = 1");
    otherCommitted();
    await serializable;
    expect(retried.map(errorCodeOf)).toEqual(["40001"]);
    expect(attempts).toBe(2);
    const row = await pool.query<{ value: number }>("SELECT value FROM counters WHERE id = 1");
    expect(row.rows[0]?.value).toBe(11);
  });

  it("other errors are not retried and roll back", async () => {
    let attempts = 0;
    await expect(
      transaction(
        pool,
        async (client) => {
          attempts++;
          await client.query("UPDATE counters SET value = 99 WHERE id = 1");
          await client.query("INSERT INTO counters VALUES (2, 0)"); // duplicate key
        },
        { retries: 5 },
      ),
    ).rejects.toMatchObject({ code: "23505" });
    expect(attempts).toBe(1);
    const row = await pool.query<{ value: number }>("SELECT value FROM counters WHERE id = 1");
    expect(row.rows[0]?.value).toBe(0);
  });

  it("one statement (a whole commit in a function call) that deadlocks is run again too", async () => {
    const retried: unknown[] = [];
    const options = { retries: 3, onRetry: (error: unknown) => retried.push(error) };
    await Promise.all([
      statement(pool, "SELECT add_to_both(1, 2)", [], options),
      statement(pool, "SELECT add_to_both(2, 1)", [], options),
    ]);
    expect(retried.map(errorCodeOf)).toEqual(["40P01"]);
    const rows = await pool.query<{ id: number; value: number }>(
      "SELECT id, value FROM counters ORDER BY id",
    );
    expect(rows.rows).toEqual([
      { id: 1, value: 2 },
      { id: 2, value: 2 },
    ]);
  });
});
