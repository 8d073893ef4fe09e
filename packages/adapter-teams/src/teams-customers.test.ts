import { describe, expect, it } from "vitest";
import type { ReceivedActivity } from "./activity-verdict.js";
import { mapActivity } from "./inbound-mapping.js";
import { INSTALL_GREETING } from "./teams-adapter.js";
import {
  adaptiveCardOf,
  channelMention,
  groupMention,
  nextActivityId,
  otherActivity,
  personalMessage,
} from "./testing/teams-activities.js";
import { BOT_ID } from "./testing/teams-network.js";
import { teamsRuntimePerTest } from "./testing/teams-runtime.js";

const start = teamsRuntimePerTest();
const CHANNEL = "19:support-channel@thread.tacv2";
const GROUP = "19:group-chat-1@thread.v2";
const ago = (milliseconds: number) => new Date(Date.now() - milliseconds).toISOString();

describe("Teams customers, authentication ON (local issuer, fake Bot Connector)", () => {
  it("answers a personal chat once, with typing first and the answer card, and counts it on the receipt (C7)", async () => {
    const world = await start({ adapter: { typingDelayMs: 0 } });
    const response = await world.send(personalMessage(world.parties, "a:chat-chloe", "Where is my order?"));
    expect(response.status).toBe(200);
    const texts = world.connector.texts("a:chat-chloe");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/order number/i);
    expect(world.connector.typing("a:chat-chloe")).toBe(1);
    const answer = world.connector
      .posted("a:chat-chloe")
      .find((posted) => posted.activity.type === "message");
    const card = adaptiveCardOf(answer?.activity);
    expect(card?.buttons.map((button) => [button.title, button.type])).toEqual([
      ["That solved it", "Action.Execute"],
      ["Talk to a human", "Action.Execute"],
    ]);
    expect(await world.usage()).toEqual({ ai: 1, human: 0 });
    const [conversation] = await world.store.listConversations({ tenant: world.tenantId });
    expect(conversation).toMatchObject({ channel: "teams", thread: "a:chat-chloe", counted: true });
    // Outbound calls carried a token the connector issued to our app id and password.
    expect(world.connector.callsOf("token")).toHaveLength(1);
    expect(
      world.connector.calls.filter((call) => call.path.startsWith("/v3/")).every((call) => call.status < 300),
    ).toBe(true);
  });

  it("answers an @mention in a team channel in that post's reply chain, without typing; chatter is ignored", async () => {
    const world = await start();
    const post = channelMention(world.parties, CHANNEL, "Where is my order?");
    await world.send(post);
    const chain = `${CHANNEL};messageid=${post.id}`;
    expect(world.connector.texts(chain)).toHaveLength(1);
    expect(world.connector.typing(chain)).toBe(0);
    // A reply in the chain mentioning the bot is the same thread: the same conversation (C5).
    await world.send(channelMention(world.parties, CHANNEL, "and my invoice?", { rootId: post.id }));
    expect(world.connector.texts(chain)).toHaveLength(2);
    // A message in the channel without the mention is not for the bot.
    await world.send(channelMention(world.parties, CHANNEL, "lunch?", { mention: false }));
    const conversations = await world.store.listConversations({ tenant: world.tenantId });
    expect(conversations.map((conversation) => conversation.thread)).toEqual([chain]);
    expect(await world.usage()).toEqual({ ai: 1, human: 0 });
  });

  it("posts no typing indicator for an answer quicker than typingDelayMs (default 400 ms): one connector call per message", async () => {
    const world = await start();
    await world.send(personalMessage(world.parties, "a:chat-quick", "Where is my order?"));
    expect(world.connector.texts("a:chat-quick")).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // past the delay: the timer was cancelled
    expect(world.connector.typing("a:chat-quick")).toBe(0);
  });

  it("answers an @mention in a group chat (typing shown), ignores the group's other messages", async () => {
    const world = await start({ adapter: { typingDelayMs: 0 } });
    await world.send(groupMention(world.parties, GROUP, "Where is my order?"));
    expect(world.connector.texts(GROUP)).toHaveLength(1);
    expect(world.connector.typing(GROUP)).toBe(1);
    const unaddressed = { ...groupMention(world.parties, GROUP, "see you"), entities: [], text: "see you" };
    await world.send(unaddressed);
    expect(world.connector.texts(GROUP)).toHaveLength(1);
  });

  it("takes the mention out of the text the assistant reads", () => {
    const parties = { serviceUrl: "https://smba.example/", botId: BOT_ID, botName: "Lutin" };
    const mapping = mapActivity(
      channelMention(parties, CHANNEL, "  where is   my order?") as unknown as ReceivedActivity,
    );
    expect(mapping).toMatchObject({
      action: "message",
      message: { text: "where is my order?", kind: "channel" },
    });
  });

  it("gives one reply and one count when Teams re-sends a turn: same id (also at once), then a new id 15 s later (C11)", async () => {
    const world = await start();
    const first = personalMessage(world.parties, "a:chat-retry", "Where is my order?", {
      timestamp: ago(20_000),
    });
    await world.send(first);
    await Promise.all([world.send(first), world.send(first)]);
    // Teams' later re-send: a new activity id, the same words, 15 s on.
    await world.send({ ...first, id: nextActivityId(), timestamp: ago(5_000) });
    expect(world.connector.texts("a:chat-retry")).toHaveLength(1);
    expect(await world.usage()).toEqual({ ai: 1, human: 0 });
    // Other words are another message.
    await world.send(personalMessage(world.parties, "a:chat-retry", "And my invoice?"));
    expect(world.connector.texts("a:chat-retry")).toHaveLength(2);
  });

  it("takes the same words after the (configurable) window as a new message", async () => {
    const world = await start({ adapter: { retryWindowMs: 10_000 } });
    await world.send(personalMessage(world.parties, "a:chat-window", "hello", { timestamp: ago(30_000) }));
    await world.send(personalMessage(world.parties, "a:chat-window", "hello", { timestamp: ago(1_000) }));
    expect(world.connector.texts("a:chat-window")).toHaveLength(2);
  });

  it("answers Teams at once and does the turn after (a slow connector does not hold the HTTP answer)", async () => {
    const world = await start();
    world.connector.script("sendToConversation", { delayMs: 1_500 });
    const started = performance.now();
    const response = await world.network.post(
      world.endpoint(),
      personalMessage(world.parties, "a:chat-slow", "hello"),
    );
    const milliseconds = performance.now() - started;
    expect(response.status).toBe(200);
    expect(milliseconds).toBeLessThan(1_000);
    expect(world.connector.texts("a:chat-slow")).toHaveLength(0);
    await world.adapter.idle();
    await world.runtime.assistant.counter.idle();
    expect(world.connector.texts("a:chat-slow")).toHaveLength(1);
  });

  it("never answers or counts the bot's own activities, edits, deletions, reactions or conversationUpdate (C9)", async () => {
    const world = await start();
    const conversation = "a:chat-quiet";
    const own = personalMessage(world.parties, conversation, "I am the bot", {
      from: { id: BOT_ID, name: "Lutin" },
    });
    for (const activity of [
      own,
      otherActivity(world.parties, conversation, "messageUpdate", { text: "edited words" }),
      otherActivity(world.parties, conversation, "messageDelete"),
      otherActivity(world.parties, conversation, "messageReaction", { reactionsAdded: [{ type: "like" }] }),
      otherActivity(world.parties, conversation, "conversationUpdate", {
        membersAdded: [{ id: "29:someone" }],
      }),
      otherActivity(world.parties, conversation, "typing"),
    ]) {
      const response = await world.send(activity);
      expect(response.status, String(activity.type)).toBe(200);
    }
    expect(world.connector.posted(conversation)).toEqual([]);
    expect(await world.store.listConversations({ tenant: world.tenantId })).toEqual([]);
  });

  it("greets an installation once, never counted", async () => {
    const world = await start();
    const install = () => otherActivity(world.parties, "a:chat-new", "installationUpdate", { action: "add" });
    await world.send(install());
    await world.send(install());
    await world.send(otherActivity(world.parties, "a:chat-new", "installationUpdate", { action: "remove" }));
    expect(world.connector.texts("a:chat-new")).toEqual([INSTALL_GREETING]);
    expect(await world.store.listConversations({ tenant: world.tenantId })).toEqual([]);
    expect(await world.usage()).toEqual({ ai: 0, human: 0 });
  });

  it("refuses a customer message over the length limit with one notice, handing nothing to the assistant", async () => {
    const world = await start({ adapter: { maxMessageLength: 50 } });
    const long = personalMessage(world.parties, "a:chat-long", "x".repeat(51));
    await world.send(long);
    await world.send(long);
    const texts = world.connector.texts("a:chat-long");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/51 characters.*up to 50/);
    expect(await world.store.listConversations({ tenant: world.tenantId })).toEqual([]);
  });
});
