import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { personalMessage, startTeamsNetwork } from "@lutingenie/adapter-teams/testing";
import type { RunningLutinServer } from "@lutingenie/adapter-web";
import { AgentTestClient } from "@lutingenie/adapter-web/testing";
import { DEMO_TENANT_FILE, silentLogger } from "@lutingenie/core";
import { createTestDatabase, type TestDatabase } from "@lutingenie/store-postgres/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "./serve.js";

/*
 * Issue 16: two `lutin serve` instances on one PostgreSQL share the Teams adapter's state. A Teams
 * conversation instance A met is reached by instance B (a proactive agent reply) after A stopped: B never
 * saw the conversation, so the reference can only come from the database.
 */

let database: TestDatabase;
const directories: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  await database?.drop();
});

type TeamsNetwork = Awaited<ReturnType<typeof startTeamsNetwork>>;

/** The demo shop without business hours: the desk is open whenever the test runs (a handoff, not a task). */
async function alwaysOpenDemoTenant(directory: string): Promise<string> {
  const tenant = JSON.parse(await readFile(DEMO_TENANT_FILE, "utf8")) as Record<string, unknown>;
  delete tenant.businessHours;
  // Its other files stay beside the demo tenant file.
  for (const name of ["knowledgeBase", "orders"])
    tenant[name] = join(dirname(DEMO_TENANT_FILE), String(tenant[name]));
  const file = join(directory, "demo-shop.tenant.json");
  await writeFile(file, JSON.stringify(tenant));
  return file;
}

/** One `lutin serve` with Teams on the test database, a data directory of its own. */
async function startTeamsInstance(network: TeamsNetwork) {
  const dataDir = await mkdtemp(join(tmpdir(), "lutin-serve-pg-state-"));
  directories.push(dataDir);
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => {
    printed += chunk.toString("utf8");
  });
  let stop = () => {};
  const until = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let running: RunningLutinServer | undefined;
  const served = serve({
    output,
    environment: {
      PORT: "0",
      LUTIN_HOST: "127.0.0.1",
      LUTIN_DATA_DIR: dataDir,
      LUTIN_DATABASE_URL: database.url,
      LUTIN_TENANT_FILE: await alwaysOpenDemoTenant(dataDir),
      MICROSOFT_APP_ID: network.adapterConfig().appId,
      MICROSOFT_APP_PASSWORD: "serve-test-app-password",
    },
    teamsNetwork: {
      credentialsFactory: network.credentials,
      openIdMetadataUrl: network.issuer.metadataUrl,
      tokenIssuer: network.issuer.issuer,
    },
    until,
    logger: silentLogger,
    onStarted: (server) => {
      running = server;
    },
  });
  served.catch(() => undefined);
  await Promise.race([expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true), served]);
  return {
    server: running as RunningLutinServer,
    agentToken: () => /agent token for ana \(dev, generated\): (\S+)/.exec(printed)?.[1] as string,
    async stop() {
      stop();
      await served;
    },
  };
}

describe("serve on PostgreSQL: the Teams adapter's state shared by two instances (issue 16)", () => {
  it("instance B sends an agent's reply to a Teams conversation only instance A met, after A stopped", async () => {
    const network = await startTeamsNetwork();
    const a = await startTeamsInstance(network);
    const b = await startTeamsInstance(network);
    const ana = await AgentTestClient.signIn(b.server.url, b.agentToken());
    try {
      const offered = ana.next(
        (frame) => frame.type === "post" && (frame.post as { kind: string }).kind === "handoff_requested",
        30_000,
      );
      const activity = personalMessage(network.parties, "a:pg-shared", "I want to talk to a human");
      expect((await network.post(`${a.server.url}/api/messages`, activity)).status).toBe(200);
      const handoff = String(((await offered).post as { ref: string }).ref);
      await a.stop();

      expect(await ana.command({ type: "accept", handoff })).toMatchObject({ ok: true });
      expect(
        await ana.command({ type: "reply", handoff, id: "pg-1", text: "Ana here, I am looking at it." }),
      ).toMatchObject({ ok: true });
      await expect
        .poll(() => network.connector.texts("a:pg-shared"), { timeout: 15_000 })
        .toContain("Ana here, I am looking at it.");
    } finally {
      await ana.close();
      await b.stop();
      await a.stop();
      await network.close();
    }
  });
});
