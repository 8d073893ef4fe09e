import { emptyThreadMemory, ManualClock, type ThreadMemoryRecord } from "@lutingenie/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createPostgresThreadMemory } from "./postgres-thread-memory.js";
import { sharedSecret, VISITOR_SECRET_NAME } from "./shared-secret.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";
import { createThreadTurns } from "./thread-turns.js";

const DAY = 24 * 60 * 60 * 1000;
let database: TestDatabase;
let store: PostgresStore;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  store = await createPostgresStore({ connectionString: database.url });
});

afterAll(async () => {
  for (const pool of pools.splice(0)) await pool.end();
  await store?.close();
  await database?.drop();
});

/** Another instance's connections to the same database. */
function otherPool(max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: database.url, max });
  // Idle connections dropped when the database is dropped at the end must not fail the run.
  pool.on("error", () => undefined);
  pools.push(pool);
  return pool;
}

describe("thread memory on PostgreSQL (the file memory's checks, and across instances)", () => {
  it("keeps what was saved across a reopen, and forgets threads idle past the retention", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const memory = createPostgresThreadMemory({ pool: store.pool, clock, retentionMs: 2 * DAY });
    const record = {
      ...emptyThreadMemory(clock.now()),
      language: "fr" as const,
      window: [{ from: "customer" as const, text: "Bonjour", at: 1 }],
    };
    await memory.save("retention/a", record);
    clock.advance(DAY);
    await memory.save("retention/b", emptyThreadMemory(clock.now()));
    await memory.close();
    await expect(memory.load("retention/a")).rejects.toMatchObject({ code: "STORE_CLOSED" });

    const reopened = createPostgresThreadMemory({ pool: otherPool(), clock, retentionMs: 2 * DAY });
    expect(await reopened.load("retention/a")).toEqual(record);
    clock.advance(1.5 * DAY);
    expect(await reopened.load("retention/a")).toBeUndefined();
    expect(await reopened.load("retention/b")).toBeDefined();
    // The sweep (at a save) deletes the expired row itself, not only hides it.
    await reopened.save("retention/c", emptyThreadMemory(clock.now()));
    const rows = await store.pool.query(
      "SELECT key FROM lutin_thread_memory WHERE key LIKE 'retention/%' ORDER BY key",
    );
    expect(rows.rows.map((row) => row.key)).toEqual(["retention/b", "retention/c"]);
  });

  it("gives back a JSON round trip, never an alias of what was saved or loaded", async () => {
    const memory = createPostgresThreadMemory({ pool: store.pool });
    const record = emptyThreadMemory(Date.now());
    record.window.push({ from: "customer", text: "where is my order?", at: 1, key: "m-1" });
    record.enchantments.emotion = { frustratedInRow: 1, conversationId: undefined };
    await memory.save("alias", record);
    (record.window[0] as { text: string }).text = "changed after save";
    const loaded = (await memory.load("alias")) as ThreadMemoryRecord;
    expect(loaded.window[0]?.text).toBe("where is my order?");
    expect(loaded.enchantments).toStrictEqual({ emotion: { frustratedInRow: 1 } });
    loaded.answered.push("m-1");
    expect((await memory.load("alias"))?.answered).toEqual([]);
    expect(await memory.load("never-saved")).toBeUndefined();
  });

  it("keeps thread keys apart that PostgreSQL text could merge (NUL, backslash, lone surrogates)", async () => {
    const memory = createPostgresThreadMemory({ pool: store.pool });
    const keys = ["t\u0000x", "t\\0x", "t\ud800", "t\ufffd", "t\\ud800"];
    for (const [index, key] of keys.entries())
      await memory.save(key, { ...emptyThreadMemory(Date.now()), answered: [`k${index}`] });
    for (const [index, key] of keys.entries())
      expect((await memory.load(key))?.answered).toEqual([`k${index}`]);
  });

  it("C11: what one instance saved, another instance loads (the answered keys of a thread)", async () => {
    const first = createPostgresThreadMemory({ pool: store.pool });
    const second = createPostgresThreadMemory({ pool: otherPool() });
    await first.save("shared", { ...emptyThreadMemory(Date.now()), answered: ["q1"] });
    expect((await second.load("shared"))?.answered).toEqual(["q1"]);
    await second.save("shared", { ...emptyThreadMemory(Date.now()), answered: ["q1", "q2"] });
    expect((await first.load("shared"))?.answered).toEqual(["q1", "q2"]);
  });

  it("a database that went away fails a save with a coded error naming the server, not a crash", async () => {
    const gone = new pg.Pool({
      connectionString: "postgres://lutin@127.0.0.1:1/none",
      connectionTimeoutMillis: 2_000,
    });
    pools.push(gone);
    const memory = createPostgresThreadMemory({ pool: gone, where: "127.0.0.1:1/none" });
    await expect(memory.save("x", emptyThreadMemory(0))).rejects.toMatchObject({
      code: "STORE_WRITE_FAILED",
      message: expect.stringContaining("127.0.0.1:1/none"),
    });
    await expect(memory.load("x")).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
  });
});

describe("what every instance shares", () => {
  it("the visitor secret: instances starting at once all get the same one, made once", async () => {
    const instances = [store.pool, otherPool(), otherPool()];
    const secrets = await Promise.all(instances.map((pool) => sharedSecret(pool, VISITOR_SECRET_NAME)));
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(await sharedSecret(otherPool(), VISITOR_SECRET_NAME)).toBe(secrets[0]);
    const rows = await store.pool.query("SELECT count(*)::int AS n FROM lutin_secrets WHERE name = $1", [
      VISITOR_SECRET_NAME,
    ]);
    expect(rows.rows[0].n).toBe(1);
  });

  it("C12: a thread's turns run one at a time across instances; other threads' turns run alongside", async () => {
    const instances = [createThreadTurns({ pool: otherPool() }), createThreadTurns({ pool: otherPool() })];
    const log: string[] = [];
    let inside = 0;
    let most = 0;
    const turn = (name: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      log.push(`end ${name}`);
      inside--;
      return name;
    };
    const results = await Promise.all([
      instances[0]?.run("same", turn("a1")),
      instances[1]?.run("same", turn("b1")),
      instances[0]?.run("same", turn("a2")),
      instances[1]?.run("same", turn("b2")),
    ]);
    expect(results).toEqual(["a1", "b1", "a2", "b2"]);
    expect(most).toBe(1);
    for (let index = 0; index < log.length; index += 2)
      expect(log[index + 1]?.replace("end", "start")).toBe(log[index]);

    // Two different threads on two instances overlap.
    inside = 0;
    most = 0;
    await Promise.all([instances[0]?.run("one", turn("x")), instances[1]?.run("two", turn("y"))]);
    expect(most).toBe(2);
  });

  it("a turn that throws lets the next one in, and its error reaches the caller", async () => {
    const turns = createThreadTurns({ pool: otherPool(1) });
    await expect(
      turns.run("failing", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await turns.run("failing", async () => "next")).toBe("next");
  });
});
