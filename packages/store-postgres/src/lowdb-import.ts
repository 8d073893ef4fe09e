import type {
  Agent,
  ConversationLogRecord,
  ConversationRecord,
  CustomerFollowUp,
  DataDirectoryContents,
  FiredAlert,
  HandoffRequest,
  LedgerEntry,
  Pack,
  Tenant,
  ThreadMemoryRecord,
  ThreadRecord,
} from "@lutingenie/core";
import type pg from "pg";
import { identityText, recordText } from "./identity-text.js";
import { storableMessage } from "./postgres-conversation-log.js";
import { followUpColumns, handoffColumns } from "./postgres-escalation-store.js";
import { conversationColumns } from "./postgres-store.js";

/** What an embedded install holds, read without opening its store (the CLI reads it: readDataDirectory). */
export interface LowdbImportSource {
  contents: DataDirectoryContents;
  /** C11: lutin.json's processed keys, tenant → channel → thread-scoped key (threadScopedKeyOf) → at. */
  processed: Record<string, Record<string, Record<string, number>>>;
  /** Each thread's memory (context window, answered keys), by thread key. */
  memory: ReadonlyArray<{ threadKey: string; record: ThreadMemoryRecord }>;
  /** The dashboard's conversation log (conversation-log.json): messages, language and emotion, by conversation id. */
  conversationLog: ReadonlyArray<{ conversationId: string; record: ConversationLogRecord }>;
  /** The agents' desk (agents.json, handoffs.json, follow-ups.json): open tasks wait for an answer. */
  desk: {
    agents: readonly Agent[];
    handoffs: readonly HandoffRequest[];
    followUps: readonly CustomerFollowUp[];
  };
}

/** Rows each table gained: all zero when the same install is imported again. */
export interface LowdbImportReport {
  tenants: number;
  packs: number;
  threads: number;
  conversations: number;
  ledger: number;
  alerts: number;
  processedKeys: number;
  threadMemory: number;
  conversationLog: number;
  agents: number;
  handoffs: number;
  followUps: number;
}

/** Rows per INSERT: large enough to be quick, small enough for PostgreSQL's parameter limits. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += CHUNK) result.push(items.slice(index, index + CHUNK));
  return result;
}

/**
 * A thread-scoped key (threadScopedKeyOf: the escaped thread, "/", the key) as its thread and key. The
 * thread was escaped with encodeURIComponent, a lone surrogate as "%u" + 4 hex digits (which
 * encodeURIComponent never writes). Null for a bare key of a file older than thread scoping: it matches
 * no event any more (the lowdb store forgets them at its next prune).
 */
export function splitThreadScopedKey(scoped: string): { thread: string; key: string } | null {
  const slash = scoped.indexOf("/");
  if (slash <= 0) return null;
  try {
    const thread = scoped
      .slice(0, slash)
      .split(/(%u[0-9A-F]{4})/)
      .map((piece) =>
        /^%u[0-9A-F]{4}$/.test(piece)
          ? String.fromCharCode(Number.parseInt(piece.slice(2), 16))
          : decodeURIComponent(piece),
      )
      .join("");
    return { thread, key: scoped.slice(slash + 1) };
  } catch {
    return null;
  }
}

/**
 * Copies an embedded install into a migrated PostgreSQL database in one transaction: everything or
 * nothing. Every row is inserted with ON CONFLICT DO NOTHING on its own identity (ids, keys, (tenant,
 * period, threshold)), so a second run adds nothing and a row the database already has is never
 * overwritten; the ledger keeps its append order (C13) and stays append-only. Returns the rows added.
 */
