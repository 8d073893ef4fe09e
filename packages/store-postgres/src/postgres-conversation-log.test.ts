import { describeConversationLogConformance } from "@lutingenie/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresConversationLog } from "./postgres-conversation-log.js";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;
let store: PostgresStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await createPostgresStore({ connectionString: database.url }); // migrates (migration 5: the log)
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describeConversationLogConformance("postgres", async (clock, retentionMs) => {
  await store.pool.query("TRUNCATE lutin_conversation_log");
  const open = async () => createPostgresConversationLog({ pool: store.pool, clock, retentionMs });
  return { log: await open(), reopen: open };
});

describe("conversation log on PostgreSQL", () => {
  it("two instances adding to one conversation at once lose nothing, and each reads the other's", async () => {
    await store.pool.query("TRUNCATE lutin_conversation_log");
    const other = await createPostgresStore({ connectionString: database.url });
    try {
      const a = createPostgresConversationLog({ pool: store.pool });
      const b = createPostgresConversationLog({ pool: other.pool });
      await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          (index % 2 === 0 ? a : b).add("conv_shared", {
            tenant: "shop",
            messages: [{ from: "customer", text: `from ${index % 2 === 0 ? "A" : "B"} ${index}`, at: index }],
          }),
        ),
      );
      const onB = await b.get("conv_shared");
      expect(onB?.messages).toHaveLength(60);
      expect(new Set(onB?.messages.map((message) => message.text)).size).toBe(60);
      expect((await a.get("conv_shared"))?.messages).toEqual(onB?.messages);
    } finally {
      await other.close();
    }
  });

  it("reads the readings of a 5,000-conversation history list in one query", async () => {
    await store.pool.query("TRUNCATE lutin_conversation_log");
    await store.pool.query(
      `INSERT INTO lutin_conversation_log (id, tenant, language, emotion, messages, dropped, updated_at)
        SELECT 'conv_' || n, 'shop', 'fr', 'neutral', '[]'::jsonb, 0, $1 FROM generate_series(1, 5000) AS n`,
      [Date.now()],
    );
    const log = createPostgresConversationLog({ pool: store.pool });
    const ids = Array.from({ length: 5_000 }, (_, index) => `conv_${index + 1}`);
    const query = store.pool.query.bind(store.pool);
    let queries = 0;
    store.pool.query = ((...args: Parameters<typeof query>) => {
      queries++;
      return query(...args);
    }) as typeof store.pool.query;
    try {
      const started = performance.now();
      const readings = await log.readings(ids);
      const elapsed = performance.now() - started;
      expect(readings.size).toBe(5_000);
      expect(readings.get("conv_4321")).toEqual({ tenant: "shop", language: "fr", emotion: "neutral" });
      expect(queries).toBe(1);
      console.info(`readings of 5,000 conversations: ${elapsed.toFixed(1)} ms`);
    } finally {
      store.pool.query = query;
    }
  });

  it("keeps a text with NUL or a lone surrogate (shown as U+FFFD) instead of failing the add", async () => {
    const log = createPostgresConversationLog({ pool: store.pool });
    await log.add("conv_odd\u0000id", {
      tenant: "shop",
      messages: [{ from: "customer", text: "a\u0000b\ud800c 😀", at: 1 }],
    });
    expect((await log.get("conv_odd\u0000id"))?.messages[0]?.text).toBe("a\ufffdb\ufffdc 😀");
    expect(await log.get("conv_odd")).toBeUndefined();
  });

  it("refuses to add or read once closed, with a clear error", async () => {
    const log = createPostgresConversationLog({ pool: store.pool });
    await log.close();
    await expect(log.get("conv_a")).rejects.toThrow(/closed/i);
    await expect(log.add("conv_a", { tenant: "shop" })).rejects.toThrow(/closed/i);
  });
});
