import {
  type AgentChannel,
  type AgentDesk,
  type Clock,
  errorFields,
  type FollowUpChannel,
  type Logger,
  LutinError,
  systemClock,
} from "@lutingenie/core";
import type { Activity } from "botbuilder";
import { z } from "zod";
import { type AgentActivities, createAgentActivities } from "./agent-activities.js";
import { agentActionOf } from "./agent-cards.js";
import { type AgentConnector, createAgentConnector } from "./agent-connector.js";
import {
  createAgentEnrollment,
  type EnrollmentRule,
  enrollmentRuleFromEnvironment,
  type TeamsAgentDirectory,
} from "./agent-enrollment.js";
import type { TeamsAgentHost, TeamsAgentSide } from "./agent-side.js";
import { createAgentPosting, type TeamsAgentPlaces } from "./agents-channel.js";
import { presenceCommandOf } from "./presence-commands.js";
import { PresenceKeeper } from "./presence-keeper.js";
import {
  createMemoryTeamsAgentState,
  openFileTeamsAgentState,
  type TeamsAgentState,
} from "./teams-agent-state.js";

/** The Bot Connector's global Teams endpoint, used until an activity says where a tenant is served. */
export const DEFAULT_TEAMS_SERVICE_URL = "https://smba.trafficmanager.net/teams/";

const channelId = (variable: string) =>
  z
    .string()
    .trim()
    .regex(
      /^19:[^\s;]+@thread\.(tacv2|skype)$/,
      `${variable} must be a Teams channel id like 19:abc…@thread.tacv2 (in Teams: the channel's ⋯ → Get link to channel; the id is the part after /channel/, URL-decoded)`,
    );

const placesSchema = z.object({
  TEAMS_AGENTS_CHANNEL: channelId("TEAMS_AGENTS_CHANNEL").optional(),
  TEAMS_FOLLOW_UP_CHANNEL: channelId("TEAMS_FOLLOW_UP_CHANNEL").optional(),
  TEAMS_SERVICE_URL: z
    .string()
    .trim()
    .url(
      "TEAMS_SERVICE_URL must be a URL (the Bot Connector's service URL; leave it unset for Teams' global one)",
    )
    .default(DEFAULT_TEAMS_SERVICE_URL),
  MICROSOFT_APP_TENANT_ID: z.string().trim().min(1).optional(),
});

/** The agents' side settings of the environment (see the README's "Agents" section). */
export interface TeamsAgentSettings {
  places: Omit<TeamsAgentPlaces, "tenant">;
  enrollment: EnrollmentRule;
}

export function teamsAgentSettingsFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): TeamsAgentSettings {
  const present = Object.fromEntries(
    Object.entries(environment).filter(
      ([name, value]) => name in placesSchema.shape && value !== undefined && value !== "",
    ),
  );
  const parsed = placesSchema.safeParse(present);
  if (!parsed.success)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      parsed.error.issues.map((issue) => issue.message).join("; "),
      {
        hint: "fix the Teams variables named above, then start again",
      },
    );
  const settings = parsed.data;
  return {
    places: {
      ...(settings.TEAMS_AGENTS_CHANNEL === undefined
        ? {}
        : { agentsChannel: settings.TEAMS_AGENTS_CHANNEL }),
      ...(settings.TEAMS_FOLLOW_UP_CHANNEL === undefined
        ? {}
        : { followUpChannel: settings.TEAMS_FOLLOW_UP_CHANNEL }),
      serviceUrl: settings.TEAMS_SERVICE_URL,
      ...(settings.MICROSOFT_APP_TENANT_ID === undefined
        ? {}
        : { teamsTenantId: settings.MICROSOFT_APP_TENANT_ID }),
    },
    enrollment: enrollmentRuleFromEnvironment(environment),
  };
}

