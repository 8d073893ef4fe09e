import { randomUUID } from "node:crypto";

/** Who is who in the activities the builders make. */
export interface TeamsParties {
  serviceUrl: string;
  /** The bot's id in Teams (`28:<app id>`). */
  botId: string;
  botName?: string;
  /** The Entra tenant the conversation is in. */
  tenantId?: string;
}

export interface MessageOptions {
  id?: string;
  from?: { id: string; name?: string; aadObjectId?: string };
  timestamp?: string;
  replyToId?: string;
  value?: unknown;
  attachments?: unknown[];
}

let sequence = 0;
/** A Teams message id: a millisecond timestamp, unique within the run. */
export const nextActivityId = () => String(Date.now() * 1000 + (++sequence % 1000));

const customer = {
  id: "29:customer-1",
  name: "Chloé Client",
  aadObjectId: "00000000-0000-0000-0000-00000000c11e",
};

function base(parties: TeamsParties, conversation: Record<string, unknown>, options: MessageOptions) {
  return {
    channelId: "msteams",
    serviceUrl: parties.serviceUrl,
    id: options.id ?? nextActivityId(),
    timestamp: options.timestamp ?? new Date().toISOString(),
    localTimestamp: options.timestamp ?? new Date().toISOString(),
    from: options.from ?? customer,
    recipient: { id: parties.botId, name: parties.botName ?? "Lutin" },
    conversation: { tenantId: parties.tenantId ?? "tenant-entra-1", ...conversation },
    channelData: { tenant: { id: parties.tenantId ?? "tenant-entra-1" } },
    locale: "en-US",
    ...(options.replyToId === undefined ? {} : { replyToId: options.replyToId }),
    ...(options.attachments === undefined ? {} : { attachments: options.attachments }),
  };
}

/** A message in the customer's personal (1:1) chat with the bot. */
export function personalMessage(
  parties: TeamsParties,
  conversationId: string,
  text: string,
  options: MessageOptions = {},
) {
  return {
    ...base(parties, { id: conversationId, conversationType: "personal" }, options),
    type: "message",
    text,
    textFormat: "plain",
    ...(options.value === undefined ? {} : { value: options.value }),
  };
}

function mentionEntity(parties: TeamsParties) {
  const name = parties.botName ?? "Lutin";
  return { type: "mention", text: `<at>${name}</at>`, mentioned: { id: parties.botId, name } };
}

/**
 * An @mention of the bot in a team channel. A new post: `rootId` is the post's own id (Teams names the
 * conversation `<channel>;messageid=<post id>`); a reply in a chain: the root post's id.
 */
export function channelMention(
  parties: TeamsParties,
  channelId: string,
  text: string,
  options: MessageOptions & { rootId?: string; teamId?: string; mention?: boolean } = {},
) {
  const id = options.id ?? nextActivityId();
  const name = parties.botName ?? "Lutin";
  return {
    ...base(
      parties,
      { id: `${channelId};messageid=${options.rootId ?? id}`, conversationType: "channel", isGroup: true },
      { ...options, id },
    ),
    type: "message",
    text: options.mention === false ? text : `<at>${name}</at> ${text}`,
    textFormat: "plain",
    entities: options.mention === false ? [] : [mentionEntity(parties)],
    channelData: {
      tenant: { id: parties.tenantId ?? "tenant-entra-1" },
      teamsChannelId: channelId,
      teamsTeamId: options.teamId ?? "19:team-1@thread.tacv2",
      channel: { id: channelId },
      team: { id: options.teamId ?? "19:team-1@thread.tacv2" },
    },
  };
}

/** An @mention of the bot in a group chat. */
export function groupMention(
  parties: TeamsParties,
  conversationId: string,
  text: string,
  options: MessageOptions = {},
) {
  const name = parties.botName ?? "Lutin";
  return {
    ...base(parties, { id: conversationId, conversationType: "groupChat", isGroup: true }, options),
    type: "message",
    text: `<at>${name}</at> ${text}`,
    textFormat: "plain",
    entities: [mentionEntity(parties)],
  };
}

/** Any other activity (messageUpdate, messageDelete, messageReaction, conversationUpdate, installationUpdate…). */
export function otherActivity(
  parties: TeamsParties,
  conversationId: string,
  type: string,
  fields: Record<string, unknown> = {},
  options: MessageOptions = {},
) {
  return { ...base(parties, { id: conversationId, conversationType: "personal" }, options), type, ...fields };
}

/** An Action.Execute click on a card: the `adaptiveCard/action` invoke Teams sends. */
export function cardExecute(
  parties: TeamsParties,
  conversationId: string,
  cardActivityId: string,
  data: unknown,
  options: MessageOptions = {},
) {
  return {
    ...base(parties, { id: conversationId, conversationType: "personal" }, options),
    id: options.id ?? `f:${randomUUID()}`,
    type: "invoke",
    name: "adaptiveCard/action",
    replyToId: cardActivityId,
    value: { action: { type: "Action.Execute", verb: "lutin", data }, trigger: "manual" },
  };
}

/** An Action.Submit click: a message with the card's data as `value` and no text. */
export function cardSubmit(
  parties: TeamsParties,
  conversationId: string,
  cardActivityId: string,
  data: unknown,
  options: MessageOptions = {},
) {
  return {
    ...base(
      parties,
      { id: conversationId, conversationType: "personal" },
      { ...options, replyToId: cardActivityId },
    ),
    type: "message",
    value: data,
  };
}

/** An Adaptive Card the bot posted: its content, its buttons as [title, data]; null without one. */
export function adaptiveCardOf(activity: Record<string, unknown> | undefined): {
  content: Record<string, unknown>;
  buttons: Array<{ title: string; type: string; data: unknown }>;
} | null {
  const attachments = Array.isArray(activity?.attachments) ? (activity.attachments as unknown[]) : [];
  for (const attachment of attachments) {
    const { contentType, content } = (attachment ?? {}) as { contentType?: unknown; content?: unknown };
    if (
      contentType !== "application/vnd.microsoft.card.adaptive" ||
      typeof content !== "object" ||
      content === null
    )
      continue;
    const actions = (content as { actions?: unknown }).actions;
    return {
      content: content as Record<string, unknown>,
      buttons: (Array.isArray(actions) ? actions : []).map((action) => {
        const { title, type, data } = action as { title?: unknown; type?: unknown; data?: unknown };
        return { title: String(title), type: String(type), data };
      }),
    };
  }
  return null;
}
