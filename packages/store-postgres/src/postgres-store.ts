import { isDeepStrictEqual } from "node:util";
import {
  type ConversationQuery,
  type ConversationRecord,
  compareConversations,
  copyAlert,
  type FiredAlert,
  type LedgerEntry,
  type LedgerQuery,
  type LedgerTotals,
  LutinError,
  ledgerEntryExists,
  type Pack,
  type ProcessedKey,
  type Store,
  storeClosed,
  type Tenant,
  type ThreadAppend,
  type ThreadCommit,
  type ThreadRecord,
} from "@lutingenie/core";
import pg from "pg";
import { z } from "zod";
import { identityText, recordText } from "./identity-text.js";
import {
  MIGRATIONS_TABLE,
  type MigrationReport,
  migrate,
  SCHEMA_VERSION,
  schemaTooNew,
} from "./migrations.js";
import { storeFailure } from "./postgres-errors.js";
import { Rollback, transaction } from "./transaction.js";

export const POSTGRES_STORE_KIND = "postgres";

const optionsSchema = z
  .object({
    /** postgres://user:password@host:port/database (what LUTIN_DATABASE_URL holds). */
    connectionString: z.string().min(1, "connectionString must not be empty").optional(),
    /** A pool of your own (PgBouncer, custom TLS, ...); the store then leaves ending it to you. */
    pool: z.custom<pg.Pool>((value) => value instanceof pg.Pool, "pool must be a pg.Pool").optional(),
    /** Connections of the pool the store makes (ignored with `pool`). */
    poolSize: z.number().int().min(1).max(1_000).default(10),
    /** Further attempts of a transaction that lost a race (SQLSTATE 40001, 40P01). */
    maxRetries: z.number().int().min(0).max(100).default(5),
    /** Bring the schema up to date at open (default); false: refuse to open an out-of-date one instead. */
    migrate: z.boolean().default(true),
    /** How long to wait for a connection before failing with STORE_UNAVAILABLE / STORE_WRITE_FAILED. */
    connectionTimeoutMs: z.number().int().min(1).default(10_000),
  })
  .strict()
  .refine((options) => (options.connectionString === undefined) !== (options.pool === undefined), {
    message: "give exactly one of connectionString and pool",
  });

export type PostgresStoreOptions = z.input<typeof optionsSchema>;

export interface PostgresStore extends Store {
  readonly kind: typeof POSTGRES_STORE_KIND;
  readThread(threadKey: string): Promise<Readonly<ThreadRecord> | undefined>;
  /** False when the thread was written since `append.previous` was read (checked under the thread's lock). */
  appendToThread(append: ThreadAppend): Promise<boolean>;
  /** The pool the store runs on (its own, or the one given). */
  readonly pool: pg.Pool;
  /** What the open did to the schema. */
  readonly migration: MigrationReport;
}

/** Namespace of the thread locks, so that they do not meet another application's advisory locks on a shared server. */
const THREAD_LOCK_SEED = 0x4c75_7469;

/** C12: one thread's writes one at a time across every process, until the transaction ends (never a session lock). */
const LOCK_THREAD = "SELECT pg_advisory_xact_lock(hashtextextended($1, $2))";

