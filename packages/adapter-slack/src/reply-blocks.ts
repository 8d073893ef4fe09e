import type { OutboundAction } from "@lutingenie/core";

/** Action ids of the buttons the adapter puts under an answer; Bolt routes clicks on this prefix. */
export const ACTION_PREFIX = "lutin:";
export const RESOLVE_ACTION = `${ACTION_PREFIX}resolve`;
export const HUMAN_ACTION = `${ACTION_PREFIX}human`;
export const QUICK_REPLY_ACTION = `${ACTION_PREFIX}quick-reply`;

/** What "Talk to a human" says on the customer's behalf; Escalation (issue 4) reads it. */
export const HUMAN_REQUEST_TEXT = "I want to talk to a human";

// English for now: the product messages catalogue will carry these labels once it has Slack keys.
const RESOLVE_LABEL = "That solved it";
const HUMAN_LABEL = "Talk to a human";

/** Slack's limits: 3,000 characters per section text, 75 per button label, 2,000 per button value. */
const SECTION_LIMIT = 3000;
const LABEL_LIMIT = 75;
const VALUE_LIMIT = 2000;

/** What a button carries back when clicked: the thread it answers and, for a quick reply, the text to send. */
export interface ButtonValue {
  thread: string;
  value?: string;
}

/**
 * Slack reads `&`, `<` and `>` as markup: an answer quoting "<!channel>" or "<@U…>" must not ping anyone,
 * so the three are escaped as Slack documents.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function unescapeText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

type Block =
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "actions"; block_id: string; elements: Button[] };
interface Button {
  type: "button";
  action_id: string;
  text: { type: "plain_text"; text: string; emoji: true };
  value: string;
  style?: "primary";
}

/** The answer as Block Kit: its text in sections, then quick replies, "That solved it" and "Talk to a human". */
export function replyBlocks(thread: string, text: string, actions: readonly OutboundAction[] = []): Block[] {
  const escaped = escapeText(text);
  const blocks: Block[] = [];
  for (let start = 0; start < escaped.length; start += SECTION_LIMIT)
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: escaped.slice(start, start + SECTION_LIMIT) },
    });
  const buttons: Button[] = [];
  actions.forEach((action, index) => {
    if (action.kind === "resolve") {
      buttons.push(button(RESOLVE_ACTION, action.label, { thread }, "primary"));
    } else {
      const value = encodeValue({ thread, value: action.value });
      if (value.length <= VALUE_LIMIT)
        buttons.push(button(`${QUICK_REPLY_ACTION}:${index}`, action.label, { thread, value: action.value }));
    }
  });
  if (!buttons.some((candidate) => candidate.action_id === RESOLVE_ACTION))
    buttons.push(button(RESOLVE_ACTION, RESOLVE_LABEL, { thread }, "primary"));
  buttons.push(button(HUMAN_ACTION, HUMAN_LABEL, { thread }));
  // Slack refuses a thread key too long for a button value; the answer then goes out without buttons.
  if (buttons.every((candidate) => candidate.value.length <= VALUE_LIMIT))
    blocks.push({ type: "actions", block_id: "lutin-answer-actions", elements: buttons.slice(0, 25) });
  return blocks;
}

function button(actionId: string, label: string, value: ButtonValue, style?: "primary"): Button {
  const text = label.length > LABEL_LIMIT ? `${label.slice(0, LABEL_LIMIT - 1)}…` : label;
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text, emoji: true },
    value: encodeValue(value),
    ...(style === undefined ? {} : { style }),
  };
}

function encodeValue(value: ButtonValue): string {
  return JSON.stringify(value);
}

/** Reads a button's value back; null when it is not one of ours (another app's, or damaged). */
export function decodeValue(raw: unknown): ButtonValue | null {
  if (typeof raw !== "string") return null;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== "object" || parsed === null) return null;
    const { thread, value } = parsed as Record<string, unknown>;
    if (typeof thread !== "string" || thread === "") return null;
    if (value !== undefined && typeof value !== "string") return null;
    return value === undefined ? { thread } : { thread, value };
  } catch {
    return null;
  }
}
