import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Low } from "lowdb";
import { z } from "zod";
import { type Clock, DAY, HOUR, systemClock } from "../clock.js";
import type { ConversationRecord } from "../counting/conversation.js";
import type { FoldState, ThreadRecord } from "../counting/thread-state.js";
import { LutinError } from "../errors.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "../quota/types.js";
import {
  type ArchiveAdditions,
  type ArchiveDocument,
  ArchiveFiles,
  type LoadedArchive,
  ledgerIdsOf,
  mergeArchive,
  THREAD_ARCHIVE_FORMAT,
} from "./archive.js";
import { copyAlert, copyConversation, copyLedgerEntry, copyPack, copyTenant, copyThread } from "./copy.js";
import { storeDocumentPieces } from "./document-text.js";
import { DormantThreadIndex, dormantThreadsFileOf } from "./dormant-thread-index.js";
import { DurableJsonFile, makeDirectoryDurably, readTextIfExists, type TextWriter } from "./durable-file.js";
import { errorCode, parseStoreJson, storeClosed, storeCorrupt, storeWriteFailed } from "./errors.js";
import { GroupCommit } from "./group-commit.js";
import {
  type JournalAppender,
  JournalFile,
  type JournalLine,
  journalDamaged,
  journalFileOf,
  parseJournal,
  snapshotDue,
} from "./journal-file.js";
import { acquireStoreLock, LOCK_FILE_NAME, type StoreLock } from "./lock-file.js";
import type {
  ConversationQuery,
  LedgerQuery,
  LedgerTotals,
  ProcessedKey,
  Store,
  ThreadAppend,
  ThreadCommit,
} from "./store.js";
import {
  alertKey,
  applyStoreChanges,
  type ConversationOfChange,
  compareConversations,
  dictionary,
  emptyDocument,
  matchesConversationQuery,
  nestedDictionary,
  STORE_FORMAT,
  STORE_VERSION,
  type StoreChange,
  type StoreDocument,
  StoreState,
} from "./store-state.js";

export const DATA_FILE_NAME = "lutin.json";

/** The tenant's billing period label (YYYY-MM-DD) containing `at`; e.g. from quota's `periodContaining`. */
export type PeriodOf = (tenant: string, at: number, record: Tenant | undefined) => string;

export interface LowdbStoreOptions {
  /** Directory of `lutin.json`, `lutin.lock` and `archive/` (LUTIN_DATA_DIR); created if missing. */
  dataDir: string;
  clock?: Clock;
  /** Default true. false: one file write per write call (the benchmark's baseline). */
  groupCommit?: boolean;
  /**
   * Settled data leaves the live file this many hours after it settled, whatever its billing period
   * (the running one included): ended conversations (by `endedAt`, else `lastActivityAt`) and ledger
   * rows (by `recordedAt`) move to their period's archive file. Default 24, at least 1.
   */
  settledAfterHours?: number;
  /**
   * Closed billing periods move to archive files this many days after they end, whatever the age of
   * their rows (alerts move only then). Default 7.
   */
  archiveAfterDays?: number;
  /** C11: processed idempotency keys are forgotten this many days after they were committed. Default 7. */
  processedKeyRetentionDays?: number;
  /**
   * Thread records without activity for this many days move to archive files (read back by getThread,
   * hot again on their next commit): the hot file then grows with active customers, not all customers
   * ever seen. Default: the settled age, `settledAfterHours`.
   */
  dormantThreadDays?: number;
  /**
   * Tells which billing period contains an instant, so archiving knows which periods have ended.
   * Without it a period counts as ended 32 days after its label's date (no monthly period is longer,
   * whatever the time zone), which archives later but never too early.
   */
  periodOf?: PeriodOf;
}

/** Test seams; not part of the public API. */
export interface LowdbStoreInternals {
  /** Replaces the durable file writer of whole files (to count writes or inject ENOSPC). */
  writer?: TextWriter;
  /** Replaces the journal's durable append (to count appends or inject ENOSPC). */
  journalAppender?: JournalAppender;
  /** Archive files kept in memory. Default 32. */
  archiveCacheSize?: number;
}

export interface ArchivedPeriod {
  tenant: string;
  period: string;
  file: string;
  conversations: number;
  ledger: number;
  alerts: number;
}

export interface ArchiveReport {
  now: number;
  periods: ArchivedPeriod[];
  processedKeysPruned: number;
  /** Thread records moved to archive files. */
  dormantThreads: number;
  /** Size of lutin.json and its journal before and after (bytes; 0 when they do not exist yet). */
  bytesBefore: number;
  bytesAfter: number;
}

export interface LowdbStoreStats {
  file: string;
  /** Write calls that waited for durability. */
  writeRequests: number;
  /** Writes that reached the disk: journal lines and whole-file snapshots. */
  fileWrites: number;
  /** Of those, whole-file snapshots of lutin.json. */
  snapshotWrites: number;
  /** Size of the journal's lines since the last snapshot. */
  journalBytes: number;
  failedFileWrites: number;
  /** Most write calls one file write served. */
  largestBatch: number;
  lastWriteMs: number;
  lastWriteBytes: number;
  archiveFileReads: number;
}

