import type { CustomerFollowUp, HandoffRequest } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { cardOf, detailOf, listFor, search } from "./console-view.js";

const HOUR = 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 6, 12);

function handoff(id: string, overrides: Partial<HandoffRequest> = {}): HandoffRequest {
  return {
    id,
    tenant: "acme",
    channel: "web",
    thread: `visitor-${id}`,
    threadKey: `acme/web/visitor-${id}`,
    conversationId: `conv-${id}`,
    reason: "asked_for_human",
    language: "en",
    emotion: "neutral",
    priority: "normal",
    summary: "",
    lastMessages: [],
    createdAt: NOW - HOUR,
    deadline: NOW,
    status: "pending",
    offeredTo: ["ana"],
    candidates: ["ana"],
    declinedBy: [],
    leftBy: [],
    acceptedBy: null,
    acceptedAt: null,
    followUpReason: null,
    endedAt: null,
    endReason: null,
    history: [],
    ...overrides,
  };
}

describe("the console's view of the escalation store", () => {
  it("a card carries no messages, notes or history, but counts them", () => {
    const card = cardOf(
      handoff("a", {
        messages: [{ key: "k", at: NOW - 10, from: "customer", text: "secret order details" }],
        notes: [{ id: "n", at: NOW - 5, agent: "ana", text: "internal" }],
        history: [{ at: NOW - 20, event: "accept", agent: "ana", result: "accepted" }],
      }),
    );
    expect(card).toMatchObject({ id: "a", messageCount: 1, noteCount: 1, lastAt: NOW - 10 });
    expect(JSON.stringify(card)).not.toMatch(/secret order details|internal/);
    expect(Object.keys(card)).not.toContain("history");
  });

  it("lists what is offered to or held by the agent (last 24 h), then the tenant's conversations closed in the last 24 h", () => {
    const listed = listFor(
      [
        handoff("offered", { createdAt: NOW - 3 * HOUR }),
        handoff("not-offered", { offeredTo: ["bruno"], candidates: ["bruno"] }),
        handoff("held", { status: "accepted", acceptedBy: "ana", candidates: [], createdAt: NOW - 2 * HOUR }),
        handoff("old", { createdAt: NOW - 25 * HOUR }),
        handoff("closed-by-bruno", { status: "ended", offeredTo: ["bruno"], endedAt: NOW - HOUR }),
        handoff("closed-long-ago", { status: "ended", endedAt: NOW - 30 * HOUR, createdAt: NOW - 31 * HOUR }),
        handoff("task", { status: "follow_up", createdAt: NOW - 4 * HOUR }),
      ],
      "ana",
      NOW,
    );
    expect(listed.map((card) => card.id)).toEqual(["held", "offered", "closed-by-bruno", "task"]);
  });

  it("search ignores case and accents, matches ids, customers, languages and customer text only", () => {
    const requests = [
      handoff("h1", { language: "fr", summary: "Mon vélo est cassé", createdAt: NOW - 2 * HOUR }),
      handoff("h2", {
        messages: [
          { key: "1", at: NOW, from: "customer", text: "Où est ma COMMANDE ?" },
          { key: "2", at: NOW, from: "agent", agent: "ana", text: "agent-only words" },
        ],
      }),
    ];
    const ids = (query: string) => search(requests, query).map((card) => card.id);
    expect(ids("VELO")).toEqual(["h1"]);
    expect(ids("ou est ma commande")).toEqual(["h2"]);
    expect(ids("agent-only")).toEqual([]);
    expect(ids("visitor-h2")).toEqual(["h2"]);
    expect(ids("fr")).toEqual(["h1"]);
    expect(ids("  ")).toEqual(["h2", "h1"]);
  });

  it("one conversation: its mood trend, the customer's other conversations, a contact only when one was given", () => {
    const current = handoff("now", {
      emotion: "confused",
      thread: "v1",
      threadKey: "acme/web/v1",
      messages: [
        { key: "1", at: NOW, from: "customer", text: "grr", emotion: "frustrated" },
        { key: "2", at: NOW, from: "agent", agent: "ana", text: "sorry" },
      ],
      history: [{ at: NOW, event: "transfer", agent: "ana", to: "bruno", result: "transferred" }],
    });
    const earlier = handoff("before", { thread: "v1", threadKey: "acme/web/v1", createdAt: NOW - 5 * HOUR });
    const someoneElse = handoff("other");
    const task = { threadKey: "acme/web/v1", contact: "web:v1", updatedAt: NOW } as CustomerFollowUp;
    const detail = detailOf(current, [current, earlier, someoneElse], [task]);
    expect(detail.customer).toMatchObject({
      channel: "web",
      language: "en",
      emotionTrend: ["confused", "frustrated"],
      contact: null,
    });
    expect(detail.customer.previous.map((card) => card.id)).toEqual(["before"]);
    expect(detail.transfers).toEqual([{ at: NOW, from: "ana", to: "bruno" }]);
    const given = { ...task, contact: "ana@example.test", updatedAt: NOW + 1 } as CustomerFollowUp;
    expect(detailOf(current, [current], [task, given]).customer.contact).toBe("ana@example.test");
  });
});
