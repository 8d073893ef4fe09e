import type { DeliveryResult } from "@lutingenie/core";
import {
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type TeamsChannelAccount,
  TurnContext,
} from "botbuilder";
import type { TeamsPerson } from "./agent-enrollment.js";
import type { StoredReference } from "./teams-agent-state.js";

/**
 * The few Bot Connector calls the agents' side makes, outside any turn (core posts when it decides, not
 * when Teams calls us): create a channel conversation (a card, the root of its reply chain), send into a
 * conversation, update a card (PUT), and read a member. All go through botbuilder's CloudAdapter, so its
 * credentials (a ServiceClientCredentialsFactory in tests) and its connector client are the ones used.
 */
export interface AgentConnector {
  createInChannel(
    target: { serviceUrl: string; channelId: string; teamsTenantId?: string },
    activity: Partial<Activity>,
  ): Promise<{ conversationId: string; activityId: string }>;
  send(reference: StoredReference, activity: Partial<Activity>): Promise<string | undefined>;
  update(reference: StoredReference & { activityId: string }, activity: Partial<Activity>): Promise<void>;
  member(serviceUrl: string, conversationId: string, userId: string): Promise<TeamsPerson | null>;
}

/**
 * The part of botbuilder's ConnectorClient (in the turn state of a proactive turn) used here, typed by
 * shape so this package depends on botbuilder alone.
 */
interface ConnectorClient {
  conversations: {
    createConversation(parameters: Record<string, unknown>): Promise<{ id?: string; activityId?: string }>;
    getConversationMember(conversationId: string, memberId: string): Promise<unknown>;
    sendToConversation(conversationId: string, activity: Activity): Promise<{ id?: string }>;
    replyToActivity(conversationId: string, activityId: string, activity: Activity): Promise<{ id?: string }>;
  };
}

/**
 * How each call is run: the Teams adapter's delivery policy (bounded back-off on 429/412 honouring
 * Retry-After, no blind replay of an ambiguous create) when it lends one; it throws an error carrying
 * `statusCode` when the call failed for good.
 */
export type ConnectorPolicy = <T>(
  operation: string,
  idempotent: boolean,
  work: () => Promise<T>,
) => Promise<T>;

const direct: ConnectorPolicy = (_operation, _idempotent, work) => work();

