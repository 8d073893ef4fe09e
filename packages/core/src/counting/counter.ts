import { type Clock, systemClock } from "../clock.js";
import { LutinError } from "../errors.js";
import { EventBus } from "../events/event-bus.js";
import { type InboundEvent, parseInboundEvent, threadKeyOf } from "../events/inbound-event.js";
import type { LedgerEntry } from "../quota/types.js";
import { copyConversation } from "../store/copy.js";
import type { Store } from "../store/store.js";
import { type CompactionOptions, compactThread, DEFAULT_COMPACTION } from "./compaction.js";
import type { ConversationRecord } from "./conversation.js";
import { evaluateThread } from "./evaluate-thread.js";
import {
  type BillingView,
  compareEvents,
  type FoldContext,
  foldEvents,
  placementKey,
  settleAt,
} from "./fold.js";
import { ledgerRowsFor, type ReversalReason } from "./ledger-rows.js";
import {
  createDefaultRelatednessDetector,
  type RelatednessDetector,
  withRelatedOnDoubt,
} from "./relatedness.js";
import { createDefaultResolutionDetector, type ResolutionDetector } from "./resolution.js";
import { toStoredEvent } from "./stored-event.js";
import { ThreadQueue } from "./thread-queue.js";
import {
  type CachedVerdict,
  type FoldState,
  initialFoldState,
  type StoredEvent,
  type ThreadRecord,
} from "./thread-state.js";
import { UsageTracker } from "./usage-tracker.js";

/** What counting needs to know of a tenant's subscription; quota's `createBillingDirectory` provides it. */
export interface CountingBilling extends BillingView {
  /** The AI allowance of the period containing `at` (Q5 alerts are percentages of it). */
  allowanceAt(at: number): number;
  /** Q5: alert thresholds, whole percentages. */
  alertThresholds: readonly number[];
}

export interface BillingDirectory {
  /** Throws LutinError TENANT_UNKNOWN for a tenant that does not exist. */
  forTenant(tenant: string): Promise<CountingBilling> | CountingBilling;
}

export interface ConversationCounterOptions {
  store: Store;
  billing: BillingDirectory;
  clock?: Clock;
  events?: EventBus;
  relatedness?: RelatednessDetector;
  /** C6: a detector slower than this is taken to have said "related". */
  relatednessTimeoutMs?: number;
  resolution?: ResolutionDetector;
  compaction?: Partial<CompactionOptions>;
}

export type IngestStatus = "processed" | "duplicate" | "too_late";

export interface IngestResult {
  status: IngestStatus;
  /** The AI conversation the event belongs to after processing (null for duplicates and events with no conversation). */
  conversation: ConversationRecord | null;
  /** Its linked human conversation, if an agent took over (C10). */
  human: ConversationRecord | null;
  /** Ledger rows this event appended (counts and reversals). */
  ledger: LedgerEntry[];
}

/**
 * A concurrent writer (another process on a shared store) took the same ledger row or committed to the
 * thread since it was read: start over from what it wrote (C12). Each lost race means another event of
 * the thread landed, so the bound only has to cover the events several processes receive at once.
 */
const MAX_CONFLICT_RETRIES = 10;

/**
 * The live conversation counter: places every inbound event (C1–C10), de-duplicates it (C11), applies
 * one event per thread at a time (C12), gives the same result whatever the arrival order (C13) and books
 * counts and reversals in the usage ledger, firing Q5 alerts on the way.
 */
export class ConversationCounter {
  readonly events: EventBus;
  readonly #store: Store;
  readonly #billing: BillingDirectory;
  readonly #clock: Clock;
  readonly #relatedness: RelatednessDetector;
  readonly #resolution: ResolutionDetector;
  readonly #compaction: CompactionOptions;
  readonly #threads = new ThreadQueue();
  readonly #usage: UsageTracker;

