import {
  ANSWER_ACTIONS_BLOCK_ID,
  escapeText,
  HUMAN_ACTION,
  QUICK_REPLY_ACTION,
  RESOLVE_ACTION,
} from "./reply-blocks.js";

/** A Block Kit block as Slack hands it back in a block_actions payload; only `type` and `block_id` are read. */
export interface ReceivedBlock {
  type: string;
  block_id?: string;
  [field: string]: unknown;
}

/**
 * An answer after one of its buttons was clicked: the same blocks without the buttons, and a line saying
 * what was chosen. Redrawn with chat.update so a second click (another device, a slow double click)
 * cannot happen; one that does anyway is still one event by its key (C11). Null when the message holds
 * no buttons of ours (already redrawn, or not an answer): nothing to redraw.
 */
export function answeredBlocks(
  blocks: readonly ReceivedBlock[] | undefined,
  actionId: string,
  label: string | undefined,
): ReceivedBlock[] | null {
  if (blocks === undefined || !blocks.some((block) => block.block_id === ANSWER_ACTIONS_BLOCK_ID))
    return null;
  return [
    ...blocks.filter((block) => block.block_id !== ANSWER_ACTIONS_BLOCK_ID),
    {
      type: "context",
      block_id: "lutin-answer-chosen",
      elements: [{ type: "mrkdwn", text: choiceText(actionId, label) }],
    },
  ];
}

// English like the button labels; they move to the product messages together.
function choiceText(actionId: string, label: string | undefined): string {
  if (actionId === RESOLVE_ACTION) return "✓ You marked this as solved.";
  if (actionId === HUMAN_ACTION) return "You asked to talk to a human.";
  if (actionId.startsWith(QUICK_REPLY_ACTION) && label !== undefined)
    return `You chose “${escapeText(label)}”.`;
  return "Answered.";
}
