import { existsSync } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import {
  directMessage,
  eventCallback,
  FakeSlack,
  postSignedToSlackEndpoint,
  slashCommand,
} from "@lutingenie/adapter-slack/testing";
import { personalMessage, startTeamsNetwork } from "@lutingenie/adapter-teams/testing";
import type { RunningLutinServer } from "@lutingenie/adapter-web";
import { writeBikeShopTenant } from "@lutingenie/adapter-web/testing";
import { DEMO_TENANT_FILE, silentLogger } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { serve } from "./serve.js";

describe("lutin serve", () => {
  const directories: string[] = [];
  afterEach(async () => {
    for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  });

  it("creates the data directory, prints the three URLs and dev tokens, serves the pages, and flushes on stop", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-"));
    directories.push(parent);
    const dataDir = join(parent, "nested", "data");
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
      environment: { PORT: "0", LUTIN_DATA_DIR: dataDir },
      until,
      logger: silentLogger,
      onStarted: (server) => {
        running = server;
      },
    });
    await expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true);
    const server = running as RunningLutinServer;
    expect(existsSync(join(dataDir, "lutin.lock"))).toBe(true);
    for (const [label, url] of [
      ["widget demo", server.urls.widgetDemo],
      ["agent console", server.urls.agentConsole],
      ["dashboard", server.urls.dashboard],
    ] as const) {
      expect(printed).toContain(`${label}`);
      expect(printed).toContain(url);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
    }
    const adminToken = /admin token \(dev, generated\): (\S+)/.exec(printed)?.[1];
    expect(printed).toMatch(/agent token for ana \(dev, generated\): \S{20,}/);
    const usage = await fetch(`${server.url}/api/admin/usage`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(usage.status).toBe(200);

    stop();
    await served;
    expect(printed).toMatch(/Stopped\.\n$/);
    // The lock is released and the store written: another process may open the directory.
    expect(existsSync(join(dataDir, "lutin.lock"))).toBe(false);
    expect(existsSync(join(dataDir, "lutin.json"))).toBe(true);
  });

  it("serves Slack beside the web channel on the same port when SLACK_* variables are set, counted in the same store", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-slack-"));
    directories.push(parent);
    const slack = await FakeSlack.start({ botToken: "xoxb-serve-test" });
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
        LUTIN_DATA_DIR: join(parent, "data"),
        SLACK_BOT_TOKEN: "xoxb-serve-test",
        SLACK_SIGNING_SECRET: "serve-test-signing-secret",
      },
      slackApiUrl: slack.url,
      until,
      logger: silentLogger,
      onStarted: (server) => {
        running = server;
      },
    });
    try {
      await expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true);
      const server = running as RunningLutinServer;
      expect(printed).toContain(`slack          ${server.url}/slack/events (one workspace)`);

      const body = JSON.stringify(
        eventCallback(directMessage("D0SERVE", "1700000000.000100", "Where is my order?"), {
          eventId: "Ev0SERVE1",
        }),
      );
      const unsigned = await postSignedToSlackEndpoint(`${server.url}/slack/events`, "wrong-secret", body);
      expect(unsigned.status).toBe(401);
      const signed = await postSignedToSlackEndpoint(
        `${server.url}/slack/events`,
        "serve-test-signing-secret",
        body,
      );
      expect(signed.status).toBe(200);
      await expect.poll(() => slack.posts().length, { timeout: 15_000 }).toBe(1);
      expect(slack.posts()[0]).toMatchObject({
        channel: "D0SERVE",
        text: expect.stringMatching(/order number/),
      });

      // The web dashboard's usage sees the Slack conversation: one store, one count.
      const adminToken = /admin token \(dev, generated\): (\S+)/.exec(printed)?.[1];
      await expect
        .poll(
          async () => {
            const usage = await fetch(`${server.url}/api/admin/usage`, {
              headers: { authorization: `Bearer ${adminToken}` },
            });
            return ((await usage.json()) as { used?: number }).used;
          },
          { timeout: 15_000 },
        )
        .toBe(1);
    } finally {
      stop();
      await served;
      await slack.close();
    }
  });

  it("serves Teams at /api/messages beside the web channel and Slack on the same port (auth ON), counted with channel teams", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-teams-"));
    directories.push(parent);
    const network = await startTeamsNetwork();
    const slack = await FakeSlack.start({ botToken: "xoxb-serve-test" });
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
    const config = network.adapterConfig();
    const served = serve({
      output,
      environment: {
        PORT: "0",
        LUTIN_DATA_DIR: join(parent, "data"),
        SLACK_BOT_TOKEN: "xoxb-serve-test",
        SLACK_SIGNING_SECRET: "serve-test-signing-secret",
        MICROSOFT_APP_ID: config.appId,
        MICROSOFT_APP_PASSWORD: "serve-test-app-password",
      },
      slackApiUrl: slack.url,
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
    try {
      await expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true);
      const server = running as RunningLutinServer;
      expect(printed).toContain(`teams          ${server.url}/api/messages`);
      const endpoint = `${server.url}/api/messages`;
      const activity = personalMessage(network.parties, "a:serve-chat", "Where is my order?");
      expect((await network.post(endpoint, activity, { authorization: null })).status).toBe(401);
      expect((await network.post(endpoint, activity, { options: { forged: true } })).status).toBe(401);
      expect((await network.post(endpoint, activity)).status).toBe(200);
      await expect.poll(() => network.connector.texts("a:serve-chat").length, { timeout: 15_000 }).toBe(1);
      expect(network.connector.texts("a:serve-chat")[0]).toMatch(/order number/);
      // Slack still answers on the same port.
      const slackBody = JSON.stringify(
        eventCallback(directMessage("D0SERVE", "1700000000.000100", "Where is my order?"), {
          eventId: "Ev0TEAMS1",
        }),
      );
      expect(
        (
          await postSignedToSlackEndpoint(
            `${server.url}/slack/events`,
            "serve-test-signing-secret",
            slackBody,
          )
        ).status,
      ).toBe(200);

      const adminToken = /admin token \(dev, generated\): (\S+)/.exec(printed)?.[1];
      const history = async (channel: string) => {
        const response = await fetch(`${server.url}/api/admin/history?channel=${channel}`, {
          headers: { authorization: `Bearer ${adminToken}` },
        });
        return (await response.json()) as { rows: Array<{ channel: string; counted: boolean }> };
      };
      await expect
        .poll(async () => (await history("teams")).rows, { timeout: 15_000 })
        .toEqual([expect.objectContaining({ channel: "teams", counted: true })]);
      await expect.poll(async () => (await history("slack")).rows.length, { timeout: 15_000 }).toBe(1);
    } finally {
      stop();
      await served;
      await slack.close();
      await network.close();
    }
  });

  it("does not serve /api/messages without the MICROSOFT_APP_* variables (404)", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-no-teams-"));
    directories.push(parent);
    let stop = () => {};
    const until = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let running: RunningLutinServer | undefined;
    const served = serve({
      output: new PassThrough(),
      environment: { PORT: "0", LUTIN_DATA_DIR: join(parent, "data") },
      until,
      logger: silentLogger,
      onStarted: (server) => {
        running = server;
      },
    });
    try {
      await expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true);
      const server = running as RunningLutinServer;
      const response = await fetch(`${server.url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "message", channelId: "msteams" }),
      });
      expect(response.status).toBe(404);
    } finally {
      stop();
      await served;
    }
  });

  it("plugs the Teams agents' side in when its channels are set: a customer's request for a human becomes a card in a Teams channel", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-teams-agents-"));
    directories.push(parent);
    const network = await startTeamsNetwork();
    const channels = {
      agents: "19:serve-agents@thread.tacv2",
      followUps: "19:serve-follow-ups@thread.tacv2",
    };
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
        LUTIN_DATA_DIR: join(parent, "data"),
        MICROSOFT_APP_ID: network.adapterConfig().appId,
        MICROSOFT_APP_PASSWORD: "serve-test-app-password",
        TEAMS_AGENTS_CHANNEL: channels.agents,
        TEAMS_FOLLOW_UP_CHANNEL: channels.followUps,
        TEAMS_SERVICE_URL: network.connector.serviceUrl,
        TEAMS_AGENT_ENROLLMENT: "tenant-file",
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
    try {
      await expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true);
      const server = running as RunningLutinServer;
      expect(printed).toContain("agents' side on");
      const endpoint = `${server.url}/api/messages`;
      const ask = personalMessage(network.parties, "a:serve-human", "I want to talk to a human please");
      expect((await network.post(endpoint, ask)).status).toBe(200);
      // Whether an agent is online or not (a handoff or a follow-up task), it lands in one of the two channels.
      await expect
        .poll(
          () =>
            network.connector.callsOf("createConversation").filter((call) => {
              const data = call.body?.channelData as { channel?: { id?: string } } | undefined;
              return (
                call.status < 300 &&
                (data?.channel?.id === channels.agents || data?.channel?.id === channels.followUps)
              );
            }).length,
          { timeout: 15_000 },
        )
        .toBe(1);
    } finally {
      stop();
      await served;
      await network.close();
    }
  });

  it("refuses a TEAMS_TENANT this server does not serve, naming the fix", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-teams-tenant-"));
    directories.push(parent);
    await expect(
      serve({
        output: new PassThrough(),
        environment: {
          PORT: "0",
          LUTIN_DATA_DIR: join(parent, "data"),
          MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000001",
          MICROSOFT_APP_PASSWORD: "serve-test-app-password",
          TEAMS_TENANT: "another-shop",
        },
        until: Promise.resolve(),
        logger: silentLogger,
      }),
    ).rejects.toThrow(/TEAMS_TENANT is "another-shop".*demo-shop/);
  });

  it("Slack OAuth on the served port: the installer is the workspace's agent, /slack/events takes POST only, secrets files are 0600", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-oauth-"));
    directories.push(parent);
    const slack = await FakeSlack.start({ botToken: "xoxb-not-used" });
    slack.grant({
      code: "code-serve",
      clientId: "111.222",
      clientSecret: "serve-client-secret",
      teamId: "T0SERVED",
      teamName: "Served Co",
      botToken: "xoxb-served-workspace",
      botUserId: "U0SERVEDBOT",
      botId: "B0SERVED",
    });
    slack.user("U0ADMIN", "Alice Admin");
    let stop = () => {};
    const until = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let running: RunningLutinServer | undefined;
    const dataDir = join(parent, "data");
    const served = serve({
      output: new PassThrough(),
      environment: {
        PORT: "0",
        LUTIN_DATA_DIR: dataDir,
        SLACK_CLIENT_ID: "111.222",
        SLACK_CLIENT_SECRET: "serve-client-secret",
        SLACK_STATE_SECRET: "serve-state-secret-long",
        SLACK_SIGNING_SECRET: "serve-test-signing-secret",
      },
      slackApiUrl: slack.url,
      until,
      logger: silentLogger,
      onStarted: (server) => {
        running = server;
      },
    });
    try {
      await expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true);
      const server = running as RunningLutinServer;
      // What the hostile tester saw as 500 on `npm start`.
      for (const method of ["GET", "PUT", "DELETE", "OPTIONS"]) {
        const response = await fetch(`${server.url}/slack/events`, { method });
        expect(response.status, method).toBe(405);
        expect(response.headers.get("allow")).toBe("POST");
      }
      expect((await fetch(`${server.url}/slack/install`, { method: "POST" })).headers.get("allow")).toBe(
        "GET",
      );

      const page = await fetch(`${server.url}/slack/install`, { redirect: "manual" });
      const state = new URL(page.headers.get("location") ?? "").searchParams.get("state") ?? "";
      const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const callback = await fetch(
        `${server.url}/slack/oauth_redirect?code=code-serve&state=${encodeURIComponent(state)}`,
        { headers: { cookie } },
      );
      expect(callback.status).toBe(200);
      const available = await slashCommand(`${server.url}/slack/events`, "serve-test-signing-secret", {
        text: "available",
        user: "U0ADMIN",
        channel: "D0ADMIN",
        teamId: "T0SERVED",
      });
      expect(available.text).toMatch(/You are available/);
      for (const file of ["slack-installations.json.journal", "slack-state.json.journal"])
        expect((await stat(join(dataDir, file))).mode & 0o777, file).toBe(0o600);
    } finally {
      stop();
      await served;
      await slack.close();
    }
  });

  it("refuses a Slack workspace mapped to a tenant this server does not serve, naming the fix", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-slack-"));
    directories.push(parent);
    await expect(
      serve({
        output: new PassThrough(),
        environment: {
          PORT: "0",
          LUTIN_DATA_DIR: join(parent, "data"),
          SLACK_BOT_TOKEN: "xoxb-serve-test",
          SLACK_SIGNING_SECRET: "serve-test-signing-secret",
          SLACK_TENANT: "another-shop",
        },
        until: Promise.resolve(),
        logger: silentLogger,
      }),
    ).rejects.toThrow(/SLACK_TENANT is "another-shop".*demo-shop/);
  });

  it("serves every tenant of a tenants list on one port, printing each tenant's generated tokens with its name", async () => {
    const parent = await mkdtemp(join(tmpdir(), "lutin-serve-tenants-"));
    directories.push(parent);
    const bike = await writeBikeShopTenant(parent);
    const configFile = join(parent, "lutin.config.json");
    await writeFile(
      configFile,
      JSON.stringify({
        dataDir: join(parent, "data"),
        tenants: [
          { tenantFile: DEMO_TENANT_FILE, widgetKey: "demo-shop-widget" },
          { tenantFile: bike, widgetKey: "bike-shop-widget" },
        ],
      }),
    );
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
      configFile,
      environment: { PORT: "0" },
      until,
      logger: silentLogger,
      onStarted: (server) => {
        running = server;
      },
    });
    await expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true);
    const server = running as RunningLutinServer;
    expect(printed).toContain("LutinGénie is serving Lutin & Co, Vélo Lutin");
    const tokenOf = (label: string) => new RegExp(`${label} \\(dev, generated\\): (\\S+)`).exec(printed)?.[1];
    const adminA = tokenOf("admin token of demo-shop");
    const adminB = tokenOf("admin token of bike-shop");
    expect(tokenOf("agent token for ana of demo-shop")).toMatch(/\S{20,}/);
    expect(tokenOf("agent token for carla of bike-shop")).toMatch(/\S{20,}/);
    expect(adminA).not.toBe(adminB);
    const tenantOf = async (token: string | undefined) => {
      const usage = await fetch(`${server.url}/api/admin/usage`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await usage.json()) as { tenant: { id: string } }).tenant.id;
    };
    expect(await tenantOf(adminA)).toBe("demo-shop");
    expect(await tenantOf(adminB)).toBe("bike-shop");
    stop();
    await served;
  });
});
