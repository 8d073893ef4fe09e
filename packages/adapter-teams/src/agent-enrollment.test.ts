import { type Agent, silentLogger } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import {
  createAgentEnrollment,
  enrollmentRuleFromEnvironment,
  type TeamsPerson,
} from "./agent-enrollment.js";
import { teamsAgentSettingsFromEnvironment } from "./teams-agent-side.js";

const quiet = silentLogger;

function enrollment(
  rule: ReturnType<typeof enrollmentRuleFromEnvironment>,
  members: Record<string, TeamsPerson>,
) {
  const added: Agent[] = [];
  const asked: string[] = [];
  const enrol = createAgentEnrollment({
    rule,
    directory: { putAgent: async (agent) => void added.push(agent) },
    teamMember: async (_tenant, user) => {
      asked.push(user);
      return members[user] ?? null;
    },
    logger: quiet,
  });
  return { enrol, added, asked };
}

describe("Teams agent enrollment: a rule the tenant configures", () => {
  it("agents-team (the default): members of the agents' channel's team become agents working on Teams", async () => {
    const rule = enrollmentRuleFromEnvironment({});
    expect(rule).toEqual({ rule: "agents-team" });
    const w = enrollment(rule, { "29:ana": { id: "29:ana", name: "Ana Lima" } });
    expect(await w.enrol.enrol("acme", { id: "29:ana", name: "Ana" })).toBe(true);
    expect(await w.enrol.enrol("acme", { id: "29:mallory", name: "Mallory" })).toBe(false);
    expect(w.added).toEqual([
      expect.objectContaining({ id: "29:ana", tenant: "acme", name: "Ana Lima", channels: ["teams"] }),
    ]);
  });

  it("allow-list: by Entra object id from the activity, or by e-mail from the members API", async () => {
    const rule = enrollmentRuleFromEnvironment({
      TEAMS_AGENT_ENROLLMENT: "allow-list",
      TEAMS_AGENT_ALLOW_LIST: " aad-bruno , Ana@Acme.example",
    });
    const w = enrollment(rule, { "29:ana": { id: "29:ana", email: "ana@acme.example" } });
    expect(await w.enrol.enrol("acme", { id: "29:bruno", name: "Bruno", aadObjectId: "AAD-BRUNO" })).toBe(
      true,
    );
    expect(await w.enrol.enrol("acme", { id: "29:ana", name: "Ana" })).toBe(true);
    expect(await w.enrol.enrol("acme", { id: "29:eve", name: "Eve" })).toBe(false);
    expect(w.added.map((agent) => agent.id)).toEqual(["29:bruno", "29:ana"]);
  });

  it("tenant-file: nobody is enrolled, and the team is not even asked", async () => {
    const w = enrollment(enrollmentRuleFromEnvironment({ TEAMS_AGENT_ENROLLMENT: "tenant-file" }), {
      "29:ana": { id: "29:ana" },
    });
    expect(await w.enrol.enrol("acme", { id: "29:ana" })).toBe(false);
    expect(w.asked).toEqual([]);
  });

  it("a members API that fails enrols nobody (and does not throw)", async () => {
    const enrol = createAgentEnrollment({
      rule: { rule: "agents-team" },
      directory: { putAgent: async () => {} },
      teamMember: async () => {
        throw Object.assign(new Error("down"), { statusCode: 502 });
      },
      logger: quiet,
    });
    expect(await enrol.enrol("acme", { id: "29:ana" })).toBe(false);
  });

  it("refuses wrong settings, naming the variable and the fix", () => {
    expect(() => enrollmentRuleFromEnvironment({ TEAMS_AGENT_ENROLLMENT: "everyone" })).toThrow(
      /TEAMS_AGENT_ENROLLMENT must be one of agents-team, allow-list, tenant-file/,
    );
    expect(() => enrollmentRuleFromEnvironment({ TEAMS_AGENT_ENROLLMENT: "allow-list" })).toThrow(
      /TEAMS_AGENT_ALLOW_LIST is empty/,
    );
    expect(() => teamsAgentSettingsFromEnvironment({ TEAMS_AGENTS_CHANNEL: "general" })).toThrow(
      /TEAMS_AGENTS_CHANNEL must be a Teams channel id like 19:/,
    );
    expect(() =>
      teamsAgentSettingsFromEnvironment({ TEAMS_FOLLOW_UP_CHANNEL: "19:x@thread.tacv2;messageid=1" }),
    ).toThrow(/TEAMS_FOLLOW_UP_CHANNEL/);
    expect(
      teamsAgentSettingsFromEnvironment({
        TEAMS_AGENTS_CHANNEL: "19:abc@thread.tacv2",
        TEAMS_FOLLOW_UP_CHANNEL: "",
        MICROSOFT_APP_TENANT_ID: "tenant-guid",
      }),
    ).toEqual({
      places: {
        agentsChannel: "19:abc@thread.tacv2",
        serviceUrl: "https://smba.trafficmanager.net/teams/",
        teamsTenantId: "tenant-guid",
      },
      enrollment: { rule: "agents-team" },
    });
  });
});
