import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openJsonCollection } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  AGENT_STATE_FILE_NAME,
  openFileTeamsAgentState,
  type PostedCard,
  TASK_RETENTION_MS,
} from "./teams-agent-state.js";

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});
async function dataDir(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "lutin-teams-state-"));
  directories.push(directory);
  return directory;
}

const CARD: PostedCard = {
  tenant: "acme",
  ref: "handoff-1",
  kind: "handoff",
  reference: {
    serviceUrl: "http://127.0.0.1:1/",
    conversationId: "19:agents@thread.tacv2;messageid=1700000000001",
    teamsTenantId: "tenant-guid",
    botId: "28:bot",
    activityId: "1700000000001",
  },
  text: "New high request (en, neutral): my parcel",
  fields: { priority: "high" },
  history: [],
};

describe("Teams agent state: card links, presence and personal chats survive a restart", () => {
  it("finds a card by ref and by its reply chain after reopening the 0600 file", async () => {
    const directory = await dataDir();
    const first = await openFileTeamsAgentState({ dataDir: directory });
    await first.rememberCard(CARD);
    await first.declare({ tenant: "acme", agent: "29:ana", available: true, name: "Ana" });
    await first.declare({ tenant: "acme", agent: "29:bruno", available: false, name: "Bruno" });
    await first.rememberPersonalChat("acme", "29:ana", {
      serviceUrl: "http://127.0.0.1:1/",
      conversationId: "a:ana-personal",
      botId: "28:bot",
    });
    await first.close();

    expect((await stat(join(directory, AGENT_STATE_FILE_NAME))).mode & 0o777).toBe(0o600);

    const again = await openFileTeamsAgentState({ dataDir: directory });
    expect(await again.card("acme", "handoff-1")).toEqual(CARD);
    expect(await again.cardInChain("19:AGENTS@thread.tacv2;messageid=1700000000001")).toEqual(CARD);
    expect(await again.cardInChain("19:agents@thread.tacv2;messageid=999")).toBeUndefined();
    expect(await again.declarations()).toEqual([
      { tenant: "acme", agent: "29:ana", available: true, name: "Ana" },
      { tenant: "acme", agent: "29:bruno", available: false, name: "Bruno" },
    ]);
    expect((await again.personalChat("acme", "29:ana"))?.conversationId).toBe("a:ana-personal");
    expect(await again.personalChat("acme", "29:bruno")).toBeUndefined();
    await again.close();
  });

  it("reads a file of an older version (cards without chain links): a reply in the chain still finds its card", async () => {
    const directory = await dataDir();
    // What the previous version wrote: the card under its key; the chain index was rebuilt in memory.
    const older = await openJsonCollection<Record<string, unknown>>({
      file: join(directory, AGENT_STATE_FILE_NAME),
      directory,
      format: "lutingenie-teams-agent-state",
      fileMode: 0o600,
    });
    await older.set("card:acme\u0000handoff-1", { record: "card", drawnAt: Date.now(), ...CARD });
    await older.close();
    const state = await openFileTeamsAgentState({ dataDir: directory });
    expect(await state.cardInChain("19:agents@thread.tacv2;messageid=1700000000001")).toEqual(CARD);
    expect(await state.card("acme", "handoff-1")).toEqual(CARD);
    await state.close();
  });

  it("forgets a card 30 days after it was last drawn, but never a presence declaration", async () => {
    const directory = await dataDir();
    let now = Date.UTC(2026, 0, 1);
    const state = await openFileTeamsAgentState({ dataDir: directory, now: () => now });
    await state.rememberCard(CARD);
    await state.declare({ tenant: "acme", agent: "29:ana", available: true, name: "Ana" });
    await state.close();
    now += TASK_RETENTION_MS + 1;
    const later = await openFileTeamsAgentState({ dataDir: directory, now: () => now });
    expect(await later.card("acme", "handoff-1")).toBeUndefined();
    expect(await later.cardInChain(CARD.reference.conversationId)).toBeUndefined();
    expect(await later.declarations()).toHaveLength(1);
    await later.close();
  });
});
