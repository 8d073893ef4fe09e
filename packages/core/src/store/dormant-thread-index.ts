import { dirname, join } from "node:path";
import { ARCHIVE_DIRECTORY } from "./archive.js";
import { makeDirectoryDurably, readTextIfExists, type TextWriter, writeFileDurably } from "./durable-file.js";
import { parseStoreJson, storeCorrupt } from "./errors.js";

/*
 * Where each dormant thread was filed: thread key → [tenant, UTC day of its last activity]. It used to
 * live in lutin.json, where its ~100k entries (one per customer gone quiet) were serialised again on
 * every group commit although only archive runs change it. It now has its own file,
 * <dataDir>/archive/dormant-threads.json, written durably by archive runs only, before the threads leave
 * the hot file.
 *
 * The rule that keeps it right without ever being written on the hot path: a hot thread in lutin.json
 * wins over its entry here. A thread that becomes active again is simply hot again; its entry stays
 * (stale, never read while the thread is hot) until the thread goes dormant again and the entry is
 * replaced. So after a kill -9 at any moment the two files agree: an archive run writes the thread's day
 * file, then this index, then drops the thread from lutin.json; a crash before that last write leaves
 * the thread hot, which wins. A write of lutin.json that fails and is rolled back leaves the index as
 * it is, which is right for the same reason.
 */

export const DORMANT_THREADS_FILE_NAME = "dormant-threads.json";
export const DORMANT_THREADS_FORMAT = "lutingenie-dormant-threads";

export type DormantPlace = [tenant: string, day: string];

export function dormantThreadsFileOf(dataDir: string): string {
  return join(dataDir, ARCHIVE_DIRECTORY, DORMANT_THREADS_FILE_NAME);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPlace(value: unknown): value is DormantPlace {
  return (
    Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string"
  );
}

export function parseDormantThreads(file: string, text: string): Map<string, DormantPlace> {
  const value = parseStoreJson(file, text);
  if (!isObject(value) || value.format !== DORMANT_THREADS_FORMAT || !isObject(value.threads)) {
    throw storeCorrupt(file, "not a LutinGénie dormant thread index");
  }
  if (value.version !== 1) {
    throw storeCorrupt(file, `dormant thread index version ${String(value.version)} is not supported`);
  }
  const places = new Map<string, DormantPlace>();
  for (const key of Object.keys(value.threads)) {
    const place = value.threads[key];
    if (!isPlace(place))
      throw storeCorrupt(file, `the entry of thread ${JSON.stringify(key)} is not [tenant, day]`);
    places.set(key, place);
  }
  return places;
}

/** The index as this process knows it: always what the file holds (it changes only by `write`). */
export class DormantThreadIndex {
  readonly file: string;
  readonly #writer: TextWriter;
  #places: Map<string, DormantPlace>;

  private constructor(file: string, places: Map<string, DormantPlace>, writer: TextWriter) {
    this.file = file;
    this.#places = places;
    this.#writer = writer;
  }

  /** Reads the index of `dataDir` (empty if there is no file yet). STORE_CORRUPT if unreadable. */
  static async open(dataDir: string, writer: TextWriter = writeFileDurably): Promise<DormantThreadIndex> {
    const file = dormantThreadsFileOf(dataDir);
    const text = await readTextIfExists(file);
    return new DormantThreadIndex(file, text === null ? new Map() : parseDormantThreads(file, text), writer);
  }

  /** Where the thread was last filed. Only meaningful when the thread is not hot (a hot thread wins). */
  get(threadKey: string): DormantPlace | undefined {
    return this.#places.get(threadKey);
  }

  get size(): number {
    return this.#places.size;
  }

  /** Adds or moves entries, durably; the index changes in memory only once the file is written. */
  async write(entries: Iterable<[string, DormantPlace]>): Promise<void> {
    const places = new Map(this.#places);
    for (const [key, place] of entries) places.set(key, place);
    // A null-prototype object, so a thread key such as `__proto__` is an ordinary key.
    const threads = Object.create(null) as Record<string, DormantPlace>;
    for (const [key, place] of places) threads[key] = place;
    await makeDirectoryDurably(dirname(this.file));
    await this.#writer(this.file, JSON.stringify({ format: DORMANT_THREADS_FORMAT, version: 1, threads }));
    this.#places = places;
  }
}
