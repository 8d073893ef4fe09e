import type { AgentChannelPost } from "@lutingenie/core";
import type { Activity } from "botbuilder";
import { describe, expect, it } from "vitest";
import { type AdaptiveCard, agentActionOf } from "./agent-cards.js";
import type { AgentConnector } from "./agent-connector.js";
import { createAgentPosting } from "./agents-channel.js";
import { createMemoryTeamsAgentState } from "./teams-agent-state.js";

/**
 * The posting logic alone (what is created, updated, written in a chain, and when nothing is posted
 * twice), over a connector that records its calls. The end-to-end tests (agents-*.e2e.test.ts) run the
 * same through botbuilder and the fake Bot Connector.
 */
function world(options: { agentsChannel?: string; followUpChannel?: string; failCreate?: number } = {}) {
  const calls: Array<{ call: string; conversationId: string; activity: Partial<Activity> }> = [];
  let next = 100;
  let failures = options.failCreate ?? 0;
  const connector: AgentConnector = {
    async createInChannel(target, activity) {
      if (failures-- > 0) throw Object.assign(new Error("busy"), { statusCode: 429 });
      const activityId = String(++next);
      const conversationId = `${target.channelId};messageid=${activityId}`;
      calls.push({ call: "create", conversationId, activity });
      return { conversationId, activityId };
    },
    async send(reference, activity) {
      calls.push({ call: "send", conversationId: reference.conversationId, activity });
      return String(++next);
    },
    async update(reference, activity) {
      calls.push({ call: "update", conversationId: reference.conversationId, activity });
    },
    async member() {
      return null;
    },
  };
  const state = createMemoryTeamsAgentState();
  let now = Date.UTC(2026, 11, 4, 12, 0);
  const posting = createAgentPosting({
    places: (tenant) =>
      tenant === "acme"
        ? {
            tenant,
            serviceUrl: "http://127.0.0.1:9/",
            agentsChannel: options.agentsChannel ?? "19:agents@thread.tacv2",
            ...(options.followUpChannel === undefined ? {} : { followUpChannel: options.followUpChannel }),
          }
        : undefined,
    connector,
    state: () => state,
    now: () => (now += 1000),
  });
  return { calls, posting, state };
}

const post = (overrides: Partial<AgentChannelPost>): AgentChannelPost => ({
  kind: "handoff_requested",
  tenant: "acme",
  key: "h1:handoff_requested:0",
  ref: "h1",
  agents: ["29:ana"],
  text: "New high request (en, frustrated): my parcel",
  fields: { priority: "high", language: "en", emotion: "frustrated", reason: "human_requested" },
  ...overrides,
});

const cardOf = (activity: Partial<Activity>) => activity.attachments?.[0]?.content as AdaptiveCard;
const statusOf = (activity: Partial<Activity>) => String(cardOf(activity).body[0]?.text);

