import { escapeText } from "./reply-blocks.js";

/**
 * Block Kit for the agents' side: handoff requests in the agents' channel, follow-up tasks in the
 * follow-up channel, and the App Home. A prefix of its own so the customer buttons (`lutin:`) never match.
 */
export const AGENT_ACTION_PREFIX = "lutin-agent:";
export const ACCEPT_ACTION = `${AGENT_ACTION_PREFIX}accept`;
export const CLOSE_ACTION = `${AGENT_ACTION_PREFIX}close`;
export const RESOLVE_HANDOFF_ACTION = `${AGENT_ACTION_PREFIX}resolve`;
export const ASSIGN_ACTION = `${AGENT_ACTION_PREFIX}assign`;
export const DONE_ACTION = `${AGENT_ACTION_PREFIX}done`;
export const AVAILABLE_ACTION = `${AGENT_ACTION_PREFIX}available`;
export const AWAY_ACTION = `${AGENT_ACTION_PREFIX}away`;

// English for now, like the customer buttons: the product messages catalogue has no Slack keys yet.
const SECTION_LIMIT = 3000;

type Text = { type: "mrkdwn"; text: string };
export type AgentBlock =
  | { type: "section"; text: Text }
  | { type: "context"; elements: Text[] }
  | { type: "actions"; block_id: string; elements: AgentButton[] };
interface AgentButton {
  type: "button";
  action_id: string;
  text: { type: "plain_text"; text: string; emoji: true };
  value: string;
  style?: "primary" | "danger";
}

/** Where a handoff stands, as its message in the agents' channel shows it. */
export type HandoffState =
  | { phase: "waiting" }
  | { phase: "taken"; by: string }
  | { phase: "ended"; how: "closed" | "resolved"; by: string | null }
  | { phase: "withdrawn" };

/** A Slack user mention: the agent ids of Slack agents are their Slack user ids. */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeText(userId);
}

export function handoffStatusText(state: HandoffState): string {
  switch (state.phase) {
    case "waiting":
      return "Waiting for an agent";
    case "taken":
      return `Taken by ${mention(state.by)}`;
    case "ended":
      return `${state.how === "resolved" ? "Resolved" : "Closed"}${state.by === null ? "" : ` by ${mention(state.by)}`}`;
    case "withdrawn":
      return "No longer waiting: it became a follow-up task";
  }
}

/** The handoff request: what the customer needs, its priority, where it stands, and what an agent can do. */
export function handoffBlocks(
  ref: string,
  text: string,
  fields: Readonly<Record<string, string>>,
  state: HandoffState,
): AgentBlock[] {
  const blocks: AgentBlock[] = [
    section(text),
    context(
      [
        fields.priority === undefined ? null : `Priority: *${escapeText(fields.priority)}*`,
        fields.language === undefined ? null : `Language: ${escapeText(fields.language)}`,
        fields.emotion === undefined ? null : `Emotion: ${escapeText(fields.emotion)}`,
        fields.reason === undefined ? null : `Reason: ${escapeText(fields.reason)}`,
      ]
        .filter((part) => part !== null)
        .join(" · "),
    ),
    context(`*${handoffStatusText(state)}*`),
  ];
  if (state.phase === "waiting")
    blocks.push(actions("lutin-handoff", [button(ACCEPT_ACTION, "Accept", ref, "primary")]));
  if (state.phase === "taken")
    blocks.push(
      actions("lutin-handoff", [
        button(RESOLVE_HANDOFF_ACTION, "Resolve", ref, "primary"),
        button(CLOSE_ACTION, "Close", ref),
      ]),
    );
  return blocks.filter((block) => block.type !== "context" || block.elements[0]?.text !== "");
}

export type FollowUpState = { status: "open" } | { status: "assigned" | "done"; by: string | null };

export function followUpStatusText(state: FollowUpState): string {
  if (state.status === "open") return "Open";
  const by =
    state.by === null || state.by === ""
      ? ""
      : ` ${state.status === "done" ? "by" : "to"} ${mention(state.by)}`;
  return `${state.status === "done" ? "Done" : "Assigned"}${by}`;
}

/** One follow-up task: its summary, priority and labels, who has it, and Assign to me / Done. */
export function followUpBlocks(
  ref: string,
  text: string,
  fields: Readonly<Record<string, string>>,
  state: FollowUpState,
): AgentBlock[] {
  const labels = (fields.labels ?? "")
    .split(",")
    .map((label) => label.trim())
    .filter((label) => label !== "");
  const blocks: AgentBlock[] = [
    section(text),
    context(
      [
        fields.priority === undefined ? null : `Priority: *${escapeText(fields.priority)}*`,
        labels.length === 0 ? null : `Labels: ${labels.map((label) => `\`${escapeText(label)}\``).join(" ")}`,
        fields.contact === undefined ? null : `Contact: ${escapeText(fields.contact)}`,
      ]
        .filter((part) => part !== null)
        .join(" · "),
    ),
    context(`*${followUpStatusText(state)}*`),
  ];
  if (state.status !== "done")
    blocks.push(
      actions("lutin-follow-up", [
        button(ASSIGN_ACTION, "Assign to me", ref),
        button(DONE_ACTION, "Done", ref, "primary"),
      ]),
    );
  return blocks.filter((block) => block.type !== "context" || block.elements[0]?.text !== "");
}

/** The App Home tab: the agent's presence and the two switches (the guide's isOnline / isActive). */
export function homeView(available: boolean | null) {
  const status =
    available === null
      ? "Set yourself available to receive handoff requests."
      : available
        ? "*You are available*: handoff requests reach you. Your presence stays fresh until you set yourself away."
        : "*You are away*: no handoff request is offered to you.";
  return {
    type: "home" as const,
    blocks: [
      section("*LutinGénie — agents*"),
      { type: "section" as const, text: { type: "mrkdwn" as const, text: status } },
      actions("lutin-presence", [
        button(AVAILABLE_ACTION, "Available", "available", "primary"),
        button(AWAY_ACTION, "Away", "away"),
      ]),
    ],
  };
}

function section(text: string): AgentBlock {
  const escaped = escapeText(text);
  return {
    type: "section",
    text: {
      type: "mrkdwn",
      text: escaped.length > SECTION_LIMIT ? `${escaped.slice(0, SECTION_LIMIT - 1)}…` : escaped,
    },
  };
}

function context(text: string): AgentBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

function actions(blockId: string, elements: AgentButton[]): AgentBlock {
  return { type: "actions", block_id: blockId, elements };
}

function button(actionId: string, label: string, value: string, style?: "primary" | "danger"): AgentButton {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text: label, emoji: true },
    value,
    ...(style === undefined ? {} : { style }),
  };
}
