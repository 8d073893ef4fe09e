import type { DeskFeedEvent } from "@lutingenie/core";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  openPostgresDeskFeed,
  type PostgresDeskFeed,
  type PostgresDeskFeedOptions,
} from "./postgres-desk-feed.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;
const feeds: PostgresDeskFeed[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const feed of feeds.splice(0)) await feed.close();
});

afterAll(async () => {
  await database?.drop();
});

const open = async (options: Partial<PostgresDeskFeedOptions> = {}) => {
  const feed = await openPostgresDeskFeed({ connectionString: database.url, ...options });
  feeds.push(feed);
  return feed;
};

const changed = (tenant: string): DeskFeedEvent => ({ kind: "desk-changed", channel: "web", tenant });

/** The tenants of the desk-changed events a feed hands its subscriber, in order. */
function record(feed: PostgresDeskFeed): string[] {
  const seen: string[] = [];
  feed.subscribe((event) => {
    if (event.kind === "desk-changed") seen.push(event.tenant);
  });
  return seen;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function sql(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe("the desk feed on PostgreSQL", () => {
  it("hands every other server each event once, in order, and never a server its own", async () => {
    // Published before either joined (on a schema a first feed migrated): not replayed, the feed is for
    // what happens while a server runs.
    await (await openPostgresDeskFeed({ connectionString: database.url })).close();
    await sql("SELECT lutin_desk_publish('earlier', $1::json)", [JSON.stringify(changed("before-b-joined"))]);
    const a = await open({ instance: "a", pollIntervalMs: 600_000 });
    const b = await open({ instance: "b", pollIntervalMs: 600_000 });
    const seenByA = record(a);
    const seenByB = record(b);
    for (const tenant of ["t1", "t2", "t3"]) await a.publish(changed(tenant));
    await b.publish(changed("from-b"));
    // NOTIFY alone (the poll is ten minutes away) wakes each reader.
    await until(() => seenByB.length === 3 && seenByA.length === 1, "both feeds");
    expect(seenByB).toEqual(["t1", "t2", "t3"]);
    expect(seenByA).toEqual(["from-b"]);
  });

  it("a dropped LISTEN connection (pg_terminate_backend) loses no event: the reconnect reads from the cursor", async () => {
    const a = await open({ instance: "a" });
    // No timer to rescue it: only the reconnect's re-read can find what was published while it was down.
    const b = await open({ instance: "b", pollIntervalMs: 600_000, reconnectDelayMs: 300 });
    const seen = record(b);
    await a.publish(changed("before"));
    await until(() => seen.length === 1, "the first event");
    const first = b.listenerProcessId();
    expect(first).not.toBeNull();
    await sql("SELECT pg_terminate_backend($1)", [first]);
    await until(() => b.listenerProcessId() === null, "the listener to notice");
    const during = Array.from({ length: 25 }, (_, index) => `during-${index}`);
    for (const tenant of during) await a.publish(changed(tenant));
    await until(() => seen.length === 26, "the events published while it was down");
    expect(seen).toEqual(["before", ...during]);
    const second = b.listenerProcessId();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    // And it listens again: the next event comes on its NOTIFY.
    await a.publish(changed("after"));
    await until(() => seen.length === 27, "the event after the reconnect");
    expect(seen.at(-1)).toBe("after");
    // Nothing twice, even with a hint and a catch-up racing.
    await Promise.all([b.catchUp(), b.catchUp()]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("NOTIFY is a hint only: a row that came without one is read on the next tick", async () => {
    const b = await open({ instance: "b", pollIntervalMs: 50 });
    const seen = record(b);
    await sql("INSERT INTO lutin_desk_feed (origin, event) VALUES ('elsewhere', $1::json)", [
      JSON.stringify(changed("no-hint")),
    ]);
    await until(() => seen.length === 1, "the tick");
    expect(seen).toEqual(["no-hint"]);
  });

  it("rows that are not events are skipped (logged by position only) and the cursor moves past them", async () => {
    const lines: string[] = [];
    const logger = {
      info: () => undefined,
      warn: (message: string, fields?: Record<string, unknown>) =>
        void lines.push(JSON.stringify({ message, ...fields })),
      error: () => undefined,
    };
    const b = await open({ instance: "b", pollIntervalMs: 50, logger });
    const seen = record(b);
    for (const body of ['"a secret text"', "[1, 2]", '{"kind": 3, "channel": "web"}', "null"])
      await sql("INSERT INTO lutin_desk_feed (origin, event) VALUES ('elsewhere', $1::json)", [body]);
    await sql("INSERT INTO lutin_desk_feed (origin, event) VALUES ('elsewhere', $1::json)", [
      JSON.stringify(changed("valid")),
    ]);
    await until(() => seen.length === 1, "the valid event");
    expect(seen).toEqual(["valid"]);
    expect(lines.filter((line) => line.includes("not an event"))).toHaveLength(4);
    expect(lines.join("\n")).not.toContain("secret");
  });

  it("reads that keep failing are reported once, then once more when they work again; nothing is lost", async () => {
    const lines: string[] = [];
    const logger = {
      info: (message: string) => void lines.push(`info ${message}`),
      warn: (message: string) => void lines.push(`warn ${message}`),
      error: () => undefined,
    };
    const a = await open({ instance: "a" });
    const b = await open({ instance: "b", pollIntervalMs: 20, logger });
    const seen = record(b);
    // The table is away for a while (as if the database refused every read): many ticks fail.
    await sql("ALTER TABLE lutin_desk_feed RENAME TO lutin_desk_feed_away");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sql("ALTER TABLE lutin_desk_feed_away RENAME TO lutin_desk_feed");
    await a.publish(changed("after-the-outage"));
    await until(() => seen.length === 1, "the event after the outage");
    expect(lines.filter((line) => line.startsWith("warn desk feed read failed"))).toHaveLength(1);
    expect(lines.filter((line) => line === "info desk feed reads again")).toHaveLength(1);
  });

  it("publications racing from three servers reach a fourth all, once each, in position order", async () => {
    const publishers = [
      await open({ instance: "p1" }),
      await open({ instance: "p2" }),
      await open({ instance: "p3" }),
    ];
    const reader = await open({ instance: "reader", pollIntervalMs: 100 });
    const seen = record(reader);
    const sent = publishers.flatMap((feed, index) =>
      Array.from({ length: 40 }, (_, sequence) => ({ feed, tenant: `p${index + 1}-${sequence}` })),
    );
    await Promise.all(sent.map(({ feed, tenant }) => feed.publish(changed(tenant))));
    await until(() => seen.length === sent.length, "every publication");
    expect([...seen].sort()).toEqual(sent.map(({ tenant }) => tenant).sort());
    // The reader's order is the table's position order, which the publication lock made the commit order.
    const { rows } = await sql(
      "SELECT event->>'tenant' AS tenant FROM lutin_desk_feed WHERE origin LIKE 'p%' ORDER BY position",
    );
    expect(seen).toEqual(rows.map((row) => row.tenant));
  });

  it("refuses bad options with the field and the fix", async () => {
    const refusal = openPostgresDeskFeed({ pollIntervalMs: 5 } as PostgresDeskFeedOptions);
    await expect(refusal).rejects.toThrow(/pollIntervalMs: .*10/);
    await expect(refusal).rejects.toThrow(/give exactly one of connectionString and pool/);
  });
});
