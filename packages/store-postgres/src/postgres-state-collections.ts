import {
  LutinError,
  type StateCollection,
  type StateCollectionSpec,
  type StateCollections,
  storeClosed,
} from "@lutingenie/core";
import pg from "pg";
import { z } from "zod";
import { connectionTarget } from "./connection-target.js";
import { identityText, recordText } from "./identity-text.js";
import { migrate } from "./migrations.js";
import { storeFailure } from "./postgres-errors.js";

const optionsSchema = z
  .object({
    connectionString: z.string().min(1, "connectionString must not be empty").optional(),
    /** A pool of your own, e.g. the Store's (`store.pool`); never ended here. */
    pool: z.custom<pg.Pool>((value) => value instanceof pg.Pool, "pool must be a pg.Pool").optional(),
    migrate: z.boolean().default(true),
    now: z.custom<() => number>((value) => typeof value === "function", "now must be a function").optional(),
  })
  .strict()
  .refine((options) => (options.connectionString === undefined) !== (options.pool === undefined), {
    message: "give exactly one of connectionString and pool",
  });

export type PostgresStateCollectionsOptions = z.input<typeof optionsSchema>;

export interface PostgresStateCollections extends StateCollections {
  /** Deletes expired records (run it now and then; reads already skip them). */
  prune(): Promise<number>;
  /** Ends the pool when the collections made it; the collections opened from it stop working. */
  close(): Promise<void>;
}

/**
 * Core's StateCollections on PostgreSQL (table lutin_adapter_state, one namespace per collection), so that
 * the Slack and Teams adapters of several servers share their state. `add` is one
 * `INSERT … ON CONFLICT … DO UPDATE … WHERE expired`: of several servers greeting the same
 * conversation at once, exactly one gets true.
 */
export async function openPostgresStateCollections(
  options: PostgresStateCollectionsOptions,
): Promise<PostgresStateCollections> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success)
    throw new LutinError(
      "CONFIG_INVALID",
      `invalid PostgreSQL state options: ${parsed.error.issues
        .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "options"}: ${issue.message}`)
        .join("; ")}`,
      { hint: "pass { connectionString: 'postgres://…' } or { pool } (the Store's store.pool)" },
    );
  const config = parsed.data;
  const now = config.now ?? Date.now;
  const ownsPool = config.pool === undefined;
  const pool = config.pool ?? new pg.Pool({ connectionString: config.connectionString, max: 3 });
  const ignoreIdleError = () => undefined;
  pool.on("error", ignoreIdleError);
  const where = connectionTarget(config.connectionString, pool);
  let closed = false;
  const run = async <T>(operation: string, kind: "read" | "write", work: () => Promise<T>): Promise<T> => {
    if (closed) throw storeClosed("PostgreSQL adapter state");
    try {
      return await work();
    } catch (error) {
      throw storeFailure(operation, kind, where, error);
    }
  };
  if (config.migrate) {
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (error) {
      if (ownsPool) await pool.end().catch(() => undefined);
      throw storeFailure("opening the adapters' state", "read", where, error);
    }
  }

  return {
    async open<T>(spec: StateCollectionSpec<T>): Promise<StateCollection<T>> {
      const namespace = identityText(spec.name);
      const expiry = (value: T): number | null => {
        const at = spec.expiresAt?.(value) ?? Number.POSITIVE_INFINITY;
        return Number.isFinite(at) ? at : null;
      };
      /** Not expired at the instant passed as parameter `$n`. */
      const liveAt = (n: number) => `(expires_at IS NULL OR expires_at > $${n})`;
      return {
        get: (key) =>
          run(`reading ${spec.name}`, "read", async () => {
            const { rows } = await pool.query<{ value: T }>(
              `SELECT value FROM lutin_adapter_state WHERE namespace = $1 AND key = $2 AND ${liveAt(3)}`,
              [namespace, identityText(key), now()],
            );
            return rows[0]?.value;
          }),
        set: (key, value) =>
          run(`writing ${spec.name}`, "write", async () => {
            await pool.query(
              `INSERT INTO lutin_adapter_state (namespace, key, expires_at, value) VALUES ($1, $2, $3, $4)
               ON CONFLICT (namespace, key) DO UPDATE SET expires_at = excluded.expires_at, value = excluded.value`,
              [namespace, identityText(key), expiry(value), recordText(value)],
            );
          }),
        add: (key, value) =>
          run(`adding to ${spec.name}`, "write", async () => {
            // Created, or taking the place of an expired record; a live one stays and the answer is false.
            const result = await pool.query(
              `INSERT INTO lutin_adapter_state (namespace, key, expires_at, value) VALUES ($1, $2, $4, $5)
               ON CONFLICT (namespace, key) DO UPDATE SET expires_at = excluded.expires_at, value = excluded.value
               WHERE lutin_adapter_state.expires_at IS NOT NULL AND lutin_adapter_state.expires_at <= $3`,
              [namespace, identityText(key), now(), expiry(value), recordText(value)],
            );
            return result.rowCount === 1;
          }),
        delete: (key) =>
          run(`deleting from ${spec.name}`, "write", async () => {
            await pool.query("DELETE FROM lutin_adapter_state WHERE namespace = $1 AND key = $2", [
              namespace,
              identityText(key),
            ]);
          }),
        values: () =>
          run(`listing ${spec.name}`, "read", async () => {
            const { rows } = await pool.query<{ value: T }>(
              `SELECT value FROM lutin_adapter_state WHERE namespace = $1 AND ${liveAt(2)} ORDER BY key`,
              [namespace, now()],
            );
            return rows.map((row) => row.value);
          }),
        // The pool is the collections' (closed with them), not one collection's.
        close: async () => {},
      };
    },
    prune: () =>
      run("pruning the adapters' state", "write", async () => {
        const result = await pool.query(
          "DELETE FROM lutin_adapter_state WHERE expires_at IS NOT NULL AND expires_at <= $1",
          [now()],
        );
        return result.rowCount ?? 0;
      }),
    async close() {
      if (closed) return;
      closed = true;
      if (ownsPool) await pool.end();
      else pool.off("error", ignoreIdleError);
    },
  };
}