export interface LowdbStore extends Store {
  readonly kind: "lowdb";
  readonly dataDir: string;
  /** The hot data file, `<dataDir>/lutin.json`. */
  readonly file: string;
  /**
   * Keeps only hot state in `lutin.json`. Moves to `<dataDir>/archive/<tenant>/<period>.json`, in every
   * billing period including the running one: ended conversations that ended (or were last active)
   * `settledAfterHours` before `now`, and ledger rows recorded `settledAfterHours` before `now`; for
   * billing periods that ended more than `archiveAfterDays` before `now`, also every other ended
   * conversation, ledger row and alert. Moves thread records idle for `dormantThreadDays` (default: the
   * settled age) to `<dataDir>/archive/<tenant>/threads/`, and forgets processed keys older than
   * `processedKeyRetentionDays`. Open conversations stay hot. Reads keep returning archived data, each
   * row once (a hot copy wins over an archived one). Run it periodically (hourly or so).
   */
  archiveSettled(now?: number): Promise<ArchiveReport>;
  /** The former name of `archiveSettled`; same run. */
  archiveClosedPeriods(now?: number): Promise<ArchiveReport>;
  /** Resolves once every write so far is durable. */
  flush(): Promise<void>;
  stats(): LowdbStoreStats;
  // The counting engine's fast path (optional in Store), which this store has.
  readThread(threadKey: string): Promise<Readonly<ThreadRecord> | undefined>;
  appendToThread(append: ThreadAppend): Promise<boolean>;
}

const optionsSchema = z.object({
  dataDir: z
    .string({ error: "dataDir must be a string: the directory of lutin.json (LUTIN_DATA_DIR)" })
    .min(1, "dataDir must not be empty: give the directory of lutin.json (LUTIN_DATA_DIR)"),
  clock: z
    .custom<Clock>(
      (value) => typeof value === "object" && value !== null && typeof (value as Clock).now === "function",
      "clock must be an object with a now() method",
    )
    .optional(),
  groupCommit: z.boolean({ error: "groupCommit must be true or false" }).optional(),
  settledAfterHours: z
    .number({ error: "settledAfterHours must be a number of hours" })
    .min(1, "settledAfterHours must be 1 or more")
    .max(3650 * 24, "settledAfterHours must be at most 87600 (10 years)")
    .optional(),
  archiveAfterDays: z
    .number({ error: "archiveAfterDays must be a number of days" })
    .min(0, "archiveAfterDays must be 0 or more")
    .max(3650, "archiveAfterDays must be at most 3650")
    .optional(),
  processedKeyRetentionDays: z
    .number({ error: "processedKeyRetentionDays must be a number of days" })
    .min(0, "processedKeyRetentionDays must be 0 or more")
    .max(3650, "processedKeyRetentionDays must be at most 3650")
    .optional(),
  dormantThreadDays: z
    .number({ error: "dormantThreadDays must be a number of days" })
    .min(1, "dormantThreadDays must be 1 or more")
    .max(3650, "dormantThreadDays must be at most 3650")
    .optional(),
  periodOf: z
    .custom<PeriodOf>(
      (value) => typeof value === "function",
      "periodOf must be a function (tenant, at) => period label",
    )
    .optional(),
});

function parseOptions(options: LowdbStoreOptions): z.output<typeof optionsSchema> {
  const result = optionsSchema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join(".") || "options"}: ${issue.message}`,
  );
  throw new LutinError("CONFIG_INVALID", `invalid lowdb store options: ${problems.join("; ")}`, {
    hint: "fix the options given to openLowdbStore (see packages/core/src/store/lowdb-store.ts)",
    details: { problems },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads lutin.json strictly: anything unexpected is STORE_CORRUPT, never an empty store over data. */
export function parseStoreDocument(file: string, text: string): StoreDocument {
  const value = parseStoreJson(file, text);
  if (!isObject(value) || value.format !== STORE_FORMAT) {
    throw storeCorrupt(file, "not a LutinGénie data file (no `format: lutingenie-store`)");
  }
  if (value.version !== STORE_VERSION) {
    throw storeCorrupt(
      file,
      `format version ${String(value.version)} is not supported (this version reads ${STORE_VERSION})`,
      undefined,
      "open it with the LutinGénie version that wrote it, or restore a backup made by this version",
    );
  }
  for (const field of [
    "threads",
    "conversations",
    "processed",
    "tenants",
    "packs",
    "archived",
    "dormantThreads",
  ]) {
    if (!isObject(value[field])) throw storeCorrupt(file, `\`${field}\` is not an object`);
  }
  for (const field of ["ledger", "alerts"]) {
    if (!Array.isArray(value[field])) throw storeCorrupt(file, `\`${field}\` is not an array`);
  }
  const document = value as unknown as StoreDocument;
  let processed: StoreDocument["processed"];
  try {
    processed = nestedDictionary(document.processed as Record<string, unknown>, 3);
  } catch (error) {
    throw storeCorrupt(file, `\`processed\`: ${(error as Error).message}`, error);
  }
  // Added without a version bump: files written before it lack it (read from the archives then).
  let archivedLedgerTotals: StoreDocument["archivedLedgerTotals"] = dictionary();
  if (value.archivedLedgerTotals !== undefined) {
    const where = "`archivedLedgerTotals`";
    if (!isObject(value.archivedLedgerTotals)) throw storeCorrupt(file, `${where} is not an object`);
    try {
      archivedLedgerTotals = nestedDictionary(value.archivedLedgerTotals, 2);
    } catch (error) {
      throw storeCorrupt(file, `${where}: ${(error as Error).message}`, error);
    }
    for (const periods of Object.values(archivedLedgerTotals)) {
      for (const totals of Object.values(periods) as unknown[]) {
        if (!isObject(totals) || !Number.isFinite(totals.ai) || !Number.isFinite(totals.human)) {
          throw storeCorrupt(file, `${where} holds something other than { ai, human } numbers`);
        }
      }
    }
  }
  const journalSeq = value.journalSeq;
  if (journalSeq !== undefined && !(Number.isSafeInteger(journalSeq) && (journalSeq as number) >= 0))
    throw storeCorrupt(file, "`journalSeq` is not a whole number");
  return {
    format: STORE_FORMAT,
    version: STORE_VERSION,
    threads: dictionary(document.threads),
    conversations: dictionary(document.conversations),
    ledger: document.ledger,
    processed,
    tenants: dictionary(document.tenants),
    packs: dictionary(document.packs),
    alerts: document.alerts,
    archived: dictionary(document.archived),
    dormantThreads: dictionary(document.dormantThreads),
    archivedLedgerTotals,
    ...(journalSeq === undefined ? {} : { journalSeq: journalSeq as number }),
  };
}

