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
import type { CloudAdapter } from "botbuilder";
import { z } from "zod";
import { type AgentActivities, createAgentActivities } from "./agent-activities.js";
import { type AgentConnector, createAgentConnector } from "./agent-connector.js";
import {
  createAgentEnrollment,
  type EnrollmentRule,
  enrollmentRuleFromEnvironment,
  type TeamsAgentDirectory,
} from "./agent-enrollment.js";
import { createAgentPosting, type TeamsAgentPlaces } from "./agents-channel.js";
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
  adapter: CloudAdapter;
  appId: string;
  /** The tenant this Teams app serves. */
  tenant: string;
  settings: TeamsAgentSettings;
  /** Core's desk, once the adapter has been started (CoreHandle.desk). */
  desk: () => AgentDesk | undefined;
  /** Where enrolled agents are added (runtime.escalation). Without it, only the tenant file's agents. */
  directory?: TeamsAgentDirectory;
  /** The data directory: the state then survives a restart (teams-agent-state.json, 0600). */
  dataDir?: string;
  /** A state store of one's own (tests, a shared store); wins over dataDir. */
  state?: TeamsAgentState;
  /** A connector of one's own (tests of the side alone); default: botbuilder's through `adapter`. */
  connector?: AgentConnector;
  clock?: Clock;
  logger: Logger;
  presenceRefreshMs?: number;
}

/** What the Teams adapter routes to the agents' side, and what it gives core. */
export interface TeamsAgentSide {
  readonly agents: AgentChannel;
  readonly followUps: FollowUpChannel;
  readonly activities: AgentActivities;
  /** Opens the state (the file), restores presence and starts its refresh. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** What the refresh timer does (tests drive it with a manual clock). */
  refreshPresence(): Promise<void>;
}

/**
 * The agents' side of Teams: handoff cards in the agents' channel, follow-up cards in the follow-up
 * channel, agents' buttons and replies, and presence in personal chat.
 */
export function createTeamsAgentSide(options: TeamsAgentSideOptions): TeamsAgentSide {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  let state: TeamsAgentState | undefined = options.state;
  let ownsState = false;
  const stateNow = (): TeamsAgentState => {
    if (state === undefined)
      throw new LutinError(
        "ADAPTER_CONFIG_INVALID",
        "the Teams agents' side was used before it was started",
        {
          hint: "start the Teams adapter before posting to its agents' channel",
        },
      );
    return state;
  };
  const places = (tenant: string): TeamsAgentPlaces | undefined =>
    tenant === options.tenant ? { tenant, ...options.settings.places } : undefined;
  const connector =
    options.connector ?? createAgentConnector({ adapter: options.adapter, appId: options.appId });
  const keeper = new PresenceKeeper({
    desk: options.desk,
    state: stateNow,
    ...(options.presenceRefreshMs === undefined ? {} : { refreshMs: options.presenceRefreshMs }),
    onError: (error) => logger.warn("teams presence refresh failed", errorFields(error)),
  });
  let activities: AgentActivities;
  const enrollment = createAgentEnrollment({
    rule: options.settings.enrollment,
    directory: options.directory,
    teamMember: (tenant, user) => activities.teamMember(tenant, user),
    logger,
  });
  activities = createAgentActivities({
    places,
    connector,
    state: stateNow,
    keeper,
    enrollment,
    desk: options.desk,
    logger,
  });
  const posting = createAgentPosting({ places, connector, state: stateNow, now: () => clock.now() });

  return {
    agents: posting.agents,
    followUps: posting.followUps,
    activities,
    async start() {
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
