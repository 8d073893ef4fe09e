/**
 * Adaptive Cards (schema 1.5) for the agents' side of Teams: a handoff request in the agents' channel and
 * a follow-up task in the follow-up channel, each redrawn in place (PUT activity) as it changes. Pure
 * builders: they take what core posted and where the task stands, and return the card's JSON.
 *
 * Buttons are `Action.Execute` (Universal Actions: an `adaptiveCard/action` invoke answered with the card
 * redrawn for the clicker) with an `Action.Submit` fallback for clients that lack 1.4+ (a message activity
 * whose `value` is the same data). Both carry the same `data`, read back by `agentActionOf`.
 */

export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
export const ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
export const ADAPTIVE_CARD_VERSION = "1.5";

/** The data key of agents' buttons: its own name, so the customers' card actions never match it. */
export const AGENT_ACTION_KEY = "lutinAgent";
export const AGENT_VERBS = ["accept", "close", "resolve", "assign", "done"] as const;
export type AgentVerb = (typeof AGENT_VERBS)[number];

/** What an agent's button sends back (as `value` of a Submit, `value.action.data` of an Execute). */
export interface AgentActionData {
  [AGENT_ACTION_KEY]: AgentVerb;
  /** The handoff or follow-up id (core's `ref`). */
  ref: string;
}

// English, like the Slack adapter's agent blocks: the product messages catalogue has no agent-side keys yet.
/** Teams refuses messages over ~100 KB (ARCHITECTURE.md); a card's texts are kept far below it. */
const TEXT_LIMIT = 3000;
const LAST_MESSAGE_LIMIT = 500;
const LAST_MESSAGES_SHOWN = 5;

export type CardElement = Record<string, unknown>;
export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  body: CardElement[];
  actions: CardElement[];
  msteams: { width: "Full" };
}

/** Where a handoff stands, as its card shows it. */
export type HandoffState =
  | { phase: "waiting" }
  | { phase: "taken"; by: string }
  | { phase: "ended"; how: "closed" | "resolved"; by: string | null }
  | { phase: "withdrawn" };

export function handoffStatusText(state: HandoffState): string {
  switch (state.phase) {
    case "waiting":
      return "Waiting for an agent";
    case "taken":
      return `Taken by ${state.by}`;
    case "ended":
      return `${state.how === "resolved" ? "Resolved" : "Closed"}${state.by === null ? "" : ` by ${state.by}`}`;
    case "withdrawn":
      return "No longer waiting: it became a follow-up task";
  }
}

/**
 * The handoff request: who the customer is and where, language, emotion, reason and priority, the last
 * messages, where it stands, and what an agent can do now (Accept while waiting; Resolve and Close once
 * taken; nothing once ended or withdrawn, so a stale button cannot be pressed).
 */
export function handoffCard(
  ref: string,
  text: string,
  fields: Readonly<Record<string, string>>,
  state: HandoffState,
): AdaptiveCard {
  const body: CardElement[] = [
    textBlock(handoffStatusText(state), { weight: "Bolder", size: "Medium", color: statusColor(state) }),
    textBlock(text, { wrap: true }),
    facts([
      ["Customer", fields.customer],
      ["Channel", fields.customerChannel],
      ["Priority", fields.priority],
      ["Language", fields.language],
      ["Emotion", fields.emotion],
      ["Reason", fields.reason],
    ]),
    ...lastMessagesBlocks(fields.lastMessages),
  ];
  const actions: CardElement[] = [];
  if (state.phase === "waiting") actions.push(action("accept", "Accept", ref, "positive"));
  if (state.phase === "taken")
    actions.push(action("resolve", "Resolve", ref, "positive"), action("close", "Close", ref));
  return card(body, actions);
}

/** One step of a follow-up task, with who did it and when (shown on its card). */
export interface FollowUpStep {
  status: "open" | "assigned" | "done";
  by: string | null;
  at: number;
}

export function followUpStatusText(step: Pick<FollowUpStep, "status" | "by">): string {
  if (step.status === "open") return "Open";
  const by = step.by === null || step.by === "" ? "" : ` ${step.status === "done" ? "by" : "to"} ${step.by}`;
  return `${step.status === "done" ? "Done" : "Assigned"}${by}`;
}

/**
 * One follow-up task: summary, priority and labels, the customer's contact details, the conversation's
 * last messages, its history (each state with who and when), and Assign to me / Done until it is done.
 */