describe("Teams agents' posting", () => {
  it("posts a handoff as a new channel conversation, redraws that card in place, and writes customer messages in its chain", async () => {
    const w = world();
    const first = await w.posting.agents.post(post({}));
    expect(first.ok).toBe(true);
    await w.state.declare({ tenant: "acme", agent: "29:ana", available: true, name: "Ana" });
    await w.posting.agents.post(
      post({
        kind: "handoff_taken",
        key: "h1:taken",
        text: "Taken by Ana",
        fields: { acceptedBy: "29:ana" },
      }),
    );
    await w.posting.agents.post(post({ kind: "customer_message", key: "h1:m1", text: "order 1234" }));
    await w.posting.agents.post(
      post({ kind: "handoff_ended", key: "h1:ended", text: "Resolved", fields: { acceptedBy: "29:ana" } }),
    );

    expect(w.calls.map((call) => call.call)).toEqual(["create", "update", "send", "update"]);
    const chain = w.calls[0]?.conversationId;
    expect(new Set(w.calls.map((call) => call.conversationId))).toEqual(new Set([chain]));
    const [created, taken, message, ended] = w.calls.map((call) => call.activity) as Partial<Activity>[];
    expect(statusOf(created as Partial<Activity>)).toBe("Waiting for an agent");
    expect(agentActionOf(cardOf(created as Partial<Activity>).actions[0]?.data)).toEqual({
      lutinAgent: "accept",
      ref: "h1",
    });
    expect(statusOf(taken as Partial<Activity>)).toBe("Taken by Ana");
    // The update keeps what the first post said (updates carry only what changed).
    expect(JSON.stringify(cardOf(taken as Partial<Activity>))).toMatch(/my parcel/);
    expect(message?.text).toBe("**Customer:** order 1234");
    expect(statusOf(ended as Partial<Activity>)).toBe("Resolved by Ana");
    expect(cardOf(ended as Partial<Activity>).actions).toEqual([]);
  });

  it("posts once per key, also when core repeats it, and retries a post that failed", async () => {
    const w = world({ failCreate: 1 });
    const failed = await w.posting.agents.post(post({}));
    expect(failed).toMatchObject({ ok: false, reason: "rate_limited", retryable: true });
    const first = await w.posting.agents.post(post({}));
    const again = await w.posting.agents.post(post({}));
    expect(first.ok && again.ok).toBe(true);
    expect(again).toEqual(first);
    expect(w.calls.filter((call) => call.call === "create")).toHaveLength(1);
  });

  it("a follow-up task: one conversation, its card redrawn with each state, who and when, each change written in its chain", async () => {
    const w = world({ followUpChannel: "19:follow@thread.tacv2" });
    await w.state.declare({ tenant: "acme", agent: "29:bruno", available: true, name: "Bruno" });
    await w.posting.followUps.postFollowUp(
      post({
        kind: "follow_up_created",
        key: "f1:created",
        ref: "f1",
        text: "Follow-up [high] billing\nmy invoice",
        fields: { priority: "high", labels: "billing", contact: "c@example.com", status: "open" },
      }),
    );
    await w.posting.followUps.postFollowUp(
      post({
        kind: "follow_up_updated",
        key: "f1:2",
        ref: "f1",
        text: "assigned",
        fields: { status: "assigned", assignee: "29:bruno" },
      }),
    );
    await w.posting.followUps.postFollowUp(
      post({
        kind: "follow_up_updated",
        key: "f1:3",
        ref: "f1",
        text: "done",
        fields: { status: "done", assignee: "29:bruno" },
      }),
    );
    expect(w.calls.map((call) => call.call)).toEqual(["create", "update", "send", "update", "send"]);
    expect(w.calls[0]?.conversationId).toMatch(/^19:follow@thread\.tacv2;messageid=/);
    const last = cardOf(w.calls[3]?.activity as Partial<Activity>);
    const texts = last.body.map((element) => String(element.text ?? ""));
    expect(texts[0]).toBe("Done by Bruno");
    expect(texts.filter((text) => /\{\{TIME\(/.test(text))).toEqual([
      expect.stringMatching(/^Open · /),
      expect.stringMatching(/^Assigned to Bruno · /),
      expect.stringMatching(/^Done by Bruno · /),
    ]);
    expect(JSON.stringify(last)).toMatch(/c@example\.com/);
    expect(last.actions).toEqual([]);
    expect(w.calls.filter((call) => call.call === "send").map((call) => call.activity.text)).toEqual([
      "Assigned to Bruno",
      "Done by Bruno",
    ]);
  });

  it("refuses, naming the variable, when no follow-up channel is set, and for a tenant Teams does not serve", async () => {
    const w = world();
    expect(
      await w.posting.followUps.postFollowUp(post({ kind: "follow_up_created", ref: "f1", key: "f1:c" })),
    ).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/TEAMS_FOLLOW_UP_CHANNEL/),
    });
    expect(await w.posting.agents.post(post({ tenant: "other" }))).toMatchObject({
      ok: false,
      reason: "rejected",
    });
    expect(w.calls).toEqual([]);
  });
});
