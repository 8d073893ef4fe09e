import {
  type Clock,
  type ConversationLog,
  type ConversationLogRecord,
  type ConversationReadingRecord,
  DEFAULT_LOG_RETENTION_MS,
  type LoggedMessage,
  loggedMessage,
  MESSAGES_KEPT,
  storeClosed,
  systemClock,
} from "@lutingenie/core";
import type pg from "pg";
import { identityText } from "./identity-text.js";
import { storeFailure } from "./postgres-errors.js";

/** Expired rows are deleted at most this often, by whichever add comes first (like the thread memory's sweep). */
const SWEEP_INTERVAL_MS = 60_000;

export interface PostgresConversationLogOptions {
  /** The pool of the PostgreSQL store (migration 5 made the table); the log never ends it. */
  pool: pg.Pool;
  clock?: Clock;
  /** Past this without a new message, a conversation's messages are forgotten; default 400 days, as the file log. */
  retentionMs?: number;
  /** host:port/database for error messages (never the password). */
  where?: string;
}

/**
 * jsonb holds neither NUL nor a lone surrogate; a message text with one would fail the whole add. The log
 * only shows texts on the dashboard, so each such character becomes U+FFFD, as a browser would show it.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what jsonb refuses.
const NOT_IN_JSONB = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storableMessage(message: LoggedMessage): LoggedMessage {
  const kept = loggedMessage(message);
  return { ...kept, text: kept.text.replace(NOT_IN_JSONB, "\ufffd") };
}

interface LogRow {
  id: string;
  tenant: string;
  language: string | null;
  emotion: string | null;
  messages: LoggedMessage[];
  dropped: number;
  updated_at: string;
}

/*
 * One statement per add: a new conversation is inserted; an existing one has the messages appended and
 * cut to the latest $7 in the UPDATE, under the row lock (no read-modify-write across instances). A row past
 * the retention ($8: the oldest updated_at still kept) starts again empty, as the file log's would.
 */
const ADD_SQL = `
INSERT INTO lutin_conversation_log AS log (id, tenant, language, emotion, messages, dropped, updated_at)
VALUES ($1, $2, $3, $4, lutin_last_messages($5::jsonb, $7), greatest(0, jsonb_array_length($5::jsonb) - $7), $6)
ON CONFLICT (id) DO UPDATE SET
  tenant = CASE WHEN log.updated_at < $8 THEN excluded.tenant ELSE log.tenant END,
  language = coalesce(excluded.language, CASE WHEN log.updated_at < $8 THEN NULL ELSE log.language END),
  emotion = coalesce(excluded.emotion, CASE WHEN log.updated_at < $8 THEN NULL ELSE log.emotion END),
  messages = lutin_last_messages(
    CASE WHEN log.updated_at < $8 THEN '[]'::jsonb ELSE log.messages END || $5::jsonb, $7),
  dropped = CASE WHEN log.updated_at < $8 THEN 0 ELSE log.dropped END + greatest(0,
    CASE WHEN log.updated_at < $8 THEN 0 ELSE jsonb_array_length(log.messages) END
      + jsonb_array_length($5::jsonb) - $7),
  updated_at = excluded.updated_at`;

/**
 * Core's ConversationLog on PostgreSQL (lutin_conversation_log), so that the dashboard of every instance
 * shows the messages of conversations any of them served. Reads are one query each; `readings` reads a
 * whole history list in one.
 */
export function createPostgresConversationLog(options: PostgresConversationLogOptions): ConversationLog {
  const { pool } = options;
  const clock = options.clock ?? systemClock;
  const retentionMs = options.retentionMs ?? DEFAULT_LOG_RETENTION_MS;
  const where = options.where ?? "the configured server";
  let closed = false;
  let lastSweep = Number.NEGATIVE_INFINITY;
  const inFlight = new Set<Promise<unknown>>();

  function run<T>(operation: string, kind: "read" | "write", work: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(storeClosed("PostgreSQL conversation log"));
    const promise = work().catch((error: unknown) => {
      throw storeFailure(operation, kind, where, error);
    });
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  const oldestKept = () => clock.now() - retentionMs;

  async function readings(conversationIds: readonly string[]) {
    const byStored = new Map(conversationIds.map((id) => [identityText(id), id]));
    const found = new Map<string, ConversationReadingRecord>();
    if (byStored.size === 0) return found;
    const result = await pool.query<Pick<LogRow, "id" | "tenant" | "language" | "emotion">>(
      `SELECT id, tenant, language, emotion FROM lutin_conversation_log
        WHERE id = ANY($1::text[]) AND updated_at >= $2`,
      [[...byStored.keys()], oldestKept()],
    );
    for (const row of result.rows) {
      const id = byStored.get(row.id);
      if (id !== undefined)
        found.set(id, { tenant: row.tenant, language: row.language, emotion: row.emotion });
    }
    return found;
  }

  return {
    get: (conversationId) =>
      run("reading the conversation log", "read", async () => {
        const result = await pool.query<LogRow>(
          `SELECT id, tenant, language, emotion, messages, dropped, updated_at FROM lutin_conversation_log
            WHERE id = $1 AND updated_at >= $2`,
          [identityText(conversationId), oldestKept()],
        );
        const row = result.rows[0];
        if (row === undefined) return undefined;
        return {
          tenant: row.tenant,
          language: row.language,
          emotion: row.emotion,
          messages: row.messages,
          dropped: row.dropped,
          updatedAt: Number(row.updated_at),
        } satisfies ConversationLogRecord;
      }),
    reading: (conversationId) =>
      run("reading the conversation log", "read", async () =>
        (await readings([conversationId])).get(conversationId),
      ),
    readings: (conversationIds) =>
      run("reading the conversation log", "read", () => readings(conversationIds)),
    add: (conversationId, entry) =>
      run("adding to the conversation log", "write", async () => {
        const now = clock.now();
        const added = (entry.messages ?? []).map(storableMessage);
        await pool.query(ADD_SQL, [
          identityText(conversationId),
          entry.tenant,
          entry.reading?.language ?? null,
          entry.reading?.emotion ?? null,
          JSON.stringify(added),
          now,
          MESSAGES_KEPT,
          now - retentionMs,
        ]);
        if (now - lastSweep >= SWEEP_INTERVAL_MS) {
          lastSweep = now;
          await pool.query("DELETE FROM lutin_conversation_log WHERE updated_at < $1", [now - retentionMs]);
        }
      }),
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}
