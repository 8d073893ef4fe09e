import type { ConversationMode, ConversationRecord } from "../counting/conversation.js";
import type { CachedVerdict, FoldState, StoredEvent, ThreadRecord } from "../counting/thread-state.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "../quota/types.js";

/**
 * C11: an idempotency key and its scope, the thread it came in. A key suppresses nothing outside its own
 * (tenant, channel, thread): on the web the client chooses its ids, and another visitor's must not make a
 * message a duplicate (answered, never counted). An InboundEvent is one.
 */
export interface ProcessedKey {
  tenant: string;
  channel: string;
  thread: string;
  key: string;
}

/** Everything one processed event changes, written all together or not at all. */
export interface ThreadCommit {
  thread: ThreadRecord;
  /** Conversations created or changed (upsert by id). */
  conversations: ConversationRecord[];
  /** Ledger rows to append; if any id already exists nothing is written and LEDGER_ENTRY_EXISTS is thrown (C12). */
  ledger: LedgerEntry[];
  /** C11: the idempotency key, recorded only together with the result of processing it. */
  processed: ProcessedKey & { at: number };
  /**
   * C12 across processes: the record this commit was computed from, exactly as getThread or readThread
   * returned it (null: there was none). A store shared by several processes (PostgreSQL) then writes
   * nothing and throws THREAD_CHANGED if another writer committed to the thread since; the caller reads
   * it again and starts over. Absent, the commit replaces whatever is stored. A store only one process
   * uses may ignore it: that process's commits of one thread are already one at a time (the counter's
   * thread queue).
   */
  expected?: Readonly<ThreadRecord> | null;
}

/** How the inactivity sweep (C2, C8) settles one thread's conversations. */
export interface SaveConversationsOptions {
  /**
   * C12 across processes: the thread record the conversations were settled from (every conversation is of
   * that thread). A store shared by several processes then writes nothing and throws THREAD_CHANGED if
   * another writer committed to the thread since: a sweep computed on a stale thread must not overwrite
   * what a later event made of a conversation (a late delivery receipt counting it, C7). A store only one
   * process uses may ignore it, as it ignores ThreadCommit.expected.
   */
  expected?: Readonly<ThreadRecord>;
}

/**
 * commitThread's delta form for the counting hot path: one event appended at the end of a thread's log,
 * with the fold state after it. The store extends its own record instead of taking a copy of the whole
 * log, written all together or not at all like a ThreadCommit.
 */
export interface ThreadAppend extends Omit<ThreadCommit, "thread" | "expected"> {
  /** The record this append was computed from, exactly as `readThread` returned it (undefined: a new thread). */
  previous: Readonly<ThreadRecord> | undefined;
  /** The thread's identity, for a new thread (ignored otherwise). */
  identity: Pick<ThreadRecord, "key" | "tenant" | "channel" | "thread">;
  /** Newer than every logged event. */
  event: StoredEvent;
  /** Fold state after the event. */
  state: FoldState;
  /** The verdict cache after the event (`previous.verdicts` itself when unchanged). */
  verdicts: Record<string, CachedVerdict>;
}

export interface ConversationQuery {
  tenant: string;
  /** Billing period start (YYYY-MM-DD). */
  period?: string;
  mode?: ConversationMode;
  threadKey?: string;
  /** Only conversations with endReason null whose last activity is before this instant (for the inactivity sweep). */
  openWithLastActivityBefore?: number;
}

export interface LedgerQuery {
  tenant: string;
  period?: string;
}

/** Sum of `delta` of a tenant's ledger rows of one period, by mode (counts +1, reversals −1). */
export interface LedgerTotals {
  ai: number;
  human: number;
}

/**
 * Everything LutinGénie persists. Implementations: memory (tests, simulate), lowdb (embedded default),
 * PostgreSQL (`@lutingenie/store-postgres`: several processes on one database).
 * Every implementation runs the conformance suite in `@lutingenie/core/testing`.
 * All methods may throw LutinError (STORE_CLOSED, STORE_WRITE_FAILED, ...); none loses acknowledged data:
 * a write resolves only once it is durable for that implementation.
 */
export interface Store {
  readonly kind: string;
  /**
   * Several processes write this store at once (PostgreSQL). What one process caches of it (the usage of a
   * period, for Q5) then misses the others' writes and must be read again where it decides something.
   * Absent or false: this process is the only writer (memory, lowdb under its directory lock).
   */
  readonly sharedAcrossProcesses?: boolean;

  /** C11: whether this key was committed in this very (tenant, channel, thread); any other scope is another key. */
  isProcessed(processed: Readonly<ProcessedKey>): Promise<boolean>;

  // Counting (C1–C14)
  getThread(threadKey: string): Promise<ThreadRecord | undefined>;
  commitThread(commit: ThreadCommit): Promise<void>;
  /**
   * Optional fast path of getThread (the counting engine uses it with appendToThread when a store has
   * both): the stored record itself, not a copy. The caller must not change it. Stores never change a
   * stored record in place, they replace it, so it stays a consistent snapshot.
   */
  readThread?(threadKey: string): Promise<Readonly<ThreadRecord> | undefined>;
  /**
   * Optional fast path of commitThread. Writes nothing and answers false when the thread's stored record
   * is no longer `append.previous` (another writer committed to it since): read it again and start over.
   * C12: a taken ledger id throws LEDGER_ENTRY_EXISTS, as with commitThread.
   */
  appendToThread?(append: ThreadAppend): Promise<boolean>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  listConversations(query: ConversationQuery): Promise<ConversationRecord[]>;
  /** Upserts conversations outside an event (the inactivity sweep settling ended ones). */
  saveConversations(conversations: ConversationRecord[], options?: SaveConversationsOptions): Promise<void>;
  listLedger(query: LedgerQuery): Promise<LedgerEntry[]>;
  /**
   * The period's usage without listing its rows: the sum of `delta` of the tenant's ledger rows of that
   * period by mode, archived rows included (each row once). Cheap: the counting hot path calls it.
   */
  ledgerTotals(query: { tenant: string; period: string }): Promise<LedgerTotals>;

  // Quota (Q1–Q9)
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  putTenant(tenant: Tenant): Promise<void>;
  addPack(pack: Pack): Promise<void>;
  listPacks(tenant: string): Promise<Pack[]>;
  /** Q5: records the alert unless one already fired for (tenant, period, threshold); true if recorded now. */
  recordAlert(alert: FiredAlert): Promise<boolean>;
  /**
   * Q5, C13: replaces the stored alert of the same (tenant, period, threshold) (withdrawn, fired again, or its
   * crossing instant moved); never creates one. False when there is none to replace (or it is archived).
   */
  updateAlert(alert: FiredAlert): Promise<boolean>;
  listAlerts(tenant: string, period?: string): Promise<FiredAlert[]>;

  /** Waits until every write so far is durable, then releases files, locks and timers. */
  close(): Promise<void>;
}
