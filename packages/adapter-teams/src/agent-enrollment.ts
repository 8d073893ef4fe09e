import { type Agent, agentSchema, errorFields, type Logger, LutinError } from "@lutingenie/core";
import { z } from "zod";

/**
 * Who may become one of the tenant's agents by saying `available` to the bot, besides the agents the
 * tenant file lists:
 * - `agents-team`: members of the team that owns the agents' channel (asked of the connector's members
 *   API when they say it: the team's own membership is the access control, so a private team fits);
 * - `allow-list`: the Entra object ids, e-mail addresses or user principal names listed;
 * - `tenant-file`: nobody else (the tenant file is the only list).
 */
export const ENROLLMENT_RULES = ["agents-team", "allow-list", "tenant-file"] as const;
export type EnrollmentRuleName = (typeof ENROLLMENT_RULES)[number];

export type EnrollmentRule =
  | { rule: "agents-team" }
  | { rule: "allow-list"; entries: string[] }
  | { rule: "tenant-file" };

const ruleSchema = z.enum(ENROLLMENT_RULES, {
  error: () =>
    `TEAMS_AGENT_ENROLLMENT must be one of ${ENROLLMENT_RULES.join(", ")} (agents-team: members of the agents' channel's team; allow-list: TEAMS_AGENT_ALLOW_LIST; tenant-file: only the tenant file's agents)`,
});

/**
 * The rule from the environment: `TEAMS_AGENT_ENROLLMENT` (default `agents-team`) and, for `allow-list`,
 * `TEAMS_AGENT_ALLOW_LIST` (comma-separated). Wrong values are refused with the variable and the fix.
 */
export function enrollmentRuleFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): EnrollmentRule {
  const raw = environment.TEAMS_AGENT_ENROLLMENT?.trim() || "agents-team";
  const parsed = ruleSchema.safeParse(raw);
  if (!parsed.success)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      parsed.error.issues[0]?.message ?? "bad TEAMS_AGENT_ENROLLMENT",
      {
        hint: "set TEAMS_AGENT_ENROLLMENT=agents-team (or allow-list, or tenant-file)",
      },
    );
  if (parsed.data !== "allow-list") return { rule: parsed.data };
  const entries = (environment.TEAMS_AGENT_ALLOW_LIST ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "");
  if (entries.length === 0)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      "TEAMS_AGENT_ENROLLMENT=allow-list but TEAMS_AGENT_ALLOW_LIST is empty",
      {
        hint: "set TEAMS_AGENT_ALLOW_LIST to the agents' e-mail addresses or Entra object ids, comma-separated",
      },
    );
  return { rule: "allow-list", entries };
}

/** A person as Teams tells the bot (the activity's `from`, or the connector's members API). */
export interface TeamsPerson {
  /** The Teams user id (`29:…`): the agent id. */
  id: string;
  name?: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

/** Where enrolled agents are added: core's Escalation (`runtime.escalation`) fits. */
export interface TeamsAgentDirectory {
  putAgent(agent: Agent): Promise<void>;
}

export interface AgentEnrollmentOptions {
  rule: EnrollmentRule;
  directory: TeamsAgentDirectory | undefined;
  /**
   * The person as a member of the agents' channel's team, or null when they are not one (the
   * connector's `GET /v3/conversations/{team}/members/{user}` answers 404), for tenant `tenant`.
   */
  teamMember(tenant: string, user: string): Promise<TeamsPerson | null>;
  logger: Logger;
}

/** Decides, then adds: `enrol` returns whether the person is now one of the tenant's agents. */
export function createAgentEnrollment(options: AgentEnrollmentOptions) {
  const allowed = async (tenant: string, person: TeamsPerson): Promise<TeamsPerson | null> => {
    switch (options.rule.rule) {
      case "tenant-file":
        return null;
      case "allow-list": {
        const entries = new Set(options.rule.entries);
        const names = (candidate: TeamsPerson) =>
          [candidate.id, candidate.aadObjectId, candidate.email, candidate.userPrincipalName]
            .filter((value): value is string => typeof value === "string")
            .map((value) => value.toLowerCase());
        if (names(person).some((name) => entries.has(name))) return person;
        // The activity carries no e-mail: the members API does (the person is in the chat with the bot).
        const member = await options.teamMember(tenant, person.id).catch(() => null);
        return member !== null && names(member).some((name) => entries.has(name))
          ? { ...person, ...member }
          : null;
      }
      case "agents-team":
        return options.teamMember(tenant, person.id);
    }
  };

  return {
    rule: options.rule.rule,
    async enrol(tenant: string, person: TeamsPerson): Promise<boolean> {
      if (options.directory === undefined) return false;
      let member: TeamsPerson | null;
      try {
        member = await allowed(tenant, person);
      } catch (error) {
        options.logger.warn("teams agent enrollment check failed", { tenant, ...errorFields(error) });
        return false;
      }
      if (member === null) return false;
      const name = (member.name ?? person.name ?? "").trim().slice(0, 80) || person.id;
      await options.directory.putAgent(
        agentSchema.parse({ id: person.id, tenant, name, channels: ["teams"] }),
      );
      options.logger.info("teams agent enrolled", { tenant, agent: person.id, rule: options.rule.rule });
      return true;
    },
  };
}

export type AgentEnrollment = ReturnType<typeof createAgentEnrollment>;
