import { ManualClock } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { AVAILABLE_ACTION, AWAY_ACTION } from "./agent-blocks.js";
import { PresenceKeeper } from "./presence-keeper.js";
import { createMemorySlackState } from "./slack-state.js";
import {
  AGENTS_CHANNEL,
  ANA,
  BRUNO,
  buttonsOf,
  CAROL,
  type SlackWorld,
  slackRuntimePerTest,
  textOf,
} from "./testing/slack-runtime.js";

const start = slackRuntimePerTest();

async function presenceOf(w: SlackWorld, agent: string) {
  const found = (await w.runtime.escalation.agentsOf(w.tenantId)).find((candidate) => candidate.id === agent);
  return { isOnline: found?.isOnline, isActive: found?.isActive };
}

describe("Slack agents: presence", () => {
  it("/lutin available and /lutin away set the guide's isOnline and isActive; the keeper outlives core's 90 s expiry", async () => {
    const clock = new ManualClock(Date.now());
    const w = await start({
      clock,
      agents: [
        { id: ANA, name: "Ana" },
        { id: BRUNO, name: "Bruno" },
        { id: CAROL, name: "Carol" },
      ],
    });
    expect(await presenceOf(w, ANA)).toEqual({ isOnline: false, isActive: true });

    const available = await w.command(ANA, "available");
    expect(available.status).toBe(200);
    expect(available.text).toMatch(/You are available/);
    await w.command(BRUNO, "available");
    expect(await presenceOf(w, ANA)).toEqual({ isOnline: true, isActive: true });

    const away = await w.command(BRUNO, "away");
    expect(away.text).toMatch(/You are away/);
    expect(await presenceOf(w, BRUNO)).toEqual({ isOnline: false, isActive: false });
    expect((await w.command(BRUNO, "status")).text).toBe("You are away.");

    // Carol reports presence once and never again (what a crashed client does): core forgets her.
    await w.runtime.escalation.reportPresence(w.tenantId, CAROL, { isOnline: true, via: "web" });
    clock.advance(61_000);
    await w.adapter.refreshPresence();
    clock.advance(61_000);
    expect(await presenceOf(w, ANA)).toEqual({ isOnline: true, isActive: true });
    expect(await presenceOf(w, CAROL)).toMatchObject({ isOnline: false });
    expect(await presenceOf(w, BRUNO)).toEqual({ isOnline: false, isActive: false });

    // And the refreshed agent is the one a customer is offered to.
    await w.customerSays("I want to talk to a human");
    const [request] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(request?.candidates).toEqual([ANA]);
  });

  it("someone who is not one of the tenant's agents is told so, with the fix, and is never offered a handoff", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    const refused = await w.command("U0STRANGER", "available");
    expect(refused.status).toBe(200);
    expect(refused.text).toMatch(/^You cannot be made available: U0STRANGER is not an agent of .*agents/);
    expect((await w.command("U0STRANGER", "status")).text).toMatch(/not set yourself available/);
    await w.adapter.refreshPresence();
    await w.customerSays("I want to talk to a human");
    expect(await w.runtime.escalation.listHandoffs(w.tenantId)).toEqual([]);
  });

  it("an agent who says away hands the held conversation back to the queue", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    await w.command(ANA, "available");
    await w.customerSays("I want to talk to a human");
    const [request] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(request?.status).toBe("pending");
    await w.command(ANA, "away");
    const [after] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(after?.status).toBe("follow_up"); // nobody else is available: a follow-up task
    expect(textOf(w.fake.callsOf("chat.update").at(-1)?.args.blocks)).toMatch(/became a follow-up task/);
  });

  it("the App Home shows the agent's presence and its buttons switch it", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    await w.sendEvent({
      type: "app_home_opened",
      user: ANA,
      channel: "D0HOME",
      tab: "home",
      event_ts: "1.1",
    });
    const first = w.fake.callsOf("views.publish").at(-1);
    expect(first?.args.user_id).toBe(ANA);
    const view = JSON.parse(String(first?.args.view)) as { blocks: unknown };
    expect(buttonsOf(view.blocks).map(([action]) => action)).toEqual([AVAILABLE_ACTION, AWAY_ACTION]);
    expect(textOf(view.blocks)).toMatch(/Set yourself available/);

    await w.click(ANA, AVAILABLE_ACTION, "available", "D0HOME", "1.1");
    expect(await presenceOf(w, ANA)).toEqual({ isOnline: true, isActive: true });
    expect(textOf(JSON.parse(String(w.fake.callsOf("views.publish").at(-1)?.args.view)).blocks)).toMatch(
      /You are available/,
    );
    await w.click(ANA, AWAY_ACTION, "away", "D0HOME", "1.1");
    expect(await presenceOf(w, ANA)).toEqual({ isOnline: false, isActive: false });
    expect(w.fake.posts().filter((post) => post.channel === AGENTS_CHANNEL)).toEqual([]);
  });

  it("/lutin with no word explains both sides", async () => {
    const w = await start();
    const help = await w.command(ANA, "");
    expect(help.text).toMatch(/direct message/);
    expect(help.text).toMatch(/\/lutin available/);
  });
});

describe("PresenceKeeper", () => {
  it("re-reports only agents who said available, and only while they have not said away", async () => {
    const reports: string[] = [];
    const desk = {
      reportPresence: async (_tenant: string, agent: string, presence: { isOnline: boolean }) => {
        reports.push(`${agent}:${presence.isOnline ? "online" : "offline"}`);
      },
      setActive: async () => ({ ok: true }),
    };
    const state = createMemorySlackState();
    const keeper = new PresenceKeeper({ desk: () => desk as never, state: () => state });
    await keeper.available("acme", ANA);
    await keeper.available("acme", BRUNO);
    await keeper.away("acme", BRUNO);
    await keeper.touched("acme", CAROL); // never said available: a click is not a declaration
    reports.length = 0;
    await keeper.refresh();
    expect(reports).toEqual([`${ANA}:online`]);
    expect(keeper.declared("acme", BRUNO)).toBe(false);
    expect(keeper.declared("acme", CAROL)).toBeNull();
  });
});
