import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type { ConversationRecord } from "../counting/conversation.js";
import type { ThreadRecord } from "../counting/thread-state.js";
import type { FiredAlert, LedgerEntry } from "../quota/types.js";
import { makeDirectoryDurably, readTextIfExists, type TextWriter, writeFileDurably } from "./durable-file.js";
import { parseStoreJson, storeCorrupt } from "./errors.js";
import { alertKey, compareConversations } from "./store-state.js";

/*
 * Closed billing periods leave the hot lowdb file for one file per (tenant, period):
 * <dataDir>/archive/<tenant>/<period>.json. They are written once when the period is archived and
 * again only when a late change (a C13 reversal, a conversation settled late) is archived after it.
 */

export const ARCHIVE_DIRECTORY = "archive";
export const ARCHIVE_FORMAT = "lutingenie-archive";

export interface ArchiveDocument {
  format: typeof ARCHIVE_FORMAT;
  version: 1;
  tenant: string;
  period: string;
  /** Sorted by opening. */
  conversations: ConversationRecord[];
  /** Append order. */
  ledger: LedgerEntry[];
  alerts: FiredAlert[];
}

/** An archive file with its lookups. */
export interface LoadedArchive {
  document: ArchiveDocument;
  conversations: Map<string, ConversationRecord>;
  /** The counting engine's refold lists a thread's conversations across every period. */
  conversationsByThread: Map<string, ConversationRecord[]>;
  ledgerIds: Set<string>;
  alertKeys: Set<string>;
}

/**
 * A tenant id or period as one file name: no separators, no leading dot, nothing Windows refuses;
 * ids with capitals get a hash suffix so `Acme` and `acme` stay apart on case-insensitive disks.
 */
