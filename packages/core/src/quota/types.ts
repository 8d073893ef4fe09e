import type { ConversationMode } from "../counting/conversation.js";

/**
 * One row of the append-only usage ledger. Balances are sums over it; nothing is ever edited:
 * a count that no longer holds (C13 merge, failed delivery found late) gets a reversal row.
 */
export interface LedgerEntry {
  /** `${conversationId}:${generation}`; unique, so one conversation can never be counted twice at once (C12). */
  id: string;
  tenant: string;
  conversationId: string;
  mode: ConversationMode;
  kind: "count" | "reversal";
  delta: 1 | -1;
  /** The count moment (C7) of the counted reply; a reversal repeats the moment of the row it reverses. */
  countedAt: number;
  /** Billing period start of the count moment, YYYY-MM-DD in the tenant's time zone (Q1, Q2). */
  period: string;
  /** Plan in force at the count moment (Q8). */
  plan: string;
  /** When the row was appended. */
  recordedAt: number;
  /** For a reversal: the row it cancels. */
  reverses: string | null;
  /** For a reversal: why (a merge, a delivery failure learnt late, a count moment that moved). */
  reason: "merged" | "delivery_failed" | "recounted" | null;
}

export const ENCHANTMENTS = ["memory", "emotion", "escalation", "polyglot"] as const;
export type EnchantmentName = (typeof ENCHANTMENTS)[number];

export interface Plan {
  id: string;
  name: string;
  /** Higher rank = bigger plan; decides upgrade (at once) versus downgrade (at period end), Q7. */
  rank: number;
  /** AI conversations included per period. */
  aiAllowance: number;
  /** Human conversations per period; null = unlimited (Q9, Professional and above), 0 = none included. */
  humanAllowance: number | null;
  /** Monthly price in cents, for display only. */
  monthlyPriceCents: number;
  /** Q4: the price of one AI conversation past the allowance and every pack, in cents; null = not priced. */
  overagePriceCents: number | null;
  /** Q9: the price of one human conversation past a limited plan's human allowance, in cents; null = not priced. */
  humanOveragePriceCents: number | null;
  /** Enchantments the plan includes without an add-on. */
  includedEnchantments: EnchantmentName[];
}

export interface PlanChange {
  plan: string;
  /** When the plan applies: at once for an upgrade, at the period's end for a downgrade (Q7). */
  effectiveAt: number;
  requestedAt: number;
}

export interface Subscription {
  /** The subscription start; its day of month (in the tenant's time zone) anchors the periods (Q1). */
  startedAt: number;
  /** 1–31; clamped to the month's last day (Q1). */
  anchorDay: number;
  /** Plan history, oldest first; the first entry's effectiveAt is startedAt. */
  planChanges: PlanChange[];
}

export interface Tenant {
  id: string;
  name: string;
  /** IANA time zone, e.g. Europe/Paris. */
  timeZone: string;
  subscription: Subscription;
  /** Enchantments bought as add-ons, beyond what the plan includes. */
  addOns: EnchantmentName[];
  /** Q5: alert thresholds, whole percentages of the AI allowance. */
  alertThresholds: number[];
}

/** A conversation pack (Q3, Q6): never lost on plan change or cancellation; expires only on its own date. */
export interface Pack {
  id: string;
  tenant: string;
  size: number;
  purchasedAt: number;
  /** null = never expires (the default). */
  expiresAt: number | null;
  /**
   * What the tenant paid for the pack, in cents (the catalog's offer when bought). Absent or null: not priced
   * (bought before packs had prices, or added by an operator); the invoice then gives no total.
   */
  priceCents?: number | null;
}

/** Q5 / C13: "fired" while the final ledger reaches the threshold, "withdrawn" once a reversal removed the crossing. */
export type AlertState = "fired" | "withdrawn";

/**
 * An alert that fired (Q5): at most one record per (tenant, period, threshold). `at` is the count moment at
 * which the period's net usage, in count-moment order, first reached the threshold (not the arrival time).
 */
export interface FiredAlert {
  tenant: string;
  period: string;
  threshold: number;
  at: number;
  used: number;
  allowance: number;
  /** Absent in records stored before withdrawal existed: read as "fired". */
  state?: AlertState;
  /** When the alert was withdrawn (clock time); null or absent while fired. */
  withdrawnAt?: number | null;
}