/**
 * What a data directory holds durably, read without opening the store (no lock taken; for backups,
 * inspection and tests): lutin.json with the journal's lines after it applied. Null without lutin.json
 * and journal.
 */
export async function readStoreFiles(dataDir: string): Promise<StoreDocument | null> {
  const file = join(resolve(dataDir), DATA_FILE_NAME);
  const text = await readTextIfExists(file);
  const journalFile = journalFileOf(file);
  let journalBytes: Buffer | null = null;
  try {
    journalBytes = await readFile(journalFile);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
  if (text === null && journalBytes === null) return null;
  const document = text === null ? emptyDocument() : parseStoreDocument(file, text);
  const { lines } = parseJournal(journalFile, journalBytes ?? Buffer.alloc(0), document.journalSeq ?? 0);
  replayJournal(document, lines, journalFile);
  return document;
}

/** Applies the journal's lines to the document read from lutin.json; returns each line's changes as JSON. */
function replayJournal(
  document: StoreDocument,
  lines: readonly JournalLine[],
  journalFile: string,
): string[] {
  try {
    return lines.map((line) => {
      applyStoreChanges(document, line.changes);
      return JSON.stringify(line.changes);
    });
  } catch (error) {
    throw journalDamaged(
      journalFile,
      `a journal line holds something other than store changes (${(error as Error).message})`,
      error,
    );
  }
}

/**
 * Opens the embedded store: `<dataDir>/lutin.json` through lowdb, written whole with group commit,
 * crash-safe (temp file, fsync, rename, directory fsync), one process at a time (`lutin.lock`).
 */
export async function openLowdbStore(
  options: LowdbStoreOptions,
  internals: LowdbStoreInternals = {},
): Promise<LowdbStore> {
  const config = parseOptions(options);
  const dataDir = resolve(config.dataDir);
  const file = join(dataDir, DATA_FILE_NAME);
  try {
    await makeDirectoryDurably(dataDir);
  } catch (error) {
    throw storeWriteFailed(dataDir, error);
  }
  let lock: StoreLock;
  try {
    lock = await acquireStoreLock(dataDir);
  } catch (error) {
    if (LutinError.isInstance(error)) throw error;
    throw storeWriteFailed(join(dataDir, LOCK_FILE_NAME), error);
  }
  let openedJournal: JournalFile | undefined;
  try {
    const adapter = new DurableJsonFile<StoreDocument>(file, {
      parse: (text) => parseStoreDocument(file, text),
      serialize: storeDocumentPieces,
      ...(internals.writer === undefined ? {} : { writer: internals.writer }),
    });
    const db = new Low<StoreDocument>(adapter, emptyDocument());
    try {
      await db.read();
    } catch (error) {
      if (LutinError.isInstance(error)) throw error;
      throw storeCorrupt(
        file,
        `cannot be read (${(error as Error).message})`,
        error,
        `give the user running LutinGénie read and write permission on ${file}`,
      );
    }
    const dormant = await DormantThreadIndex.open(dataDir, internals.writer).catch((error: unknown) => {
      if (LutinError.isInstance(error)) throw error;
      const indexFile = dormantThreadsFileOf(dataDir);
      throw storeCorrupt(
        indexFile,
        `cannot be read (${(error as Error).message})`,
        error,
        `give the user running LutinGénie read and write permission on ${indexFile}`,
      );
    });
    // The changes committed after the snapshot in lutin.json (journal-file.ts).
    const { journal, lines } = await JournalFile.open(
      journalFileOf(file),
      db.data.journalSeq ?? 0,
      internals.journalAppender,
    ).catch((error: unknown) => {
      if (LutinError.isInstance(error)) throw error;
      throw storeWriteFailed(journalFileOf(file), error);
    });
    openedJournal = journal;
    const journaled = replayJournal(db.data, lines, journal.file);
    // Files written before the index had its own file keep it in lutin.json: moved to the index file
    // first (durably), then dropped from lutin.json by its next write (a snapshot, see snapshotFirst).
    // A crash in between moves it again.
    const legacy = db.data.dormantThreads;
    const legacyKeys = Object.keys(legacy);
    if (legacyKeys.length > 0) {
      await dormant.write(legacyKeys.map((key) => [key, legacy[key] as [string, string]]));
      db.data.dormantThreads = dictionary();
    }
    return new LowdbStoreImplementation({
      dataDir,
      file,
      db,
      adapter,
      lock,
      clock: config.clock ?? systemClock,
      groupCommit: config.groupCommit ?? true,
      settledAfterHours: config.settledAfterHours ?? 24,
      archiveAfterDays: config.archiveAfterDays ?? 7,
      processedKeyRetentionDays: config.processedKeyRetentionDays ?? 7,
      dormantThreadHours:
        config.dormantThreadDays === undefined
          ? (config.settledAfterHours ?? 24)
          : config.dormantThreadDays * 24,
      periodOf: config.periodOf,
      journal,
      journaled,
      snapshotFirst: legacyKeys.length > 0,
      dormant,
      archives: new ArchiveFiles(dataDir, {
        ...(internals.writer === undefined ? {} : { writer: internals.writer }),
        ...(internals.archiveCacheSize === undefined ? {} : { capacity: internals.archiveCacheSize }),
      }),
    });
  } catch (error) {
    await openedJournal?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw error;
  }
}

interface Parts {
  dataDir: string;
  file: string;
  db: Low<StoreDocument>;
  adapter: DurableJsonFile<StoreDocument>;
  lock: StoreLock;
  clock: Clock;
  groupCommit: boolean;
  settledAfterHours: number;
  archiveAfterDays: number;
  processedKeyRetentionDays: number;
  dormantThreadHours: number;
  periodOf: PeriodOf | undefined;
  journal: JournalFile;
  /** The changes of the journal's lines since the snapshot, as JSON text (to roll back to the disk). */
  journaled: string[];
  /** The first write rewrites the whole file (something changed that the journal cannot say). */
  snapshotFirst: boolean;
  dormant: DormantThreadIndex;
  archives: ArchiveFiles;
}

/** The thread's latest known instant: its last activity, newest logged event or compaction horizon. */
function lastSeen(thread: ThreadRecord): number {
  const newest = thread.events[thread.events.length - 1];
  return Math.max(
    thread.state.lastActivityAt ?? -Infinity,
    newest?.at ?? -Infinity,
    thread.horizon ?? -Infinity,
  );
}

interface ArchiveGroup extends ArchiveAdditions {
  tenant: string;
  period: string;
  /** The archive file as written by this run. */
  merged?: ArchiveDocument;
}

/**
 * A journal line's changes: a record changed twice in one group commit is written once, as it is last;
 * a thread's appended events are all kept, unless the whole record is put after them. Appended rows and
 * processed keys all stay, in order. A conversation that is the fold state's `current` or `human` of the
 * thread written just before it is written as a reference to it (ConversationOfChange).
 */
function encodeChanges(changes: readonly StoreChange[]): string {
  const kept = keptChanges(changes);
  const encoded: string[] = [];
  /** The thread change kept last, while only conversation changes followed it. */
  let thread: { key: string; state: FoldState } | null = null;
  for (const change of kept) {
    if (change[0] === "conversation") {
      const slot =
        thread === null
          ? null
          : thread.state.current === change[1]
            ? "current"
            : thread.state.human === change[1]
              ? "human"
              : null;
      if (thread !== null && slot !== null) {
        encoded.push(JSON.stringify(["conversation-of", thread.key, slot] satisfies ConversationOfChange));
        continue;
      }
    } else if (change[0] === "append") thread = { key: change[1].key, state: change[3] };
    else if (change[0] === "thread") thread = { key: change[1].key, state: change[1].state };
    else thread = null;
    encoded.push(JSON.stringify(change));
  }
  return `[${encoded.join(",")}]`;
}

/** The changes a journal line keeps (see encodeChanges), in their order. */
function keptChanges(changes: readonly StoreChange[]): StoreChange[] {
  const seen = new Set<string>();
  const kept: StoreChange[] = [];
  for (let index = changes.length - 1; index >= 0; index--) {
    const change = changes[index] as StoreChange;
    if (change[0] === "append") {
      if (seen.has(`thread\u0000${change[1].key}`)) continue;
    } else {
      const key = recordKeyOf(change);
      if (key !== null) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
    }
    kept.push(change);
  }
  return kept.reverse();
}

function recordKeyOf(change: StoreChange): string | null {
  switch (change[0]) {
    case "thread":
      return `thread\u0000${change[1].key}`;
    case "conversation":
      return `conversation\u0000${change[1].id}`;
    case "tenant":
      return `tenant\u0000${change[1].id}`;
    case "pack":
      return `pack\u0000${change[1].id}`;
    default:
      return null;
  }
}

function addTotals(a: LedgerTotals, b: LedgerTotals): LedgerTotals {
  return { ai: a.ai + b.ai, human: a.human + b.human };
}

class LowdbStoreImplementation implements LowdbStore {
  readonly kind = "lowdb" as const;
  readonly dataDir: string;
  readonly file: string;
  readonly #parts: Parts;
  readonly #state: StoreState;
  readonly #committer: GroupCommit;
  #closed = false;
  #closing: Promise<void> | null = null;
  #archiving: Promise<unknown> = Promise.resolve();
  /** Bumped whenever rows may have moved between the hot file and the archives. */
  #archiveGeneration = 0;
  /** The next flush rewrites lutin.json whole: the state changed in a way the journal cannot say. */
  #snapshotNeeded: boolean;
  #journalAppends = 0;

  constructor(parts: Parts) {
    this.#parts = parts;
    this.dataDir = parts.dataDir;
    this.file = parts.file;
    this.#snapshotNeeded = parts.snapshotFirst;
    this.#state = new StoreState(parts.db.data);
    this.#state.recordChanges();
    parts.db.data = this.#state.document;
    this.#committer = new GroupCommit({
      grouped: parts.groupCommit,
      flush: () => this.#flush(),
      rollback: () => this.#rollBackToDisk(),
      toError: (error) =>
        LutinError.isInstance(error)
          ? error
          : storeWriteFailed(this.#flushingSnapshot ? parts.file : parts.journal.file, error),
    });
  }

  #flushingSnapshot = false;

  /**
   * One group commit: the changes since the last one as a journal line, or lutin.json rewritten whole
   * (the first write, after archiving or a failed write, or once the journal has outgrown half of it).
   * Takes its snapshot synchronously, as GroupCommit requires.
   */
  #flush(): Promise<void> {
    const { db, adapter, journal, journaled } = this.#parts;
    const changes = this.#state.takeChanges();
    // Without group commit (the benchmark's baseline), every write rewrites the file, as lowdb does.
    this.#flushingSnapshot =
      !this.#parts.groupCommit ||
      this.#snapshotNeeded ||
      !adapter.exists ||
      snapshotDue(journal, adapter.durableBytes);
    if (this.#flushingSnapshot) {
      this.#snapshotNeeded = false;
      this.#state.document.journalSeq = journal.seq;
      return db.write().then(async () => {
        journaled.length = 0;
        await journal.reset();
      });
    }
    // A commit that changed nothing (a caller waiting for an earlier write to be durable).
    if (changes.length === 0) return Promise.resolve();
    const text = encodeChanges(changes);
    return journal.append(text).then(() => {
      journaled.push(text);
      this.#journalAppends++;
    });
  }

  // C11
  async isProcessed(processed: Readonly<ProcessedKey>): Promise<boolean> {
    this.#assertOpen();
    return this.#state.isProcessed(processed);
  }

  async getThread(threadKey: string): Promise<ThreadRecord | undefined> {
    const thread = await this.readThread(threadKey);
    return thread === undefined ? undefined : copyThread(thread);
  }

  async readThread(threadKey: string): Promise<Readonly<ThreadRecord> | undefined> {
    for (;;) {
      this.#assertOpen();
      const thread = this.#state.thread(threadKey);
      // A hot thread wins over its dormant index entry, which may be stale (see dormant-thread-index.ts).
      if (thread !== undefined) return thread;
      const place = this.#parts.dormant.get(threadKey);
      if (place === undefined) return undefined;
      const generation = this.#archiveGeneration;
      const dormant = await this.#parts.archives.threads(place[0], place[1]);
      // If it was committed, or archived again, while the file was read: look again.
      if (generation !== this.#archiveGeneration || this.#state.thread(threadKey) !== undefined) continue;
      this.#assertOpen();
      // Archive files' records are never changed in place either (a run writes new ones).
      return dormant.get(threadKey);
    }
  }

  async commitThread(commit: ThreadCommit): Promise<void> {
    this.#assertOpen();
    // C12: ledger ids of archived periods are checked against their archived ids too.
    const archived = await this.#archivedLedgerIdsOf(commit.ledger);
    this.#state.checkCommit(commit, (entry) => archived.some((ids) => ids.has(entry.id)));
    this.#state.applyCommit(commit);
    await this.#committer.commit();
  }

  async appendToThread(append: ThreadAppend): Promise<boolean> {
    this.#assertOpen();
    const archived = await this.#archivedLedgerIdsOf(append.ledger);
    this.#state.checkCommit(append, (entry) => archived.some((ids) => ids.has(entry.id)));
    // A dormant thread read from its archive file is not the hot record: the full commit path takes it.
    if (!this.#state.applyAppend(append)) return false;
    await this.#committer.commit();
    return true;
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    for (;;) {
      this.#assertOpen();
      const hot = this.#state.conversation(id);
      if (hot !== undefined) return copyConversation(hot);
      const generation = this.#archiveGeneration;
      let found: ConversationRecord | undefined;
      // The id says neither tenant nor period: look through the archives, newest periods first.
      search: for (const [tenant, periods] of Object.entries(this.#state.document.archived)) {
        for (const period of [...periods].reverse()) {
          found = (await this.#parts.archives.get(tenant, period))?.conversations.get(id);
          if (found !== undefined) break search;
        }
      }
      this.#assertOpen();
      if (generation !== this.#archiveGeneration || this.#state.conversation(id) !== undefined) continue;
      return found === undefined ? undefined : copyConversation(found);
    }
  }

  async listConversations(query: ConversationQuery): Promise<ConversationRecord[]> {
    // Conversations are archived only once ended, so the inactivity sweep's query never needs the archives.
    const skipArchives = query.openWithLastActivityBefore !== undefined;
    return this.#readWithArchives(query.tenant, skipArchives ? null : query.period, (archives) => {
      const result = this.#state.conversations(query);
      for (const archive of archives) {
        const candidates =
          query.threadKey === undefined
            ? archive.document.conversations
            : (archive.conversationsByThread.get(query.threadKey) ?? []);
        for (const conversation of candidates) {
          // The hot copy, if any, is the newer one.
          if (this.#state.conversation(conversation.id) !== undefined) continue;
          if (matchesConversationQuery(conversation, query)) result.push(conversation);
        }
      }
      return result.sort(compareConversations).map(copyConversation);
    });
  }

  async saveConversations(conversations: ConversationRecord[]): Promise<void> {
    this.#assertOpen();
    this.#state.upsertConversations(conversations);
    await this.#committer.commit();
  }

  async listLedger(query: LedgerQuery): Promise<LedgerEntry[]> {
    return this.#readWithArchives(query.tenant, query.period, (archives) => {
      const byPeriod = new Map<string, LedgerEntry[]>();
      for (const archive of archives) {
        const rows = archive.document.ledger.filter((entry) => !this.#state.hasLedgerId(entry.id));
        byPeriod.set(archive.document.period, rows);
      }
      for (const entry of this.#state.ledger(query.tenant, query.period)) {
        let rows = byPeriod.get(entry.period);
        if (rows === undefined) {
          rows = [];
          byPeriod.set(entry.period, rows);
        }
        rows.push(entry);
      }
      return [...byPeriod.keys()]
        .sort()
        .flatMap((period) => (byPeriod.get(period) ?? []).map(copyLedgerEntry));
    });
  }

  async ledgerTotals(query: { tenant: string; period: string }): Promise<LedgerTotals> {
    const { tenant, period } = query;
    for (;;) {
      this.#assertOpen();
      const document = this.#state.document;
      if (!(document.archived[tenant]?.includes(period) ?? false)) {
        return this.#state.ledgerTotals(tenant, period);
      }
      // The archive's rows not held hot, kept in the hot file: no archive file is read.
      const known = document.archivedLedgerTotals[tenant]?.[period];
      if (known !== undefined) return addTotals(this.#state.ledgerTotals(tenant, period), known);
      // Archived by a build that did not keep totals: sum the archive file once and remember it.
      const generation = this.#archiveGeneration;
      const archive = await this.#parts.archives.get(tenant, period);
      this.#assertOpen();
      if (generation !== this.#archiveGeneration) continue;
      const archived = { ai: 0, human: 0 };
      for (const entry of archive?.document.ledger ?? []) {
        if (!this.#state.hasLedgerId(entry.id)) archived[entry.mode] += entry.delta;
      }
      this.#setArchivedLedgerTotals(tenant, period, archived);
      return addTotals(this.#state.ledgerTotals(tenant, period), archived);
    }
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    this.#assertOpen();
    const tenant = this.#state.tenant(id);
    return tenant === undefined ? undefined : copyTenant(tenant);
  }

  async listTenants(): Promise<Tenant[]> {
    this.#assertOpen();
    return this.#state.tenants().map(copyTenant);
  }

  async putTenant(tenant: Tenant): Promise<void> {
    this.#assertOpen();
    this.#state.putTenant(tenant);
    await this.#committer.commit();
  }

  async addPack(pack: Pack): Promise<void> {
    this.#assertOpen();
    this.#state.putPack(pack);
    await this.#committer.commit();
  }

  async listPacks(tenant: string): Promise<Pack[]> {
    this.#assertOpen();
    return this.#state.packs(tenant).map(copyPack);
  }

  async recordAlert(alert: FiredAlert): Promise<boolean> {
    const key = alertKey(alert);
    for (;;) {
      this.#assertOpen();
      // Q5: once per (tenant, period, threshold), archived periods included.
      const archived = await this.#loadArchivesOf([alert]);
      if (archived.some((archive) => archive.alertKeys.has(key))) return false;
      if (!this.#state.hasAlert(alert)) {
        this.#state.addAlert(alert);
        await this.#committer.commit();
        return true;
      }
      // Recorded by a caller whose write may not be on disk yet: answer "already fired" only once it
      // is, since a failed write rolls it back and then nobody would fire it.
      if (!this.#committer.busy) return false;
      await this.#committer.commit().catch(() => undefined);
    }
  }

  async updateAlert(alert: FiredAlert): Promise<boolean> {
    this.#assertOpen();
    if (!this.#state.replaceAlert(alert)) {
      // An archived alert gets a hot copy, which wins on reads and replaces it at the next archiving.
      const archived = await this.#loadArchivesOf([alert]);
      if (!archived.some((archive) => archive.alertKeys.has(alertKey(alert)))) return false;
      this.#assertOpen();
      if (!this.#state.replaceAlert(alert)) this.#state.addAlert(alert);
    }
    await this.#committer.commit();
    return true;
  }

  async listAlerts(tenant: string, period?: string): Promise<FiredAlert[]> {
    return this.#readWithArchives(tenant, period, (archives) => {
      const hot = this.#state.alerts(tenant, period);
      const hotKeys = new Set(hot.map(alertKey));
      const result: FiredAlert[] = [];
      for (const archive of archives) {
        for (const alert of archive.document.alerts) if (!hotKeys.has(alertKey(alert))) result.push(alert);
      }
      return [...result, ...hot].map(copyAlert);
    });
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    await this.#committer.idle();
  }

  stats(): LowdbStoreStats {
    const { adapter, archives, journal } = this.#parts;
    const committer = this.#committer.stats;
    return {
      file: this.file,
      writeRequests: committer.requests,
      fileWrites: adapter.writes + this.#journalAppends,
      snapshotWrites: adapter.writes,
      journalBytes: journal.bytes,
      failedFileWrites: committer.failedFlushes,
      largestBatch: committer.largestBatch,
      lastWriteMs: adapter.lastWriteMs,
      lastWriteBytes: adapter.lastWriteBytes,
      archiveFileReads: archives.reads,
    };
  }

  archiveClosedPeriods(now?: number): Promise<ArchiveReport> {
    return this.archiveSettled(now);
  }

  async archiveSettled(now?: number): Promise<ArchiveReport> {
    this.#assertOpen();
    const at = now ?? this.#parts.clock.now();
    // One run at a time; a run started before close() finishes before the lock is released.
    const run = this.#archiving.catch(() => undefined).then(() => this.#archive(at));
    this.#archiving = run;
    return await run;
  }

  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      await this.#archiving.catch(() => undefined);
      await this.#committer.idle();
      // A clean stop leaves everything in lutin.json and an empty journal (if the disk lets it).
      if (this.#parts.journal.bytes > 0) {
        this.#snapshotNeeded = true;
        await this.#committer.commit().catch(() => undefined);
      }
      await this.#parts.journal.close();
      await this.#parts.lock.release();
    })();
    return this.#closing;
  }

  #assertOpen(): void {
    if (this.#closed) throw storeClosed(`lowdb store of ${this.dataDir}`);
  }

  /** Back to the last write that reached the disk: no phantom data after a failed write. */
  #rollBackToDisk(): void {
    const { adapter, db, journaled } = this.#parts;
    const document = adapter.durableData() ?? emptyDocument();
    for (const line of journaled) applyStoreChanges(document, JSON.parse(line) as unknown[]);
    this.#state.reset(document);
    // The failed write may have been a snapshot that archiving needed: the next one writes it again.
    this.#snapshotNeeded = true;
    // A legacy index still on disk was moved to the index file at open: never bring it back.
    this.#state.document.dormantThreads = dictionary();
    db.data = this.#state.document;
    this.#archiveGeneration++;
  }

  /** Archived periods of a tenant to read for a query: the one asked for if archived, or all of them. */
  #archivedPeriods(tenant: string, period: string | undefined): string[] {
    const archived = this.#state.document.archived[tenant] ?? [];
    if (period === undefined) return archived;
    return archived.includes(period) ? [period] : [];
  }

  /**
   * Reads hot state together with a tenant's archives (of `period`, or all of them; none for null).
   * `read` runs synchronously once the archives are loaded; if an archive run moved rows between the
   * hot file and the archives meanwhile, they are loaded again, so no row is missed or seen twice.
   */
  async #readWithArchives<T>(
    tenant: string,
    period: string | undefined | null,
    read: (archives: LoadedArchive[]) => T,
  ): Promise<T> {
    for (;;) {
      this.#assertOpen();
      const periods = period === null ? [] : this.#archivedPeriods(tenant, period);
      if (periods.length === 0) return read([]);
      const generation = this.#archiveGeneration;
      const loaded = await Promise.all(periods.map((label) => this.#parts.archives.get(tenant, label)));
      this.#assertOpen();
      if (generation === this.#archiveGeneration) {
        return read(loaded.filter((archive): archive is LoadedArchive => archive !== null));
      }
    }
  }

  /** The archives that rows of these (tenant, period)s could be in (recordAlert's uniqueness check). */
  #loadArchivesOf(rows: Array<{ tenant: string; period: string }>): Promise<LoadedArchive[]> {
    return this.#loadWhileArchivesStable(rows, (tenant, period) => this.#parts.archives.get(tenant, period));
  }

  /**
   * The archived ledger ids of the (tenant, period)s of these rows, from their compact files (an archive
   * written by an older build: from the archive file).
   */
  #archivedLedgerIdsOf(rows: Array<{ tenant: string; period: string }>): Promise<Set<string>[]> {
    const { archives } = this.#parts;
    return this.#loadWhileArchivesStable(
      rows,
      async (tenant, period) =>
        (await archives.ledgerIds(tenant, period)) ?? (await archives.get(tenant, period))?.ledgerIds ?? null,
    );
  }

  /**
   * Loads something per archived (tenant, period) of these rows. Loading is async; if an archive run moved
   * rows meanwhile, it loads again, so the synchronous check that follows sees every row either in the hot
   * state or in what was loaded.
   */
  async #loadWhileArchivesStable<T>(
    rows: Array<{ tenant: string; period: string }>,
    load: (tenant: string, period: string) => Promise<T | null>,
  ): Promise<T[]> {
    for (;;) {
      const wanted = new Map<string, { tenant: string; period: string }>();
      for (const row of rows) {
        if (this.#state.document.archived[row.tenant]?.includes(row.period)) {
          wanted.set(`${row.tenant}\u0000${row.period}`, row);
        }
      }
      if (wanted.size === 0) return [];
      const generation = this.#archiveGeneration;
      const loaded: (T | null)[] = await Promise.all(
        [...wanted.values()].map(({ tenant, period }) => load(tenant, period)),
      );
      this.#assertOpen();
      if (generation === this.#archiveGeneration) return loaded.filter((value): value is T => value !== null);
    }
  }

  #setArchivedLedgerTotals(tenant: string, period: string, totals: LedgerTotals): void {
    // Not a journaled change: lutin.json keeps it from its next snapshot on.
    this.#snapshotNeeded = true;
    const byTenant = this.#state.document.archivedLedgerTotals;
    let periods = byTenant[tenant];
    if (periods === undefined) {
      periods = dictionary();
      byTenant[tenant] = periods;
    }
    periods[period] = totals;
  }

  #closedPeriodTest(now: number): (tenant: string, period: string) => boolean {
    const { archiveAfterDays, periodOf } = this.#parts;
    const before = now - archiveAfterDays * DAY;
    if (periodOf === undefined) {
      // A monthly period lasts at most 31 days, and its label's date is at most 14 h off UTC.
      return (_tenant, period) => {
        const start = Date.parse(`${period}T00:00:00Z`);
        return !Number.isNaN(start) && start + 32 * DAY <= before;
      };
    }
    const currentByTenant = new Map<string, string | null>();
    return (tenant, period) => {
      let current = currentByTenant.get(tenant);
      if (current === undefined) {
        try {
          const record = this.#state.tenant(tenant);
          current = periodOf(tenant, before, record === undefined ? undefined : copyTenant(record));
        } catch {
          // A tenant the callback cannot place keeps its data hot; nothing is lost.
          current = null;
        }
        currentByTenant.set(tenant, current);
      }
      // The period containing `before` starts after `period`, so `period` ended by `before`.
      return current !== null && period < current;
    };
  }

  async #archive(now: number): Promise<ArchiveReport> {
    const { archives, adapter, processedKeyRetentionDays } = this.#parts;
    const liveBytes = () => adapter.durableBytes + this.#parts.journal.bytes;
    const bytesBefore = liveBytes();
    const isClosed = this.#closedPeriodTest(now);
    // Settled: nothing changes it any more in the normal course; a late change makes a hot copy again.
    const settledBefore = now - this.#parts.settledAfterHours * HOUR;
    const document = this.#state.document;

    const groups = new Map<string, ArchiveGroup>();
    const groupOf = (tenant: string, period: string, settled: boolean): ArchiveGroup | undefined => {
      if (!settled && !isClosed(tenant, period)) return undefined;
      const key = `${tenant}\u0000${period}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { tenant, period, conversations: [], ledger: [], alerts: [] };
        groups.set(key, group);
      }
      return group;
    };
    for (const conversation of Object.values(document.conversations)) {
      // Conversations still open stay hot: the counting engine and the inactivity sweep work on them.
      if (conversation.endReason === null) continue;
      const settled = (conversation.endedAt ?? conversation.lastActivityAt) < settledBefore;
      groupOf(conversation.tenant, conversation.period, settled)?.conversations.push(conversation);
    }
    for (const entry of document.ledger) {
      groupOf(entry.tenant, entry.period, entry.recordedAt < settledBefore)?.ledger.push(entry);
    }
    // Alerts are few: they stay hot until their period is archived.
    for (const alert of document.alerts) groupOf(alert.tenant, alert.period, false)?.alerts.push(alert);

    // Durable in the archive before anything leaves the hot file.
    const periods: ArchivedPeriod[] = [];
    for (const group of groups.values()) {
      const existing = await archives.get(group.tenant, group.period);
      const file = archives.fileOf(group.tenant, group.period);
      const merged = mergeArchive(existing, group.tenant, group.period, group);
      try {
        await archives.write(merged);
      } catch (error) {
        throw LutinError.isInstance(error) ? error : storeWriteFailed(file, error);
      }
      // The C12 check's compact copy of the archived ids: durable too before the rows leave the hot file.
      try {
        await archives.writeLedgerIds(ledgerIdsOf(merged));
      } catch (error) {
        throw LutinError.isInstance(error)
          ? error
          : storeWriteFailed(archives.ledgerIdsFileOf(group.tenant, group.period), error);
      }
      group.merged = merged;
      periods.push({
        tenant: group.tenant,
        period: group.period,
        file,
        conversations: group.conversations.length,
        ledger: group.ledger.length,
        alerts: group.alerts.length,
      });
    }

    const dormantBefore = now - this.#parts.dormantThreadHours * HOUR;
    const days = new Map<string, { tenant: string; day: string; threads: ThreadRecord[] }>();
    for (const thread of Object.values(document.threads)) {
      const seen = lastSeen(thread);
      if (!Number.isFinite(seen) || seen >= dormantBefore) continue;
      const day = new Date(seen).toISOString().slice(0, 10);
      const key = `${thread.tenant}\u0000${day}`;
      let group = days.get(key);
      if (group === undefined) {
        group = { tenant: thread.tenant, day, threads: [] };
        days.set(key, group);
      }
      group.threads.push(thread);
    }
    for (const group of days.values()) {
      const existing = await archives.threads(group.tenant, group.day);
      const merged = new Map(existing);
      for (const thread of group.threads) merged.set(thread.key, thread);
      try {
        await archives.writeThreads({
          format: THREAD_ARCHIVE_FORMAT,
          version: 1,
          tenant: group.tenant,
          day: group.day,
          threads: [...merged.values()],
        });
      } catch (error) {
        throw LutinError.isInstance(error)
          ? error
          : storeWriteFailed(archives.threadFileOf(group.tenant, group.day), error);
      }
    }

    // The index too, durably, before any thread leaves the hot file (a thread still hot wins over it).
    if (days.size > 0) {
      const entries: Array<[string, [string, string]]> = [];
      for (const group of days.values()) {
        for (const thread of group.threads) entries.push([thread.key, [group.tenant, group.day]]);
      }
      try {
        await this.#parts.dormant.write(entries);
      } catch (error) {
        throw LutinError.isInstance(error) ? error : storeWriteFailed(this.#parts.dormant.file, error);
      }
    }

    // Synchronously from here to the flush request: no write can interleave.
    const current = this.#state.document;
    let dormantThreads = 0;
    for (const group of days.values()) {
      for (const thread of group.threads) {
        // Left hot if it was committed while its file was being written (and then wins over the index).
        if (current.threads[thread.key] !== thread) continue;
        delete current.threads[thread.key];
        dormantThreads++;
      }
    }
    const archivedRows = new Set<object>();
    for (const group of groups.values()) {
      for (const conversation of group.conversations) {
        // Left hot if it changed while the archive was being written (the archive then has an older copy).
        if (current.conversations[conversation.id] === conversation)
          delete current.conversations[conversation.id];
      }
      for (const entry of group.ledger) archivedRows.add(entry);
      for (const alert of group.alerts) archivedRows.add(alert);
      const list = new Set(current.archived[group.tenant] ?? []);
      list.add(group.period);
      current.archived[group.tenant] = [...list].sort();
    }
    if (archivedRows.size > 0) {
      current.ledger = current.ledger.filter((entry) => !archivedRows.has(entry));
      current.alerts = current.alerts.filter((alert) => !archivedRows.has(alert));
    }
    const processedKeysPruned = this.#state.pruneProcessed(now - processedKeyRetentionDays * DAY);
    if (groups.size > 0 || processedKeysPruned > 0 || dormantThreads > 0) {
      this.#state.reset(current);
      // Totals of each written archive's rows that are not hot (a row left hot by a failed or crashed
      // earlier run, or a conversation's late rows, counts as hot), recomputed from what was written, so
      // that hot rows plus these count each row once. They go to disk with the hot rows they complement.
      for (const group of groups.values()) {
        const totals = { ai: 0, human: 0 };
        for (const entry of group.merged?.ledger ?? []) {
          if (!this.#state.hasLedgerId(entry.id)) totals[entry.mode] += entry.delta;
        }
        this.#setArchivedLedgerTotals(group.tenant, group.period, totals);
      }
      this.#archiveGeneration++;
      this.#snapshotNeeded = true;
      await this.#committer.commit();
    }
    const bytesAfter = liveBytes();
    return { now, periods, processedKeysPruned, dormantThreads, bytesBefore, bytesAfter };
  }
}
