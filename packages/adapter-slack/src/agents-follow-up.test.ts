import { describe, expect, it } from "vitest";
import { ASSIGN_ACTION, DONE_ACTION } from "./agent-blocks.js";
import {
  AGENTS_CHANNEL,
  ANA,
  BRUNO,
  buttonsOf,
  FOLLOW_UP_CHANNEL,
  slackRuntimePerTest,
  textOf,
} from "./testing/slack-runtime.js";

const start = slackRuntimePerTest();

describe("Slack agents: follow-up tasks", () => {
  it("posts each task once in the follow-up channel with labels and priority, then Assign to me and Done update it and write in its thread", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    // Nobody said available: no live offer, a follow-up task.
    await w.customerSays("This is unacceptable, I want a refund, let me talk to a person");
    const [task] = await w.runtime.escalation.listFollowUps(w.tenantId);
    expect(task?.status).toBe("open");
    expect(w.fake.posts().filter((post) => post.channel === AGENTS_CHANNEL)).toEqual([]);

    const roots = w.fake.posts().filter((post) => post.channel === FOLLOW_UP_CHANNEL);
    expect(roots).toHaveLength(1);
    const root = roots[0] as (typeof roots)[number];
    const text = textOf(root.blocks);
    expect(text).toContain(`Priority: *${task?.priority}*`);
    for (const label of task?.labels ?? []) expect(text).toContain(`\`${label}\``);
    expect(text).toContain("Contact: slack:D0CUSTOMER");
    expect(text).toMatch(/\*Open\*/);
    expect(buttonsOf(root.blocks)).toEqual([
      [ASSIGN_ACTION, task?.id],
      [DONE_ACTION, task?.id],
    ]);

    await w.click(ANA, ASSIGN_ACTION, task?.id ?? "", FOLLOW_UP_CHANNEL, root.ts);
    expect((await w.runtime.escalation.listFollowUps(w.tenantId))[0]).toMatchObject({
      status: "assigned",
      assignee: ANA,
    });
    const assigned = w.fake.callsOf("chat.update").at(-1);
    expect(assigned?.args).toMatchObject({ channel: FOLLOW_UP_CHANNEL, ts: root.ts });
    expect(textOf(assigned?.args.blocks)).toMatch(/Assigned to <@U0ANA>/);
    expect(textOf(assigned?.args.blocks)).toContain(`Priority: *${task?.priority}*`); // redrawn whole

    await w.click(BRUNO, DONE_ACTION, task?.id ?? "", FOLLOW_UP_CHANNEL, root.ts);
    const done = w.fake.callsOf("chat.update").at(-1);
    expect(textOf(done?.args.blocks)).toMatch(/Done by <@U0ANA>/); // the assignee keeps it
    expect(buttonsOf(JSON.parse(String(done?.args.blocks)))).toEqual([]);

    // One thread per task: its changes are written under its root, nowhere else.
    const thread = w.fake.posts().filter((post) => post.thread_ts === root.ts);
    expect(thread.map((post) => post.text)).toEqual(["Assigned to <@U0ANA>", "Done by <@U0ANA>"]);
    expect(
      w.fake.posts().filter((post) => post.channel === FOLLOW_UP_CHANNEL && post.thread_ts === undefined),
    ).toHaveLength(1);

    // A second Done: refused, told only to the one who clicked.
    await w.click(ANA, DONE_ACTION, task?.id ?? "", FOLLOW_UP_CHANNEL, root.ts);
    const notice = w.fake.callsOf("chat.postEphemeral").at(-1);
    expect(notice?.args).toMatchObject({ user: ANA, channel: FOLLOW_UP_CHANNEL, text: "Already done" });
  });

  it("two tasks get two roots (one thread each)", async () => {
    const w = await start();
    await w.customerSays("I want to talk to a human about my invoice");
    await w.sendEvent({
      type: "message",
      channel_type: "im",
      channel: "D0OTHER",
      user: "U0OTHER",
      text: "Let me talk to a person please",
      ts: "1800000001.000001",
      event_ts: "1800000001.000001",
    });
    const tasks = await w.runtime.escalation.listFollowUps(w.tenantId);
    expect(tasks).toHaveLength(2);
    const roots = w.fake.posts().filter((post) => post.channel === FOLLOW_UP_CHANNEL);
    expect(roots).toHaveLength(2);
    expect(new Set(roots.map((post) => buttonsOf(post.blocks)[0]?.[1]))).toEqual(
      new Set(tasks.map((task) => task.id)),
    );
  });
});
