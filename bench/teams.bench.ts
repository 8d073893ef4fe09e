import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTeamsAdapter } from "@lutingenie/adapter-teams";
import {
  FakeBotConnector,
  LocalTokenIssuer,
  LoopbackCredentialsFactory,
} from "@lutingenie/adapter-teams/testing";
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import express from "express";
import { startRealCore } from "../packages/adapter-slack/src/testing/real-core.js";
import { format, median, percentile } from "./stats.js";

const APP_ID = "6a1c0c35-5f2e-4a7e-9d3b-0c1d2e3f4a5b";
const APP_PASSWORD = "bench-app-password";
const TEAMS_TENANT = "b0a1c2d3-0000-4000-8000-00000000bench";

interface Run {
  activitiesPerSecond: number;
  ackMilliseconds: number[];
  replies: number;
  /** Bot Connector calls per activity (answers, typing indicators, token): the outbound work. */
  connectorCallsPerActivity: number;
}

/** A personal-chat message as Teams posts it to the bot, one conversation per customer. */
function personalMessage(serviceUrl: string, round: number, index: number, customers: number) {
  const customer = index % customers;
  return JSON.stringify({
    type: "message",
    id: `bench-${round}-${index}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: "msteams",
    from: {
      id: `29:customer-${round}-${customer}`,
      name: `Customer ${customer}`,
      aadObjectId: `aad-${customer}`,
    },
    conversation: {
      id: `a:personal-${round}-${customer}`,
      conversationType: "personal",
      tenantId: TEAMS_TENANT,
    },
    recipient: { id: `28:${APP_ID}`, name: "LutinGénie" },
    text: `Where is order ${index}?`,
    textFormat: "plain",
    locale: "en-US",
    channelData: { tenant: { id: TEAMS_TENANT } },
  });
}

/**
 * Authenticated activities (`activities` of them over `customers` personal chats) posted to `url`,
 * `concurrency` in flight (closed loop) or `perSecond` on schedule whatever the answers (open loop, as
 * Teams sends), until every reply is recorded at the fake connector.
 */
async function drive(
  url: string,
  issuer: LocalTokenIssuer,
  connector: FakeBotConnector,
  settled: () => Promise<void>,
  options: { activities: number; customers: number; concurrency: number; round: number; perSecond?: number },
): Promise<Run> {
  // One token for the run, as Teams reuses its token for an hour (signing one per request would measure RSA).
  const authorization = issuer.authorization({ aud: APP_ID, serviceurl: connector.serviceUrl });
  const bodies = Array.from({ length: options.activities }, (_, index) =>
    personalMessage(connector.serviceUrl, options.round, index, options.customers),
  );
  // Answers only: the adapter also sends typing indicators in personal chats, which are not replies.
  const replies = () => connector.posted().filter((posted) => posted.activity.type === "message").length;
  const before = replies();
  const ackMilliseconds: number[] = [];
  const send = async (body: string) => {
    const sent = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body,
    });
    await response.arrayBuffer();
    if (response.status !== 200 && response.status !== 201 && response.status !== 202)
      throw new Error(`endpoint answered ${response.status}`);
    ackMilliseconds.push(performance.now() - sent);
  };
  // Warm-up, not measured: botbuilder fetches the issuer's metadata and keys and the outbound token once,
  // and the JIT compiles the path; both apps get the same.
  const warmUp = Array.from({ length: 20 }, (_, index) =>
    personalMessage(connector.serviceUrl, options.round + 10_000, index, options.customers),
  );
  for (const body of warmUp) await send(body);
  await settled();
  const warmed = before + warmUp.length;
  const warmDeadline = performance.now() + 10_000;
  while (replies() < warmed && performance.now() < warmDeadline)
    await new Promise((resolve) => setTimeout(resolve, 2));
  ackMilliseconds.length = 0;
  const counted = replies();
  const callsBefore = connector.calls.length;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) await send(bodies[next++] as string);
  };
  if (options.perSecond === undefined) await Promise.all(Array.from({ length: options.concurrency }, worker));
  else {
    const sends: Promise<void>[] = [];
    for (let index = 0; index < bodies.length; index++) {
      const wait = started + (index * 1000) / options.perSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      sends.push(send(bodies[index] as string));
    }
    await Promise.all(sends);
  }
  await settled();
  const deadline = performance.now() + 60_000;
  while (replies() - counted < options.activities && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 2));
  const seconds = (performance.now() - started) / 1000;
  return {
    activitiesPerSecond: options.activities / seconds,
    ackMilliseconds,
    replies: replies() - counted,
    connectorCallsPerActivity: (connector.calls.length - callsBefore) / options.activities,
  };
}

/** botbuilder's inbound checks against the local issuer (all overrides set: ARCHITECTURE.md, Teams facts). */
function authenticationFor(issuer: LocalTokenIssuer, connector: FakeBotConnector) {
  return new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: "MultiTenant",
      ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
      ToBotFromChannelTokenIssuer: issuer.issuer,
      ToBotFromEmulatorOpenIdMetadataUrl: issuer.metadataUrl,
      ToChannelFromBotLoginUrl: connector.tokenUrl,
      ToChannelFromBotOAuthScope: "https://api.botframework.com",
      OAuthUrl: connector.serviceUrl,
      ValidateAuthority: false,
    } as ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0],
    new LoopbackCredentialsFactory({
      appId: APP_ID,
      appPassword: APP_PASSWORD,
      tokenUrl: connector.tokenUrl,
    }),
  );
}

/** The baseline: a bare CloudAdapter app on express (as botbuilder's samples are) answering a fixed text. */
async function startBareApp(
  issuer: LocalTokenIssuer,
  connector: FakeBotConnector,
): Promise<{ url: string; server: Server }> {
  const adapter = new CloudAdapter(authenticationFor(issuer, connector));
  adapter.onTurnError = async () => {};
  const app = express();
  app.post("/api/messages", express.json({ limit: "256kb" }), (request, response) => {
    adapter
      .process(request, response, async (context) => {
        if (context.activity.type === "message") await context.sendActivity("A fixed answer");
      })
      .catch(() => {
        if (!response.headersSent) response.status(500).end();
      });
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, server };
}

/** The Teams adapter with auth on against the local issuer, outbound to the fake, over a real Assistant. */
async function startAdapter(issuer: LocalTokenIssuer, connector: FakeBotConnector) {
  const adapter = createTeamsAdapter(
    {
      appId: APP_ID,
      appPassword: APP_PASSWORD,
      credentialsFactory: new LoopbackCredentialsFactory({
        appId: APP_ID,
        appPassword: APP_PASSWORD,
        tokenUrl: connector.tokenUrl,
      }),
      openIdMetadataUrl: issuer.metadataUrl,
      tokenIssuer: issuer.issuer,
      tenant: "default",
      port: 0,
      host: "127.0.0.1",
    },
    {},
  );
  const core = await startRealCore(adapter);
  return {
    url: `${adapter.url}${adapter.path}`,
    settled: async () => {
      await adapter.idle();
      await core.assistant.counter.idle();
    },
    stop: () => core.stop(),
  };
}

/**
 * The Teams adapter end to end (an authenticated activity → botbuilder's JWT validation against a local
 * issuer → the adapter's ack → the real Assistant and counter → the reply at a loopback fake Bot
 * Connector), against a bare CloudAdapter app answering a fixed text through the same fake, in the same
 * run.
 */
export async function teamsBenchmark(
  rounds = 3,
  activities = 2000,
  concurrency = 50,
  perSecond = 200,
): Promise<string[]> {
  type Load = { concurrency: number; perSecond?: number; activities: number };
  const run = async (which: "adapter" | "bare", load: Load, round: number): Promise<Run> => {
    const issuer = await LocalTokenIssuer.start();
    const connector = await FakeBotConnector.start({ appId: APP_ID, appPassword: APP_PASSWORD });
    try {
      if (which === "bare") {
        const bare = await startBareApp(issuer, connector);
        try {
          return await drive(bare.url, issuer, connector, async () => {}, { ...load, customers: 200, round });
        } finally {
          bare.server.closeAllConnections();
          await new Promise((resolve) => bare.server.close(resolve));
        }
      }
      const adapter = await startAdapter(issuer, connector);
      try {
        return await drive(adapter.url, issuer, connector, adapter.settled, {
          ...load,
          customers: 200,
          round,
        });
      } finally {
        await adapter.stop();
      }
    } finally {
      await connector.close();
      await issuer.close();
    }
  };
  const saturated: Load = { concurrency, activities };
  const steady: Load = { concurrency, activities: Math.min(activities, perSecond * 5), perSecond };
  const results = {
    adapterSaturated: [] as Run[],
    bareSaturated: [] as Run[],
    adapterSteady: [] as Run[],
    bareSteady: [] as Run[],
  };
  for (let round = 0; round < rounds; round++) {
    // Alternated so that drift of the machine touches both the same way.
    results.adapterSaturated.push(await run("adapter", saturated, round));
    results.bareSaturated.push(await run("bare", saturated, round));
    results.adapterSteady.push(await run("adapter", steady, round + 100));
    results.bareSteady.push(await run("bare", steady, round + 100));
  }
  const row = (name: string, load: string, runs: Run[], expected: number) =>
    `| ${name} | ${load} | ${format(median(runs.map((r) => r.activitiesPerSecond)))} | ${format(median(runs.map((r) => percentile(r.ackMilliseconds, 0.5))), 1)} | ${format(median(runs.map((r) => percentile(r.ackMilliseconds, 0.99))), 1)} | ${format(median(runs.map((r) => r.connectorCallsPerActivity)), 2)} | ${runs.every((r) => r.replies === expected) ? "yes" : "no"} |`;
  const ratio =
    median(results.adapterSaturated.map((r) => r.activitiesPerSecond)) /
    median(results.bareSaturated.map((r) => r.activitiesPerSecond));
  const steadyP99 = median(results.adapterSteady.map((r) => percentile(r.ackMilliseconds, 0.99)));
  const closed = `${format(activities)} activities, ${concurrency} in flight`;
  const open = `${format(steady.activities)} activities at ${perSecond}/s`;
  return [
    "## Teams adapter: authenticated activities in, replies out",
    "",
    `Personal-chat message activities over 200 chats, each with a channel token signed by a local OpenID/JWKS issuer (RS256; botbuilder validates issuer, audience, expiry, key and the serviceurl claim) → the adapter's /api/messages → the real Assistant and counter → the reply at a loopback fake Bot Connector (outbound tokens from its client_credentials endpoint), against a bare botbuilder CloudAdapter app answering a fixed text through the same fake, with the same auth, in the same run (load generator, servers and fakes share one process). Saturated: ${closed}, throughput counted until the last reply is recorded. Steady: ${open}, sent on schedule whatever the answers (as Teams does). Median of ${rounds} rounds. Targets: ≥ 70 % of the bare app's throughput; ack p99 < 50 ms at ${perSecond}/s.`,
    "",
    "| app | load | activities/s | ack p50 (ms) | ack p99 (ms) | connector calls per activity | every activity answered |",
    "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    row("Teams adapter + real core", closed, results.adapterSaturated, activities),
    row("bare CloudAdapter app (baseline)", closed, results.bareSaturated, activities),
    row("Teams adapter + real core", open, results.adapterSteady, steady.activities),
    row("bare CloudAdapter app (baseline)", open, results.bareSteady, steady.activities),
    "",
    `Saturated, the adapter's throughput is ${format(ratio * 100)} % of the bare app's (target ≥ 70 %: ${ratio >= 0.7 ? "met" : "not met"}); at ${perSecond}/s its ack p99 is ${format(steadyP99, 1)} ms (target < 50 ms: ${steadyP99 < 50 ? "met" : "not met"}). The bare app answers inside the request (botbuilder's process() holds the HTTP response until the turn ends); the adapter acknowledges first and answers after, so its ack time is what its turns leave of the one event loop it shares with the load generator and the fakes, and each of its activities takes a pass through core (de-duplication, counting, the assistant). A quick answer is one connector call: the typing indicator is sent only when an answer takes longer than typingDelayMs (400 ms).`,
  ];
}
