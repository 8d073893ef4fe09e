import type pg from "pg";
import { isConnectionProblem, isRetryable } from "./postgres-errors.js";

export type IsolationLevel = "read committed" | "repeatable read" | "serializable";

export interface TransactionOptions {
  /** Attempts after the first one on a serialization failure (40001) or a deadlock (40P01). */
  retries: number;
  isolation?: IsolationLevel;
  /** Called before each new attempt (tests count them). */
  onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Runs `work` in one transaction on a client of `pool`: COMMIT when it returns, ROLLBACK when it throws.
 * A serialization failure or a deadlock lost the race and kept nothing: the whole transaction runs
 * again, up to `retries` more times, after a short random pause so that the two sides do not collide
 * again in step.
 */
export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(
        options.isolation === undefined ? "BEGIN" : `BEGIN ISOLATION LEVEL ${options.isolation}`,
      );
      let result: T;
      try {
        result = await work(client);
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
      await client.query("COMMIT");
      return result;
    } catch (error) {
      if (!isRetryable(error) || attempt >= options.retries) {
        // A client whose connection failed must not go back to the pool for the next caller.
        if (broken === undefined && isConnectionProblem(error)) broken = error as Error;
        throw error;
      }
      options.onRetry?.(error, attempt + 1);
    } finally {
      client.release(broken);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
  }
}

/**
 * One statement in its own transaction (a function call doing a whole commit), run again like
 * `transaction` when it loses a race: a single statement is rolled back whole by the server.
 */
export async function statement<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  sql: string,
  values: unknown[],
  options: TransactionOptions,
): Promise<pg.QueryResult<R>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await pool.query<R>(sql, values);
    } catch (error) {
      if (!isRetryable(error) || attempt >= options.retries) throw error;
      options.onRetry?.(error, attempt + 1);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
  }
}
