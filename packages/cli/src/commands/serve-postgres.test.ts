import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import {
  BIKE_SHOP_HOURS_ANSWER,
  WidgetTestClient,
  writeBikeShopTenant,
} from "@lutingenie/adapter-web/testing";
import { DEMO_TENANT_FILE, silentLogger } from "@lutingenie/core";
import { createTestDatabase, type TestDatabase } from "@lutingenie/store-postgres/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "./serve.js";
import { servedUsage, serveInProcess, TEST_SERVE_ADMIN_TOKEN } from "./serve.test-support.js";

/*
 * `lutin serve` with LUTIN_DATABASE_URL on a real PostgreSQL (the run's throwaway cluster): the widget
 * answered and counted in the database, two instances sharing it (a visitor resumed on the other one),
 * and the refusals at start: a bad URL, a database that is down, a schema newer than the code.
 */

const CLI = join(import.meta.dirname, "../../bin/lutin.js");
let database: TestDatabase;
const directories: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  await database?.drop();
});

async function dataDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "lutin-serve-pg-"));
  directories.push(directory);
  return directory;
}

/** One `lutin serve` in this process on the test database, with a data directory of its own. */
async function startInstance(environment: NodeJS.ProcessEnv = {}) {
  return serveInProcess({
    LUTIN_DATA_DIR: await dataDirectory(),
    LUTIN_DATABASE_URL: database.url,
    ...environment,
  });
}

const usage = servedUsage;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

