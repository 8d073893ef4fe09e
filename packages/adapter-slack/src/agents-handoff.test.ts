import { describe, expect, it } from "vitest";
import { ACCEPT_ACTION, CLOSE_ACTION, RESOLVE_HANDOFF_ACTION } from "./agent-blocks.js";
import {
  AGENTS_CHANNEL,
  ANA,
  BOT_TOKEN,
  BRUNO,
  buttonsOf,
  CUSTOMER_DM,
  type SlackWorld,
  slackRuntimePerTest,
  textOf,
} from "./testing/slack-runtime.js";

const start = slackRuntimePerTest();

/** The handoff request's root message in the agents' channel. */
function handoffPost(w: SlackWorld) {
  const posts = w.fake
    .posts()
    .filter((post) => post.channel === AGENTS_CHANNEL && post.thread_ts === undefined);
  expect(posts).toHaveLength(1);
  const post = posts[0] as (typeof posts)[number];
  const accept = buttonsOf(post.blocks).find(([action]) => action === ACCEPT_ACTION);
  expect(accept).toBeDefined();
  return { ts: post.ts, handoffId: (accept as [string, string])[1], text: textOf(post.blocks) };
}

const toCustomer = (w: SlackWorld) =>
  w.fake
    .posts()
    .filter((post) => post.channel === CUSTOMER_DM)
    .map((post) => post.text);