  constructor(options: ConversationCounterOptions) {
    this.#store = options.store;
    this.#billing = options.billing;
    this.#clock = options.clock ?? systemClock;
    this.events = options.events ?? new EventBus();
    this.#relatedness = withRelatedOnDoubt(
      options.relatedness ?? createDefaultRelatednessDetector(),
      options.relatednessTimeoutMs ?? 2_000,
    );
    this.#resolution = options.resolution ?? createDefaultResolutionDetector();
    this.#compaction = { ...DEFAULT_COMPACTION, ...options.compaction };
    this.#usage = new UsageTracker(this.#store, this.events, this.#clock);
  }

  /** Validates and places one inbound event. Safe to call concurrently and to repeat (C11, C12). */
  ingest(input: unknown): Promise<IngestResult> {
    let event: InboundEvent;
    try {
      event = parseInboundEvent(input);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.ingestEvent(event);
  }

  /**
   * Places an event already validated with `parseInboundEvent` (an adapter validates at its boundary,
   * right after checking the platform's signature, and need not pay for it twice).
   */
  ingestEvent(event: InboundEvent): Promise<IngestResult> {
    // Passed alongside rather than spread into a copy of the event: a spread of objects of varied
    // shapes goes megamorphic and cost ~2 µs of the hot path.
    const receivedAt = event.receivedAt ?? this.#clock.now();
    const threadKey = threadKeyOf(event);
    return this.#threads.run(threadKey, () => this.#processWithRetries(event, receivedAt, threadKey));
  }

  /**
   * C2 over time: ends conversations idle for more than 30 minutes by `now` (C8 cancels those never
   * answered) and announces them. Run it periodically; counting itself does not depend on it.
   */
  async settle(now: number = this.#clock.now()): Promise<ConversationRecord[]> {
    const settled: ConversationRecord[] = [];
    const threadKeys = new Set<string>();
    for (const tenant of await this.#store.listTenants()) {
      const idle = await this.#store.listConversations({
        tenant: tenant.id,
        openWithLastActivityBefore: now - 30 * 60_000,
      });
      for (const conversation of idle) threadKeys.add(conversation.threadKey);
    }
    for (const threadKey of threadKeys) {
      const ended = await this.#threads.run(threadKey, () => this.#settleThread(threadKey, now));
      for (const conversation of ended) this.events.emit("conversation-ended", { conversation });
      settled.push(...ended);
    }
    return settled;
  }

  /**
   * One thread's sweep. With several processes on one store, another may commit an event to the thread
   * between the read and the write (C12): the store then refuses the stale settlement (THREAD_CHANGED)
   * and the sweep reads the thread again, as an event's commit does.
   */
  async #settleThread(threadKey: string, now: number): Promise<ConversationRecord[]> {
    for (let attempt = 0; ; attempt++) {
      const thread = await this.#store.getThread(threadKey);
      if (thread === undefined) return [];
      const changes = settleAt(thread.state, now);
      if (changes.length === 0) return [];
      try {
        await this.#store.saveConversations(changes, { expected: thread });
        return changes;
      } catch (error) {
        if (!LutinError.isInstance(error, "THREAD_CHANGED") || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }

  /** Resolves when every event accepted so far has been processed. */
  idle(): Promise<void> {
    return this.#threads.idle();
  }

  async #processWithRetries(
    event: InboundEvent,
    receivedAt: number,
    threadKey: string,
  ): Promise<IngestResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#process(event, receivedAt, threadKey);
      } catch (error) {
        const conflict =
          LutinError.isInstance(error, "LEDGER_ENTRY_EXISTS") ||
          LutinError.isInstance(error, "THREAD_CHANGED");
        if (!conflict || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }

  /**
   * `fast`: read the stored thread without copying it and append the event to it (stores with
   * readThread and appendToThread); false after another writer changed the thread in between, or for
   * stores without them.
   */
  async #process(
    event: InboundEvent,
    receivedAt: number,
    threadKey: string,
    fast = this.#store.readThread !== undefined && this.#store.appendToThread !== undefined,
  ): Promise<IngestResult> {
    const store = this.#store;
    // C11: the key is recorded only with the result of processing, so a failed first attempt is retried;
    // the event is its own scope (tenant, channel, thread): another thread's key suppresses nothing.
    if (await store.isProcessed(event)) {
      return { status: "duplicate", conversation: null, human: null, ledger: [] };
    }
    // A directory answering synchronously (the usual, cached case) is not awaited: one microtask less.
    const pending = this.#billing.forTenant(event.tenant);
    const billing = "then" in pending ? await pending : pending;
    const now = this.#clock.now();
    // With `fast` the record is the store's own: nothing below changes it (the fold copies its start).
    const previous: Readonly<ThreadRecord> | undefined =
      fast && store.readThread !== undefined
        ? await store.readThread(threadKey)
        : await store.getThread(threadKey);
    const stored = toStoredEvent(event, receivedAt);
    const processed = {
      tenant: event.tenant,
      channel: event.channel,
      thread: event.thread,
      key: event.key,
      at: now,
    };

    if (previous?.horizon != null && stored.at < previous.horizon) {
      // Older than what the thread still remembers: recorded as seen, placed nowhere, announced.
      await store.commitThread({
        thread: previous,
        conversations: [],
        ledger: [],
        processed,
        expected: previous,
      });
      this.events.emit("event-too-late", { ...processed, at: stored.at, horizon: previous.horizon });
      return { status: "too_late", conversation: null, human: null, ledger: [] };
    }

    const context: FoldContext = {
      threadKey,
      tenant: event.tenant,
      channel: event.channel,
      thread: event.thread,
      billing,
      resolution: this.#resolution,
      verdicts: previous?.verdicts ?? {},
    };
    const appendsInOrder = previous === undefined || isInOrderAppend(previous, stored);
    const plan = appendsInOrder
      ? await this.#planAppend(previous, stored, context, fast)
      : await this.#planRefold(previous as ThreadRecord, stored, context);

    const ledger: LedgerEntry[] = [];
    for (const conversation of plan.changed) {
      const before = plan.before.get(conversation.id);
      conversation.ledgerGeneration = before?.ledgerGeneration ?? 0;
      const reason: ReversalReason =
        before?.countedBy != null && plan.state.failedRefs.includes(before.countedBy)
          ? "delivery_failed"
          : conversation.mergedInto !== null
            ? "merged"
            : "recounted";
      ledger.push(...ledgerRowsFor(before, conversation, now, reason));
    }

    // Most events book nothing: skip the usage cache's awaits for them.
    if (ledger.length > 0) await this.#usage.prepare(ledger);
    if (plan.thread !== null) {
      await store.commitThread({
        thread: plan.thread,
        conversations: plan.changed,
        ledger,
        processed,
        expected: previous ?? null,
      });
    } else {
      const appended = await (store.appendToThread as NonNullable<Store["appendToThread"]>)({
        previous,
        identity: { key: threadKey, tenant: event.tenant, channel: event.channel, thread: event.thread },
        event: stored,
        state: plan.state,
        verdicts: plan.verdicts,
        conversations: plan.changed,
        ledger,
        processed,
      });
      // Another writer committed to the thread since it was read: start over from what it wrote.
      if (!appended) return this.#process(event, receivedAt, threadKey, false);
    }
    this.#announce(plan.changed, plan.before, ledger);
    if (ledger.length > 0) await this.#usage.apply(ledger, billing);

    // The store keeps its own copies, so these records are the caller's to keep.
    const state = plan.state;
    return { status: "processed", conversation: state.current, human: state.human, ledger };
  }

  /**
   * The common case: the event is the thread's newest, so folding it alone onto the saved state suffices.
   * With `fast` and a log short of compaction, the plan is an append (thread null): the store extends
   * its record with the event and the new state instead of taking a whole new record.
   */
  async #planAppend(
    previous: Readonly<ThreadRecord> | undefined,
    stored: StoredEvent,
    context: FoldContext,
    fast: boolean,
  ): Promise<ChangePlan> {
    const start = previous?.state ?? initialFoldState();
    // Without a C6 question (nearly always) the fold is synchronous; only a verdict needs the detector.
    const folded = foldEvents(start, [stored], context);
    const evaluation =
      folded.kind === "done"
        ? {
            state: folded.state,
            touched: folded.touched,
            verdicts: context.verdicts as Record<string, CachedVerdict>,
          }
        : await evaluateThread(start, [stored], context, this.#relatedness);
    const before = new Map<string, ConversationRecord>();
    for (const conversation of [start.current, start.human]) {
      if (conversation !== null) before.set(conversation.id, conversation);
    }
    const changed = [...evaluation.touched.values()];
    const logLength = (previous?.events.length ?? 0) + 1;
    if (fast && logLength <= this.#compaction.maxEvents) {
      return { thread: null, state: evaluation.state, verdicts: evaluation.verdicts, changed, before };
    }
    // An explicit literal, not a spread of threadShell: see ingestEvent.
    const record: ThreadRecord = {
      key: previous?.key ?? context.threadKey,
      tenant: context.tenant,
      channel: context.channel,
      thread: context.thread,
      events: previous === undefined ? [stored] : [...previous.events, stored],
      base: previous?.base ?? null,
      horizon: previous?.horizon ?? null,
      state: evaluation.state,
      verdicts: evaluation.verdicts,
    };
    const thread = compactThread(record, context, this.#compaction);
    // Nothing could be folded away (every event is within the late-event horizon: a busy day's thread):
    // the record is the previous one plus the event, so it is appended. Written whole instead, each
    // event past maxEvents would journal the thread's entire log again (~170 KB at 1,000 events).
    if (thread === record && fast)
      return { thread: null, state: evaluation.state, verdicts: evaluation.verdicts, changed, before };
    return { thread, state: thread.state, verdicts: thread.verdicts, changed, before };
  }

  /**
   * C13: an event that lands before the thread's newest (or a delivery failure, which changes an earlier
   * message) refolds the thread from its base. Conversations that no longer exist were merged into the one
   * that now holds their first message; their counts are reversed, never edited.
   */
  async #planRefold(
    previous: Readonly<ThreadRecord>,
    stored: StoredEvent,
    context: FoldContext,
  ): Promise<ChangePlan> {
    const events = [...previous.events];
    const index = events.findIndex((existing) => compareEvents(existing, stored) > 0);
    events.splice(index === -1 ? events.length : index, 0, stored);
    const start: FoldState = { ...(previous.base ?? initialFoldState()) };
    start.failedRefs = [
      ...start.failedRefs,
      ...events.flatMap((event) =>
        event.kind === "delivery_failed" && event.ref !== null ? [event.ref] : [],
      ),
    ];
    const evaluation = await evaluateThread(
      start,
      events,
      { ...context, trackPlacements: true },
      this.#relatedness,
    );

    const existing = await this.#store.listConversations({
      tenant: context.tenant,
      threadKey: context.threadKey,
    });
    const before = new Map(existing.map((conversation) => [conversation.id, conversation]));
    const openedInLog = new Set(events.map((event) => event.key));
    // The conversations the base left open may have been changed by the old log and not by the new one.
    for (const conversation of [evaluation.state.current, evaluation.state.human]) {
      if (conversation !== null && !evaluation.touched.has(conversation.id)) {
        evaluation.touched.set(conversation.id, conversation);
      }
    }
    const changed = [...evaluation.touched.values()];
    for (const conversation of existing) {
      const vanished =
        conversation.mergedInto === null &&
        openedInLog.has(conversation.openedBy) &&
        !evaluation.touched.has(conversation.id);
      if (!vanished) continue;
      const merged = copyConversation(conversation);
      // Where its first event now lands; a human conversation whose opening no longer takes effect (a late
      // close came first) falls back to the AI conversation it was linked to.
      merged.mergedInto =
        evaluation.placements.get(placementKey(conversation.mode, conversation.openedBy)) ??
        conversation.linkedConversationId ??
        conversation.id;
      merged.counted = false;
      merged.countedAt = null;
      merged.countedBy = null;
      merged.plan = null;
      merged.notCountedReason = "merged";
      changed.push(merged);
    }
    const thread = compactThread(
      {
        ...threadShell(previous, context),
        events,
        base: previous.base,
        horizon: previous.horizon,
        state: evaluation.state,
        verdicts: evaluation.verdicts,
      },
      context,
      this.#compaction,
    );
    return { thread, state: thread.state, verdicts: thread.verdicts, changed, before };
  }

  #announce(
    changed: ConversationRecord[],
    before: Map<string, ConversationRecord>,
    ledger: LedgerEntry[],
  ): void {
    const events = this.events;
    for (const conversation of changed) {
      const previous = before.get(conversation.id);
      if (previous === undefined) events.emit("conversation-opened", { conversation });
      if (conversation.mergedInto !== null && previous?.mergedInto === null) {
        events.emit("conversation-merged", { conversation, into: conversation.mergedInto });
      } else if (conversation.endReason !== null && previous?.endReason == null) {
        events.emit("conversation-ended", { conversation });
      }
    }
    for (const entry of ledger) {
      const conversation = changed.find(
        (candidate) => candidate.id === entry.conversationId,
      ) as ConversationRecord;
      events.emit(entry.kind === "count" ? "conversation-counted" : "conversation-count-reversed", {
        conversation,
        entry,
      });
    }
  }
}

interface ChangePlan {
  /** The thread's new record; null: append the event to the record read, with `state` and `verdicts`. */
  thread: ThreadRecord | null;
  state: FoldState;
  verdicts: Record<string, CachedVerdict>;
  changed: ConversationRecord[];
  before: Map<string, ConversationRecord>;
}

function threadShell(previous: Readonly<ThreadRecord> | undefined, context: FoldContext) {
  return {
    key: previous?.key ?? context.threadKey,
    tenant: context.tenant,
    channel: context.channel,
    thread: context.thread,
  };
}

/** In order: newer than every logged event, and nothing logged says its delivery failed. */
function isInOrderAppend(thread: Readonly<ThreadRecord>, event: StoredEvent): boolean {
  if (event.kind === "delivery_failed") return false;
  if (thread.state.failedRefs.includes(event.key)) return false;
  const last = thread.events[thread.events.length - 1];
  return last === undefined || compareEvents(last, event) < 0;
}
