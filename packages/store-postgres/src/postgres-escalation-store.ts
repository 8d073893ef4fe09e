import {
  type Agent,
  type AgentPresence,
  type CustomerFollowUp,
  type EscalationStore,
  type HandoffRequest,
  LutinError,
  recordRevision,
  revisedAfter,
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
    /** postgres://user:password@host:port/database (what LUTIN_DATABASE_URL holds). */
    connectionString: z.string().min(1, "connectionString must not be empty").optional(),
    /** A pool of your own, e.g. the Store's (`store.pool`); the escalation store then leaves ending it to you. */
    pool: z.custom<pg.Pool>((value) => value instanceof pg.Pool, "pool must be a pg.Pool").optional(),
    /** Connections of the pool the store makes (ignored with `pool`). */
    poolSize: z.number().int().min(1).max(1_000).default(5),
    /** Bring the schema up to date at open (default; the Store's open does the same). */
    migrate: z.boolean().default(true),
    /** Ended handoffs and done tasks stay this long for the consoles' history, as in the file store. */
    retentionMs: z
      .number()
      .int()
      .min(0)
      .default(30 * 24 * 60 * 60 * 1000),
    now: z.custom<() => number>((value) => typeof value === "function", "now must be a function").optional(),
    connectionTimeoutMs: z.number().int().min(1).default(10_000),
  })
  .strict()
  .refine((options) => (options.connectionString === undefined) !== (options.pool === undefined), {
    message: "give exactly one of connectionString and pool",
  });

export type PostgresEscalationStoreOptions = z.input<typeof optionsSchema>;

/** How often old ended handoffs and done tasks are pruned (besides at open). */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** A handoff's row in lutin_handoffs (the store's writes and `lutin migrate --from-lowdb`). */
export const handoffColumns = (request: HandoffRequest) => [
  identityText(request.id),
  identityText(request.tenant),
  request.status,
  recordRevision(request),
  request.createdAt,
  recordText(request),
];

/** A follow-up task's row in lutin_follow_ups. */
export const followUpColumns = (task: CustomerFollowUp) => [
  identityText(task.id),
  identityText(task.tenant),
  task.status,
  recordRevision(task),
  task.updatedAt,
  recordText(task),
];

/**
 * Core's EscalationStore on PostgreSQL: agents, their presence, handoffs and follow-up tasks shared by
 * every server on the database. `replaceHandoff` / `replaceFollowUp` are one conditional UPDATE each
 * (`WHERE revision = the one read`, writing the next revision, in the column and in the record, whatever
 * changed: issue 16): under PostgreSQL's row locking, of two changes computed from the same
 * read exactly one matches, so the first Accept wins across processes, without a read-then-write.
 */
