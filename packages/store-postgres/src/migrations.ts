import { LutinError } from "@lutingenie/core";
import type pg from "pg";
import { CONVERSATION_LOG_MIGRATION } from "./conversation-log-migration.js";
import { DESK_MIGRATION } from "./desk-migrations.js";

/**
 * The schema, as ordered steps: migration N takes a database at version N−1 to N. Never edit a step that
 * has shipped; add the next one. Each step runs in one transaction with the row that records it.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_TABLE = "lutin_schema_migrations";

/** Serializes migrations of several instances starting at once on one database (a transaction-level lock). */
const MIGRATION_LOCK = 0x4c75_7469_6e00;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "threads, conversations, ledger, processed keys, tenants, packs, alerts",
    sql: `
-- Identity columns (tenant, channel, thread, keys, ids) hold identity-text.ts's encoding of the values;
-- records are the JSON text of the whole record (json, not jsonb: jsonb refuses \\u0000 in strings).

CREATE TABLE lutin_threads (
  key text PRIMARY KEY,
  tenant text NOT NULL,
  -- Bumped on every write: appendToThread's check that nobody wrote since the record was read.
  version bigint NOT NULL,
  record json NOT NULL
);

CREATE TABLE lutin_conversations (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  period text NOT NULL,
  mode text NOT NULL,
  thread_key text NOT NULL,
  opened_at bigint NOT NULL,
  last_activity_at bigint NOT NULL,
  ended boolean NOT NULL,
  record json NOT NULL
);
CREATE INDEX lutin_conversations_by_period ON lutin_conversations (tenant, period);
CREATE INDEX lutin_conversations_by_thread ON lutin_conversations (tenant, thread_key);
-- The inactivity sweep (C2): open conversations by last activity.
CREATE INDEX lutin_conversations_open ON lutin_conversations (tenant, last_activity_at) WHERE NOT ended;

-- C12: the primary key is what makes one conversation countable once; C13: rows are only ever added,
-- a correction is a reversal row (the trigger below refuses UPDATE, DELETE and TRUNCATE).
CREATE TABLE lutin_ledger (
  id text PRIMARY KEY,
  position bigint GENERATED ALWAYS AS IDENTITY,
  tenant text NOT NULL,
  period text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('ai', 'human')),
  delta integer NOT NULL CHECK (delta IN (1, -1)),
  record json NOT NULL
);
-- ledgerTotals: an index-only SUM per (tenant, period, mode).
CREATE INDEX lutin_ledger_totals ON lutin_ledger (tenant, period, mode) INCLUDE (delta);
CREATE INDEX lutin_ledger_by_tenant ON lutin_ledger (tenant, period, position);

CREATE FUNCTION lutin_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only (C13): % refused; book a reversal row instead', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER lutin_ledger_no_change BEFORE UPDATE OR DELETE ON lutin_ledger
  FOR EACH ROW EXECUTE FUNCTION lutin_ledger_append_only();
CREATE TRIGGER lutin_ledger_no_truncate BEFORE TRUNCATE ON lutin_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION lutin_ledger_append_only();

-- C11: a key is claimed with INSERT ... ON CONFLICT DO NOTHING in the transaction that books its result.
CREATE TABLE lutin_processed_keys (
  tenant text NOT NULL,
  channel text NOT NULL,
  thread text NOT NULL,
  key text NOT NULL,
  at bigint NOT NULL,
  CONSTRAINT lutin_processed_keys_once UNIQUE (tenant, channel, thread, key)
);
-- For pruning keys past their retention.
CREATE INDEX lutin_processed_keys_by_age ON lutin_processed_keys (at);

CREATE TABLE lutin_tenants (
  id text PRIMARY KEY,
  record json NOT NULL
);

CREATE TABLE lutin_packs (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  record json NOT NULL
);
CREATE INDEX lutin_packs_by_tenant ON lutin_packs (tenant);

-- Q5: one alert per (tenant, period, threshold); position keeps the order they first fired in.
CREATE TABLE lutin_alerts (
  tenant text NOT NULL,
  period text NOT NULL,
  threshold text NOT NULL,
  position bigint GENERATED ALWAYS AS IDENTITY,
  record json NOT NULL,
  PRIMARY KEY (tenant, period, threshold)
);
`,
  },
  {
    version: 2,
    name: "lutin_commit_thread: a thread commit in one statement (one round trip)",
    sql: `
-- Everything one processed event changes, in the one statement's own transaction: the thread's advisory
-- lock (C12), the check that nobody wrote the thread since it was read, the key claim (C11), the ledger
-- rows (C12: a taken id aborts it all), the conversations, the thread record. Answers 'ok', 'changed'
-- (the thread is not the expected one) or 'processed' (another writer claimed the key); both write nothing.
CREATE FUNCTION lutin_commit_thread(
  thread_key text, thread_tenant text, thread_record json, lock_seed bigint,
  check_expected boolean, expected_version bigint,
  key_tenant text, key_channel text, key_thread text, key_value text, key_at bigint,
  ledger_ids text[], ledger_tenants text[], ledger_periods text[], ledger_modes text[],
  ledger_deltas integer[], ledger_records json[],
  conversation_ids text[], conversation_tenants text[], conversation_periods text[],
  conversation_modes text[], conversation_thread_keys text[], conversation_opened_at bigint[],
  conversation_last_activity_at bigint[], conversation_ended boolean[], conversation_records json[]
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  stored_version bigint;
  booked text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(thread_key, lock_seed));
  IF check_expected THEN
    SELECT version INTO stored_version FROM lutin_threads WHERE key = thread_key;
    IF stored_version IS DISTINCT FROM expected_version THEN
      RETURN 'changed';
    END IF;
  END IF;
  INSERT INTO lutin_processed_keys (tenant, channel, thread, key, at)
    VALUES (key_tenant, key_channel, key_thread, key_value, key_at)
    ON CONFLICT ON CONSTRAINT lutin_processed_keys_once DO NOTHING;
  IF NOT FOUND THEN
    RETURN 'processed';
  END IF;
  IF cardinality(ledger_ids) > 0 THEN
    WITH inserted AS (
      INSERT INTO lutin_ledger (id, tenant, period, mode, delta, record)
        SELECT * FROM unnest(ledger_ids, ledger_tenants, ledger_periods, ledger_modes, ledger_deltas, ledger_records)
        ON CONFLICT (id) DO NOTHING RETURNING id
    )
    SELECT coalesce(array_agg(id), '{}') INTO booked FROM inserted;
    IF cardinality(booked) <> cardinality(ledger_ids) THEN
      RAISE EXCEPTION 'ledger entry already exists'
        USING ERRCODE = 'LU001',
              DETAIL = (SELECT json_agg(id)::text FROM unnest(ledger_ids) AS id WHERE id <> ALL (booked));
    END IF;
  END IF;
  IF cardinality(conversation_ids) > 0 THEN
    INSERT INTO lutin_conversations (id, tenant, period, mode, thread_key, opened_at, last_activity_at, ended, record)
      SELECT * FROM unnest(conversation_ids, conversation_tenants, conversation_periods, conversation_modes,
        conversation_thread_keys, conversation_opened_at, conversation_last_activity_at, conversation_ended,
        conversation_records)
      ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, period = excluded.period, mode = excluded.mode,
        thread_key = excluded.thread_key, opened_at = excluded.opened_at,
        last_activity_at = excluded.last_activity_at, ended = excluded.ended, record = excluded.record;
  END IF;
  INSERT INTO lutin_threads (key, tenant, version, record) VALUES (thread_key, thread_tenant, 1, thread_record)
    ON CONFLICT (key) DO UPDATE SET tenant = excluded.tenant, record = excluded.record,
      version = lutin_threads.version + 1;
  RETURN 'ok';
END;
$$;
`,
  },
  {
    version: 3,
    name: "thread memory, secrets shared by every instance",
    sql: `
-- The assistant's memory of each thread (context window, language, flow state, answered keys): one row per
-- thread, written whole at the end of each turn. updated_at drives the retention sweep.
CREATE TABLE lutin_thread_memory (
  key text PRIMARY KEY,
  updated_at bigint NOT NULL,
  record json NOT NULL
);
CREATE INDEX lutin_thread_memory_by_age ON lutin_thread_memory (updated_at);

-- Secrets every instance behind one load balancer must share (the key that signs visitor tokens): made
-- once by whichever instance starts first (INSERT ... ON CONFLICT DO NOTHING), then read by all.
CREATE TABLE lutin_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  DESK_MIGRATION,
  CONVERSATION_LOG_MIGRATION,
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

export function schemaTooNew(found: number, known: number = SCHEMA_VERSION): LutinError {
  return new LutinError(
    "STORE_SCHEMA_TOO_NEW",
    `the database's schema is at version ${found}, newer than this LutinGénie knows (version ${known})`,
    {
      hint: "a newer LutinGénie migrated this database: run that version (or newer) on every instance; to go back, restore a backup taken before the upgrade",
      details: { found, known },
    },
  );
}

export interface MigrationReport {
  /** Version before and after. */
  from: number;
  to: number;
  applied: number[];
}

/**
 * Brings the schema to SCHEMA_VERSION, one transaction per step; refuses a schema newer than the code
 * (STORE_SCHEMA_TOO_NEW) before changing anything. Several instances starting together take turns on a
 * transaction-level advisory lock, so each step runs once.
 */
export async function migrate(
  client: pg.ClientBase,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  const applied: number[] = [];
  let from: number | undefined;
  for (;;) {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const result = await client.query<{ version: number | null }>(
        `SELECT max(version) AS version FROM ${MIGRATIONS_TABLE}`,
      );
      const current = result.rows[0]?.version ?? 0;
      from ??= current;
      if (current > known) throw schemaTooNew(current, known);
      const next = migrations.find((migration) => migration.version === current + 1);
      if (next === undefined) {
        await client.query("COMMIT");
        return { from, to: current, applied };
      }
      await client.query(next.sql);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [
        next.version,
        next.name,
      ]);
      await client.query("COMMIT");
      applied.push(next.version);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }
}
