import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  archiveFileOf,
  type BillingPeriod,
  calendarOf,
  createTenant,
  DAY,
  DEFAULT_PLAN_CATALOG,
  HOUR,
  type Logger,
  ManualClock,
  periodContaining,
  readStoreFiles,
} from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { adminCall, startTestServer } from "./testing/test-server.js";
import { WidgetTestClient } from "./testing/widget-test-client.js";

const KEY = "demo-shop-widget";
const TENANT = "demo-shop";

/**
 * A subscription start about two months ago, chosen so that today's billing period (Q1, anchored on that
 * day, Europe/Paris like the demo shop) began 2 to 20 days ago: a conversation early in it is settled
 * (over 24 h old) while its period is still the one the dashboard shows, whatever day the tests run.
 */
function subscriptionStart(now: number): { startedAt: number; current: BillingPeriod; first: BillingPeriod } {
  for (let day = 0; day < 40; day++) {
    const startedAt = now - 70 * DAY + day * DAY;
    const calendar = calendarOf(
      createTenant(
        { id: TENANT, timeZone: "Europe/Paris", plan: "professional", startedAt },
        DEFAULT_PLAN_CATALOG,
      ),
    );
    const current = periodContaining(now, calendar);
    if (now - current.start >= 2 * DAY && now - current.start <= 20 * DAY)
      return { startedAt, current, first: periodContaining(startedAt, calendar) };
  }
  throw new Error("no subscription start fits");
}

/** Ids of the conversations in the hot data: lutin.json with its journal applied, as the store reads it. */
async function hotConversationIds(dataDir: string): Promise<string[]> {
  return Object.keys((await readStoreFiles(dataDir))?.conversations ?? {});
}

function recordingLogger(): Logger & { lines: Array<{ level: string; message: string; fields: unknown }> } {
  const lines: Array<{ level: string; message: string; fields: unknown }> = [];
  const entry = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { lines, info: entry("info"), warn: entry("warn"), error: entry("error") };
}

