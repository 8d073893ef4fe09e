import type { SlackInstallations } from "@lutingenie/adapter-slack";
import { openPostgresStateCollections } from "@lutingenie/store-postgres";
import { createTestDatabase, type TestDatabase } from "@lutingenie/store-postgres/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresAdapterState, type PostgresAdapterState } from "./postgres-adapter-state.js";

/*
 * Issue 16: what serve opens on PostgreSQL for the chat adapters. Slack's installations are shared by the
 * instances (a token revoked or replaced through one is never used by the other), and expired records are
 * pruned on a schedule.
 */

let database: TestDatabase;
const opened: PostgresAdapterState[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const state of opened.splice(0)) await state.close();
  await database?.drop();
});

async function instance(options: { pruneIntervalMs?: number } = {}): Promise<PostgresAdapterState> {
  const state = await openPostgresAdapterState(database.url, options);
  opened.push(state);
  return state;
}

/** What Bolt's installer hands the store after oauth.v2.access (fields the adapter reads). */
type BoltInstallation = Parameters<SlackInstallations["boltStore"]["storeInstallation"]>[0];

function installationOf(team: string, token: string): BoltInstallation {
  return {
    team: { id: team, name: "Acme" },
    enterprise: undefined,
    isEnterpriseInstall: false,
    user: { id: "U0INSTALLER", token: undefined, scopes: undefined },
    bot: { id: "B0BOT", userId: "U0BOT", token, scopes: ["chat:write"] },
    tokenType: "bot",
    appId: "A0APP",
  };
}

const query = (team: string) => ({ teamId: team, enterpriseId: undefined, isEnterpriseInstall: false });

async function rowsIn(namespace: string): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "SELECT count(*) AS count FROM lutin_adapter_state WHERE namespace = $1",
      [namespace],
    );
    return Number(rows[0]?.count);
  } finally {
    await client.end();
  }
}

describe("serve's adapter state on PostgreSQL (issue 16)", () => {
  it("an install through A is fetched by B; A's uninstall stops B; a reinstall's new token reaches B", async () => {
    const a = await instance();
    const b = await instance();
    expect(b.slackInstallations.get("T0SHARED")).toBeUndefined();

    await a.slackInstallations.boltStore.storeInstallation(installationOf("T0SHARED", "xoxb-first"));
    const fetched = await b.slackInstallations.boltStore.fetchInstallation(query("T0SHARED"));
    expect(fetched.bot?.token).toBe("xoxb-first");
    // B's own copy (what its event handlers read) follows the database once Bolt authorized a request.
    expect(b.slackInstallations.get("T0SHARED")?.installation.bot?.token).toBe("xoxb-first");

    // A channel chosen through B survives a reinstall through A (read from the database, not A's copy).
    await b.slackInstallations.setChannel("T0SHARED", "agentsChannel", "C0AGENTS");
    await a.slackInstallations.boltStore.storeInstallation(installationOf("T0SHARED", "xoxb-second"));
    const reinstalled = await b.slackInstallations.boltStore.fetchInstallation(query("T0SHARED"));
    expect(reinstalled.bot?.token).toBe("xoxb-second");
    expect(b.slackInstallations.get("T0SHARED")?.agentsChannel).toBe("C0AGENTS");

    // app_uninstalled reached A: B's next authorize refuses, and its copy forgets the token.
    await a.slackInstallations.forget("T0SHARED");
    await expect(b.slackInstallations.boltStore.fetchInstallation(query("T0SHARED"))).rejects.toMatchObject({
      code: "ADAPTER_AUTH_FAILED",
    });
    expect(b.slackInstallations.get("T0SHARED")).toBeUndefined();
  });

  it("an instance opened later lists the workspaces installed before (its tenants at start)", async () => {
    const a = await instance();
    await a.slackInstallations.boltStore.storeInstallation(installationOf("T0LISTED", "xoxb-listed"));
    const later = await instance();
    expect(later.slackInstallations.list().map((record) => record.tenant)).toContain("T0LISTED");
  });

  it("prunes expired records at open and then on its schedule, keeping live ones", async () => {
    const namespace = "prune-test";
    const spec = {
      name: namespace,
      format: "lutingenie-prune-test",
      expiresAt: (note: { until: number }) => note.until,
    };
    const writer = await openPostgresStateCollections({ connectionString: database.url });
    try {
      const notes = await writer.open(spec);
      await notes.set("expired-before-start", { until: Date.now() - 1_000 });
      await notes.set("live", { until: Date.now() + 3_600_000 });
      expect(await rowsIn(namespace)).toBe(2);

      await instance({ pruneIntervalMs: 200 });
      // At open: the expired record is deleted, the live one stays.
      await expect.poll(() => rowsIn(namespace), { timeout: 5_000 }).toBe(1);

      // Later, on the schedule (no restart): a record that expired since is deleted too.
      await notes.set("expired-later", { until: Date.now() - 1 });
      expect(await rowsIn(namespace)).toBe(2);
      await expect.poll(() => rowsIn(namespace), { timeout: 5_000 }).toBe(1);
      expect(await notes.get("live")).toEqual({ until: expect.any(Number) });
    } finally {
      await writer.close();
    }
  });

  it("stops pruning on close", async () => {
    const state = await openPostgresAdapterState(database.url, { pruneIntervalMs: 50 });
    await state.close();
    expect(await state.pruning.run()).toBeNull();
  });
});
