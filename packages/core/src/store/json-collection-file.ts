import { copyJson } from "../util/json-copy.js";
import { DurableJsonFile, makeDirectoryDurably } from "./durable-file.js";
import { parseStoreJson, storeClosed, storeCorrupt, storeWriteFailed } from "./errors.js";
import { GroupCommit } from "./group-commit.js";
import { type JournalAppender, JournalFile, journalFileOf, snapshotDue } from "./journal-file.js";

/**
 * A keyed collection of JSON records in one file and its journal (journal-file.ts): a group commit
 * appends the changed records to the journal and fdatasyncs it; the file is rewritten whole (temp file,
 * fsync, rename) only once the journal has outgrown it (and at least 4 MiB), and on close. Each `set` or `delete`
 * resolves once it is on disk, so a caller that acknowledges after it never loses what it acknowledged,
 * and a crash leaves the previous file and the journal's whole lines.
 * For small, hot collections beside lutin.json (thread memory, agents, handoffs, follow-up tasks).
 */
export interface JsonCollection<T> {
  get(key: string): T | undefined;
  values(): T[];
  set(key: string, value: T): Promise<void>;
  /**
   * `set` without the copy, for a caller that hands `value` over: it becomes the collection's own, so
   * the caller must not change it afterwards (the collection never changes a stored value, so reading
   * it stays safe). Reads still get copies, JSON-normalised.
   * Thread memory saves each turn's record so: the assistant is done with it, and the copy was about a
   * tenth of a web turn's CPU.
   */
  adopt(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  readonly size: number;
  close(): Promise<void>;
}

export interface JsonCollectionOptions<T> {
  file: string;
  directory: string;
  /** Written into the file and checked on load, so a wrong file is refused instead of misread. */
  format: string;
  /**
   * When a record expires (ms since the epoch; Infinity: never). Expired records are dropped at load and
   * by a sweep at a write, at most once a minute (EXPIRY_SWEEP_INTERVAL_MS) and only once the earliest
   * expiry has passed: a sweep reads every record, so it must not run on every commit.
   */
  expiresAt?: (value: T) => number;
  /** The clock expiry is read against; default Date.now. */
  now?: () => number;
  /**
   * A smaller journal change for a record set over one the journal already holds: thread memory sends
   * the messages added to its window instead of the whole window. `encode` answers undefined when the
   * change is better written whole; `apply` must give back exactly `next` from `previous`.
   */
  delta?: RecordDelta<T>;
  /**
   * How a read copies a stored record for its caller; default copyJson (a deep copy). A collection whose
   * records hold parts nobody changes in place may share them (thread memory's window messages).
   */
  copyOut?: (value: T) => T;
  /** What to tell the operator when the file is unreadable. */
  corruptHint?: string;
  /**
   * Permission bits of the file and its journal; 0o600 for a collection holding secrets (Slack bot
   * tokens). Both are created so, and narrowed to them at open when found with more.
   */
  fileMode?: number;
  /** Test seam: replaces the journal's durable append (count appends, inject ENOSPC). */
  journalAppender?: JournalAppender;
}

export interface RecordDelta<T> {
  encode(previous: T, next: T): unknown;
  apply(previous: T, delta: unknown): T;
}

export const EXPIRY_SWEEP_INTERVAL_MS = 60_000;

const utf8 = new TextEncoder();
const COMMA = utf8.encode(",");
const CLOSING = utf8.encode("}}");

/**
 * A record as kept in memory: the collection's own copy, never handed out and never changed in place (a
 * `get` returns a copy, a `set` stores one; copyJson gives exactly what a JSON round trip would, several
 * times faster than structuredClone or JSON.parse for thread memory's windows). It is encoded only for
 * the journal line of the flush that writes it, or for a snapshot.
 */
interface Entry {
  value: unknown;
  expiresAt: number;
}

/** The file as this module holds it: records as entries, in insertion order. */
interface CollectionSnapshot {
  /** The last journal line this snapshot includes (journal-file.ts); 0 in files written before. */
  journalSeq: number;
  records: Map<string, Entry>;
}

/** A change since the last flush: the entry set, or DELETED. */
const DELETED = Symbol("deleted");
type Change = Entry | typeof DELETED;

export async function openJsonCollection<T>(options: JsonCollectionOptions<T>): Promise<JsonCollection<T>> {
  await makeDirectoryDurably(options.directory);
  const path = options.file;
  const now = options.now ?? Date.now;
  const copyOut = options.copyOut ?? ((value: T) => copyJson(value));
  const expiresAt = options.expiresAt;
  const entryOf = (value: T): Entry => ({
    value,
    expiresAt: expiresAt === undefined ? Number.POSITIVE_INFINITY : expiresAt(value),
  });
  const corrupt = (file: string, problem: string) =>
    storeCorrupt(file, problem, undefined, options.corruptHint);
  const file = new DurableJsonFile<CollectionSnapshot>(path, {
    // Each record is encoded as the snapshot is written and not kept: the entries are the records.
    keepContent: false,
    ...(options.fileMode === undefined ? {} : { mode: options.fileMode }),
    serialize: (snapshot) => {
      const pieces: Uint8Array[] = [
        utf8.encode(
          `{"format":${JSON.stringify(options.format)},"version":1,"journalSeq":${snapshot.journalSeq},"records":{`,
        ),
      ];
      let first = true;
      for (const [key, entry] of snapshot.records) {
        if (!first) pieces.push(COMMA);
        pieces.push(utf8.encode(`${JSON.stringify(key)}:${JSON.stringify(entry.value)}`));
        first = false;
      }
      pieces.push(CLOSING);
      return pieces;
    },
    parse: (text) => {
      const value = parseStoreJson(path, text) as {
        format?: unknown;
        journalSeq?: unknown;
        records?: unknown;
      } | null;
      if (
        value === null ||
        typeof value !== "object" ||
        value.format !== options.format ||
        typeof value.records !== "object" ||
        value.records === null ||
        (value.journalSeq !== undefined && !Number.isSafeInteger(value.journalSeq))
      )
        throw corrupt(path, `not a ${options.format} file`);
      const records = new Map<string, Entry>();
      for (const [key, record] of Object.entries(value.records)) records.set(key, entryOf(record as T));
      return { journalSeq: (value.journalSeq as number | undefined) ?? 0, records };
    },
  });
  const snapshot = await file.read();
  const records = snapshot?.records ?? new Map<string, Entry>();
  const { journal, lines } = await JournalFile.open(
    journalFileOf(path),
    snapshot?.journalSeq ?? 0,
    options.journalAppender,
    options.fileMode,
  );
  for (const line of lines) {
    for (const change of line.changes) {
      if (
        !Array.isArray(change) ||
        typeof change[1] !== "string" ||
        (change[0] !== "s" && change[0] !== "d" && change[0] !== "p")
      )
        throw corrupt(journal.file, `a change is not ["s", key, value], ["p", key, delta] or ["d", key]`);
      if (change[0] === "s") records.set(change[1], entryOf(change[2] as T));
      else if (change[0] === "d") records.delete(change[1]);
      else {
        const previous = records.get(change[1]);
        if (previous === undefined || options.delta === undefined)
          throw corrupt(journal.file, `a delta for "${change[1]}", which it does not hold or cannot apply`);
        let next: T;
        try {
          next = options.delta.apply(previous.value as T, change[2]);
        } catch (error) {
          throw corrupt(
            journal.file,
            `a delta for "${change[1]}" does not apply: ${(error as Error).message}`,
          );
        }
        records.set(change[1], entryOf(next));
      }
    }
  }
  /** Changes not yet handed to a flush, by key (the last one wins). */
  let changes = new Map<string, Change>();
  /** What each key changed since the last durable flush held before (undefined: absent), to roll back. */
  let undo = new Map<string, Entry | undefined>();
  /** The same for the changes of the flush being written. */
  let flushingUndo = new Map<string, Entry | undefined>();
  const change = (key: string, value: Change) => {
    if (!undo.has(key)) undo.set(key, records.get(key));
    if (value === DELETED) records.delete(key);
    else records.set(key, value);
    changes.set(key, value);
  };

  let earliestExpiry = Number.NEGATIVE_INFINITY;
  let lastSweepAt = Number.NEGATIVE_INFINITY;
  /** A journal change; `previous`: the record as the journal holds it before this flush (undefined: none). */
  const encodeChange = (key: string, value: Change, previous: Entry | undefined): string => {
    const name = JSON.stringify(key);
    if (value === DELETED) return `["d",${name}]`;
    const delta =
      previous === undefined || options.delta === undefined
        ? undefined
        : options.delta.encode(previous.value as T, value.value as T);
    return delta === undefined
      ? `["s",${name},${JSON.stringify(value.value)}]`
      : `["p",${name},${JSON.stringify(delta)}]`;
  };
  const sweepExpired = () => {
    if (expiresAt === undefined) return;
    const at = now();
    if (at <= earliestExpiry || at < lastSweepAt + EXPIRY_SWEEP_INTERVAL_MS) return;
    lastSweepAt = at;
    earliestExpiry = Number.POSITIVE_INFINITY;
    for (const [key, entry] of records) {
      if (entry.expiresAt < at) change(key, DELETED);
      else earliestExpiry = Math.min(earliestExpiry, entry.expiresAt);
    }
  };
  sweepExpired();
  let closed = false;
  const writeSnapshot = () => file.write({ journalSeq: journal.seq, records }).then(() => journal.reset());
  const committer = new GroupCommit({
    flush: () => {
      sweepExpired();
      const batch = changes;
      changes = new Map();
      flushingUndo = undo;
      undo = new Map();
      // Journaled changes since the last snapshot outgrew it: one whole rewrite instead.
      if (snapshotDue(journal, file.durableBytes)) return writeSnapshot();
      const lines: string[] = [];
      for (const [key, value] of batch) lines.push(encodeChange(key, value, flushingUndo.get(key)));
      return journal.append(`[${lines.join(",")}]`);
    },
    rollback: () => {
      // Newest first: a key changed in both holds, in `flushingUndo`, its value from before both.
      for (const undone of [undo, flushingUndo])
        for (const [key, value] of undone) {
          if (value === undefined) records.delete(key);
          else records.set(key, value);
        }
      undo = new Map();
      flushingUndo = new Map();
      changes = new Map();
      // Restored records may expire sooner than any left: the next sweep looks at all of them.
      earliestExpiry = Number.NEGATIVE_INFINITY;
    },
    toError: (error) => storeWriteFailed(path, error),
  });
  const open = () => {
    if (closed) throw storeClosed(options.format);
  };
  const put = (key: string, value: T, copied: boolean): Promise<void> => {
    if (closed) return Promise.reject(storeClosed(options.format));
    let entry: Entry;
    try {
      const kept = copied ? copyJson(value) : value;
      if (kept === undefined) throw new TypeError(`${options.format}: "${key}" must be a JSON value`);
      entry = entryOf(kept);
    } catch (error) {
      return Promise.reject(error);
    }
    change(key, entry);
    earliestExpiry = Math.min(earliestExpiry, entry.expiresAt);
    return committer.commit();
  };

  return {
    get(key) {
      open();
      const entry = records.get(key);
      return entry === undefined ? undefined : copyOut(entry.value as T);
    },
    values() {
      open();
      return [...records.values()].map((entry) => copyOut(entry.value as T));
    },
    get size() {
      return records.size;
    },
    set: (key, value) => put(key, value, true),
    adopt: (key, value) => put(key, value, false),
    delete(key) {
      if (closed) return Promise.reject(storeClosed(options.format));
      change(key, DELETED);
      return committer.commit();
    },
    async close() {
      if (closed) return;
      closed = true;
      await committer.idle();
      // A clean stop leaves the whole collection in its file and an empty journal.
      if (journal.bytes > 0) await writeSnapshot().catch(() => undefined);
      await journal.close();
    },
  };
}

/**
 * The same contract in memory only (tests, demos, servers without a data directory): a restart forgets
 * it. Records are copied in and out, as the file's are, so a caller never shares an object with it.
 */
export function createMemoryJsonCollection<T>(): JsonCollection<T> {
  const records = new Map<string, T>();
  return {
    get: (key) => (records.has(key) ? structuredClone(records.get(key)) : undefined),
    values: () => [...records.values()].map((record) => structuredClone(record)),
    set: async (key, value) => void records.set(key, structuredClone(value)),
    adopt: async (key, value) => void records.set(key, value),
    delete: async (key) => void records.delete(key),
    get size() {
      return records.size;
    },
    close: async () => {},
  };
}
