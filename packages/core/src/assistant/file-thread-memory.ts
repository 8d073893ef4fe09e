import { join } from "node:path";
import { type Clock, DAY, systemClock } from "../clock.js";
import { openJsonCollection } from "../store/json-collection-file.js";
import { copyJson } from "../util/json-copy.js";
import type { ThreadMemory, ThreadMemoryRecord } from "./thread-memory.js";
import { threadMemoryDelta } from "./thread-memory-delta.js";

export const THREAD_MEMORY_FILE_NAME = "thread-memory.json";

export interface FileThreadMemoryOptions {
  /** The store's data directory; the caller holds its lock (openLowdbStore takes it). */
  dataDir: string;
  clock?: Clock;
  /** Threads idle for longer are forgotten (their window and flow state); default 7 days. */
  retentionMs?: number;
}

/** Thread memory in one durable JSON file beside lutin.json; each `save` resolves once on disk. */
export async function openFileThreadMemory(options: FileThreadMemoryOptions): Promise<ThreadMemory> {
  const clock = options.clock ?? systemClock;
  const retentionMs = options.retentionMs ?? 7 * DAY;
  const file = join(options.dataDir, THREAD_MEMORY_FILE_NAME);
  const threads = await openJsonCollection<ThreadMemoryRecord>({
    file,
    directory: options.dataDir,
    format: "lutingenie-thread-memory",
    expiresAt: (record) => record.updatedAt + retentionMs,
    now: () => clock.now(),
    delta: threadMemoryDelta,
    copyOut: loadedRecord,
    corruptHint: `move ${file} aside: it only holds context windows and flow states, which start afresh`,
  });
  return {
    load: async (threadKey) => threads.get(threadKey),
    // Handed over, not copied: ThreadMemory's callers are done with a record once they save it.
    save: (threadKey, record) => threads.adopt(threadKey, record),
    close: () => threads.close(),
  };
}

/**
 * A loaded record of the caller's own: its lists are new arrays, everything else a deep copy, but the
 * window's messages are the stored ones (WindowMessage is read-only, and nothing changes a message in
 * place). A turn then copies a few fields instead of its whole window, and the next save's journal
 * delta (thread-memory-delta.ts) finds the kept messages by identity.
 */
function loadedRecord(stored: ThreadMemoryRecord): ThreadMemoryRecord {
  const record: ThreadMemoryRecord = copyJson({ ...stored, window: [], answered: [] });
  record.window = stored.window.slice();
  record.answered = stored.answered.slice();
  return record;
}
