import { createHash } from "node:crypto";
import { type ChannelAdapter, type CoreHandle, threadKeyOf } from "@lutingenie/core";
import type pg from "pg";
import { isConnectionProblem } from "./postgres-errors.js";

/**
 * The first key of the two-key advisory locks that hold a thread's turn. The store's commit locks use the
 * one-key (bigint) space, which PostgreSQL keeps apart from the two-key one: a turn's lock never meets the
 * lock its own commit takes on another connection (that would wait on itself).
 */
const TURN_LOCK_NAMESPACE = 0x4c75_7475;

/** How long a turn waits for another instance's turn of the same thread before failing (the channel then retries). */
const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

export interface ThreadTurnsOptions {
  /** A pool of its own: each running turn holds one connection for its length (see below). */
  pool: pg.Pool;
  lockTimeoutMs?: number;
}

export interface ThreadTurns {
  /** Runs `work` as the thread's only turn on every instance of the database; turns of other threads run alongside. */
  run<T>(threadKey: string, work: () => Promise<T>): Promise<T>;
}

/** The thread's second lock key: 32 bits of its SHA-256 (two threads sharing one only take turns). */
function lockKeyOf(threadKey: string): number {
  return createHash("sha256").update(threadKey).digest().readInt32BE(0);
}

/**
 * C11, C12 across instances: one turn per thread at a time on every process of the database, so that an
 * event delivered to two instances at once (a widget that reconnected elsewhere, a platform's retry landing
 * on another instance) is answered once: the second turn starts after the first saved its memory and finds
 * the message answered. Core serializes a thread's events in its process only.
 *
 * The lock is a transaction-level advisory lock held by an open transaction for the turn's length (never
 * a session-level lock): if the instance dies (kill -9), its connection closes, PostgreSQL ends the
 * transaction and the next instance's turn starts at once. Counting never depends on it: the store's own
 * commit is exactly-once by itself (C11, C12); this only keeps replies single. Inside one process the
 * turns of a thread queue here first, so a thread holds at most one connection per process.
 */
export function createThreadTurns(options: ThreadTurnsOptions): ThreadTurns {
  const { pool } = options;
  const timeout = Math.max(1, Math.floor(options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS));
  const tails = new Map<string, Promise<unknown>>();

  async function locked<T>(threadKey: string, work: () => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      // One round trip: both values are numbers made here, never text from outside.
      await client.query(
        `BEGIN; SET LOCAL lock_timeout = ${timeout}; SELECT pg_advisory_xact_lock(${TURN_LOCK_NAMESPACE}, ${lockKeyOf(threadKey)})`,
      );
      try {
        return await work();
      } finally {
        // The transaction wrote nothing: ending it only lets the next turn in.
        await client.query("COMMIT").catch((error: Error) => {
          broken = error;
        });
      }
    } catch (error) {
      if (broken === undefined && isConnectionProblem(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  return {
    run(threadKey, work) {
      const previous = tails.get(threadKey);
      const turn = () => locked(threadKey, work);
      const result = previous === undefined ? turn() : previous.then(turn, turn);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(threadKey, tail);
      void tail.then(() => {
        if (tails.get(threadKey) === tail) tails.delete(threadKey);
      });
      return result;
    },
  };
}

/**
 * The adapter with every event it receives run as its thread's turn across instances (createThreadTurns).
 * Everything else (send, agents, follow-ups, stop) is the adapter's own. An event without the fields of
 * a thread goes straight to core, which refuses it with its own error.
 */
export function withTurnsAcrossInstances(adapter: ChannelAdapter, turns: ThreadTurns): ChannelAdapter {
  const wrapped: ChannelAdapter = {
    channel: adapter.channel,
    start(core: CoreHandle) {
      return adapter.start({
        ...core,
        receive(event) {
          const { tenant = "default", channel = adapter.channel, thread } = event;
          if (typeof tenant !== "string" || typeof channel !== "string" || typeof thread !== "string")
            return core.receive(event);
          return turns.run(threadKeyOf({ tenant, channel, thread }), () => core.receive(event));
        },
      });
    },
    stop: () => adapter.stop(),
    send: (message) => adapter.send(message),
    ...(adapter.agents === undefined ? {} : { agents: adapter.agents }),
    ...(adapter.followUps === undefined ? {} : { followUps: adapter.followUps }),
  };
  return wrapped;
}
