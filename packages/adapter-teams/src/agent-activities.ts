import { type AgentDesk, type DeskResult, errorFields, type Logger } from "@lutingenie/core";
import { type Activity, type InvokeResponse, TurnContext } from "botbuilder";
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type AgentActionData,
  agentActionOf,
  refusalText,
} from "./agent-cards.js";
import { type AgentConnector, storedReferenceOf } from "./agent-connector.js";
import type { AgentEnrollment } from "./agent-enrollment.js";
import type { TeamsAgentPlaces } from "./agents-channel.js";
import { agentLanguageOf, presenceAnswers, presenceCommandOf } from "./presence-commands.js";
import type { PresenceKeeper } from "./presence-keeper.js";
import type { TeamsAgentState } from "./teams-agent-state.js";

export interface AgentActivitiesOptions {
  places: (tenant: string) => TeamsAgentPlaces | undefined;
  connector: AgentConnector;
  state: () => TeamsAgentState;
  keeper: PresenceKeeper;
  enrollment: AgentEnrollment;
  desk: () => AgentDesk | undefined;
  logger: Logger;
}

/** The Action.Execute answer Teams shows the clicker: the card redrawn, or a message only they see. */
export type AgentInvokeResponse = InvokeResponse<{ statusCode: 200; type: string; value: unknown }>;

/** Agents' replies seen lately, by activity id: Teams retries a slow turn with the same id (C11). */
const RELAYED_CAPACITY = 50_000;

/**
 * What agents do in Teams, turned into core's AgentDesk calls: Accept / Resolve / Close on a handoff
 * card, Assign to me / Done on a task card, replies in a handoff card's reply chain (to the customer), and
 * presence (`available`, `away`, `status` in personal chat). A refusal from core ("already taken by Ana")
 * reaches only the agent who clicked: in the Execute response, else in their personal chat with the bot.
 */
