import {
  type ArchiveReport,
  type Clock,
  type ConversationCounter,
  errorFields,
  type Logger,
  type LowdbStore,
} from "@lutingenie/core";

/** What one maintenance run did (counts only: no ids or texts go to the log). */
export interface MaintenanceReport {
  at: number;
  /** Conversations the C2 inactivity sweep ended (C8 cancels the unanswered ones among them). */
  ended: number;
  archive: ArchiveReport;
}

export interface StoreMaintenance {
  /** Runs now, or shares the run under way (runs never overlap); null if the run failed (it is logged). */
  run(): Promise<MaintenanceReport | null>;
  /** No run starts after this; resolves once the run under way, if any, has finished. */
  stop(): Promise<void>;
}

/**
 * Keeps `lutin.json` small while the server runs (ARCHITECTURE.md: the hot file is rewritten on every
 * snapshot, so its size is the cost of every write). Each run first ends conversations idle for more than
 * 30 minutes (C2: without it an abandoned conversation never ends, so it is never settled and never leaves
 * the hot file), then archives what is settled and the billing periods that are closed. One run at start,
 * then one every `intervalMs` after the previous one finished, so a slow run (a big archive on a slow disk)
 * never overlaps the next. A failure is logged and the next run tries again: archiving is housekeeping,
 * never a reason to stop serving.
 */
export function startStoreMaintenance(options: {
  /** Only archiving is needed: a store that keeps everything (PostgreSQL) answers with an empty report. */
  store: Pick<LowdbStore, "archiveSettled">;
  counter: ConversationCounter;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
}): StoreMaintenance {
  const { store, counter, clock, logger, intervalMs } = options;
  let running: Promise<MaintenanceReport | null> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const once = async (): Promise<MaintenanceReport | null> => {
    const at = clock.now();
    try {
      const ended = await counter.settle(at);
      const archive = await store.archiveSettled(at);
      const moved = archive.periods.reduce(
        (sum, period) => ({
          conversations: sum.conversations + period.conversations,
          ledger: sum.ledger + period.ledger,
        }),
        { conversations: 0, ledger: 0 },
      );
      if (ended.length > 0 || archive.periods.length > 0 || archive.dormantThreads > 0)
        logger.info("store maintenance", {
          ended: ended.length,
          archivedPeriods: archive.periods.length,
          archivedConversations: moved.conversations,
          archivedLedgerRows: moved.ledger,
          dormantThreads: archive.dormantThreads,
          processedKeysPruned: archive.processedKeysPruned,
          bytesBefore: archive.bytesBefore,
          bytesAfter: archive.bytesAfter,
        });
      return { at, ended: ended.length, archive };
    } catch (error) {
      logger.error("store maintenance failed; it runs again at the next interval", errorFields(error));
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

  const run = (): Promise<MaintenanceReport | null> => {
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
