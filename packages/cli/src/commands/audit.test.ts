import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  archiveFileOf,
  ConversationCounter,
  createBillingDirectory,
  createTenant,
  DEFAULT_PLAN_CATALOG,
  LAST_AUDIT_FILE,
  type LedgerEntry,
  ManualClock,
  openLowdbStore,
  parseTranscript,
  readDataDirectory,
  readLastAudit,
  readStoreFiles,
  tenantAuditOf,
} from "@lutingenie/core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../main.js";
import type { AuditReport } from "./audit.js";

const TRANSCRIPTS = join(import.meta.dirname, "../../../../examples/transcripts");
const NOW = "2026-12-20T10:00:00Z";
const OCTOBER = "2026-10-01";

/**
 * A real lowdb data directory filled by the real counting engine: the guide's October examples (a C13
 * late-event merge with its reversal, C10 handoffs, a C8 cancelled and C9 test conversations), one
 * November conversation, all archived (settled and in closed periods), and one December conversation
 * still hot, as `lutin serve` leaves it.
 */
async function fillDataDirectory(dataDir: string): Promise<void> {
  const clock = new ManualClock("2026-10-01T00:00:00Z");
  const store = await openLowdbStore({ dataDir, clock });
  await store.putTenant(
    createTenant(
      { id: "default", plan: "starter", startedAt: clock.now(), timeZone: "UTC" },
      DEFAULT_PLAN_CATALOG,
    ),
  );
  const counter = new ConversationCounter({
    store,
    clock,
    billing: createBillingDirectory({ store, catalog: DEFAULT_PLAN_CATALOG }),
  });
  const files = ["test-conversation", "cancelled-conversation", "human-handoff", "late-event-merge"];
  let text = "";
  for (const file of files) text += await readFile(join(TRANSCRIPTS, `${file}.jsonl`), "utf8");
  text += [
    '{"at":"2026-11-05T14:00:00Z","id":"n1","thread":"visitor-nov","from":"customer","text":"Do you ship to Canada?"}',
    '{"at":"2026-11-05T14:00:02Z","id":"n2","thread":"visitor-nov","from":"assistant","text":"Yes."}',
    '{"at":"2026-12-20T09:00:00Z","id":"d1","thread":"visitor-dec","from":"customer","text":"Where is my order?"}',
    '{"at":"2026-12-20T09:00:02Z","id":"d2","thread":"visitor-dec","from":"assistant","text":"Your order number?"}',
  ].join("\n");
  // In file order, as they arrived: the merge's late event (l3) comes after the message it bridges to.
  for (const { line: _line, ...event } of parseTranscript(text, "fixture")) {
    clock.set(Math.max(clock.now(), event.at));
    await counter.ingest(event);
  }
  clock.set(NOW);
  await counter.settle();
  await store.archiveSettled();
  await store.close();
}