export interface TeamsAgentSideOptions {
  settings: TeamsAgentSettings;
  /** Where enrolled agents are added (runtime.escalation). Without it, only the tenant file's agents. */
  directory?: TeamsAgentDirectory;
  /** The data directory: the state then survives a restart (teams-agent-state.json, 0600). */
  dataDir?: string;
  /** A state store of one's own (tests, a shared store); wins over dataDir. */
  state?: TeamsAgentState;
  /**
   * Core's desk before any activity has brought one (runtime.escalation): the presence refresh after a
   * restart needs it at start. Without it, the desk of the latest activity is used.
   */
  desk?: () => AgentDesk | undefined;
  clock?: Clock;
  presenceRefreshMs?: number;
}

/** The agents' side, plugged into the Teams adapter (`agentSide`), plus what tests drive. */
export interface TeamsAgentSideHandle extends TeamsAgentSide {
  readonly agents: AgentChannel;
  readonly followUps: FollowUpChannel;
  /** What the refresh timer does (tests drive it with a manual clock). */
  refreshPresence(): Promise<void>;
}

/**
 * The agents' side of Teams: handoff cards in the agents' channel, follow-up cards in the follow-up
 * channel, agents' buttons and replies, and presence in personal chat. It claims (`handles`) every
 * activity of the agents' and follow-up channels, every agent card action, and presence commands in
 * personal chat; the rest is the customer side's.
 */
