import { describe, expect, it } from "vitest";
import { type AdaptiveCard, agentActionOf } from "./agent-cards.js";
import {
  AGENTS_CHANNEL,
  ANA,
  BRUNO,
  FOLLOW_UP_CHANNEL,
  type TeamsWorld,
  teamsWorldPerTest,
} from "./testing/teams-agents-world.js";

const start = teamsWorldPerTest();

const cardOf = (activity: unknown): AdaptiveCard =>
  (activity as { attachments?: Array<{ content?: unknown }> } | undefined)?.attachments?.[0]
    ?.content as AdaptiveCard;
const statusOf = (card: AdaptiveCard) => String(card.body[0]?.text);
const rootsIn = (w: TeamsWorld, channel: string) =>
  w.connector
    .posted()
    .filter(
      (posted) => posted.conversationId.startsWith(`${channel};messageid=`) && posted.replyToId === undefined,
    );

describe("Teams agents: follow-up tasks end to end", () => {
  it("one conversation per task in the follow-up channel, with labels, priority, contact and last messages; Assign to me and Done redraw it and write in its chain", async () => {
    const w = await start({
      agents: [
        { id: ANA, name: "Ana" },
        { id: BRUNO, name: "Bruno" },
      ],
    });
    // Nobody said available: no live offer, a follow-up task.
    await w.customerSays("This is unacceptable, I want a refund, let me talk to a person");
    const [task] = await w.runtime.escalation.listFollowUps(w.tenantId);
    expect(task?.status).toBe("open");
    expect(rootsIn(w, AGENTS_CHANNEL)).toEqual([]);
    const roots = rootsIn(w, FOLLOW_UP_CHANNEL);
    expect(roots).toHaveLength(1);
    const root = roots[0] as (typeof roots)[number];
    const card = cardOf(root.activity);
    const text = JSON.stringify(card.body);
    expect(statusOf(card)).toBe("Open");
    expect(text).toContain(`"value":"${task?.priority}"`);
    for (const label of task?.labels ?? []) expect(text).toContain(label);
    expect(text).toContain(task?.contact ?? "no contact");
    expect(text).toMatch(/customer: This is unacceptable/);
    expect(card.actions.map((action) => agentActionOf(action.data))).toEqual([
      { lutinAgent: "assign", ref: task?.id },
      { lutinAgent: "done", ref: task?.id },
    ]);

    await w.agentSaysPrivately(ANA, "status"); // known to core: its name comes from the tenant file
    const assigned = await w.press(ANA, root.conversationId, "assign", task?.id ?? "");
    expect(assigned.status).toBe(200);
    expect((await w.runtime.escalation.listFollowUps(w.tenantId))[0]).toMatchObject({
      status: "assigned",
      assignee: ANA,
    });
    expect(statusOf(cardOf(w.connector.activity(root.id)?.activity))).toMatch(/^Assigned to /);

    await w.press(BRUNO, root.conversationId, "done", task?.id ?? "", "submit");
    const done = cardOf(w.connector.activity(root.id)?.activity);
    expect(statusOf(done)).toMatch(/^Done by /);
    expect(done.actions).toEqual([]);
    const history = done.body
      .map((element) => String(element.text ?? ""))
      .filter((line) => line.includes("{{TIME("));
    expect(history.map((line) => line.split(" · ")[0])).toEqual([
      "Open",
      expect.stringMatching(/^Assigned to /),
      expect.stringMatching(/^Done by /),
    ]);

    // One conversation per task: its changes are written in its chain, nowhere else.
    const chain = w.connector.posted(root.conversationId).filter((posted) => posted.id !== root.id);
    expect(chain.map((posted) => String(posted.activity.text))).toEqual([
      expect.stringMatching(/^Assigned to /),
      expect.stringMatching(/^Done by /),
    ]);
    expect(rootsIn(w, FOLLOW_UP_CHANNEL)).toHaveLength(1);

    // A second Done: refused, and the card does not change.
    const updates = w.connector.activity(root.id)?.updates;
    const again = await w.press(ANA, root.conversationId, "done", task?.id ?? "");
    expect(again.body).toMatchObject({
      type: "application/vnd.microsoft.activity.message",
      value: "Already done",
    });
    expect(w.connector.activity(root.id)?.updates).toBe(updates);
  });
});
