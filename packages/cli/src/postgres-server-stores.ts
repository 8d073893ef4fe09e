import { mkdir } from "node:fs/promises";
import type { OpenServerStores } from "@lutingenie/adapter-web";
import {
  createPostgresConversationLog,
  createPostgresStore,
  createPostgresThreadMemory,
  createThreadTurns,
  openPostgresDeskFeed,
  openPostgresEscalationStore,
  sharedSecret,
  VISITOR_SECRET_NAME,
  withTurnsAcrossInstances,
} from "@lutingenie/store-postgres";
import pg from "pg";
import { databaseLocation } from "./database-url.js";

/** lowdb's default processedKeyRetentionDays (7), the same on PostgreSQL. */
const PROCESSED_KEY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface PostgresServerStoresOptions {
  /** LUTIN_DATABASE_URL, checked (databaseUrlFrom). */
  url: string;
  /** Connections for the store and thread memory (default 10). */
  poolSize?: number;
  /** Connections for running turns: one per thread in its turn at once (default 32). */
  turnPoolSize?: number;
  /**
   * LUTIN_DATABASE_LISTEN_URL: a direct session for the desk feed's LISTEN when `url` goes through a
   * transaction-pooling PgBouncer (LISTEN needs a session of its own). Default: `url`.
   */
  listenUrl?: string;
}

/**
 * `lutin serve` on PostgreSQL: the Store, the thread memory and the visitor secret in the database, so
 * that any number of instances serve the same tenants; a thread's turns take turns across them
 * (withTurnsAcrossInstances). Opening migrates the schema (or refuses one newer than this code,
 * STORE_SCHEMA_TOO_NEW); a database that cannot be reached is STORE_UNAVAILABLE.
 *
 * The agents' side is in the database too: agents, presence, handoffs and follow-up tasks
 * (openPostgresEscalationStore: the first Accept wins across instances), and the desk feed that wakes the
 * other instances (a reply for a widget another instance holds, a console to refresh). The data directory
 * stays per instance (last-audit.json); the dashboard's conversation log is in the database.
 */
export function openPostgresServerStores(options: PostgresServerStoresOptions): OpenServerStores {
  return async (config, { clock, logger }) => {
    const where = databaseLocation(options.url);
    const store = await createPostgresStore({
      connectionString: options.url,
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    });
    const turnPool = new pg.Pool({
      connectionString: options.url,
      max: options.turnPoolSize ?? 32,
      application_name: "lutingenie-turns",
    });
    // A turn connection the server drops (restart, failover) fails that turn only, never the process.
    turnPool.on("error", () => undefined);
    try {
      await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
      const escalationStore = await openPostgresEscalationStore({ pool: store.pool });
      const deskFeed = await openPostgresDeskFeed({
        pool: store.pool,
        logger,
        ...(options.listenUrl === undefined ? {} : { listenConnectionString: options.listenUrl }),
      });
      const turns = createThreadTurns({ pool: turnPool });
      const conversationLog = createPostgresConversationLog({
        pool: store.pool,
        where,
        ...(clock ? { clock } : {}),
      });
      return {
        describe: `database ${where}`,
        store,
        memory: createPostgresThreadMemory({ pool: store.pool, where, ...(clock ? { clock } : {}) }),
        escalationStore,
        deskFeed,
        visitorSecret: () => sharedSecret(store.pool, VISITOR_SECRET_NAME),
        // The database keeps every period: nothing moves out of a hot file. C11's keys are forgotten after
        // the same retention as on lowdb (platforms retry for minutes, not days).
        archiveSettled: async (now) => ({
          now,
          periods: [],
          processedKeysPruned: await store.pruneProcessedKeys(now - PROCESSED_KEY_RETENTION_MS),
          dormantThreads: 0,
          bytesBefore: 0,
          bytesAfter: 0,
        }),
        wrapAdapter: (adapter) => withTurnsAcrossInstances(adapter, turns),
        conversationLog,
        async close() {
          await conversationLog.close().catch(() => undefined);
          await deskFeed.close().catch(() => undefined);
          await escalationStore.close().catch(() => undefined);
          await turnPool.end().catch(() => undefined);
          await store.close();
        },
      };
    } catch (error) {
      await turnPool.end().catch(() => undefined);
      await store.close().catch(() => undefined);
      throw error;
    }
  };
}