export function createTeamsAgentSide(options: TeamsAgentSideOptions): TeamsAgentSideHandle {
  const clock = options.clock ?? systemClock;
  const { settings } = options;
  let host: TeamsAgentHost | undefined;
  let state: TeamsAgentState | undefined = options.state;
  let ownsState = false;
  let latestDesk: AgentDesk | undefined;
  const desk = () => options.desk?.() ?? latestDesk;
  const started = (): TeamsAgentHost => {
    if (host === undefined)
      throw new LutinError(
        "ADAPTER_CONFIG_INVALID",
        "the Teams agents' side was used before it was started",
        {
          hint: "start the Teams adapter before posting to its agents' channel",
        },
      );
    return host;
  };
  const stateNow = (): TeamsAgentState => {
    started();
    return state as TeamsAgentState;
  };
  const logger: Logger = {
    info: (message, fields) => host?.logger.info(message, fields),
    warn: (message, fields) => host?.logger.warn(message, fields),
    error: (message, fields) => host?.logger.error(message, fields),
  };
  const places = (tenant: string): TeamsAgentPlaces | undefined =>
    host !== undefined && tenant === host.tenant ? { tenant, ...settings.places } : undefined;
  let botConnector: AgentConnector | undefined;
  // Built at start: the CloudAdapter and the delivery policy are the Teams adapter's.
  const connector: AgentConnector = {
    createInChannel: (target, activity) => (botConnector as AgentConnector).createInChannel(target, activity),
    send: (reference, activity) => (botConnector as AgentConnector).send(reference, activity),
    update: (reference, activity) => (botConnector as AgentConnector).update(reference, activity),
    member: (serviceUrl, conversation, user) =>
      (botConnector as AgentConnector).member(serviceUrl, conversation, user),
  };
  const keeper = new PresenceKeeper({
    desk,
    state: stateNow,
    ...(options.presenceRefreshMs === undefined ? {} : { refreshMs: options.presenceRefreshMs }),
    onError: (error) => logger.warn("teams presence refresh failed", errorFields(error)),
  });
  let activities: AgentActivities | undefined;
  const enrollment = createAgentEnrollment({
    rule: settings.enrollment,
    directory: options.directory,
    teamMember: (tenant, user) => (activities as AgentActivities).teamMember(tenant, user),
    logger,
  });
  activities = createAgentActivities({
    places,
    connector,
    state: stateNow,
    keeper,
    enrollment,
    desk,
    logger,
  });
  const posting = createAgentPosting({ places, connector, state: stateNow, now: () => clock.now() });
  const agentPlaces = [settings.places.agentsChannel, settings.places.followUpChannel].filter(
    (place): place is string => place !== undefined,
  );

  const inAgentPlace = (activity: Partial<Activity>): boolean => {
    const root = (activity.conversation?.id ?? "").split(";")[0];
    const channel = (activity.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
    return agentPlaces.some((place) => place === root || place === channel);
  };
  const executeData = (activity: Partial<Activity>): unknown =>
    (activity.value as { action?: { data?: unknown } } | undefined)?.action?.data;
  const isExecute = (activity: Partial<Activity>) =>
    activity.type === "invoke" && activity.name === "adaptiveCard/action";

  return {
    agents: posting.agents,
    followUps: posting.followUps,

    handles(activity) {
      try {
        if (isExecute(activity)) return agentActionOf(executeData(activity)) !== null;
        if (
          activity.type === "message" &&
          activity.value !== undefined &&
          agentActionOf(activity.value) !== null
        )
          return true;
        if (inAgentPlace(activity)) return activity.type === "message";
        return (
          activity.type === "message" &&
          activity.conversation?.conversationType === "personal" &&
          presenceCommandOf(activity.text) !== null
        );
      } catch {
        return false;
      }
    },

    async onActivity(context, turnDesk) {
      if (turnDesk !== undefined) latestDesk = turnDesk;
      const tenant = started().tenant;
      const sides = activities as AgentActivities;
      // A copy: the work below may outlive the turn, whose context botbuilder revokes at its end.
      const activity = structuredClone(context.activity) as Partial<Activity>;
      if (isExecute(activity)) {
        // The clicker waits for this answer (the card redrawn for them, or why not): inside the turn.
        const response = await sides.onCardAction(tenant, activity, executeData(activity), "execute");
        await context.sendActivity({
          type: "invokeResponse",
          value: response ?? {
            status: 200,
            body: { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "" },
          },
        });
        return;
      }
      const work =
        activity.value !== undefined && agentActionOf(activity.value) !== null
          ? sides.onCardAction(tenant, activity, activity.value, "submit")
          : activity.conversation?.conversationType === "personal"
            ? sides.onPersonalMessage(tenant, activity)
            : sides.onChannelMessage(tenant, activity);
      started().track(
        Promise.resolve(work).catch((error: unknown) =>
          logger.warn("teams agent activity failed", errorFields(error)),
        ),
      );
    },

    async start(given) {
      host = given;
      botConnector = createAgentConnector({
        adapter: given.cloudAdapter,
        appId: given.appId,
        policy: async (operation, idempotent, run) => {
          const result = await given.call(operation, idempotent, run);
          if (result.ok) return result.value;
          throw Object.assign(new Error(result.detail), {
            ...(result.status === null ? {} : { statusCode: result.status }),
          });
        },
      });
      if (state === undefined) {
        state =
          options.dataDir === undefined
            ? createMemoryTeamsAgentState(() => clock.now())
            : await openFileTeamsAgentState({ dataDir: options.dataDir, now: () => clock.now() });
        ownsState = true;
      }
      await keeper.restore();
      // Agents who said available before a restart are online again now, not a refresh period later.
      await keeper
        .refresh()
        .catch((error: unknown) => logger.warn("teams presence refresh failed", errorFields(error)));
      keeper.start();
    },

    async stop() {
      keeper.stop();
      if (ownsState && state !== undefined) await state.close();
      if (ownsState) state = undefined;
    },

    refreshPresence: () => keeper.refresh(),
  };
}

/**
 * The agents' side from the environment (TEAMS_AGENTS_CHANNEL, TEAMS_FOLLOW_UP_CHANNEL,
 * TEAMS_AGENT_ENROLLMENT, TEAMS_AGENT_ALLOW_LIST, TEAMS_SERVICE_URL), for `lutin serve`: undefined when
 * neither channel is set (Teams then serves customers only). Wrong values throw, naming the variable.
 */
export function teamsAgentSideFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
  options: Omit<TeamsAgentSideOptions, "settings">,
): TeamsAgentSideHandle | undefined {
  const settings = teamsAgentSettingsFromEnvironment(environment);
  if (settings.places.agentsChannel === undefined && settings.places.followUpChannel === undefined)
    return undefined;
  return createTeamsAgentSide({ ...options, settings });
}
