import { describe, expect, it } from "vitest";
import { ADAPTIVE_CARD_TYPE } from "./reply-card.js";
import {
  adaptiveCardOf,
  cardExecute,
  cardSubmit,
  otherActivity,
  personalMessage,
} from "./testing/teams-activities.js";
import { teamsRuntimePerTest } from "./testing/teams-runtime.js";

const start = teamsRuntimePerTest();
const CHAT = "a:chat-cards";

/** A customer who got one answer; its card and buttons. */
async function answered() {
  const world = await start();
  await world.send(personalMessage(world.parties, CHAT, "Where is my order?"));
  const answer = world.connector.posted(CHAT).find((posted) => posted.activity.type === "message");
  const card = adaptiveCardOf(answer?.activity);
  if (answer === undefined || card === null) throw new Error("the answer has no card");
  const button = (title: string) => card.buttons.find((candidate) => candidate.title === title)?.data;
  return { world, answer, button };
}

describe("Teams answer cards: That solved it / Talk to a human", () => {
  it("answers an Action.Execute invoke with the redrawn card (never 501), resolves the conversation (C4), and disables the buttons", async () => {
    const { world, answer, button } = await answered();
    const response = await world.send(cardExecute(world.parties, CHAT, answer.id, button("That solved it")));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      statusCode: number;
      type: string;
      value: { actions?: unknown; body: Array<{ text: string }> };
    };
    expect(body).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD_TYPE });
    expect(body.value.actions).toBeUndefined();
    expect(body.value.body[0]?.text).toBe("✓ That solved it");
    // Everyone else's copy is redrawn too: the activity PUT with the same text and no buttons.
    const redrawn = world.connector.activity(answer.id);
    expect(redrawn?.updates).toBe(1);
    expect(redrawn?.activity.text).toBe(answer.activity.text);
    expect(adaptiveCardOf(redrawn?.activity)?.buttons).toEqual([]);
    const [conversation] = await world.store.listConversations({ tenant: world.tenantId });
    expect(conversation?.endReason).toBe("resolved");

    // A second use (another device) changes nothing: still a proper invoke answer, no second redraw.
    const again = await world.send(cardExecute(world.parties, CHAT, answer.id, button("That solved it")));
    expect(again.status).toBe(200);
    expect(world.connector.activity(answer.id)?.updates).toBe(1);
    expect(await world.store.listConversations({ tenant: world.tenantId })).toHaveLength(1);
  });

  it("takes an Action.Submit (older clients) of Talk to a human as the customer asking for one, and disables the buttons", async () => {
    const { world, answer, button } = await answered();
    const before = world.connector.texts(CHAT).length;
    const response = await world.send(cardSubmit(world.parties, CHAT, answer.id, button("Talk to a human")));
    expect(response.status).toBe(200);
    expect(world.connector.texts(CHAT).length).toBe(before + 1);
    expect(world.connector.activity(answer.id)?.updates).toBe(1);
    expect(adaptiveCardOf(world.connector.activity(answer.id)?.activity)?.content.body).toEqual([
      expect.objectContaining({ text: "✓ Talk to a human" }),
    ]);
    // The same click delivered twice is one event (C11): no second answer.
    await world.send(cardSubmit(world.parties, CHAT, answer.id, button("Talk to a human")));
    expect(world.connector.texts(CHAT).length).toBe(before + 1);
  });

  it("answers invokes that are not ours with 200, never 501, and changes nothing", async () => {
    const { world, answer, button } = await answered();
    const foreign = await world.send(cardExecute(world.parties, CHAT, answer.id, { verb: "someone-else" }));
    expect(foreign.status).toBe(200);
    const otherThread = await world.send(
      cardExecute(world.parties, CHAT, answer.id, {
        ...(button("That solved it") as object),
        thread: "a:another-chat",
      }),
    );
    expect(otherThread.status).toBe(200);
    const unknown = await world.send(
      otherActivity(world.parties, CHAT, "invoke", { name: "composeExtension/query", value: {} }),
    );
    expect(unknown.status).toBe(200);
    expect(world.connector.activity(answer.id)?.updates).toBe(0);
    const [conversation] = await world.store.listConversations({ tenant: world.tenantId });
    expect(conversation?.endReason).toBeNull();
  });
});
