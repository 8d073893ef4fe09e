import type { ConversationRecord } from "../counting/conversation.js";
import type { FoldState, ThreadRecord } from "../counting/thread-state.js";
import { LutinError } from "../errors.js";
import { threadScopedKeyOf } from "../events/inbound-event.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "../quota/types.js";
import {
  copyAlert,
  copyConversation,
  copyFoldStateOver,
  copyLedgerEntry,
  copyPack,
  copyStoredEvent,
  copyTenant,
  copyThread,
  copyVerdicts,
} from "./copy.js";
import { forgetProcessedText, noteProcessedKey } from "./document-text.js";
import type { ConversationQuery, LedgerTotals, ProcessedKey, ThreadAppend, ThreadCommit } from "./store.js";

export const STORE_FORMAT = "lutingenie-store";
export const STORE_VERSION = 1;

/**
 * Everything a store holds, as plain JSON: the memory store keeps it in memory, the lowdb store
 * keeps it as lowdb's `data` and writes it whole. Keyed collections are null-prototype objects so
 * that ids such as `__proto__` or `constructor` are ordinary keys.
 */
export interface StoreDocument {
  format: typeof STORE_FORMAT;
  version: typeof STORE_VERSION;
  threads: Record<string, ThreadRecord>;
  conversations: Record<string, ConversationRecord>;
  /** Append order. */
  ledger: LedgerEntry[];
  /**
   * C11: processed idempotency keys: tenant → channel → thread-scoped key (threadScopedKeyOf: the escaped
   * thread, "/", the key) → the `at` they were committed with. Files written before keys were scoped by
   * thread hold bare keys here: they match nothing any more and go at the next prune past their retention
   * (lowdb `processedKeyRetentionDays`, default 7 days).
   */
  processed: Record<string, Record<string, Record<string, number>>>;
  tenants: Record<string, Tenant>;
  packs: Record<string, Pack>;
  /** Append order. */
  alerts: FiredAlert[];
  /** Billing periods moved to archive files, by tenant, ascending (lowdb store). */
  archived: Record<string, string[]>;
  /**
   * Legacy, always empty once written by this build: the index of dormant threads (thread key →
   * [tenant, UTC day of last activity]) now has its own file (lowdb store, dormant-thread-index.ts);
   * a file written before keeps it here until the store opens it and moves it.
   */
  dormantThreads: Record<string, [tenant: string, day: string]>;
  /**
   * Per archived (tenant, period): the ledger totals of the rows of its archive file that this document
   * does not hold hot (a hot copy wins), so that hot rows plus these count every row once without
   * reading the archive (lowdb store). Written together with the hot rows it complements. Missing for a
   * period archived by a build that did not keep it (read from the archive file then).
   */
  archivedLedgerTotals: Record<string, Record<string, LedgerTotals>>;
  /** The last journal line this file includes (lowdb store, journal-file.ts); absent in files written before. */
  journalSeq?: number;
}

export function dictionary<T>(entries?: Record<string, T>): Record<string, T> {
  const result = Object.create(null) as Record<string, T>;
  if (entries !== undefined) Object.assign(result, entries);
  return result;
}

export function emptyDocument(): StoreDocument {
  return {
    format: STORE_FORMAT,
    version: STORE_VERSION,
    threads: dictionary(),
    conversations: dictionary(),
    ledger: [],
    processed: dictionary(),
    tenants: dictionary(),
    packs: dictionary(),
    alerts: [],
    archived: dictionary(),
    dormantThreads: dictionary(),
    archivedLedgerTotals: dictionary(),
  };
}

/** Nested null-prototype dictionaries, from JSON.parse'd plain objects (`depth` levels of keys above the values). */
export function nestedDictionary<T>(value: Record<string, unknown>, depth: number): Record<string, T> {
  const result = dictionary<T>();
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (depth > 1 && (typeof child !== "object" || child === null || Array.isArray(child))) {
      throw new TypeError(`\`${key}\` is not an object`);
    }
    result[key] = (depth > 1 ? nestedDictionary(child as Record<string, unknown>, depth - 1) : child) as T;
  }
  return result;
}

/** Q5: one alert per (tenant, period, threshold). */
export function alertKey(alert: Pick<FiredAlert, "tenant" | "period" | "threshold">): string {
  return `${encodeURIComponent(alert.tenant)}/${alert.period}/${alert.threshold}`;
}

export function ledgerEntryExists(ids: string[]): LutinError {
  return new LutinError("LEDGER_ENTRY_EXISTS", `ledger entry already exists: ${ids.join(", ")}`, {
    hint: "the conversation was already counted (C12): reload the thread from the store and fold the event again",
    details: { ids },
  });
}

