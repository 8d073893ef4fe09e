import { createServer } from "node:net";
import { expectLutinError, fuzzRuns, makeTenant, makeThreadCommit } from "@lutingenie/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityText } from "./identity-text.js";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, startThrowawayCluster, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;
let store: PostgresStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await createPostgresStore({ connectionString: database.url });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

/** A port on 127.0.0.1 with nothing listening (taken, then released). */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 1));
    });
  });
}

describe("identities and texts as they come from platforms and visitors", () => {
  it("identityText is one to one (so no two keys meet in a column) and leaves ordinary strings alone", () => {
    expect(identityText("acme/web/visitor-1")).toBe("acme/web/visitor-1");
    expect(identityText("é🙂")).toBe("é🙂");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        if (a !== b) expect(identityText(a)).not.toBe(identityText(b));
        expect(identityText(a)).not.toContain("\u0000");
        // Well-formed: survives the driver's UTF-8 encoding unchanged.
        expect(Buffer.from(identityText(a), "utf8").toString("utf8")).toBe(identityText(a));
      }),
      { numRuns: fuzzRuns(500) },
    );
  });

  it("C11: keys with NUL, lone surrogates and backslashes stay distinct keys; texts with them round-trip", async () => {
    const keys = ["\ud800", "\ud801", "\udc00", "\ufffd", "a\u0000", "a\\0", "a\\", "a"];
    for (const [index, key] of keys.entries()) {
      const commit = makeThreadCommit({
        tenant: "hostile",
        thread: "\u0000thread\\",
        key,
        counted: index % 2 === 0,
      });
      (commit.thread.events[0] as { text: string | null }).text =
        `nul \u0000, lone \udfff, pair 🙂, quote " and \\`;
      expect(await store.isProcessed(commit.processed)).toBe(false);
      await store.commitThread(commit);
      expect(await store.isProcessed(commit.processed)).toBe(true);
      expect(await store.getThread(commit.thread.key)).toEqual(commit.thread);
    }
    const tenant = makeTenant({ id: "\u0000\ud800", name: "nul \u0000" });
    await store.putTenant(tenant);
    expect(await store.getTenant("\u0000\ud800")).toEqual(tenant);
    expect(await store.getTenant("\u0000\ud801")).toBeUndefined();
  });
});

describe("options and errors", () => {
  it("bad options are CONFIG_INVALID naming the field and the fix", async () => {
    const none = await expectLutinError(createPostgresStore({}), "CONFIG_INVALID");
    expect(none.message).toContain("exactly one of connectionString and pool");
    const both = await expectLutinError(
      createPostgresStore({ connectionString: database.url, pool: store.pool }),
      "CONFIG_INVALID",
    );
    expect(both.hint).toContain("postgres://");
    const size = await expectLutinError(
      createPostgresStore({ connectionString: database.url, poolSize: 0 }),
      "CONFIG_INVALID",
    );
    expect(size.message).toContain("poolSize");
  });

  it("a server that is not there: opening fails with STORE_UNAVAILABLE naming where and what to check, never the password", async () => {
    const port = await closedPort();
    const error = await expectLutinError(
      createPostgresStore({ connectionString: `postgres://lutin:secret-password@127.0.0.1:${port}/lutin` }),
      "STORE_UNAVAILABLE",
    );
    expect(error.message).toContain(`127.0.0.1:${port}/lutin`);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.hint).toContain("LUTIN_DATABASE_URL");
    expect(`${error.message} ${error.hint}`).not.toContain("secret-password");
  });

  it("the server going away: reads fail with STORE_UNAVAILABLE, writes with STORE_WRITE_FAILED; back up, the same store works again", async () => {
    const cluster = await startThrowawayCluster();
    try {
      const own = await createPostgresStore({ connectionString: cluster.url, connectionTimeoutMs: 2_000 });
      try {
        const before = makeThreadCommit({ tenant: "acme", key: "before" });
        await own.commitThread(before);
        await cluster.halt();
        const read = await expectLutinError(own.getThread(before.thread.key), "STORE_UNAVAILABLE");
        expect(read.message).toContain(`127.0.0.1:${cluster.port}`);
        const during = makeThreadCommit({ tenant: "acme", key: "during" });
        const write = await expectLutinError(own.commitThread(during), "STORE_WRITE_FAILED");
        expect(write.hint).toContain("retry");
        await cluster.start();
        expect(await own.getThread(before.thread.key)).toEqual(before.thread);
        // C11: the failed write kept nothing, so the retry is processed.
        expect(await own.isProcessed(during.processed)).toBe(false);
        await own.commitThread(during);
        expect(await own.isProcessed(during.processed)).toBe(true);
      } finally {
        await own.close();
      }
    } finally {
      await cluster.stop();
    }
  });

  it("close waits for the writes already begun, then refuses with STORE_CLOSED", async () => {
    const own = await createPostgresStore({ connectionString: database.url });
    const commits = Array.from({ length: 20 }, (_, index) =>
      makeThreadCommit({ tenant: "closing", key: `c-${index}` }),
    );
    const writes = commits.map((commit) => own.commitThread(commit));
    await own.close();
    await Promise.all(writes);
    for (const commit of commits) expect(await store.isProcessed(commit.processed)).toBe(true);
    await expectLutinError(own.getThread(commits[0]?.thread.key ?? ""), "STORE_CLOSED");
  });

  it("ledgerTotals is an index-only sum, not a scan of the ledger's records", async () => {
    const client = await store.pool.connect();
    try {
      await client.query("SET enable_seqscan = off");
      const plan = await client.query<{ "QUERY PLAN": string }>(
        "EXPLAIN SELECT mode, sum(delta)::integer AS total FROM lutin_ledger WHERE tenant = 'acme' AND period = '2025-01-01' GROUP BY mode",
      );
      expect(plan.rows.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(
        /Index Only Scan using lutin_ledger_totals/,
      );
    } finally {
      await client.query("RESET enable_seqscan");
      client.release();
    }
  });
});
