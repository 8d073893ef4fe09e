import type { AgentChannelPost } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import type { TeamsAgentHost, TeamsAgentSide } from "./agent-side.js";
import { cardExecute, channelMention, personalMessage } from "./testing/teams-activities.js";
import { teamsRuntimePerTest } from "./testing/teams-runtime.js";

const start = teamsRuntimePerTest();
const AGENTS = "19:agents@thread.tacv2";

/** The smallest agent side: claims the agents' channel and agent cards, records what it got. */
function recordingAgentSide() {
  const seen: string[] = [];
  const posts: AgentChannelPost[] = [];
  let host: TeamsAgentHost | null = null;
  const side: TeamsAgentSide = {
    handles: (activity) =>
      String(activity.conversation?.id ?? "").startsWith(AGENTS) ||
      (activity.type === "invoke" &&
        (activity.value as { action?: { data?: { lutin?: unknown } } })?.action?.data?.lutin === "agent"),
    async onActivity(context, desk) {
      seen.push(`${context.activity.type}:${desk === undefined ? "no desk" : "desk"}`);
      if (context.activity.type === "invoke")
        await context.sendActivity({
          type: "invokeResponse",
          value: {
            status: 200,
            body: { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "taken" },
          },
        });
    },
    agents: {
      async post(post) {
        posts.push(post);
        return { ok: true, deliveredAt: Date.now() };
      },
    },
    async start(given) {
      host = given;
    },
  };
  return { side, seen, posts, host: () => host };
}

describe("the agent-side seam", () => {
  it("routes what the agent side claims to it (never to the customer side), exposes its channels, lends it the host", async () => {
    const agentSide = recordingAgentSide();
    const world = await start({ adapter: { agentSide: agentSide.side } });
    expect(world.adapter.agents).toBe(agentSide.side.agents);
    expect(world.adapter.followUps).toBeUndefined();
    expect(agentSide.host()?.tenant).toBe(world.tenantId);
    expect(agentSide.host()?.appId).toBe(world.adapter.appId);

    await world.send(channelMention(world.parties, AGENTS, "I take it"));
    const invoke = await world.send(
      cardExecute(world.parties, "a:agent-chat", "1700000000009", { lutin: "agent", verb: "accept" }),
    );
    expect(invoke.status).toBe(200);
    expect(await invoke.json()).toMatchObject({ value: "taken" });
    expect(agentSide.seen).toEqual(["message:desk", "invoke:desk"]);
    expect(world.connector.posted()).toEqual([]);
    expect(await world.store.listConversations({ tenant: world.tenantId })).toEqual([]);

    // Customers are still the customer side's; the host finds where they are.
    await world.send(personalMessage(world.parties, "a:customer-chat", "Where is my order?"));
    expect(world.connector.texts("a:customer-chat")).toHaveLength(1);
    expect((await agentSide.host()?.customerReference("a:customer-chat"))?.conversation?.id).toBe(
      "a:customer-chat",
    );
  });
});
