import { describe, expect, it } from "vitest";
import { createProductMessages } from "../i18n/index.js";
import { makeHandoff } from "../testing/escalation-store-conformance.js";
import { EscalationService } from "./escalation-service.js";
import { createMemoryEscalationStore, type EscalationStore } from "./escalation-store.js";

describe("the escalation service's once-a-second check", () => {
  it("writes nothing for a pending handoff a tick does not change (every server ticks every pending handoff)", async () => {
    const memory = createMemoryEscalationStore();
    let replaces = 0;
    const store: EscalationStore = {
      ...memory,
      replaceHandoff: (request, revision) => {
        replaces++;
        return memory.replaceHandoff(request, revision);
      },
    };
    const service = new EscalationService({
      store,
      messages: createProductMessages(),
      tenants: async () => {
        throw new Error("not needed: nothing is escalated here");
      },
    });
    const request = makeHandoff({ createdAt: 1_000, deadline: 121_000 });
    await store.putHandoff(request);
    for (const at of [2_000, 3_000, 60_000, 121_000]) await service.tick(at);
    expect(replaces).toBe(0);
    expect(await store.getHandoff(request.id)).toEqual(request);
  });
});
