import type { ConversationRecord, RelatednessVerdict } from "../counting/conversation.js";
import type { CachedVerdict, FoldState, StoredEvent, ThreadRecord } from "../counting/thread-state.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "../quota/types.js";
import { copyJson } from "../util/json-copy.js";

/*
 * Stores hand out and keep copies, so that a caller mutating a record never changes the store.
 * Thread and conversation records are copied twice per event (in and out): the counting benchmark's
 * hot path. Measured per thread record (20 events): structuredClone ~30 µs, a generic recursive copy
 * ~7 µs, object spread ~3.5 µs once V8 has seen records of several origins (builders, JSON.parse,
 * earlier copies: the spread's clone cache goes megamorphic), explicit object literals ~0.3 µs and
 * stable. Hence explicit literals, each typed `Required<T>`: a field added to a record type, even an
 * optional one, is a compile error here until it is copied. copy.test.ts checks on fully populated
 * records that the copies equal structuredClone's and share no object with the original.
 */

/** A plain object with an own `__proto__` key would otherwise get a new prototype instead of a key. */
function setKey<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

export function copyStoredEvent(event: StoredEvent): StoredEvent {
  const copy: Required<StoredEvent> = {
    key: event.key,
    at: event.at,
    kind: event.kind,
    from: event.from,
    origin: event.origin,
    text: event.text,
    related: event.related,
    ref: event.ref,
    echo: event.echo,
  };
  return copy;
}

function copyRelatedness(verdict: RelatednessVerdict): RelatednessVerdict {
  const copy: Required<RelatednessVerdict> = {
    eventKey: verdict.eventKey,
    related: verdict.related,
    score: verdict.score,
    version: verdict.version,
    at: verdict.at,
  };
  return copy;
}

function copyRelatednessList(relatedness: readonly RelatednessVerdict[]): RelatednessVerdict[] {
  const copy = new Array<RelatednessVerdict>(relatedness.length);
  for (let index = 0; index < relatedness.length; index++) {
    copy[index] = copyRelatedness(relatedness[index] as RelatednessVerdict);
  }
  return copy;
}

export function copyConversation(conversation: ConversationRecord): ConversationRecord {
  return conversationWith(
    conversation,
    conversation.reopenedAt.slice(),
    copyRelatednessList(conversation.relatedness),
  );
}

/** A copy of `conversation` with the arrays given (already copies, or arrays shared on purpose). */
function conversationWith(
  conversation: ConversationRecord,
  reopenedAt: number[],
  relatedness: RelatednessVerdict[],
): ConversationRecord {
  const copy: Required<ConversationRecord> = {
    id: conversation.id,
    tenant: conversation.tenant,
    channel: conversation.channel,
    thread: conversation.thread,
    threadKey: conversation.threadKey,
    mode: conversation.mode,
    linkedConversationId: conversation.linkedConversationId,
    origin: conversation.origin,
    openedAt: conversation.openedAt,
    openReason: conversation.openReason,
    openedBy: conversation.openedBy,
    lastActivityAt: conversation.lastActivityAt,
    endedAt: conversation.endedAt,
    endReason: conversation.endReason,
    reopenedAt,
    counted: conversation.counted,
    countedAt: conversation.countedAt,
    countedBy: conversation.countedBy,
    notCountedReason: conversation.notCountedReason,
    mergedInto: conversation.mergedInto,
    relatedness,
    period: conversation.period,
    plan: conversation.plan,
    messageCount: conversation.messageCount,
    ledgerGeneration: conversation.ledgerGeneration,
  };
  return copy;
}

export function copyFoldState(state: FoldState): FoldState {
  const copy: Required<FoldState> = {
    current: state.current === null ? null : copyConversation(state.current),
    human: state.human === null ? null : copyConversation(state.human),
    closed: state.closed,
    resolvedAt: state.resolvedAt,
    lastActivityAt: state.lastActivityAt,
    failedRefs: state.failedRefs.slice(),
    context: state.context.slice(),
  };
  return copy;
}

/** `items` copied, or `previous` itself when it holds the same items (arrays a store keeps are never changed). */
function copyItemsOver<T>(items: readonly T[], previous: readonly T[] | undefined): T[] {
  if (previous !== undefined && previous.length === items.length) {
    let same = true;
    for (let index = 0; index < items.length; index++) {
      if (items[index] !== previous[index]) {
        same = false;
        break;
      }
    }
    if (same) return previous as T[];
  }
  return items.slice();
}

