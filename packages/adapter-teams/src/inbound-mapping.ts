import type { ReceivedActivity } from "./activity-verdict.js";

export type ConversationKind = "personal" | "channel" | "groupChat";

/** A customer message, read out of a Teams message activity. */
export interface CustomerMessage {
  /**
   * The LutinGénie thread (COUNTING.md: a place and its customer): the Teams conversation id. A personal
   * chat is one conversation (`a:…`); a group chat one (`19:…@thread.v2`); in a team channel, a post
   * and its reply chain are one conversation, `19:…@thread.tacv2;messageid=<root>`, which is where the
   * answer goes (posting to it replies in that chain).
   */
  thread: string;
  kind: ConversationKind;
  activityId: string;
  replyToId: string | undefined;
  fromId: string;
  text: string;
  /** The channel's timestamp in ms, when it sent a readable one (C14 is core's). */
  at: number | undefined;
}

export type IgnoreReason =
  | "own_activity"
  | "edit"
  | "delete"
  | "reaction"
  | "conversation_update"
  | "not_addressed"
  | "unsupported_type"
  | "incomplete"
  | "thread_too_long";

export type Mapping =
  | { action: "message"; message: CustomerMessage }
  | { action: "install"; conversationId: string }
  | {
      action: "card";
      cardActivityId: string | undefined;
      data: unknown;
      invoke: boolean;
      fromId: string;
      at: number | undefined;
    }
  | { action: "ignore"; reason: IgnoreReason };

/** The thread key is core's `thread` (at most 512 characters). */
const MAX_THREAD = 512;

/**
 * One authenticated Teams activity → what the customer side does with it. The bot's own activities,
 * edits (`messageUpdate`), deletions (`messageDelete`), reactions and `conversationUpdate` are never a
 * customer message (C9); `installationUpdate` (add) is a greeting, never counted; a card button is an
 * Action.Submit message with a `value`, or an `adaptiveCard/action` invoke.
 */
export function mapActivity(activity: ReceivedActivity): Mapping {
  const from = activity.from as { id?: unknown; role?: unknown } | undefined;
  const recipient = activity.recipient as { id?: unknown } | undefined;
  const fromId = typeof from?.id === "string" ? from.id : undefined;
  const botId = typeof recipient?.id === "string" ? recipient.id : undefined;
  if (fromId !== undefined && fromId === botId) return { action: "ignore", reason: "own_activity" };
  if (from?.role === "bot") return { action: "ignore", reason: "own_activity" };
  const at = millisecondsOf(activity.timestamp);
  switch (activity.type) {
    case "messageUpdate":
      return { action: "ignore", reason: "edit" };
    case "messageDelete":
      return { action: "ignore", reason: "delete" };
    case "messageReaction":
      return { action: "ignore", reason: "reaction" };
    case "conversationUpdate":
      return { action: "ignore", reason: "conversation_update" };
    case "installationUpdate":
      return activity.action === "add" || activity.action === "add-upgrade"
        ? { action: "install", conversationId: activity.conversation.id }
        : { action: "ignore", reason: "conversation_update" };
    case "invoke":
      if (activity.name !== "adaptiveCard/action" || fromId === undefined)
        return { action: "ignore", reason: "unsupported_type" };
      return {
        action: "card",
        cardActivityId: typeof activity.replyToId === "string" ? activity.replyToId : undefined,
        data: (activity.value as { action?: { data?: unknown } } | undefined)?.action?.data,
        invoke: true,
        fromId,
        at,
      };
    case "message":
      break;
    default:
      return { action: "ignore", reason: "unsupported_type" };
  }
  if (fromId === undefined || typeof activity.id !== "string" || activity.id === "")
    return { action: "ignore", reason: "incomplete" };
  if (activity.value !== undefined && (typeof activity.text !== "string" || activity.text.trim() === ""))
    return {
      action: "card",
      cardActivityId: typeof activity.replyToId === "string" ? activity.replyToId : undefined,
      data: activity.value,
      invoke: false,
      fromId,
      at,
    };
  const kind = kindOf(activity);
  const mentioned = botId !== undefined && mentionsOf(activity).some((mention) => mention.id === botId);
  // In a channel or a group chat Teams delivers @mentions of the bot; anything else is not for it.
  if (kind !== "personal" && !mentioned) return { action: "ignore", reason: "not_addressed" };
  const thread =
    kind === "channel" && !activity.conversation.id.includes(";messageid=")
      ? `${activity.conversation.id};messageid=${activity.id}`
      : activity.conversation.id;
  if (thread.length > MAX_THREAD) return { action: "ignore", reason: "thread_too_long" };
  return {
    action: "message",
    message: {
      thread,
      kind,
      activityId: activity.id,
      replyToId: typeof activity.replyToId === "string" ? activity.replyToId : undefined,
      fromId,
      text: customerText(activity, botId),
      at,
    },
  };
}

export function kindOf(activity: ReceivedActivity): ConversationKind {
  const type = activity.conversation.conversationType;
  if (type === "channel") return "channel";
  if (type === "groupChat" || activity.conversation.isGroup === true) return "groupChat";
  return "personal";
}

interface Mention {
  id: string;
  text: string | undefined;
}

function mentionsOf(activity: ReceivedActivity): Mention[] {
  const entities = Array.isArray(activity.entities) ? activity.entities : [];
  const found: Mention[] = [];
  for (const entity of entities as Array<Record<string, unknown> | null>) {
    if (entity === null || typeof entity !== "object" || entity.type !== "mention") continue;
    const mentioned = entity.mentioned as { id?: unknown } | undefined;
    if (typeof mentioned?.id !== "string") continue;
    found.push({ id: mentioned.id, text: typeof entity.text === "string" ? entity.text : undefined });
  }
  return found;
}

/** The words for the assistant: the bot's @mention taken out; shared files named when there is no text. */
function customerText(activity: ReceivedActivity, botId: string | undefined): string {
  let text = typeof activity.text === "string" ? activity.text : "";
  for (const mention of mentionsOf(activity))
    if (mention.id === botId && mention.text !== undefined && mention.text !== "")
      text = text.split(mention.text).join(" ");
  // A mention Teams did not list as an entity still arrives as <at>…</at> markup.
  text = text
    .replace(/<at>[^<]{0,200}<\/at>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (text !== "") return text;
  const files = (Array.isArray(activity.attachments) ? activity.attachments : []).filter(
    (attachment): attachment is { name?: unknown; contentType?: unknown } =>
      typeof attachment === "object" &&
      attachment !== null &&
      (attachment as { contentType?: unknown }).contentType !== "text/html",
  );
  if (files.length === 0) return "";
  const names = files
    .map((file) => (typeof file.name === "string" ? file.name.slice(0, 200) : "file"))
    .join(", ");
  return `(shared ${files.length === 1 ? "a file" : `${files.length} files`}: ${names})`;
}

function millisecondsOf(timestamp: unknown): number | undefined {
  if (typeof timestamp !== "string") return undefined;
  const at = Date.parse(timestamp);
  return Number.isFinite(at) && at >= 0 ? at : undefined;
}
