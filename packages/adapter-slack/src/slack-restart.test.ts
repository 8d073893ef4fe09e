import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ACCEPT_ACTION, CLOSE_ACTION } from "./agent-blocks.js";
import { STATE_FILE_NAME } from "./slack-state.js";
import {
  AGENTS_CHANNEL,
  ANA,
  BRUNO,
  buttonsOf,
  CUSTOMER_DM,
  type SlackWorld,
  startSlackRuntime,
  textOf,
} from "./testing/slack-runtime.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const AGENTS = [
  { id: ANA, name: "Ana" },
  { id: BRUNO, name: "Bruno" },
];

/** A server on `dataDir`; with `before`, the restart of that one (same Slack, same core stores). */
async function serve(dataDir: string, before?: SlackWorld): Promise<SlackWorld> {
  const world = await startSlackRuntime({
    agents: AGENTS,
    adapter: { dataDir },
    ...(before === undefined ? {} : { restartOf: before }),
  });
  cleanups.push(() => world.stopServer());
  return world;
}

const rootPostsInAgentsChannel = (w: SlackWorld) =>
  w.fake.posts().filter((post) => post.channel === AGENTS_CHANNEL && post.thread_ts === undefined);
const toCustomer = (w: SlackWorld) =>
  w.fake
    .posts()
    .filter((post) => post.channel === CUSTOMER_DM)
    .map((post) => post.text);

describe("Slack adapter restarted on the same data directory", () => {
  it("keeps which message is which handoff (Accept and Close update it, its thread still relays) and who said available or away", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-slack-restart-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await serve(dataDir);
    cleanups.push(() => first.fake.close());
    await first.command(ANA, "available");
    await first.command(BRUNO, "away");
    await first.customerSays("I want to talk to a human, my parcel never arrived");
    const [request] = rootPostsInAgentsChannel(first);
    const handoffId = buttonsOf(request?.blocks).find(([action]) => action === ACCEPT_ACTION)?.[1] ?? "";
    expect(handoffId).not.toBe("");
    await first.stopServer();
    // What it keeps holds what customers wrote: readable by the server's user only.
    expect((await stat(join(dataDir, STATE_FILE_NAME))).mode & 0o777).toBe(0o600);

    const second = await serve(dataDir, first);
    // Presence as declared, without anyone typing /lutin again: Ana is online for core at once.
    expect((await second.command(ANA, "status")).text).toBe("You are available.");
    expect((await second.command(BRUNO, "status")).text).toBe("You are away.");
    const ana = (await second.runtime.escalation.agentsOf(second.tenantId)).find((agent) => agent.id === ANA);
    expect(ana).toMatchObject({ isOnline: true, isActive: true });

    // Accept redraws the same message (chat.update on its ts), no second request is posted.
    const updatesBefore = second.fake.callsOf("chat.update").length;
    await second.click(ANA, ACCEPT_ACTION, handoffId, AGENTS_CHANNEL, request?.ts ?? "");
    const accepted = second.fake.callsOf("chat.update").slice(updatesBefore);
    expect(accepted.map((call) => call.args.ts)).toContain(request?.ts);
    expect(textOf(accepted.at(-1)?.args.blocks)).toMatch(/Taken by <@U0ANA>/);
    expect(rootPostsInAgentsChannel(second)).toHaveLength(1);

    // The old thread still relays both ways.
    await second.agentWritesInThread(ANA, request?.ts ?? "", "Hi, Ana here, I'm on it");
    expect(toCustomer(second).at(-1)).toBe("Hi, Ana here, I'm on it");
    await second.customerSays("Thanks! Order 1234");
    expect(second.fake.posts().at(-1)).toMatchObject({
      channel: AGENTS_CHANNEL,
      thread_ts: request?.ts,
      text: "Customer: Thanks! Order 1234",
    });

    await second.click(ANA, CLOSE_ACTION, handoffId, AGENTS_CHANNEL, request?.ts ?? "");
    const closed = second.fake.callsOf("chat.update").at(-1);
    expect(closed?.args.ts).toBe(request?.ts);
    expect(textOf(closed?.args.blocks)).toMatch(/Closed by <@U0ANA>/);
    expect(rootPostsInAgentsChannel(second)).toHaveLength(1);
    expect(await second.usage()).toEqual({ ai: 0, human: 1 });
  });
});
