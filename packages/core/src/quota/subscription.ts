import { LutinError } from "../errors.js";
import { findPlan, type PlanCatalog, parseAlertThresholds } from "./catalog.js";
import {
  anchorDayOf,
  assertAnchorDay,
  assertTimeZone,
  type BillingCalendar,
  type BillingPeriod,
  canonicalTimeZone,
  periodIndexFor,
} from "./periods.js";
import { ENCHANTMENTS, type EnchantmentName, type Plan, type PlanChange, type Tenant } from "./types.js";

/** What a new subscription needs; everything else has a default. */
export interface NewTenant {
  id: string;
  /** Defaults to the id. */
  name?: string;
  /** IANA zone; defaults to UTC. */
  timeZone?: string;
  plan: string;
  startedAt: number;
  /** Defaults to startedAt's day of month in the tenant's time zone (Q1). */
  anchorDay?: number;
  /** Defaults to the catalog's thresholds (Q5). */
  alertThresholds?: number[];
  addOns?: EnchantmentName[];
}

/** Allowances of one plan for one period (Q7, Q9). */
export interface Allowance {
  plan: string;
  /** AI conversations included per period. */
  ai: number;
  /** Human conversations per period; null = unlimited (Q9). */
  human: number | null;
}

/** The hot-path view of a tenant's billing the counting engine uses for every counted conversation. */
export interface TenantBilling {
  readonly tenant: string;
  readonly calendar: BillingCalendar;
  /** Q1: the period containing `at`. */
  periodOf(at: number): BillingPeriod;
  /** Q7, Q8: the plan in force at `at`. */
  planAt(at: number): string;
  /** Q7: the allowances of the plan in force at `at`. */
  allowanceAt(at: number): Allowance;
}

export function calendarOf(tenant: Tenant): BillingCalendar {
  return { timeZone: tenant.timeZone, anchorDay: tenant.subscription.anchorDay };
}

/**
 * The plan in force at `at` (Q7, Q8): the latest change effective at or before `at`. Before the first
 * change (an instant before the subscription started) the first plan is answered rather than nothing, so
 * a slightly early clock never fails a count.
 */
export function planAt(tenant: Tenant, at: number): string {
  const changes = tenant.subscription.planChanges;
  let best: PlanChange | undefined;
  let first: PlanChange | undefined;
  for (const change of changes) {
    if (first === undefined || change.effectiveAt < first.effectiveAt) first = change;
    // `>=` so that, of two changes effective at the same instant, the later request wins.
    if (change.effectiveAt <= at && (best === undefined || change.effectiveAt >= best.effectiveAt))
      best = change;
  }
  const chosen = best ?? first;
  if (chosen === undefined) throw noPlanError(tenant);
  return chosen.plan;
}

/** Builds a valid tenant; throws QUOTA_CONFIG_INVALID naming the field, or PLAN_UNKNOWN. */
export function createTenant(input: NewTenant, catalog: PlanCatalog): Tenant {
  if (typeof input.id !== "string" || input.id.trim() === "") {
    throw new LutinError("QUOTA_CONFIG_INVALID", "tenant.id: must be a non-empty text", {
      hint: 'give the tenant a stable id, e.g. "acme"',
      details: { field: "tenant.id", value: input.id },
    });
  }
  if (typeof input.startedAt !== "number" || !Number.isFinite(input.startedAt)) {
    throw new LutinError("QUOTA_CONFIG_INVALID", "tenant.startedAt: must be an instant in milliseconds", {
      hint: "pass the subscription start as milliseconds since the epoch, e.g. Date.parse('2024-01-31T09:00:00Z')",
      details: { field: "tenant.startedAt", value: input.startedAt },
    });
  }
  const timeZoneInput = input.timeZone ?? "UTC";
  assertTimeZone(timeZoneInput, "tenant.timeZone");
  const timeZone = canonicalTimeZone(timeZoneInput);
  const anchorDay = input.anchorDay ?? anchorDayOf(input.startedAt, timeZone);
  assertAnchorDay(anchorDay, "tenant.anchorDay");
  const plan = findPlan(catalog, input.plan);
  const alertThresholds =
    input.alertThresholds === undefined
      ? [...catalog.alertThresholds]
      : parseAlertThresholds(input.alertThresholds, "tenant.alertThresholds");
  const addOns = input.addOns ?? [];
  for (const [index, addOn] of addOns.entries()) {
    if (!(ENCHANTMENTS as readonly string[]).includes(addOn)) {
      throw new LutinError(
        "QUOTA_CONFIG_INVALID",
        `tenant.addOns[${index}]: unknown enchantment ${JSON.stringify(addOn)}`,
        {
          hint: `use enchantment names among ${ENCHANTMENTS.join(", ")}`,
          details: { field: `tenant.addOns[${index}]`, value: addOn },
        },
      );
    }
  }
  return {
    id: input.id,
    name: input.name ?? input.id,
    timeZone,
    subscription: {
      startedAt: input.startedAt,
      anchorDay,
      planChanges: [{ plan: plan.id, effectiveAt: input.startedAt, requestedAt: input.startedAt }],
    },
    addOns: ENCHANTMENTS.filter((name) => addOns.includes(name)),
    alertThresholds,
  };
}