export function matchesConversationQuery(
  conversation: ConversationRecord,
  query: ConversationQuery,
): boolean {
  if (conversation.tenant !== query.tenant) return false;
  if (query.period !== undefined && conversation.period !== query.period) return false;
  if (query.mode !== undefined && conversation.mode !== query.mode) return false;
  if (query.threadKey !== undefined && conversation.threadKey !== query.threadKey) return false;
  if (query.openWithLastActivityBefore !== undefined) {
    if (conversation.endReason !== null) return false;
    if (!(conversation.lastActivityAt < query.openWithLastActivityBefore)) return false;
  }
  return true;
}

/** Stable order for listConversations: by opening, then id. */
export function compareConversations(a: ConversationRecord, b: ConversationRecord): number {
  return a.openedAt - b.openedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * One change to the document, as the lowdb store's journal records it (journal-file.ts): a record put
 * whole (threads, conversations, tenants and packs by their key; ledger rows and alerts appended) or a
 * processed key set. Anything else (archiving, pruning, a roll back) rewrites the whole file instead.
 */
export type StoreChange =
  | ["thread", ThreadRecord]
  /** An event appended to a thread: the record is the previous one plus the event, state and verdicts (null: unchanged). */
  | [
      "append",
      identity: Pick<ThreadRecord, "key" | "tenant" | "channel" | "thread">,
      event: ThreadRecord["events"][number],
      state: FoldState,
      verdicts: ThreadRecord["verdicts"] | null,
    ]
  | ["conversation", ConversationRecord]
  | ["ledger", LedgerEntry]
  /** `key`: the thread-scoped key (threadScopedKeyOf), the document's own key; a bare key in journals written before. */
  | ["processed", tenant: string, channel: string, key: string, at: number]
  | ["tenant", Tenant]
  | ["pack", Pack]
  | ["alert", FiredAlert];

/**
 * A journal's short form of a ["conversation", record] change whose record is the conversation the
 * change just before it left in a thread's fold state (`current` or `human`): the lowdb store writes
 * every event's conversation both in the thread's state and in `conversations`, the same object in
 * memory, and this form keeps it from being written twice (about a third of a journal line).
 */
export type ConversationOfChange = ["conversation-of", threadKey: string, slot: "current" | "human"];

/**
 * Applies journaled changes to a document read from its file (before a StoreState is built on it).
 * Throws a TypeError naming the first change that is not one.
 */
export function applyStoreChanges(document: StoreDocument, changes: readonly unknown[]): void {
  for (const change of changes) {
    if (!Array.isArray(change)) throw new TypeError(`a change is not an array: ${JSON.stringify(change)}`);
    const [kind, record] = change as [string, Record<string, unknown>];
    const isRecord = typeof record === "object" && record !== null;
    if (kind === "processed") {
      const [, tenant, channel, key, at] = change as [string, unknown, unknown, unknown, unknown];
      if (
        typeof tenant !== "string" ||
        typeof channel !== "string" ||
        typeof key !== "string" ||
        typeof at !== "number"
      )
        throw new TypeError("a processed change is not [tenant, channel, key, at]");
      document.processed[tenant] ??= dictionary();
      const channels = document.processed[tenant];
      channels[channel] ??= dictionary();
      (channels[channel] as Record<string, number>)[key] = at;
    } else if (kind === "thread" && isRecord && typeof record.key === "string") {
      document.threads[record.key] = record as unknown as ThreadRecord;
    } else if (kind === "append" && isRecord && typeof record.key === "string") {
      const [, identity, event, state, verdicts] = change as Extract<StoreChange, { 0: "append" }>;
      if (typeof event !== "object" || event === null || typeof state !== "object" || state === null)
        throw new TypeError("an append change is not [identity, event, state, verdicts]");
      const previous = document.threads[identity.key];
      document.threads[identity.key] = appendedThread(previous, identity, event, state, verdicts);
    } else if (kind === "conversation" && isRecord && typeof record.id === "string") {
      document.conversations[record.id] = record as unknown as ConversationRecord;
    } else if (kind === "conversation-of") {
      const [, threadKey, slot] = change as ConversationOfChange;
      const conversation =
        typeof threadKey === "string" && (slot === "current" || slot === "human")
          ? document.threads[threadKey]?.state?.[slot]
          : undefined;
      if (typeof conversation !== "object" || conversation === null || typeof conversation.id !== "string")
        throw new TypeError(`a conversation-of change names no conversation: ${JSON.stringify(change)}`);
      // Shared with the thread's state, as StoreState holds them (records are replaced, never changed).
      document.conversations[conversation.id] = conversation;
    } else if (kind === "ledger" && isRecord) {
      document.ledger.push(record as unknown as LedgerEntry);
    } else if (kind === "tenant" && isRecord && typeof record.id === "string") {
      document.tenants[record.id] = record as unknown as Tenant;
    } else if (kind === "pack" && isRecord && typeof record.id === "string") {
      document.packs[record.id] = record as unknown as Pack;
    } else if (kind === "alert" && isRecord) {
      // An alert change for a key already present is an update (withdrawn or fired again): replace it.
      const alert = record as unknown as FiredAlert;
      const key = alertKey(alert);
      const position = document.alerts.findIndex((existing) => alertKey(existing) === key);
      if (position >= 0) document.alerts[position] = alert;
      else document.alerts.push(alert);
    } else {
      throw new TypeError(`unknown change ${JSON.stringify(kind)}`);
    }
  }
}

/** The thread record after one appended event (nothing copied: the caller passes copies). */
function appendedThread(
  previous: ThreadRecord | undefined,
  identity: Pick<ThreadRecord, "key" | "tenant" | "channel" | "thread">,
  event: ThreadRecord["events"][number],
  state: FoldState,
  verdicts: ThreadRecord["verdicts"] | null,
): ThreadRecord {
  const events = previous === undefined ? [] : previous.events.slice();
  events.push(event);
  const owner = previous ?? identity;
  return {
    key: owner.key,
    tenant: owner.tenant,
    channel: owner.channel,
    thread: owner.thread,
    events,
    base: previous?.base ?? null,
    horizon: previous?.horizon ?? null,
    state,
    verdicts: verdicts ?? previous?.verdicts ?? dictionary(),
  };
}

/**
 * The in-memory state shared by the memory and lowdb stores: the document plus indexes rebuilt from it.
 * Methods return the stored objects themselves; the stores copy on the way out.
 */
export class StoreState {
  #doc: StoreDocument = emptyDocument();
  #ledgerIds = new Set<string>();
  /** tenant → period → rows in append order. */
  #ledgerByTenant = new Map<string, Map<string, LedgerEntry[]>>();
  #conversationsByTenant = new Map<string, Set<string>>();
  #alertKeys = new Set<string>();
  /** Changes since the last takeChanges(), when recording (the lowdb store's journal); null otherwise. */
  #changes: StoreChange[] | null = null;

  constructor(doc: StoreDocument = emptyDocument()) {
    this.reset(doc);
  }

  /** From now on, records every change for takeChanges(). */
  recordChanges(): void {
    this.#changes ??= [];
  }

  /** The changes recorded since the last call, oldest first; records are the stored (immutable) objects. */
  takeChanges(): StoreChange[] {
    const changes = this.#changes ?? [];
    if (this.#changes !== null) this.#changes = [];
    return changes;
  }

  get document(): StoreDocument {
    return this.#doc;
  }

  /** Replaces the whole state (load, roll back to what is on disk, after archiving) and rebuilds the indexes. */
  reset(doc: StoreDocument): void {
    this.#doc = doc;
    // Whoever resets writes the whole file next (or rolled back to it): no change is pending any more.
    if (this.#changes !== null) this.#changes = [];
    this.#ledgerIds = new Set();
    this.#ledgerByTenant = new Map();
    this.#conversationsByTenant = new Map();
    this.#alertKeys = new Set();
    for (const entry of doc.ledger) this.#indexLedgerEntry(entry);
    for (const conversation of Object.values(doc.conversations)) {
      this.#tenantConversations(conversation.tenant).add(conversation.id);
    }
    for (const alert of doc.alerts) this.#alertKeys.add(alertKey(alert));
  }

  /**
   * C11, scoped by tenant, channel and thread. Nested lookups for tenant and channel rather than one
   * composed key: with hundreds of thousands of keys, building and hashing a string of all four parts per
   * event cost ~1.5 µs of the hot path; the thread and the key are one string (a dictionary per thread
   * would multiply the dictionaries the file writer walks at every flush).
   */
  isProcessed(processed: Readonly<ProcessedKey>): boolean {
    const keys = this.#doc.processed[processed.tenant]?.[processed.channel];
    return keys !== undefined && keys[threadScopedKeyOf(processed.thread, processed.key)] !== undefined;
  }

  /** Forgets processed keys committed before `before`; returns how many. */
  pruneProcessed(before: number): number {
    let pruned = 0;
    const processed = this.#doc.processed;
    for (const tenant of Object.keys(processed)) {
      const channels = processed[tenant] ?? dictionary();
      for (const channel of Object.keys(channels)) {
        const keys = channels[channel] ?? dictionary();
        for (const key of Object.keys(keys)) {
          if ((keys[key] ?? 0) < before) {
            delete keys[key];
            pruned++;
          }
        }
        forgetProcessedText(keys);
        if (Object.keys(keys).length === 0) delete channels[channel];
      }
      if (Object.keys(channels).length === 0) delete processed[tenant];
    }
    return pruned;
  }

  thread(key: string): ThreadRecord | undefined {
    return this.#doc.threads[key];
  }

  /**
   * C12: throws LEDGER_ENTRY_EXISTS if any ledger id of the commit is taken (or repeated within it);
   * `takenElsewhere` covers ids the hot state no longer holds (archived periods).
   */
  checkCommit(commit: Pick<ThreadCommit, "ledger">, takenElsewhere?: (entry: LedgerEntry) => boolean): void {
    if (commit.ledger.length === 0) return;
    const seen = new Set<string>();
    const taken: string[] = [];
    for (const entry of commit.ledger) {
      if (this.#ledgerIds.has(entry.id) || seen.has(entry.id) || takenElsewhere?.(entry) === true) {
        taken.push(entry.id);
      }
      seen.add(entry.id);
    }
    if (taken.length > 0) throw ledgerEntryExists(taken);
  }

  /** Applies a checked commit; copies everything in. */
  applyCommit(commit: ThreadCommit): void {
    const thread = copyThread(commit.thread);
    this.#putThread(thread);
    this.#applyRest(commit, commit.thread.state, thread.state);
  }

  /**
   * Applies a checked append if the stored thread is still the one it was computed from; false (nothing
   * changed) otherwise. Copies in only the new event, the fold state and changed verdicts: the log and
   * the base are shared with the record it replaces, which is safe because stored records are replaced,
   * never changed in place.
   */
  applyAppend(append: ThreadAppend): boolean {
    const previous = append.previous;
    if (this.#doc.threads[append.identity.key] !== previous) return false;
    const event = copyStoredEvent(append.event);
    const state = copyFoldStateOver(append.state, previous?.state);
    const verdicts =
      previous !== undefined && append.verdicts === previous.verdicts ? null : copyVerdicts(append.verdicts);
    const thread = appendedThread(previous, append.identity, event, state, verdicts);
    // Journaled as the event alone: a long thread's log is not written again on every event.
    this.#doc.threads[thread.key] = thread;
    const identity = {
      key: thread.key,
      tenant: thread.tenant,
      channel: thread.channel,
      thread: thread.thread,
    };
    this.#changes?.push(["append", identity, event, state, verdicts]);
    this.#applyRest(append, append.state, state);
    return true;
  }

  #putThread(thread: ThreadRecord): void {
    // A dormant thread written again is hot again: the hot record wins over its (now stale) index entry.
    this.#doc.threads[thread.key] = thread;
    this.#changes?.push(["thread", thread]);
  }

  /**
   * `given` is the fold state of the commit and `stored` the store's copy of it. The counter hands the
   * very objects of its fold state among the changed conversations: their stored copy is then one object,
   * in the thread's state and in `conversations` both (stored records are never changed in place, so
   * sharing is safe), which saves a copy per event and keeps an open conversation once in memory.
   */
  #applyRest(commit: Omit<ThreadCommit, "thread">, given: FoldState, stored: FoldState): void {
    for (const conversation of commit.conversations) {
      if (conversation === given.current && stored.current !== null) {
        this.#putConversation(conversation, stored.current);
      } else if (conversation === given.human && stored.human !== null) {
        this.#putConversation(conversation, stored.human);
      } else {
        this.#putConversation(conversation);
      }
    }
    for (const entry of commit.ledger) {
      const copy = copyLedgerEntry(entry);
      this.#doc.ledger.push(copy);
      this.#indexLedgerEntry(copy);
      this.#changes?.push(["ledger", copy]);
    }
    const { tenant, channel, at } = commit.processed;
    const key = threadScopedKeyOf(commit.processed.thread, commit.processed.key);
    let channels = this.#doc.processed[tenant];
    if (channels === undefined) {
      channels = dictionary();
      this.#doc.processed[tenant] = channels;
    }
    let keys = channels[channel];
    if (keys === undefined) {
      keys = dictionary();
      channels[channel] = keys;
    }
    // Tells the file's serializer, which then encodes only this key at the next flush (document-text.ts).
    noteProcessedKey(keys, key, at, keys[key] !== undefined);
    keys[key] = at;
    this.#changes?.push(["processed", tenant, channel, key, at]);
  }

  conversation(id: string): ConversationRecord | undefined {
    return this.#doc.conversations[id];
  }

  /** Matching conversations, unsorted. */
  conversations(query: ConversationQuery): ConversationRecord[] {
    const ids = this.#conversationsByTenant.get(query.tenant);
    if (ids === undefined) return [];
    const result: ConversationRecord[] = [];
    for (const id of ids) {
      const conversation = this.#doc.conversations[id];
      if (conversation !== undefined && matchesConversationQuery(conversation, query))
        result.push(conversation);
    }
    return result;
  }

  upsertConversations(conversations: ConversationRecord[]): void {
    for (const conversation of conversations) this.#putConversation(conversation);
  }

  hasLedgerId(id: string): boolean {
    return this.#ledgerIds.has(id);
  }

  /** A tenant's rows: periods ascending, append order within a period. */
  ledger(tenant: string, period?: string): LedgerEntry[] {
    const periods = this.#ledgerByTenant.get(tenant);
    if (periods === undefined) return [];
    if (period !== undefined) return periods.get(period) ?? [];
    return [...periods.keys()].sort().flatMap((label) => periods.get(label) ?? []);
  }

  /** Totals of the hot rows of (tenant, period). */
  ledgerTotals(tenant: string, period: string): LedgerTotals {
    const totals = { ai: 0, human: 0 };
    for (const entry of this.ledger(tenant, period)) totals[entry.mode] += entry.delta;
    return totals;
  }

  tenant(id: string): Tenant | undefined {
    return this.#doc.tenants[id];
  }

  tenants(): Tenant[] {
    return Object.values(this.#doc.tenants).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  putTenant(tenant: Tenant): void {
    const copy = copyTenant(tenant);
    this.#doc.tenants[tenant.id] = copy;
    this.#changes?.push(["tenant", copy]);
  }

  /** Adds a pack, or replaces the pack with the same id (so a retried purchase is not doubled). */
  putPack(pack: Pack): void {
    const copy = copyPack(pack);
    this.#doc.packs[pack.id] = copy;
    this.#changes?.push(["pack", copy]);
  }

  packs(tenant: string): Pack[] {
    return Object.values(this.#doc.packs)
      .filter((pack) => pack.tenant === tenant)
      .sort((a, b) => a.purchasedAt - b.purchasedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  hasAlert(alert: Pick<FiredAlert, "tenant" | "period" | "threshold">): boolean {
    return this.#alertKeys.has(alertKey(alert));
  }

  addAlert(alert: FiredAlert): void {
    const copy = copyAlert(alert);
    this.#doc.alerts.push(copy);
    this.#alertKeys.add(alertKey(alert));
    this.#changes?.push(["alert", copy]);
  }

  /** Replaces the alert of the same key; false if there is none. Journaled as an "alert" change (replayed as a replace). */
  replaceAlert(alert: FiredAlert): boolean {
    if (!this.hasAlert(alert)) return false;
    const key = alertKey(alert);
    const position = this.#doc.alerts.findIndex((existing) => alertKey(existing) === key);
    if (position < 0) return false;
    const copy = copyAlert(alert);
    this.#doc.alerts[position] = copy;
    this.#changes?.push(["alert", copy]);
    return true;
  }

  alerts(tenant: string, period?: string): FiredAlert[] {
    return this.#doc.alerts.filter(
      (alert) => alert.tenant === tenant && (period === undefined || alert.period === period),
    );
  }

  /** Stores a copy of `conversation` (`copy`, when the caller already made one). */
  #putConversation(conversation: ConversationRecord, copy = copyConversation(conversation)): void {
    const previous = this.#doc.conversations[conversation.id];
    if (previous !== undefined && previous.tenant !== conversation.tenant) {
      this.#conversationsByTenant.get(previous.tenant)?.delete(conversation.id);
    }
    this.#doc.conversations[conversation.id] = copy;
    this.#tenantConversations(conversation.tenant).add(conversation.id);
    this.#changes?.push(["conversation", copy]);
  }

  #tenantConversations(tenant: string): Set<string> {
    let ids = this.#conversationsByTenant.get(tenant);
    if (ids === undefined) {
      ids = new Set();
      this.#conversationsByTenant.set(tenant, ids);
    }
    return ids;
  }

  #indexLedgerEntry(entry: LedgerEntry): void {
    this.#ledgerIds.add(entry.id);
    let periods = this.#ledgerByTenant.get(entry.tenant);
    if (periods === undefined) {
      periods = new Map();
      this.#ledgerByTenant.set(entry.tenant, periods);
    }
    let rows = periods.get(entry.period);
    if (rows === undefined) {
      rows = [];
      periods.set(entry.period, rows);
    }
    rows.push(entry);
  }
}
