import { describe, expect, it } from "vitest";
import type { InboundEvent } from "../events/inbound-event.js";
import { countConversationsBatch } from "./batch.js";
import type { ConversationRecord } from "./conversation.js";
import type { RelatednessDetector } from "./relatedness.js";
import {
  action,
  agent,
  assistant,
  at,
  customer,
  event,
  system,
  utcMonthBilling,
} from "./scenario.test-support.js";

const LATER = at(24 * 60); // read results a day later, when every conversation has settled

async function conversationsOf(
  events: InboundEvent[],
  options: { now?: number; relatedness?: RelatednessDetector } = {},
): Promise<ConversationRecord[]> {
  return countConversationsBatch(events, {
    now: options.now ?? LATER,
    billingOf: () => utcMonthBilling,
    ...(options.relatedness ? { relatedness: options.relatedness } : {}),
  });
}

const ai = (conversations: ConversationRecord[]) => conversations.filter((c) => c.mode === "ai");
const human = (conversations: ConversationRecord[]) => conversations.filter((c) => c.mode === "human");
const countedAi = (conversations: ConversationRecord[]) => ai(conversations).filter((c) => c.counted).length;

describe("opening and continuing (C1–C5)", () => {
  it("C1: the first customer message of a thread opens a conversation with first_message", async () => {
    const [conversation, ...rest] = await conversationsOf([customer(0), assistant(1)]);
    expect(rest).toHaveLength(0);
    expect(conversation?.openReason).toBe("first_message");
    expect(conversation?.openedAt).toBe(at(0));
  });

  it("C1: the same person on two channels is two threads, so two conversations", async () => {
    const conversations = await conversationsOf([
      customer(0),
      assistant(1),
      customer(2, "Hi", { channel: "slack", thread: "D123" }),
      assistant(3, { channel: "slack", thread: "D123" }),
    ]);
    expect(conversations.map((c) => c.channel).sort()).toEqual(["slack", "web"]);
    expect(conversations.every((c) => c.openReason === "first_message" && c.counted)).toBe(true);
  });

  it("C2: a customer message exactly 30:00 after the last activity continues the conversation", async () => {
    const conversations = await conversationsOf([customer(0), assistant(1), customer(31)]);
    expect(conversations).toHaveLength(1);
  });

  it("C2: 30:00.001 after the last activity ends it by inactivity and opens after_inactivity", async () => {
    const conversations = await conversationsOf([
      customer(0),
      assistant(1),
      event({ at: at(31, 0, 1), from: "customer", text: "Back again" }),
    ]);
    expect(conversations).toHaveLength(2);
    const [first, second] = conversations as [ConversationRecord, ConversationRecord];
    expect(first.endReason).toBe("inactivity");
    expect(first.endedAt).toBe(at(31)); // last activity + 30 minutes
    expect(second.openReason).toBe("after_inactivity");
  });

  it("C2: the inactivity gap is measured from the last activity, replies included", async () => {
    const conversations = await conversationsOf([customer(0), assistant(20), customer(45)]);
    expect(conversations).toHaveLength(1);
  });

  it("C3: after a close the next customer message opens a new conversation with after_close", async () => {
    const conversations = await conversationsOf([
      customer(0),
      assistant(1),
      action("close", 2, { from: "customer" }),
      customer(3, "Another thing"),
      assistant(4),
    ]);
    expect(conversations.map((c) => [c.openReason, c.endReason])).toEqual([
      ["first_message", "closed"],
      ["after_close", "inactivity"],
    ]);
    expect(countedAi(conversations)).toBe(2);
  });

  it("C3: a closed conversation is not reopened even by a related follow-up", async () => {
    const conversations = await conversationsOf([
      customer(0),
      assistant(1),
      action("close", 2, { from: "agent" }),
      customer(3, "ok", { related: true }),
    ]);
    expect(conversations).toHaveLength(2);
    expect(conversations[1]?.openReason).toBe("after_close");
  });

  it("C4: a related follow-up within 30 minutes of the resolution reopens the same conversation", async () => {
    const conversations = await conversationsOf([
      customer(0, "Where is my order #12345?"),
      assistant(1),
      action("resolve", 2, { from: "customer" }),
      customer(20, "Will it come with the invoice for order #12345?"),
      assistant(21),
    ]);
    expect(conversations).toHaveLength(1);
    const [conversation] = conversations as [ConversationRecord];
    expect(conversation.reopenedAt).toEqual([at(20)]);
    expect(conversation.relatedness[0]).toMatchObject({ related: true, version: "default@3" });
    expect(conversation.counted).toBe(true);
  });

  it("C4: an unrelated new question after a resolution opens a new conversation with new_topic", async () => {
    const conversations = await conversationsOf([
      customer(0, "Where is my order?"),
      assistant(1),
      action("resolve", 2, { from: "customer" }),
      customer(5, "Another question: can I change my billing address on the invoice?"),
      assistant(6),
    ]);
    expect(conversations.map((c) => c.openReason)).toEqual(["first_message", "new_topic"]);
    expect(conversations[0]?.endReason).toBe("resolved");
    expect(conversations[1]?.relatedness[0]).toMatchObject({ related: false });
    expect(countedAi(conversations)).toBe(2);
  });

  it("C4: a clear resolution phrase resolves the conversation like the button", async () => {
    const conversations = await conversationsOf([
      customer(0, "My login fails"),
      assistant(1),
      customer(2, "Thanks, that solved it!"),
      customer(10, "By the way, do you ship to Canada at all?", { related: false }),
    ]);
    expect(conversations.map((c) => [c.openReason, c.endReason])).toEqual([
      ["first_message", "resolved"],
      ["new_topic", "inactivity"],
    ]);
  });

  it("C4: a negated phrase does not resolve", async () => {
    const conversations = await conversationsOf([
      customer(0, "My login fails"),
      assistant(1),
      customer(2, "No, that did not fix it, it's not resolved"),
      customer(3, "What else can I try?", { related: false }),
    ]);
    expect(conversations).toHaveLength(1);
  });

  it("C4: more than 30 minutes after a resolution the follow-up opens after_inactivity", async () => {
    const conversations = await conversationsOf([
      customer(0),
      assistant(1),
      action("resolve", 2, { from: "customer" }),
      customer(40, "ok", { related: true }),
    ]);
    expect(conversations.map((c) => c.openReason)).toEqual(["first_message", "after_inactivity"]);
  });

  it("C5: ten questions in one session are one conversation", async () => {
    const events: InboundEvent[] = [];
    for (let question = 0; question < 10; question++) {
      events.push(customer(question * 3, `Question number ${question} about a different subject?`));
      events.push(assistant(question * 3 + 1));
    }
    const conversations = await conversationsOf(events);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]?.messageCount).toBe(20);
    expect(countedAi(conversations)).toBe(1);
  });
});

