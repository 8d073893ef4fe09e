import type { AgentChannel, AgentChannelPost, DeliveryResult, FollowUpChannel } from "@lutingenie/core";
import type { WebClient } from "@slack/web-api";
import {
  type AgentBlock,
  type FollowUpState,
  followUpBlocks,
  followUpStatusText,
  type HandoffState,
  handoffBlocks,
  handoffStatusText,
} from "./agent-blocks.js";
import type { AgentPostIndex, PostedTask } from "./agent-post-index.js";
import { callSlack, type DeliveryOptions } from "./delivery.js";
import { escapeText } from "./reply-blocks.js";
import type { Workspace, Workspaces } from "./workspaces.js";

export interface AgentPostingOptions extends Omit<DeliveryOptions, "client"> {
  client: WebClient;
  workspaces: Workspaces;
  index: AgentPostIndex;
}

/**
 * Core's posts for agents, as Slack messages. A handoff request is one root message in the workspace's
 * agents' channel, redrawn in place (chat.update) as it is taken, ended or withdrawn; the customer's
 * messages go into its thread. A follow-up task is one root message in the follow-up channel, redrawn as
 * it is assigned and done, with each change also written in its thread.
 */
export function createAgentPosting(options: AgentPostingOptions): {
  agents: AgentChannel;
  followUps: FollowUpChannel;
} {
  const { client, index } = options;

  const post = (
    workspace: Workspace,
    channel: string,
    text: string,
    blocks?: AgentBlock[],
    threadTs?: string,
  ) =>
    callSlack(options, "chat.postMessage", () =>
      client.chat.postMessage({
        token: workspace.token,
        channel,
        text: escapeText(text),
        ...(blocks === undefined ? {} : { blocks }),
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );

  const update = (workspace: Workspace, task: PostedTask, text: string, blocks: AgentBlock[]) =>
    callSlack(options, "chat.update", () =>
      client.chat.update({ token: workspace.token, channel: task.channel, ts: task.ts, text, blocks }),
    );

  /** Draws a task: updates its root message, or posts it when it has none yet (first post, or a restart). */
  const draw = async (
    workspace: Workspace,
    channel: string,
    shape: {
      tenant: string;
      ref: string;
      kind: PostedTask["kind"];
      text: string;
      fields: Record<string, string>;
    },
    render: (task: Pick<PostedTask, "text" | "fields">) => { text: string; blocks: AgentBlock[] },
  ): Promise<DeliveryResult> => {
    const existing = await index.byRef(shape.tenant, shape.ref);
    if (existing !== undefined) {
      const drawn = render(existing);
      const updated = await update(workspace, existing, drawn.text, drawn.blocks);
      // Drawn again: kept for another retention period (slack-state.ts).
      if (updated.ok) await index.remember(existing);
      return updated;
    }
    const drawn = render(shape);
    const result = await callSlack(options, "chat.postMessage", () =>
      client.chat.postMessage({
        token: workspace.token,
        channel,
        text: drawn.text,
        blocks: drawn.blocks,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (result.ok && result.platformMessageId !== undefined)
      await index.remember({ ...shape, channel, ts: result.platformMessageId });
    return result;
  };

  const once = async (
    input: AgentChannelPost,
    which: "agentsChannel" | "followUpChannel",
    work: (workspace: Workspace, channel: string) => Promise<DeliveryResult>,
  ): Promise<DeliveryResult> => {
    const known = index.receiptOf(input.tenant, input.key);
    if (known !== undefined) return known;
    const workspace = options.workspaces.forTenant(input.tenant);
    if (workspace === undefined)
      return refused(`no Slack workspace is installed for tenant "${input.tenant}"`);
    const channel = workspace[which];
    if (channel === undefined)
      return refused(
        which === "agentsChannel"
          ? "no agents' channel is set: set SLACK_AGENTS_CHANNEL (single workspace) or run /lutin agents-channel in it"
          : "no follow-up channel is set: set SLACK_FOLLOW_UP_CHANNEL (single workspace) or run /lutin follow-up-channel in it",
      );
    const result = await work(workspace, channel);
    index.noteReceipt(input.tenant, input.key, result);
    return result;
  };

  const agents: AgentChannel = {
    post: (input) =>
      once(input, "agentsChannel", async (workspace, channel) => {
        const shape = {
          tenant: input.tenant,
          ref: input.ref,
          kind: "handoff" as const,
          text: input.text,
          fields: input.fields,
        };
        const redraw = (state: HandoffState) =>
          draw(workspace, channel, shape, (task) => ({
            text: `${handoffStatusText(state)}: ${escapeText(task.text)}`,
            blocks: handoffBlocks(input.ref, task.text, { ...task.fields, ...input.fields }, state),
          }));
        switch (input.kind) {
          case "handoff_requested":
            return redraw({ phase: "waiting" });
          case "handoff_taken":
            return redraw({ phase: "taken", by: input.fields.acceptedBy ?? input.agents[0] ?? "an agent" });
          case "handoff_ended":
            // Core says how in its text ("Closed" / "Resolved"); the holder is in the fields.
            return redraw({
              phase: "ended",
              how: /resolved/i.test(input.text) ? "resolved" : "closed",
              by: input.fields.acceptedBy ?? null,
            });
          case "handoff_withdrawn":
            return redraw({ phase: "withdrawn" });
          case "customer_message": {
            const root = await index.byRef(input.tenant, input.ref);
            return post(workspace, root?.channel ?? channel, `Customer: ${input.text}`, undefined, root?.ts);
          }
          default:
            return refused(`the agents' channel does not take "${input.kind}" posts`);
        }
      }),
  };

  const followUps: FollowUpChannel = {
    postFollowUp: (input) =>
      once(input, "followUpChannel", async (workspace, channel) => {
        const shape = {
          tenant: input.tenant,
          ref: input.ref,
          kind: "follow_up" as const,
          text: input.text,
          fields: input.fields,
        };
        const state: FollowUpState =
          input.fields.status === "assigned" || input.fields.status === "done"
            ? { status: input.fields.status, by: input.fields.assignee ?? null }
            : { status: "open" };
        const drawn = await draw(workspace, channel, shape, (task) => ({
          text: `${followUpStatusText(state)}: ${escapeText(task.text)}`,
          blocks: followUpBlocks(input.ref, task.text, { ...task.fields, status: state.status }, state),
        }));
        if (!drawn.ok || input.kind === "follow_up_created") return drawn;
        // One thread per task: each change is also written under it, so the thread tells its history.
        const root = await index.byRef(input.tenant, input.ref);
        if (root === undefined) return drawn;
        return callSlack(options, "chat.postMessage", () =>
          client.chat.postMessage({
            token: workspace.token,
            channel: root.channel,
            thread_ts: root.ts,
            text: followUpStatusText(state),
          }),
        );
      }),
  };

  return { agents, followUps };
}

function refused(detail: string): DeliveryResult {
  return { ok: false, reason: "rejected", retryable: false, detail };
}
