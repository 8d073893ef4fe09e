import { ManualClock } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { ANA, BRUNO, type TeamsWorld, teamsWorldPerTest } from "./testing/teams-agents-world.js";

const start = teamsWorldPerTest();
const CAROL = "29:1carol-teams-user";
const MALLORY = "29:1mallory-teams-user";

async function presenceOf(w: TeamsWorld, agent: string) {
  const found = (await w.runtime.escalation.agentsOf(w.tenantId)).find((candidate) => candidate.id === agent);
  return found === undefined ? undefined : { isOnline: found.isOnline, isActive: found.isActive };
}
const lastAnswer = (w: TeamsWorld, chat: string) => w.connector.texts(chat).at(-1);

describe("Teams agents: presence in personal chat", () => {
  it("available / away / status (and the French words) set isOnline and isActive; the keeper outlives core's 90 s expiry", async () => {
    const clock = new ManualClock(Date.now());
    const w = await start({
      clock,
      agents: [
        { id: ANA, name: "Ana" },
        { id: BRUNO, name: "Bruno" },
      ],
      enrollment: "tenant-file",
    });
    expect(await presenceOf(w, ANA)).toEqual({ isOnline: false, isActive: true });

    await w.agentSaysPrivately(ANA, "available");
    expect(lastAnswer(w, "a:1ana-personal-chat")).toMatch(/^You are available/);
    await w.agentSaysPrivately(BRUNO, "disponible");
    expect(lastAnswer(w, "a:1bruno-personal-chat")).toMatch(/^Vous êtes disponible/);
    expect(await presenceOf(w, ANA)).toEqual({ isOnline: true, isActive: true });

    await w.agentSaysPrivately(BRUNO, "absent");
    expect(lastAnswer(w, "a:1bruno-personal-chat")).toMatch(/^Vous êtes absent/);
    expect(await presenceOf(w, BRUNO)).toEqual({ isOnline: false, isActive: false });
    await w.agentSaysPrivately(BRUNO, "status");
    expect(lastAnswer(w, "a:1bruno-personal-chat")).toBe("You are away.");
    await w.agentSaysPrivately(ANA, "statut");
    expect(lastAnswer(w, "a:1ana-personal-chat")).toBe("Vous êtes disponible.");

    // Past core's 90 s, Ana is still online because the keeper re-reported her.
    clock.advance(61_000);
    await w.agentSide.refreshPresence();
    clock.advance(61_000);
    expect(await presenceOf(w, ANA)).toEqual({ isOnline: true, isActive: true });
    expect(await presenceOf(w, BRUNO)).toEqual({ isOnline: false, isActive: false });

    // And the one offered a customer is the one kept online.
    await w.customerSays("I want to talk to a human");
    const [request] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(request?.candidates).toEqual([ANA]);
    // Presence commands are the agents': no customer conversation was opened by them.
    expect((await w.runtime.store.listLedger({ tenant: w.tenantId })).length).toBeLessThanOrEqual(1);
  });

  it("enrols members of the agents' channel's team who say available (members API), refuses others, and a customer typing 'away' is told what the word is for", async () => {
    const w = await start({ teamMembers: [{ id: CAROL, name: "Carol" }], enrollment: "agents-team" });
    await w.agentSaysPrivately(CAROL, "disponible");
    expect(lastAnswer(w, `a:personal-${CAROL}`)).toMatch(/^Vous êtes disponible/);
    expect(await presenceOf(w, CAROL)).toEqual({ isOnline: true, isActive: true });
    const carol = (await w.runtime.escalation.agentsOf(w.tenantId)).find((agent) => agent.id === CAROL);
    expect(carol).toMatchObject({ name: "Carol", channels: ["teams"] });
    expect(w.connector.callsOf("getConversationMember").length).toBeGreaterThanOrEqual(1);

    await w.agentSaysPrivately(MALLORY, "available");
    expect(lastAnswer(w, `a:personal-${MALLORY}`)).toMatch(/^You cannot be made available: /);
    expect(await presenceOf(w, MALLORY)).toBeUndefined();
    await w.agentSaysPrivately(MALLORY, "away");
    expect(lastAnswer(w, `a:personal-${MALLORY}`)).toMatch(/are for the support team's agents/);
  });
});
