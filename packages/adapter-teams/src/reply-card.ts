import type { OutboundAction } from "@lutingenie/core";

/** What "Talk to a human" says on the customer's behalf; Escalation reads it (the Slack adapter's words). */
export const HUMAN_REQUEST_TEXT = "I want to talk to a human";
// English like the Slack adapter's labels until the product messages carry channel keys.
export const RESOLVE_LABEL = "That solved it";
export const HUMAN_LABEL = "Talk to a human";
export const ADAPTIVE_CARD_TYPE = "application/vnd.microsoft.card.adaptive";
/** Marks the card data as the customer side's: anything else is the agent side's (agent-side.ts). */
export const CUSTOMER_MARK = "customer";
const LABEL_LIMIT = 75;
const VALUE_LIMIT = 2000;

/** What a button carries back: which kind, the thread it answers, a quick reply's text. */
export interface CardChoice {
  lutin: typeof CUSTOMER_MARK;
  choice: "resolve" | "human" | "quick_reply";
  thread: string;
  label: string;
  value?: string;
  /** A quick reply's position, so two quick replies of one card are two keys. */
  index?: number;
}

interface CardAction {
  type: "Action.Execute";
  title: string;
  verb: string;
  data: CardChoice;
  style?: "positive";
  /** Clients without Universal Actions send the same data as a message (Action.Submit). */
  fallback: { type: "Action.Submit"; title: string; data: CardChoice };
}

export interface AdaptiveCardAttachment {
  contentType: typeof ADAPTIVE_CARD_TYPE;
  content: Record<string, unknown>;
}

/**
 * The buttons under an answer as an Adaptive Card (1.4): quick replies, "That solved it" and "Talk to a
 * human", each an Action.Execute (Teams sends an `adaptiveCard/action` invoke, answered with the card
 * redrawn) with an Action.Submit fallback (older clients send a message carrying the data). The answer's
 * text stays the activity's `text`, so notifications and search show it; the card holds only buttons.
 * Null when the thread is too long to ride in a button.
 */
export function answerCard(
  thread: string,
  actions: readonly OutboundAction[] = [],
): AdaptiveCardAttachment | null {
  const choices: CardChoice[] = [];
  actions.forEach((action, index) => {
    if (action.kind === "resolve")
      choices.push({ lutin: CUSTOMER_MARK, choice: "resolve", thread, label: action.label });
    else if (action.value.length <= VALUE_LIMIT)
      choices.push({
        lutin: CUSTOMER_MARK,
        choice: "quick_reply",
        thread,
        label: action.label,
        value: action.value,
        index,
      });
  });
  if (!choices.some((choice) => choice.choice === "resolve"))
    choices.push({ lutin: CUSTOMER_MARK, choice: "resolve", thread, label: RESOLVE_LABEL });
  choices.push({ lutin: CUSTOMER_MARK, choice: "human", thread, label: HUMAN_LABEL });
  if (thread.length > VALUE_LIMIT) return null;
  return {
    contentType: ADAPTIVE_CARD_TYPE,
    content: {
      type: "AdaptiveCard",
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      version: "1.4",
      body: [],
      actions: choices.slice(0, 6).map((choice): CardAction => {
        const title =
          choice.label.length > LABEL_LIMIT ? `${choice.label.slice(0, LABEL_LIMIT - 1)}…` : choice.label;
        return {
          type: "Action.Execute",
          title,
          verb: `lutin.${choice.choice}`,
          data: choice,
          ...(choice.choice === "resolve" ? { style: "positive" as const } : {}),
          fallback: { type: "Action.Submit", title, data: choice },
        };
      }),
    },
  };
}

/** The card once a button was used: no buttons any more, a line saying what was chosen. */
export function answeredCard(label: string): AdaptiveCardAttachment {
  return {
    contentType: ADAPTIVE_CARD_TYPE,
    content: {
      type: "AdaptiveCard",
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      version: "1.4",
      body: [{ type: "TextBlock", text: `✓ ${label}`, isSubtle: true, wrap: true }],
    },
  };
}

/** The customer card data in an Action.Submit message's `value` or an Action.Execute invoke's `action.data`; null if not ours. */
export function customerChoiceOf(data: unknown): CardChoice | null {
  if (typeof data !== "object" || data === null) return null;
  const record = data as Record<string, unknown>;
  if (record.lutin !== CUSTOMER_MARK) return null;
  const { choice, thread, label, value, index } = record;
  if (choice !== "resolve" && choice !== "human" && choice !== "quick_reply") return null;
  if (typeof thread !== "string" || thread === "" || thread.length > VALUE_LIMIT) return null;
  if (typeof label !== "string" || label.length > 200) return null;
  if (choice === "quick_reply" && (typeof value !== "string" || value === "" || value.length > VALUE_LIMIT))
    return null;
  if (index !== undefined && (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0))
    return null;
  return {
    lutin: CUSTOMER_MARK,
    choice,
    thread,
    label,
    ...(typeof value === "string" ? { value } : {}),
    ...(typeof index === "number" ? { index } : {}),
  };
}
