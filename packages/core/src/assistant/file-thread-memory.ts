import { join } from "node:path";
import { type Clock, DAY, systemClock } from "../clock.js";
import { DurableJsonFile, makeDirectoryDurably } from "../store/durable-file.js";
import { parseStoreJson, storeClosed, storeCorrupt, storeWriteFailed } from "../store/errors.js";
import { GroupCommit } from "../store/group-commit.js";
import type { ThreadMemory, ThreadMemoryRecord } from "./thread-memory.js";

export const THREAD_MEMORY_FILE_NAME = "thread-memory.json";
const FORMAT = "lutingenie-thread-memory";

interface ThreadMemoryDocument {
  format: typeof FORMAT;
  version: 1;
  threads: Record<string, ThreadMemoryRecord>;
}

export interface FileThreadMemoryOptions {
  /** The store's data directory; the caller holds its lock (openLowdbStore takes it). */
  dataDir: string;
  clock?: Clock;
  /** Threads idle for longer are forgotten (their window and flow state); default 7 days. */
  retentionMs?: number;
}

/**
 * Thread memory in one JSON file beside lutin.json, written like the store's: group commit, temp file,
 * fsync, rename, so a crash never leaves it half-written and each `save` resolves once on disk.
 */
export async function openFileThreadMemory(options: FileThreadMemoryOptions): Promise<ThreadMemory> {
  const clock = options.clock ?? systemClock;
  const retentionMs = options.retentionMs ?? 7 * DAY;
  await makeDirectoryDurably(options.dataDir);
  const path = join(options.dataDir, THREAD_MEMORY_FILE_NAME);
  const file = new DurableJsonFile<ThreadMemoryDocument>(path, {
    parse: (text) => parseDocument(path, text),
  });
  const loaded = await file.read();
  const threads = new Map(Object.entries(loaded?.threads ?? {}));
  let closed = false;

  const forgetIdle = () => {
    const oldest = clock.now() - retentionMs;
    for (const [key, record] of threads) if (record.updatedAt < oldest) threads.delete(key);
  };
  forgetIdle();

  let durable = new Map(threads);
  const committer = new GroupCommit({
    flush: () => {
      forgetIdle();
      const snapshot = new Map(threads);
      return file.write({ format: FORMAT, version: 1, threads: Object.fromEntries(snapshot) }).then(() => {
        durable = snapshot;
      });
    },
    rollback: () => {
      threads.clear();
      for (const [key, record] of durable) threads.set(key, record);
    },
    toError: (error) => storeWriteFailed(path, error),
  });

  return {
    async load(threadKey) {
      if (closed) throw storeClosed("thread memory");
      const record = threads.get(threadKey);
      return record === undefined ? undefined : structuredClone(record);
    },
    save(threadKey, record) {
      if (closed) return Promise.reject(storeClosed("thread memory"));
      threads.set(threadKey, structuredClone(record));
      return committer.commit();
    },
    async close() {
      closed = true;
    },
  };
}

function parseDocument(path: string, text: string): ThreadMemoryDocument {
  const value = parseStoreJson(path, text) as Partial<ThreadMemoryDocument> | null;
  if (
    value === null ||
    typeof value !== "object" ||
    value.format !== FORMAT ||
    typeof value.threads !== "object"
  )
    throw storeCorrupt(
      path,
      `not a ${FORMAT} document`,
      undefined,
      `move ${path} aside: it only holds context windows, which are rebuilt as customers write`,
    );
  return value as ThreadMemoryDocument;
}
