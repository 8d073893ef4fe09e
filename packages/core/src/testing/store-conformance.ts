import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../clock.js";
import type { ConversationRecord, RelatednessVerdict } from "../counting/conversation.js";
import type { FoldState, StoredEvent, ThreadRecord } from "../counting/thread-state.js";
import { LutinError, type LutinErrorCode } from "../errors.js";
import { threadKeyOf } from "../events/inbound-event.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "../quota/types.js";
import type { Store, ThreadAppend, ThreadCommit } from "../store/store.js";

/*
 * Builders for test records. Every field is filled, nested ones included (a conversation with a
 * relatedness verdict and a reopening, a thread with a base state, verdicts, a human conversation),
 * so that copy checks see every level. Ids come from a counter, so two calls never collide.
 */

let sequence = 0;
const next = (): number => ++sequence;

/** 2025-01-15T09:00:00Z: the instant the builders place things at unless told otherwise. */
export const BUILDER_TIME = Date.UTC(2025, 0, 15, 9, 0, 0);

export function makeRelatednessVerdict(overrides: Partial<RelatednessVerdict> = {}): RelatednessVerdict {
  return {
    eventKey: `event-${next()}`,
    related: true,
    score: 0.8,
    version: "default@1",
    at: BUILDER_TIME + 120_000,
    ...overrides,
  };
}

export function makeConversation(overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  const n = next();
  const tenant = overrides.tenant ?? "acme";
  const channel = overrides.channel ?? "web";
  const thread = overrides.thread ?? `visitor-${n}`;
  return {
    id: `conversation-${n}`,
    tenant,
    channel,
    thread,
    threadKey: threadKeyOf({ tenant, channel, thread }),
    mode: "ai",
    linkedConversationId: null,
    origin: "live",
    openedAt: BUILDER_TIME,
    openReason: "first_message",
    openedBy: `event-${n}`,
    lastActivityAt: BUILDER_TIME + 60_000,
    endedAt: null,
    endReason: null,
    reopenedAt: [BUILDER_TIME + 30_000],
    counted: true,
    countedAt: BUILDER_TIME + 10_000,
    countedBy: `reply-${n}`,
    notCountedReason: null,
    mergedInto: null,
    relatedness: [makeRelatednessVerdict()],
    period: "2025-01-01",
    plan: "starter",
    messageCount: 2,
    ledgerGeneration: 1,
    ...overrides,
  };
}

export function makeStoredEvent(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    key: `event-${next()}`,
    at: BUILDER_TIME,
    kind: "message",
    from: "customer",
    origin: "live",
    text: "where is my order?",
    related: null,
    ref: null,
    echo: false,
    ...overrides,
  };
}

export function makeFoldState(overrides: Partial<FoldState> = {}): FoldState {
  const current = makeConversation();
  return {
    current,
    human: makeConversation({
      tenant: current.tenant,
      channel: current.channel,
      thread: current.thread,
      threadKey: current.threadKey,
      mode: "human",
      openReason: "handoff",
      linkedConversationId: current.id,
    }),
    closed: false,
    resolvedAt: null,
    lastActivityAt: BUILDER_TIME + 60_000,
    failedRefs: [`reply-${next()}`],
    context: ["where is my order?", "it is #1234"],
    ...overrides,
  };
}

export function makeThreadRecord(overrides: Partial<ThreadRecord> = {}): ThreadRecord {
  const n = next();
  const tenant = overrides.tenant ?? "acme";
  const channel = overrides.channel ?? "web";
  const thread = overrides.thread ?? `visitor-${n}`;
  const first = makeStoredEvent({ at: BUILDER_TIME });
  return {
    key: threadKeyOf({ tenant, channel, thread }),
    tenant,
    channel,
    thread,
    events: [first, makeStoredEvent({ at: BUILDER_TIME + 10_000, from: "assistant", text: null })],
    base: makeFoldState(),
    horizon: BUILDER_TIME - 60_000,
    state: makeFoldState(),
    verdicts: { [first.key]: { related: true, score: 0.9, version: "default@1", contextHash: `hash-${n}` } },
    ...overrides,
  };
}

export function makeLedgerEntry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  const conversationId = overrides.conversationId ?? `conversation-${next()}`;
  return {
    id: `${conversationId}:1`,
    tenant: "acme",
    conversationId,
    mode: "ai",
    kind: "count",
    delta: 1,
    countedAt: BUILDER_TIME + 10_000,
    period: "2025-01-01",
    plan: "starter",
    recordedAt: BUILDER_TIME + 10_000,
    reverses: null,
    reason: null,
    ...overrides,
  };
}

export function makeTenant(overrides: Partial<Tenant> = {}): Tenant {
  const n = next();
  return {
    id: `tenant-${n}`,
    name: `Tenant ${n}`,
    timeZone: "Europe/Paris",
    subscription: {
      startedAt: Date.UTC(2024, 10, 15),
      anchorDay: 15,
      planChanges: [
        { plan: "starter", effectiveAt: Date.UTC(2024, 10, 15), requestedAt: Date.UTC(2024, 10, 15) },
      ],
    },
    addOns: ["memory"],
    alertThresholds: [80, 90, 100],
    ...overrides,
  };
}

export function makePack(overrides: Partial<Pack> = {}): Pack {
  return {
    id: `pack-${next()}`,
    tenant: "acme",
    size: 500,
    purchasedAt: BUILDER_TIME,
    expiresAt: null,
    ...overrides,
  };
}

export function makeFiredAlert(overrides: Partial<FiredAlert> = {}): FiredAlert {
  return {
    tenant: "acme",
    period: "2025-01-01",
    threshold: 80,
    at: BUILDER_TIME,
    used: 80,
    allowance: 100,
    state: "fired",
    withdrawnAt: null,
    ...overrides,
  };
}

