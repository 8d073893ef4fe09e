import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { STATE_FILE_NAME } from "./teams-state.js";
import { adaptiveCardOf, cardExecute, personalMessage } from "./testing/teams-activities.js";
import { startTeamsRuntime } from "./testing/teams-runtime.js";

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe("Teams after a restart (state in the data directory)", () => {
  it("still reaches the customer proactively and still retires an answer card's buttons", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-teams-restart-"));
    directories.push(dataDir);
    const first = await startTeamsRuntime({ adapter: { dataDir } });
    await first.send(personalMessage(first.parties, "a:chat-restart", "Where is my order?"));
    const answer = first.connector
      .posted("a:chat-restart")
      .find((posted) => posted.activity.type === "message");
    await first.stopServer();
    // Rewritten whole on close; it holds answer texts, so it is the owner's only.
    expect((await stat(join(dataDir, STATE_FILE_NAME))).mode & 0o777).toBe(0o600);

    const second = await startTeamsRuntime({
      adapter: { dataDir },
      restartOf: {
        network: first.network,
        store: first.store,
        escalationStore: first.escalationStore,
        memory: first.memory,
      },
    });
    try {
      // An agent's reply or a goodbye: nothing came in since the restart, the stored reference is all there is.
      const result = await second.adapter.send({
        tenant: second.tenantId,
        thread: "a:chat-restart",
        key: "goodbye-1",
        text: "Your parcel left the warehouse this morning.",
        language: "en",
        direction: "ltr",
        author: "agent",
      });
      expect(result.ok).toBe(true);
      expect(second.connector.texts("a:chat-restart").at(-1)).toBe(
        "Your parcel left the warehouse this morning.",
      );
      const data = adaptiveCardOf(answer?.activity)?.buttons[0]?.data;
      await second.send(cardExecute(second.parties, "a:chat-restart", answer?.id as string, data));
      expect(second.connector.activity(answer?.id as string)?.updates).toBe(1);
    } finally {
      await second.stopServer();
      await first.network.close();
    }
  });
});
