import type { Clock } from "../clock.js";
import type { EventBus } from "../events/event-bus.js";
import { alertChanges, ledgerAlerts, thresholdReached } from "../quota/alerts.js";
import type { FiredAlert, LedgerEntry } from "../quota/types.js";
import type { Store } from "../store/store.js";
import type { CountingBilling } from "./counter.js";

/** What this process knows of one (tenant, period): its net AI usage and its stored alerts. */
interface PeriodCache {
  used: number;
  alerts: FiredAlert[];
  /** Smallest allowance seen at a row's count moment (Q7: an upgrade mid-period raises it). */
  minAllowance: number;
}

/**
 * Q5 + C13 on the hot path. Alerts are a function of the final ledger (ledgerAlerts), not of arrival:
 * this cache over the ledger (net usage and stored alerts per (tenant, period), loaded once) only decides
 * *when* the period's rows must be read to reconcile the stored alerts; most counts need no read at all.
 * A read is needed when a row may change the answer: a count that may reach a threshold not fired, a count
 * earlier than a fired alert's instant (the crossing moves earlier), or a reversal while an alert is fired
 * (the crossing may be gone: C13 withdraws it).
 */
export class UsageTracker {
  readonly #periods = new Map<string, PeriodCache>();
  readonly #loading = new Map<string, Promise<void>>();
  /** Reconciliations of one period run one after another, so two never write stale alerts over each other. */
  readonly #reconciling = new Map<string, Promise<void>>();
  readonly #store: Store;
  readonly #events: EventBus;
  readonly #clock: Clock;

  constructor(store: Store, events: EventBus, clock: Clock) {
    this.#store = store;
    this.#events = events;
    this.#clock = clock;
  }

  /** Loads the periods these rows touch; call before committing them so the load cannot include them. */
  async prepare(rows: readonly LedgerEntry[]): Promise<void> {
    for (const row of rows) {
      if (row.mode !== "ai") continue;
      const key = usageKey(row.tenant, row.period);
      if (this.#periods.has(key)) continue;
      let loading = this.#loading.get(key);
      if (loading === undefined) {
        loading = this.#load(row.tenant, row.period, key);
        this.#loading.set(key, loading);
      }
      await loading;
    }
  }

  /** Moves the cached usage by committed rows and reconciles the alerts of the periods they may change. */
  async apply(rows: readonly LedgerEntry[], billing: CountingBilling): Promise<void> {
    const touched = new Map<string, { tenant: string; period: string }>();
    if (this.#store.sharedAcrossProcesses === true) await this.#refresh(rows);
    for (const row of rows) {
      if (row.mode !== "ai") continue;
      const key = usageKey(row.tenant, row.period);
      const cache = this.#periods.get(key);
      if (cache === undefined) continue; // prepare() was not called for it: nothing to compare against
      // A refreshed cache already holds the committed rows (read after the commit).
      if (this.#store.sharedAcrossProcesses !== true) cache.used += row.delta;
      const allowance = billing.allowanceAt(row.countedAt);
      cache.minAllowance = Math.min(cache.minAllowance, allowance);
      if (mayChangeAlerts(cache, row, billing.alertThresholds)) {
        touched.set(key, { tenant: row.tenant, period: row.period });
      }
    }
    for (const [key, { tenant, period }] of touched) {
      const previous = this.#reconciling.get(key) ?? Promise.resolve();
      const next = previous.then(() => this.#reconcile(key, tenant, period, billing));
      const settled = next.catch(() => undefined);
      this.#reconciling.set(key, settled);
      void settled.then(() => {
        if (this.#reconciling.get(key) === settled) this.#reconciling.delete(key);
      });
      await next;
    }
  }

  async #reconcile(key: string, tenant: string, period: string, billing: CountingBilling): Promise<void> {
    const [ledger, stored] = await Promise.all([
      this.#store.listLedger({ tenant, period }),
      this.#store.listAlerts(tenant, period),
    ]);
    const wanted = ledgerAlerts({
      tenant,
      period,
      ledger,
      allowanceAt: (at) => billing.allowanceAt(at),
      thresholds: billing.alertThresholds,
    });
    for (const change of alertChanges(stored, wanted, this.#clock.now())) {
      // recordAlert answers false when another writer recorded the key first: that writer notifies.
      const written = change.create
        ? await this.#store.recordAlert(change.alert)
        : await this.#store.updateAlert(change.alert);
      if (!written || change.notify === null) continue;
      if (change.notify === "fired") this.#events.emit("quota-threshold-crossed", { alert: change.alert });
      else this.#events.emit("quota-alert-withdrawn", { alert: change.alert });
    }
    const cache = this.#periods.get(key);
    if (cache !== undefined) cache.alerts = await this.#store.listAlerts(tenant, period);
  }

  /**
   * Q5 with several instances on one store: each counts a share of the period's conversations, so a cache
   * moved by this process's rows alone would reach a threshold late (two instances: at twice the usage), and
   * would not know the alerts another instance fired (a reversal here must withdraw them, C13). The period's
   * total and alerts are read again after each commit of counted rows: one conversation's count, not each message.
   */
  async #refresh(rows: readonly LedgerEntry[]): Promise<void> {
    const periods = new Map<string, { tenant: string; period: string }>();
    for (const row of rows)
      if (row.mode === "ai")
        periods.set(usageKey(row.tenant, row.period), { tenant: row.tenant, period: row.period });
    for (const [key, { tenant, period }] of periods) {
      const cache = this.#periods.get(key);
      if (cache === undefined) continue;
      const [{ ai }, alerts] = await Promise.all([
        this.#store.ledgerTotals({ tenant, period }),
        this.#store.listAlerts(tenant, period),
      ]);
      cache.used = ai;
      cache.alerts = alerts;
    }
  }

  async #load(tenant: string, period: string, key: string): Promise<void> {
    try {
      // The period's total and its few alerts only: listing its rows would read a whole archive file.
      const [{ ai }, alerts] = await Promise.all([
        this.#store.ledgerTotals({ tenant, period }),
        this.#store.listAlerts(tenant, period),
      ]);
      this.#periods.set(key, { used: ai, alerts, minAllowance: Number.POSITIVE_INFINITY });
    } finally {
      this.#loading.delete(key);
    }
  }
}

/**
 * Whether a committed row may change the period's alerts (C13, Q5); false means the stored alerts still
 * equal ledgerAlerts over the ledger, so the rows need not be read. Usage only ever rises between
 * reversals, so a count can only add a crossing the cached net usage reaches (checked against the smallest
 * allowance seen, Q7) or move an existing one earlier; only a reversal can remove one.
 */
function mayChangeAlerts(cache: PeriodCache, row: LedgerEntry, thresholds: readonly number[]): boolean {
  const fired = cache.alerts.filter((alert) => (alert.state ?? "fired") === "fired");
  if (row.delta < 0) return fired.length > 0;
  if (fired.some((alert) => alert.at > row.countedAt)) return true;
  const firedThresholds = new Set(fired.map((alert) => alert.threshold));
  return thresholds.some(
    (threshold) =>
      !firedThresholds.has(threshold) && thresholdReached(cache.used, cache.minAllowance, threshold),
  );
}

function usageKey(tenant: string, period: string): string {
  return `${tenant}\u0000${period}`;
}