export function followUpCard(
  ref: string,
  text: string,
  fields: Readonly<Record<string, string>>,
  history: readonly FollowUpStep[],
): AdaptiveCard {
  const current = history.at(-1) ?? { status: "open" as const, by: null, at: 0 };
  const labels = (fields.labels ?? "")
    .split(",")
    .map((label) => label.trim())
    .filter((label) => label !== "");
  const body: CardElement[] = [
    textBlock(followUpStatusText(current), {
      weight: "Bolder",
      size: "Medium",
      color: current.status === "done" ? "Good" : current.status === "assigned" ? "Accent" : "Warning",
    }),
    textBlock(text, { wrap: true }),
    facts([
      ["Priority", fields.priority],
      ["Labels", labels.length === 0 ? undefined : labels.join(" · ")],
      ["Contact", fields.contact],
      ["Language", fields.language],
    ]),
    ...lastMessagesBlocks(fields.lastMessages),
  ];
  if (history.length > 0)
    body.push(
      textBlock("History", { weight: "Bolder", spacing: "Medium" }),
      ...history.map((step) =>
        textBlock(`${followUpStatusText(step)} · ${timeOf(step.at)}`, { isSubtle: true, spacing: "None" }),
      ),
    );
  const actions =
    current.status === "done"
      ? []
      : [action("assign", "Assign to me", ref), action("done", "Done", ref, "positive")];
  return card(body, actions);
}

/** What the agent who lost the race (or clicked a stale button) is told, only them. */
export function refusalText(problem: string): string {
  return problem.length === 0 ? problem : `${problem[0]?.toUpperCase()}${problem.slice(1)}`;
}

/**
 * Reads an agent's button data from a Submit's `value` or an Execute's `action.data`; null for anything
 * else (a customer's button, a hand-made payload): hostile input is normal input.
 */
export function agentActionOf(data: unknown): AgentActionData | null {
  if (typeof data !== "object" || data === null) return null;
  const verb = (data as Record<string, unknown>)[AGENT_ACTION_KEY];
  const ref = (data as Record<string, unknown>).ref;
  if (typeof verb !== "string" || !(AGENT_VERBS as readonly string[]).includes(verb)) return null;
  if (typeof ref !== "string" || ref === "" || ref.length > 200) return null;
  return { [AGENT_ACTION_KEY]: verb as AgentVerb, ref };
}

/** The card as a message attachment (what an activity's `attachments` holds). */
export function cardAttachment(content: AdaptiveCard) {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content };
}

function card(body: CardElement[], actions: CardElement[]): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: ADAPTIVE_CARD_SCHEMA,
    version: ADAPTIVE_CARD_VERSION,
    body,
    actions,
    msteams: { width: "Full" },
  };
}

function action(verb: AgentVerb, title: string, ref: string, style?: "positive"): CardElement {
  const data: AgentActionData = { [AGENT_ACTION_KEY]: verb, ref };
  const styled = style === undefined ? {} : { style };
  return {
    type: "Action.Execute",
    title,
    verb: `lutin-agent-${verb}`,
    data,
    ...styled,
    fallback: { type: "Action.Submit", title, data, ...styled },
  };
}

function textBlock(text: string, options: Record<string, unknown> = {}): CardElement {
  return { type: "TextBlock", text: bounded(text, TEXT_LIMIT), wrap: true, ...options };
}

function facts(pairs: ReadonlyArray<readonly [string, string | undefined]>): CardElement {
  return {
    type: "FactSet",
    facts: pairs
      .filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1].trim() !== "")
      .map(([title, value]) => ({ title, value: bounded(value, 200) })),
  };
}

/** `lastMessages` is one message a line ("customer: …"), as core posts it; the last few are shown. */
function lastMessagesBlocks(lastMessages: string | undefined): CardElement[] {
  const lines = (lastMessages ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .slice(-LAST_MESSAGES_SHOWN);
  if (lines.length === 0) return [];
  return [
    textBlock("Last messages", { weight: "Bolder", spacing: "Medium" }),
    ...lines.map((line) => textBlock(bounded(line, LAST_MESSAGE_LIMIT), { spacing: "None" })),
  ];
}

function statusColor(state: HandoffState): string {
  return state.phase === "waiting" ? "Warning" : state.phase === "taken" ? "Accent" : "Good";
}

/** Adaptive Cards render `{{DATE(…)}}`/`{{TIME(…)}}` in the reader's own time zone and language. */
function timeOf(at: number): string {
  const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

function bounded(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
