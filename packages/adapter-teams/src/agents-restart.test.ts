import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AdaptiveCard } from "./agent-cards.js";
import { AGENT_STATE_FILE_NAME } from "./teams-agent-state.js";
import {
  AGENTS_CHANNEL,
  ANA,
  BRUNO,
  CUSTOMER_CHAT,
  startTeamsWorld,
  type TeamsWorld,
} from "./testing/teams-agents-world.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const AGENTS = [
  { id: ANA, name: "Ana" },
  { id: BRUNO, name: "Bruno" },
];

async function serve(dataDir: string, before?: TeamsWorld): Promise<TeamsWorld> {
  const world = await startTeamsWorld({
    agents: AGENTS,
    dataDir,
    enrollment: "tenant-file",
    ...(before === undefined ? {} : { restartOf: before }),
  });
  cleanups.push(() => world.stopServer());
  return world;
}

const cardOf = (activity: unknown): AdaptiveCard =>
  (activity as { attachments?: Array<{ content?: unknown }> } | undefined)?.attachments?.[0]
    ?.content as AdaptiveCard;

describe("Teams agents' side restarted on the same data directory", () => {
  it("mid-handoff: the relay goes on both ways, the card still updates in place, presence declarations are kept", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-teams-restart-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await serve(dataDir);
    cleanups.push(async () => {
      await first.connector.close();
      await first.issuer.close();
    });
    await first.agentSaysPrivately(ANA, "available");
    await first.agentSaysPrivately(BRUNO, "away");
    await first.customerSays("I want to talk to a human, my parcel never arrived");
    const [root] = first.connector
      .posted()
      .filter((posted) => posted.conversationId.startsWith(`${AGENTS_CHANNEL};messageid=`));
    const [request] = await first.runtime.escalation.listHandoffs(first.tenantId);
    await first.press(ANA, root?.conversationId ?? "", "accept", request?.id ?? "");
    await first.stopServer();
    expect((await stat(join(dataDir, AGENT_STATE_FILE_NAME))).mode & 0o777).toBe(0o600);

    const second = await serve(dataDir, first);
    await second.agentWritesInChain(
      ANA,
      root?.conversationId ?? "",
      "Back after the restart: your parcel left today",
    );
    expect(second.connector.texts(CUSTOMER_CHAT).at(-1)).toBe(
      "Back after the restart: your parcel left today",
    );
    await second.customerSays("Great, thanks");
    expect(second.connector.texts(root?.conversationId ?? "").at(-1)).toBe("**Customer:** Great, thanks");
    await second.agentSaysPrivately(BRUNO, "status");
    expect(second.connector.texts("a:1bruno-personal-chat").at(-1)).toBe("You are away.");

    await second.press(ANA, root?.conversationId ?? "", "close", request?.id ?? "");
    expect(String(cardOf(second.connector.activity(root?.id ?? "")?.activity).body[0]?.text)).toBe(
      "Closed by Ana",
    );
    // Updated in place, never posted again.
    expect(
      second.connector
        .posted()
        .filter(
          (posted) =>
            posted.conversationId.startsWith(`${AGENTS_CHANNEL};messageid=`) &&
            posted.replyToId === undefined,
        ),
    ).toHaveLength(1);
  });
});
