import { DurableJsonFile, makeDirectoryDurably } from "./durable-file.js";
import { parseStoreJson, storeClosed, storeCorrupt, storeWriteFailed } from "./errors.js";
import { GroupCommit } from "./group-commit.js";
import { type JournalAppender, JournalFile, journalFileOf, snapshotDue } from "./journal-file.js";

/**
 * A keyed collection of JSON records in one file and its journal (journal-file.ts): a group commit
 * appends the changed records to the journal and fdatasyncs it; the file is rewritten whole (temp file,
 * fsync, rename) only when the journal has grown past half of it, and on close. Each `set` or `delete`
 * resolves once it is on disk, so a caller that acknowledges after it never loses what it acknowledged,
 * and a crash leaves the previous file and the journal's whole lines.
 * For small, hot collections beside lutin.json (thread memory, agents, handoffs, follow-up tasks).
 */
export interface JsonCollection<T> {
  get(key: string): T | undefined;
  values(): T[];
  set(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  readonly size: number;
  close(): Promise<void>;
}

export interface JsonCollectionOptions<T> {
  file: string;
  directory: string;
  /** Written into the file and checked on load, so a wrong file is refused instead of misread. */
  format: string;
  /** Records for which this answers true are dropped at load and at each write (expiry). */
  forget?: (value: T) => boolean;
  /** What to tell the operator when the file is unreadable. */
  corruptHint?: string;
  /** Test seam: replaces the journal's durable append (count appends, inject ENOSPC). */
  journalAppender?: JournalAppender;
}

const utf8 = new TextEncoder();
const COMMA = utf8.encode(",");
const CLOSING = utf8.encode("}}");

interface CollectionDocument<T> {
  format: string;
  version: 1;
  /** The last journal line this snapshot includes (journal-file.ts); absent in files written before. */
  journalSeq?: number;
  records: Record<string, T>;
}

/** A change since the last flush: the value set, or DELETED. */
const DELETED = Symbol("deleted");
type Change<T> = T | typeof DELETED;

export async function openJsonCollection<T>(options: JsonCollectionOptions<T>): Promise<JsonCollection<T>> {
  await makeDirectoryDurably(options.directory);
  const path = options.file;
  // Each record's JSON is encoded once per change, not once per snapshot: a snapshot joins cached bytes.
  const encodedRecords = new Map<string, { value: T; bytes: Uint8Array }>();
  const encodedRecord = (key: string, value: T): Uint8Array => {
    const cached = encodedRecords.get(key);
    if (cached !== undefined && cached.value === value) return cached.bytes;
    const bytes = utf8.encode(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    encodedRecords.set(key, { value, bytes });
    return bytes;
  };
  const file = new DurableJsonFile<CollectionDocument<T>>(path, {
    serialize: (document) => {
      const pieces: Uint8Array[] = [
        utf8.encode(
          `{"format":${JSON.stringify(document.format)},"version":${document.version},"journalSeq":${document.journalSeq ?? 0},"records":{`,
        ),
      ];
      let first = true;
      for (const key of Object.keys(document.records)) {
        if (!first) pieces.push(COMMA);
        pieces.push(encodedRecord(key, document.records[key] as T));
        first = false;
      }
      pieces.push(CLOSING);
      return pieces;
    },
    parse: (text) => {
      const value = parseStoreJson(path, text) as Partial<CollectionDocument<T>> | null;
      if (
        value === null ||
        typeof value !== "object" ||
        value.format !== options.format ||
        typeof value.records !== "object" ||
        value.records === null ||
        (value.journalSeq !== undefined && !Number.isSafeInteger(value.journalSeq))
      )
        throw storeCorrupt(path, `not a ${options.format} file`, undefined, options.corruptHint);
      return value as CollectionDocument<T>;
    },
  });
  const snapshot = await file.read();
  const records = new Map(Object.entries(snapshot?.records ?? {}));
  const { journal, lines } = await JournalFile.open(
    journalFileOf(path),
    snapshot?.journalSeq ?? 0,
    options.journalAppender,
  );
  for (const line of lines) {
    for (const change of line.changes) {
      if (!Array.isArray(change) || typeof change[1] !== "string" || (change[0] !== "s" && change[0] !== "d"))
        throw storeCorrupt(
          journal.file,
          `a change is not ["s", key, value] or ["d", key]`,
          undefined,
          options.corruptHint,
        );
      if (change[0] === "s") records.set(change[1], change[2] as T);
      else records.delete(change[1]);
    }
  }
  /** Changes not yet handed to a flush, by key (the last one wins). */
  let changes = new Map<string, Change<T>>();
  /** What each key changed since the last durable flush held before (undefined: absent), to roll back. */
  let undo = new Map<string, T | undefined>();
  /** The same for the changes of the flush being written. */
  let flushingUndo = new Map<string, T | undefined>();
  const change = (key: string, value: Change<T>) => {
    if (!undo.has(key)) undo.set(key, records.get(key));
    if (value === DELETED) {
      records.delete(key);
      encodedRecords.delete(key);
    } else records.set(key, value);
    changes.set(key, value);
  };
  const forgetExpired = () => {
    if (options.forget === undefined) return;
    for (const [key, value] of records) if (options.forget(value)) change(key, DELETED);
  };
  forgetExpired();
  let closed = false;
  const writeSnapshot = () =>
    file
      .write({
        format: options.format,
        version: 1,
        journalSeq: journal.seq,
        records: Object.fromEntries(records),
      })
      .then(() => journal.reset());
  const committer = new GroupCommit({
    flush: () => {
      forgetExpired();
      const batch = changes;
      changes = new Map();
      flushingUndo = undo;
      undo = new Map();
      // Journaled changes since the last snapshot grew past half of it: one whole rewrite instead.
      if (snapshotDue(journal, file.durableBytes)) return writeSnapshot();
      const lines: string[] = [];
      for (const [key, value] of batch)
        lines.push(
          value === DELETED
            ? `["d",${JSON.stringify(key)}]`
            : `["s",${JSON.stringify(key)},${JSON.stringify(value)}]`,
        );
      return journal.append(`[${lines.join(",")}]`);
    },
    rollback: () => {
      // Newest first: a key changed in both holds, in `flushingUndo`, its value from before both.
      for (const undone of [undo, flushingUndo])
        for (const [key, value] of undone) {
          if (value === undefined) records.delete(key);
          else records.set(key, value);
          encodedRecords.delete(key);
        }
      undo = new Map();
      flushingUndo = new Map();
      changes = new Map();
    },
    toError: (error) => storeWriteFailed(path, error),
  });
  const open = () => {
    if (closed) throw storeClosed(options.format);
  };

  return {
    get(key) {
      open();
      const value = records.get(key);
      return value === undefined ? undefined : structuredClone(value);
    },
    values() {
      open();
      return [...records.values()].map((value) => structuredClone(value));
    },
    get size() {
      return records.size;
    },
    set(key, value) {
      if (closed) return Promise.reject(storeClosed(options.format));
      change(key, structuredClone(value));
      return committer.commit();
    },
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
