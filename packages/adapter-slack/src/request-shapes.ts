import { z } from "zod";
import { AGENT_ACTION_PREFIX } from "./agent-blocks.js";
import { ACTION_PREFIX } from "./reply-blocks.js";

/*
 * What a signed body must look like before Bolt gets it. Bolt trusts the shape of what Slack sends: it
 * reads `event.channel.creator`, `authorizations[0].team_id`, `user.id`, `response_urls.length` and
 * friends without checking, so a signed `payload=null` crashed the process (an unhandled rejection in its
 * receiver) and `"item": 5` answered 500. Only the fields Bolt and our listeners read are checked here,
 * each with the type they are read as; the rest passes through untouched (the listeners get Slack's
 * body as sent). Slack's ids and timestamps are short: longer ones are not Slack's.
 */

const id = z.string().min(1).max(64);
const slackTs = z.string().min(1).max(32);
/** Read as `x.y` by Bolt when present: null (typeof "object") or a number there made it throw. */
const record = z.record(z.string(), z.unknown());

/** The events this app subscribes to (manifest.json) and listens to; others are acknowledged unread. */
export const HANDLED_EVENT_TYPES = ["message", "app_mention", "app_home_opened", "app_uninstalled"] as const;

const messageEvent = z
  .object({
    type: z.enum(["message", "app_mention"]),
    subtype: z.string().max(64).optional(),
    channel: id.optional(),
    channel_type: z.string().max(32).optional(),
    user: id.optional(),
    user_team: id.optional(),
    bot_id: id.optional(),
    text: z.string().optional(),
    ts: slackTs.optional(),
    thread_ts: slackTs.optional(),
    files: z.array(record).optional(),
  })
  .passthrough()
  .superRefine((event, context) => {
    // Message-like events must say where and when: the thread and the idempotency key come from them.
    if (event.subtype === "message_changed" || event.subtype === "message_deleted") return;
    for (const field of ["channel", "ts"] as const)
      if (event[field] === undefined)
        context.addIssue({ code: "custom", path: [field], message: `a ${event.type} event needs ${field}` });
  });

/** Fields Bolt reads on any event, whatever its type (getTypeAndConversation, buildSource). */
const anyEvent = z
  .object({
    type: z.string().min(1).max(64),
    channel: z.union([z.string().max(64), record]).optional(),
    user: z.union([z.string().max(64), record]).optional(),
    item: record.optional(),
    subteam: record.optional(),
  })
  .passthrough();

/** The Events API envelope, as far as it is read. */
export const eventEnvelopeSchema = z
  .object({
    type: z.literal("event_callback"),
    event_id: id,
    team_id: id.optional(),
    enterprise_id: id.nullable().optional(),
    is_ext_shared_channel: z.boolean().optional(),
    authorizations: z.array(record).optional(),
    event: anyEvent,
  })
  .passthrough()
  .superRefine((envelope, context) => {
    const type = envelope.event.type;
    if (type !== "message" && type !== "app_mention") return;
    const checked = messageEvent.safeParse(envelope.event);
    if (!checked.success)
      for (const issue of checked.error.issues)
        context.addIssue({ code: "custom", path: ["event", ...issue.path], message: issue.message });
  });

/** A click on one of our buttons (block_actions), as far as Bolt and the click handlers read it. */
export const blockActionsSchema = z
  .object({
    type: z.literal("block_actions"),
    actions: z
      .array(
        z
          .object({
            action_id: z
              .string()
              .max(255)
              .refine(
                (actionId) => actionId.startsWith(ACTION_PREFIX) || actionId.startsWith(AGENT_ACTION_PREFIX),
                "is not one of this app's buttons",
              ),
            value: z.string().max(2_000).optional(),
            action_ts: slackTs.optional(),
            text: record.optional(),
          })
          .passthrough(),
      )
      .min(1),
    user: z.object({ id, team_id: id.optional() }).passthrough(),
    team: z.object({ id: id.optional() }).passthrough().nullable().optional(),
    enterprise: z.object({ id: id.optional() }).passthrough().nullable().optional(),
    channel: z.object({ id: id.optional() }).passthrough().optional(),
    container: z
      .object({ channel_id: id.optional(), message_ts: slackTs.optional() })
      .passthrough()
      .optional(),
    message: z
      .object({ ts: slackTs.optional(), text: z.string().optional(), blocks: z.array(record).optional() })
      .passthrough()
      .optional(),
    response_url: z.string().optional(),
    response_urls: z.array(record).optional(),
  })
  .passthrough();

/** The `/lutin` slash command's form fields; each once (a repeated field is an array to Bolt). */
export const slashCommandSchema = z
  .object({
    command: z.string(),
    text: z.string().max(4_000).optional(),
    user_id: id,
    team_id: id,
    channel_id: id,
    enterprise_id: id.optional(),
  })
  .passthrough();
