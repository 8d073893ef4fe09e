import type { AgentChannel, AgentChannelPost, DeliveryResult, FollowUpChannel } from "@lutingenie/core";
import type { Activity } from "botbuilder";
import {
  type AdaptiveCard,
  cardAttachment,
  type FollowUpStep,
  followUpCard,
  followUpStatusText,
  type HandoffState,
  handoffCard,
  handoffStatusText,
} from "./agent-cards.js";
import { type AgentConnector, connectorFailure } from "./agent-connector.js";
import type { PostedCard, TeamsAgentState } from "./teams-agent-state.js";

/** Where a tenant's agents work in Teams (TEAMS_AGENTS_CHANNEL, TEAMS_FOLLOW_UP_CHANNEL; agents-side-config.ts). */
export interface TeamsAgentPlaces {
  tenant: string;
  /** The agents' channel id (`19:…@thread.tacv2`): one new conversation per handoff request. */
  agentsChannel?: string;
  /** The follow-up channel id: one new conversation per task. */
  followUpChannel?: string;
  /** Used until an activity from Teams says where this tenant is served (TEAMS_SERVICE_URL). */
  serviceUrl: string;
  /** The Teams (Entra) tenant id, until an activity says it (MICROSOFT_APP_TENANT_ID). */
  teamsTenantId?: string;
}

export interface AgentPostingOptions {
  places: (tenant: string) => TeamsAgentPlaces | undefined;
  connector: AgentConnector;
  state: () => TeamsAgentState;
  now: () => number;
}

/**
 * Core's posts for agents, as Teams messages. A handoff request is a new conversation in the agents'
 * channel whose root is its card, redrawn in place (PUT) for everyone as it is taken, ended or withdrawn;
 * the customer's messages go into its reply chain. A follow-up task is a new conversation in the
 * follow-up channel, its card redrawn as it is assigned and done, each change also written in its chain.
 */