function parseOptions(options: PostgresStoreOptions): z.output<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "options"}: ${issue.message}`,
  );
  throw new LutinError("CONFIG_INVALID", `invalid PostgreSQL store options: ${problems.join("; ")}`, {
    hint: "pass { connectionString: 'postgres://user:password@host:5432/database' } (e.g. from LUTIN_DATABASE_URL) or { pool } with a pg.Pool",
  });
}

function threadChanged(threadKey: string): LutinError {
  return new LutinError(
    "THREAD_CHANGED",
    `the thread ${JSON.stringify(threadKey)} was written by another process since this commit read it`,
    {
      hint: "read the thread again and fold the event onto what is stored (C12); nothing of this commit was written",
      details: { threadKey },
    },
  );
}

/** host:port/database, never the user or the password: for error messages. */
function whereOf(options: z.output<typeof optionsSchema>, pool: pg.Pool): string {
  if (options.connectionString !== undefined) {
    try {
      const url = new URL(options.connectionString);
      return `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname}`;
    } catch {
      return "the configured server (the connection string is not a URL)";
    }
  }
  const given = pool.options;
  return `${given.host ?? "localhost"}:${given.port ?? 5432}/${given.database ?? ""}`;
}

interface ConversationRow {
  record: ConversationRecord;
}

/**
 * The Store on PostgreSQL: several `lutin serve` processes on one database. Exactly-once and ordering live
 * in the database: the idempotency key is claimed (INSERT … ON CONFLICT DO NOTHING) in the transaction that
 * books the ledger (C11); a taken ledger id rolls the whole commit back (C12); one thread's commits take
 * a transaction-level advisory lock on the thread; a transaction that loses a race (serialization failure,
 * deadlock) is run again a bounded number of times. Opens by migrating the schema (or refusing a newer one).
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const config = parseOptions(options);
  const ownsPool = config.pool === undefined;
  const pool =
    config.pool ??
    new pg.Pool({
      connectionString: config.connectionString,
      max: config.poolSize,
      connectionTimeoutMillis: config.connectionTimeoutMs,
      application_name: "lutingenie",
    });
  // An idle connection the server closes (restart, failover) must not crash the process: the pool drops
  // it, and the next operation opens a new one or fails with a coded error.
  const ignoreIdleError = () => undefined;
  pool.on("error", ignoreIdleError);
  const where = whereOf(config, pool);

  let migration: MigrationReport;
  try {
    const client = await pool.connect();
    try {
      migration = config.migrate ? await migrate(client) : await checkSchema(client);
    } finally {
      client.release();
    }
  } catch (error) {
    if (ownsPool) await pool.end().catch(() => undefined);
    else pool.off("error", ignoreIdleError);
    if (LutinError.isInstance(error)) throw error;
    throw storeFailure("opening the store", "read", where, error);
  }

  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  /** Versions of the thread records handed out, for appendToThread's check (records are fresh objects per read). */
  const versions = new WeakMap<object, number>();
  const retries = config.maxRetries;

  function run<T>(operation: string, kind: "read" | "write", work: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(storeClosed("PostgreSQL store"));
    const promise = work().catch((error: unknown) => {
      throw storeFailure(operation, kind, where, error);
    });
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  async function query<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<R[]> {
    return (await pool.query<R>(sql, values)).rows;
  }

  async function readThreadRecord(threadKey: string): Promise<ThreadRecord | undefined> {
    const rows = await query<{ version: string; record: ThreadRecord }>(
      "SELECT version, record FROM lutin_threads WHERE key = $1",
      [identityText(threadKey)],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    versions.set(row.record, Number(row.version));
    return row.record;
  }

  /** The ledger rows, the conversations and the key of a commit, in its transaction (the thread is locked). */
  async function writeRest(
    client: pg.PoolClient,
    commit: Pick<ThreadCommit, "conversations" | "ledger" | "processed">,
  ): Promise<void> {
    const { tenant, channel, thread, key, at } = commit.processed;
    // C11: claimed here, in the transaction that books the result: kept only if all of it commits.
    const claimed = await client.query(
      `INSERT INTO lutin_processed_keys (tenant, channel, thread, key, at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT lutin_processed_keys_once DO NOTHING`,
      [identityText(tenant), identityText(channel), identityText(thread), identityText(key), at],
    );
    if (claimed.rowCount !== 1) {
      // Another process committed this very event first. Its result stands and this one writes nothing;
      // the counter reads the thread again on this code and then finds the key processed (a duplicate).
      throw new LutinError(
        "LEDGER_ENTRY_EXISTS",
        `the event ${JSON.stringify(key)} of thread ${JSON.stringify(thread)} was already processed by another writer`,
        {
          hint: "the event was processed concurrently elsewhere (C11): read the thread again; the event is a duplicate",
          details: { ids: [], processed: true },
        },
      );
    }
    if (commit.ledger.length > 0) {
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO lutin_ledger (id, tenant, period, mode, delta, record)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::json[])
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          commit.ledger.map((entry) => identityText(entry.id)),
          commit.ledger.map((entry) => identityText(entry.tenant)),
          commit.ledger.map((entry) => identityText(entry.period)),
          commit.ledger.map((entry) => entry.mode),
          commit.ledger.map((entry) => entry.delta),
          commit.ledger.map(recordText),
        ],
      );
      if (inserted.rows.length !== commit.ledger.length) {
        const booked = new Set(inserted.rows.map((row) => row.id));
        // C12: rolled back whole, the key included: the conversation was counted by another commit.
        throw ledgerEntryExists(
          commit.ledger.filter((entry) => !booked.has(identityText(entry.id))).map((entry) => entry.id),
        );
      }
    }
    await upsertConversations(client, commit.conversations);
  }

  async function upsertConversations(
    client: pg.ClientBase,
    conversations: ConversationRecord[],
  ): Promise<void> {
    if (conversations.length === 0) return;
    // One row per id (the last one given wins, as with successive upserts), in id order: two transactions
    // upserting the same rows lock them in the same order and cannot deadlock on them.
    const byId = new Map<string, ConversationRecord>();
    for (const conversation of conversations) byId.set(identityText(conversation.id), conversation);
    const ids = [...byId.keys()].sort();
    const rows = ids.map((id) => byId.get(id) as ConversationRecord);
    await client.query(
      `INSERT INTO lutin_conversations (id, tenant, period, mode, thread_key, opened_at, last_activity_at, ended, record)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::boolean[], $9::json[])
       ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, period = excluded.period, mode = excluded.mode,
         thread_key = excluded.thread_key, opened_at = excluded.opened_at,
         last_activity_at = excluded.last_activity_at, ended = excluded.ended, record = excluded.record`,
      [
        ids,
        rows.map((row) => identityText(row.tenant)),
        rows.map((row) => identityText(row.period)),
        rows.map((row) => row.mode),
        rows.map((row) => identityText(row.threadKey)),
        rows.map((row) => row.openedAt),
        rows.map((row) => row.lastActivityAt),
        rows.map((row) => row.endReason !== null),
        rows.map(recordText),
      ],
    );
  }

  async function putThread(client: pg.PoolClient, thread: ThreadRecord): Promise<void> {
    await client.query(
      `INSERT INTO lutin_threads (key, tenant, version, record) VALUES ($1, $2, 1, $3)
       ON CONFLICT (key) DO UPDATE SET tenant = excluded.tenant, record = excluded.record,
         version = lutin_threads.version + 1`,
      [identityText(thread.key), identityText(thread.tenant), recordText(thread)],
    );
  }

  /**
   * Whether the stored thread is still `expected` (null: still absent). Called with the thread's lock
   * held. A record this store handed out is known by its version; any other is compared by content.
   */
  async function threadUnchanged(
    client: pg.PoolClient,
    key: string,
    expected: Readonly<ThreadRecord> | null,
  ): Promise<boolean> {
    const known = expected === null ? undefined : versions.get(expected);
    const stored = await client.query<{ version: string; record?: ThreadRecord }>(
      `SELECT version${expected !== null && known === undefined ? ", record" : ""} FROM lutin_threads WHERE key = $1`,
      [key],
    );
    const row = stored.rows[0];
    if (expected === null || row === undefined) return expected === null && row === undefined;
    return known !== undefined ? known === Number(row.version) : isDeepStrictEqual(row.record, expected);
  }

  /** C12: ids repeated within the commit are refused before anything is sent. */
  function checkLedgerIds(ledger: readonly LedgerEntry[]): void {
    const seen = new Set<string>();
    const repeated: string[] = [];
    for (const entry of ledger) {
      if (seen.has(entry.id)) repeated.push(entry.id);
      seen.add(entry.id);
    }
    if (repeated.length > 0) throw ledgerEntryExists(repeated);
  }

  const store: PostgresStore = {
    kind: POSTGRES_STORE_KIND,
    pool,
    migration,

    isProcessed(processed: Readonly<ProcessedKey>): Promise<boolean> {
      return run("isProcessed", "read", async () => {
        const rows = await query(
          "SELECT 1 FROM lutin_processed_keys WHERE tenant = $1 AND channel = $2 AND thread = $3 AND key = $4",
          [
            identityText(processed.tenant),
            identityText(processed.channel),
            identityText(processed.thread),
            identityText(processed.key),
          ],
        );
        return rows.length > 0;
      });
    },

    getThread(threadKey: string): Promise<ThreadRecord | undefined> {
      return run("getThread", "read", () => readThreadRecord(threadKey));
    },

    readThread(threadKey: string): Promise<Readonly<ThreadRecord> | undefined> {
      return run("readThread", "read", () => readThreadRecord(threadKey));
    },

    commitThread(commit: ThreadCommit): Promise<void> {
      return run("commitThread", "write", async () => {
        checkLedgerIds(commit.ledger);
        await transaction(
          pool,
          async (client) => {
            const key = identityText(commit.thread.key);
            await client.query(LOCK_THREAD, [key, THREAD_LOCK_SEED]);
            if (commit.expected !== undefined && !(await threadUnchanged(client, key, commit.expected))) {
              throw threadChanged(commit.thread.key);
            }
            await writeRest(client, commit);
            await putThread(client, commit.thread);
          },
          { retries },
        );
      });
    },

    appendToThread(append: ThreadAppend): Promise<boolean> {
      return run("appendToThread", "write", async () => {
        checkLedgerIds(append.ledger);
        const previous = append.previous;
        const owner = previous ?? append.identity;
        const thread: ThreadRecord = {
          key: owner.key,
          tenant: owner.tenant,
          channel: owner.channel,
          thread: owner.thread,
          events: [...(previous?.events ?? []), append.event],
          base: previous?.base ?? null,
          horizon: previous?.horizon ?? null,
          state: append.state,
          verdicts: append.verdicts,
        };
        const key = identityText(owner.key);
        return transaction(
          pool,
          async (client) => {
            await client.query(LOCK_THREAD, [key, THREAD_LOCK_SEED]);
            // Under the thread's lock: nobody writes the thread between this check and the commit.
            if (!(await threadUnchanged(client, key, previous ?? null))) throw new Rollback(false);
            await writeRest(client, append);
            await putThread(client, thread);
            return true;
          },
          { retries },
        );
      });
    },

    getConversation(id: string): Promise<ConversationRecord | undefined> {
      return run("getConversation", "read", async () => {
        const rows = await query<ConversationRow>("SELECT record FROM lutin_conversations WHERE id = $1", [
          identityText(id),
        ]);
        return rows[0]?.record;
      });
    },

    listConversations(conversationQuery: ConversationQuery): Promise<ConversationRecord[]> {
      return run("listConversations", "read", async () => {
        const values: unknown[] = [identityText(conversationQuery.tenant)];
        const where = ["tenant = $1"];
        const add = (condition: (placeholder: string) => string, value: unknown) => {
          values.push(value);
          where.push(condition(`$${values.length}`));
        };
        if (conversationQuery.period !== undefined)
          add((p) => `period = ${p}`, identityText(conversationQuery.period));
        if (conversationQuery.mode !== undefined) add((p) => `mode = ${p}`, conversationQuery.mode);
        if (conversationQuery.threadKey !== undefined)
          add((p) => `thread_key = ${p}`, identityText(conversationQuery.threadKey));
        if (conversationQuery.openWithLastActivityBefore !== undefined)
          add((p) => `NOT ended AND last_activity_at < ${p}`, conversationQuery.openWithLastActivityBefore);
        const rows = await query<ConversationRow>(
          `SELECT record FROM lutin_conversations WHERE ${where.join(" AND ")}`,
          values,
        );
        // Sorted here with core's own order (JavaScript's string order, whatever the database's collation).
        return rows.map((row) => row.record).sort(compareConversations);
      });
    },

    saveConversations(conversations: ConversationRecord[]): Promise<void> {
      return run("saveConversations", "write", async () => {
        if (conversations.length === 0) return;
        await transaction(
          pool,
          async (client) => {
            // The threads' locks, in one order: a settle never interleaves with a commit of the same thread.
            const threadKeys = [...new Set(conversations.map((c) => identityText(c.threadKey)))].sort();
            for (const threadKey of threadKeys)
              await client.query(LOCK_THREAD, [threadKey, THREAD_LOCK_SEED]);
            await upsertConversations(client, conversations);
          },
          { retries },
        );
      });
    },

    listLedger(ledgerQuery: LedgerQuery): Promise<LedgerEntry[]> {
      return run("listLedger", "read", async () => {
        const rows =
          ledgerQuery.period === undefined
            ? await query<{ record: LedgerEntry }>(
                'SELECT record FROM lutin_ledger WHERE tenant = $1 ORDER BY period COLLATE "C", position',
                [identityText(ledgerQuery.tenant)],
              )
            : await query<{ record: LedgerEntry }>(
                "SELECT record FROM lutin_ledger WHERE tenant = $1 AND period = $2 ORDER BY position",
                [identityText(ledgerQuery.tenant), identityText(ledgerQuery.period)],
              );
        return rows.map((row) => row.record);
      });
    },

    ledgerTotals(totalsQuery: { tenant: string; period: string }): Promise<LedgerTotals> {
      return run("ledgerTotals", "read", async () => {
        // An index-only scan of lutin_ledger_totals: no row is read, let alone parsed.
        const rows = await query<{ mode: "ai" | "human"; total: number }>(
          "SELECT mode, sum(delta)::integer AS total FROM lutin_ledger WHERE tenant = $1 AND period = $2 GROUP BY mode",
          [identityText(totalsQuery.tenant), identityText(totalsQuery.period)],
        );
        const totals: LedgerTotals = { ai: 0, human: 0 };
        for (const row of rows) totals[row.mode] = row.total;
        return totals;
      });
    },

    getTenant(id: string): Promise<Tenant | undefined> {
      return run("getTenant", "read", async () => {
        const rows = await query<{ record: Tenant }>("SELECT record FROM lutin_tenants WHERE id = $1", [
          identityText(id),
        ]);
        return rows[0]?.record;
      });
    },

    listTenants(): Promise<Tenant[]> {
      return run("listTenants", "read", async () => {
        const rows = await query<{ record: Tenant }>("SELECT record FROM lutin_tenants", []);
        return rows.map((row) => row.record).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      });
    },

    putTenant(tenant: Tenant): Promise<void> {
      return run("putTenant", "write", async () => {
        await query(
          `INSERT INTO lutin_tenants (id, record) VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
          [identityText(tenant.id), recordText(tenant)],
        );
      });
    },

    addPack(pack: Pack): Promise<void> {
      return run("addPack", "write", async () => {
        // The same id again replaces it, so that a retried purchase is not doubled (Q6).
        await query(
          `INSERT INTO lutin_packs (id, tenant, record) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, record = excluded.record`,
          [identityText(pack.id), identityText(pack.tenant), recordText(pack)],
        );
      });
    },

    listPacks(tenant: string): Promise<Pack[]> {
      return run("listPacks", "read", async () => {
        const rows = await query<{ record: Pack }>("SELECT record FROM lutin_packs WHERE tenant = $1", [
          identityText(tenant),
        ]);
        return rows
          .map((row) => row.record)
          .sort((a, b) => a.purchasedAt - b.purchasedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      });
    },

    recordAlert(alert: FiredAlert): Promise<boolean> {
      return run("recordAlert", "write", async () => {
        // Q5: once per (tenant, period, threshold), decided by the primary key whoever fires it first.
        const rows = await query(
          `INSERT INTO lutin_alerts (tenant, period, threshold, record) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant, period, threshold) DO NOTHING RETURNING 1`,
          [
            identityText(alert.tenant),
            identityText(alert.period),
            String(alert.threshold),
            recordText(alert),
          ],
        );
        return rows.length === 1;
      });
    },

    updateAlert(alert: FiredAlert): Promise<boolean> {
      return run("updateAlert", "write", async () => {
        const rows = await query(
          "UPDATE lutin_alerts SET record = $4 WHERE tenant = $1 AND period = $2 AND threshold = $3 RETURNING 1",
          [
            identityText(alert.tenant),
            identityText(alert.period),
            String(alert.threshold),
            recordText(alert),
          ],
        );
        return rows.length === 1;
      });
    },

    listAlerts(tenant: string, period?: string): Promise<FiredAlert[]> {
      return run("listAlerts", "read", async () => {
        const rows =
          period === undefined
            ? await query<{ record: FiredAlert }>(
                "SELECT record FROM lutin_alerts WHERE tenant = $1 ORDER BY position",
                [identityText(tenant)],
              )
            : await query<{ record: FiredAlert }>(
                "SELECT record FROM lutin_alerts WHERE tenant = $1 AND period = $2 ORDER BY position",
                [identityText(tenant), identityText(period)],
              );
        // Q5, C13: an alert stored without a state (older data) reads as fired.
        return rows.map((row) => copyAlert(row.record));
      });
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Every write already begun ends (committed or failed) before the connections go.
      await Promise.allSettled([...inFlight]);
      if (ownsPool) await pool.end();
      else pool.off("error", ignoreIdleError);
    },
  };
  return store;
}

/** With `migrate: false`: the schema must already be this code's (STORE_SCHEMA_TOO_NEW or STORE_UNAVAILABLE otherwise). */
async function checkSchema(client: pg.ClientBase): Promise<MigrationReport> {
  const exists = await client.query<{ name: string | null }>("SELECT to_regclass($1) AS name", [
    MIGRATIONS_TABLE,
  ]);
  const current =
    exists.rows[0]?.name == null
      ? 0
      : ((
          await client.query<{ version: number | null }>(
            `SELECT max(version) AS version FROM ${MIGRATIONS_TABLE}`,
          )
        ).rows[0]?.version ?? 0);
  if (current > SCHEMA_VERSION) throw schemaTooNew(current);
  if (current < SCHEMA_VERSION) {
    throw new LutinError(
      "STORE_UNAVAILABLE",
      `the database's schema is at version ${current}, older than this LutinGénie's (version ${SCHEMA_VERSION})`,
      {
        hint: "run `lutin migrate` (or open the store with migrate: true, the default)",
        details: { current },
      },
    );
  }
  return { from: current, to: current, applied: [] };
}
