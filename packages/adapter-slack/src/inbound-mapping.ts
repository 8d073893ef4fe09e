import type { InboundEventInput } from "@lutingenie/core";
import { millisecondsOf, threadKeyOf } from "./thread-address.js";

/** The parts of a Slack message or app_mention event the mapping reads. */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  user_team?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  files?: ReadonlyArray<{ name?: string }>;
}

export type IgnoreReason =
  | "own_message"
  | "other_bot"
  | "edit"
  | "delete"
  | "not_addressed"
  | "unsupported_subtype"
  | "unsupported_event"
  | "incomplete";

export type Mapping =
  | { action: "receive"; event: InboundEventInput /** Thread the bot is now engaged in. */; engage: string }
  | { action: "ignore"; reason: IgnoreReason };

export interface MappingContext {
  tenant: string;
  botUserId: string;
  /** Whether the bot already answers in this thread (a mention started it). */
  isEngaged(thread: string): boolean;
  receivedAt: number;
}

/** Subtypes that are still a person writing: a plain message, one with files, a reply also sent to the channel. */
const CUSTOMER_SUBTYPES = new Set([undefined, "file_share", "thread_broadcast"]);

/**
 * One Slack event → one core event, or a reason to ignore it. The idempotency key is `${channel}:${ts}`, the
 * message's own identity: a mention arrives both as `app_mention` and `message` with two different
 * event_ids, and a retry repeats the event_id; both collapse onto the same key, so core answers and
 * counts once (C11). Edits, deletions, the bot's own posts and other bots are not customer messages (C9).
 */
export function mapMessageEvent(event: SlackMessageEvent, context: MappingContext): Mapping {
  if (event.type !== "message" && event.type !== "app_mention")
    return { action: "ignore", reason: "unsupported_event" };
  if (event.subtype === "message_changed") return { action: "ignore", reason: "edit" };
  if (event.subtype === "message_deleted") return { action: "ignore", reason: "delete" };
  if (event.user !== undefined && event.user === context.botUserId)
    return { action: "ignore", reason: "own_message" };
  if (event.bot_id !== undefined || event.subtype === "bot_message")
    return { action: "ignore", reason: "other_bot" };
  if (!CUSTOMER_SUBTYPES.has(event.subtype)) return { action: "ignore", reason: "unsupported_subtype" };
  if (event.channel === undefined || event.ts === undefined)
    return { action: "ignore", reason: "incomplete" };
  const at = millisecondsOf(event.ts);
  if (at === null) return { action: "ignore", reason: "incomplete" };

  const mention = `<@${context.botUserId}>`;
  const text = event.text ?? "";
  let thread: string;
  if (event.type === "message" && event.channel_type === "im") {
    thread = threadKeyOf({ channel: event.channel });
  } else if (event.type === "app_mention" || text.includes(mention)) {
    thread = threadKeyOf({ channel: event.channel, threadTs: event.thread_ts ?? event.ts });
  } else if (
    event.thread_ts !== undefined &&
    context.isEngaged(threadKeyOf({ channel: event.channel, threadTs: event.thread_ts }))
  ) {
    thread = threadKeyOf({ channel: event.channel, threadTs: event.thread_ts });
  } else {
    // Channel chatter the bot was not asked into (it sees it because of message.channels).
    return { action: "ignore", reason: "not_addressed" };
  }

  return {
    action: "receive",
    engage: thread,
    event: {
      key: `${event.channel}:${event.ts}`,
      tenant: context.tenant,
      thread,
      kind: "message",
      from: "customer",
      origin: "live",
      at,
      receivedAt: context.receivedAt,
      text: customerText(text, mention, event.files),
    },
  };
}

/** The words addressed to the assistant: without the mention of the bot; shared files named when there is no text. */
function customerText(text: string, mention: string, files: SlackMessageEvent["files"]): string {
  const words = text.split(mention).join(" ").replace(/\s+/g, " ").trim();
  if (words !== "" || files === undefined || files.length === 0) return words;
  const names = files.map((file) => file.name ?? "file").join(", ");
  return `(shared ${files.length === 1 ? "a file" : `${files.length} files`}: ${names})`;
}

/** Remembers which Slack threads the bot answers in, newest last, forgetting the oldest past `capacity`. */
export class EngagedThreads {
  readonly #threads = new Map<string, true>();
  constructor(private readonly capacity = 50_000) {}
  has(thread: string): boolean {
    return this.#threads.has(thread);
  }
  add(thread: string): void {
    this.#threads.delete(thread);
    this.#threads.set(thread, true);
    if (this.#threads.size > this.capacity) {
      const oldest = this.#threads.keys().next();
      if (oldest.done !== true) this.#threads.delete(oldest.value);
    }
  }
}
