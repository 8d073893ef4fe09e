import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { VISITOR_SECRET_FILE } from "@lutingenie/adapter-web";
import {
  type ConversationLogRecord,
  type DataDirectoryContents,
  DEFAULT_PLAN_CATALOG,
  LutinError,
  openFileConversationLog,
  openFileEscalationStore,
  openFileThreadMemory,
  readDataDirectory,
  readStoreFiles,
  readStoreLock,
  type ThreadMemoryRecord,
} from "@lutingenie/core";
import {
  adoptSecret,
  importLowdbData,
  type LowdbImportReport,
  type LowdbImportSource,
  type MigrationReport,
  migrate,
  readPostgresContents,
  storeFailure,
  VISITOR_SECRET_NAME,
} from "@lutingenie/store-postgres";
import pg from "pg";
import { DATABASE_URL_VARIABLE, databaseLocation, databaseUrlFrom } from "../database-url.js";
import { compareDataDirectory } from "./audit-compare.js";

export interface MigrateOptions {
  environment?: NodeJS.ProcessEnv;
  output: Writable;
  /** An embedded install's data directory to move into the database (`--from-lowdb DIR`). */
  fromLowdb?: string;
  /** The instant the totals are read at (default: the real clock). */
  now?: number;
}

/** One line of the totals: what the dashboard and the ledger say of one tenant's period. */
export interface PeriodTotals {
  tenant: string;
  period: string;
  /** AI and human conversations the dashboard shows as used (Q8). */
  used: number;
  human: number;
  /** Net billable conversations of the ledger and counted ones of the history, AI/human. */
  ledger: string;
  history: string;
  /** Ledger rows of the period, reversals included (C13). */
  ledgerRows: number;
}

export interface MigrateResult {
  schema: MigrationReport;
  /** With --from-lowdb. */
  import?: {
    dataDir: string;
    added: LowdbImportReport;
    before: PeriodTotals[];
    after: PeriodTotals[];
    /** Periods whose totals differ (tenant period: before, after). */
    differences: string[];
  };
  exitCode: number;
}

/**
 * The totals `lutin audit` shows, per tenant and period, computed by the audit's own comparison
 * (audit-compare.ts) so that the lowdb directory and the database are read the same way.
 */
export async function periodTotals(contents: DataDirectoryContents, now: number): Promise<PeriodTotals[]> {
  const comparison = await compareDataDirectory(contents, { now, catalog: DEFAULT_PLAN_CATALOG });
  const rows = new Map<string, number>();
  for (const row of contents.ledger) {
    const key = `${row.tenant}\u0000${row.period}`;
    rows.set(key, (rows.get(key) ?? 0) + 1);
  }
  return comparison.periods
    .map((period) => ({
      tenant: period.tenant,
      period: period.period,
      used: period.dashboard.ai,
      human: period.dashboard.human,
      ledger: `${period.ledger.ai}/${period.ledger.human}`,
      history: `${period.history.ai}/${period.history.human}`,
      ledgerRows: rows.get(`${period.tenant}\u0000${period.period}`) ?? 0,
    }))
    .sort((a, b) =>
      a.tenant + a.period < b.tenant + b.period ? -1 : a.tenant + a.period > b.tenant + b.period ? 1 : 0,
    );
}

function totalsTable(title: string, totals: readonly PeriodTotals[]): string[] {
  const header = ["tenant", "period", "used", "human", "ledger", "history", "ledger rows"];
  const cells = totals.map((row) => [
    row.tenant,
    row.period,
    String(row.used),
    String(row.human),
    row.ledger,
    row.history,
    String(row.ledgerRows),
  ]);
  const widths = header.map((name, column) =>
    Math.max(name.length, ...cells.map((line) => (line[column] as string).length)),
  );
  const line = (values: string[]) =>
    `  ${values.map((value, column) => value.padEnd(widths[column] as number)).join("  ")}`.trimEnd();
  return [title, line(header), ...(cells.length === 0 ? ["  (no billing period)"] : cells.map(line))];
}

function differencesOf(before: readonly PeriodTotals[], after: readonly PeriodTotals[]): string[] {
  const describe = (row: PeriodTotals | undefined) =>
    row === undefined
      ? "absent"
      : `used ${row.used}, human ${row.human}, ledger ${row.ledger}, history ${row.history}, ${row.ledgerRows} ledger rows`;
  const keyOf = (row: PeriodTotals) => `${row.tenant} ${row.period}`;
  const afterByKey = new Map(after.map((row) => [keyOf(row), row]));
  const beforeByKey = new Map(before.map((row) => [keyOf(row), row]));
  const differences: string[] = [];
  for (const key of [...new Set([...beforeByKey.keys(), ...afterByKey.keys()])].sort()) {
    const was = beforeByKey.get(key);
    const is = afterByKey.get(key);
    if (describe(was) !== describe(is))
      differences.push(`${key}: ${describe(was)} in the data directory, ${describe(is)} in the database`);
  }
  return differences;
}

