import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { WidgetTestClient } from "@lutingenie/adapter-web/testing";
import { openFileEscalationStore } from "@lutingenie/core";
import { MIGRATIONS, openPostgresEscalationStore, SCHEMA_VERSION } from "@lutingenie/store-postgres";
import { createTestDatabase, type TestDatabase } from "@lutingenie/store-postgres/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateCommand } from "./migrate.js";
import { servedUsage, serveInProcess, TEST_SERVE_ADMIN_TOKEN } from "./serve.test-support.js";

/*
 * `lutin migrate` and `lutin migrate --from-lowdb DIR` on a real PostgreSQL, with a data directory made by a
 * real embedded `lutin serve` run (widgets over WebSockets), then served from the database.
 */

const directories: string[] = [];
const databases: TestDatabase[] = [];

beforeAll(async () => {
  for (let index = 0; index < 3; index++) databases.push(await createTestDatabase());
});

afterAll(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  for (const database of databases.splice(0)) await database.drop();
});

async function directory(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), "lutin-migrate-"));
  directories.push(path);
  return path;
}

async function runMigrate(url: string, fromLowdb?: string) {
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => {
    printed += chunk.toString("utf8");
  });
  const result = await migrateCommand({
    output,
    environment: { LUTIN_DATABASE_URL: url },
    ...(fromLowdb === undefined ? {} : { fromLowdb }),
  });
  return { ...result, printed };
}

async function count(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  } finally {
    await client.end();
  }
}

/** The dashboard's history rows (id, language, emotion) with each conversation's messages, by id. */
async function historyWithMessages(url: string) {
  const admin = async (path: string) =>
    (
      await fetch(`${url}/api/admin${path}`, {
        headers: { authorization: `Bearer ${TEST_SERVE_ADMIN_TOKEN}` },
      })
    ).json();
  const { rows } = (await admin("/history")) as {
    rows: Array<{ id: string; language: string | null; emotion: string | null }>;
  };
  const history = [];
  for (const row of [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const detail = (await admin(`/conversations/${encodeURIComponent(row.id)}`)) as {
      messages: Array<{ from: string; text: string; at: number }>;
    };
    history.push({ id: row.id, language: row.language, emotion: row.emotion, messages: detail.messages });
  }
  return history;
}

/** An embedded install made by a real run: three visitors over the widget; returns one visitor to resume. */
async function embeddedInstall(messages: string[][]) {
  const dataDir = join(await directory(), "data");
  const served = await serveInProcess({ LUTIN_DATA_DIR: dataDir });
  const visitors: Array<{ visitor: string; token: string; lastId: string }> = [];
  try {
    for (const [index, texts] of messages.entries()) {
      const widget = await WidgetTestClient.connect({ url: served.server.url, key: "demo-shop-widget" });
      let lastId = "";
      for (const [turn, text] of texts.entries()) {
        lastId = `v${index}-m${turn}`;
        expect((await widget.message(lastId, text)).type).toBe("ack");
      }
      visitors.push({ visitor: widget.visitor, token: widget.identity.token, lastId });
      await widget.close();
    }
    return { dataDir, visitors, used: (await servedUsage(served.server.url)).used };
  } finally {
    await served.stop();
  }
}

describe("lutin migrate", () => {
  it("runs the migrations, prints the version before and after, and changes nothing the second time", async () => {
    const url = (databases[0] as TestDatabase).url;
    const first = await runMigrate(url);
    expect(first.exitCode).toBe(0);
    const all = MIGRATIONS.map((step) => step.version);
    expect(first.schema).toEqual({ from: 0, to: SCHEMA_VERSION, applied: all });
    expect(first.printed).toMatch(
      /^schema of 127\.0\.0\.1:\d+\/lutin_test_\w+: version 0 → \d+ \(applied [\d, ]+\)\n$/,
    );
    expect(first.printed).toContain(`version 0 → ${SCHEMA_VERSION} (applied ${all.join(", ")})`);
    const second = await runMigrate(url);
    expect(second.schema).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
    expect(second.printed).toContain(
      `version ${SCHEMA_VERSION} → ${SCHEMA_VERSION} (up to date, nothing to do)`,
    );
    expect(await count(url, "lutin_schema_migrations")).toBe(all.length);
  });

  it("a database that cannot be reached: STORE_UNAVAILABLE naming where, never the password", async () => {
    const failure = await runMigrate("postgres://lutin:s3cret-pw@127.0.0.1:1/lutin").catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      code: "STORE_UNAVAILABLE",
      message: expect.stringMatching(
        /^migrating the schema on PostgreSQL at 127\.0\.0\.1:1\/lutin failed: .*ECONNREFUSED/,
      ),
      hint: expect.stringContaining("check that the PostgreSQL server runs"),
    });
    expect((failure as { describe(): string }).describe()).not.toContain("s3cret-pw");
  });

  it("needs LUTIN_DATABASE_URL, and says so with the fix", async () => {
    await expect(migrateCommand({ output: new PassThrough(), environment: {} })).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: "lutin migrate needs LUTIN_DATABASE_URL",
      hint: expect.stringContaining("LUTIN_DATABASE_URL=postgres://"),
    });
  });
});

