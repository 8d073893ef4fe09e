import type { EventBus } from "../events/event-bus.js";
import { thresholdsCrossed } from "../quota/alerts.js";
import type { LedgerEntry } from "../quota/types.js";
import type { Store } from "../store/store.js";
import type { CountingBilling } from "./counter.js";

/**
 * Q5 on the hot path: the AI usage of each (tenant, period) this process has booked into, kept as a
 * cache over the ledger (loaded from it once, then moved by each appended row), so that threshold
 * crossings are found without summing the ledger on every count.
 */
export class UsageTracker {
  readonly #used = new Map<string, number>();
  readonly #loading = new Map<string, Promise<void>>();
  readonly #store: Store;
  readonly #events: EventBus;

  constructor(store: Store, events: EventBus) {
    this.#store = store;
    this.#events = events;
  }

  /** Loads the periods these rows touch; call before committing them so the load cannot include them. */
  async prepare(rows: readonly LedgerEntry[]): Promise<void> {
    for (const row of rows) {
      if (row.mode !== "ai") continue;
      const key = usageKey(row.tenant, row.period);
      if (this.#used.has(key)) continue;
      let loading = this.#loading.get(key);
      if (loading === undefined) {
        loading = this.#load(row.tenant, row.period, key);
        this.#loading.set(key, loading);
      }
      await loading;
    }
  }

  /** Moves the cached usage by committed rows and fires the alerts they cross (Q5). */
  async apply(rows: readonly LedgerEntry[], billing: CountingBilling): Promise<void> {
    for (const row of rows) {
      if (row.mode !== "ai") continue;
      const key = usageKey(row.tenant, row.period);
      const before = this.#used.get(key) ?? 0;
      const after = before + row.delta;
      this.#used.set(key, after);
      // Q5: only upward crossings fire; a reversal lowers usage without re-arming anything.
      if (row.delta < 0) continue;
      const allowance = billing.allowanceAt(row.countedAt);
      for (const threshold of thresholdsCrossed({
        before,
        after,
        allowance,
        thresholds: billing.alertThresholds,
      })) {
        const alert = {
          tenant: row.tenant,
          period: row.period,
          threshold,
          at: row.countedAt,
          used: after,
          allowance,
        };
        if (await this.#store.recordAlert(alert)) this.#events.emit("quota-threshold-crossed", { alert });
      }
    }
  }

  async #load(tenant: string, period: string, key: string): Promise<void> {
    try {
      // The period's total only: listing its rows would read a whole archive file on the hot path.
      const { ai } = await this.#store.ledgerTotals({ tenant, period });
      this.#used.set(key, ai);
    } finally {
      this.#loading.delete(key);
    }
  }
}

function usageKey(tenant: string, period: string): string {
  return `${tenant}\u0000${period}`;
}
