import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createLutinRuntime,
  createMemoryEscalationStore,
  createMemoryStore,
  DEMO_TENANT_FILE,
  loadTenantFile,
} from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import type { SlackAdapterConfig } from "./config.js";
import {
  createMemorySlackInstallations,
  INSTALLATIONS_FILE_NAME,
  openFileSlackInstallations,
  type SlackInstallations,
} from "./installations.js";
import {
  BOT_SCOPES,
  createSlackAdapter,
  INSTALL_PATH,
  OAUTH_REDIRECT_PATH,
  type SlackAdapter,
} from "./slack-adapter.js";
import { FakeSlack, type OAuthGrant } from "./testing/fake-slack.js";
import { startRealCore } from "./testing/real-core.js";
import { directMessage, eventCallback } from "./testing/slack-events.js";
import { slashCommand } from "./testing/slack-interactions.js";
import { postSignedToSlackEndpoint } from "./testing/slack-signature.js";

const SIGNING_SECRET = "oauth-test-signing-secret";
const CLIENT = {
  clientId: "111.222",
  clientSecret: "oauth-client-secret",
  stateSecret: "state-secret-long-enough",
};
const OTHER: OAuthGrant = {
  code: "code-other",
  ...{ clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret },
  teamId: "T0OTHER",
  teamName: "Other Co",
  botToken: "xoxb-other-workspace",
  botUserId: "U0OTHERBOT",
  botId: "B0OTHER",
};