describe("lutin serve keeps lutin.json small: the inactivity sweep and archiving at start and periodically", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const dataDirectory = async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-maintenance-"));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    return directory;
  };
  /** A new visitor asks one question; `_label` only names the visitor in the test. */
  const ask = async (url: string, _label: string, id: string) => {
    const client = await WidgetTestClient.connect({ url, key: KEY });
    try {
      expect(await client.message(id, "What are your opening hours?")).toMatchObject({
        type: "ack",
        status: "answered",
      });
    } finally {
      await client.close();
    }
  };

  it("at start, moves settled conversations of a closed period (and of the running one) out of lutin.json; the dashboard still reads them", async () => {
    const dataDir = await dataDirectory();
    const now = Date.now();
    const { startedAt, current, first } = subscriptionStart(now);
    // The first server lives in the past: one conversation in the first period, one early in today's.
    const clock = new ManualClock(startedAt);
    const past = await startTestServer({}, { dataDir, clock });
    clock.set(startedAt + HOUR);
    await ask(past.url, "visitor-first-period", "first-1");
    clock.set(current.start + HOUR);
    await ask(past.url, "visitor-this-period", "this-1");
    const conversations = await past.runtime.store.listConversations({ tenant: TENANT });
    const old = conversations.find((conversation) => conversation.period === first.label);
    const recent = conversations.find((conversation) => conversation.period === current.label);
    expect(old?.counted && recent?.counted).toBe(true);
    // Never swept while it ran (the clock stood still): both are still open, hence hot.
    expect(conversations.every((conversation) => conversation.endReason === null)).toBe(true);
    await past.cleanup();
    expect(await hotConversationIds(dataDir)).toContain(old?.id);

    // Restarted on the real clock: the start run ends them (C2) and archives them, nobody calls it.
    const server = await startTestServer({}, { dataDir });
    cleanups.push(() => server.cleanup());
    await expect.poll(() => hotConversationIds(dataDir)).toEqual([]);
    expect((await readStoreFiles(dataDir))?.ledger).toEqual([]);
    const archived = await readFile(archiveFileOf(dataDir, TENANT, first.label), "utf8");
    expect(archived).toContain(old?.id);
    expect(existsSync(archiveFileOf(dataDir, TENANT, current.label))).toBe(true);

    // Q8: the dashboard's usage and history read the archived rows as before.
    const usage = await adminCall<{ used: number; period: { label: string }; days: Array<{ ai: number }> }>(
      server.url,
      "/usage",
    );
    expect(usage.body.period.label).toBe(current.label);
    expect(usage.body.used).toBe(1);
    expect(usage.body.days.reduce((sum, day) => sum + day.ai, 0)).toBe(1);
    const history = await adminCall<{ rows: Array<{ id: string; counted: boolean; endReason: string }> }>(
      server.url,
      "/history",
    );
    expect(history.body.rows.map((row) => [row.id, row.counted, row.endReason]).sort()).toEqual(
      [
        [old?.id, true, "inactivity"],
        [recent?.id, true, "inactivity"],
      ].sort(),
    );
    const ledger = await server.runtime.store.listLedger({ tenant: TENANT, period: first.label });
    expect(ledger.map((row) => [row.conversationId, row.delta])).toEqual([[old?.id, 1]]);
  });

  it("runs again every interval without being asked, never two runs at once, and not after stop()", async () => {
    const dataDir = await dataDirectory();
    const now = Date.now();
    const { startedAt } = subscriptionStart(now);
    const clock = new ManualClock(startedAt);
    const logger = recordingLogger();
    const server = await startTestServer({}, { dataDir, clock, logger, maintenanceIntervalMs: 50 });
    await ask(server.url, "visitor-periodic", "periodic-1");
    const [conversation] = await server.runtime.store.listConversations({ tenant: TENANT });
    expect(await hotConversationIds(dataDir)).toEqual([conversation?.id]);
    // Time passes: a later run (not the one at start, which saw nothing to do) archives it.
    clock.set(now);
    const reported = () => logger.lines.find((line) => line.message === "store maintenance");
    await expect.poll(reported, { timeout: 10_000 }).toBeDefined();
    expect(await hotConversationIds(dataDir)).toEqual([]);
    const info = reported();
    expect(info?.fields).toMatchObject({ ended: 1, archivedConversations: 1, archivedLedgerRows: 1 });
    // Counts only: no conversation id or message text in the log line.
    expect(JSON.stringify(logger.lines)).not.toMatch(/opening hours|conv_/);

    const first = server.maintenance.run();
    expect(server.maintenance.run()).toBe(first);
    await first;
    await server.maintenance.stop();
    expect(await server.maintenance.run()).toBeNull();
    await server.cleanup();
  });

  it("logs a failed run instead of throwing, keeps the data hot, and succeeds once the disk lets it", async () => {
    const dataDir = await dataDirectory();
    const now = Date.now();
    const { startedAt } = subscriptionStart(now);
    const clock = new ManualClock(startedAt);
    const logger = recordingLogger();
    const server = await startTestServer({}, { dataDir, clock, logger });
    cleanups.push(() => server.cleanup());
    await ask(server.url, "visitor-failing", "failing-1");
    const [conversation] = await server.runtime.store.listConversations({ tenant: TENANT });
    // A plain file where the tenant's archive directory goes: writing the archive fails for real.
    await mkdir(join(dataDir, "archive"), { recursive: true });
    const blocker = join(dataDir, "archive", TENANT);
    await writeFile(blocker, "not a directory");
    clock.set(now);
    expect(await server.maintenance.run()).toBeNull();
    const failure = logger.lines.find((line) => line.level === "error");
    expect(failure?.message).toMatch(/store maintenance failed/);
    expect(failure?.fields).toMatchObject({ code: expect.any(String) });
    expect(await server.runtime.store.listConversations({ tenant: TENANT })).toHaveLength(1);
    expect(await hotConversationIds(dataDir)).toEqual([conversation?.id]);

    await rm(blocker);
    const report = await server.maintenance.run();
    expect(report?.archive.periods.map((period) => period.conversations)).toEqual([1]);
    expect(await hotConversationIds(dataDir)).toEqual([]);
    expect((await adminCall<{ rows: unknown[] }>(server.url, "/history")).body.rows).toHaveLength(1);
  });
});
