import { type Agent, agentSchema, errorFields, type Logger } from "@lutingenie/core";
import type { WebClient } from "@slack/web-api";
import type { SlackInstallations } from "./installations.js";

/** Where enrolled agents are added: core's Escalation (`runtime.escalation`) fits. */
export interface SlackAgentDirectory {
  putAgent(agent: Agent): Promise<void>;
}

/** Why someone may become an agent of a workspace's tenant (see the README, "Agents of an OAuth workspace"). */
export type EnrollmentReason = "installer" | "agents_channel";

export interface AgentEnrollmentOptions {
  directory: SlackAgentDirectory | undefined;
  installations: () => SlackInstallations | undefined;
  client: WebClient;
  logger: Logger;
}

/**
 * Who the agents of a workspace installed through OAuth are, since no tenant file names them: the person
 * who installed the app (a workspace admin, or someone an admin allowed to install), from the install on;
 * and anyone who types `/lutin available` in the agents' channel that installer chose (who can post
 * there is the workspace's own access control: make it a private channel). Single-workspace mode keeps
 * the tenant file as the only list.
 */
export function createAgentEnrollment(options: AgentEnrollmentOptions) {
  const installerOf = (tenant: string): string | undefined =>
    options.installations()?.get(tenant)?.installation.user?.id;

  /** The Slack name people see ("Ana has joined"), best effort: users.info, then what Slack sent, then the id. */
  const nameOf = async (token: string, user: string, fallback: string | undefined): Promise<string> => {
    try {
      const answer = await options.client.users.info({ token, user });
      const profile = answer.user?.profile;
      const name = profile?.display_name || profile?.real_name || answer.user?.real_name || answer.user?.name;
      if (typeof name === "string" && name.trim() !== "") return name.trim().slice(0, 80);
    } catch (error) {
      options.logger.warn("slack user name not read; the agent is named by its id", errorFields(error));
    }
    return fallback?.trim() || user;
  };

  return {
    installerOf,

    /** Whether `user` may be enrolled in `tenant` from `channel` (undefined: the App Home), and why. */
    reasonFor(tenant: string, user: string, channel: string | undefined): EnrollmentReason | null {
      const installations = options.installations();
      if (options.directory === undefined || installations === undefined) return null;
      if (installerOf(tenant) === user) return "installer";
      const agentsChannel = installations.get(tenant)?.agentsChannel;
      return channel !== undefined && channel === agentsChannel ? "agents_channel" : null;
    },

    /** Adds `user` to the tenant's agents, working on Slack (core then takes their presence). */
    async enroll(
      tenant: string,
      user: string,
      how: { token: string; reason: EnrollmentReason; name?: string },
    ): Promise<void> {
      if (options.directory === undefined) return;
      const name = await nameOf(how.token, user, how.name);
      await options.directory.putAgent(agentSchema.parse({ id: user, tenant, name, channels: ["slack"] }));
      options.logger.info("slack agent enrolled", { tenant, agent: user, reason: how.reason });
    },
  };
}

export type AgentEnrollment = ReturnType<typeof createAgentEnrollment>;
