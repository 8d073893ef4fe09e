import type { AddressInfo } from "node:net";
import { createSlackAdapter } from "@lutingenie/adapter-slack";
import { App, type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import { FakeSlack } from "../packages/adapter-slack/src/testing/fake-slack.js";
import { startRealCore } from "../packages/adapter-slack/src/testing/real-core.js";
import { directMessage, eventCallback } from "../packages/adapter-slack/src/testing/slack-events.js";
import { postSignedToSlackEndpoint } from "../packages/adapter-slack/src/testing/slack-signature.js";
import { format, median, percentile } from "./stats.js";

const BOT_TOKEN = "xoxb-bench";
const SIGNING_SECRET = "bench-signing-secret-0123456789";

interface Run {
  eventsPerSecond: number;
  ackMilliseconds: number[];
  replies: number;
}

/** Signed DMs (`events` of them over `channels` DM channels), `concurrency` in flight, until every reply is at the fake API. */
async function drive(
  url: string,
  fake: FakeSlack,
  settled: () => Promise<void>,
  options: { events: number; channels: number; concurrency: number; round: number; perSecond?: number },
): Promise<Run> {
  const base = Math.floor(Date.now() / 1000);
  const bodies = Array.from({ length: options.events }, (_, index) =>
    JSON.stringify(
      eventCallback(
        directMessage(
          `D${options.round}R${index % options.channels}`,
          `${base}.${String(index).padStart(6, "0")}`,
          `Where is order ${index}?`,
        ),
        { eventId: `Ev-${options.round}-${index}` },
      ),
    ),
  );
  const ackMilliseconds: number[] = [];
  const before = fake.posts().length;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const response = await postSignedToSlackEndpoint(url, SIGNING_SECRET, body);
      if (response.status !== 200) throw new Error(`endpoint answered ${response.status}`);
      ackMilliseconds.push(response.milliseconds);
    }
  };
  // Paced: one request every 1/perSecond s whatever the answers, as Slack sends (open loop); else closed loop.
  const paced = async (perSecond: number) => {
    const sends: Promise<void>[] = [];
    for (let index = 0; index < bodies.length; index++) {
      const due = started + (index * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      sends.push(
        postSignedToSlackEndpoint(url, SIGNING_SECRET, bodies[index] as string).then((response) => {
          if (response.status !== 200) throw new Error(`endpoint answered ${response.status}`);
          ackMilliseconds.push(response.milliseconds);
        }),
      );
    }
    await Promise.all(sends);
  };
  if (options.perSecond === undefined) await Promise.all(Array.from({ length: options.concurrency }, worker));
  else await paced(options.perSecond);
  await settled();
  while (fake.posts().length - before < options.events)
    await new Promise((resolve) => setTimeout(resolve, 2));
  const seconds = (performance.now() - started) / 1000;
  return {
    eventsPerSecond: options.events / seconds,
    ackMilliseconds,
    replies: fake.posts().length - before,
  };
}

const quietBolt: BoltLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/**
 * The Slack adapter end to end (signed Events API request → Bolt HTTP receiver → real Assistant and
 * counter → chat.postMessage at a loopback fake Web API), against a bare Bolt app that answers every
 * message with a fixed text through the same fake, in the same run.
 */
export async function slackBenchmark(
  rounds = 3,
  events = 2000,
  concurrency = 50,
  perSecond = 200,
): Promise<string[]> {
  type Load = { concurrency: number; perSecond?: number; events: number };
  const runAdapter = async (load: Load, round: number): Promise<Run> => {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
    const adapter = createSlackAdapter({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      port: 0,
      host: "127.0.0.1",
      slackApiUrl: fake.url,
    });
    const core = await startRealCore(adapter);
    try {
      return await drive(
        `${adapter.url}/slack/events`,
        fake,
        async () => {
          await adapter.idle();
          await core.assistant.counter.idle();
        },
        { ...load, channels: 200, round },
      );
    } finally {
      await core.stop();
      await fake.close();
    }
  };
  const runBare = async (load: Load, round: number): Promise<Run> => {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
    const app = new App({
      token: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      processBeforeResponse: false,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
      logger: quietBolt,
      botUserId: "U0LUTIN",
      botId: "B0LUTIN",
      tokenVerificationEnabled: false,
    });
    app.event("message", async ({ event, client }) => {
      if ("channel" in event)
        await client.chat.postMessage({ channel: event.channel, text: "A fixed answer" });
    });
    const server = await app.start({ port: 0, host: "127.0.0.1" });
    const port = (server.address() as AddressInfo).port;
    try {
      return await drive(`http://127.0.0.1:${port}/slack/events`, fake, async () => {}, {
        ...load,
        channels: 200,
        round,
      });
    } finally {
      await app.stop();
      await fake.close();
    }
  };
  const saturated: Load = { concurrency, events };
  const steady: Load = { concurrency, events: Math.min(events, perSecond * 5), perSecond };
  const results = {
    adapterSaturated: [] as Run[],
    bareSaturated: [] as Run[],
    adapterSteady: [] as Run[],
    bareSteady: [] as Run[],
  };
  for (let round = 0; round < rounds; round++) {
    // Alternated so that drift of the machine touches both the same way.
    results.adapterSaturated.push(await runAdapter(saturated, round));
    results.bareSaturated.push(await runBare(saturated, round));
    results.adapterSteady.push(await runAdapter(steady, round + 100));
    results.bareSteady.push(await runBare(steady, round + 100));
  }
  const row = (name: string, load: string, runs: Run[], expected: number) =>
    `| ${name} | ${load} | ${format(median(runs.map((run) => run.eventsPerSecond)))} | ${format(median(runs.map((run) => percentile(run.ackMilliseconds, 0.5))), 1)} | ${format(median(runs.map((run) => percentile(run.ackMilliseconds, 0.99))), 1)} | ${runs.every((run) => run.replies === expected) ? "yes" : "no"} |`;
  const ratio =
    median(results.adapterSaturated.map((run) => run.eventsPerSecond)) /
    median(results.bareSaturated.map((run) => run.eventsPerSecond));
  const closed = `${format(events)} events, ${concurrency} in flight`;
  const open = `${format(steady.events)} events at ${perSecond}/s`;
  return [
    "## Slack adapter: signed events in, replies out",
    "",
    `Signed DM events over 200 DM channels → the adapter's Bolt HTTP receiver → the real Assistant and counter → chat.postMessage at a loopback fake Web API, against a bare Bolt app answering a fixed text through the same fake, in the same run (load generator, server and fake share one process). Saturated: ${closed}, throughput counted until the last reply is recorded. Steady: ${open}, sent on schedule whatever the answers (as Slack does). Median of ${rounds} rounds. Targets: ≥ 50 % of the bare app's throughput; ack p99 < 50 ms.`,
    "",
    "| app | load | events/s | ack p50 (ms) | ack p99 (ms) | every event answered |",
    "| --- | --- | ---: | ---: | ---: | --- |",
    row("Slack adapter + real core", closed, results.adapterSaturated, events),
    row("bare Bolt app (baseline)", closed, results.bareSaturated, events),
    row("Slack adapter + real core", open, results.adapterSteady, steady.events),
    row("bare Bolt app (baseline)", open, results.bareSteady, steady.events),
    "",
    `Saturated, the adapter's throughput is ${format(ratio * 100)} % of the bare app's. Under saturation the ack time is mostly queueing behind ${concurrency} requests in flight (Little's law), for both apps; the steady rows show the ack time at a realistic rate.`,
  ];
}
