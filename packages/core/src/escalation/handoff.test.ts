import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyHandoffEvent, type HandoffEvent, type HandoffRequest } from "./handoff.js";

const TIMEOUT = 60_000;

function pendingRequest(agents: string[], at = 0): HandoffRequest {
  return {
    id: "handoff-1",
    tenant: "acme",
    channel: "web",
    thread: "visitor-1",
    threadKey: "acme/web/visitor-1",
    conversationId: "conv-1",
    reason: "asked_for_human",
    language: "en",
    emotion: "neutral",
    priority: "normal",
    summary: "",
    lastMessages: [],
    createdAt: at,
    deadline: at + TIMEOUT,
    status: agents.length === 0 ? "follow_up" : "pending",
    offeredTo: [...agents],
    candidates: [...agents],
    declinedBy: [],
    leftBy: [],
    acceptedBy: null,
    acceptedAt: null,
    followUpReason: agents.length === 0 ? "no_agent_left" : null,
    endedAt: null,
    endReason: null,
    history: [],
  };
}

function run(request: HandoffRequest, events: HandoffEvent[]) {
  const results: string[] = [];
  let current = request;
  for (const event of events) {
    const step = applyHandoffEvent(current, event, { acceptTimeoutMs: TIMEOUT });
    results.push(step.result);
    current = step.request;
  }
  return { request: current, results };
}

/** Walks the history: how many times a holder let go of the request (requeued, or straight to a follow-up). */
function releases(request: HandoffRequest): number {
  let holder: string | null = null;
  let released = 0;
  for (const entry of request.history) {
    if (entry.result === "accepted") holder = entry.agent ?? null;
    else if (holder !== null && (entry.result === "requeued" || entry.result === "follow_up")) {
      released++;
      holder = null;
    }
  }
  return released;
}

