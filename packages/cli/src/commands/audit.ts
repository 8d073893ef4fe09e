import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  DEFAULT_PLAN_CATALOG,
  type LastAudit,
  LutinError,
  type PlanCatalog,
  readDataDirectory,
  readStoreLock,
  recordLastAudit,
} from "@lutingenie/core";
import { type AuditComparison, compareDataDirectory } from "./audit-compare.js";

export interface AuditOptions {
  dataDir: string;
  /** YYYY-MM (every period starting in that month) or YYYY-MM-DD. */
  period?: string;
  /** The instant the audit reads at; default: the real clock. */
  now?: number;
  /** Read a directory whose lock a running server holds (a snapshot of changing files). */
  live?: boolean;
  catalog?: PlanCatalog;
}

export interface AuditReport extends AuditComparison {
  dataDir: string;
  /** The instant read at, ISO 8601. */
  at: string;
  period: string | null;
  /** True when a running server held the lock while the files were read (--live). */
  live: boolean;
  /** True when nothing differs: ledger, events, history and dashboard agree. */
  agree: boolean;
}

export const PERIOD_FILTER = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

/**
 * `lutin audit`: reads a data directory without opening the store (no lock taken, nothing written),
 * recomputes every conversation from the stored events and compares (audit-compare.ts). Throws a
 * LutinError for a directory it cannot audit: missing, not a data directory, unreadable, or in use by a
 * running server (unless `live`).
 */
export async function audit(options: AuditOptions): Promise<AuditReport> {
  const dataDir = resolve(options.dataDir);
  if (options.period !== undefined && !PERIOD_FILTER.test(options.period))
    throw new LutinError("CONFIG_INVALID", `--period ${options.period} is not a month or a period start`, {
      hint: "give YYYY-MM (every period starting that month) or YYYY-MM-DD (one period start)",
    });
  const info = await stat(dataDir).catch(() => null);
  if (info === null || !info.isDirectory())
    throw new LutinError("CONFIG_INVALID", `${dataDir} is not a directory`, {
      hint: "pass the server's data directory with --data (its LUTIN_DATA_DIR, ./data by default)",
    });
  const lock = await readStoreLock(dataDir);
  const live = lock?.live === true;
  if (live && options.live !== true)
    throw new LutinError(
      "STORE_LOCKED",
      `${dataDir} is in use by a running server (pid ${lock?.pid ?? "unknown"})`,
      {
        hint: "stop the server for a definitive audit, or add --live to read its files as they are now (a snapshot of files being written: a difference may be a write in flight, so run it again, or stopped, to confirm)",
        details: { dataDir, pid: lock?.pid ?? null },
      },
    );
  const contents = await readDataDirectory(dataDir);
  if (contents === null)
    throw new LutinError("CONFIG_INVALID", `${dataDir} holds no LutinGénie data (no lutin.json)`, {
      hint: "pass the server's data directory with --data (the one that has lutin.json)",
    });
  const now = options.now ?? Date.now();
  const comparison = await compareDataDirectory(contents, {
    now,
    catalog: options.catalog ?? DEFAULT_PLAN_CATALOG,
    ...(options.period === undefined ? {} : { period: options.period }),
  });
  return {
    dataDir,
    at: new Date(now).toISOString(),
    period: options.period ?? null,
    live,
    agree: comparison.differences.length === 0,
    ...comparison,
  };
}

/**
 * Keeps the report's verdict beside the data (last-audit.json) for the dashboard. Never fails the audit:
 * a directory the auditor may read but not write still gets its report, with a warning saying why.
 */
export async function recordAudit(report: AuditReport): Promise<string | null> {
  const record: LastAudit = {
    version: 1,
    at: report.at,
    period: report.period,
    live: report.live,
    periods: report.periods.map(({ tenant, period }) => ({ tenant, period })),
    differences: report.differences.map(({ tenant, period, conversation, rule, message }) => ({
      tenant,
      period,
      conversation,
      rule,
      message,
    })),
  };
  try {
    await recordLastAudit(report.dataDir, record);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "an error";
    return `the result was not kept for the dashboard (${code} writing ${report.dataDir}/last-audit.json); run the audit as the user that owns the data directory`;
  }
}

const pair = (totals: { ai: number; human: number }) => `${totals.ai}/${totals.human}`;

/** The human-readable report: one line per period, then "ledger and events agree" or each difference. */
export function formatAudit(report: AuditReport): string {
  const lines = [
    `Audit of ${report.dataDir} at ${report.at}${report.period === null ? "" : `, period ${report.period}`}${report.live ? " (live: read while a server was running)" : ""}`,
  ];
  const header = ["tenant", "period", "archived", "events", "ledger", "dashboard", "history"];
  const rows = report.periods.map((period) => [
    period.tenant,
    period.period,
    period.archived ? "yes" : "no",
    pair(period.events),
    pair(period.ledger),
    pair(period.dashboard),
    pair(period.history),
  ]);
  if (rows.length > 0) {
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
    );
    const line = (cells: string[]) =>
      `  ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join("  ")}`.trimEnd();
    lines.push(line(header), ...rows.map(line), "  (AI/human conversations billed in each period)");
  }
  const scope = `${report.tenants} tenant(s), ${report.periods.length} period(s), ${report.conversations} conversation(s) recomputed from ${report.events} event(s)`;
  if (report.notRecomputed.threads > 0)
    lines.push(
      `${report.notRecomputed.threads} compacted thread(s) (${report.notRecomputed.conversations} conversation(s)) cannot be recomputed from events: their ledger rows are taken as they are.`,
    );
  if (report.agree) {
    lines.push(`ledger and events agree: ${scope}`);
    return lines.join("\n");
  }
  lines.push(`${report.differences.length} difference(s) (${scope}):`);
  for (const difference of report.differences) {
    const where =
      difference.conversation === null
        ? ""
        : ` ${difference.conversation}${difference.thread === null ? "" : ` (thread ${difference.thread})`}`;
    lines.push(
      `  ${difference.rule} ${difference.tenant} ${difference.period}${where}: ${difference.message}`,
    );
  }
  return lines.join("\n");
}
