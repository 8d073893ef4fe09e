import { errorFields, type Logger } from "@lutingenie/core";

/** How often expired adapter records are deleted: hourly, like the store maintenance of `serve`. */
export const ADAPTER_STATE_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface AdapterStatePruning {
  /** Runs a prune now (or joins the one under way); the number of records deleted, null when it failed. */
  run(): Promise<number | null>;
  /** No further run; waits for the one under way, so the pool can be ended after it. */
  stop(): Promise<void>;
}

/**
 * Deletes the adapters' expired records (Slack task links, Teams references) at start and then every
 * `intervalMs` after the previous run finished. Reads already skip expired records: pruning only keeps the
 * table from growing. A failure is logged and the next run tries again; it never stops the server.
 */
export function startAdapterStatePruning(options: {
  prune: () => Promise<number>;
  logger: Logger;
  intervalMs?: number;
}): AdapterStatePruning {
  const intervalMs = options.intervalMs ?? ADAPTER_STATE_PRUNE_INTERVAL_MS;
  let running: Promise<number | null> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const once = async (): Promise<number | null> => {
    try {
      const deleted = await options.prune();
      if (deleted > 0) options.logger.info("adapter state pruned", { deleted });
      return deleted;
    } catch (error) {
      options.logger.error(
        "adapter state prune failed; it runs again at the next interval",
        errorFields(error),
      );
      return null;
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, intervalMs);
    // Housekeeping never keeps the process alive on its own.
    timer.unref();
  };

  const run = (): Promise<number | null> => {
    if (running !== null) return running;
    if (stopped) return Promise.resolve(null);
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    running = once().finally(() => {
      running = null;
      schedule();
    });
    return running;
  };

  void run();
  return {
    run,
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
