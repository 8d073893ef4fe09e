export interface GroupCommitOptions {
  /**
   * Writes the current state durably. Must take its snapshot synchronously when called: every change
   * applied before the call is in the write, every change after it waits for the next one.
   */
  flush: () => Promise<void>;
  /**
   * Called synchronously when a flush fails, before any waiter is rejected: the state must go back to
   * what is on disk. That also drops the changes of the callers waiting for the next flush, so they
   * are rejected with the same error.
   */
  rollback: (error: unknown) => void;
  /** Turns the flush's error into what the callers see. */
  toError?: (error: unknown) => unknown;
  /** true (default): one flush serves every caller that arrived meanwhile; false: one flush per caller. */
  grouped?: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitStats {
  /** Calls to `commit()`. */
  requests: number;
  /** Flushes started. */
  flushes: number;
  failedFlushes: number;
  /** Most callers one flush has served. */
  largestBatch: number;
}

/**
 * Group commit: callers change the in-memory state, then `await commit()`, which resolves once a flush
 * that started after their change has completed. While one flush runs, the callers that arrive form
 * the next batch, so under load the number of file writes stays near (time of the run / time of one
 * write) instead of one per caller, and an idle store adds no delay beyond one event-loop turn.
 */
export class GroupCommit {
  readonly #options: GroupCommitOptions;
  readonly #grouped: boolean;
  #waiting: Waiter[] = [];
  #running: Promise<void> | null = null;
  readonly stats: GroupCommitStats = { requests: 0, flushes: 0, failedFlushes: 0, largestBatch: 0 };

  constructor(options: GroupCommitOptions) {
    this.#options = options;
    this.#grouped = options.grouped ?? true;
  }

  /** Resolves once the state as it is now is durable; rejects if that write failed. */
  commit(): Promise<void> {
    this.stats.requests++;
    const done = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
    });
    this.#running ??= this.#run();
    return done;
  }

  /** Whether a flush is running or waiting: some applied changes may not be on disk yet. */
  get busy(): boolean {
    return this.#running !== null;
  }

  /** Resolves when no flush is running or waiting (whatever its outcome). */
  async idle(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  async #run(): Promise<void> {
    try {
      // Let the callers of this event-loop turn join the first batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.#waiting.length > 0) {
        const batch = this.#grouped ? this.#waiting.splice(0) : this.#waiting.splice(0, 1);
        this.stats.flushes++;
        this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
        let failure: { error: unknown } | null = null;
        try {
          await this.#options.flush();
        } catch (error) {
          failure = { error };
        }
        if (failure === null) {
          for (const waiter of batch) waiter.resolve();
          continue;
        }
        this.stats.failedFlushes++;
        const error = this.#options.toError ? this.#options.toError(failure.error) : failure.error;
        try {
          this.#options.rollback(failure.error);
        } catch {
          // Rejecting every waiter matters more than the rollback's own failure (it has none by design).
        }
        const lost = this.#waiting.splice(0);
        for (const waiter of [...batch, ...lost]) waiter.reject(error);
      }
    } finally {
      this.#running = null;
    }
  }
}
