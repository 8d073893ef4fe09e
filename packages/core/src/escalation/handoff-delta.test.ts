import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openFileEscalationStore } from "./escalation-store.js";
import { applyHandoffEvent, HANDOFF_LIMITS, type HandoffRequest } from "./handoff.js";
import { handoffDelta } from "./handoff-delta.js";
import { withMessage, withNote } from "./handoff-record.js";

const base: HandoffRequest = {
  id: "handoff-1",
  tenant: "acme",
  channel: "web",
  thread: "visitor-1",
  threadKey: "acme/web/visitor-1",
  conversationId: "conv-1",
  reason: "asked_for_human",
  language: "fr",
  emotion: "frustrated",
  priority: "high",
  summary: "j'en ai marre",
  lastMessages: [{ from: "customer", text: "j'en ai marre", at: 1, key: "c1" }],
  createdAt: 1,
  deadline: 120_001,
  status: "pending",
  offeredTo: ["ana", "bruno"],
  candidates: ["ana", "bruno"],
  declinedBy: [],
  leftBy: [],
  acceptedBy: null,
  acceptedAt: null,
  followUpReason: null,
  endedAt: null,
  endReason: null,
  history: [],
};

/** A handoff's life: accepted, messages both ways (past the kept limit), a note, a transfer, the end. */
function life(start: HandoffRequest = base): HandoffRequest[] {
  const steps: HandoffRequest[] = [start];
  const step = (change: (request: HandoffRequest) => HandoffRequest) =>
    steps.push(change(steps.at(-1) as HandoffRequest));
  const event = (request: HandoffRequest, value: Parameters<typeof applyHandoffEvent>[1]) =>
    applyHandoffEvent(request, value, { acceptTimeoutMs: 120_000 }).request;
  step((request) => event(request, { type: "accept", agent: "ana", at: 10 }));
  for (let index = 0; index < HANDOFF_LIMITS.messages + 3; index += 1)
    step((request) =>
      withMessage(request, {
        key: `m${index}`,
        at: 20 + index,
        from: index % 2 === 0 ? "customer" : "agent",
        text: `message ${index}`,
        ...(index % 2 === 0 ? { emotion: "neutral" as const } : { agent: "ana" }),
      }),
    );
  step((request) => {
    const noted = withNote(request, { id: "ana:n1", at: 500, agent: "ana", text: "VIP" });
    return noted.ok ? noted.request : request;
  });
  step((request) => event(request, { type: "transfer", agent: "ana", to: "bruno", at: 600 }));
  // A late message with an earlier time lands in the middle: that change is written whole.
  step((request) => withMessage(request, { key: "late", at: 21.5, from: "customer", text: "late" }));
  step((request) => event(request, { type: "end", agent: "bruno", at: 700, how: "resolved" }));
  return steps;
}

describe("a handoff's journal change (handoffDelta)", () => {
  it("replays every step of a handoff's life exactly, and a relayed message costs its own size, not the record's", () => {
    const steps = life();
    for (let index = 1; index < steps.length; index += 1) {
      const previous = steps[index - 1] as HandoffRequest;
      const next = steps[index] as HandoffRequest;
      const delta = handoffDelta.encode(previous, next);
      const replayed =
        delta === undefined ? next : handoffDelta.apply(previous, JSON.parse(JSON.stringify(delta)));
      expect(replayed).toEqual(next);
    }
    const full = steps[HANDOFF_LIMITS.messages] as HandoffRequest;
    const oneMore = steps[HANDOFF_LIMITS.messages + 1] as HandoffRequest;
    const delta = JSON.stringify(handoffDelta.encode(full, oneMore));
    expect(delta.length).toBeLessThan(1_000);
    expect(JSON.stringify(oneMore).length).toBeGreaterThan(10 * delta.length);
  });

  it("keeps older records (no messages, no notes) as they were, and refuses a malformed delta", () => {
    const accepted = applyHandoffEvent(
      base,
      { type: "accept", agent: "ana", at: 2 },
      { acceptTimeoutMs: 1 },
    ).request;
    const replayed = handoffDelta.apply(
      base,
      JSON.parse(JSON.stringify(handoffDelta.encode(base, accepted))),
    );
    expect(replayed).toEqual(accepted);
    expect("messages" in replayed).toBe(false);
    expect(
      handoffDelta.encode(base, withMessage(base, { key: "k", at: 3, from: "customer", text: "x" })),
    ).toBeUndefined();
    expect(() => handoffDelta.apply(base, { ...base, messages: { drop: -1, append: [] } })).toThrow(
      /a handoff delta needs lastMessages as \{ drop, append \}/,
    );
  });

  it("the file store replays its journal of deltas after a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-handoff-delta-"));
    try {
      // Created now: an ended handoff leaves the file 30 days after it was created.
      const steps = life({ ...base, createdAt: Date.now() });
      const store = await openFileEscalationStore({ dataDir });
      for (const request of steps) await store.putHandoff(request);
      await store.close();
      const written = (await stat(join(dataDir, "handoffs.json"))).size;
      expect(written).toBeGreaterThan(0);
      const reopened = await openFileEscalationStore({ dataDir });
      expect(await reopened.getHandoff(base.id)).toEqual(steps.at(-1));
      await reopened.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