/**
 * copyFoldState for a store replacing a stored state with the next one: arrays with the same items as
 * `previous`'s (the stored state it replaces) are shared with it instead of copied. Nearly every event
 * leaves failed refs, reopenings and verdicts as they were (and a reply leaves the context as it was):
 * fewer objects kept per event, which is what a young-generation GC pays for. Safe because stores never
 * change a stored record in place (see Store).
 */
export function copyFoldStateOver(state: FoldState, previous: Readonly<FoldState> | undefined): FoldState {
  const copy: Required<FoldState> = {
    current: state.current === null ? null : copyConversationOver(state.current, previous?.current),
    human: state.human === null ? null : copyConversationOver(state.human, previous?.human),
    closed: state.closed,
    resolvedAt: state.resolvedAt,
    lastActivityAt: state.lastActivityAt,
    failedRefs: copyItemsOver(state.failedRefs, previous?.failedRefs),
    context: copyItemsOver(state.context, previous?.context),
  };
  return copy;
}

function copyConversationOver(
  conversation: ConversationRecord,
  previous: ConversationRecord | null | undefined,
): ConversationRecord {
  if (previous == null || previous.id !== conversation.id) return copyConversation(conversation);
  // Verdicts are compared by content: the fold holds copies of the stored ones.
  const relatedness =
    previous.relatedness.length === conversation.relatedness.length &&
    conversation.relatedness.every((verdict, index) => {
      const before = previous.relatedness[index] as RelatednessVerdict;
      return (
        verdict.eventKey === before.eventKey &&
        verdict.related === before.related &&
        verdict.score === before.score &&
        verdict.version === before.version &&
        verdict.at === before.at
      );
    })
      ? previous.relatedness
      : copyRelatednessList(conversation.relatedness);
  return conversationWith(
    conversation,
    copyItemsOver(conversation.reopenedAt, previous.reopenedAt),
    relatedness,
  );
}

function copyCachedVerdict(verdict: CachedVerdict): CachedVerdict {
  const copy: Required<CachedVerdict> = {
    related: verdict.related,
    score: verdict.score,
    version: verdict.version,
    contextHash: verdict.contextHash,
  };
  return copy;
}

export function copyVerdicts(verdicts: Record<string, CachedVerdict>): Record<string, CachedVerdict> {
  const copy: Record<string, CachedVerdict> = {};
  for (const key of Object.keys(verdicts)) {
    const verdict = verdicts[key];
    if (verdict !== undefined) setKey(copy, key, copyCachedVerdict(verdict));
  }
  return copy;
}

export function copyThread(thread: ThreadRecord): ThreadRecord {
  const events = thread.events;
  const eventsCopy = new Array<StoredEvent>(events.length);
  for (let index = 0; index < events.length; index++) {
    eventsCopy[index] = copyStoredEvent(events[index] as StoredEvent);
  }
  const copy: Required<ThreadRecord> = {
    key: thread.key,
    tenant: thread.tenant,
    channel: thread.channel,
    thread: thread.thread,
    events: eventsCopy,
    base: thread.base === null ? null : copyFoldState(thread.base),
    horizon: thread.horizon,
    state: copyFoldState(thread.state),
    verdicts: copyVerdicts(thread.verdicts),
  };
  return copy;
}

export function copyLedgerEntry(entry: LedgerEntry): LedgerEntry {
  const copy: Required<LedgerEntry> = {
    id: entry.id,
    tenant: entry.tenant,
    conversationId: entry.conversationId,
    mode: entry.mode,
    kind: entry.kind,
    delta: entry.delta,
    countedAt: entry.countedAt,
    period: entry.period,
    plan: entry.plan,
    recordedAt: entry.recordedAt,
    reverses: entry.reverses,
    reason: entry.reason,
  };
  return copy;
}

export function copyPack(pack: Pack): Pack {
  const copy: Pack = {
    id: pack.id,
    tenant: pack.tenant,
    size: pack.size,
    purchasedAt: pack.purchasedAt,
    expiresAt: pack.expiresAt,
  };
  if (pack.priceCents !== undefined) copy.priceCents = pack.priceCents;
  return copy;
}

export function copyAlert(alert: FiredAlert): FiredAlert {
  const copy: Required<FiredAlert> = {
    tenant: alert.tenant,
    period: alert.period,
    threshold: alert.threshold,
    at: alert.at,
    used: alert.used,
    allowance: alert.allowance,
    // Records written before withdrawal existed have neither field: they were fired (C13, Q5).
    state: alert.state ?? "fired",
    withdrawnAt: alert.withdrawnAt ?? null,
  };
  return copy;
}

export function copyTenant(tenant: Tenant): Tenant {
  return copyJson(tenant);
}