export function createAgentConnector(options: {
  adapter: CloudAdapter;
  appId: string;
  policy?: ConnectorPolicy;
}): AgentConnector {
  const { adapter, appId } = options;
  const policy = options.policy ?? direct;

  /** Runs `work` with the connector client of a proactive turn in `reference`'s conversation. */
  const within = async <T>(
    reference: Partial<ConversationReference>,
    work: (context: TurnContext, client: ConnectorClient) => Promise<T>,
  ): Promise<T> => {
    let result: { value: T } | undefined;
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
      result = { value: await work(context, client) };
    });
    if (result === undefined) throw new Error("the proactive turn did not run");
    return result.value;
  };

  const referenceOf = (stored: StoredReference): Partial<ConversationReference> => ({
    channelId: "msteams",
    serviceUrl: stored.serviceUrl,
    bot: { id: stored.botId === "" ? appId : stored.botId, name: "" },
    conversation: {
      id: stored.conversationId,
      isGroup: true,
      name: "",
      conversationType: "channel",
      ...(stored.teamsTenantId === undefined ? {} : { tenantId: stored.teamsTenantId }),
    },
  });

  return {
    async createInChannel(target, activity) {
      // TeamsInfo.sendMessageToTeamsChannel loses the new activity's id under CloudAdapter; the card's
      // id is needed to update it, so the same create conversation call is made here.
      const reference = referenceOf({
        serviceUrl: target.serviceUrl,
        conversationId: target.channelId,
        botId: appId,
        ...(target.teamsTenantId === undefined ? {} : { teamsTenantId: target.teamsTenantId }),
      });
      return policy("createConversation", false, () =>
        within(reference, async (_context, client) => {
          const created = await client.conversations.createConversation({
            isGroup: true,
            bot: { id: appId, name: "" },
            members: [],
            channelData: {
              channel: { id: target.channelId },
              ...(target.teamsTenantId === undefined ? {} : { tenant: { id: target.teamsTenantId } }),
            },
            ...(target.teamsTenantId === undefined ? {} : { tenantId: target.teamsTenantId }),
            activity: activity as Activity,
          });
          if (typeof created.id !== "string" || created.id === "")
            throw new Error("the connector created a conversation without an id");
          // Teams answers the channel conversation `19:…;messageid=<id>` and the card's own id.
          const activityId = created.activityId ?? /;messageid=(\d+)/.exec(created.id)?.[1];
          if (activityId === undefined)
            throw new Error("the connector created a conversation without an activity id");
          return { conversationId: created.id, activityId };
        }),
      );
    },

    async send(stored, activity) {
      return policy(stored.activityId === undefined ? "sendToConversation" : "replyToActivity", false, () =>
        within(referenceOf(stored), async (context, client) => {
          const outgoing = {
            ...activity,
            channelId: "msteams",
            serviceUrl: stored.serviceUrl,
            from: context.activity.recipient,
            conversation: context.activity.conversation,
          } as Activity;
          // A reply to the card itself (POST …/activities/{card id}) when it is a card's chain: the proactive
          // turn's own activity id is made up by botbuilder, and a reply to it would name nothing real.
          const sent =
            stored.activityId === undefined
              ? await client.conversations.sendToConversation(stored.conversationId, outgoing)
              : await client.conversations.replyToActivity(
                  stored.conversationId,
                  stored.activityId,
                  outgoing,
                );
          return sent.id;
        }),
      );
    },

    async update(stored, activity) {
      // A PUT of the whole card: replaying it is harmless, so it may be retried after a time-out.
      await policy("updateActivity", true, () =>
        within(referenceOf(stored), async (context) => {
          await context.updateActivity({
            ...activity,
            id: stored.activityId,
            conversation: context.activity.conversation,
          });
        }),
      );
    },

    async member(serviceUrl, conversationId, userId) {
      return within(referenceOf({ serviceUrl, conversationId, botId: appId }), async (_context, client) => {
        try {
          const found = (await client.conversations.getConversationMember(
            conversationId,
            userId,
          )) as unknown as TeamsChannelAccount;
          return {
            id: found.id,
            ...(found.name === undefined ? {} : { name: found.name }),
            ...(found.aadObjectId === undefined ? {} : { aadObjectId: found.aadObjectId }),
            ...(found.email === undefined ? {} : { email: found.email }),
            ...(found.userPrincipalName === undefined ? {} : { userPrincipalName: found.userPrincipalName }),
          };
        } catch (error) {
          // Not a member: the connector answers 404 (MemberNotFoundInConversation).
          if (statusOf(error) === 404) return null;
          throw error;
        }
      });
    },
  };
}

/** The HTTP status of a connector error (botbuilder's RestError), or undefined for a network failure. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/**
 * A connector error as core's delivery failure (C7: not delivered, not counted). The detail names the
 * call and the status, never the message text.
 */
export function connectorFailure(call: string, error: unknown): DeliveryResult {
  const status = statusOf(error);
  if (status === undefined)
    return {
      ok: false,
      reason: "unreachable",
      retryable: true,
      detail: `${call}: the Bot Connector did not answer`,
    };
  if (status === 429)
    return {
      ok: false,
      reason: "rate_limited",
      retryable: true,
      detail: `${call}: Teams answered 429 (too many requests)`,
    };
  if (status === 401 || status === 403)
    return {
      ok: false,
      reason: "auth_failed",
      retryable: false,
      detail: `${call}: Teams answered ${status}: check MICROSOFT_APP_ID / MICROSOFT_APP_PASSWORD and that the app is installed in the team`,
    };
  if (status === 404)
    return {
      ok: false,
      reason: "thread_gone",
      retryable: false,
      detail: `${call}: Teams answered 404 (the channel or card is gone)`,
    };
  if (status === 413)
    return {
      ok: false,
      reason: "too_long",
      retryable: false,
      detail: `${call}: Teams answered 413 (message too big)`,
    };
  return {
    ok: false,
    reason: status >= 500 || status === 412 ? "unreachable" : "rejected",
    retryable: status >= 500 || status === 412,
    detail: `${call}: Teams answered ${status}`,
  };
}

/** What a conversation reference of an inbound activity keeps (for proactive posts after a restart). */
export function storedReferenceOf(activity: Partial<Activity>): StoredReference | undefined {
  const reference = TurnContext.getConversationReference(activity);
  const tenantId = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  if (reference.serviceUrl === undefined || reference.conversation?.id === undefined) return undefined;
  return {
    serviceUrl: reference.serviceUrl,
    conversationId: reference.conversation.id,
    botId: reference.bot?.id ?? "",
    ...(typeof tenantId === "string" ? { teamsTenantId: tenantId } : {}),
  };
}
