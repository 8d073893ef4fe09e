import type { PlanCatalog } from "../quota/catalog.js";
import { enabledEnchantments } from "../quota/subscription.js";
import type { Store } from "../store/store.js";
import type { AssistantTenant } from "./tenant-profile.js";

/** Which enchantments run for a tenant's turn at `at`. */
export type EnchantmentPolicy = (tenant: AssistantTenant, at: number) => Promise<ReadonlySet<string>>;

/**
 * The catalog's answer (COUNTING.md catalog): what the plan in force includes, the tenant's add-ons and
 * the free enchantments, plus the third-party ones the tenant turned on, minus those it turned off.
 * A tenant with no billing record yet gets the free enchantments only.
 */
export function enchantmentsByPlan(store: Store, catalog: PlanCatalog): EnchantmentPolicy {
  return async (tenant, at) => {
    const billing = await store.getTenant(tenant.id);
    const byPlan =
      billing === undefined
        ? Object.entries(catalog.enchantments)
            .filter(([, offer]) => offer.monthlyPriceCents === 0)
            .map(([name]) => name)
        : enabledEnchantments(billing, catalog, at);
    const enabled = new Set<string>([...byPlan, ...tenant.extraEnchantments]);
    for (const name of tenant.disabledEnchantments) enabled.delete(name);
    return enabled;
  };
}

/** A fixed list, whatever the plan (`lutin chat --enchantments …`, tests). */
export function fixedEnchantments(names: Iterable<string>): EnchantmentPolicy {
  const enabled: ReadonlySet<string> = new Set(names);
  return async () => enabled;
}
