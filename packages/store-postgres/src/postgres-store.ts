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
  type SaveConversationsOptions,
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
import { errorCodeOf, storeFailure } from "./postgres-errors.js";
import { statement, transaction } from "./transaction.js";

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
  /**
   * C11's memory has an end, as on lowdb (processedKeyRetentionDays, 7 days by default): forgets the keys of
   * events processed before `before` (ms). Platforms retry for minutes, not days, so an older key only
   * grows the table. Returns how many were forgotten.
   */
  pruneProcessedKeys(before: number): Promise<number>;
  /** The pool the store runs on (its own, or the one given). */
  readonly pool: pg.Pool;
  /** What the open did to the schema. */
  readonly migration: MigrationReport;
}

/** Namespace of the thread locks, so that they do not meet another application's advisory locks on a shared server. */
const THREAD_LOCK_SEED = 0x4c75_7469;

/** SQLSTATE lutin_commit_thread raises when a ledger id is taken (C12); DETAIL holds the ids as JSON. */
const LEDGER_TAKEN = "LU001";

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

/**
 * The columns of lutin_conversations as arrays (for unnest), one row per id (the last one given wins,
 * as with successive upserts), in id order: two transactions upserting the same rows lock them in the
 * same order and cannot deadlock on them.
 */
export function conversationColumns(conversations: readonly ConversationRecord[]): unknown[][] {
  const byId = new Map<string, ConversationRecord>();
  for (const conversation of conversations) byId.set(identityText(conversation.id), conversation);
  const ids = [...byId.keys()].sort();
  const rows = ids.map((id) => byId.get(id) as ConversationRecord);
  return [
    ids,
    rows.map((row) => identityText(row.tenant)),
    rows.map((row) => identityText(row.period)),
    rows.map((row) => row.mode),
    rows.map((row) => identityText(row.threadKey)),
    rows.map((row) => row.openedAt),
    rows.map((row) => row.lastActivityAt),
    rows.map((row) => row.endReason !== null),
    rows.map(recordText),
  ];
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

  async function upsertConversations(
    client: pg.ClientBase,
    conversations: ConversationRecord[],
  ): Promise<void> {
    if (conversations.length === 0) return;
    await client.query(
      `INSERT INTO lutin_conversations (id, tenant, period, mode, thread_key, opened_at, last_activity_at, ended, record)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::boolean[], $9::json[])
       ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, period = excluded.period, mode = excluded.mode,
         thread_key = excluded.thread_key, opened_at = excluded.opened_at,
         last_activity_at = excluded.last_activity_at, ended = excluded.ended, record = excluded.record`,
      conversationColumns(conversations),
    );
  }

  /**
   * The version `expected` must still have (null: the thread must still be absent; undefined: no check),
   * or "changed" when it is already known to be stale. A record this store handed out is known by its
   * version; any other is compared by content with what is stored (the function then checks that
   * version under the lock).
   */
  async function expectedVersion(
    key: string,
    expected: Readonly<ThreadRecord> | null | undefined,
  ): Promise<{ check: boolean; version: number | null } | "changed"> {
    if (expected === undefined) return { check: false, version: null };
    if (expected === null) return { check: true, version: null };
    const known = versions.get(expected);
    if (known !== undefined) return { check: true, version: known };
    const rows = await query<{ version: string; record: ThreadRecord }>(
      "SELECT version, record FROM lutin_threads WHERE key = $1",
      [key],
    );
    const row = rows[0];
    if (row === undefined || !isDeepStrictEqual(row.record, expected)) return "changed";
    return { check: true, version: Number(row.version) };
  }

  /**
   * A whole thread commit as one call of lutin_commit_thread (migration 2): one round trip, one
   * transaction. "changed": the thread is no longer `expected`, nothing was written.
   */
  async function commitInOneStatement(
    thread: ThreadRecord,
    expected: Readonly<ThreadRecord> | null | undefined,
    commit: Pick<ThreadCommit, "conversations" | "ledger" | "processed">,
  ): Promise<"ok" | "changed"> {
    checkLedgerIds(commit.ledger);
    const key = identityText(thread.key);
    const version = await expectedVersion(key, expected);
    if (version === "changed") return "changed";
    const { tenant, channel, thread: threadName, key: eventKey, at } = commit.processed;
    let outcome: string | undefined;
    try {
      const result = await statement<{ outcome: string }>(
        pool,
        `SELECT lutin_commit_thread(${Array.from({ length: 26 }, (_, index) => `$${index + 1}`).join(", ")}) AS outcome`,
        [
          key,
          identityText(thread.tenant),
          recordText(thread),
          THREAD_LOCK_SEED,
          version.check,
          version.version,
          identityText(tenant),
          identityText(channel),
          identityText(threadName),
          identityText(eventKey),
          at,
          commit.ledger.map((entry) => identityText(entry.id)),
          commit.ledger.map((entry) => identityText(entry.tenant)),
          commit.ledger.map((entry) => identityText(entry.period)),
          commit.ledger.map((entry) => entry.mode),
          commit.ledger.map((entry) => entry.delta),
          commit.ledger.map(recordText),
          ...conversationColumns(commit.conversations),
        ],
        { retries },
      );
      outcome = result.rows[0]?.outcome;
    } catch (error) {
      if (errorCodeOf(error) === LEDGER_TAKEN) {
        // C12: rolled back whole, the key included: the conversation was counted by another commit.
        const taken = new Set(JSON.parse((error as { detail?: string }).detail ?? "[]") as string[]);
        throw ledgerEntryExists(
          commit.ledger.filter((entry) => taken.has(identityText(entry.id))).map((entry) => entry.id),
        );
      }
      throw error;
    }
    if (outcome === "processed") {
      // Another process committed this very event first. Its result stands and this one wrote nothing;
      // the counter reads the thread again on this code and then finds the key processed (a duplicate).
      throw new LutinError(
        "LEDGER_ENTRY_EXISTS",
        `the event ${JSON.stringify(eventKey)} of thread ${JSON.stringify(threadName)} was already processed by another writer`,
        {
          hint: "the event was processed concurrently elsewhere (C11): read the thread again; the event is a duplicate",
          details: { ids: [], processed: true },
        },
      );
    }
    if (outcome !== "ok" && outcome !== "changed")
      throw new Error(`lutin_commit_thread answered ${String(outcome)}`);
    return outcome;
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
    sharedAcrossProcesses: true,
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
        if ((await commitInOneStatement(commit.thread, commit.expected, commit)) === "changed") {
          throw threadChanged(commit.thread.key);
        }
      });
    },

    appendToThread(append: ThreadAppend): Promise<boolean> {
      return run("appendToThread", "write", async () => {
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
        // Checked under the thread's lock: nobody writes the thread between the check and the commit.
        return (await commitInOneStatement(thread, previous ?? null, append)) === "ok";
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

    saveConversations(
      conversations: ConversationRecord[],
      options: SaveConversationsOptions = {},
    ): Promise<void> {
      return run("saveConversations", "write", async () => {
        if (conversations.length === 0) return;
        const expected = options.expected;
        const version =
          expected === undefined ? undefined : await expectedVersion(identityText(expected.key), expected);
        if (version === "changed") throw threadChanged(expected?.key ?? "");
        await transaction(
          pool,
          async (client) => {
            // The threads' locks, in one order: a settle never interleaves with a commit of the same thread.
            const threadKeys = [...new Set(conversations.map((c) => identityText(c.threadKey)))].sort();
            for (const threadKey of threadKeys)
              await client.query(LOCK_THREAD, [threadKey, THREAD_LOCK_SEED]);
            if (expected !== undefined && version?.check === true) {
              // C12: under the thread's lock, the thread must still be the one the sweep settled.
              const current = await client.query<{ version: string }>(
                "SELECT version FROM lutin_threads WHERE key = $1",
                [identityText(expected.key)],
              );
              if (current.rows[0] === undefined || Number(current.rows[0].version) !== version.version)
                throw threadChanged(expected.key);
            }
            await upsertConversations(client, conversations);
          },
          { retries },
        );
      });
    },

    pruneProcessedKeys(before: number): Promise<number> {
      return run("pruneProcessedKeys", "write", async () => {
        const result = await pool.query("DELETE FROM lutin_processed_keys WHERE at < $1", [before]);
        return result.rowCount ?? 0;
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
