import { randomUUID } from "node:crypto";
import {
  type DeskFeed,
  type DeskFeedEvent,
  type DeskFeedListener,
  dispatchDeskEvent,
  errorFields,
  type Logger,
  LutinError,
  silentLogger,
  storeClosed,
} from "@lutingenie/core";
import pg from "pg";
import { z } from "zod";
import { connectionTarget } from "./connection-target.js";
import { DESK_FEED_CHANNEL } from "./desk-migrations.js";
import { migrate } from "./migrations.js";
import { storeFailure } from "./postgres-errors.js";

const optionsSchema = z
  .object({
    /** postgres://… for publishing and reading (may go through PgBouncer, any pooling mode). */
    connectionString: z.string().min(1, "connectionString must not be empty").optional(),
    /** A pool of your own for publishing and reading, e.g. the Store's (`store.pool`). */
    pool: z.custom<pg.Pool>((value) => value instanceof pg.Pool, "pool must be a pg.Pool").optional(),
    /**
     * The connection that LISTENs: it must be a session of its own, straight to PostgreSQL or through a
     * session-pooled PgBouncer database, never transaction pooling. Default: connectionString (or the pool's).
     */
    listenConnectionString: z.string().min(1, "listenConnectionString must not be empty").optional(),
    /** Re-read from the cursor this often even without a NOTIFY (a lost hint costs at most this). */
    pollIntervalMs: z.number().int().min(10).default(1_000),
    /** First wait before reconnecting a dropped LISTEN connection; doubles up to 10 s. */
    reconnectDelayMs: z.number().int().min(1).default(250),
    /** Rows older than this are deleted: the feed carries live relays, the truth is in the stores. */
    retentionMs: z
      .number()
      .int()
      .min(1_000)
      .default(15 * 60 * 1000),
    /** This server's id on the feed; default random. */
    instance: z.string().min(1).max(200).optional(),
    logger: z.custom<Logger>((value) => typeof value === "object" && value !== null).optional(),
    migrate: z.boolean().default(true),
  })
  .strict()
  .refine((options) => (options.connectionString === undefined) !== (options.pool === undefined), {
    message: "give exactly one of connectionString and pool",
  });

export type PostgresDeskFeedOptions = z.input<typeof optionsSchema>;

export interface PostgresDeskFeed extends DeskFeed {
  /** The backend process id of the LISTEN connection now (null while reconnecting): for tests and diagnostics. */
  listenerProcessId(): number | null;
  /** Reads from the cursor now (what a hint or the timer does). */
  catchUp(): Promise<void>;
}

/** Rows read per query while catching up. */
const PAGE = 500;
const MAX_RECONNECT_DELAY_MS = 10_000;
const PRUNE_INTERVAL_MS = 60_000;

const eventSchema = z.object({ kind: z.string(), channel: z.string() }).passthrough();

/**
 * The desk feed on PostgreSQL. `publish` appends a row (lutin_desk_publish: positions committed in order)
 * and NOTIFYs. Each server keeps the last position it read; it reads on from there on every NOTIFY, on a
 * timer, and after its LISTEN connection comes back. NOTIFY is only a hint: one that is lost (a dropped
 * connection, a restart of the listener) delays an event by at most the poll interval, never loses it.
 * Events from before the server joined are not replayed: the feed is for what happens while it runs.
 */
