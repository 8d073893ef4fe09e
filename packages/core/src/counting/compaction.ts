import { DAY } from "../clock.js";
import { type FoldContext, foldEvents } from "./fold.js";
import { type FoldState, initialFoldState, type StoredEvent, type ThreadRecord } from "./thread-state.js";

export interface CompactionOptions {
  /** A thread's log is compacted once it holds more events than this. */
  maxEvents: number;
  /**
   * Events younger than this, measured from the thread's newest, are never compacted: a late event up
   * to this age still merges or splits conversations exactly (C13). Older ones are reported too late.
   */
  lateEventHorizonMs: number;
}

export const DEFAULT_COMPACTION: CompactionOptions = { maxEvents: 200, lateEventHorizonMs: DAY };

/**
 * Keeps a thread's log bounded by folding its oldest events into `base`. Only the starting point of
 * future refolds moves; no conversation changes. Every message in the folded prefix was folded before,
 * so its C6 verdict is cached and the prefix folds without asking the detector.
 */
export function compactThread(
  thread: ThreadRecord,
  context: FoldContext,
  options: CompactionOptions,
): ThreadRecord {
  if (thread.events.length <= options.maxEvents) return thread;
  const newest = thread.events[thread.events.length - 1] as StoredEvent;
  const cutoff = newest.at - options.lateEventHorizonMs;
  // Keep at least half the log, so that compaction does not run again on the next event.
  const limit = Math.floor(thread.events.length / 2);
  let split = 0;
  while (split < limit && (thread.events[split] as StoredEvent).at < cutoff) split += 1;
  if (split === 0) return thread;

  const prefix = thread.events.slice(0, split);
  const kept = thread.events.slice(split);
  const base = foldPrefix(thread.base ?? initialFoldState(), prefix, thread.events, {
    ...context,
    verdicts: thread.verdicts,
  });
  if (base === undefined) return thread;
  return pruneVerdicts({ ...thread, events: kept, base, horizon: (kept[0] as StoredEvent).at });
}

function foldPrefix(
  start: FoldState,
  prefix: readonly StoredEvent[],
  log: readonly StoredEvent[],
  context: FoldContext,
): FoldState | undefined {
  // C7: a failure logged later still applies to a message of the prefix, exactly as in a full refold.
  const failures = log.flatMap((event) =>
    event.kind === "delivery_failed" && event.ref !== null ? [event.ref] : [],
  );
  const outcome = foldEvents({ ...start, failedRefs: [...start.failedRefs, ...failures] }, prefix, {
    ...context,
    trackPlacements: false,
  });
  if (outcome.kind !== "done") return undefined;
  // A failure about a message of the prefix has done its work; the log's own failures are re-read at each refold.
  const prefixKeys = new Set(prefix.map((event) => event.key));
  outcome.state.failedRefs = outcome.state.failedRefs.filter((ref) => !prefixKeys.has(ref));
  return outcome.state;
}

/** Drops cached C6 verdicts of events no longer in the log. */
function pruneVerdicts(thread: ThreadRecord): ThreadRecord {
  const keys = Object.keys(thread.verdicts);
  if (keys.length === 0) return thread;
  const inLog = new Set(thread.events.map((event) => event.key));
  if (keys.every((key) => inLog.has(key))) return thread;
  const verdicts: ThreadRecord["verdicts"] = {};
  for (const key of keys) {
    const verdict = thread.verdicts[key];
    if (verdict !== undefined && inLog.has(key)) verdicts[key] = verdict;
  }
  return { ...thread, verdicts };
}