export function createAgentActivities(options: AgentActivitiesOptions) {
  const { connector, state, keeper, logger } = options;
  const relayed = new Set<string>();

  const remember = (key: string): boolean => {
    if (relayed.has(key)) return false;
    relayed.add(key);
    if (relayed.size > RELAYED_CAPACITY) {
      const oldest = relayed.values().next();
      if (oldest.done !== true) relayed.delete(oldest.value);
    }
    return true;
  };

  /** Where Teams serves this tenant: kept for the posts core makes outside any turn. */
  const learn = async (tenant: string, activity: Partial<Activity>) => {
    const reference = storedReferenceOf(activity);
    if (reference === undefined) return;
    await state().rememberService(tenant, {
      serviceUrl: reference.serviceUrl,
      ...(reference.teamsTenantId === undefined ? {} : { teamsTenantId: reference.teamsTenantId }),
    });
  };

  const teamMember = async (tenant: string, user: string) => {
    const places = options.places(tenant);
    if (places?.agentsChannel === undefined) return null;
    const service = (await state().service(tenant))?.serviceUrl ?? places.serviceUrl;
    return connector.member(service, places.agentsChannel, user);
  };

  /**
   * Answers in the activity's conversation through the connector, not the turn: the work may run after
   * the HTTP answer, when botbuilder has revoked the turn's context. A channel message is answered in its
   * reply chain (its conversation id carries `;messageid=`).
   */
  const replyIn = async (activity: Partial<Activity>, reply: Partial<Activity>) => {
    const reference = storedReferenceOf(activity);
    if (reference === undefined) return;
    await connector.send(reference, reply);
  };

  /** Tells one agent something no one else should read: their personal chat with the bot. */
  const tellPrivately = async (
    tenant: string,
    agent: string,
    text: string,
    fallback: () => Promise<void>,
  ) => {
    const personal = await state().personalChat(tenant, agent);
    try {
      if (personal === undefined) await fallback();
      else await connector.send(personal, { type: "message", text });
    } catch (error) {
      logger.warn("teams agent notice not sent", { tenant, ...errorFields(error) });
    }
  };

  const act = async (tenant: string, agent: string, action: AgentActionData): Promise<DeskResult> => {
    const desk = options.desk();
    if (desk === undefined) return { ok: false, problem: "LutinGénie is starting: try again in a moment" };
    await keeper.touched(tenant, agent);
    switch (action.lutinAgent) {
      case "accept":
        return desk.accept(action.ref, agent);
      case "resolve":
        return desk.end(action.ref, agent, "resolved");
      case "close":
        return desk.end(action.ref, agent, "closed");
      case "assign":
        return desk.assignFollowUp(action.ref, agent);
      case "done":
        return desk.completeFollowUp(action.ref, agent);
    }
  };

  return {
    /** Whether `data` (a Submit's value, an Execute's action data) is an agent's button. */
    isAgentAction: (data: unknown): boolean => agentActionOf(data) !== null,

    /**
     * An agent's button. Action.Execute (`via: "execute"`): returns the invoke response, the card redrawn
     * for the clicker or what went wrong for them only. Action.Submit: any refusal goes to the clicker's
     * personal chat, or as a reply in the card's chain naming them when the bot has no chat with them yet.
     */
    async onCardAction(
      tenant: string,
      activity: Partial<Activity>,
      data: unknown,
      via: "execute" | "submit",
    ): Promise<AgentInvokeResponse | undefined> {
      const action = agentActionOf(data);
      const agent = activity.from?.id;
      if (action === null || agent === undefined) return undefined;
      await learn(tenant, activity);
      const result = await act(tenant, agent, action);
      if (via === "execute") {
        if (!result.ok)
          return {
            status: 200,
            body: {
              statusCode: 200,
              type: "application/vnd.microsoft.activity.message",
              value: refusalText(result.problem),
            },
          };
        const card = await state().card(tenant, action.ref);
        return {
          status: 200,
          body:
            card?.drawn === undefined
              ? { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "Done." }
              : { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card.drawn },
        };
      }
      if (!result.ok) {
        const name = activity.from?.name ?? "";
        await tellPrivately(tenant, agent, refusalText(result.problem), async () => {
          await replyIn(activity, {
            type: "message",
            text: `<at>${escapeHtml(name)}</at> ${escapeHtml(refusalText(result.problem))}`,
            entities: [
              { type: "mention", text: `<at>${escapeHtml(name)}</at>`, mentioned: { id: agent, name } },
            ],
          });
        });
      }
      return undefined;
    },

    /**
     * A message in a team channel. A reply in a handoff card's chain goes to the customer (the agent must
     * hold the handoff); anything else in the agents' or follow-up channel is the team's own talk. Returns
     * whether the message was the agents' (true), so it is never taken for a customer's.
     */
    async onChannelMessage(tenant: string, activity: Partial<Activity>): Promise<boolean> {
      const conversationId = activity.conversation?.id ?? "";
      const places = options.places(tenant);
      const channelId = (activity.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
      const inAgentsPlace =
        places !== undefined &&
        [places.agentsChannel, places.followUpChannel].some(
          (place) => place !== undefined && (channelId === place || conversationId.split(";")[0] === place),
        );
      const card = await state().cardInChain(conversationId);
      if (card === undefined || card.tenant !== tenant) return inAgentsPlace;
      await learn(tenant, activity);
      if (card.kind !== "handoff") return true;
      const agent = activity.from?.id;
      if (agent === undefined || activity.id === undefined) return true;
      if (!remember(`${conversationId}\u0000${activity.id}`)) return true;
      const desk = options.desk();
      if (desk === undefined) return true;
      await keeper.touched(tenant, agent);
      const text = plainTextOf(
        TurnContext.removeRecipientMention(activity as Activity) ?? activity.text ?? "",
      );
      if (text === "") return true;
      const result = await desk.reply(card.ref, agent, text, `teams-agent:${activity.id}`);
      if (!result.ok)
        await tellPrivately(tenant, agent, `Not sent to the customer: ${result.problem}`, async () => {
          await replyIn(activity, {
            type: "message",
            text: `Not sent to the customer: ${result.problem}`,
          });
        });
      return true;
    },

    /**
     * A message in personal chat: a presence command is answered here and returns true; anything else
     * returns false (a customer's message, for the customer side).
     */
    async onPersonalMessage(tenant: string, activity: Partial<Activity>): Promise<boolean> {
      const command = presenceCommandOf(activity.text);
      const user = activity.from?.id;
      if (command === null || user === undefined) return false;
      const answers = presenceAnswers(agentLanguageOf(activity.text, activity.locale));
      const name = (activity.from?.name ?? "").trim() || user;
      await learn(tenant, activity);
      const reference = storedReferenceOf(activity);
      if (reference !== undefined) await state().rememberPersonalChat(tenant, user, reference);
      let answer: string;
      switch (command) {
        case "available": {
          let made = await keeper.available(tenant, user, name);
          if (!made.ok && (await options.enrollment.enrol(tenant, { id: user, name, ...personOf(activity) })))
            made = await keeper.available(tenant, user, name);
          answer = made.ok ? answers.available : answers.refused(made.problem);
          break;
        }
        case "away": {
          // A customer may type "away" alone: core refuses to switch off someone who is no agent.
          const made = await keeper.away(tenant, user, name);
          answer = made.ok ? answers.away : answers.notAnAgent;
          break;
        }
        case "status": {
          const declared = keeper.declared(tenant, user);
          answer =
            declared === true
              ? answers.statusAvailable
              : declared === false
                ? answers.statusAway
                : answers.statusNone;
          break;
        }
      }
      await replyIn(activity, { type: "message", text: answer, textFormat: "markdown" });
      return true;
    },

    teamMember,
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;

function personOf(activity: Partial<Activity>) {
  const aadObjectId = activity.from?.aadObjectId;
  return aadObjectId === undefined ? {} : { aadObjectId };
}

/**
 * What an agent typed, as plain text for the customer: Teams sends channel messages as HTML
 * (`<p>`, `<at>` for mentions, entities); the customer's channel renders its own formatting.
 */
export function plainTextOf(text: string): string {
  return text
    .replace(/<at>([^<]*)<\/at>/gi, "$1")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ")
    .trim();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
