import type { BillingDirectory, CountingBilling } from "./counting/counter.js";
import { LutinError } from "./errors.js";
import type { PlanCatalog } from "./quota/catalog.js";
import { billingOf } from "./quota/subscription.js";
import type { Store } from "./store/store.js";

export interface StoreBillingDirectory extends BillingDirectory {
  /** Forget a tenant's cached billing after its subscription changed (plan change, new anchor). */
  invalidate(tenant?: string): void;
}

/**
 * Connects counting to quota: each tenant's billing calendar and plan history, read from the store once
 * and kept, because the counter asks for it on every event.
 */
export function createBillingDirectory(options: {
  store: Store;
  catalog: PlanCatalog;
}): StoreBillingDirectory {
  const cache = new Map<string, Promise<CountingBilling>>();
  const load = async (tenantId: string): Promise<CountingBilling> => {
    const tenant = await options.store.getTenant(tenantId);
    if (tenant === undefined) {
      throw new LutinError("TENANT_UNKNOWN", `unknown tenant "${tenantId}"`, {
        hint: "create the tenant first (the server creates a demo tenant; `lutin simulate` creates the transcript's tenants), or fix the adapter's tenant mapping",
        details: { tenant: tenantId },
      });
    }
    const billing = billingOf(tenant, options.catalog);
    return {
      periodOf: (at) => billing.periodOf(at).label,
      planAt: (at) => billing.planAt(at),
      allowanceAt: (at) => billing.allowanceAt(at).ai,
      alertThresholds: tenant.alertThresholds,
    };
  };
  return {
    forTenant(tenantId) {
      let billing = cache.get(tenantId);
      if (billing === undefined) {
        billing = load(tenantId);
        cache.set(tenantId, billing);
        // A failed load (unknown tenant, store down) is not remembered: the next event tries again.
        billing.catch(() => cache.delete(tenantId));
      }
      return billing;
    },
    invalidate(tenantId) {
      if (tenantId === undefined) cache.clear();
      else cache.delete(tenantId);
    },
  };
}
