import { type AgentDesk, type DeskResult, errorFields, type Logger } from "@lutingenie/core";
import type { WebClient } from "@slack/web-api";
import {
  ACCEPT_ACTION,
  ASSIGN_ACTION,
  AVAILABLE_ACTION,
  AWAY_ACTION,
  CLOSE_ACTION,
  DONE_ACTION,
  homeView,
  RESOLVE_HANDOFF_ACTION,
} from "./agent-blocks.js";
import type { AgentEnrollment } from "./agent-enrollment.js";
import { type AgentPostIndex, BoundedMap } from "./agent-post-index.js";
import type { SlackMessageEvent } from "./inbound-mapping.js";
import type { SlackInstallations } from "./installations.js";
import type { PresenceKeeper } from "./presence-keeper.js";
import { unescapeText } from "./reply-blocks.js";
import type { Workspace, Workspaces } from "./workspaces.js";

export interface AgentInteractionsOptions {
  client: WebClient;
  workspaces: Workspaces;
  index: AgentPostIndex;
  keeper: PresenceKeeper;
  /** Multi-workspace mode: where `/lutin agents-channel` and `/lutin follow-up-channel` are kept. */
  installations?: SlackInstallations;
  desk: () => AgentDesk | undefined;
  /** Multi-workspace mode: who may become an agent by saying available (agent-enrollment.ts). */
  enrollment: AgentEnrollment;
  logger: Logger;
}

/** The parts of an agent's button click (block_actions) that are read. */
export interface AgentClick {
  actionId: string;
  value: string;
  user: string;
  channel: string | undefined;
  messageTs: string | undefined;
}

/** The parts of a `/lutin` slash command that are read. */
export interface SlashCommand {
  text: string;
  user: string;
  channel: string;
  /** The name Slack sends with the command (user_name), used when users.info says none. */
  userName?: string;
}

export const CUSTOMER_HELP =
  "Write me a direct message, or mention me in a channel: I answer in the thread. Press “Talk to a human” under an answer to reach the team.";
const AGENT_HELP =
  "Agents: `/lutin available` to receive handoff requests, `/lutin away` to stop, `/lutin status` to check.";

/**
 * What agents do in Slack, turned into core's AgentDesk calls: Accept / Resolve / Close on a handoff,
 * Assign to me / Done on a follow-up task, replies in a handoff's thread (to the customer), and presence
 * (`/lutin available|away`, the App Home). A refusal from core ("already taken by Ana") reaches only the
 * agent who clicked, as an ephemeral message.
 */
