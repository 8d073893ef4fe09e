import {
  type ConversationRecord,
  conversationIdOf,
  type LedgerEntry,
  type Store,
  type Tenant,
  type ThreadRecord,
} from "@lutingenie/core";

export const BENCH_TENANT: Tenant = {
  id: "bench",
  name: "Bench",
  timeZone: "UTC",
  subscription: {
    startedAt: Date.parse("2020-01-01T00:00:00Z"),
    anchorDay: 1,
    planChanges: [{ plan: "enterprise", effectiveAt: Date.parse("2020-01-01T00:00:00Z"), requestedAt: 0 }],
  },
  addOns: [],
  alertThresholds: [80, 90, 100],
};

/**
 * Commits `count` conversations of history (each with its thread and its count row, as the counter
 * leaves them) through the store's own commit path, starting at number `from`. Replaying them through
 * the engine would take longer than the benchmark itself.
 * `placement`: "current" puts them in the running period (settled ones, all but the last day's, leave
 * the live file at the archive run); "closed" spreads them over the 24 months before, which archiving
 * moves out of the live file.
 */
export async function commitHistory(
  store: Store,
  from: number,
  count: number,
  size: number,
  placement: "current" | "closed",
  now: number,
): Promise<void> {
  const commits: Promise<void>[] = [];
  const monthStart = new Date(now);
  monthStart.setUTCDate(1);
  monthStart.setUTCHours(0, 0, 0, 0);
  for (let index = from; index < from + count; index++) {
    // "closed": spread over the 24 months before the current one; "current": over this month so far.
    const openedAt =
      placement === "current"
        ? monthStart.getTime() + Math.floor((index / size) * (now - 3_600_000 - monthStart.getTime()))
        : monthStart.getTime() - (1 + (index % 24)) * 31 * 86_400_000 + (index % 1000) * 1000;
    const period = `${new Date(openedAt).toISOString().slice(0, 8)}01`;
    const thread = `visitor-${index}`;
    const threadKey = `bench/web/${thread}`;
    // The id the counter derives from the opening event, so `lutin audit` recomputes the same conversation.
    const id = conversationIdOf(threadKey, `c-${index}`, "ai");
    const conversation: ConversationRecord = {
      id,
      tenant: "bench",
      channel: "web",
      thread,
      threadKey,
      mode: "ai",
      linkedConversationId: null,
      origin: "live",
      openedAt,
      openReason: "first_message",
      openedBy: `c-${index}`,
      lastActivityAt: openedAt + 2000,
      endedAt: openedAt + 2000 + 1_800_000,
      endReason: "inactivity",
      reopenedAt: [],
      counted: true,
      countedAt: openedAt + 2000,
      countedBy: `a-${index}`,
      notCountedReason: null,
      mergedInto: null,
      relatedness: [],
      period,
      plan: "enterprise",
      messageCount: 2,
      ledgerGeneration: 1,
    };
    const row: LedgerEntry = {
      id: `${id}:0`,
      tenant: "bench",
      conversationId: id,
      mode: "ai",
      kind: "count",
      delta: 1,
      countedAt: openedAt + 2000,
      period,
      plan: "enterprise",
      recordedAt: openedAt + 2000,
      reverses: null,
      reason: null,
    };
    const threadRecord: ThreadRecord = {
      key: threadKey,
      tenant: "bench",
      channel: "web",
      thread,
      events: [
        {
          key: `c-${index}`,
          at: openedAt,
          kind: "message",
          from: "customer",
          origin: "live",
          text: "Where is my order?",
          related: null,
          ref: null,
          echo: false,
        },
        {
          key: `a-${index}`,
          at: openedAt + 2000,
          kind: "message",
          from: "assistant",
          origin: "live",
          text: null,
          related: null,
          ref: null,
          echo: false,
        },
      ],
      base: null,
      horizon: null,
      state: {
        current: { ...conversation, endReason: null, endedAt: null },
        human: null,
        closed: false,
        resolvedAt: null,
        lastActivityAt: openedAt + 2000,
        failedRefs: [],
        context: ["Where is my order?"],
      },
      verdicts: {},
    };
    commits.push(
      store.commitThread({
        thread: threadRecord,
        conversations: [conversation],
        ledger: [row],
        processed: {
          tenant: "bench",
          channel: "web",
          thread: threadRecord.thread,
          key: `a-${index}`,
          at: openedAt + 2000,
        },
      }),
    );
  }
  await Promise.all(commits);
}