describe("handoff request state machine", () => {
  it("gives the request to the first agent who accepts; the second is told it is taken", () => {
    const { request, results } = run(pendingRequest(["ana", "bob"]), [
      { type: "accept", agent: "bob", at: 1_000 },
      { type: "accept", agent: "ana", at: 1_001 },
    ]);
    expect(results).toEqual(["accepted", "already_taken"]);
    expect(request).toMatchObject({ status: "accepted", acceptedBy: "bob" });
  });

  it("becomes a follow-up task when nobody accepts in time", () => {
    const { request } = run(pendingRequest(["ana"]), [{ type: "tick", at: TIMEOUT + 1 }]);
    expect(request).toMatchObject({ status: "follow_up", followUpReason: "timeout" });
  });

  it("becomes a follow-up task when every agent declined or left", () => {
    const { request } = run(pendingRequest(["ana", "bob"]), [
      { type: "decline", agent: "ana", at: 10 },
      { type: "disconnect", agent: "bob", at: 20 },
    ]);
    expect(request).toMatchObject({ status: "follow_up", followUpReason: "no_agent_left" });
  });

  it("requeues to the others when the agent who had it disconnects, then follows up if none take it", () => {
    const { request, results } = run(pendingRequest(["ana", "bob"]), [
      { type: "accept", agent: "ana", at: 10 },
      { type: "disconnect", agent: "ana", at: 5_000 },
      { type: "accept", agent: "ana", at: 5_001 },
      { type: "tick", at: 5_000 + TIMEOUT + 1 },
    ]);
    expect(results).toEqual(["accepted", "requeued", "not_offered", "follow_up"]);
    expect(request.status).toBe("follow_up");
  });

  it("refuses an accept that arrives after the deadline", () => {
    const { request, results } = run(pendingRequest(["ana"]), [
      { type: "accept", agent: "ana", at: TIMEOUT + 5 },
    ]);
    expect(results).toEqual(["follow_up"]);
    expect(request.acceptedBy).toBeNull();
  });

  it("property: however accept, decline, disconnect and time-out interleave, it ends accepted by one agent or as a follow-up task", () => {
    const agents = ["ana", "bob", "chloé"];
    const agent = fc.constantFrom(...agents);
    const eventArbitrary = fc.oneof(
      fc.record({
        type: fc.constant("accept" as const),
        agent,
        at: fc.integer({ min: 0, max: 3 * TIMEOUT }),
      }),
      fc.record({
        type: fc.constant("decline" as const),
        agent,
        at: fc.integer({ min: 0, max: 3 * TIMEOUT }),
      }),
      fc.record({
        type: fc.constant("disconnect" as const),
        agent,
        at: fc.integer({ min: 0, max: 3 * TIMEOUT }),
      }),
      fc.record({
        type: fc.constant("agent-available" as const),
        agent,
        at: fc.integer({ min: 0, max: 3 * TIMEOUT }),
      }),
      fc.record({ type: fc.constant("tick" as const), at: fc.integer({ min: 0, max: 3 * TIMEOUT }) }),
    );
    fc.assert(
      fc.property(
        fc.subarray(agents, { minLength: 1 }),
        fc.array(eventArbitrary, { maxLength: 30 }),
        (offered, raw) => {
          // Events reach the service in time order; equal times in any order.
          const events = [...raw].sort((left, right) => left.at - right.at);
          const { request, results } = run(pendingRequest(offered), [
            ...events,
            { type: "tick", at: 10 * TIMEOUT },
          ]);

          expect(["accepted", "follow_up"]).toContain(request.status);
          if (request.status === "accepted") {
            expect(request.acceptedBy).not.toBeNull();
            expect(request.followUpReason).toBeNull();
            // The holder accepted and did not leave afterwards.
            const lastAccept = request.history.findLast((entry) => entry.result === "accepted");
            expect(lastAccept?.agent).toBe(request.acceptedBy);
          } else {
            expect(request.acceptedBy).toBeNull();
            expect(request.followUpReason).not.toBeNull();
          }
          // Exactly one agent holds it at any time: every successful accept but the last was undone by a requeue.
          const accepted = results.filter((result) => result === "accepted").length;
          // A holder leaving releases it: requeued to others, or straight to a follow-up when nobody is left.
          const released = releases(request);
          expect(accepted).toBe(released + (request.status === "accepted" ? 1 : 0));
          expect(results.filter((result) => result === "follow_up").length).toBe(
            request.status === "follow_up" ? 1 : 0,
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe("transfer: the holder gives the handoff to another agent", () => {
  it("only the holder can transfer, never to themself; the new holder is offered it and holds it", () => {
    const { request, results } = run(pendingRequest(["ana", "bruno"]), [
      { type: "transfer", agent: "ana", to: "carla", at: 1 },
      { type: "accept", agent: "ana", at: 2 },
      { type: "transfer", agent: "bruno", to: "carla", at: 3 },
      { type: "transfer", agent: "ana", to: "ana", at: 4 },
      { type: "transfer", agent: "ana", to: "carla", at: 5 },
      { type: "end", agent: "ana", at: 6, how: "closed" },
      { type: "end", agent: "carla", at: 7, how: "resolved" },
    ]);
    expect(results).toEqual(["ignored", "accepted", "ignored", "ignored", "transferred", "ignored", "ended"]);
    expect(request).toMatchObject({ status: "ended", acceptedBy: "carla", endReason: "resolved" });
    expect(request.offeredTo).toEqual(["ana", "bruno", "carla"]);
    expect(request.history.find((entry) => entry.result === "transferred")).toMatchObject({
      agent: "ana",
      to: "carla",
    });
  });

  it("a transferred handoff whose new holder disconnects is requeued to the others, the first holder included", () => {
    const { request, results } = run(pendingRequest(["ana", "bruno"]), [
      { type: "accept", agent: "ana", at: 1 },
      { type: "transfer", agent: "ana", to: "bruno", at: 2 },
      { type: "disconnect", agent: "ana", at: 3 },
      { type: "disconnect", agent: "bruno", at: 4 },
    ]);
    expect(results).toEqual(["accepted", "transferred", "ignored", "requeued"]);
    expect(request).toMatchObject({ status: "pending", candidates: ["ana"], acceptedBy: null });
  });
});
