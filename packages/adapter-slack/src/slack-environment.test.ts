import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LutinError, silentLogger } from "@lutingenie/core";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { INSTALL_PATH } from "./slack-adapter.js";
import { DEFAULT_SLACK_TENANT, slackChannelFromEnvironment } from "./slack-environment.js";
import { FakeSlack } from "./testing/fake-slack.js";
import { startRealCore } from "./testing/real-core.js";
import { directMessage, eventCallback } from "./testing/slack-events.js";
import { postSignedToSlackEndpoint } from "./testing/slack-signature.js";

const BOT_TOKEN = "xoxb-environment-test";
const SIGNING_SECRET = "environment-test-signing-secret";
// Never started with it: the adapters that start get a temporary directory (they write their state there).
const OPTIONS = { dataDir: "/nonexistent/lutin-data" };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "lutin-slack-environment-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

/** The LutinError thrown for `environment`, with its message and hint. */
function refusal(
  environment: NodeJS.ProcessEnv,
  options: Parameters<typeof slackChannelFromEnvironment>[1] = OPTIONS,
) {
  try {
    slackChannelFromEnvironment(environment, options);
  } catch (error) {
    expect(LutinError.isInstance(error, "ADAPTER_CONFIG_INVALID")).toBe(true);
    return error as LutinError;
  }
  throw new Error("expected the environment to be refused");
}

