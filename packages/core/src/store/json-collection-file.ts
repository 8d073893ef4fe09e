import { DurableJsonFile, makeDirectoryDurably } from "./durable-file.js";
import { parseStoreJson, storeClosed, storeCorrupt, storeWriteFailed } from "./errors.js";
import { GroupCommit } from "./group-commit.js";

/**
 * A keyed collection of JSON records in one file, written like the store's live file: group commit,
 * temp file, fsync, rename. Each `set` or `delete` resolves once it is on disk, so a caller that
 * acknowledges after it never loses what it acknowledged, and a crash leaves the previous file whole.
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
}

const utf8 = new TextEncoder();
const COMMA = utf8.encode(",");
const CLOSING = utf8.encode("}}");

interface CollectionDocument<T> {
  format: string;
  version: 1;
  records: Record<string, T>;
}

export async function openJsonCollection<T>(options: JsonCollectionOptions<T>): Promise<JsonCollection<T>> {
  await makeDirectoryDurably(options.directory);
  const path = options.file;
  // Each record's JSON is encoded once per change, not once per flush: a flush joins cached bytes, so a
  // hot thread's save costs its own record, not the whole collection's (the web bench's profile).
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
        utf8.encode(`{"format":${JSON.stringify(document.format)},"version":${document.version},"records":{`),
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
        typeof value.records !== "object"
      )
        throw storeCorrupt(path, `not a ${options.format} file`, undefined, options.corruptHint);
      return value as CollectionDocument<T>;
    },
  });
  const records = new Map(Object.entries((await file.read())?.records ?? {}));
  const forgetExpired = () => {
    if (options.forget === undefined) return;
    for (const [key, value] of records)
      if (options.forget(value)) {
        records.delete(key);
        encodedRecords.delete(key);
      }
  };
  forgetExpired();
  let durable = new Map(records);
  let closed = false;
  const committer = new GroupCommit({
    flush: () => {
      forgetExpired();
      const snapshot = new Map(records);
      return file
        .write({ format: options.format, version: 1, records: Object.fromEntries(snapshot) })
        .then(() => {
          durable = snapshot;
        });
    },
    rollback: () => {
      records.clear();
      for (const [key, value] of durable) records.set(key, value);
      // Cached bytes are checked against their value, so entries for rolled-back values are never reused.
      for (const key of encodedRecords.keys()) if (!records.has(key)) encodedRecords.delete(key);
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
      records.set(key, structuredClone(value));
      return committer.commit();
    },
    delete(key) {
      if (closed) return Promise.reject(storeClosed(options.format));
      records.delete(key);
      encodedRecords.delete(key);
      return committer.commit();
    },
    async close() {
      closed = true;
    },
  };
}