export interface ThreadCommitSpec {
  tenant?: string;
  channel?: string;
  thread?: string;
  /** The processed event's idempotency key. */
  key?: string;
  at?: number;
  period?: string;
  /** Adds the conversation's count row to the ledger (default true). */
  counted?: boolean;
}

/** A consistent commit: a thread whose state holds one conversation, that conversation, its count row and the key. */
export function makeThreadCommit(spec: ThreadCommitSpec = {}): ThreadCommit {
  const n = next();
  const tenant = spec.tenant ?? "acme";
  const channel = spec.channel ?? "web";
  const thread = spec.thread ?? `visitor-${n}`;
  const key = spec.key ?? `event-${n}`;
  const at = spec.at ?? BUILDER_TIME;
  const period = spec.period ?? "2025-01-01";
  const counted = spec.counted ?? true;
  const conversation = makeConversation({
    id: `conversation-${key}`,
    tenant,
    channel,
    thread,
    openedAt: at,
    openedBy: key,
    lastActivityAt: at,
    counted,
    countedAt: counted ? at : null,
    countedBy: counted ? `reply-${key}` : null,
    period,
    plan: counted ? "starter" : null,
    ledgerGeneration: counted ? 1 : 0,
  });
  return {
    thread: makeThreadRecord({
      tenant,
      channel,
      thread,
      events: [makeStoredEvent({ key, at })],
      base: null,
      horizon: null,
      state: makeFoldState({ current: conversation, human: null, lastActivityAt: at }),
    }),
    conversations: [conversation],
    ledger: counted
      ? [makeLedgerEntry({ tenant, conversationId: conversation.id, countedAt: at, recordedAt: at, period })]
      : [],
    processed: { tenant, channel, thread, key, at },
  };
}