export async function openPostgresDeskFeed(options: PostgresDeskFeedOptions): Promise<PostgresDeskFeed> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success)
    throw new LutinError(
      "CONFIG_INVALID",
      `invalid PostgreSQL desk feed options: ${parsed.error.issues
        .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "options"}: ${issue.message}`)
        .join("; ")}`,
      {
        hint: "pass { connectionString } or { pool }, and listenConnectionString for a direct connection when the others go through PgBouncer",
      },
    );
  const config = parsed.data;
  const logger = config.logger ?? silentLogger;
  const instance = config.instance ?? randomUUID();
  const ownsPool = config.pool === undefined;
  const pool =
    config.pool ??
    new pg.Pool({ connectionString: config.connectionString, max: 3, application_name: "lutingenie-desk" });
  const ignoreIdleError = () => undefined;
  pool.on("error", ignoreIdleError);
  const where = connectionTarget(config.connectionString, pool);
  const listenConfig: pg.ClientConfig = {
    ...(config.listenConnectionString === undefined
      ? config.connectionString === undefined
        ? pool.options
        : { connectionString: config.connectionString }
      : { connectionString: config.listenConnectionString }),
    application_name: "lutingenie-desk-listener",
  };

  const listeners = new Set<DeskFeedListener>();
  let closed = false;
  /** The last position read: every row up to it has been seen (publications commit in position order). */
  let cursor = "0";
  let listener: pg.Client | null = null;
  let listenerPid: number | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let reconnectDelay = config.reconnectDelayMs;
  let reading: Promise<void> | null = null;
  let readAgain = false;
  /** Reads keep failing (the database is down): said once, not at every tick, and said again when it is over. */
  let failing = false;

  const readPage = async (): Promise<number> => {
    const { rows } = await pool.query<{ position: string; origin: string; event: unknown }>(
      // Ordered by the bigint column, not by the text alias of the same name (which sorts '10' before '2').
      `SELECT feed.position::text AS position, feed.origin, feed.event FROM lutin_desk_feed AS feed
       WHERE feed.position > $1::bigint ORDER BY feed.position LIMIT $2`,
      [cursor, PAGE],
    );
    for (const row of rows) {
      cursor = row.position;
      if (row.origin === instance) continue;
      const checked = eventSchema.safeParse(row.event);
      if (!checked.success) {
        logger.warn("desk feed row skipped: not an event", { position: row.position });
        continue;
      }
      dispatchDeskEvent(listeners, checked.data as DeskFeedEvent);
    }
    return rows.length;
  };

  /** One reader at a time; a hint during a read makes it read once more, so nothing waits for the timer. */
  const catchUp = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (reading !== null) {
      readAgain = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          readAgain = false;
          while ((await readPage()) === PAGE && !closed) {}
        } while (readAgain && !closed);
        if (failing) logger.info("desk feed reads again", { position: cursor });
        failing = false;
      } catch (error) {
        if (!failing)
          logger.warn("desk feed read failed; every hint and tick reads again", errorFields(error));
        failing = true;
      } finally {
        reading = null;
      }
    })();
    return reading;
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer !== null) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void listen();
    }, reconnectDelay);
    reconnectTimer.unref();
    reconnectDelay = Math.min(reconnectDelay * 2, MAX_RECONNECT_DELAY_MS);
  };

  /** Opens the LISTEN connection; on success reads from the cursor (what was published while it was down). */
  const listen = async (): Promise<void> => {
    const client = new pg.Client(listenConfig);
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (listener === client) {
        listener = null;
        listenerPid = null;
      }
      client.end().catch(() => undefined);
      if (!closed) {
        logger.warn("desk feed listener disconnected; reconnecting", {});
        scheduleReconnect();
      }
    };
    client.on("error", onLost);
    client.on("end", onLost);
    client.on("notification", () => void catchUp());
    try {
      await client.connect();
      await client.query(`LISTEN ${DESK_FEED_CHANNEL}`);
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      if (closed) {
        await client.end();
        return;
      }
      listener = client;
      listenerPid = rows[0]?.pid ?? null;
      reconnectDelay = config.reconnectDelayMs;
      // Hints sent while no connection listened are gone: the cursor finds their rows.
      await catchUp();
    } catch (error) {
      logger.warn("desk feed listener could not connect", errorFields(error));
      onLost();
    }
  };

  try {
    if (config.migrate) {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    }
    const { rows } = await pool.query<{ position: string }>(
      "SELECT coalesce(max(position), 0)::text AS position FROM lutin_desk_feed",
    );
    cursor = rows[0]?.position ?? "0";
  } catch (error) {
    closed = true;
    if (ownsPool) await pool.end().catch(() => undefined);
    else pool.off("error", ignoreIdleError);
    throw storeFailure("opening the desk feed", "read", where, error);
  }
  await listen();
  const poll = setInterval(() => void catchUp(), config.pollIntervalMs);
  poll.unref();
  const prune = setInterval(() => {
    pool
      .query(
        "DELETE FROM lutin_desk_feed WHERE published_at < now() - $1::bigint * interval '1 millisecond'",
        [config.retentionMs],
      )
      .catch((error: unknown) => logger.warn("desk feed pruning failed", errorFields(error)));
  }, PRUNE_INTERVAL_MS);
  prune.unref();

  return {
    instance,
    async publish(event) {
      if (closed) throw storeClosed("PostgreSQL desk feed");
      try {
        await pool.query("SELECT lutin_desk_publish($1, $2::json)", [instance, JSON.stringify(event)]);
      } catch (error) {
        throw storeFailure("publishing to the desk feed", "write", where, error);
      }
    },
    subscribe(listenerFunction) {
      listeners.add(listenerFunction);
      return () => void listeners.delete(listenerFunction);
    },
    listenerProcessId: () => listenerPid,
    catchUp,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      clearInterval(prune);
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      await reading;
      listeners.clear();
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
      if (ownsPool) await pool.end();
      else pool.off("error", ignoreIdleError);
    },
  };
}
