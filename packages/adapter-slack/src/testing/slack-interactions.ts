import { postSignedToSlackEndpoint } from "./slack-signature.js";

/** Interactivity and slash command requests as Slack sends them: form-encoded, signed like events. */
const FORM = "application/x-www-form-urlencoded";

export interface ButtonClickOptions {
  user: string;
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  teamId?: string;
}

/** A block_actions interaction payload (a button clicked on a message). */
export function blockActions(options: ButtonClickOptions): Record<string, unknown> {
  const teamId = options.teamId ?? "T0FAKE";
  const actionTs = (Date.now() / 1000).toFixed(6);
  return {
    type: "block_actions",
    user: { id: options.user, username: options.user.toLowerCase(), team_id: teamId },
    api_app_id: "A0FAKE",
    token: "legacy-verification-token-unused",
    container: {
      type: "message",
      message_ts: options.messageTs,
      channel_id: options.channel,
      is_ephemeral: false,
    },
    trigger_id: `trigger-${actionTs}`,
    team: { id: teamId, domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channel, name: "agents" },
    message: { type: "message", ts: options.messageTs, user: "U0LUTIN", text: "" },
    response_url: "https://hooks.fake.example/actions/1",
    actions: [
      {
        action_id: options.actionId,
        block_id: "block",
        value: options.value,
        type: "button",
        action_ts: actionTs,
        text: { type: "plain_text", text: "button", emoji: true },
      },
    ],
  };
}

/** Clicks a button: POSTs the signed block_actions payload to the adapter's endpoint. */
export function click(url: string, signingSecret: string, options: ButtonClickOptions) {
  const body = new URLSearchParams({ payload: JSON.stringify(blockActions(options)) }).toString();
  return postSignedToSlackEndpoint(url, signingSecret, body, { contentType: FORM });
}

/** Runs `/lutin <text>` as `user` in `channel`; resolves with the ephemeral answer's text. */
export async function slashCommand(
  url: string,
  signingSecret: string,
  options: { text: string; user: string; channel?: string; teamId?: string },
): Promise<{ status: number; text: string }> {
  const body = new URLSearchParams({
    token: "legacy-verification-token-unused",
    team_id: options.teamId ?? "T0FAKE",
    team_domain: "fake",
    channel_id: options.channel ?? "C0AGENTS",
    channel_name: "agents",
    user_id: options.user,
    user_name: options.user.toLowerCase(),
    command: "/lutin",
    text: options.text,
    api_app_id: "A0FAKE",
    response_url: "https://hooks.fake.example/commands/1",
    trigger_id: `trigger-${Date.now()}`,
  }).toString();
  const response = await postSignedToSlackEndpoint(url, signingSecret, body, { contentType: FORM });
  let text = response.text;
  try {
    text = String((JSON.parse(response.text) as { text?: unknown }).text ?? "");
  } catch {
    // Not JSON: the raw body is the answer.
  }
  return { status: response.status, text };
}
