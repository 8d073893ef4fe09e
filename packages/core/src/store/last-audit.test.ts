import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type LastAudit,
  lastAuditFileOf,
  readLastAudit,
  recordLastAudit,
  tenantAuditOf,
} from "./last-audit.js";

const audit: LastAudit = {
  version: 1,
  at: "2026-12-04T10:00:00.000Z",
  period: null,
  live: false,
  periods: [
    { tenant: "acme", period: "2026-11-01" },
    { tenant: "acme", period: "2026-12-01" },
    { tenant: "globex", period: "2026-12-01" },
  ],
  differences: [
    {
      tenant: "globex",
      period: "2026-12-01",
      conversation: "c-9",
      rule: "C8",
      message: "an extra ledger row",
    },
  ],
};

describe("the last audit's record (issue 14: the dashboard shows it)", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lutin-last-audit-"));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it("is null before any audit, and reads back what was recorded, 0600", async () => {
    expect(await readLastAudit(dataDir)).toBeNull();
    await recordLastAudit(dataDir, audit);
    expect(await readLastAudit(dataDir)).toEqual(audit);
    expect((await stat(lastAuditFileOf(dataDir))).mode & 0o777).toBe(0o600);
  });

  it("says damaged for a file that is not a record, instead of throwing", async () => {
    await writeFile(lastAuditFileOf(dataDir), "{ not json");
    expect(await readLastAudit(dataDir)).toEqual({ damaged: true });
    await writeFile(lastAuditFileOf(dataDir), JSON.stringify({ ...audit, version: 2 }));
    expect(await readLastAudit(dataDir)).toEqual({ damaged: true });
  });

  it("shows each tenant only its own periods and differences", () => {
    expect(tenantAuditOf(audit, "acme")).toEqual({
      at: audit.at,
      period: null,
      live: false,
      agree: true,
      periods: 2,
      differences: [],
    });
    const globex = tenantAuditOf(audit, "globex");
    expect(globex.agree).toBe(false);
    expect(globex.differences).toHaveLength(1);
    expect(globex.periods).toBe(1);
  });
});
