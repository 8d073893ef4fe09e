import {
  assertTimeZone,
  ConversationCounter,
  type ConversationRecord,
  type ConversationView,
  computeUsage,
  conversationView,
  createBillingDirectory,
  createMemoryStore,
  createTenant,
  DEFAULT_PLAN_CATALOG,
  type FiredAlert,
  findPlan,
  ManualClock,
  type PlanCatalog,
  parsePlanCatalog,
  type TranscriptEvent,
  type UsageSummary,
} from "@lutingenie/core";
import { DateTime } from "luxon";

export interface SimulateOptions {
  /** Plan id from the catalog; `free` by default. */
  plan?: string;
  /** Overrides the plan's AI allowance. */
  allowance?: number;
  /** One pack of this many conversations, bought when the subscription started. */
  packs?: number;
  /** Tenant time zone (IANA); UTC by default. */
  timeZone?: string;
  /**
   * The instant the result is read at: conversations idle 30 minutes by then are over (the real clock by
   * default), and usage is read and its period picked at this instant (the latest event by default).
   */
  now?: number;
  catalog?: PlanCatalog;
}

/** A conversation in the simulation's output: core's view, with the tenant and thread it belongs to. */
export interface SimulatedConversation extends ConversationView {
  tenant: string;
  thread: string;
}

export interface SimulatedUsage {
  tenant: string;
  plan: string;
  period: { start: string; end: string };
  allowance: number;
  used: number;
  remaining: number;
  packsRemaining: number;
  overage: number;
  /** Human conversations counted in the period (C10, Q9). */
  human: number;
  humanAllowance: number | null;
  humanOverage: number;
  alerts: { threshold: number; at: string }[];
}

export interface SimulationReport {
  conversations: SimulatedConversation[];
  /**
   * Usage at the read instant (`now`, else the transcript's latest event instant), for the tenant of the
   * latest event (C13: never the file's last line).
   */
  usage: SimulatedUsage;
  /** The same for every tenant of the transcript, when there is more than one. */
  usageByTenant?: Record<string, SimulatedUsage>;
  /** Conversations a late event merged into an earlier one while replaying (C13). */
  merged: number;
}