describe("relatedness (C6)", () => {
  it("C6: the verdict, score and detector version are stored with the conversation", async () => {
    const detector: RelatednessDetector = {
      version: "keyword@7",
      decide: () => ({ related: false, score: 0.12 }),
    };
    const conversations = await conversationsOf(
      [customer(0), assistant(1), action("resolve", 2), customer(3, "Completely different matter here?")],
      { relatedness: detector },
    );
    expect(conversations[1]?.relatedness).toEqual([
      { eventKey: expect.any(String), related: false, score: 0.12, version: "keyword@7", at: at(3) },
    ]);
  });

  it("C6: a `related` given in the input overrides the detector", async () => {
    const detector: RelatednessDetector = {
      version: "never@1",
      decide: () => ({ related: false, score: 0 }),
    };
    const conversations = await conversationsOf(
      [
        customer(0),
        assistant(1),
        action("resolve", 2),
        customer(3, "Totally new question?", { related: true }),
      ],
      { relatedness: detector },
    );
    expect(conversations).toHaveLength(1);
    expect(conversations[0]?.relatedness[0]?.version).toBe("given");
  });
});

describe("what counts (C7–C10)", () => {
  it("C7: counted once, at the first delivered assistant reply", async () => {
    const conversations = await conversationsOf([customer(0), assistant(2), customer(3), assistant(4)]);
    expect(conversations[0]).toMatchObject({ counted: true, countedAt: at(2), notCountedReason: null });
  });

  it("C7: an undelivered reply does not count; a later delivered one does", async () => {
    const failed = assistant(1, { key: "reply-1" });
    const conversations = await conversationsOf([
      customer(0),
      failed,
      action("delivery_failed", 1, { ref: "reply-1" }),
      assistant(3, { key: "reply-2" }),
    ]);
    expect(conversations[0]).toMatchObject({ counted: true, countedAt: at(3), countedBy: "reply-2" });
  });

  it("C7: a conversation whose only reply failed is not counted", async () => {
    const conversations = await conversationsOf([
      customer(0),
      assistant(1, { key: "reply-1" }),
      action("delivery_failed", 2, { ref: "reply-1" }),
    ]);
    expect(conversations[0]).toMatchObject({ counted: false, notCountedReason: "cancelled" });
  });

  it("C7: a system message is not a reply", async () => {
    const conversations = await conversationsOf([customer(0), system(1)]);
    expect(conversations[0]?.counted).toBe(false);
  });

  it("C8: a conversation closed before any reply is cancelled, never counted", async () => {
    const conversations = await conversationsOf([customer(0), action("close", 5, { from: "customer" })]);
    expect(conversations[0]).toMatchObject({
      counted: false,
      endReason: "closed",
      notCountedReason: "cancelled",
    });
  });

  it("C8: a conversation that expires with no reply is cancelled once 30 minutes have passed", async () => {
    const inProgress = await conversationsOf([customer(0)], { now: at(30) });
    expect(inProgress[0]).toMatchObject({ endReason: null, notCountedReason: null });
    const expired = await conversationsOf([customer(0)], { now: at(30, 0, 1) });
    expect(expired[0]).toMatchObject({
      endReason: "inactivity",
      notCountedReason: "cancelled",
      endedAt: at(30),
    });
  });

  it("C9: test and preview conversations are never counted", async () => {
    const conversations = await conversationsOf([
      customer(0, "test", { origin: "test", thread: "dash-test" }),
      assistant(1, { origin: "test", thread: "dash-test" }),
      customer(0, "preview", { origin: "preview", thread: "preview-1" }),
      assistant(1, { origin: "preview", thread: "preview-1" }),
    ]);
    expect(conversations.map((c) => [c.counted, c.notCountedReason]).sort()).toEqual([
      [false, "preview"],
      [false, "test"],
    ]);
  });

  it("C9: admin actions, system messages, echoes, edits and deletions never count nor extend", async () => {
    const conversations = await conversationsOf([
      customer(0),
      system(20),
      action("admin", 25),
      assistant(28, { echo: true }),
      action("edit", 29, { from: "customer" }),
      action("delete", 29, { from: "customer" }),
      customer(45, "Hello again"), // 45 min after the only real activity: a new conversation
    ]);
    expect(conversations).toHaveLength(2);
    expect(conversations.every((c) => !c.counted)).toBe(true);
    expect(conversations[1]?.openReason).toBe("after_inactivity");
  });

  it("C10: a handoff before any AI reply counts 0 AI + 1 human", async () => {
    const conversations = await conversationsOf([
      customer(0, "I want a human"),
      system(0.5 as number),
      action("handoff", 1),
      agent(3),
      customer(4, "Thanks Léa"),
    ]);
    expect(countedAi(conversations)).toBe(0);
    const [humanConversation] = human(conversations);
    expect(humanConversation).toMatchObject({ counted: true, countedAt: at(3), openReason: "handoff" });
    expect(humanConversation?.linkedConversationId).toBe(ai(conversations)[0]?.id);
    expect(ai(conversations)[0]?.linkedConversationId).toBe(humanConversation?.id);
  });

  it("C10: a handoff after an AI answer counts 1 AI + 1 human", async () => {
    const conversations = await conversationsOf([customer(0), assistant(1), action("handoff", 2), agent(5)]);
    expect(countedAi(conversations)).toBe(1);
    expect(human(conversations).filter((c) => c.counted)).toHaveLength(1);
  });

  it("C10: the human conversation counts at the agent's first delivered message, not at the handoff", async () => {
    const conversations = await conversationsOf([
      customer(0),
      action("handoff", 1),
      agent(2, { key: "agent-1" }),
      action("delivery_failed", 2, { ref: "agent-1" }),
      agent(6, { key: "agent-2" }),
    ]);
    expect(human(conversations)[0]).toMatchObject({ counted: true, countedBy: "agent-2", countedAt: at(6) });
  });

  it("C10: a handoff nobody answers leaves the human conversation uncounted", async () => {
    const conversations = await conversationsOf([customer(0), action("handoff", 1), action("close", 20)]);
    expect(human(conversations)[0]).toMatchObject({ counted: false, notCountedReason: "cancelled" });
  });
});

describe("timestamps (C14)", () => {
  it("C14: a channel timestamp more than 5 s ahead of the receive time is replaced by the receive time", async () => {
    const conversations = await conversationsOf([
      event({ at: at(0, 5, 1), receivedAt: at(0), from: "customer", text: "hi" }),
      event({ at: at(10, 5), receivedAt: at(10), from: "customer", text: "hi" }),
    ]);
    expect(conversations[0]?.openedAt).toBe(at(0));
    expect(conversations[0]?.lastActivityAt).toBe(at(10, 5)); // exactly 5 s ahead is trusted
  });
});