/**
 * Q7: an upgrade (higher rank) applies at `now`, inside the current period, whose usage carries over
 * (the period is not reset: the counter keeps running against the bigger allowance). A downgrade applies
 * at the current period's end. Any request first drops a still-pending downgrade: the later request
 * replaces it, and asking for the plan in force simply cancels it. Returns a new tenant; the input is untouched.
 */
export function requestPlanChange(
  tenant: Tenant,
  catalog: PlanCatalog,
  newPlanId: string,
  now: number,
): Tenant {
  const wanted = findPlan(catalog, newPlanId);
  const existing = tenant.subscription.planChanges;
  if (existing.length === 0) throw noPlanError(tenant);
  // A request made before the subscription starts acts as if made at its start: the first plan change is
  // never a "pending" one to drop, and a change effective before it would be shadowed by it.
  const start = Math.min(...existing.map((change) => change.effectiveAt));
  const effectiveNow = Math.max(now, start);
  const current = findPlan(catalog, planAt(tenant, effectiveNow));
  const changes = existing.filter((change) => change.effectiveAt <= effectiveNow);
  if (wanted.id !== current.id) {
    const effectiveAt =
      wanted.rank > current.rank
        ? effectiveNow
        : periodIndexFor(calendarOf(tenant)).containing(effectiveNow).end;
    changes.push({ plan: wanted.id, effectiveAt, requestedAt: now });
  }
  return { ...tenant, subscription: { ...tenant.subscription, planChanges: changes } };
}

/**
 * Enchantments active at `at`: those the plan in force includes, the tenant's add-ons, and every
 * enchantment the catalog prices at 0 (Emotion is free for all), in ENCHANTMENTS order.
 */
export function enabledEnchantments(tenant: Tenant, catalog: PlanCatalog, at: number): EnchantmentName[] {
  const plan = findPlan(catalog, planAt(tenant, at));
  return ENCHANTMENTS.filter(
    (name) =>
      plan.includedEnchantments.includes(name) ||
      tenant.addOns.includes(name) ||
      catalog.enchantments[name].monthlyPriceCents === 0,
  );
}

/**
 * The hot-path view of a tenant. Everything the counting engine asks per conversation is answered from
 * memory: periods come from the shared memoized index (luxon only on the first call for a month), plan
 * changes are pre-sorted and allowances pre-built. It is a snapshot: after a plan change, call it again.
 */
export function billingOf(tenant: Tenant, catalog: PlanCatalog): TenantBilling {
  const calendar = calendarOf(tenant);
  const index = periodIndexFor(calendar);
  const changes = [...tenant.subscription.planChanges].sort(
    (left, right) => left.effectiveAt - right.effectiveAt,
  );
  if (changes.length === 0) throw noPlanError(tenant);
  const effective = changes.map((change) => change.effectiveAt);
  const allowances = changes.map((change) => allowanceOf(findPlan(catalog, change.plan)));

  // Changes are few (one per plan change) and "now" is nearly always after the last, so scan from the end.
  const positionAt = (at: number): number => {
    for (let position = effective.length - 1; position > 0; position -= 1) {
      if ((effective[position] as number) <= at) return position;
    }
    return 0;
  };
  return {
    tenant: tenant.id,
    calendar,
    periodOf: (at) => index.containing(at),
    planAt: (at) => (allowances[positionAt(at)] as Allowance).plan,
    allowanceAt: (at) => allowances[positionAt(at)] as Allowance,
  };
}

export function allowanceOf(plan: Plan): Allowance {
  return Object.freeze({ plan: plan.id, ai: plan.aiAllowance, human: plan.humanAllowance });
}

function noPlanError(tenant: Tenant): LutinError {
  return new LutinError("QUOTA_CONFIG_INVALID", `tenant ${tenant.id}: subscription.planChanges is empty`, {
    hint: "a subscription needs at least its first plan change (the plan at startedAt); build tenants with createTenant",
    details: { field: "subscription.planChanges", tenant: tenant.id },
  });
}
