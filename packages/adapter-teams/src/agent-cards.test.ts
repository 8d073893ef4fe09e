import { describe, expect, it } from "vitest";
import {
  type AdaptiveCard,
  AGENT_ACTION_KEY,
  agentActionOf,
  type CardElement,
  followUpCard,
  handoffCard,
  refusalText,
} from "./agent-cards.js";

const FIELDS = {
  customer: "a:1CustomerChat",
  customerChannel: "teams",
  priority: "high",
  language: "fr",
  emotion: "frustrated",
  reason: "human_requested",
  lastMessages: "customer: où est mon colis ?\nassistant: Il arrive demain.\ncustomer: je veux un humain",
};

/** Every text a person would read on the card. */
function textsOf(card: AdaptiveCard): string[] {
  return card.body.flatMap((element) =>
    element.type === "TextBlock"
      ? [String(element.text)]
      : element.type === "FactSet"
        ? (element.facts as Array<{ title: string; value: string }>).map(
            (fact) => `${fact.title}: ${fact.value}`,
          )
        : [],
  );
}

function buttonsOf(card: AdaptiveCard): Array<{ title: string; data: unknown; fallback: CardElement }> {
  return card.actions as Array<{ title: string; data: unknown; fallback: CardElement }>;
}

describe("agent cards: the handoff request", () => {
  it("shows the customer, channel, language, emotion, reason, priority and last messages, with Accept (Execute, Submit fallback)", () => {
    const card = handoffCard("h1", "New high request (fr, frustrated): je veux un humain", FIELDS, {
      phase: "waiting",
    });
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
    const texts = textsOf(card);
    expect(texts[0]).toBe("Waiting for an agent");
    for (const fact of [
      "Customer: a:1CustomerChat",
      "Channel: teams",
      "Priority: high",
      "Language: fr",
      "Emotion: frustrated",
      "Reason: human_requested",
    ])
      expect(texts).toContain(fact);
    expect(texts).toContain("customer: je veux un humain");
    expect(texts).toContain("assistant: Il arrive demain.");

    const [accept, ...others] = buttonsOf(card);
    expect(others).toEqual([]);
    expect(accept).toMatchObject({
      type: "Action.Execute",
      title: "Accept",
      data: { [AGENT_ACTION_KEY]: "accept", ref: "h1" },
      fallback: { type: "Action.Submit", title: "Accept", data: { [AGENT_ACTION_KEY]: "accept", ref: "h1" } },
    });
    expect(agentActionOf(accept?.data)).toEqual({ [AGENT_ACTION_KEY]: "accept", ref: "h1" });
    expect(agentActionOf(accept?.fallback.data)).toEqual({ [AGENT_ACTION_KEY]: "accept", ref: "h1" });
  });

  it("once taken: 'Taken by Ana' for everyone, Accept gone, Resolve and Close offered", () => {
    const card = handoffCard("h1", "New request", FIELDS, { phase: "taken", by: "Ana" });
    expect(textsOf(card)[0]).toBe("Taken by Ana");
    expect(buttonsOf(card).map((button) => [button.title, agentActionOf(button.data)?.lutinAgent])).toEqual([
      ["Resolve", "resolve"],
      ["Close", "close"],
    ]);
  });

  it("once ended or withdrawn: no buttons left, and the status says how and by whom", () => {
    const resolved = handoffCard("h1", "x", FIELDS, { phase: "ended", how: "resolved", by: "Ana" });
    expect(textsOf(resolved)[0]).toBe("Resolved by Ana");
    expect(resolved.actions).toEqual([]);
    const closed = handoffCard("h1", "x", FIELDS, { phase: "ended", how: "closed", by: null });
    expect(textsOf(closed)[0]).toBe("Closed");
    const withdrawn = handoffCard("h1", "x", FIELDS, { phase: "withdrawn" });
    expect(textsOf(withdrawn)[0]).toMatch(/follow-up task/);
    expect(withdrawn.actions).toEqual([]);
  });

  it("keeps a huge customer text and last messages bounded, and skips empty facts", () => {
    const card = handoffCard(
      "h1",
      "x".repeat(50_000),
      { priority: "low", lastMessages: `customer: ${"y".repeat(10_000)}` },
      { phase: "waiting" },
    );
    expect(JSON.stringify(card).length).toBeLessThan(8_000);
    expect(textsOf(card)).not.toContain("Customer: ");
    expect(textsOf(card).filter((text) => text.startsWith("Priority"))).toEqual(["Priority: low"]);
  });

  it("tells the loser with a capitalised problem", () => {
    expect(refusalText("already taken by Ana")).toBe("Already taken by Ana");
  });
});

describe("agent cards: a follow-up task", () => {
  it("shows labels, priority, contact, last messages and its history with who and when; Assign to me and Done", () => {
    const card = followUpCard(
      "f1",
      "Follow-up [high] billing\nMy invoice is wrong",
      {
        priority: "high",
        labels: "billing, refund",
        contact: "ana.customer@example.com",
        lastMessages: "customer: my invoice is wrong",
      },
      [
        { status: "open", by: null, at: Date.UTC(2026, 11, 4, 10, 0) },
        { status: "assigned", by: "Bruno", at: Date.UTC(2026, 11, 4, 10, 5) },
      ],
    );
    const texts = textsOf(card);
    expect(texts[0]).toBe("Assigned to Bruno");
    expect(texts).toContain("Labels: billing · refund");
    expect(texts).toContain("Contact: ana.customer@example.com");
    expect(texts).toContain("customer: my invoice is wrong");
    expect(texts).toContain(
      "Assigned to Bruno · {{DATE(2026-12-04T10:05:00Z, SHORT)}} {{TIME(2026-12-04T10:05:00Z)}}",
    );
    expect(buttonsOf(card).map((button) => agentActionOf(button.data))).toEqual([
      { [AGENT_ACTION_KEY]: "assign", ref: "f1" },
      { [AGENT_ACTION_KEY]: "done", ref: "f1" },
    ]);
  });

  it("done: no buttons, 'Done by …'", () => {
    const card = followUpCard("f1", "x", {}, [
      { status: "open", by: null, at: 0 },
      { status: "done", by: "Ana", at: 1000 },
    ]);
    expect(textsOf(card)[0]).toBe("Done by Ana");
    expect(card.actions).toEqual([]);
  });
});

describe("agentActionOf: hostile payloads are not agent actions", () => {
  it.each([
    null,
    "accept",
    42,
    {},
    { [AGENT_ACTION_KEY]: "delete-everything", ref: "h1" },
    { [AGENT_ACTION_KEY]: "accept" },
    { [AGENT_ACTION_KEY]: "accept", ref: 7 },
    { [AGENT_ACTION_KEY]: "accept", ref: "" },
    { [AGENT_ACTION_KEY]: "accept", ref: "r".repeat(201) },
    { lutin: "resolved", ref: "h1" },
  ])("%j → null", (payload) => {
    expect(agentActionOf(payload)).toBeNull();
  });
});
