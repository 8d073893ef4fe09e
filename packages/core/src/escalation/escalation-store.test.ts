import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openFileEscalationStore } from "./escalation-store.js";
import type { CustomerFollowUp } from "./follow-up.js";

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

function task(overrides: Partial<CustomerFollowUp> = {}): CustomerFollowUp {
  return {
    id: "followup_1",
    tenant: "acme",
    channel: "web",
    thread: "v1",
    threadKey: "acme/web/v1",
    conversationId: "conv_1",
    handoffId: null,
    contact: "web:v1",
    transcript: [{ from: "customer", text: "human please", at: 1 }],
    summary: "human please",
    topic: "general",
    labels: ["topic:general"],
    priority: "normal",
    priorityReasons: [],
    language: "en",
    emotion: "neutral",
    reason: "asked_for_human",
    status: "open",
    assignee: null,
    createdAt: 1,
    updatedAt: 1,
    postedAt: null,
    history: [{ at: 1, status: "open", by: null }],
    ...overrides,
  };
}

describe("escalation store on disk", () => {
  it("keeps follow-up tasks, agents and handoffs across a restart; done tasks leave after the retention", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-escalation-"));
    directories.push(dataDir);
    let now = 1_000;
    const store = await openFileEscalationStore({ dataDir, now: () => now, retentionMs: 10_000 });
    await store.putFollowUp(task());
    await store.putFollowUp(task({ id: "followup_2", status: "done", updatedAt: 1_000 }));
    await store.putAgent({
      id: "ana",
      tenant: "acme",
      name: "Ana",
      channels: ["web"],
      languages: [],
      capacity: 3,
      isActive: true,
    });
    await store.close();

    const reopened = await openFileEscalationStore({ dataDir, now: () => now, retentionMs: 10_000 });
    expect((await reopened.listFollowUps("acme")).map((entry) => entry.id).sort()).toEqual([
      "followup_1",
      "followup_2",
    ]);
    expect((await reopened.getFollowUp("followup_1"))?.postedAt).toBeNull();
    expect((await reopened.listAgents("acme")).map((agent) => agent.name)).toEqual(["Ana"]);
    await reopened.close();

    now = 20_000;
    const later = await openFileEscalationStore({ dataDir, now: () => now, retentionMs: 10_000 });
    expect((await later.listFollowUps("acme")).map((entry) => entry.id)).toEqual(["followup_1"]);
  });
});
