/** Events API payloads as Slack sends them, for tests and the benchmark. */
export interface EventOptions {
  eventId: string;
  teamId?: string;
  sharedChannel?: boolean;
}

export function eventCallback(
  event: Record<string, unknown>,
  options: EventOptions,
): Record<string, unknown> {
  return {
    token: "legacy-verification-token-unused",
    team_id: options.teamId ?? "T0FAKE",
    api_app_id: "A0FAKE",
    event,
    type: "event_callback",
    event_id: options.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: "T0FAKE", user_id: "U0LUTIN", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: options.sharedChannel ?? false,
    event_context: `4-${options.eventId}`,
  };
}

/** A customer's direct message to the bot. */
export function directMessage(channel: string, ts: string, text: string, user = "U0CUSTOMER") {
  return { type: "message", channel_type: "im", channel, user, text, ts, event_ts: ts, team: "T0FAKE" };
}

/** The same channel post as Slack sends it twice: as app_mention and as message (message.channels). */
export function channelMention(
  channel: string,
  ts: string,
  text: string,
  options: { threadTs?: string; user?: string; userTeam?: string; botUserId?: string } = {},
) {
  const common = {
    channel,
    user: options.user ?? "U0CUSTOMER",
    text: `<@${options.botUserId ?? "U0LUTIN"}> ${text}`,
    ts,
    event_ts: ts,
    team: options.userTeam ?? "T0FAKE",
    user_team: options.userTeam ?? "T0FAKE",
    ...(options.threadTs === undefined ? {} : { thread_ts: options.threadTs }),
  };
  return {
    appMention: { type: "app_mention", ...common },
    message: { type: "message", channel_type: "channel", ...common },
  };
}

/** A plain message in a channel, in a thread when `threadTs` is given. */
export function channelMessage(channel: string, ts: string, text: string, threadTs?: string) {
  return {
    type: "message",
    channel_type: "channel",
    channel,
    user: "U0CUSTOMER",
    text,
    ts,
    event_ts: ts,
    ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
  };
}