describe("Slack agents: a handoff, end to end through createLutinRuntime", () => {
  it("posts the request with Accept, updates it to 'taken by', relays both ways in the thread, and resolves (C10: 1 human conversation)", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    expect((await w.command(ANA, "available")).text).toMatch(/You are available/);

    await w.customerSays("I want to talk to a human, my parcel never arrived");
    const request = handoffPost(w);
    expect(request.text).toMatch(/my parcel never arrived/);
    expect(request.text).toMatch(/Priority: \*\w+\*/);
    expect(request.text).toMatch(/Waiting for an agent/);
    const [stored] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(stored).toMatchObject({ id: request.handoffId, status: "pending", candidates: [ANA] });
    expect(toCustomer(w)).toHaveLength(1); // the "connecting you" notice

    const accepted = await w.click(ANA, ACCEPT_ACTION, request.handoffId, AGENTS_CHANNEL, request.ts);
    expect(accepted.status).toBe(200);
    const updates = w.fake.callsOf("chat.update");
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args).toMatchObject({ channel: AGENTS_CHANNEL, ts: request.ts });
    expect(updates[0]?.token).toBe(BOT_TOKEN);
    expect(String(updates[0]?.args.text)).toMatch(/^Taken by <@U0ANA>/);
    expect(textOf(updates[0]?.args.blocks)).toMatch(/Taken by <@U0ANA>/);
    expect(buttonsOf(JSON.parse(String(updates[0]?.args.blocks))).map(([action]) => action)).toEqual([
      RESOLVE_HANDOFF_ACTION,
      CLOSE_ACTION,
    ]);
    expect(toCustomer(w).at(-1)).toMatch(/Ana/); // "Ana joined" notice

    await w.agentWritesInThread(ANA, request.ts, "Hi, I'm Ana &amp; I'll check &lt;your&gt; parcel");
    expect(toCustomer(w).at(-1)).toBe("Hi, I'm Ana &amp; I'll check &lt;your&gt; parcel"); // unescaped once, escaped once
    expect(await w.usage()).toEqual({ ai: 0, human: 1 });

    await w.customerSays("Thanks, the order number is 1234");
    const inThread = w.fake.posts().filter((post) => post.thread_ts === request.ts);
    expect(inThread.map((post) => post.text)).toEqual(["Customer: Thanks, the order number is 1234"]);
    expect(inThread[0]?.channel).toBe(AGENTS_CHANNEL);

    await w.click(ANA, RESOLVE_HANDOFF_ACTION, request.handoffId, AGENTS_CHANNEL, request.ts);
    const last = w.fake.callsOf("chat.update").at(-1);
    expect(textOf(last?.args.blocks)).toMatch(/Resolved by <@U0ANA>/);
    expect(buttonsOf(JSON.parse(String(last?.args.blocks)))).toEqual([]);
    const [ended] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(ended).toMatchObject({ status: "ended", acceptedBy: ANA });
    expect(await w.usage()).toEqual({ ai: 0, human: 1 });
  });

  it("two agents click Accept at once: exactly one wins, the other gets an ephemeral 'already taken by …'", async () => {
    const w = await start({
      agents: [
        { id: ANA, name: "Ana" },
        { id: BRUNO, name: "Bruno" },
      ],
    });
    await w.command(ANA, "available");
    await w.command(BRUNO, "available");
    await w.customerSays("Can I speak to a person please?");
    const request = handoffPost(w);

    const responses = await Promise.all([
      w.clickOnly(ANA, ACCEPT_ACTION, request.handoffId, AGENTS_CHANNEL, request.ts),
      w.clickOnly(BRUNO, ACCEPT_ACTION, request.handoffId, AGENTS_CHANNEL, request.ts),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    await w.adapter.idle();

    const [stored] = await w.runtime.escalation.listHandoffs(w.tenantId);
    const winner = stored?.acceptedBy;
    expect([ANA, BRUNO]).toContain(winner);
    const loser = winner === ANA ? BRUNO : ANA;
    const updates = w.fake.callsOf("chat.update");
    expect(updates).toHaveLength(1);
    expect(String(updates[0]?.args.text)).toMatch(new RegExp(`^Taken by <@${winner}>`));
    const ephemerals = w.fake.callsOf("chat.postEphemeral");
    expect(ephemerals).toHaveLength(1);
    expect(ephemerals[0]?.args).toMatchObject({ channel: AGENTS_CHANNEL, user: loser });
    expect(String(ephemerals[0]?.args.text)).toMatch(
      new RegExp(`^Already taken by ${winner === ANA ? "Ana" : "Bruno"}`),
    );
    // The loser's reply in the thread is not sent to the customer; they are told so.
    const before = toCustomer(w).length;
    await w.agentWritesInThread(loser, request.ts, "I can take it too");
    expect(toCustomer(w)).toHaveLength(before);
    expect(String(w.fake.callsOf("chat.postEphemeral").at(-1)?.args.text)).toMatch(
      /Not sent to the customer: you do not hold this conversation/,
    );
  });

  it("relays an agent's thread reply once, even when Slack retries the event", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    await w.command(ANA, "available");
    await w.customerSays("talk to a human");
    const request = handoffPost(w);
    await w.click(ANA, ACCEPT_ACTION, request.handoffId, AGENTS_CHANNEL, request.ts);
    const before = toCustomer(w).length;
    await w.agentWritesInThread(ANA, request.ts, "On it", "1800000000.000100");
    await w.agentWritesInThread(ANA, request.ts, "On it", "1800000000.000100");
    expect(toCustomer(w)).toHaveLength(before + 1);
  });

  it("an agent's edited or deleted thread reply is not sent to the customer again (C9)", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    await w.command(ANA, "available");
    await w.customerSays("talk to a human");
    const request = handoffPost(w);
    await w.click(ANA, ACCEPT_ACTION, request.handoffId, AGENTS_CHANNEL, request.ts);
    await w.agentWritesInThread(ANA, request.ts, "On it", "1800000000.000200");
    const before = toCustomer(w);
    const reply = { type: "message", user: ANA, ts: "1800000000.000200", thread_ts: request.ts };
    // As Slack sends them: the edit and the deletion are new events about the old message.
    await w.sendEvent({
      type: "message",
      subtype: "message_changed",
      channel: AGENTS_CHANNEL,
      channel_type: "channel",
      hidden: true,
      ts: "1800000000.000300",
      event_ts: "1800000000.000300",
      message: { ...reply, text: "On it, give me 5 minutes", edited: { user: ANA, ts: "1800000000.000300" } },
      previous_message: { ...reply, text: "On it" },
    });
    await w.sendEvent({
      type: "message",
      subtype: "message_deleted",
      channel: AGENTS_CHANNEL,
      channel_type: "channel",
      hidden: true,
      ts: "1800000000.000400",
      event_ts: "1800000000.000400",
      deleted_ts: "1800000000.000200",
      previous_message: { ...reply, text: "On it" },
    });
    expect(toCustomer(w)).toEqual(before);
    expect(before.at(-1)).toMatch(/On it/);
  });

  it("Close ends the handoff as closed and the message says so", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    await w.command(ANA, "available");
    await w.customerSays("I want to talk to a human");
    const request = handoffPost(w);
    await w.click(ANA, ACCEPT_ACTION, request.handoffId, AGENTS_CHANNEL, request.ts);
    await w.click(ANA, CLOSE_ACTION, request.handoffId, AGENTS_CHANNEL, request.ts);
    expect(textOf(w.fake.callsOf("chat.update").at(-1)?.args.blocks)).toMatch(/Closed by <@U0ANA>/);
    expect((await w.runtime.escalation.listHandoffs(w.tenantId))[0]?.endReason).toBe("closed");
  });
});