describe("slackChannelFromEnvironment: which variables mean what", () => {
  it("is off (null) when no Slack variable is set, even beside other SLACK_ variables or empty ones", () => {
    expect(slackChannelFromEnvironment({}, OPTIONS)).toBeNull();
    expect(
      slackChannelFromEnvironment(
        { SLACK_WEBHOOK_URL: "https://hooks.example/x", SLACK_BOT_TOKEN: "" },
        OPTIONS,
      ),
    ).toBeNull();
  });

  it("bot token + signing secret: one workspace over HTTP; + app token: Socket Mode; client id and secrets: OAuth", () => {
    const http = slackChannelFromEnvironment(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_AGENTS_CHANNEL: "C0AGENTS" },
      OPTIONS,
    );
    expect([http?.mode, http?.workspaceMode, http?.agentsChannel]).toEqual(["http", "single", "C0AGENTS"]);
    expect(http?.agents).toBeDefined();
    expect(http?.followUps).toBeUndefined(); // no SLACK_FOLLOW_UP_CHANNEL: no follow-up posts
    const socket = slackChannelFromEnvironment(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: "xapp-1-socket", SLACK_FOLLOW_UP_CHANNEL: "C0TASKS" },
      OPTIONS,
    );
    expect([socket?.mode, socket?.workspaceMode, socket?.followUpChannel]).toEqual([
      "socket",
      "single",
      "C0TASKS",
    ]);
    const oauth = slackChannelFromEnvironment(
      {
        SLACK_CLIENT_ID: "111.222",
        SLACK_CLIENT_SECRET: "client-secret",
        SLACK_STATE_SECRET: "a-state-secret-long-enough",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
      },
      OPTIONS,
    );
    expect([oauth?.mode, oauth?.workspaceMode]).toEqual(["http", "multi"]);
  });

  it("names each missing variable and where to find it", () => {
    const noToken = refusal({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect(noToken.message).toMatch(
      /SLACK_BOT_TOKEN: is missing \(OAuth & Permissions → Bot User OAuth Token/,
    );
    const noSecret = refusal({ SLACK_BOT_TOKEN: BOT_TOKEN });
    expect(noSecret.message).toMatch(
      /SLACK_SIGNING_SECRET: is missing .*or set SLACK_APP_TOKEN for Socket Mode/,
    );
    const halfOauth = refusal({ SLACK_CLIENT_ID: "111.222" });
    expect(halfOauth.details?.problems).toEqual([
      expect.stringMatching(/^SLACK_CLIENT_SECRET: is missing for multi-workspace OAuth/),
      expect.stringMatching(/^SLACK_STATE_SECRET: is missing/),
      expect.stringMatching(/^SLACK_SIGNING_SECRET: is missing/),
    ]);
    expect(halfOauth.hint).toMatch(/README\.md.*unset every SLACK_\* variable to run without Slack/s);
  });

  it("refuses contradictory variables, saying which to unset", () => {
    const mixed = refusal({
      SLACK_CLIENT_ID: "111.222",
      SLACK_CLIENT_SECRET: "client-secret",
      SLACK_STATE_SECRET: "a-state-secret-long-enough",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: "xapp-1-socket",
      SLACK_TENANT: "acme",
      SLACK_AGENTS_CHANNEL: "C0AGENTS",
    });
    expect(mixed.details?.problems).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: unset it with OAuth/),
      expect.stringMatching(/^SLACK_APP_TOKEN: unset it — multi-workspace OAuth runs over HTTP/),
      expect.stringMatching(
        /^SLACK_TENANT: unset it with OAuth — each workspace is the tenant named by its team id/,
      ),
      expect.stringMatching(/^SLACK_AGENTS_CHANNEL: unset it with OAuth — .*\/lutin agents-channel/),
    ]);
    expect(
      refusal({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: "xapp-1", SLACK_PORT: "3100" }).message,
    ).toMatch(/SLACK_PORT: unset it — Socket Mode .* listens on no port/);
    expect(
      refusal(
        { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_PORT: "3100" },
        { ...OPTIONS, expressApp: express() },
      ).message,
    ).toMatch(/SLACK_PORT: unset it — the Slack routes are mounted on the web server/);
  });

  it("refuses malformed values without echoing them (they may be secrets)", () => {
    const error = refusal({
      SLACK_BOT_TOKEN: "xoxp-a-user-token-secret",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_AGENTS_CHANNEL: "#support",
      SLACK_PORT: "eighty",
      SLACK_TENANT: "acme shop",
      SLACK_FOLLOWUP_CHANNEL: "C0OLD",
      SLACK_MAX_MESSAGE_LENGTH: "a lot",
    });
    expect(error.details?.problems).toEqual([
      "SLACK_FOLLOWUP_CHANNEL: was renamed; set SLACK_FOLLOW_UP_CHANNEL instead",
      expect.stringMatching(/^SLACK_BOT_TOKEN: must be the bot token starting with xoxb-/),
      expect.stringMatching(/^SLACK_AGENTS_CHANNEL: must be a channel id like C0123ABCD .*not its name/),
      expect.stringMatching(/^SLACK_TENANT: must be a tenant id/),
      expect.stringMatching(/^SLACK_PORT: must be a port number/),
      "SLACK_MAX_MESSAGE_LENGTH: must be a whole number of characters from 1 to 40000 (default 4000)",
    ]);
    for (const value of ["0", "40001", "4e3"])
      expect(
        refusal({
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_MAX_MESSAGE_LENGTH: value,
        }).details?.problems,
        value,
      ).toEqual([expect.stringMatching(/^SLACK_MAX_MESSAGE_LENGTH: must be a whole number/)]);
    expect(error.message).not.toContain("a-user-token-secret");
    expect(error.message).not.toContain(SIGNING_SECRET);
  });
});

