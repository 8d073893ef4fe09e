import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openJsonCollection } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { openFileSlackState, STATE_FILE_NAME } from "./slack-state.js";

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe("slack-state.json", () => {
  it("a file of an older version (tasks only, no message links) is read: a thread reply still finds its task", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-slack-state-"));
    directories.push(dataDir);
    // What the previous version wrote: the task under its key; the message index was rebuilt in memory.
    const older = await openJsonCollection<Record<string, unknown>>({
      file: join(dataDir, STATE_FILE_NAME),
      directory: dataDir,
      format: "lutingenie-slack-state",
      fileMode: 0o600,
    });
    const task = {
      tenant: "T01",
      ref: "handoff_1",
      kind: "handoff",
      channel: "C0AGENTS",
      ts: "1700000000.000100",
      text: "New request",
      fields: { priority: "high" },
    };
    await older.set("task:T01\u0000handoff_1", { record: "task", drawnAt: Date.now(), ...task });
    await older.set("presence:T01\u0000U0ANA", {
      record: "presence",
      declaredAt: Date.now(),
      tenant: "T01",
      agent: "U0ANA",
      available: true,
    });
    await older.close();

    const state = await openFileSlackState({ dataDir });
    expect(await state.taskAt("T01", "C0AGENTS", "1700000000.000100")).toEqual(task);
    expect(await state.task("T01", "handoff_1")).toEqual(task);
    expect(await state.declarations()).toEqual([{ tenant: "T01", agent: "U0ANA", available: true }]);
    expect(await state.taskAt("T01", "C0AGENTS", "1700000000.000200")).toBeUndefined();
    await state.close();
    // The link is kept now: found again after another open, without rebuilding anything.
    const again = await openFileSlackState({ dataDir });
    expect(await again.taskAt("T01", "C0AGENTS", "1700000000.000100")).toEqual(task);
    await again.close();
  });
});