export interface StoreUnderTest {
  store: Store;
  /** Removes what the store left behind (temp directories); called after the store is closed. */
  cleanup?: () => Promise<void>;
  /** Opens the same data again after `store` was closed; give it for persistent stores. */
  reopen?: () => Promise<Store>;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** Asserts that `promise` rejects with a LutinError of `code`; returns it. */
export async function expectLutinError(promise: Promise<unknown>, code: LutinErrorCode): Promise<LutinError> {
  const error = await rejection(promise);
  if (!LutinError.isInstance(error, code)) {
    throw new Error(
      `expected LutinError ${code}, got ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
  return error;
}

const byId = <T extends { id: string }>(items: T[]): T[] =>
  [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * The Store contract, for any implementation: `describeStoreConformance("my store", async () => ({ store }))`.
 * The factory is called before every test and must return an empty store.
 */
export interface ConformanceOptions {
  /** The store keeps data across close and reopen (every factory result then has `reopen`). Default true. */
  persistent?: boolean;
  /**
   * The store honours ThreadCommit.expected (THREAD_CHANGED when the thread was written since): stores
   * that several processes share. Default false (memory and lowdb: one process, which orders its own commits).
   */
  checksExpected?: boolean;
}

export function describeStoreConformance(
  name: string,
  factory: () => Promise<StoreUnderTest>,
  options: ConformanceOptions = {},
): void {
  const persistent = options.persistent ?? true;
  const checksExpected = options.checksExpected ?? false;
  describe(`Store conformance: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    const opened: Store[] = [];

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });

    afterEach(async () => {
      for (const other of opened.splice(0)) await other.close();
      await store.close();
      await subject.cleanup?.();
    });

    it("starts empty", async () => {
      expect(await store.getThread("acme/web/nobody")).toBeUndefined();
      expect(await store.getConversation("nothing")).toBeUndefined();
      expect(await store.listConversations({ tenant: "acme" })).toEqual([]);
      expect(await store.listLedger({ tenant: "acme" })).toEqual([]);
      expect(await store.listTenants()).toEqual([]);
      expect(await store.getTenant("acme")).toBeUndefined();
      expect(await store.listPacks("acme")).toEqual([]);
      expect(await store.listAlerts("acme")).toEqual([]);
      expect(await store.isProcessed({ tenant: "acme", channel: "web", thread: "t", key: "event-1" })).toBe(
        false,
      );
      expect(typeof store.kind).toBe("string");
    });

    it("commitThread stores the thread, its conversations, its ledger rows and the processed key together", async () => {
      const commit = makeThreadCommit({ tenant: "acme", key: "event-a" });
      await store.commitThread(commit);
      expect(await store.getThread(commit.thread.key)).toEqual(commit.thread);
      const conversation = commit.conversations[0] as ConversationRecord;
      expect(await store.getConversation(conversation.id)).toEqual(conversation);
      expect(await store.listConversations({ tenant: "acme" })).toEqual([conversation]);
      expect(await store.listLedger({ tenant: "acme" })).toEqual(commit.ledger);
      expect(await store.isProcessed(commit.processed)).toBe(true);
    });

    it("C11: a key is processed only once its commit is done, and keys are scoped by tenant, channel and thread", async () => {
      const commit = makeThreadCommit({ tenant: "acme", channel: "slack", thread: "D01", key: "Ev01" });
      const key = { tenant: "acme", channel: "slack", thread: "D01", key: "Ev01" };
      expect(await store.isProcessed(key)).toBe(false);
      await store.commitThread(commit);
      expect(await store.isProcessed(key)).toBe(true);
      expect(await store.isProcessed({ ...key, channel: "web" })).toBe(false);
      expect(await store.isProcessed({ ...key, tenant: "globex" })).toBe(false);
      expect(await store.isProcessed({ ...key, key: "Ev02" })).toBe(false);
      // Another thread's key suppresses nothing: on the web the client chooses its ids, and a visitor
      // reusing another's must still be answered and counted.
      expect(await store.isProcessed({ ...key, thread: "D02" })).toBe(false);
      // Scoping must not be fooled by separators inside the parts.
      expect(await store.isProcessed({ tenant: "acme/slack", channel: "", thread: "D01", key: "Ev01" })).toBe(
        false,
      );
      expect(await store.isProcessed({ ...key, thread: "D01/Ev01", key: "" })).toBe(false);
      expect(await store.isProcessed({ ...key, thread: "", key: "D01/Ev01" })).toBe(false);
      expect(await store.isProcessed({ ...key, thread: "D", key: "01/Ev01" })).toBe(false);
    });

    it("C11: the same key committed in two threads of one channel is two processed keys", async () => {
      const first = makeThreadCommit({ tenant: "acme", thread: "visitor-a", key: "1" });
      const second = makeThreadCommit({ tenant: "acme", thread: "visitor-b", key: "1", counted: false });
      // The builder names a conversation after its opening key: this one is another conversation.
      (second.conversations[0] as ConversationRecord).id = "conversation-1-of-visitor-b";
      const other = { tenant: "acme", channel: "web", thread: "visitor-c", key: "1" };
      await store.commitThread(first);
      expect(await store.isProcessed(first.processed)).toBe(true);
      expect(await store.isProcessed(second.processed)).toBe(false);
      await store.commitThread(second);
      expect(await store.isProcessed(second.processed)).toBe(true);
      expect(await store.isProcessed(other)).toBe(false);
      expect(await store.listConversations({ tenant: "acme" })).toHaveLength(2);
    });

    it("C11: a failed commit leaves the key unprocessed, so a retry is processed", async () => {
      const first = makeThreadCommit({ tenant: "acme", key: "first" });
      await store.commitThread(first);
      const retry = makeThreadCommit({ tenant: "acme", key: "retried" });
      retry.ledger = first.ledger;
      await expectLutinError(store.commitThread(retry), "LEDGER_ENTRY_EXISTS");
      expect(await store.isProcessed(retry.processed)).toBe(false);
      retry.ledger = [];
      await store.commitThread(retry);
      expect(await store.isProcessed(retry.processed)).toBe(true);
    });

    it("C12: a ledger id that already exists fails with LEDGER_ENTRY_EXISTS and changes nothing", async () => {
      const first = makeThreadCommit({ tenant: "acme", thread: "visitor", key: "k1" });
      await store.commitThread(first);
      const existing = first.conversations[0] as ConversationRecord;
      const changed = { ...existing, messageCount: 9, lastActivityAt: existing.lastActivityAt + 1_000 };
      const added = makeConversation({ tenant: "acme", thread: "visitor" });
      const second: ThreadCommit = {
        thread: { ...first.thread, events: [...first.thread.events, makeStoredEvent({ key: "k2" })] },
        conversations: [changed, added],
        ledger: [makeLedgerEntry({ tenant: "acme", conversationId: added.id }), ...first.ledger],
        processed: { tenant: "acme", channel: "web", thread: "visitor", key: "k2", at: BUILDER_TIME + 5_000 },
      };
      const error = await expectLutinError(store.commitThread(second), "LEDGER_ENTRY_EXISTS");
      expect(error.message).toContain((first.ledger[0] as LedgerEntry).id);
      expect(await store.getThread(first.thread.key)).toEqual(first.thread);
      expect(await store.getConversation(existing.id)).toEqual(existing);
      expect(await store.getConversation(added.id)).toBeUndefined();
      expect(await store.listConversations({ tenant: "acme" })).toEqual([existing]);
      expect(await store.listLedger({ tenant: "acme" })).toEqual(first.ledger);
      expect(await store.isProcessed(second.processed)).toBe(false);
    });

    it("C12: an id repeated within one commit is refused and nothing is written", async () => {
      const commit = makeThreadCommit({ tenant: "acme", key: "twice" });
      const row = commit.ledger[0] as LedgerEntry;
      commit.ledger = [row, { ...row }];
      await expectLutinError(store.commitThread(commit), "LEDGER_ENTRY_EXISTS");
      expect(await store.getThread(commit.thread.key)).toBeUndefined();
      expect(await store.listLedger({ tenant: "acme" })).toEqual([]);
      expect(await store.isProcessed(commit.processed)).toBe(false);
    });

    it("C12: two concurrent commits counting one conversation: exactly one succeeds", async () => {
      const a = makeThreadCommit({ tenant: "acme", thread: "same", key: "a" });
      const b = makeThreadCommit({ tenant: "acme", thread: "same", key: "b" });
      b.ledger = a.ledger.map((entry) => ({ ...entry }));
      const results = await Promise.allSettled([store.commitThread(a), store.commitThread(b)]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const failed = results.find((result) => result.status === "rejected");
      expect(LutinError.isInstance(failed?.reason, "LEDGER_ENTRY_EXISTS")).toBe(true);
      expect(await store.listLedger({ tenant: "acme" })).toHaveLength(1);
    });

    it("commitThread replaces the thread record and upserts conversations by id", async () => {
      const first = makeThreadCommit({ tenant: "acme", thread: "visitor", key: "k1" });
      await store.commitThread(first);
      const conversation = first.conversations[0] as ConversationRecord;
      const ended: ConversationRecord = {
        ...conversation,
        endedAt: BUILDER_TIME + 3_600_000,
        endReason: "inactivity",
      };
      const next = makeConversation({ tenant: "acme", thread: "visitor", openReason: "after_inactivity" });
      const thread: ThreadRecord = {
        ...first.thread,
        events: [...first.thread.events, makeStoredEvent({ key: "k2" })],
        state: makeFoldState({ current: next, human: null }),
      };
      await store.commitThread({
        thread,
        conversations: [ended, next],
        ledger: [],
        processed: {
          tenant: "acme",
          channel: "web",
          thread: "visitor",
          key: "k2",
          at: BUILDER_TIME + 3_600_000,
        },
      });
      expect(await store.getThread(thread.key)).toEqual(thread);
      expect(await store.getConversation(conversation.id)).toEqual(ended);
      expect(byId(await store.listConversations({ tenant: "acme" }))).toEqual(byId([ended, next]));
      expect(await store.listLedger({ tenant: "acme" })).toEqual(first.ledger);
    });

    it("saveConversations upserts by id", async () => {
      const a = makeConversation({ tenant: "acme" });
      const b = makeConversation({ tenant: "acme" });
      await store.saveConversations([a, b]);
      const settled = { ...a, endedAt: a.lastActivityAt + 1, endReason: "inactivity" as const };
      await store.saveConversations([settled]);
      expect(await store.getConversation(a.id)).toEqual(settled);
      expect(byId(await store.listConversations({ tenant: "acme" }))).toEqual(byId([settled, b]));
    });

    it("listConversations filters by tenant, period, mode and thread, alone and together", async () => {
      const january = makeConversation({ tenant: "acme", thread: "t1", period: "2025-01-01" });
      const february = makeConversation({ tenant: "acme", thread: "t1", period: "2025-02-01" });
      const human = makeConversation({ tenant: "acme", thread: "t2", period: "2025-01-01", mode: "human" });
      const other = makeConversation({ tenant: "globex", thread: "t1", period: "2025-01-01" });
      await store.saveConversations([january, february, human, other]);
      const list = async (query: Parameters<Store["listConversations"]>[0]) =>
        byId(await store.listConversations(query));
      expect(await list({ tenant: "acme" })).toEqual(byId([january, february, human]));
      expect(await list({ tenant: "globex" })).toEqual([other]);
      expect(await list({ tenant: "nobody" })).toEqual([]);
      expect(await list({ tenant: "acme", period: "2025-01-01" })).toEqual(byId([january, human]));
      expect(await list({ tenant: "acme", period: "2025-03-01" })).toEqual([]);
      expect(await list({ tenant: "acme", mode: "human" })).toEqual([human]);
      expect(await list({ tenant: "acme", mode: "ai" })).toEqual(byId([january, february]));
      expect(await list({ tenant: "acme", threadKey: january.threadKey })).toEqual(byId([january, february]));
      expect(await list({ tenant: "acme", threadKey: january.threadKey, period: "2025-02-01" })).toEqual([
        february,
      ]);
      expect(await list({ tenant: "acme", mode: "human", period: "2025-02-01" })).toEqual([]);
    });

    it("listConversations with openWithLastActivityBefore: open conversations idle since strictly before", async () => {
      const cutoff = BUILDER_TIME + 3_600_000;
      const idle = makeConversation({ tenant: "acme", lastActivityAt: cutoff - 1 });
      const atCutoff = makeConversation({ tenant: "acme", lastActivityAt: cutoff });
      const recent = makeConversation({ tenant: "acme", lastActivityAt: cutoff + 1 });
      const ended = makeConversation({
        tenant: "acme",
        lastActivityAt: cutoff - 10,
        endedAt: cutoff - 5,
        endReason: "resolved",
      });
      const otherTenant = makeConversation({ tenant: "globex", lastActivityAt: cutoff - 1 });
      await store.saveConversations([idle, atCutoff, recent, ended, otherTenant]);
      expect(await store.listConversations({ tenant: "acme", openWithLastActivityBefore: cutoff })).toEqual([
        idle,
      ]);
      expect(
        await store.listConversations({ tenant: "acme", openWithLastActivityBefore: cutoff, mode: "human" }),
      ).toEqual([]);
    });

    it("listLedger returns a tenant's rows, all or of one period", async () => {
      const january = makeLedgerEntry({ tenant: "acme", period: "2025-01-01" });
      const february = makeLedgerEntry({ tenant: "acme", period: "2025-02-01" });
      const reversal = makeLedgerEntry({
        tenant: "acme",
        period: "2025-01-01",
        conversationId: january.conversationId,
        id: `${january.conversationId}:1:reversal`,
        kind: "reversal",
        delta: -1,
        reverses: january.id,
        reason: "merged",
      });
      const other = makeLedgerEntry({ tenant: "globex", period: "2025-01-01" });
      const commit = (key: string, ledger: LedgerEntry[], tenant = "acme") => {
        const base = makeThreadCommit({ tenant, key, counted: false });
        return store.commitThread({ ...base, ledger });
      };
      await commit("k1", [january]);
      await commit("k2", [february]);
      await commit("k3", [reversal]);
      await commit("k4", [other], "globex");
      expect(byId(await store.listLedger({ tenant: "acme" }))).toEqual(byId([january, february, reversal]));
      expect(byId(await store.listLedger({ tenant: "acme", period: "2025-01-01" }))).toEqual(
        byId([january, reversal]),
      );
      expect(await store.listLedger({ tenant: "acme", period: "2025-02-01" })).toEqual([february]);
      expect(await store.listLedger({ tenant: "acme", period: "2025-03-01" })).toEqual([]);
      expect(await store.listLedger({ tenant: "globex" })).toEqual([other]);
    });

    it("ledgerTotals sums delta by mode for one (tenant, period), reversals included, as listLedger would", async () => {
      const rows: LedgerEntry[] = [];
      const row = (tenant: string, period: string, mode: "ai" | "human", reversed = false) => {
        const counted = makeLedgerEntry({ tenant, period, mode });
        rows.push(counted);
        if (reversed) {
          rows.push({
            ...counted,
            id: `${counted.id}:reversal`,
            kind: "reversal",
            delta: -1,
            reverses: counted.id,
            reason: "merged",
          });
        }
      };
      for (let index = 0; index < 5; index++) row("acme", "2025-01-01", "ai", index < 2);
      for (let index = 0; index < 3; index++) row("acme", "2025-01-01", "human", index === 0);
      for (let index = 0; index < 4; index++) row("acme", "2025-02-01", "ai");
      row("acme", "2025-02-01", "human", true);
      row("globex", "2025-01-01", "human");
      for (const [index, entry] of rows.entries()) {
        const base = makeThreadCommit({ tenant: entry.tenant, key: `totals-${index}`, counted: false });
        await store.commitThread({ ...base, ledger: [entry] });
      }
      const summed = async (tenant: string, period: string) => {
        const totals = { ai: 0, human: 0 };
        for (const entry of await store.listLedger({ tenant, period })) totals[entry.mode] += entry.delta;
        return totals;
      };
      const expected: Array<[string, string, { ai: number; human: number }]> = [
        ["acme", "2025-01-01", { ai: 3, human: 2 }],
        ["acme", "2025-02-01", { ai: 4, human: 0 }],
        ["globex", "2025-01-01", { ai: 0, human: 1 }],
        ["globex", "2025-02-01", { ai: 0, human: 0 }],
        ["acme", "2025-03-01", { ai: 0, human: 0 }],
        ["initech", "2025-01-01", { ai: 0, human: 0 }],
      ];
      for (const [tenant, period, totals] of expected) {
        expect(await store.ledgerTotals({ tenant, period })).toEqual(totals);
        expect(await store.ledgerTotals({ tenant, period })).toEqual(await summed(tenant, period));
      }
    });

    it("tenants: putTenant adds or replaces, getTenant and listTenants read them", async () => {
      const acme = makeTenant({ id: "acme" });
      const globex = makeTenant({ id: "globex" });
      await store.putTenant(acme);
      await store.putTenant(globex);
      expect(await store.getTenant("acme")).toEqual(acme);
      expect(await store.getTenant("initech")).toBeUndefined();
      expect(byId(await store.listTenants())).toEqual(byId([acme, globex]));
      const upgraded = makeTenant({ id: "acme", name: "Acme Inc.", addOns: ["memory", "polyglot"] });
      await store.putTenant(upgraded);
      expect(await store.getTenant("acme")).toEqual(upgraded);
      expect(await store.listTenants()).toHaveLength(2);
    });

    it("packs: addPack keeps every pack of a tenant; listPacks returns that tenant's only", async () => {
      const first = makePack({ tenant: "acme", purchasedAt: BUILDER_TIME });
      const second = makePack({
        tenant: "acme",
        purchasedAt: BUILDER_TIME + 1_000,
        expiresAt: BUILDER_TIME + DAY,
        // The price paid is kept with the pack (the invoice charges it); null: bought without one.
        priceCents: 1750,
      });
      const other = makePack({ tenant: "globex", priceCents: null });
      await store.addPack(first);
      await store.addPack(second);
      await store.addPack(other);
      expect(byId(await store.listPacks("acme"))).toEqual(byId([first, second]));
      expect(await store.listPacks("globex")).toEqual([other]);
      expect(await store.listPacks("nobody")).toEqual([]);
    });

    it("Q5: recordAlert records once per (tenant, period, threshold) and says whether it did", async () => {
      const alert = makeFiredAlert({ tenant: "acme", period: "2025-01-01", threshold: 80 });
      expect(await store.recordAlert(alert)).toBe(true);
      expect(await store.recordAlert({ ...alert, at: alert.at + 1_000, used: 85 })).toBe(false);
      expect(await store.recordAlert({ ...alert, threshold: 90 })).toBe(true);
      expect(await store.recordAlert({ ...alert, period: "2025-02-01" })).toBe(true);
      expect(await store.recordAlert({ ...alert, tenant: "globex" })).toBe(true);
      const all = await store.listAlerts("acme");
      expect(all).toHaveLength(3);
      expect(all).toContainEqual(alert);
      expect(await store.listAlerts("acme", "2025-01-01")).toHaveLength(2);
      expect(await store.listAlerts("acme", "2025-02-01")).toEqual([{ ...alert, period: "2025-02-01" }]);
      expect(await store.listAlerts("globex")).toEqual([{ ...alert, tenant: "globex" }]);
    });

    it("Q5, C13: updateAlert replaces the record of its (tenant, period, threshold), withdrawn state included", async () => {
      const alert = makeFiredAlert({ tenant: "acme", threshold: 90 });
      expect(await store.updateAlert(alert)).toBe(false); // nothing to replace: updateAlert never creates
      expect(await store.listAlerts("acme")).toEqual([]);
      await store.recordAlert(alert);
      await store.recordAlert(makeFiredAlert({ tenant: "acme", threshold: 80 }));
      const withdrawn = { ...alert, state: "withdrawn" as const, withdrawnAt: alert.at + 5_000 };
      expect(await store.updateAlert(withdrawn)).toBe(true);
      expect(await store.listAlerts("acme")).toHaveLength(2);
      expect(await store.listAlerts("acme")).toContainEqual(withdrawn);
      // Still one record per key: a withdrawn alert is not fired again by recordAlert, only by updateAlert.
      expect(await store.recordAlert(alert)).toBe(false);
      const refired = { ...alert, at: alert.at + 9_000, used: 91 };
      expect(await store.updateAlert(refired)).toBe(true);
      expect(await store.listAlerts("acme")).toContainEqual(refired);
    });

    it("Q5: an alert stored without a state (older data) reads as fired", async () => {
      const { state: _state, withdrawnAt: _withdrawnAt, ...old } = makeFiredAlert({ tenant: "acme" });
      await store.recordAlert(old);
      expect(await store.listAlerts("acme")).toEqual([{ ...old, state: "fired", withdrawnAt: null }]);
    });

    it("Q5: concurrent recordAlert calls for one threshold record it once", async () => {
      const alert = makeFiredAlert({ tenant: "acme", threshold: 100 });
      const results = await Promise.all([
        store.recordAlert(alert),
        store.recordAlert({ ...alert, used: 101 }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.listAlerts("acme")).toHaveLength(1);
    });

    it("returns copies: changing what a read returned does not change the store", async () => {
      const commit = makeThreadCommit({ tenant: "acme", key: "k1" });
      await store.commitThread(commit);
      const tenant = makeTenant({ id: "acme" });
      await store.putTenant(tenant);
      const pack = makePack({ tenant: "acme" });
      await store.addPack(pack);
      const alert = makeFiredAlert({ tenant: "acme" });
      await store.recordAlert(alert);
      const conversation = commit.conversations[0] as ConversationRecord;

      const thread = (await store.getThread(commit.thread.key)) as ThreadRecord;
      thread.events.push(makeStoredEvent());
      (thread.events[0] as StoredEvent).text = "changed";
      (thread.state.current as ConversationRecord).relatedness.push(makeRelatednessVerdict());
      (thread.state.current as ConversationRecord).messageCount = 99;
      thread.state.context.push("changed");
      for (const verdict of Object.values(thread.verdicts)) verdict.score = -1;
      const read = (await store.getConversation(conversation.id)) as ConversationRecord;
      read.reopenedAt.push(1);
      (read.relatedness[0] as RelatednessVerdict).related = false;
      const listed = await store.listConversations({ tenant: "acme" });
      (listed[0] as ConversationRecord).endReason = "closed";
      const rows = await store.listLedger({ tenant: "acme" });
      (rows[0] as LedgerEntry).delta = -1;
      rows.push(makeLedgerEntry());
      const gotTenant = (await store.getTenant("acme")) as Tenant;
      gotTenant.subscription.planChanges.push({ plan: "pro", effectiveAt: 1, requestedAt: 1 });
      gotTenant.alertThresholds.push(50);
      const listedTenant = (await store.listTenants())[0] as Tenant;
      listedTenant.addOns.push("polyglot");
      ((await store.listPacks("acme"))[0] as Pack).size = 1;
      ((await store.listAlerts("acme"))[0] as FiredAlert).used = 0;

      expect(await store.getThread(commit.thread.key)).toEqual(commit.thread);
      expect(await store.getConversation(conversation.id)).toEqual(conversation);
      expect(await store.listConversations({ tenant: "acme" })).toEqual([conversation]);
      expect(await store.listLedger({ tenant: "acme" })).toEqual(commit.ledger);
      expect(await store.getTenant("acme")).toEqual(tenant);
      expect(await store.listPacks("acme")).toEqual([pack]);
      expect(await store.listAlerts("acme")).toEqual([alert]);
    });

    it("keeps copies: changing an object after writing it does not change the store", async () => {
      const commit = makeThreadCommit({ tenant: "acme", key: "k1" });
      const snapshot = structuredClone(commit);
      await store.commitThread(commit);
      const conversation = commit.conversations[0] as ConversationRecord;
      commit.thread.events.push(makeStoredEvent());
      (commit.thread.state.current as ConversationRecord).reopenedAt.push(5);
      commit.thread.state.failedRefs.push("x");
      conversation.messageCount = 42;
      (conversation.relatedness[0] as RelatednessVerdict).score = 0;
      (commit.ledger[0] as LedgerEntry).plan = "changed";
      const saved = makeConversation({ tenant: "acme" });
      const savedSnapshot = structuredClone(saved);
      await store.saveConversations([saved]);
      saved.reopenedAt.push(7);
      const tenant = makeTenant({ id: "acme" });
      const tenantSnapshot = structuredClone(tenant);
      await store.putTenant(tenant);
      tenant.subscription.planChanges.length = 0;
      tenant.subscription.anchorDay = 1;
      const pack = makePack({ tenant: "acme" });
      const packSnapshot = structuredClone(pack);
      await store.addPack(pack);
      pack.size = 0;
      const alert = makeFiredAlert({ tenant: "acme" });
      const alertSnapshot = structuredClone(alert);
      await store.recordAlert(alert);
      alert.used = 0;

      expect(await store.getThread(snapshot.thread.key)).toEqual(snapshot.thread);
      expect(await store.getConversation(conversation.id)).toEqual(snapshot.conversations[0]);
      expect(await store.listLedger({ tenant: "acme" })).toEqual(snapshot.ledger);
      expect(await store.getConversation(saved.id)).toEqual(savedSnapshot);
      expect(await store.getTenant("acme")).toEqual(tenantSnapshot);
      expect(await store.listPacks("acme")).toEqual([packSnapshot]);
      expect(await store.listAlerts("acme")).toEqual([alertSnapshot]);
    });

    describe("append fast path (readThread / appendToThread), for stores that have it", () => {
      /** An append of one new event after `previous`, as the counter builds it. */
      const appendAfter = (
        previous: Readonly<ThreadRecord> | undefined,
        commit: ThreadCommit,
      ): ThreadAppend => ({
        previous,
        identity: commit.thread,
        event: commit.thread.events[0] as StoredEvent,
        state: commit.thread.state,
        verdicts: previous?.verdicts ?? {},
        conversations: commit.conversations,
        ledger: commit.ledger,
        processed: commit.processed,
      });

      it("appends one event to the stored log, with the new state, conversations, rows and key, all together", async () => {
        if (store.readThread === undefined || store.appendToThread === undefined) return;
        const first = makeThreadCommit({ tenant: "acme", thread: "fast", key: "f1" });
        await store.commitThread(first);
        const previous = await store.readThread(first.thread.key);
        const second = makeThreadCommit({ tenant: "acme", thread: "fast", key: "f2", at: BUILDER_TIME + 1 });
        const snapshot = structuredClone(second);
        expect(await store.appendToThread(appendAfter(previous, second))).toBe(true);
        // Kept as copies: changing what was appended changes nothing stored.
        (second.thread.events[0] as StoredEvent).text = "changed";
        (second.thread.state.current as ConversationRecord).messageCount = 99;
        (second.conversations[0] as ConversationRecord).reopenedAt.push(1);

        expect(await store.getThread(first.thread.key)).toEqual({
          ...first.thread,
          events: [...first.thread.events, ...snapshot.thread.events],
          state: snapshot.thread.state,
        });
        // The record read before the append is unchanged: stores replace records, never change them.
        expect(previous).toEqual(first.thread);
        expect(await store.isProcessed(second.processed)).toBe(true);
        expect(await store.getConversation(snapshot.conversations[0]?.id ?? "")).toEqual(
          snapshot.conversations[0],
        );
        expect(await store.listLedger({ tenant: "acme" })).toEqual([...first.ledger, ...snapshot.ledger]);
      });

      it("starts a new thread from an append with no previous record", async () => {
        if (store.readThread === undefined || store.appendToThread === undefined) return;
        const commit = makeThreadCommit({ tenant: "acme", thread: "new", key: "n1" });
        expect(await store.readThread(commit.thread.key)).toBeUndefined();
        expect(await store.appendToThread(appendAfter(undefined, commit))).toBe(true);
        expect(await store.getThread(commit.thread.key)).toEqual({ ...commit.thread, verdicts: {} });
      });

      it("writes nothing and answers false when the thread changed since it was read", async () => {
        if (store.readThread === undefined || store.appendToThread === undefined) return;
        const first = makeThreadCommit({ tenant: "acme", thread: "raced", key: "r1" });
        await store.commitThread(first);
        const stale = await store.readThread(first.thread.key);
        const other = makeThreadCommit({ tenant: "acme", thread: "raced", key: "r2", counted: false });
        await store.commitThread(other);
        const late = makeThreadCommit({ tenant: "acme", thread: "raced", key: "r3", counted: false });
        expect(await store.appendToThread(appendAfter(stale, late))).toBe(false);
        expect(await store.getThread(first.thread.key)).toEqual(other.thread);
        expect(await store.isProcessed(late.processed)).toBe(false);
        // A new thread raced too: another writer created it first.
        const created = makeThreadCommit({ tenant: "acme", thread: "created", key: "c1", counted: false });
        await store.commitThread(created);
        const again = makeThreadCommit({ tenant: "acme", thread: "created", key: "c2", counted: false });
        expect(await store.appendToThread(appendAfter(undefined, again))).toBe(false);
        expect(await store.isProcessed(again.processed)).toBe(false);
      });

      it("C12: a ledger id that already exists fails with LEDGER_ENTRY_EXISTS and writes nothing", async () => {
        if (store.readThread === undefined || store.appendToThread === undefined) return;
        const first = makeThreadCommit({ tenant: "acme", thread: "dup", key: "d1" });
        await store.commitThread(first);
        const previous = await store.readThread(first.thread.key);
        const second = makeThreadCommit({ tenant: "acme", thread: "dup", key: "d2" });
        second.ledger = first.ledger;
        await expectLutinError(store.appendToThread(appendAfter(previous, second)), "LEDGER_ENTRY_EXISTS");
        expect(await store.getThread(first.thread.key)).toEqual(first.thread);
        expect(await store.isProcessed(second.processed)).toBe(false);
      });
    });

    it("concurrent commits on different threads all land", async () => {
      const commits = Array.from({ length: 100 }, (_, index) =>
        makeThreadCommit({ tenant: "acme", thread: `concurrent-${index}`, key: `key-${index}` }),
      );
      await Promise.all(commits.map((commit) => store.commitThread(commit)));
      for (const commit of commits) {
        expect(await store.isProcessed(commit.processed)).toBe(true);
        expect(await store.getThread(commit.thread.key)).toEqual(commit.thread);
      }
      expect(await store.listConversations({ tenant: "acme" })).toHaveLength(100);
      expect(await store.listLedger({ tenant: "acme" })).toHaveLength(100);
    });

    it("ids named like Object.prototype members are ordinary ids", async () => {
      expect(await store.getTenant("constructor")).toBeUndefined();
      expect(await store.getTenant("toString")).toBeUndefined();
      expect(await store.getThread("__proto__")).toBeUndefined();
      expect(await store.getConversation("hasOwnProperty")).toBeUndefined();
      const tenant = makeTenant({ id: "__proto__" });
      await store.putTenant(tenant);
      expect(await store.getTenant("__proto__")).toEqual(tenant);
      const conversation = makeConversation({ id: "__proto__", tenant: "constructor" });
      await store.saveConversations([conversation]);
      expect(await store.getConversation("__proto__")).toEqual(conversation);
      expect(await store.listConversations({ tenant: "constructor" })).toEqual([conversation]);
      const commit = makeThreadCommit({ tenant: "toString", key: "__proto__" });
      commit.thread.verdicts = JSON.parse(
        '{"__proto__": {"related": true, "score": 1, "version": "v", "contextHash": "h"}}',
      );
      await store.commitThread(commit);
      expect(await store.isProcessed(commit.processed)).toBe(true);
      expect(await store.getThread(commit.thread.key)).toEqual(commit.thread);
      expect(Object.keys((await store.getThread(commit.thread.key))?.verdicts ?? {})).toEqual(["__proto__"]);
    });

    // Registered only for stores that check it, so that the others show no skipped test.
    if (checksExpected) {
      it("C12: commitThread with `expected` refuses a thread written since with THREAD_CHANGED and writes nothing", async () => {
        const first = makeThreadCommit({ tenant: "acme", thread: "expected", key: "e1" });
        await store.commitThread({ ...first, expected: null });
        // null: there must be no thread yet.
        const racing = makeThreadCommit({ tenant: "acme", thread: "expected", key: "e0", counted: false });
        await expectLutinError(store.commitThread({ ...racing, expected: null }), "THREAD_CHANGED");
        expect(await store.isProcessed(racing.processed)).toBe(false);
        const stale = (await store.getThread(first.thread.key)) as ThreadRecord;
        const other = makeThreadCommit({ tenant: "acme", thread: "expected", key: "e2", counted: false });
        await store.commitThread({ ...other, expected: stale });
        const late = makeThreadCommit({ tenant: "acme", thread: "expected", key: "e3" });
        await expectLutinError(store.commitThread({ ...late, expected: stale }), "THREAD_CHANGED");
        expect(await store.getThread(first.thread.key)).toEqual(other.thread);
        expect(await store.isProcessed(late.processed)).toBe(false);
        expect(await store.listLedger({ tenant: "acme" })).toEqual(first.ledger);
        // A copy of the stored record is the stored record: it matches by content.
        const current = structuredClone(await store.getThread(first.thread.key)) as ThreadRecord;
        await store.commitThread({ ...late, expected: current });
        expect(await store.isProcessed(late.processed)).toBe(true);
        expect(await store.getThread(first.thread.key)).toEqual(late.thread);
      });

      it("C2, C12: saveConversations with `expected` refuses a settlement computed from a thread written since", async () => {
        const first = makeThreadCommit({ tenant: "acme", thread: "sweep", key: "s1", counted: false });
        await store.commitThread(first);
        const swept = (await store.getThread(first.thread.key)) as ThreadRecord;
        // Another process commits to the thread (a late receipt counting the conversation) after the sweep read it.
        const counted = makeThreadCommit({ tenant: "acme", thread: "sweep", key: "s2" });
        const countedConversation = {
          ...(counted.conversations[0] as ConversationRecord),
          id: "sweep-conversation",
        };
        await store.commitThread({ ...counted, conversations: [countedConversation], expected: swept });
        const stale = {
          ...countedConversation,
          counted: false,
          countedAt: null,
          endReason: "inactivity" as const,
        };
        await expectLutinError(store.saveConversations([stale], { expected: swept }), "THREAD_CHANGED");
        expect(await store.getConversation("sweep-conversation")).toEqual(countedConversation);
        // Settled from the current thread, the same write goes through.
        const current = (await store.getThread(first.thread.key)) as ThreadRecord;
        const ended = { ...countedConversation, endReason: "inactivity" as const, endedAt: BUILDER_TIME + 5 };
        await store.saveConversations([ended], { expected: current });
        expect(await store.getConversation("sweep-conversation")).toEqual(ended);
      });
    }

    // Registered only for persistent stores, so that a store without persistence shows no skipped test.
    if (persistent) {
      it("everything survives closing and reopening", async () => {
        if (subject.reopen === undefined)
          throw new Error(`${name}: a persistent store's factory must give reopen()`);
        const commit = makeThreadCommit({ tenant: "acme", key: "persisted" });
        await store.commitThread(commit);
        const saved = makeConversation({ tenant: "acme", endReason: "closed", endedAt: BUILDER_TIME + 5 });
        await store.saveConversations([saved]);
        const tenant = makeTenant({ id: "acme" });
        await store.putTenant(tenant);
        const pack = makePack({ tenant: "acme" });
        await store.addPack(pack);
        const alert = makeFiredAlert({ tenant: "acme" });
        await store.recordAlert(alert);
        await store.close();

        const again = await subject.reopen();
        opened.push(again);
        expect(await again.getThread(commit.thread.key)).toEqual(commit.thread);
        expect(byId(await again.listConversations({ tenant: "acme" }))).toEqual(
          byId([...commit.conversations, saved]),
        );
        expect(await again.listLedger({ tenant: "acme" })).toEqual(commit.ledger);
        expect(await again.ledgerTotals({ tenant: "acme", period: "2025-01-01" })).toEqual({
          ai: commit.ledger
            .filter((entry) => entry.mode === "ai")
            .reduce((sum, entry) => sum + entry.delta, 0),
          human: commit.ledger
            .filter((entry) => entry.mode === "human")
            .reduce((sum, entry) => sum + entry.delta, 0),
        });
        expect(await again.isProcessed(commit.processed)).toBe(true);
        expect(
          await again.isProcessed({ ...commit.processed, thread: `${commit.processed.thread}-other` }),
        ).toBe(false);
        expect(await again.getTenant("acme")).toEqual(tenant);
        expect(await again.listPacks("acme")).toEqual([pack]);
        expect(await again.listAlerts("acme")).toEqual([alert]);
        expect(await again.recordAlert(alert)).toBe(false);
        await expectLutinError(
          again.commitThread({ ...commit, processed: { ...commit.processed, key: "x" } }),
          "LEDGER_ENTRY_EXISTS",
        );
      });
    }

    it("after close every call fails with STORE_CLOSED; closing twice is fine", async () => {
      await store.commitThread(makeThreadCommit({ tenant: "acme" }));
      await store.close();
      await store.close();
      await expectLutinError(
        store.isProcessed({ tenant: "acme", channel: "web", thread: "t", key: "k" }),
        "STORE_CLOSED",
      );
      await expectLutinError(store.getThread("acme/web/x"), "STORE_CLOSED");
      await expectLutinError(store.commitThread(makeThreadCommit()), "STORE_CLOSED");
      await expectLutinError(store.listConversations({ tenant: "acme" }), "STORE_CLOSED");
      await expectLutinError(store.saveConversations([]), "STORE_CLOSED");
      await expectLutinError(store.listLedger({ tenant: "acme" }), "STORE_CLOSED");
      await expectLutinError(store.ledgerTotals({ tenant: "acme", period: "2025-01-01" }), "STORE_CLOSED");
      await expectLutinError(store.putTenant(makeTenant()), "STORE_CLOSED");
      await expectLutinError(store.listTenants(), "STORE_CLOSED");
      await expectLutinError(store.recordAlert(makeFiredAlert()), "STORE_CLOSED");
    });
  });
}