async function runAudit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(["audit", "--now", NOW, ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("lutin audit", () => {
  let fixture: string;
  const directories: string[] = [];
  beforeAll(async () => {
    fixture = await mkdtemp(join(tmpdir(), "lutin-audit-fixture-"));
    directories.push(fixture);
    await fillDataDirectory(join(fixture, "data"));
  });
  afterEach(() => vi.restoreAllMocks());
  afterEach(async () => {
    // The fixture is shared by the whole file; each test's copies go.
    for (const directory of directories.splice(1)) await rm(directory, { recursive: true, force: true });
  });

  /** A copy of the fixture's data directory to tamper with. */
  const copyOfFixture = async (): Promise<string> => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-audit-"));
    directories.push(parent);
    const { cp } = await import("node:fs/promises");
    await cp(join(fixture, "data"), join(parent, "data"), { recursive: true });
    return join(parent, "data");
  };
  const conversationsOf = async (dataDir: string, thread: string) =>
    ((await readDataDirectory(dataDir))?.conversations ?? [])
      .filter((conversation) => conversation.thread === thread)
      .sort((left, right) => left.openedAt - right.openedAt);
  const editJson = async (file: string, edit: (value: { ledger: LedgerEntry[] }) => void) => {
    const value = JSON.parse(await readFile(file, "utf8"));
    edit(value);
    await writeFile(file, JSON.stringify(value));
  };

  it("says ledger and events agree on data the engine wrote, archived periods included (exit 0)", async () => {
    const { code, stdout, stderr } = await runAudit("--data", join(fixture, "data"));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/ledger and events agree: 1 tenant\(s\), 3 period\(s\)/);
    // October: the merged conversation's reversal cancels its count (C13), test chats never count (C9).
    expect(stdout).toMatch(/default {2}2026-10-01 {2}yes {7}2\/2 {5}2\/2 {5}2\/2 {8}2\/2/);
    expect(stdout).toMatch(/2026-11-01 {2}yes .*1\/0/);
    expect(stdout).toMatch(/2026-12-01 {2}no .*1\/0/);
    // Every thread but December's went dormant (archive/default/threads/): their events were read back.
    expect(Object.keys((await readStoreFiles(join(fixture, "data")))?.threads ?? {})).toEqual([
      "default/web/visitor-dec",
    ]);
    expect(stdout).toMatch(/recomputed from 29 event\(s\)/);
  });

  it("prints one JSON object whose schema scripts can rely on", async () => {
    const { code, stdout } = await runAudit("--data", join(fixture, "data"), "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as AuditReport;
    expect(Object.keys(report).sort()).toEqual(
      [
        "agree",
        "at",
        "conversations",
        "dataDir",
        "differences",
        "events",
        "live",
        "notRecomputed",
        "period",
        "periods",
        "tenants",
        "threads",
      ].sort(),
    );
    expect(report).toMatchObject({
      agree: true,
      at: "2026-12-20T10:00:00.000Z",
      live: false,
      period: null,
      tenants: 1,
      notRecomputed: { threads: 0, conversations: 0 },
      differences: [],
    });
    expect(report.periods[0]).toEqual({
      tenant: "default",
      period: OCTOBER,
      archived: true,
      events: { ai: 2, human: 2 },
      ledger: { ai: 2, human: 2 },
      dashboard: { ai: 2, human: 2 },
      history: { ai: 2, human: 2 },
    });
  });

  it("finds an extra ledger row, names the conversation and the rule (C8), and exits 1", async () => {
    const dataDir = await copyOfFixture();
    const [cancelled] = await conversationsOf(dataDir, "visitor-fay");
    expect(cancelled?.notCountedReason).toBe("cancelled");
    await editJson(join(dataDir, "lutin.json"), (document) => {
      document.ledger.push({
        id: `${cancelled?.id}:0`,
        tenant: "default",
        conversationId: cancelled?.id as string,
        mode: "ai",
        kind: "count",
        delta: 1,
        countedAt: Date.parse("2026-10-10T18:00:01Z"),
        period: OCTOBER,
        plan: "starter",
        recordedAt: Date.parse("2026-10-10T18:00:01Z"),
        reverses: null,
        reason: null,
      });
    });
    const { code, stdout } = await runAudit("--data", dataDir, "--json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as AuditReport;
    expect(report.agree).toBe(false);
    expect(report.differences).toContainEqual(
      expect.objectContaining({
        conversation: cancelled?.id,
        thread: "default/web/visitor-fay",
        rule: "C8",
        kind: "extra_count",
        period: OCTOBER,
      }),
    );
    // The history (the stored conversation says cancelled) disagrees with the ledger too: Q8.
    expect(report.differences).toContainEqual(
      expect.objectContaining({ conversation: cancelled?.id, rule: "Q8", kind: "history" }),
    );
    const text = await runAudit("--data", dataDir);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`C8 default ${OCTOBER} ${cancelled?.id} (thread default/web/visitor-fay)`);
    expect(text.stdout).not.toContain("agree");
    // What the dashboard will show: the same differences, kept beside the data.
    const kept = await readLastAudit(dataDir);
    if (kept === null || "damaged" in kept) throw new Error("the audit kept no result");
    const shown = tenantAuditOf(kept, "default");
    expect(shown.agree).toBe(false);
    expect(shown.differences).toContainEqual(
      expect.objectContaining({ conversation: cancelled?.id, rule: "C8", period: OCTOBER }),
    );
    expect(shown.differences).toHaveLength(report.differences.length);
  });

  it("keeps its verdict in last-audit.json for the dashboard, unless --no-record", async () => {
    const dataDir = await copyOfFixture();
    // The shared fixture may hold the result of an earlier test's audit of it.
    await rm(join(dataDir, LAST_AUDIT_FILE), { force: true });
    expect(await readLastAudit(dataDir)).toBeNull();
    expect((await runAudit("--data", dataDir, "--no-record")).code).toBe(0);
    expect(await readLastAudit(dataDir)).toBeNull();
    expect((await runAudit("--data", dataDir)).code).toBe(0);
    expect(await readLastAudit(dataDir)).toMatchObject({
      version: 1,
      at: new Date(NOW).toISOString(),
      live: false,
      differences: [],
      periods: [
        { tenant: "default", period: OCTOBER },
        { tenant: "default", period: "2026-11-01" },
        { tenant: "default", period: "2026-12-01" },
      ],
    });
  });

  it("finds a count row missing from an archived period (C7 and C10) and exits 1", async () => {
    const dataDir = await copyOfFixture();
    const [ai, human] = await conversationsOf(dataDir, "visitor-hal");
    expect([ai?.mode, ai?.counted, human?.mode, human?.counted]).toEqual(["ai", true, "human", true]);
    await editJson(archiveFileOf(dataDir, "default", OCTOBER), (archive) => {
      archive.ledger = archive.ledger.filter(
        (row) => row.conversationId !== ai?.id && row.conversationId !== human?.id,
      );
    });
    const { code, stdout } = await runAudit("--data", dataDir, "--json");
    expect(code).toBe(1);
    const { differences, periods } = JSON.parse(stdout) as AuditReport;
    expect(differences).toContainEqual(
      expect.objectContaining({ conversation: ai?.id, rule: "C7", kind: "missing_count" }),
    );
    expect(differences).toContainEqual(
      expect.objectContaining({ conversation: human?.id, rule: "C10", kind: "missing_count" }),
    );
    expect(periods[0]).toMatchObject({
      archived: true,
      events: { ai: 2, human: 2 },
      ledger: { ai: 1, human: 1 },
      history: { ai: 2, human: 2 },
    });
  });

  it("finds a removed reversal: the merged conversation is billed again (C13), exit 1", async () => {
    const dataDir = await copyOfFixture();
    const [kept, merged] = await conversationsOf(dataDir, "visitor-ivy");
    expect(merged?.mergedInto).toBe(kept?.id);
    let removed = 0;
    await editJson(archiveFileOf(dataDir, "default", OCTOBER), (archive) => {
      const before = archive.ledger.length;
      archive.ledger = archive.ledger.filter(
        (row) => !(row.kind === "reversal" && row.conversationId === merged?.id),
      );
      removed = before - archive.ledger.length;
    });
    expect(removed).toBe(1);
    const { code, stdout } = await runAudit("--data", dataDir);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(
        `C13 default ${OCTOBER} ${merged?.id} \\(thread default/web/visitor-ivy\\): the ledger bills it .* merged it into ${kept?.id}`,
      ),
    );
  });

  it("audits one month with --period, leaving the other periods out", async () => {
    const dataDir = await copyOfFixture();
    await editJson(archiveFileOf(dataDir, "default", OCTOBER), (archive) => {
      archive.ledger = archive.ledger.filter((row) => row.kind !== "reversal");
    });
    const december = await runAudit("--data", dataDir, "--period", "2026-12", "--json");
    expect(december.code).toBe(0);
    expect((JSON.parse(december.stdout) as AuditReport).periods.map((period) => period.period)).toEqual([
      "2026-12-01",
    ]);
    expect((await runAudit("--data", dataDir, "--period", "2026-10")).code).toBe(1);
    const bad = await runAudit("--data", dataDir, "--period", "October");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--period October is not a month.*\n {2}fix: give YYYY-MM/);
  });

  it("exits 2 with the fix on a missing, empty or corrupt data directory", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-audit-bad-"));
    directories.push(parent);
    const missing = await runAudit("--data", join(parent, "nowhere"));
    expect([missing.code, missing.stdout]).toEqual([2, ""]);
    expect(missing.stderr).toMatch(/nowhere is not a directory\n {2}fix: pass the server's data directory/);

    await mkdir(join(parent, "empty"));
    const empty = await runAudit("--data", join(parent, "empty"));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/holds no LutinGénie data \(no lutin\.json\)/);

    await mkdir(join(parent, "corrupt"));
    await writeFile(join(parent, "corrupt", "lutin.json"), "{ not json");
    const corrupt = await runAudit("--data", join(parent, "corrupt"));
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/lutin\.json is unreadable: not valid JSON/);

    const dataDir = await copyOfFixture();
    await rm(archiveFileOf(dataDir, "default", OCTOBER));
    const lost = await runAudit("--data", dataDir);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(/lists period 2026-10-01 of tenant default as archived here/);
  });

  it("refuses a directory a running server holds (exit 2) unless --live, and reads a killed server's stale lock", async () => {
    const dataDir = await copyOfFixture();
    const store = await openLowdbStore({ dataDir });
    try {
      const refused = await runAudit("--data", dataDir);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        new RegExp(
          `in use by a running server \\(pid ${process.pid}\\)\\n {2}fix: stop the server .* or add --live`,
        ),
      );
      const live = await runAudit("--data", dataDir, "--live", "--json");
      expect(live.code).toBe(0);
      expect(JSON.parse(live.stdout)).toMatchObject({ live: true, agree: true });
    } finally {
      await store.close();
    }
    // A lock left by a process that is gone (kill -9) is stale: nothing runs there, the audit reads it.
    await writeFile(join(dataDir, "lutin.lock"), "999999999\n1\n");
    expect((await runAudit("--data", dataDir)).code).toBe(0);
  });
});