export function createAgentPosting(options: AgentPostingOptions): {
  agents: AgentChannel;
  followUps: FollowUpChannel;
} {
  const { connector, state } = options;

  /** The name people see: what the agent's Teams client gave when they said available, else the id. */
  const nameOf = async (tenant: string, agent: string | undefined): Promise<string | null> => {
    if (agent === undefined || agent === "") return null;
    return (await state().declaration(tenant, agent))?.name ?? agent;
  };

  const serviceOf = async (places: TeamsAgentPlaces) => {
    const learnt = await state().service(places.tenant);
    const teamsTenantId = learnt?.teamsTenantId ?? places.teamsTenantId;
    return {
      serviceUrl: learnt?.serviceUrl ?? places.serviceUrl,
      ...(teamsTenantId === undefined ? {} : { teamsTenantId }),
    };
  };

  const cardActivity = (card: AdaptiveCard, summary: string): Partial<Activity> => ({
    type: "message",
    // The text is what notifications and the activity feed show; the card is what the channel shows.
    summary,
    attachments: [cardAttachment(card)],
  });

  /** Draws a task: updates its card, or posts it as a new channel conversation when it has none yet. */
  const draw = async (
    places: TeamsAgentPlaces,
    channelId: string,
    shape: Omit<PostedCard, "reference" | "drawn">,
    render: (task: Omit<PostedCard, "reference" | "drawn">) => { card: AdaptiveCard; summary: string },
  ): Promise<DeliveryResult> => {
    const existing = await state().card(shape.tenant, shape.ref);
    if (existing !== undefined) {
      const merged = { ...existing, history: shape.history };
      const drawn = render(merged);
      try {
        await connector.update(existing.reference, cardActivity(drawn.card, drawn.summary));
      } catch (error) {
        return connectorFailure("update the card", error);
      }
      await state().rememberCard({ ...merged, drawn: drawn.card as unknown as Record<string, unknown> });
      return { ok: true, deliveredAt: options.now(), platformMessageId: existing.reference.activityId };
    }
    const drawn = render(shape);
    const service = await serviceOf(places);
    let created: { conversationId: string; activityId: string };
    try {
      created = await connector.createInChannel(
        { ...service, channelId },
        cardActivity(drawn.card, drawn.summary),
      );
    } catch (error) {
      return connectorFailure("post the card in the channel", error);
    }
    await state().rememberCard({
      ...shape,
      reference: {
        ...service,
        conversationId: created.conversationId,
        botId: "",
        activityId: created.activityId,
      },
      drawn: drawn.card as unknown as Record<string, unknown>,
    });
    return { ok: true, deliveredAt: options.now(), platformMessageId: created.activityId };
  };

  /** Writes a line in a task's reply chain. */
  const inChain = async (card: PostedCard, text: string): Promise<DeliveryResult> => {
    try {
      const id = await connector.send(card.reference, { type: "message", text, textFormat: "markdown" });
      return { ok: true, deliveredAt: options.now(), ...(id === undefined ? {} : { platformMessageId: id }) };
    } catch (error) {
      return connectorFailure("write in the card's reply chain", error);
    }
  };

  const once = async (
    input: AgentChannelPost,
    which: "agentsChannel" | "followUpChannel",
    work: (places: TeamsAgentPlaces, channelId: string) => Promise<DeliveryResult>,
  ): Promise<DeliveryResult> => {
    const known = await state().receipt(input.tenant, input.key);
    if (known !== undefined) return known;
    const places = options.places(input.tenant);
    if (places === undefined) return refused(`Teams does not serve tenant "${input.tenant}"`);
    const channelId = places[which];
    if (channelId === undefined)
      return refused(
        which === "agentsChannel"
          ? "no agents' channel is set: set TEAMS_AGENTS_CHANNEL to the channel's id (19:…@thread.tacv2, from the channel's link)"
          : "no follow-up channel is set: set TEAMS_FOLLOW_UP_CHANNEL to the channel's id (19:…@thread.tacv2, from the channel's link)",
      );
    const result = await work(places, channelId);
    if (result.ok) await state().rememberReceipt(input.tenant, input.key, result);
    return result;
  };

  const agents: AgentChannel = {
    post: (input) =>
      once(input, "agentsChannel", async (places, channelId) => {
        const shape = {
          tenant: input.tenant,
          ref: input.ref,
          kind: "handoff" as const,
          text: input.text,
          fields: input.fields,
          history: [],
        };
        const redraw = (phase: HandoffState) =>
          draw(places, channelId, shape, (task) => ({
            card: handoffCard(input.ref, task.text, { ...task.fields, ...input.fields }, phase),
            summary: `${handoffStatusText(phase)}: ${task.text}`.slice(0, 250),
          }));
        switch (input.kind) {
          case "handoff_requested":
            return redraw({ phase: "waiting" });
          case "handoff_taken": {
            const by =
              (await nameOf(input.tenant, input.fields.acceptedBy ?? input.agents[0])) ??
              input.text.replace(/^Taken by /, "");
            return redraw({ phase: "taken", by });
          }
          case "handoff_ended":
            // Core says how in its text ("Closed" / "Resolved"); the holder is in the fields.
            return redraw({
              phase: "ended",
              how: /resolved/i.test(input.text) ? "resolved" : "closed",
              by: await nameOf(input.tenant, input.fields.acceptedBy),
            });
          case "handoff_withdrawn":
            return redraw({ phase: "withdrawn" });
          case "customer_message": {
            const card = await state().card(input.tenant, input.ref);
            if (card === undefined)
              return refused("the handoff's card is not known here (posted more than 30 days ago?)");
            return inChain(card, `**Customer:** ${input.text}`);
          }
          default:
            return refused(`the agents' channel does not take "${input.kind}" posts`);
        }
      }),
  };

  const followUps: FollowUpChannel = {
    postFollowUp: (input) =>
      once(input, "followUpChannel", async (places, channelId) => {
        const existing = await state().card(input.tenant, input.ref);
        const status = input.fields.status;
        const step: FollowUpStep = {
          status: status === "assigned" || status === "done" ? status : "open",
          by: await nameOf(input.tenant, input.fields.assignee),
          at: options.now(),
        };
        const history = [...(existing?.history ?? []), step];
        const shape = {
          tenant: input.tenant,
          ref: input.ref,
          kind: "follow_up" as const,
          text: input.text,
          fields: input.fields,
          history,
        };
        const drawn = await draw(places, channelId, shape, (task) => ({
          card: followUpCard(input.ref, task.text, { ...task.fields, status: step.status }, task.history),
          summary: `${followUpStatusText(step)}: ${task.text}`.slice(0, 250),
        }));
        if (!drawn.ok || input.kind === "follow_up_created" || existing === undefined) return drawn;
        // One conversation per task: each change is also written in its chain, which tells its history.
        return inChain(existing, followUpStatusText(step));
      }),
  };

  return { agents, followUps };
}

function refused(detail: string): DeliveryResult {
  return { ok: false, reason: "rejected", retryable: false, detail };
}