describe("lutin migrate --from-lowdb", () => {
  it("moves a served embedded install: totals equal before and after, a second run adds nothing, visitors resume on PostgreSQL", async () => {
    const url = (databases[1] as TestDatabase).url;
    const install = await embeddedInstall([
      ["Where is my order?", "#12345", "thanks, that solved it"],
      ["What are your opening hours?"],
      ["Do you ship to Canada?", "How do I return an item?"],
    ]);
    expect(install.used).toBe(3);

    const first = await runMigrate(url, install.dataDir);
    expect(first.exitCode, first.printed).toBe(0);
    expect(first.import?.differences).toEqual([]);
    expect(first.import?.before).toEqual(first.import?.after);
    expect(first.import?.before).toEqual([
      expect.objectContaining({
        tenant: "demo-shop",
        used: 3,
        human: 0,
        ledger: "3/0",
        history: "3/0",
        ledgerRows: 3,
      }),
    ]);
    expect(first.import?.added).toMatchObject({
      tenants: 1,
      threads: 3,
      conversations: 3,
      ledger: 3,
      threadMemory: 3,
      conversationLog: 3,
    });
    expect(first.import?.added.processedKeys).toBeGreaterThanOrEqual(12);
    expect(first.printed).toContain("Before: ");
    expect(first.printed).toContain("totals agree: 1 period(s)");

    // Idempotent: nothing new, same totals, exit 0.
    const second = await runMigrate(url, install.dataDir);
    expect(second.exitCode).toBe(0);
    expect(Object.values(second.import?.added ?? {}).every((rows) => rows === 0)).toBe(true);
    expect(second.printed).toContain("(already moved: nothing new)");
    expect(await count(url, "lutin_ledger")).toBe(3);

    // The embedded history before the move: each conversation's messages and reading, as its dashboard showed them.
    const embedded = await serveInProcess({ LUTIN_DATA_DIR: install.dataDir });
    const historyBefore = await historyWithMessages(embedded.server.url);
    await embedded.stop();
    expect(historyBefore).toHaveLength(3);
    expect(historyBefore.every((row) => row.messages.length >= 2)).toBe(true);

    // Served from the database now: the visitor resumes (its token still signs), the resend of its last
    // message is a duplicate (processed keys and memory moved, C11), and the dashboard shows the same usage.
    const served = await serveInProcess({ LUTIN_DATA_DIR: await directory(), LUTIN_DATABASE_URL: url });
    try {
      expect((await servedUsage(served.server.url)).used).toBe(3);
      // The dashboard's conversation log moved too: the same messages, language and emotion per conversation.
      expect(await historyWithMessages(served.server.url)).toEqual(historyBefore);
      const visitor = install.visitors[2] as { visitor: string; token: string; lastId: string };
      const widget = await WidgetTestClient.connect({
        url: served.server.url,
        key: "demo-shop-widget",
        resume: { visitor: visitor.visitor, token: visitor.token },
      });
      expect(widget.identity).toMatchObject({ visitor: visitor.visitor, resumed: true });
      expect((await widget.message(visitor.lastId, "How do I return an item?")).status).toBe("duplicate");
      expect(widget.replies).toHaveLength(0);
      expect((await widget.message("after-move", "Where is my order?")).status).toBe("answered");
      await widget.close();
      // C5: the same conversation goes on (well within 30 minutes): still 3.
      expect((await servedUsage(served.server.url)).used).toBe(3);
    } finally {
      await served.stop();
    }
  });

  it("moves the agents' desk: a customer's follow-up task waiting for an answer is in the database after the move, once", async () => {
    const url = (databases[0] as TestDatabase).url;
    // Nobody at the desk: asking for a human leaves a follow-up task (no agent online to take a handoff).
    const install = await embeddedInstall([["I want to talk to a human"]]);
    const files = await openFileEscalationStore({ dataDir: install.dataDir });
    const tasks = await files.listFollowUps();
    const handoffs = await files.listHandoffs();
    await files.close();
    expect(tasks.length + handoffs.length).toBeGreaterThanOrEqual(1);

    const first = await runMigrate(url, install.dataDir);
    expect(first.exitCode, first.printed).toBe(0);
    expect(first.import?.added).toMatchObject({ followUps: tasks.length, handoffs: handoffs.length });
    const database = await openPostgresEscalationStore({ connectionString: url, migrate: false });
    try {
      expect(await database.listFollowUps()).toEqual(tasks);
      expect(await database.listHandoffs()).toEqual(handoffs);
    } finally {
      await database.close();
    }
    const second = await runMigrate(url, install.dataDir);
    expect(second.import?.added).toMatchObject({ followUps: 0, handoffs: 0, agents: 0 });
  });

  it("exit 1 when the database's totals differ from the directory's (a database that already held another install)", async () => {
    const url = (databases[2] as TestDatabase).url;
    const one = await embeddedInstall([["Where is my order?"]]);
    const other = await embeddedInstall([["What are your opening hours?"], ["Do you ship to Canada?"]]);
    expect((await runMigrate(url, one.dataDir)).exitCode).toBe(0);
    const mixed = await runMigrate(url, other.dataDir);
    expect(mixed.exitCode).toBe(1);
    expect(mixed.import?.differences).toEqual([
      expect.stringMatching(
        /^demo-shop \d{4}-\d\d-\d\d: used 2, .* in the data directory, used 3, .* in the database$/,
      ),
    ]);
    expect(mixed.printed).toContain("1 period(s) differ:");
    expect(mixed.printed).toContain("visitor secret: the database already has another one (kept)");
  });

  it("refuses a directory a running server holds, or one with no data, before touching the database", async () => {
    const url = (databases[2] as TestDatabase).url;
    const dataDir = join(await directory(), "data");
    const running = await serveInProcess({ LUTIN_DATA_DIR: dataDir });
    try {
      await expect(runMigrate(url, dataDir)).rejects.toMatchObject({
        code: "STORE_LOCKED",
        hint: expect.stringContaining("stop that `lutin serve` first"),
      });
    } finally {
      await running.stop();
    }
    await expect(runMigrate(url, await directory())).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