export function pathSegment(value: string): string {
  let segment = encodeURIComponent(value).replace(
    /[!'()*~]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  if (segment.startsWith(".")) segment = `%2E${segment.slice(1)}`;
  if (segment === "") segment = "%00";
  if (/[A-Z]/.test(value)) {
    segment += `~${createHash("sha256").update(value).digest("hex").slice(0, 8)}`;
  }
  return segment;
}

export function archiveFileOf(dataDir: string, tenant: string, period: string): string {
  return join(dataDir, ARCHIVE_DIRECTORY, pathSegment(tenant), `${pathSegment(period)}.json`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseArchive(file: string, text: string): ArchiveDocument {
  const value = parseStoreJson(file, text);
  if (
    !isObject(value) ||
    value.format !== ARCHIVE_FORMAT ||
    !Array.isArray(value.conversations) ||
    !Array.isArray(value.ledger) ||
    !Array.isArray(value.alerts)
  ) {
    throw storeCorrupt(file, "not a LutinGénie archive file");
  }
  if (value.version !== 1) {
    throw storeCorrupt(
      file,
      `archive format version ${String(value.version)} is not supported by this version`,
    );
  }
  return value as unknown as ArchiveDocument;
}

function load(document: ArchiveDocument): LoadedArchive {
  const conversationsByThread = new Map<string, ConversationRecord[]>();
  for (const conversation of document.conversations) {
    const list = conversationsByThread.get(conversation.threadKey);
    if (list === undefined) conversationsByThread.set(conversation.threadKey, [conversation]);
    else list.push(conversation);
  }
  return {
    document,
    conversations: new Map(document.conversations.map((conversation) => [conversation.id, conversation])),
    conversationsByThread,
    ledgerIds: new Set(document.ledger.map((entry) => entry.id)),
    alertKeys: new Set(document.alerts.map(alertKey)),
  };
}

export interface ArchiveAdditions {
  conversations: ConversationRecord[];
  ledger: LedgerEntry[];
  alerts: FiredAlert[];
}

/** The archive with `additions` merged in: conversations replaced by id (the hot copy is newer), rows added once. */
export function mergeArchive(
  existing: LoadedArchive | null,
  tenant: string,
  period: string,
  additions: ArchiveAdditions,
): ArchiveDocument {
  const conversations = new Map(existing?.conversations);
  for (const conversation of additions.conversations) conversations.set(conversation.id, conversation);
  const ledger = [...(existing?.document.ledger ?? [])];
  const ledgerIds = new Set(existing?.ledgerIds);
  for (const entry of additions.ledger) {
    if (ledgerIds.has(entry.id)) continue;
    ledgerIds.add(entry.id);
    ledger.push(entry);
  }
  // Alerts replaced by key: a hot copy of an archived alert is an update (withdrawn or fired again, C13).
  const alerts = new Map((existing?.document.alerts ?? []).map((alert) => [alertKey(alert), alert]));
  for (const alert of additions.alerts) alerts.set(alertKey(alert), alert);
  return {
    format: ARCHIVE_FORMAT,
    version: 1,
    tenant,
    period,
    conversations: [...conversations.values()].sort(compareConversations),
    ledger,
    alerts: [...alerts.values()],
  };
}

/*
 * Dormant threads: thread records nobody has written to for a while leave the hot file for one file per
 * day of last activity, <dataDir>/archive/<tenant>/threads/<YYYY-MM-DD>.json, indexed (thread key →
 * tenant and day) by dormant-thread-index.ts. By day, so that a daily run writes only the threads that just
 * went quiet instead of rewriting every dormant thread ever seen. getThread reads them back; the next
 * commit makes the thread hot again (a hot thread wins over its index entry; a later run files it under
 * its new day and moves the entry). Their content is the counting engine's and is kept as it is.
 */

export const THREAD_ARCHIVE_FORMAT = "lutingenie-thread-archive";

export interface ThreadArchiveDocument {
  format: typeof THREAD_ARCHIVE_FORMAT;
  version: 1;
  tenant: string;
  /** UTC day (YYYY-MM-DD) of the threads' last activity. */
  day: string;
  threads: ThreadRecord[];
}

export function threadArchiveFileOf(dataDir: string, tenant: string, day: string): string {
  return join(dataDir, ARCHIVE_DIRECTORY, pathSegment(tenant), "threads", `${pathSegment(day)}.json`);
}

export function parseThreadArchive(file: string, text: string): ThreadArchiveDocument {
  const value = parseStoreJson(file, text);
  if (!isObject(value) || value.format !== THREAD_ARCHIVE_FORMAT || !Array.isArray(value.threads)) {
    throw storeCorrupt(file, "not a LutinGénie thread archive file");
  }
  if (value.version !== 1) {
    throw storeCorrupt(
      file,
      `thread archive format version ${String(value.version)} is not supported by this version`,
    );
  }
  return value as unknown as ThreadArchiveDocument;
}

/*
 * Archived ledger ids: beside each period's archive file, a compact file of just the ids of its ledger
 * rows, <dataDir>/archive/<tenant>/ledger-ids/<period>.json, written (durably, before the hot file drops
 * the rows) each time the archive file is, so that the C12 duplicate check on the hot path never loads
 * the whole archive. An archive written by an older build may lack it: the archive file is read then.
 */

export const LEDGER_IDS_FORMAT = "lutingenie-archive-ledger-ids";

export interface LedgerIdsDocument {
  format: typeof LEDGER_IDS_FORMAT;
  version: 1;
  tenant: string;
  period: string;
  ids: string[];
}

export function ledgerIdsFileOf(dataDir: string, tenant: string, period: string): string {
  return join(dataDir, ARCHIVE_DIRECTORY, pathSegment(tenant), "ledger-ids", `${pathSegment(period)}.json`);
}

export function ledgerIdsOf(document: ArchiveDocument): LedgerIdsDocument {
  return {
    format: LEDGER_IDS_FORMAT,
    version: 1,
    tenant: document.tenant,
    period: document.period,
    ids: document.ledger.map((entry) => entry.id),
  };
}

export function parseLedgerIds(file: string, text: string): LedgerIdsDocument {
  const value = parseStoreJson(file, text);
  if (
    !isObject(value) ||
    value.format !== LEDGER_IDS_FORMAT ||
    !Array.isArray(value.ids) ||
    !value.ids.every((id) => typeof id === "string")
  ) {
    throw storeCorrupt(file, "not a LutinGénie archived ledger ids file");
  }
  if (value.version !== 1) {
    throw storeCorrupt(
      file,
      `archived ledger ids format version ${String(value.version)} is not supported by this version`,
    );
  }
  return value as unknown as LedgerIdsDocument;
}

/** Reads archive files lazily and keeps the most recently used ones in memory. */
export class ArchiveFiles {
  readonly #dataDir: string;
  readonly #capacity: number;
  readonly #writer: TextWriter;
  /** LRU over both kinds of file, by path: Map order is use order. */
  readonly #cache = new Map<string, Promise<unknown>>();
  reads = 0;

  constructor(dataDir: string, options: { capacity?: number; writer?: TextWriter } = {}) {
    this.#dataDir = dataDir;
    this.#capacity = options.capacity ?? 32;
    this.#writer = options.writer ?? writeFileDurably;
  }

  fileOf(tenant: string, period: string): string {
    return archiveFileOf(this.#dataDir, tenant, period);
  }

  threadFileOf(tenant: string, day: string): string {
    return threadArchiveFileOf(this.#dataDir, tenant, day);
  }

  ledgerIdsFileOf(tenant: string, period: string): string {
    return ledgerIdsFileOf(this.#dataDir, tenant, period);
  }

  /** The archive of (tenant, period), or null if there is no such file. STORE_CORRUPT if unreadable. */
  get(tenant: string, period: string): Promise<LoadedArchive | null> {
    const file = this.fileOf(tenant, period);
    return this.#get(file, (text) => load(parseArchive(file, text)));
  }

  /** The dormant threads of one day by key; an empty map if there is no such file. */
  threads(tenant: string, day: string): Promise<Map<string, ThreadRecord>> {
    const file = this.threadFileOf(tenant, day);
    return this.#get(file, (text) => loadThreads(parseThreadArchive(file, text))).then(
      (threads) => threads ?? new Map(),
    );
  }

  /**
   * The ledger ids archived for (tenant, period) from their compact file, or null if there is none
   * (nothing archived, or archived by an older build: read the archive file then).
   */
  ledgerIds(tenant: string, period: string): Promise<Set<string> | null> {
    const file = this.ledgerIdsFileOf(tenant, period);
    return this.#get(file, (text) => new Set(parseLedgerIds(file, text).ids));
  }

  async writeLedgerIds(document: LedgerIdsDocument): Promise<void> {
    const file = this.ledgerIdsFileOf(document.tenant, document.period);
    await this.#write(file, document);
    this.#remember(file, Promise.resolve(new Set(document.ids)));
  }

  /** Writes an archive file durably (creating its directories durably) and caches it. */
  async write(document: ArchiveDocument): Promise<void> {
    const file = this.fileOf(document.tenant, document.period);
    await this.#write(file, document);
    this.#remember(file, Promise.resolve(load(document)));
  }

  async writeThreads(document: ThreadArchiveDocument): Promise<void> {
    const file = this.threadFileOf(document.tenant, document.day);
    await this.#write(file, document);
    this.#remember(file, Promise.resolve(loadThreads(document)));
  }

  async #write(file: string, document: unknown): Promise<void> {
    await makeDirectoryDurably(dirname(file));
    await this.#writer(file, JSON.stringify(document));
  }

  #get<T>(file: string, parse: (text: string) => T): Promise<T | null> {
    const cached = this.#cache.get(file) as Promise<T | null> | undefined;
    if (cached !== undefined) {
      this.#cache.delete(file);
      this.#cache.set(file, cached);
      return cached;
    }
    this.reads++;
    const loading = readTextIfExists(file).then((text) => (text === null ? null : parse(text)));
    this.#remember(file, loading);
    // A failed read is not remembered: it is retried next time (and reported each time).
    loading.catch(() => {
      if (this.#cache.get(file) === loading) this.#cache.delete(file);
    });
    return loading;
  }

  #remember(file: string, entry: Promise<unknown>): void {
    this.#cache.delete(file);
    this.#cache.set(file, entry);
    while (this.#cache.size > this.#capacity) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }
}

function loadThreads(document: ThreadArchiveDocument): Map<string, ThreadRecord> {
  return new Map(document.threads.map((thread) => [thread.key, thread]));
}