let sequence = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, "0")}`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  store: SlackInstallations | { dataDir: string },
  fake?: FakeSlack,
  extra: Partial<SlackAdapterConfig> = {},
) {
  // The fake's own bot token belongs to no installed workspace here: only OAuth grants count.
  const slack = fake ?? (await FakeSlack.start({ botToken: "xoxb-not-used" }));
  if (fake === undefined) slack.grant(OTHER);
  const adapter: SlackAdapter = createSlackAdapter({
    ...CLIENT,
    signingSecret: SIGNING_SECRET,
    ...("dataDir" in store ? { dataDir: store.dataDir } : { installations: store }),
    port: 0,
    host: "127.0.0.1",
    slackApiUrl: slack.url,
    ...extra,
  });
  const core = await startRealCore(adapter, OTHER.teamId);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await core.stop();
  };
  cleanups.push(async () => {
    await stop();
    if (fake === undefined) await slack.close();
  });
  return { fake: slack, adapter, core, stop };
}

/** What an admin's browser does: open the install page, follow Slack's redirect back with the code. */
async function install(adapter: SlackAdapter, code: string) {
  const page = await fetch(`${adapter.url}${INSTALL_PATH}`, { redirect: "manual" });
  // Straight to Slack's consent screen, with our client id, the bot scopes and a signed state.
  expect(page.status).toBe(302);
  const authorize = new URL(page.headers.get("location") ?? "");
  expect(authorize.pathname).toBe("/oauth/v2/authorize");
  expect(authorize.searchParams.get("client_id")).toBe(CLIENT.clientId);
  expect(authorize.searchParams.get("scope")?.split(",")).toEqual(expect.arrayContaining(BOT_SCOPES));
  const state = authorize.searchParams.get("state");
  expect(state).toBeTruthy();
  // The state is also in a cookie: the callback must come back to the browser that started the install.
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  expect(cookie).toContain(state);
  return fetch(`${adapter.url}${OAUTH_REDIRECT_PATH}?code=${code}&state=${encodeURIComponent(state ?? "")}`, {
    headers: { cookie },
  });
}

/** A DM from the installed workspace, signed as Slack signs it. */
async function directMessageFrom(adapter: SlackAdapter, teamId: string, eventId: string, ts: string) {
  const body = JSON.stringify(eventCallback(directMessage(`D0${teamId}`, ts, "hello"), { eventId, teamId }));
  const response = await postSignedToSlackEndpoint(`${adapter.url}/slack/events`, SIGNING_SECRET, body);
  await adapter.idle();
  return response;
}

describe("Slack multi-workspace OAuth install", () => {
  it("exchanges the code with oauth.v2.access, stores the installation, and answers that team's events as tenant = team id with its own token", async () => {
    const installations = createMemorySlackInstallations();
    const installed: unknown[] = [];
    const { fake, adapter, core } = await start(installations, undefined, {
      onInstalled: (workspace) => void installed.push(workspace),
    });
    expect(adapter.workspaceMode).toBe("multi");

    const callback = await install(adapter, OTHER.code);
    expect(callback.status).toBe(200);
    // The admin is told the one step left: choosing the agents' channel.
    expect(await callback.text()).toMatch(/Other Co.*\/lutin agents-channel/s);
    const exchange = fake.callsOf("oauth.v2.access");
    expect(exchange).toHaveLength(1);
    expect(exchange[0]?.args).toMatchObject({ client_id: CLIENT.clientId, code: OTHER.code });
    expect(installations.get(OTHER.teamId)?.installation.bot).toMatchObject({
      token: OTHER.botToken,
      userId: OTHER.botUserId,
    });
    // The host heard of it first (to create the tenant).
    expect(installed).toEqual([
      {
        tenant: OTHER.teamId,
        teamId: OTHER.teamId,
        teamName: "Other Co",
        enterpriseId: null,
        isEnterpriseInstall: false,
        installerUserId: "U0ADMIN", // Slack's authed_user: the workspace's first agent
      },
    ]);

    expect((await directMessageFrom(adapter, OTHER.teamId, "EvOther1", "1800000000.000100")).status).toBe(
      200,
    );
    const reply = fake.calls.find((call) => call.method === "chat.postMessage");
    expect(reply?.args.channel).toBe(`D0${OTHER.teamId}`);
    expect(reply?.token).toBe(OTHER.botToken); // the Authorization header the fake API saw
    const conversations = await core.conversations(); // listed for tenant T0OTHER
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ tenant: OTHER.teamId, channel: "slack" });
  });

  it("keeps an OAuth installation in the data directory: after a restart, that team is still answered", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-slack-oauth-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await start({ dataDir });
    expect((await install(first.adapter, OTHER.code)).status).toBe(200);
    await first.stop();

    // A new process: same data directory, same Slack; no OAuth exchange this time.
    const second = await start({ dataDir }, first.fake);
    expect(
      (await directMessageFrom(second.adapter, OTHER.teamId, "EvAfter", "1800000001.000100")).status,
    ).toBe(200);
    expect(first.fake.callsOf("oauth.v2.access")).toHaveLength(1);
    const reply = first.fake.callsOf("chat.postMessage").at(-1);
    expect(reply?.token).toBe(OTHER.botToken);
    expect(await second.core.conversations()).toHaveLength(1);
  });

  it("an org-wide (Enterprise Grid) install is one tenant named by the enterprise id, for every workspace of the org", async () => {
    const ORG: OAuthGrant = {
      ...OTHER,
      code: "code-org",
      teamId: "",
      teamName: "Grid Org",
      botToken: "xoxb-org-wide",
      enterpriseId: "E0GRID",
    };
    const fake = await FakeSlack.start({ botToken: "xoxb-not-used" });
    cleanups.push(() => fake.close());
    fake.grant(ORG);
    const installations = createMemorySlackInstallations();
    const adapter: SlackAdapter = createSlackAdapter({
      ...CLIENT,
      signingSecret: SIGNING_SECRET,
      installations,
      port: 0,
      host: "127.0.0.1",
      slackApiUrl: fake.url,
    });
    const core = await startRealCore(adapter, ORG.enterpriseId);
    cleanups.push(() => core.stop());
    expect((await install(adapter, ORG.code)).status).toBe(200);
    expect(installations.get("E0GRID")).toMatchObject({
      tenant: "E0GRID",
      enterpriseId: "E0GRID",
      isEnterpriseInstall: true,
      teamId: null,
    });

    // Two workspaces of the org write: both are the org's tenant, answered with the org's token.
    for (const [teamId, eventId, ts] of [
      ["T0GRIDA", "EvGridA", "1800000002.000100"],
      ["T0GRIDB", "EvGridB", "1800000002.000200"],
    ] as const) {
      const body = JSON.stringify(
        eventCallback(directMessage(`D0${teamId}`, ts, "hello"), { eventId, teamId, enterpriseId: "E0GRID" }),
      );
      expect(
        (await postSignedToSlackEndpoint(`${adapter.url}/slack/events`, SIGNING_SECRET, body)).status,
      ).toBe(200);
    }
    await adapter.idle();
    const replies = fake.callsOf("chat.postMessage");
    expect(replies.map((call) => [call.args.channel, call.token])).toEqual([
      ["D0T0GRIDA", ORG.botToken],
      ["D0T0GRIDB", ORG.botToken],
    ]);
    const conversations = await core.conversations();
    expect(conversations.map((conversation) => conversation.tenant)).toEqual(["E0GRID", "E0GRID"]);
  });

  it("forgets a workspace that uninstalls the app (app_uninstalled): its later events are not answered", async () => {
    const installations = createMemorySlackInstallations();
    const { adapter, fake } = await start(installations);
    await install(adapter, OTHER.code);
    const uninstalled = JSON.stringify(
      eventCallback(
        { type: "app_uninstalled", event_ts: "1800000003.000000" },
        {
          eventId: "EvUninstall",
          teamId: OTHER.teamId,
        },
      ),
    );
    expect(
      (await postSignedToSlackEndpoint(`${adapter.url}/slack/events`, SIGNING_SECRET, uninstalled)).status,
    ).toBe(200);
    await adapter.idle();
    expect(installations.get(OTHER.teamId)).toBeUndefined();
    await directMessageFrom(adapter, OTHER.teamId, "EvAfterUninstall", "1800000003.000100");
    expect(fake.callsOf("chat.postMessage")).toEqual([]);
  });

  it("ignores events from a workspace that never installed the app", async () => {
    const { fake, adapter } = await start(createMemorySlackInstallations());
    const body = JSON.stringify(
      eventCallback(directMessage("D0NOPE", "1800000000.000200", "hello"), {
        eventId: "EvNope",
        teamId: "T0NOPE",
      }),
    );
    await postSignedToSlackEndpoint(`${adapter.url}/slack/events`, SIGNING_SECRET, body);
    await adapter.idle();
    expect(fake.callsOf("chat.postMessage")).toEqual([]);
  });

  it("refuses a forged state with a clear page and stores nothing; a refused code likewise", async () => {
    const installations = createMemorySlackInstallations();
    const { adapter, fake } = await start(installations);
    const forged = await fetch(`${adapter.url}${OAUTH_REDIRECT_PATH}?code=${OTHER.code}&state=forged`);
    expect(forged.status).toBe(400);
    expect(forged.headers.get("content-type")).toMatch(/text\/html/);
    expect(await forged.text()).toMatch(/not valid.*Nothing was installed.*\/slack\/install/s);
    expect(fake.callsOf("oauth.v2.access")).toEqual([]); // the code was never even exchanged
    expect(installations.list()).toEqual([]);

    const refused = await install(adapter, "code-unknown");
    expect(refused.status).toBe(502);
    expect(await refused.text()).toMatch(/Nothing was installed.*SLACK_CLIENT_SECRET/s);
    expect(installations.list()).toEqual([]);
  });

  it("an install the host cannot take (onInstalled throws) or the admin cancels in Slack stores nothing and says so", async () => {
    const installations = createMemorySlackInstallations();
    const { adapter } = await start(installations, undefined, {
      onInstalled: () => {
        throw new Error("tenant store is read-only");
      },
    });
    const failed = await install(adapter, OTHER.code);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toMatch(/could not be saved.*log says why.*Nothing was installed/s);
    expect(installations.list()).toEqual([]);

    const cancelled = await fetch(`${adapter.url}${OAUTH_REDIRECT_PATH}?error=access_denied&state=whatever`);
    expect(cancelled.status).toBe(400);
    expect(await cancelled.text()).toMatch(/cancelled or refused in Slack/);
  });

  it("/lutin agents-channel and /lutin follow-up-channel set the workspace's channels", async () => {
    const installations = createMemorySlackInstallations();
    const { adapter, fake } = await start(installations);
    await install(adapter, OTHER.code);
    const handoff = {
      kind: "handoff_requested" as const,
      tenant: OTHER.teamId,
      key: "h1:requested:0",
      ref: "h1",
      agents: [],
      text: "New normal request",
      fields: { priority: "normal" },
    };
    // Before the workspace chose its channel, a post is refused with the fix, not lost silently.
    expect(await adapter.agents?.post(handoff)).toMatchObject({
      ok: false,
      detail: /\/lutin agents-channel/,
    });
    const url = `${adapter.url}/slack/events`;
    const answer = await slashCommand(url, SIGNING_SECRET, {
      text: "agents-channel",
      user: "U0ADMIN",
      channel: "C0OTHERAGENTS",
      teamId: OTHER.teamId,
    });
    expect(answer.text).toMatch(/<#C0OTHERAGENTS>/);
    await slashCommand(url, SIGNING_SECRET, {
      text: "follow-up-channel",
      user: "U0ADMIN",
      channel: "C0OTHERTASKS",
      teamId: OTHER.teamId,
    });
    expect(installations.get(OTHER.teamId)).toMatchObject({
      agentsChannel: "C0OTHERAGENTS",
      followUpChannel: "C0OTHERTASKS",
    });
    expect(await adapter.agents?.post(handoff)).toMatchObject({ ok: true });
    const posted = fake.callsOf("chat.postMessage").at(-1);
    expect(posted?.args.channel).toBe("C0OTHERAGENTS");
    expect(posted?.token).toBe(OTHER.botToken);
  });

  it("agents of an OAuth workspace: the installer from the install on; whoever says /lutin available in the agents' channel the installer chose; nobody else", async () => {
    const fake = await FakeSlack.start({ botToken: "xoxb-not-used" });
    cleanups.push(() => fake.close());
    fake.grant(OTHER);
    fake.user("U0ADMIN", "Alice Admin");
    fake.user("U0MARC", "Marc");
    // The host as `lutin serve` wires it: the install creates the tenant, Escalation holds the agents.
    const demo = await loadTenantFile(DEMO_TENANT_FILE);
    const runtime = await createLutinRuntime({
      store: createMemoryStore(),
      tenants: [],
      escalationStore: createMemoryEscalationStore(),
      enchantments: ["escalation"],
    });
    const adapter = createSlackAdapter({
      ...CLIENT,
      signingSecret: SIGNING_SECRET,
      installations: createMemorySlackInstallations(),
      port: 0,
      host: "127.0.0.1",
      slackApiUrl: fake.url,
      onInstalled: (workspace) =>
        runtime.addTenant({
          ...demo,
          settings: { ...demo.settings, id: workspace.tenant, businessHours: undefined },
          agents: [],
        }),
      agentDirectory: runtime.escalation,
    });
    await runtime.assistant.start([adapter]);
    cleanups.push(async () => {
      await runtime.assistant.stop();
      await runtime.escalation.stop();
    });
    const agents = async () =>
      (await runtime.escalation.agentsOf(OTHER.teamId)).map((agent) => [
        agent.id,
        agent.name,
        agent.isOnline,
      ]);
    const url = `${adapter.url}/slack/events`;
    const lutin = async (user: string, text: string, channel: string) => {
      const answer = await slashCommand(url, SIGNING_SECRET, { text, user, channel, teamId: OTHER.teamId });
      await adapter.idle();
      return answer.text;
    };

    expect((await install(adapter, OTHER.code)).status).toBe(200);
    // The installing admin is the workspace's first agent, under their Slack name.
    expect(await agents()).toEqual([["U0ADMIN", "Alice Admin", false]]);

    // Choosing the agents' channel decides who can enrol: the installer's call, nobody else's.
    expect(await lutin("U0MARC", "agents-channel", "C0MARCS")).toMatch(/Only the person who installed/);
    expect(await lutin("U0ADMIN", "agents-channel", "C0SUPPORT")).toMatch(/<#C0SUPPORT>/);

    // Marc elsewhere is not an agent; in the agents' channel he becomes one and is available.
    expect(await lutin("U0MARC", "available", "C0GENERAL")).toMatch(/cannot be made available.*not an agent/);
    expect(await lutin("U0MARC", "available", "C0SUPPORT")).toMatch(/You are available/);
    // The installer says it from anywhere (here a DM with the bot).
    expect(await lutin("U0ADMIN", "available", "D0ADMIN")).toMatch(/You are available/);
    expect(await agents()).toEqual([
      ["U0ADMIN", "Alice Admin", true],
      ["U0MARC", "Marc", true],
    ]);

    // And they get the workspace's handoffs, in its agents' channel.
    const body = JSON.stringify(
      eventCallback(directMessage("D0CUST", nextTs(), "I want to talk to a human"), {
        eventId: "EvHuman",
        teamId: OTHER.teamId,
      }),
    );
    expect((await postSignedToSlackEndpoint(url, SIGNING_SECRET, body)).status).toBe(200);
    await adapter.idle();
    const [request] = await runtime.escalation.listHandoffs(OTHER.teamId);
    expect(request?.candidates.sort()).toEqual(["U0ADMIN", "U0MARC"]);
    expect(fake.callsOf("chat.postMessage").some((call) => call.args.channel === "C0SUPPORT")).toBe(true);
  });

  it("keeps installations in slack-installations.json across a restart; a reinstall keeps the chosen channels", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-slack-installations-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await openFileSlackInstallations({ dataDir });
    const installation = {
      team: { id: "T0FILE", name: "File Co" },
      enterprise: undefined,
      user: { id: "U0ADMIN", token: undefined, scopes: undefined },
      bot: { token: "xoxb-file", scopes: ["chat:write"], id: "B0FILE", userId: "U0FILEBOT" },
      isEnterpriseInstall: false,
    };
    await first.boltStore.storeInstallation(installation);
    await first.setChannel("T0FILE", "agentsChannel", "C0FILEAGENTS");
    const file = join(dataDir, INSTALLATIONS_FILE_NAME);
    const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
    // Bot tokens inside: readable by the server's user only, from the first write (it was 0644).
    expect(await modeOf(`${file}.journal`)).toBe(0o600);
    await first.close();
    expect(JSON.parse(await readFile(file, "utf8")).format).toBe("lutingenie-slack-installations");
    expect(await modeOf(file)).toBe(0o600);
    // A file an older version left readable by everyone is narrowed when it is opened.
    await chmod(file, 0o644);

    const second = await openFileSlackInstallations({ dataDir });
    expect(await modeOf(file)).toBe(0o600);
    expect(
      await second.boltStore.fetchInstallation({
        teamId: "T0FILE",
        enterpriseId: undefined,
        isEnterpriseInstall: false,
      }),
    ).toMatchObject({
      bot: { token: "xoxb-file" },
    });
    await second.boltStore.storeInstallation({
      ...installation,
      bot: { ...installation.bot, token: "xoxb-new" },
    });
    expect(second.get("T0FILE")).toMatchObject({ agentsChannel: "C0FILEAGENTS" });
    await expect(
      second.boltStore.fetchInstallation({
        teamId: "T0ELSE",
        enterpriseId: undefined,
        isEnterpriseInstall: false,
      }),
    ).rejects.toThrow(/not installed/);
    await second.close();
  });

  it("says what is missing for multi-workspace mode", () => {
    expect(() => createSlackAdapter({ clientId: "1.2", signingSecret: "s" })).toThrow(
      /clientSecret: is required.*stateSecret: is required.*installations: pass/s,
    );
  });
});