export function createAgentInteractions(options: AgentInteractionsOptions) {
  const { client, index, keeper, logger } = options;
  // Bolt does not de-duplicate Slack's retries: an agent's reply must reach the customer once.
  const relayed = new BoundedMap<true>(50_000);

  const tell = async (
    workspace: Workspace,
    where: { channel: string | undefined; user: string; threadTs?: string },
    text: string,
  ) => {
    if (where.channel === undefined) return;
    try {
      await client.chat.postEphemeral({
        token: workspace.token,
        channel: where.channel,
        user: where.user,
        text,
        ...(where.threadTs === undefined ? {} : { thread_ts: where.threadTs }),
      });
    } catch (error) {
      logger.warn("slack ephemeral notice not posted", { channel: where.channel, ...errorFields(error) });
    }
  };

  /**
   * Available, as the guide's isOnline + isActive. Someone who is not (yet) one of the tenant's agents
   * but may become one (the installer, or anyone saying it in the agents' channel) is enrolled first.
   */
  const makeAvailable = async (
    workspace: Workspace,
    user: string,
    channel: string | undefined,
    name?: string,
  ): Promise<DeskResult> => {
    const made = await keeper.available(workspace.tenant, user);
    const reason = made.ok ? null : options.enrollment.reasonFor(workspace.tenant, user, channel);
    if (reason === null) return made;
    try {
      await options.enrollment.enroll(workspace.tenant, user, {
        token: workspace.token,
        reason,
        ...(name === undefined ? {} : { name }),
      });
    } catch (error) {
      logger.warn("slack agent not enrolled", {
        tenant: workspace.tenant,
        agent: user,
        ...errorFields(error),
      });
      return made;
    }
    return keeper.available(workspace.tenant, user);
  };

  const publishHome = async (workspace: Workspace, user: string) => {
    try {
      await client.views.publish({
        token: workspace.token,
        user_id: user,
        view: homeView(keeper.declared(workspace.tenant, user)),
      });
    } catch (error) {
      logger.warn("slack App Home not published", errorFields(error));
    }
  };

  return {
    async onAction(tenant: string, click: AgentClick): Promise<void> {
      const workspace = options.workspaces.forTenant(tenant);
      const desk = options.desk();
      if (workspace === undefined || desk === undefined) return;
      if (click.actionId === AVAILABLE_ACTION || click.actionId === AWAY_ACTION) {
        if (click.actionId === AVAILABLE_ACTION) await makeAvailable(workspace, click.user, undefined);
        else await keeper.away(tenant, click.user);
        await publishHome(workspace, click.user);
        return;
      }
      await keeper.touched(tenant, click.user);
      let result: DeskResult;
      switch (click.actionId) {
        case ACCEPT_ACTION:
          result = await desk.accept(click.value, click.user);
          break;
        case RESOLVE_HANDOFF_ACTION:
          result = await desk.end(click.value, click.user, "resolved");
          break;
        case CLOSE_ACTION:
          result = await desk.end(click.value, click.user, "closed");
          break;
        case ASSIGN_ACTION:
          result = await desk.assignFollowUp(click.value, click.user);
          break;
        case DONE_ACTION:
          result = await desk.completeFollowUp(click.value, click.user);
          break;
        default:
          return;
      }
      if (!result.ok)
        await tell(workspace, { channel: click.channel, user: click.user }, capitalised(result.problem));
    },

    /**
     * A message in a channel where agents work. A reply in a handoff's thread goes to the customer (the
     * agent must hold the handoff); anything else there is the team's own talk. Returns whether the
     * message was the agents' (true), so it is never taken for a customer's.
     */
    async onChannelMessage(tenant: string, event: SlackMessageEvent): Promise<boolean> {
      const workspace = options.workspaces.forTenant(tenant);
      if (workspace === undefined || event.channel === undefined) return false;
      const task =
        event.thread_ts === undefined
          ? undefined
          : await index.byMessage(tenant, event.channel, event.thread_ts);
      const agentsChannel =
        event.channel === workspace.agentsChannel || event.channel === workspace.followUpChannel;
      if (task?.kind !== "handoff") return agentsChannel || task !== undefined;
      const person = event.user !== undefined && event.bot_id === undefined;
      const plain = event.subtype === undefined || event.subtype === "thread_broadcast";
      if (!person || !plain || event.ts === undefined || event.user === undefined) return true;
      const key = `${event.channel}:${event.ts}`;
      if (relayed.has(key)) return true;
      relayed.set(key, true);
      const desk = options.desk();
      if (desk === undefined) return true;
      await keeper.touched(tenant, event.user);
      const text = unescapeText(event.text ?? "").trim();
      if (text === "") return true;
      const result = await desk.reply(task.ref, event.user, text, `slack-agent:${key}`);
      if (!result.ok)
        await tell(
          workspace,
          { channel: event.channel, user: event.user, threadTs: event.thread_ts },
          `Not sent to the customer: ${result.problem}`,
        );
      return true;
    },

    /** `/lutin …`: presence for agents, channel settings in multi-workspace mode, help for everyone. */
    async onCommand(tenant: string, command: SlashCommand): Promise<string> {
      const word = command.text.trim().toLowerCase().split(/\s+/)[0] ?? "";
      switch (word) {
        case "available": {
          const workspace = options.workspaces.forTenant(tenant);
          const made =
            workspace === undefined
              ? await keeper.available(tenant, command.user)
              : await makeAvailable(workspace, command.user, command.channel, command.userName);
          if (!made.ok) return `You cannot be made available: ${made.problem}.`;
          return "You are available: handoff requests will be posted for you in the agents' channel. `/lutin away` to stop.";
        }
        case "away":
          await keeper.away(tenant, command.user);
          return "You are away: no new handoff request will be offered to you. Handoffs you hold go back to the queue.";
        case "status": {
          const declared = keeper.declared(tenant, command.user);
          return declared === true
            ? "You are available."
            : declared === false
              ? "You are away."
              : "You have not set yourself available yet: `/lutin available`.";
        }
        case "agents-channel":
        case "follow-up-channel": {
          const which = word === "agents-channel" ? "agentsChannel" : "followUpChannel";
          if (options.installations === undefined)
            return `This app runs for one workspace: the channel is set by ${which === "agentsChannel" ? "SLACK_AGENTS_CHANNEL" : "SLACK_FOLLOW_UP_CHANNEL"}.`;
          // Whoever picks the agents' channel decides who can enrol as an agent: the installer only.
          if (options.enrollment.installerOf(tenant) !== command.user)
            return "Only the person who installed LutinGénie in this workspace can choose its channels (installing it again from the install page makes you that person).";
          await options.installations.setChannel(tenant, which, command.channel);
          return which === "agentsChannel"
            ? `Handoff requests will be posted in <#${command.channel}>. Invite me to it if I am not in it yet.`
            : `Follow-up tasks will be posted in <#${command.channel}>. Invite me to it if I am not in it yet.`;
        }
        default:
          return `${CUSTOMER_HELP}\n${AGENT_HELP}`;
      }
    },

    async onHomeOpened(tenant: string, user: string): Promise<void> {
      const workspace = options.workspaces.forTenant(tenant);
      if (workspace !== undefined) await publishHome(workspace, user);
    },
  };
}

export type AgentInteractions = ReturnType<typeof createAgentInteractions>;

function capitalised(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toUpperCase()}${text.slice(1)}`;
}