async function readInstall(dataDir: string) {
  const lock = await readStoreLock(dataDir);
  if (lock?.live === true)
    throw new LutinError(
      "STORE_LOCKED",
      `${dataDir} is in use by a running server (pid ${lock.pid ?? "unknown"})`,
      {
        hint: "stop that `lutin serve` first: a moving copy would miss what it writes meanwhile",
        details: { dataDir, pid: lock.pid },
      },
    );
  const contents = await readDataDirectory(dataDir);
  const document = await readStoreFiles(dataDir);
  if (contents === null || document === null)
    throw new LutinError("CONFIG_INVALID", `${dataDir} holds no LutinGénie data (no lutin.json)`, {
      hint: "pass the embedded server's data directory (its LUTIN_DATA_DIR, ./data by default), the one that has lutin.json",
    });
  const memory: Array<{ threadKey: string; record: ThreadMemoryRecord }> = [];
  const files = await openFileThreadMemory({ dataDir });
  try {
    for (const thread of contents.threads) {
      const record = await files.load(thread.key);
      if (record !== undefined) memory.push({ threadKey: thread.key, record });
    }
  } finally {
    await files.close();
  }
  // The log is keyed by conversation id: every logged conversation has its counting record (archived
  // periods included), so reading the log for each one finds them all.
  const conversationLog: Array<{ conversationId: string; record: ConversationLogRecord }> = [];
  const log = await openFileConversationLog({ dataDir });
  try {
    for (const conversation of contents.conversations) {
      const record = await log.get(conversation.id);
      if (record !== undefined) conversationLog.push({ conversationId: conversation.id, record });
    }
  } finally {
    await log.close();
  }
  // The desk: agents of every tenant, handoffs and follow-up tasks (open ones wait for an agent's answer).
  const escalation = await openFileEscalationStore({ dataDir });
  let desk: LowdbImportSource["desk"];
  try {
    const agents = [];
    for (const tenant of contents.tenants) agents.push(...(await escalation.listAgents(tenant.id)));
    desk = { agents, handoffs: await escalation.listHandoffs(), followUps: await escalation.listFollowUps() };
  } finally {
    await escalation.close();
  }
  // The key that signed the install's visitor tokens, so that its visitors resume their chats on PostgreSQL.
  const secret = (await readFile(join(dataDir, VISITOR_SECRET_FILE), "utf8").catch(() => "")).trim();
  return {
    contents,
    processed: document.processed,
    memory,
    conversationLog,
    desk,
    visitorSecret: /^[0-9a-f]{64}$/.test(secret) ? secret : null,
  };
}

/**
 * `lutin migrate`: brings the schema of LUTIN_DATABASE_URL's database to this code's version (idempotent;
 * refuses a newer one, STORE_SCHEMA_TOO_NEW), printing the version before and after. With `--from-lowdb
 * DIR`: then copies that embedded install in (idempotent: a second run adds nothing) and checks it with
 * `lutin audit`'s totals per tenant and period, before (the directory) and after (the database); exit
 * code 1 when any differs.
 */
export async function migrateCommand(options: MigrateOptions): Promise<MigrateResult> {
  const environment = options.environment ?? process.env;
  const url = databaseUrlFrom(environment);
  if (url === null)
    throw new LutinError("CONFIG_INVALID", `lutin migrate needs ${DATABASE_URL_VARIABLE}`, {
      hint: `set ${DATABASE_URL_VARIABLE}=postgres://user:password@host:5432/database (the database the instances will share)`,
    });
  const where = databaseLocation(url);
  const out = (line: string) => options.output.write(`${line}\n`);
  // Read before anything is written to the database: a directory that cannot be moved changes nothing.
  const install = options.fromLowdb === undefined ? null : await readInstall(resolve(options.fromLowdb));
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: 10_000,
    application_name: "lutin-migrate",
  });
  pool.on("error", () => undefined);
  try {
    let schema: MigrationReport;
    try {
      const client = await pool.connect();
      try {
        schema = await migrate(client);
      } finally {
        client.release();
      }
    } catch (error) {
      // Each step is its own transaction: a failed one left the schema at the version before it.
      throw storeFailure("migrating the schema", "read", where, error);
    }
    out(
      schema.applied.length === 0
        ? `schema of ${where}: version ${schema.from} → ${schema.to} (up to date, nothing to do)`
        : `schema of ${where}: version ${schema.from} → ${schema.to} (applied ${schema.applied.join(", ")})`,
    );
    if (install === null || options.fromLowdb === undefined) return { schema, exitCode: 0 };

    const dataDir = resolve(options.fromLowdb);
    const now = options.now ?? Date.now();
    const before = await periodTotals(install.contents, now);
    let added: LowdbImportReport;
    let after: PeriodTotals[];
    try {
      added = await importLowdbData(pool, install);
      if (install.visitorSecret !== null) {
        const secret = await adoptSecret(pool, VISITOR_SECRET_NAME, install.visitorSecret);
        if (secret === "kept")
          out(
            "visitor secret: the database already has another one (kept): this install's visitors start new chats",
          );
      }
      after = await periodTotals(await readPostgresContents(pool), now);
    } catch (error) {
      if (LutinError.isInstance(error)) throw error;
      const cause = storeFailure(`copying ${dataDir}`, "read", where, error);
      throw new LutinError("STORE_WRITE_FAILED", cause.message, {
        hint: `${cause.hint ?? ""}; nothing was copied (the copy is one transaction): run the same command again once fixed`,
        cause: error,
      });
    }
    const differences = differencesOf(before, after);
    for (const line of totalsTable(`Before: ${dataDir}`, before)) out(line);
    for (const line of totalsTable(`After: ${where}`, after)) out(line);
    const addedLine = Object.entries(added)
      .map(([table, rows]) => `${rows} ${table}`)
      .join(", ");
    out(
      `added: ${addedLine}${Object.values(added).every((rows) => rows === 0) ? " (already moved: nothing new)" : ""}`,
    );
    if (differences.length === 0) out(`totals agree: ${before.length} period(s)`);
    else {
      out(`${differences.length} period(s) differ:`);
      for (const difference of differences) out(`  ${difference}`);
    }
    return {
      schema,
      import: { dataDir, added, before, after, differences },
      exitCode: differences.length === 0 ? 0 : 1,
    };
  } finally {
    await pool.end().catch(() => undefined);
  }
}