/** Replays a transcript through the real counting engine and quota, on an in-memory store. */
export async function simulate(
  events: readonly TranscriptEvent[],
  options: SimulateOptions = {},
): Promise<SimulationReport> {
  const latest = latestEvent(events);
  if (latest === undefined) throw new Error("the transcript has no events");
  const timeZone = options.timeZone ?? "UTC";
  assertTimeZone(timeZone, "--tz");
  const catalog = withAllowance(
    options.catalog ?? DEFAULT_PLAN_CATALOG,
    options.plan ?? "free",
    options.allowance,
  );
  const planId = findPlan(catalog, options.plan ?? "free").id;

  const store = createMemoryStore();
  const first = events.reduce((earliest, event) => Math.min(earliest, event.at), Number.POSITIVE_INFINITY);
  // The simulated subscription starts on the 1st of the first event's month, in the tenant's time zone.
  const startedAt = DateTime.fromMillis(first, { zone: timeZone }).startOf("month").toMillis();
  const tenantIds = [...new Set(events.map((event) => event.tenant))];
  for (const id of tenantIds) {
    await store.putTenant(createTenant({ id, plan: planId, startedAt, anchorDay: 1, timeZone }, catalog));
    if (options.packs !== undefined && options.packs > 0) {
      await store.addPack({
        id: `${id}-pack`,
        tenant: id,
        size: options.packs,
        purchasedAt: startedAt,
        expiresAt: null,
      });
    }
  }

  const clock = new ManualClock(first);
  const counter = new ConversationCounter({
    store,
    clock,
    billing: createBillingDirectory({ store, catalog }),
  });
  // Events are replayed in file order, as they would have arrived: out-of-order lines exercise C13.
  for (const { line: _line, ...event } of events) {
    clock.set(Math.max(clock.now(), event.at));
    await counter.ingest(event);
  }
  const now = options.now ?? Date.now();
  if (now > clock.now()) clock.set(now);
  await counter.settle(now);
  // C13, Q2: one read instant for usage, from the set of events and never from their file order. Without
  // --now it is the latest event instant, not the real clock, so a transcript's usage does not change as
  // months pass (settling at the real clock only ends idle conversations; it never counts one).
  const readAt = options.now ?? latest.at;

  const conversations: SimulatedConversation[] = [];
  let merged = 0;
  for (const id of tenantIds) {
    for (const conversation of await store.listConversations({ tenant: id })) {
      if (conversation.mergedInto !== null) merged += 1;
      else conversations.push(describeConversation(conversation));
    }
  }
  // A total order (C13): conversations opened at the same instant in two threads must not come out in
  // the store's arrival order.
  conversations.sort(
    (a, b) =>
      a.openedAt.localeCompare(b.openedAt) ||
      a.mode.localeCompare(b.mode) ||
      compareText(a.tenant, b.tenant) ||
      compareText(a.thread, b.thread) ||
      compareText(a.id, b.id),
  );

  const usageByTenant: Record<string, SimulatedUsage> = {};
  for (const id of tenantIds) {
    const tenant = await store.getTenant(id);
    if (tenant === undefined) continue;
    const summary = computeUsage({
      tenant,
      catalog,
      ledger: await store.listLedger({ tenant: id }),
      packs: await store.listPacks(id),
      alerts: await store.listAlerts(id),
      at: readAt,
    });
    usageByTenant[id] = describeUsage(summary, timeZone);
  }
  const report: SimulationReport = {
    conversations,
    usage: usageByTenant[latest.tenant] as SimulatedUsage,
    merged,
  };
  if (tenantIds.length > 1) report.usageByTenant = usageByTenant;
  return report;
}

/**
 * The event with the latest `at`; among events at that instant, the smallest tenant id, so the tenant
 * whose usage is shown depends only on the set of events (C13).
 */
function latestEvent(events: readonly TranscriptEvent[]): TranscriptEvent | undefined {
  let latest: TranscriptEvent | undefined;
  for (const event of events) {
    if (
      latest === undefined ||
      event.at > latest.at ||
      (event.at === latest.at && compareText(event.tenant, latest.tenant) < 0)
    )
      latest = event;
  }
  return latest;
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function withAllowance(catalog: PlanCatalog, planId: string, allowance: number | undefined): PlanCatalog {
  if (allowance === undefined) return catalog;
  const plan = findPlan(catalog, planId);
  return parsePlanCatalog({
    ...catalog,
    plans: catalog.plans.map((candidate) =>
      candidate.id === plan.id ? { ...candidate, aiAllowance: allowance } : candidate,
    ),
  });
}

function describeConversation(conversation: ConversationRecord): SimulatedConversation {
  return { ...conversationView(conversation), tenant: conversation.tenant, thread: conversation.thread };
}

function describeUsage(summary: UsageSummary, timeZone: string): SimulatedUsage {
  const local = (at: number) => DateTime.fromMillis(at, { zone: timeZone }).toISO() as string;
  return {
    tenant: summary.tenant,
    plan: summary.plan,
    period: { start: local(summary.period.start), end: local(summary.period.end) },
    allowance: summary.allowance,
    used: summary.used,
    remaining: summary.remaining,
    packsRemaining: summary.packsRemaining,
    overage: summary.overage,
    human: summary.human.used,
    humanAllowance: summary.human.allowance,
    humanOverage: summary.human.overage,
    // Q5, C13: the alerts in force, as the final ledger has them. A withdrawn one records a notice sent
    // before a merge was known, which depends on arrival order: the dashboard shows that history.
    alerts: summary.alerts
      .filter((alert: FiredAlert) => alert.state !== "withdrawn")
      .map((alert: FiredAlert) => ({
        threshold: alert.threshold,
        at: new Date(alert.at).toISOString(),
      })),
  };
}
