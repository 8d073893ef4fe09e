import { describe, expect, it } from "vitest";
import { HANDOFF_LIMITS, type HandoffRequest } from "./handoff.js";
import { withMessage, withNote } from "./handoff-record.js";

const request: HandoffRequest = {
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
  createdAt: 0,
  deadline: 60_000,
  status: "accepted",
  offeredTo: ["ana"],
  candidates: [],
  declinedBy: [],
  leftBy: [],
  acceptedBy: "ana",
  acceptedAt: 1,
  followUpReason: null,
  endedAt: null,
  endReason: null,
  history: [],
};

describe("what a handoff keeps: its messages and its notes", () => {
  it("keeps each message once (C11: same key), in time order, the last ones only, each bounded", () => {
    let kept = withMessage(request, { key: "b", at: 20, from: "agent", agent: "ana", text: "Hi" });
    kept = withMessage(kept, { key: "a", at: 10, from: "customer", text: "help", emotion: "frustrated" });
    expect(withMessage(kept, { key: "a", at: 10, from: "customer", text: "help" })).toBe(kept);
    expect(kept.messages?.map((message) => message.key)).toEqual(["a", "b"]);
    expect(request.messages).toBeUndefined();

    for (let index = 0; index < HANDOFF_LIMITS.messages + 5; index += 1)
      kept = withMessage(kept, { key: `k${index}`, at: 100 + index, from: "customer", text: "x" });
    expect(kept.messages).toHaveLength(HANDOFF_LIMITS.messages);
    expect(kept.messages?.[0]?.key).toBe("k5");

    const long = withMessage(request, { key: "l", at: 1, from: "customer", text: "é".repeat(10_000) });
    expect(long.messages?.[0]?.text).toHaveLength(HANDOFF_LIMITS.messageLength);
    expect(long.messages?.[0]?.text.endsWith("…")).toBe(true);
  });

  it("keeps a note once by id, trimmed; refuses an empty one, a too long one and one past the limit", () => {
    const first = withNote(request, { id: "ana:n1", at: 5, agent: "ana", text: "  VIP customer  " });
    expect(first).toMatchObject({ ok: true });
    if (!first.ok) return;
    expect(first.request.notes).toEqual([{ id: "ana:n1", at: 5, agent: "ana", text: "VIP customer" }]);
    expect(withNote(first.request, { id: "ana:n1", at: 6, agent: "ana", text: "other" })).toEqual({
      ok: true,
      request: first.request,
    });
    expect(withNote(request, { id: "x", at: 1, agent: "ana", text: "   " })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/empty/),
    });
    expect(
      withNote(request, { id: "x", at: 1, agent: "ana", text: "a".repeat(HANDOFF_LIMITS.noteLength + 1) }),
    ).toMatchObject({ ok: false, problem: expect.stringMatching(/limit is 2000/) });
    const full = {
      ...request,
      notes: Array.from({ length: HANDOFF_LIMITS.notes }, (_, index) => ({
        id: `n${index}`,
        at: index,
        agent: "ana",
        text: "n",
      })),
    };
    expect(withNote(full, { id: "new", at: 1, agent: "ana", text: "one more" })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/already has 100 notes/),
    });
  });
});