function runCli(args: string[], environment: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const clean: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env))
      if (!name.startsWith("SLACK_") && !name.startsWith("LUTIN_") && !name.startsWith("MICROSOFT_"))
        clean[name] = value;
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...clean, ...environment }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("lutin serve on PostgreSQL (LUTIN_DATABASE_URL)", () => {
  it("C7: answers a widget and counts the conversation in the database; says where the data is", async () => {
    const instance = await startInstance();
    try {
      expect(instance.printed()).toMatch(
        /\(database 127\.0\.0\.1:\d+\/lutin_test_\w+ from LUTIN_DATABASE_URL, files in /,
      );
      expect(instance.printed()).not.toContain(database.url);
      const widget = await WidgetTestClient.connect({ url: instance.server.url, key: "demo-shop-widget" });
      const ack = await widget.message("pg-m1", "Where is my order?");
      expect(ack).toMatchObject({ type: "ack", id: "pg-m1", status: "answered" });
      expect(widget.replies).toHaveLength(1);
      await widget.close();
      expect((await usage(instance.server.url)).used).toBe(1);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const ledger = await client.query("SELECT tenant, mode, delta FROM lutin_ledger");
        expect(ledger.rows).toEqual([{ tenant: "demo-shop", mode: "ai", delta: 1 }]);
        const memory = await client.query("SELECT count(*)::int AS n FROM lutin_thread_memory");
        expect(memory.rows[0].n).toBe(1);
        // C11's retention, as on lowdb: the maintenance run forgets keys older than 7 days, not recent ones.
        await client.query(
          "INSERT INTO lutin_processed_keys (tenant, channel, thread, key, at) VALUES ('demo-shop', 'web', 'old', 'k', 0)",
        );
        const report = await instance.server.maintenance.run();
        expect(report?.archive.processedKeysPruned).toBe(1);
        const keys = await client.query("SELECT thread FROM lutin_processed_keys WHERE key = 'pg-m1'");
        expect(keys.rows).toHaveLength(1);
      } finally {
        await client.end();
      }
    } finally {
      await instance.stop();
    }
  });

  it("two instances on one database: a visitor signed by one is resumed by the other, and both count in one ledger", async () => {
    const first = await startInstance();
    const second = await startInstance();
    try {
      const before = (await usage(first.server.url)).used;
      const widget = await WidgetTestClient.connect({ url: first.server.url, key: "demo-shop-widget" });
      expect((await widget.message("two-m1", "What are your opening hours?")).status).toBe("answered");
      await widget.close();
      // The load balancer sends the reconnect elsewhere: same visitor, same thread, same conversation.
      const again = await WidgetTestClient.connect({
        url: second.server.url,
        key: "demo-shop-widget",
        resume: { visitor: widget.visitor, token: widget.identity.token },
      });
      expect(again.identity).toMatchObject({ visitor: widget.visitor, resumed: true });
      // C11: the resend of an answered message on the other instance is a duplicate, not a second reply.
      expect((await again.message("two-m1", "What are your opening hours?")).status).toBe("duplicate");
      expect(again.replies).toHaveLength(0);
      expect((await again.message("two-m2", "Do you ship to Canada?")).status).toBe("answered");
      await again.close();
      // C5: one conversation across both instances, counted once (C7), seen the same from either.
      expect((await usage(first.server.url)).used).toBe(before + 1);
      expect((await usage(second.server.url)).used).toBe(before + 1);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it("two instances on one database: a conversation served by one shows its messages, language and emotion on the other's dashboard", async () => {
    // A database of its own: its history holds this test's conversation only.
    const logDatabase = await createTestDatabase();
    const environment = { LUTIN_DATABASE_URL: logDatabase.url };
    const first = await serveInProcess({ ...environment, LUTIN_DATA_DIR: await dataDirectory() });
    const second = await serveInProcess({ ...environment, LUTIN_DATA_DIR: await dataDirectory() });
    const admin = (url: string, path: string) =>
      fetch(`${url}/api/admin${path}`, { headers: { authorization: `Bearer ${TEST_SERVE_ADMIN_TOKEN}` } });
    try {
      const widget = await WidgetTestClient.connect({ url: first.server.url, key: "demo-shop-widget" });
      expect((await widget.message("log-m1", "Où est ma commande ? Ça fait trois semaines !")).status).toBe(
        "answered",
      );
      await widget.close();
      const historyOn = async (url: string) =>
        ((await (await admin(url, "/history")).json()) as { rows: Array<Record<string, unknown>> }).rows;
      const rowsOnA = await historyOn(first.server.url);
      expect(rowsOnA).toHaveLength(1);
      const served = rowsOnA[0];
      const id = served?.id as string;
      // Instance B never saw the conversation: its history row and its view come from the shared log.
      const rowOnB = (await historyOn(second.server.url)).find((row) => row.id === id);
      expect(rowOnB).toMatchObject({ language: served?.language, emotion: served?.emotion });
      expect(rowOnB?.language).toBe("fr");
      expect(rowOnB?.emotion).not.toBeNull();
      const detail = (await (await admin(second.server.url, `/conversations/${id}`)).json()) as {
        messages: Array<{ from: string; text: string }>;
      };
      expect(detail.messages[0]).toMatchObject({
        from: "customer",
        text: "Où est ma commande ? Ça fait trois semaines !",
      });
      expect(detail.messages.some((message) => message.from === "assistant")).toBe(true);
    } finally {
      await first.stop();
      await second.stop();
      await logDatabase.drop();
    }
  });

  it("serves every tenant of the configuration from one database on two instances; each admin token sees its own tenant only", async () => {
    const tenantsDatabase = await createTestDatabase();
    const parent = await dataDirectory();
    const configFile = join(parent, "lutin.config.json");
    const admin = { demo: "demo-admin-token-0123456789abcdef", bike: "bike-admin-token-0123456789abcdef" };
    await writeFile(
      configFile,
      JSON.stringify({
        tenants: [
          { tenantFile: DEMO_TENANT_FILE, widgetKey: "demo-shop-widget", adminToken: admin.demo },
          {
            tenantFile: await writeBikeShopTenant(parent),
            widgetKey: "bike-shop-widget",
            adminToken: admin.bike,
          },
        ],
      }),
    );
    const environment = { LUTIN_DATABASE_URL: tenantsDatabase.url };
    const first = await serveInProcess({ ...environment, LUTIN_DATA_DIR: await dataDirectory() }, configFile);
    const second = await serveInProcess(
      { ...environment, LUTIN_DATA_DIR: await dataDirectory() },
      configFile,
    );
    const usageAs = async (url: string, token: string) =>
      (await (
        await fetch(`${url}/api/admin/usage`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        used: number;
        tenant: { id: string };
      };
    try {
      const bike = await WidgetTestClient.connect({ url: second.server.url, key: "bike-shop-widget" });
      expect((await bike.message("bike-1", "What are your opening hours?")).status).toBe("answered");
      expect(bike.replies[0]?.text).toContain(BIKE_SHOP_HOURS_ANSWER);
      await bike.close();
      const demo = await WidgetTestClient.connect({ url: first.server.url, key: "demo-shop-widget" });
      expect((await demo.message("demo-1", "Where is my order?")).status).toBe("answered");
      expect((await demo.message("demo-2", "#12345")).status).toBe("answered");
      await demo.close();
      for (const url of [first.server.url, second.server.url]) {
        expect(await usageAs(url, admin.demo)).toMatchObject({ used: 1, tenant: { id: "demo-shop" } });
        expect(await usageAs(url, admin.bike)).toMatchObject({ used: 1, tenant: { id: "bike-shop" } });
        const history = await fetch(`${url}/api/admin/history`, {
          headers: { authorization: `Bearer ${admin.bike}` },
        });
        expect(JSON.stringify(await history.json())).not.toContain("demo-shop");
      }
    } finally {
      await first.stop();
      await second.stop();
      await tenantsDatabase.drop();
    }
  });

  it("refuses a LUTIN_DATABASE_URL that is not a PostgreSQL URL, naming the variable and the fix, never the password", async () => {
    for (const [value, problem] of [
      ["mysql://root:s3cret-pw@127.0.0.1/lutin", "does not start with postgres://"],
      ["postgres://lutin:s3cret-pw@127.0.0.1:5432", "names no database"],
      ["not a url s3cret-pw", "is not a URL"],
      ["", "is empty"],
    ] as const) {
      const failure = await serve({
        output: new PassThrough(),
        environment: { PORT: "0", LUTIN_DATA_DIR: await dataDirectory(), LUTIN_DATABASE_URL: value },
        until: Promise.resolve(),
        logger: silentLogger,
      }).catch((error: unknown) => error);
      expect(failure).toMatchObject({
        code: "CONFIG_INVALID",
        message: expect.stringContaining(`LUTIN_DATABASE_URL ${problem}`),
      });
      const described = (failure as { describe(): string }).describe();
      expect(described).toContain("fix: set LUTIN_DATABASE_URL=postgres://");
      expect(described).not.toContain("s3cret-pw");
    }
  });

  it("a database that is down at start: one error line and its fix, exit code 1, no stack, nothing listening", async () => {
    expect(existsSync(CLI)).toBe(true);
    const port = await freePort();
    const result = await runCli(["serve"], {
      PORT: "0",
      LUTIN_DATA_DIR: await dataDirectory(),
      LUTIN_DATABASE_URL: `postgres://lutin:s3cret-pw@127.0.0.1:${port}/lutin`,
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(
      new RegExp(
        `^error: opening the store on PostgreSQL at 127\\.0\\.0\\.1:${port}/lutin failed: .*ECONNREFUSED`,
      ),
    );
    expect(lines[1]).toMatch(/^ {2}fix: check that the PostgreSQL server runs/);
    expect(lines).toHaveLength(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr + result.stdout).not.toContain("s3cret-pw");
    expect(result.stdout).not.toContain("widget demo");
  });

  it("STORE_SCHEMA_TOO_NEW: refuses a database migrated by a newer LutinGénie, changing nothing", async () => {
    const newer = await createTestDatabase();
    try {
      const first = await startInstance({ LUTIN_DATABASE_URL: newer.url });
      await first.stop();
      const client = new pg.Client({ connectionString: newer.url });
      await client.connect();
      try {
        await client.query(
          "INSERT INTO lutin_schema_migrations (version, name) VALUES (999, 'from the future')",
        );
        const failure = await serve({
          output: new PassThrough(),
          environment: { PORT: "0", LUTIN_DATA_DIR: await dataDirectory(), LUTIN_DATABASE_URL: newer.url },
          until: Promise.resolve(),
          logger: silentLogger,
        }).catch((error: unknown) => error);
        expect(failure).toMatchObject({ code: "STORE_SCHEMA_TOO_NEW" });
        const versions = await client.query("SELECT max(version)::int AS v FROM lutin_schema_migrations");
        expect(versions.rows[0].v).toBe(999);
      } finally {
        await client.end();
      }
    } finally {
      await newer.drop();
    }
  });
});