export async function importLowdbData(pool: pg.Pool, source: LowdbImportSource): Promise<LowdbImportReport> {
  const { contents } = source;
  const client = await pool.connect();
  const added: LowdbImportReport = {
    tenants: 0,
    packs: 0,
    threads: 0,
    conversations: 0,
    ledger: 0,
    alerts: 0,
    processedKeys: 0,
    threadMemory: 0,
    conversationLog: 0,
    agents: 0,
    handoffs: 0,
    followUps: 0,
  };
  const insert = async (sql: string, values: unknown[]) => (await client.query(sql, values)).rowCount ?? 0;
  try {
    await client.query("BEGIN");
    for (const part of chunks<Tenant>(contents.tenants))
      added.tenants += await insert(
        `INSERT INTO lutin_tenants (id, record) SELECT * FROM unnest($1::text[], $2::json[])
         ON CONFLICT (id) DO NOTHING`,
        [part.map((tenant) => identityText(tenant.id)), part.map(recordText)],
      );
    for (const part of chunks<Pack>(contents.packs))
      added.packs += await insert(
        `INSERT INTO lutin_packs (id, tenant, record) SELECT * FROM unnest($1::text[], $2::text[], $3::json[])
         ON CONFLICT (id) DO NOTHING`,
        [
          part.map((pack) => identityText(pack.id)),
          part.map((pack) => identityText(pack.tenant)),
          part.map(recordText),
        ],
      );
    for (const part of chunks<ThreadRecord>(contents.threads))
      added.threads += await insert(
        `INSERT INTO lutin_threads (key, tenant, version, record)
         SELECT key, tenant, 1, record FROM unnest($1::text[], $2::text[], $3::json[]) AS t(key, tenant, record)
         ON CONFLICT (key) DO NOTHING`,
        [
          part.map((thread) => identityText(thread.key)),
          part.map((thread) => identityText(thread.tenant)),
          part.map(recordText),
        ],
      );
    for (const part of chunks<ConversationRecord>(contents.conversations))
      added.conversations += await insert(
        `INSERT INTO lutin_conversations (id, tenant, period, mode, thread_key, opened_at, last_activity_at, ended, record)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::boolean[], $9::json[])
         ON CONFLICT (id) DO NOTHING`,
        conversationColumns(part),
      );
    // In the install's append order, one statement after the other: positions follow it (C13).
    for (const part of chunks<LedgerEntry>(contents.ledger))
      added.ledger += await insert(
        `INSERT INTO lutin_ledger (id, tenant, period, mode, delta, record)
         SELECT id, tenant, period, mode, delta, record
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::json[]) WITH ORDINALITY AS row(id, tenant, period, mode, delta, record, n)
         ORDER BY n
         ON CONFLICT (id) DO NOTHING`,
        [
          part.map((row) => identityText(row.id)),
          part.map((row) => identityText(row.tenant)),
          part.map((row) => identityText(row.period)),
          part.map((row) => row.mode),
          part.map((row) => row.delta),
          part.map(recordText),
        ],
      );
    for (const part of chunks<FiredAlert>(contents.alerts))
      added.alerts += await insert(
        `INSERT INTO lutin_alerts (tenant, period, threshold, record)
         SELECT tenant, period, threshold, record FROM unnest($1::text[], $2::text[], $3::text[], $4::json[]) WITH ORDINALITY AS row(tenant, period, threshold, record, n)
         ORDER BY n
         ON CONFLICT (tenant, period, threshold) DO NOTHING`,
        [
          part.map((alert) => identityText(alert.tenant)),
          part.map((alert) => identityText(alert.period)),
          part.map((alert) => String(alert.threshold)),
          part.map(recordText),
        ],
      );
    const keys: Array<[string, string, string, string, number]> = [];
    for (const [tenant, channels] of Object.entries(source.processed))
      for (const [channel, scopedKeys] of Object.entries(channels))
        for (const [scoped, at] of Object.entries(scopedKeys)) {
          const split = splitThreadScopedKey(scoped);
          if (split !== null) keys.push([tenant, channel, split.thread, split.key, at]);
        }
    for (const part of chunks(keys))
      added.processedKeys += await insert(
        `INSERT INTO lutin_processed_keys (tenant, channel, thread, key, at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT ON CONSTRAINT lutin_processed_keys_once DO NOTHING`,
        [
          part.map((row) => identityText(row[0])),
          part.map((row) => identityText(row[1])),
          part.map((row) => identityText(row[2])),
          part.map((row) => identityText(row[3])),
          part.map((row) => row[4]),
        ],
      );
    for (const part of chunks(source.memory))
      added.threadMemory += await insert(
        `INSERT INTO lutin_thread_memory (key, updated_at, record)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::json[])
         ON CONFLICT (key) DO NOTHING`,
        [
          part.map((entry) => identityText(entry.threadKey)),
          part.map((entry) => entry.record.updatedAt),
          part.map((entry) => recordText(entry.record)),
        ],
      );
    // As the PostgreSQL log stores them (postgres-conversation-log.ts): id encoded, tenant as given,
    // texts without what jsonb refuses. A conversation the database already logs keeps its own messages.
    for (const part of chunks(source.conversationLog))
      added.conversationLog += await insert(
        `INSERT INTO lutin_conversation_log (id, tenant, language, emotion, messages, dropped, updated_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::integer[], $7::bigint[])
         ON CONFLICT (id) DO NOTHING`,
        [
          part.map((entry) => identityText(entry.conversationId)),
          part.map((entry) => entry.record.tenant),
          part.map((entry) => entry.record.language),
          part.map((entry) => entry.record.emotion),
          part.map((entry) => JSON.stringify(entry.record.messages.map(storableMessage))),
          part.map((entry) => entry.record.dropped),
          part.map((entry) => entry.record.updatedAt),
        ],
      );
    // The desk, as the PostgreSQL escalation store writes it (its own column functions); what the database
    // already holds (an agent, a handoff or a task of the same id) is kept.
    for (const part of chunks(source.desk.agents))
      added.agents += await insert(
        `INSERT INTO lutin_agents (tenant, id, record) SELECT * FROM unnest($1::text[], $2::text[], $3::json[])
         ON CONFLICT (tenant, id) DO NOTHING`,
        [
          part.map((agent) => identityText(agent.tenant)),
          part.map((agent) => identityText(agent.id)),
          part.map(recordText),
        ],
      );
    const transpose = (rows: unknown[][]) =>
      (rows[0] ?? []).map((_, column) => rows.map((row) => row[column]));
    for (const part of chunks(source.desk.handoffs))
      added.handoffs += await insert(
        `INSERT INTO lutin_handoffs (id, tenant, status, revision, created_at, record)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::bigint[], $6::json[])
         ON CONFLICT (id) DO NOTHING`,
        transpose(part.map(handoffColumns)),
      );
    for (const part of chunks(source.desk.followUps))
      added.followUps += await insert(
        `INSERT INTO lutin_follow_ups (id, tenant, status, revision, updated_at, record)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::bigint[], $6::json[])
         ON CONFLICT (id) DO NOTHING`,
        transpose(part.map(followUpColumns)),
      );
    await client.query("COMMIT");
    return added;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Everything the database holds, in the shape of a data directory's contents (no archives: the database
 * keeps every period), so that `lutin audit`'s comparison reads both the same way.
 */
export async function readPostgresContents(pool: pg.Pool): Promise<DataDirectoryContents> {
  const records = async <T>(sql: string): Promise<T[]> =>
    (await pool.query<{ record: T }>(sql)).rows.map((row) => row.record);
  return {
    dataDir: "",
    tenants: await records<Tenant>('SELECT record FROM lutin_tenants ORDER BY id COLLATE "C"'),
    packs: await records<Pack>('SELECT record FROM lutin_packs ORDER BY id COLLATE "C"'),
    threads: await records<ThreadRecord>('SELECT record FROM lutin_threads ORDER BY key COLLATE "C"'),
    conversations: await records<ConversationRecord>(
      'SELECT record FROM lutin_conversations ORDER BY id COLLATE "C"',
    ),
    ledger: await records<LedgerEntry>("SELECT record FROM lutin_ledger ORDER BY position"),
    alerts: await records<FiredAlert>("SELECT record FROM lutin_alerts ORDER BY position"),
    archives: [],
  };
}
