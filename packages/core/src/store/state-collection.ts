import { join } from "node:path";
import {
  createMemoryJsonCollection,
  type JsonCollection,
  openJsonCollection,
} from "./json-collection-file.js";

/**
 * An adapter's own state (Teams' conversation references and cards, Slack's message links and presence
 * declarations) as JSON records by key. Async, so that a store several servers share (PostgreSQL) can
 * hold it; the embedded default keeps each collection in its file of the data directory, as before.
 */
export interface StateCollection<T> {
  /** The record, or undefined when absent or expired. */
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T): Promise<void>;
  /**
   * Creates `key` only if it is absent or expired; true when this call created it. Atomic: of several
   * callers at once (several servers, for a shared store) exactly one gets true.
   */
  add(key: string, value: T): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every record not expired (in no particular order). */
  values(): Promise<T[]>;
  close(): Promise<void>;
}

export interface StateCollectionSpec<T> {
  /** The collection's name: its file `<name>.json` in the data directory, or its namespace in a database. */
  name: string;
  /** Written into the file and checked on load, so a wrong file is refused instead of misread. */
  format: string;
  /** When a record expires (ms since the epoch; Infinity or absent: never). */
  expiresAt?: (value: T) => number;
  /** Permission bits of the file (0o600 for records holding what customers wrote). */
  fileMode?: number;
  /** What to tell the operator when the file is unreadable. */
  corruptHint?: string;
}

/** Where adapters' state collections live: files of the data directory, memory, or a shared database. */
export interface StateCollections {
  open<T>(spec: StateCollectionSpec<T>): Promise<StateCollection<T>>;
}

/**
 * A JsonCollection (one process) seen as a StateCollection: the check and the write of `add` happen with
 * no await between them, so nothing else in the process runs in between.
 */
function overJsonCollection<T>(
  collection: JsonCollection<T>,
  spec: StateCollectionSpec<T>,
  now: () => number,
): StateCollection<T> {
  const live = (value: T | undefined): T | undefined =>
    value !== undefined && (spec.expiresAt?.(value) ?? Number.POSITIVE_INFINITY) <= now() ? undefined : value;
  return {
    get: async (key) => live(collection.get(key)),
    set: (key, value) => collection.set(key, value),
    add(key, value) {
      if (live(collection.get(key)) !== undefined) return Promise.resolve(false);
      return collection.set(key, value).then(() => true);
    },
    delete: (key) => collection.delete(key),
    values: async () => collection.values().filter((value) => live(value) !== undefined),
    close: () => collection.close(),
  };
}

/** Each collection in `<name>.json` (and its journal) of the data directory: the files adapters always wrote. */
export function fileStateCollections(options: { dataDir: string; now?: () => number }): StateCollections {
  const now = options.now ?? Date.now;
  return {
    async open<T>(spec: StateCollectionSpec<T>) {
      const file = join(options.dataDir, `${spec.name}.json`);
      const collection = await openJsonCollection<T>({
        file,
        directory: options.dataDir,
        format: spec.format,
        now,
        ...(spec.expiresAt === undefined ? {} : { expiresAt: spec.expiresAt }),
        ...(spec.fileMode === undefined ? {} : { fileMode: spec.fileMode }),
        ...(spec.corruptHint === undefined ? {} : { corruptHint: spec.corruptHint }),
      });
      return overJsonCollection(collection, spec, now);
    },
  };
}

/** One collection in memory only, ready at once (tests, no data directory): a restart forgets it. */
export function createMemoryStateCollection<T>(
  spec: StateCollectionSpec<T>,
  now: () => number = Date.now,
): StateCollection<T> {
  return overJsonCollection(createMemoryJsonCollection<T>(), spec, now);
}

/** Collections in memory only (tests, no data directory): a restart forgets them. */
export function memoryStateCollections(now: () => number = Date.now): StateCollections {
  return { open: async <T>(spec: StateCollectionSpec<T>) => createMemoryStateCollection(spec, now) };
}
