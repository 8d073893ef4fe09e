import {
  type BillingView,
  billableRows,
  billingOf,
  type ConversationRecord,
  calendarOf,
  computeUsage,
  countConversationsBatch,
  type DataDirectoryContents,
  type InboundEvent,
  type LedgerEntry,
  LutinError,
  type PlanCatalog,
  periodByLabel,
  type StoredEvent,
  type Tenant,
  type ThreadRecord,
  usageHistory,
} from "@lutingenie/core";

/** The COUNTING.md rules a difference can point at. */
export type AuditRule = "C7" | "C8" | "C9" | "C10" | "C11" | "C13" | "Q2" | "Q8";

export type AuditDifferenceKind =
  /** The events count the conversation; the ledger does not bill it. */
  | "missing_count"
  /** The ledger bills a conversation the events do not count. */
  | "extra_count"
  /** More than one billable row for one conversation. */
  | "counted_twice"
  /** Both count it, with a different count moment, period, plan or mode. */
  | "count_moment"
  | "period"
  | "plan"
  | "mode"
  /** The stored conversation (the dashboard's history) and the ledger disagree. */
  | "history"
  /** The dashboard's usage figure of a period and the ledger's billable rows disagree. */
  | "dashboard";

export interface AuditDifference {
  tenant: string;
  /** Billing period (its start, YYYY-MM-DD) the difference is in. */
  period: string;
  /** Null for a period-level difference. */
  conversation: string | null;
  thread: string | null;
  rule: AuditRule;
  kind: AuditDifferenceKind;
  /** What the recomputation from the events (or, for history and dashboard, the ledger) says. */
  expected: string | number | null;
  /** What the ledger (or the history, or the dashboard) says. */
  actual: string | number | null;
  message: string;
}

export interface ModeTotals {
  ai: number;
  human: number;
}

export interface AuditPeriod {
  tenant: string;
  period: string;
  archived: boolean;
  /** Net billable conversations recomputed from the events (plus, for compacted threads, their ledger rows). */
  events: ModeTotals;
  /** Net billable rows of the ledger (counts minus the reversals that cancel them). */
  ledger: ModeTotals;
  /** What the dashboard's usage shows for the period: computeUsage as of its last instant (or now). */
  dashboard: ModeTotals;
  /** Counted conversations of the period in the history. */
  history: ModeTotals;
}

export interface AuditComparison {
  tenants: number;
  threads: number;
  events: number;
  /** Conversations the batch function recomputed. */
  conversations: number;
  /**
   * Threads whose oldest events were compacted into a starting state (more than 200 events), or whose
   * tenant has no billing record: they cannot be recomputed from events, so their ledger rows are taken
   * as they are (still checked against the history and the dashboard).
   */
  notRecomputed: { threads: number; conversations: number };
  periods: AuditPeriod[];
  differences: AuditDifference[];
}

export interface CompareOptions {
  /** The instant the audit reads at (the batch function settles conversations idle by then, C2). */
  now: number;
  catalog: PlanCatalog;
  /** Only this period: YYYY-MM (every period starting in that month) or YYYY-MM-DD. */
  period?: string;
}

