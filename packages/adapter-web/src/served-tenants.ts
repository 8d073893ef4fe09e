import { DEMO_TENANT_FILE, type LoadedTenant, LutinError, loadTenantFile } from "@lutingenie/core";
import type { ServerConfig } from "./config.js";

/** Loads each served tenant's file (the demo shop when an entry names none), in the config's order. */
export async function loadServedTenants(config: Pick<ServerConfig, "tenants">): Promise<LoadedTenant[]> {
  const tenants: LoadedTenant[] = [];
  for (const entry of config.tenants)
    tenants.push(await loadTenantFile(entry.tenantFile ?? DEMO_TENANT_FILE));
  checkServedTenants(config, tenants);
  return tenants;
}

/**
 * The loaded tenants must match the config's entries one for one, each a different tenant: two entries
 * of one tenant id would put two widget keys and two admin tokens on the same data.
 */
export function checkServedTenants(
  config: Pick<ServerConfig, "tenants">,
  tenants: readonly LoadedTenant[],
): void {
  if (tenants.length !== config.tenants.length)
    throw new LutinError(
      "CONFIG_INVALID",
      `the server config lists ${config.tenants.length} tenant(s) but ${tenants.length} tenant file(s) were loaded`,
      { hint: "pass one loaded tenant per entry of the config's tenants, in the same order" },
    );
  const seen = new Map<string, string>();
  const problems: string[] = [];
  tenants.forEach((tenant, index) => {
    const entry = config.tenants[index];
    const place = entry === undefined || entry.field === "" ? "tenantFile" : `${entry.field}.tenantFile`;
    const id = tenant.settings.id;
    const earlier = seen.get(id);
    if (earlier !== undefined)
      problems.push(
        `${place}: ${tenant.source} is the tenant "${id}", as ${earlier} is; serve each tenant once (each entry its own tenant file with its own "id")`,
      );
    else seen.set(id, place);
  });
  if (problems.length > 0)
    throw new LutinError("CONFIG_INVALID", `invalid server config: ${problems.join("; ")}`, {
      hint: "fix the config's tenants (see packages/adapter-web/README.md)",
      details: { problems },
    });
}