export async function openPostgresEscalationStore(
  options: PostgresEscalationStoreOptions,
): Promise<EscalationStore> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success)
    throw new LutinError(
      "CONFIG_INVALID",
      `invalid PostgreSQL escalation store options: ${parsed.error.issues
        .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "options"}: ${issue.message}`)
        .join("; ")}`,
      {
        hint: "pass { connectionString: 'postgres://user:password@host:5432/database' } or { pool } (the Store's store.pool)",
      },
    );
  const config = parsed.data;
  const now = config.now ?? Date.now;
  const ownsPool = config.pool === undefined;
  const pool =
    config.pool ??
    new pg.Pool({
      connectionString: config.connectionString,
      max: config.poolSize,
      connectionTimeoutMillis: config.connectionTimeoutMs,
      application_name: "lutingenie-escalation",
    });
  const ignoreIdleError = () => undefined;
  pool.on("error", ignoreIdleError);
  const where = connectionTarget(config.connectionString, pool);

  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  function run<T>(operation: string, kind: "read" | "write", work: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(storeClosed("PostgreSQL escalation store"));
    const promise = work().catch((error: unknown) => {
      throw storeFailure(operation, kind, where, error);
    });
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
  const rows = async <R extends pg.QueryResultRow>(sql: string, values: unknown[]) =>
    (await pool.query<R>(sql, values)).rows;
  const changed = async (sql: string, values: unknown[]) => (await pool.query(sql, values)).rowCount === 1;

  const prune = () =>
    run("pruning ended handoffs and done tasks", "write", async () => {
      const before = now() - config.retentionMs;
      await pool.query(
        "DELETE FROM lutin_handoffs WHERE status IN ('ended', 'follow_up') AND created_at < $1",
        [before],
      );
      await pool.query("DELETE FROM lutin_follow_ups WHERE status = 'done' AND updated_at < $1", [before]);
    });

  try {
    if (config.migrate) {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    }
    await prune();
  } catch (error) {
    closed = true;
    if (ownsPool) await pool.end().catch(() => undefined);
    else pool.off("error", ignoreIdleError);
    throw storeFailure("opening the escalation store", "read", where, error);
  }
  const pruning = setInterval(() => void prune().catch(() => undefined), PRUNE_INTERVAL_MS);
  pruning.unref();

  return {
    listAgents: (tenant) =>
      run("listing agents", "read", async () =>
        (
          await rows<{ record: Agent }>("SELECT record FROM lutin_agents WHERE tenant = $1 ORDER BY id", [
            identityText(tenant),
          ])
        ).map((row) => row.record),
      ),
    putAgent: (agent) =>
      run("storing an agent", "write", async () => {
        await pool.query(
          `INSERT INTO lutin_agents (tenant, id, record) VALUES ($1, $2, $3)
           ON CONFLICT (tenant, id) DO UPDATE SET record = excluded.record`,
          [identityText(agent.tenant), identityText(agent.id), recordText(agent)],
        );
      }),
    getHandoff: (id) =>
      run(
        "reading a handoff",
        "read",
        async () =>
          (
            await rows<{ record: HandoffRequest }>("SELECT record FROM lutin_handoffs WHERE id = $1", [
              identityText(id),
            ])
          )[0]?.record,
      ),
    putHandoff: (request) =>
      run("storing a handoff", "write", async () => {
        await pool.query(
          `INSERT INTO lutin_handoffs (id, tenant, status, revision, created_at, record)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, status = excluded.status,
             revision = excluded.revision, created_at = excluded.created_at, record = excluded.record`,
          handoffColumns(request),
        );
      }),
    replaceHandoff: (request, readRevision) =>
      run("changing a handoff", "write", () =>
        changed(
          `UPDATE lutin_handoffs SET tenant = $2, status = $3, revision = $4, created_at = $5, record = $6
           WHERE id = $1 AND revision = $7`,
          [...handoffColumns(revisedAfter(request, readRevision)), readRevision],
        ),
      ),
    listHandoffs: (tenant, statuses) =>
      run("listing handoffs", "read", async () => {
        const conditions: string[] = [];
        const values: unknown[] = [];
        if (tenant !== undefined) {
          values.push(identityText(tenant));
          conditions.push(`tenant = $${values.length}`);
        }
        if (statuses !== undefined) {
          values.push([...statuses]);
          conditions.push(`status = ANY($${values.length}::text[])`);
        }
        const filter = conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`;
        return (
          await rows<{ record: HandoffRequest }>(
            `SELECT record FROM lutin_handoffs ${filter} ORDER BY created_at, id`,
            values,
          )
        ).map((row) => row.record);
      }),
    getFollowUp: (id) =>
      run(
        "reading a follow-up task",
        "read",
        async () =>
          (
            await rows<{ record: CustomerFollowUp }>("SELECT record FROM lutin_follow_ups WHERE id = $1", [
              identityText(id),
            ])
          )[0]?.record,
      ),
    putFollowUp: (task) =>
      run("storing a follow-up task", "write", async () => {
        await pool.query(
          `INSERT INTO lutin_follow_ups (id, tenant, status, revision, updated_at, record)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, status = excluded.status,
             revision = excluded.revision, updated_at = excluded.updated_at, record = excluded.record`,
          followUpColumns(task),
        );
      }),
    replaceFollowUp: (task, readRevision) =>
      run("changing a follow-up task", "write", () =>
        changed(
          `UPDATE lutin_follow_ups SET tenant = $2, status = $3, revision = $4, updated_at = $5, record = $6
           WHERE id = $1 AND revision = $7`,
          [...followUpColumns(revisedAfter(task, readRevision)), readRevision],
        ),
      ),
    listFollowUps: (tenant) =>
      run("listing follow-up tasks", "read", async () =>
        (tenant === undefined
          ? await rows<{ record: CustomerFollowUp }>(
              "SELECT record FROM lutin_follow_ups ORDER BY updated_at, id",
              [],
            )
          : await rows<{ record: CustomerFollowUp }>(
              "SELECT record FROM lutin_follow_ups WHERE tenant = $1 ORDER BY updated_at, id",
              [identityText(tenant)],
            )
        ).map((row) => row.record),
      ),
    getPresence: (tenant, agent) =>
      run(
        "reading an agent's presence",
        "read",
        async () =>
          (
            await rows<{ record: AgentPresence }>(
              "SELECT record FROM lutin_agent_presence WHERE tenant = $1 AND agent = $2",
              [identityText(tenant), identityText(agent)],
            )
          )[0]?.record.presence,
      ),
    putPresence: (tenant, agent, presence) =>
      run("storing an agent's presence", "write", async () => {
        const record: AgentPresence = { tenant, agent, presence };
        await pool.query(
          `INSERT INTO lutin_agent_presence (tenant, agent, record) VALUES ($1, $2, $3)
           ON CONFLICT (tenant, agent) DO UPDATE SET record = excluded.record`,
          [identityText(tenant), identityText(agent), recordText(record)],
        );
      }),
    listPresence: (tenant) =>
      run("listing agents' presence", "read", async () =>
        (tenant === undefined
          ? await rows<{ record: AgentPresence }>(
              "SELECT record FROM lutin_agent_presence ORDER BY tenant, agent",
              [],
            )
          : await rows<{ record: AgentPresence }>(
              "SELECT record FROM lutin_agent_presence WHERE tenant = $1 ORDER BY agent",
              [identityText(tenant)],
            )
        ).map((row) => row.record),
      ),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruning);
      await Promise.allSettled([...inFlight]);
      if (ownsPool) await pool.end();
      else pool.off("error", ignoreIdleError);
    },
  };
}
