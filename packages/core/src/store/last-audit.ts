import { join } from "node:path";
import { z } from "zod";
import { readTextIfExists, writeFileDurably } from "./durable-file.js";

/**
 * The result of the last `lutin audit` of a data directory, kept beside the data so that the dashboard can
 * show it: when it ran, whether ledger and events agreed, and each difference with its rule and
 * conversation. `lutin audit` writes it (the only file it writes); the admin API reads it per tenant.
 */
export const LAST_AUDIT_FILE = "last-audit.json";

const differenceSchema = z.object({
  tenant: z.string(),
  period: z.string(),
  conversation: z.string().nullable(),
  rule: z.string(),
  message: z.string(),
});

export const lastAuditSchema = z.object({
  version: z.literal(1),
  /** The instant the audit read at (ISO 8601). */
  at: z.string(),
  /** `--period` when one was given. */
  period: z.string().nullable(),
  /** Read while a server was running (--live): a snapshot of files being written. */
  live: z.boolean(),
  periods: z.array(z.object({ tenant: z.string(), period: z.string() })),
  differences: z.array(differenceSchema),
});

export type LastAudit = z.infer<typeof lastAuditSchema>;
export type LastAuditDifference = z.infer<typeof differenceSchema>;

/** What one tenant's dashboard shows: only that tenant's periods and differences. */
export interface TenantAudit {
  at: string;
  period: string | null;
  live: boolean;
  agree: boolean;
  periods: number;
  differences: LastAuditDifference[];
}

export function lastAuditFileOf(dataDir: string): string {
  return join(dataDir, LAST_AUDIT_FILE);
}

/** Writes the record durably (write, fsync, rename); 0600 like the data it describes. */
export async function recordLastAudit(dataDir: string, audit: LastAudit): Promise<void> {
  await writeFileDurably(lastAuditFileOf(dataDir), `${JSON.stringify(audit, null, 2)}\n`, 0o600);
}

/**
 * The last audit's record; null when no audit has run. A damaged or foreign file is reported as
 * `{ damaged: true }` rather than thrown: it says nothing about the bill, and the dashboard must still load.
 */
export async function readLastAudit(dataDir: string): Promise<LastAudit | { damaged: true } | null> {
  let text: string | null;
  try {
    text = await readTextIfExists(lastAuditFileOf(dataDir));
  } catch {
    return { damaged: true };
  }
  if (text === null) return null;
  try {
    const parsed = lastAuditSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : { damaged: true };
  } catch {
    return { damaged: true };
  }
}

/** The tenant's share of an audit: a difference of another tenant is neither shown nor counted. */
export function tenantAuditOf(audit: LastAudit, tenant: string): TenantAudit {
  const differences = audit.differences.filter((difference) => difference.tenant === tenant);
  return {
    at: audit.at,
    period: audit.period,
    live: audit.live,
    agree: differences.length === 0,
    periods: audit.periods.filter((period) => period.tenant === tenant).length,
    differences,
  };
}