/** The stored event of a thread's log as the inbound event it came from (its trusted timestamp, C14). */
function inboundOf(thread: ThreadRecord, event: StoredEvent): InboundEvent {
  const inbound: InboundEvent = {
    key: event.key,
    tenant: thread.tenant,
    channel: thread.channel,
    thread: thread.thread,
    kind: event.kind,
    origin: event.origin,
    at: event.at,
    receivedAt: event.at,
  };
  if (event.from !== null) inbound.from = event.from;
  if (event.text !== null) inbound.text = event.text;
  if (event.related !== null) inbound.related = event.related;
  if (event.ref !== null) inbound.ref = event.ref;
  if (event.echo) inbound.echo = true;
  return inbound;
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

function totals(): ModeTotals {
  return { ai: 0, human: 0 };
}

function matchesPeriod(filter: string | undefined, label: string): boolean {
  return filter === undefined || label === filter || label.startsWith(`${filter}-`);
}

/** C8, C9, C13 or C7: why the events do not count a conversation the ledger bills. */
function notCountedRule(
  recomputed: ConversationRecord | undefined,
  stored: ConversationRecord | undefined,
): { rule: AuditRule; why: string } {
  // The batch function never opens a conversation a late event merged: it sees the whole set at once.
  if (recomputed === undefined && stored?.mergedInto != null)
    return {
      rule: "C13",
      why: `a late event merged it into ${stored.mergedInto} (C13: its count is reversed; the events give one conversation)`,
    };
  if (recomputed === undefined)
    return {
      rule: "C13",
      why: "the events give no such conversation (C13: conversations and counts are a function of the events)",
    };
  switch (recomputed.notCountedReason) {
    case "test":
    case "preview":
      return { rule: "C9", why: `it is a ${recomputed.notCountedReason} conversation (C9: never counted)` };
    case "cancelled":
      return { rule: "C8", why: "it ended without a delivered reply (C8: cancelled, never counted)" };
    case "merged":
      return {
        rule: "C13",
        why: `a late event merged it into ${recomputed.mergedInto ?? "an earlier conversation"} (C13: its count is reversed)`,
      };
    default:
      return { rule: "C7", why: "no reply of it was delivered (C7: counted only on delivery)" };
  }
}

/**
 * Recomputes every conversation from the stored events with the batch function (C13) and compares,
 * conversation by conversation, with the ledger's billable rows (C7–C11, Q2, Q8), the history's
 * conversations, and per period with the usage the dashboard computes (Q8).
 */
export async function compareDataDirectory(
  contents: DataDirectoryContents,
  options: CompareOptions,
): Promise<AuditComparison> {
  const { now, catalog } = options;
  const tenants = new Map<string, Tenant>(contents.tenants.map((tenant) => [tenant.id, tenant]));
  const views = new Map<string, BillingView & { calendar: ReturnType<typeof calendarOf> }>();
  const viewOf = (id: string) => {
    let view = views.get(id);
    if (view === undefined) {
      const tenant = tenants.get(id) as Tenant;
      const billing = billingOf(tenant, catalog);
      view = {
        calendar: calendarOf(tenant),
        periodOf: (at) => billing.periodOf(at).label,
        planAt: (at) => billing.planAt(at),
      };
      views.set(id, view);
    }
    return view;
  };

  const skippedThreads = new Set<string>();
  const events: InboundEvent[] = [];
  for (const thread of contents.threads) {
    if (thread.base !== null || !tenants.has(thread.tenant)) {
      skippedThreads.add(thread.key);
      continue;
    }
    for (const event of thread.events) events.push(inboundOf(thread, event));
  }
  const recomputed = await countConversationsBatch(events, {
    now,
    billingOf: (tenant) => viewOf(tenant),
  });
  const recomputedById = new Map(recomputed.map((conversation) => [conversation.id, conversation]));
  const storedById = new Map(contents.conversations.map((conversation) => [conversation.id, conversation]));
  const skippedConversations = new Set(
    contents.conversations
      .filter((conversation) => skippedThreads.has(conversation.threadKey))
      .map((conversation) => conversation.id),
  );
  const threadOf = (id: string) => recomputedById.get(id)?.threadKey ?? storedById.get(id)?.threadKey ?? null;

  const differences: AuditDifference[] = [];
  const periods = new Map<string, AuditPeriod>();
  const periodRow = (tenant: string, period: string): AuditPeriod => {
    const key = `${tenant}\u0000${period}`;
    let row = periods.get(key);
    if (row === undefined) {
      row = {
        tenant,
        period,
        archived: contents.archives.some((file) => file.tenant === tenant && file.period === period),
        events: totals(),
        ledger: totals(),
        dashboard: totals(),
        history: totals(),
      };
      periods.set(key, row);
    }
    return row;
  };
  const differ = (difference: Omit<AuditDifference, "thread">, alsoIn: string[] = []) => {
    if (![difference.period, ...alsoIn].some((label) => matchesPeriod(options.period, label))) return;
    differences.push({
      ...difference,
      thread: difference.conversation === null ? null : threadOf(difference.conversation),
    });
  };

  const tenantIds = new Set([
    ...tenants.keys(),
    ...contents.ledger.map((row) => row.tenant),
    ...contents.conversations.map((conversation) => conversation.tenant),
  ]);
  for (const tenant of [...tenantIds].sort()) {
    const billable = billableRows(contents.ledger, tenant, Number.POSITIVE_INFINITY);
    const rowsOf = new Map<string, LedgerEntry[]>();
    for (const row of billable) {
      const list = rowsOf.get(row.conversationId);
      if (list === undefined) rowsOf.set(row.conversationId, [row]);
      else list.push(row);
      periodRow(tenant, row.period).ledger[row.mode] += 1;
    }
    const counted = recomputed.filter(
      (conversation) => conversation.tenant === tenant && conversation.counted,
    );
    for (const conversation of counted) periodRow(tenant, conversation.period).events[conversation.mode] += 1;
    for (const row of billable)
      if (skippedConversations.has(row.conversationId)) periodRow(tenant, row.period).events[row.mode] += 1;

    // The events against the ledger, conversation by conversation.
    const ids = new Set([...counted.map((conversation) => conversation.id), ...rowsOf.keys()]);
    for (const id of ids) {
      if (skippedConversations.has(id)) continue;
      const rows = rowsOf.get(id) ?? [];
      const expected = recomputedById.get(id);
      const expectedCount = expected?.counted === true ? expected : undefined;
      const first = rows[0];
      if (rows.length > 1) {
        differ(
          {
            tenant,
            period: first?.period ?? "",
            conversation: id,
            rule: "C11",
            kind: "counted_twice",
            expected: expectedCount === undefined ? 0 : 1,
            actual: rows.length,
            message: `billed ${rows.length} times (rows ${rows.map((row) => row.id).join(", ")}); C11: a repeated event gives no second count, C12: one ledger entry per conversation`,
          },
          rows.map((row) => row.period),
        );
        continue;
      }
      if (expectedCount !== undefined && first === undefined) {
        const rule = expectedCount.mode === "human" ? "C10" : "C7";
        differ({
          tenant,
          period: expectedCount.period,
          conversation: id,
          rule,
          kind: "missing_count",
          expected: iso(expectedCount.countedAt),
          actual: null,
          message: `the events count it (${expectedCount.mode === "human" ? "agent" : "assistant"} reply delivered ${iso(expectedCount.countedAt)}, ${rule}) but the ledger has no billable row for it`,
        });
        continue;
      }
      if (expectedCount === undefined && first !== undefined) {
        const { rule, why } = notCountedRule(expected, storedById.get(id));
        differ({
          tenant,
          period: first.period,
          conversation: id,
          rule,
          kind: "extra_count",
          expected: null,
          actual: first.id,
          message: `the ledger bills it (row ${first.id}) but ${why}`,
        });
        continue;
      }
      if (expectedCount === undefined || first === undefined) continue;
      if (expectedCount.mode !== first.mode)
        differ({
          tenant,
          period: first.period,
          conversation: id,
          rule: "C10",
          kind: "mode",
          expected: expectedCount.mode,
          actual: first.mode,
          message: `the events make it an ${expectedCount.mode} conversation, the ledger bills it as ${first.mode} (C10)`,
        });
      if (expectedCount.countedAt !== first.countedAt)
        differ({
          tenant,
          period: first.period,
          conversation: id,
          rule: "C7",
          kind: "count_moment",
          expected: iso(expectedCount.countedAt),
          actual: iso(first.countedAt),
          message: `the events count it when its first reply was delivered, ${iso(expectedCount.countedAt)}; the ledger says ${iso(first.countedAt)} (C7)`,
        });
      if (expectedCount.period !== first.period)
        differ(
          {
            tenant,
            period: expectedCount.period,
            conversation: id,
            rule: "Q2",
            kind: "period",
            expected: expectedCount.period,
            actual: first.period,
            message: `its count moment falls in period ${expectedCount.period}; the ledger bills it in ${first.period} (Q2)`,
          },
          [first.period],
        );
      if (expectedCount.plan !== first.plan)
        differ({
          tenant,
          period: first.period,
          conversation: id,
          rule: "Q8",
          kind: "plan",
          expected: expectedCount.plan,
          actual: first.plan,
          message: `plan ${expectedCount.plan ?? "none"} was in force at its count moment; the ledger row says ${first.plan} (Q8)`,
        });
    }

    // The history (stored conversations) against the ledger: Q8, every billable row is a counted conversation.
    const stored = contents.conversations.filter((conversation) => conversation.tenant === tenant);
    for (const conversation of stored) {
      if (!conversation.counted) continue;
      periodRow(tenant, conversation.period).history[conversation.mode] += 1;
      const rows = rowsOf.get(conversation.id) ?? [];
      if (rows.length === 0)
        differ({
          tenant,
          period: conversation.period,
          conversation: conversation.id,
          rule: "Q8",
          kind: "history",
          expected: "counted",
          actual: null,
          message: "the history shows it counted but the ledger has no billable row for it (Q8)",
        });
      else if (rows.length === 1 && rows[0]?.period !== conversation.period)
        differ(
          {
            tenant,
            period: conversation.period,
            conversation: conversation.id,
            rule: "Q8",
            kind: "history",
            expected: conversation.period,
            actual: rows[0]?.period ?? null,
            message: `the history shows it in period ${conversation.period}, the ledger in ${rows[0]?.period} (Q8)`,
          },
          [rows[0]?.period ?? ""],
        );
    }
    for (const [id, rows] of rowsOf) {
      const conversation = storedById.get(id);
      if (conversation?.counted === true) continue;
      differ({
        tenant,
        period: rows[0]?.period ?? "",
        conversation: id,
        rule: "Q8",
        kind: "history",
        expected: null,
        actual: rows[0]?.id ?? null,
        message:
          conversation === undefined
            ? "the ledger bills a conversation the history does not have (Q8: every billable row is a history row)"
            : `the ledger bills it but the history shows it not counted (${conversation.notCountedReason ?? "no reply delivered"}; Q8)`,
      });
    }

    // The dashboard's usage of each period, computed from the ledger as the admin API does.
    const record = tenants.get(tenant);
    if (record === undefined) continue;
    const ledger = contents.ledger.filter((row) => row.tenant === tenant);
    const packs = contents.packs.filter((pack) => pack.tenant === tenant);
    const alerts = contents.alerts.filter((alert) => alert.tenant === tenant);
    for (const file of contents.archives) if (file.tenant === tenant) periodRow(tenant, file.period);
    for (const row of periods.values()) {
      if (row.tenant !== tenant) continue;
      let end: number;
      try {
        end = periodByLabel(row.period, calendarOf(record)).end;
      } catch (error) {
        if (!LutinError.isInstance(error)) throw error;
        differ({
          tenant,
          period: row.period,
          conversation: null,
          rule: "Q2",
          kind: "dashboard",
          expected: null,
          actual: row.period,
          message: `${row.period} is not a billing period start of this tenant (Q1, Q2)`,
        });
        continue;
      }
      const at = Math.min(now, end - 1);
      const usage = computeUsage({ tenant: record, catalog, ledger, packs, alerts, at });
      const days = usageHistory({ tenant: record, ledger, at }).days;
      row.dashboard = { ai: usage.used, human: usage.human.used };
      const chart = days.reduce((sum, day) => sum + day.ai, 0);
      for (const [what, shown, billed] of [
        ["used", usage.used, row.ledger.ai],
        ["human used", usage.human.used, row.ledger.human],
        ["daily chart total", chart, row.ledger.ai],
      ] as const) {
        if (shown === billed) continue;
        differ({
          tenant,
          period: row.period,
          conversation: null,
          rule: "Q8",
          kind: "dashboard",
          expected: billed,
          actual: shown,
          message: `the dashboard shows ${what} ${shown} for the period; the ledger has ${billed} billable rows (Q8)`,
        });
      }
    }
  }

  const periodRows = [...periods.values()]
    .filter((row) => matchesPeriod(options.period, row.period))
    .sort(
      (left, right) => left.tenant.localeCompare(right.tenant) || left.period.localeCompare(right.period),
    );
  return {
    tenants: tenantIds.size,
    threads: contents.threads.length,
    events: events.length,
    conversations: recomputed.length,
    notRecomputed: { threads: skippedThreads.size, conversations: skippedConversations.size },
    periods: periodRows,
    differences,
  };
}