describe("slackChannelFromEnvironment: mounted on the web server's Express app", () => {
  async function serve(app: express.Express): Promise<string> {
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("answers a signed event on the web server's port, as tenant demo-shop, beside the server's own routes", async () => {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
    cleanups.push(() => fake.close());
    const app = express();
    const slack = slackChannelFromEnvironment(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET },
      { dataDir: await temporaryDirectory(), expressApp: app, slackApiUrl: fake.url },
    );
    if (slack === null) throw new Error("expected a Slack channel");
    // The web server's own routes and body parser come after the Slack routes.
    app.use(express.json());
    app.get("/health", (_request, response) => void response.json({ ok: true }));
    const base = await serve(app);
    const event = (eventId: string, ts: string) =>
      JSON.stringify(eventCallback(directMessage("D0MOUNTED", ts, "where is my parcel?"), { eventId }));

    // Not started yet: Slack is told to come back, nothing is handled.
    const early = await postSignedToSlackEndpoint(
      `${base}/slack/events`,
      SIGNING_SECRET,
      event("Ev0", "1800000000.000050"),
    );
    expect(early.status).toBe(503);

    const core = await startRealCore(slack, DEFAULT_SLACK_TENANT);
    cleanups.push(() => core.stop());
    expect(slack.url).toBe(""); // the web server's URL is the web server's
    const answered = await postSignedToSlackEndpoint(
      `${base}/slack/events`,
      SIGNING_SECRET,
      event("Ev1", "1800000000.000100"),
    );
    expect(answered.status).toBe(200);
    await slack.idle();
    const reply = fake.callsOf("chat.postMessage").at(-1);
    expect(reply?.args.channel).toBe("D0MOUNTED");
    expect(reply?.token).toBe(BOT_TOKEN);
    expect(await core.conversations()).toHaveLength(1); // counted for tenant demo-shop

    // Slack's own checks hold when mounted: a bad signature is 401 and nothing more is answered.
    const forged = await postSignedToSlackEndpoint(
      `${base}/slack/events`,
      "wrong-secret",
      event("Ev2", "1800000000.000200"),
    );
    expect(forged.status).toBe(401);
    await slack.idle();
    expect(fake.callsOf("chat.postMessage")).toHaveLength(1);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });

    // Other methods on the Slack route: 405 naming the one allowed (Express answered Bolt's throw with 500).
    for (const method of ["GET", "PUT", "DELETE", "OPTIONS"]) {
      const response = await fetch(`${base}/slack/events`, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    }
  });

  it("mounts the install pages in OAuth mode", async () => {
    const app = express();
    const slack = slackChannelFromEnvironment(
      {
        SLACK_CLIENT_ID: "111.222",
        SLACK_CLIENT_SECRET: "client-secret",
        SLACK_STATE_SECRET: "a-state-secret-long-enough",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
      },
      { dataDir: await temporaryDirectory(), expressApp: app },
    );
    if (slack === null) throw new Error("expected a Slack channel");
    const base = await serve(app);
    const core = await startRealCore(slack, "T0ANY");
    cleanups.push(() => core.stop());
    const page = await fetch(`${base}${INSTALL_PATH}`, { redirect: "manual" });
    expect(page.status).toBe(302);
    const authorize = new URL(page.headers.get("location") ?? "");
    expect(authorize.searchParams.get("client_id")).toBe("111.222");
    expect(authorize.searchParams.get("state")).toBeTruthy();
  });

  it("says so when a body parser ran before the Slack routes (the signed bytes are gone)", async () => {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
    cleanups.push(() => fake.close());
    const app = express();
    app.use(express.json());
    const errors: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger = {
      ...silentLogger,
      error: (message: string, fields?: Record<string, unknown>) => void errors.push([message, fields]),
    };
    const slack = slackChannelFromEnvironment(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET },
      { dataDir: await temporaryDirectory(), expressApp: app, slackApiUrl: fake.url, logger },
    );
    if (slack === null) throw new Error("expected a Slack channel");
    const base = await serve(app);
    const core = await startRealCore(slack, DEFAULT_SLACK_TENANT);
    cleanups.push(() => core.stop());
    const body = JSON.stringify(
      eventCallback(directMessage("D0LATE", "1800000000.000300", "hi"), { eventId: "Ev3" }),
    );
    const response = await postSignedToSlackEndpoint(`${base}/slack/events`, SIGNING_SECRET, body);
    expect(response.status).toBe(500);
    expect(JSON.parse(response.text)).toMatchObject({ fix: "mount the Slack routes before any body parser" });
    // A 500 is one error line: what went wrong, no body, no secret.
    expect(errors).toEqual([
      [
        "slack request failed",
        { status: 500, problem: "body_already_read", method: "POST", path: "/slack/events" },
      ],
    ]);
  });
});
