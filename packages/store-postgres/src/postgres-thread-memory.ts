import {
  type Clock,
  storeClosed,
  systemClock,
  type ThreadMemory,
  type ThreadMemoryRecord,
} from "@lutingenie/core";
import type pg from "pg";
import { identityText, recordText } from "./identity-text.js";
import { storeFailure } from "./postgres-errors.js";

const DAY = 24 * 60 * 60 * 1000;
/** Expired rows are deleted at most this often, by whichever save comes first (like the file memory's sweep). */
const SWEEP_INTERVAL_MS = 60_000;

export interface PostgresThreadMemoryOptions {
  /** The pool of the PostgreSQL store (migration 3 made the table); the memory never ends it. */
  pool: pg.Pool;
  clock?: Clock;
  /** Threads idle for longer are forgotten (their window and flow state); default 7 days, as the file memory. */
  retentionMs?: number;
  /** host:port/database for error messages (never the password). */
  where?: string;
}

/**
 * Core's ThreadMemory on PostgreSQL: one row per thread in lutin_thread_memory, so that every instance on
 * the database reads the window and the answered keys the others wrote (C11: a message answered on one
 * instance is not answered again by another). `save` resolves once committed. Loads give fresh objects
 * (the driver parses the json column each time) with the result of a JSON round trip, as the file memory.
 */
export function createPostgresThreadMemory(options: PostgresThreadMemoryOptions): ThreadMemory {
  const { pool } = options;
  const clock = options.clock ?? systemClock;
  const retentionMs = options.retentionMs ?? 7 * DAY;
  const where = options.where ?? "the configured server";
  let closed = false;
  let lastSweep = Number.NEGATIVE_INFINITY;
  const inFlight = new Set<Promise<unknown>>();

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  function refuseClosed(): Promise<never> {
    return Promise.reject(storeClosed("PostgreSQL thread memory"));
  }

  async function sweep(now: number): Promise<void> {
    if (now - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = now;
    await pool.query("DELETE FROM lutin_thread_memory WHERE updated_at < $1", [now - retentionMs]);
  }

  return {
    load(threadKey) {
      if (closed) return refuseClosed();
      return track(
        (async () => {
          const result = await pool
            .query<{ record: ThreadMemoryRecord; updated_at: string }>(
              "SELECT record, updated_at FROM lutin_thread_memory WHERE key = $1",
              [identityText(threadKey)],
            )
            .catch((error: unknown) => {
              throw storeFailure("loading thread memory", "read", where, error);
            });
          const row = result.rows[0];
          // Past the retention it is forgotten even before the sweep deletes it.
          if (row === undefined || Number(row.updated_at) + retentionMs < clock.now()) return undefined;
          return row.record;
        })(),
      );
    },
    save(threadKey, record) {
      if (closed) return refuseClosed();
      return track(
        (async () => {
          try {
            await pool.query(
              `INSERT INTO lutin_thread_memory (key, updated_at, record) VALUES ($1, $2, $3)
               ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at, record = excluded.record`,
              [identityText(threadKey), record.updatedAt, recordText(record)],
            );
            await sweep(clock.now());
          } catch (error) {
            throw storeFailure("saving thread memory", "write", where, error);
          }
        })(),
      );
    },
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}
