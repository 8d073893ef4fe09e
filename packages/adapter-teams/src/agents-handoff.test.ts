import { describe, expect, it } from "vitest";
import { type AdaptiveCard, agentActionOf } from "./agent-cards.js";
import {
  AGENTS_CHANNEL,
  ANA,
  APP_ID,
  BRUNO,
  CUSTOMER_CHAT,
  type TeamsWorld,
  teamsWorldPerTest,
} from "./testing/teams-agents-world.js";

const start = teamsWorldPerTest();

/** The handoff request's card: the one conversation created in the agents' channel. */
function handoffCard(w: TeamsWorld) {
  const created = w.connector.callsOf("createConversation").filter((call) => {
    const data = call.body?.channelData as { channel?: { id?: string } } | undefined;
    return data?.channel?.id === AGENTS_CHANNEL && call.status < 300;
  });
  expect(created).toHaveLength(1);
  const card = cardOf(created[0]?.body?.activity);
  const accept = card.actions
    .map((action) => agentActionOf(action.data))
    .find((data) => data?.lutinAgent === "accept");
  expect(accept).toBeDefined();
  const [root] = w.connector
    .posted()
    .filter((posted) => posted.conversationId.startsWith(`${AGENTS_CHANNEL};messageid=`));
  expect(root).toBeDefined();
  return {
    chain: root?.conversationId as string,
    id: root?.id as string,
    handoffId: accept?.ref as string,
    card,
  };
}

function cardOf(activity: unknown): AdaptiveCard {
  const attachments = (activity as { attachments?: Array<{ content?: unknown }> } | undefined)?.attachments;
  return attachments?.[0]?.content as AdaptiveCard;
}

const statusOf = (card: AdaptiveCard) => String(card.body[0]?.text);
const textsOf = (card: AdaptiveCard) => JSON.stringify(card.body);
/** The card as it now stands in the channel (after its PUTs). */
const currentCard = (w: TeamsWorld, id: string) => cardOf(w.connector.activity(id)?.activity);
/** What the bot wrote in the chain, below the card. */
const chainTexts = (w: TeamsWorld, chain: string, rootId: string) =>
  w.connector
    .posted(chain)
    .filter((posted) => posted.id !== rootId)
    .map((posted) => String(posted.activity.text ?? ""));
const toCustomer = (w: TeamsWorld) => w.connector.texts(CUSTOMER_CHAT);

describe("Teams agents: a handoff end to end (auth on, real botbuilder, fake Bot Connector)", () => {
  it("posts the card in its own conversation, Accept turns it to 'Taken by Ana' for everyone, relays both ways in its chain, Resolve ends it (C10: 1 human)", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    const available = await w.agentSaysPrivately(ANA, "available");
    expect(available.status).toBe(200);
    expect(w.connector.texts("a:1ana-personal-chat").at(-1)).toMatch(/You are available/);

    await w.customerSays("I want to talk to a human, my parcel never arrived");
    const request = handoffCard(w);
    expect(statusOf(request.card)).toBe("Waiting for an agent");
    expect(textsOf(request.card)).toMatch(/my parcel never arrived/);
    expect(textsOf(request.card)).toMatch(/"title":"Priority"/);
    expect(textsOf(request.card)).toMatch(/customer: I want to talk to a human/);
    const [stored] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(stored).toMatchObject({ id: request.handoffId, status: "pending", candidates: [ANA] });
    const noticesBefore = toCustomer(w).length;

    const accepted = await w.press(ANA, request.chain, "accept", request.handoffId);
    expect(accepted.status).toBe(200);
    // The clicker's own view comes back in the invoke response; everyone's is the PUT.
    expect(accepted.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(statusOf(currentCard(w, request.id))).toBe("Taken by Ana");
    expect(w.connector.activity(request.id)?.updates).toBe(1);
    expect(
      currentCard(w, request.id).actions.map((action) => agentActionOf(action.data)?.lutinAgent),
    ).toEqual(["resolve", "close"]);
    expect(toCustomer(w).length).toBeGreaterThan(noticesBefore); // "Ana joined"

    await w.agentWritesInChain(ANA, request.chain, "Hi, I'm Ana &amp; I'll check &lt;your&gt; parcel");
    expect(toCustomer(w).at(-1)).toBe("Hi, I'm Ana & I'll check <your> parcel");
    expect(await w.usage()).toEqual({ ai: 0, human: 1 });

    await w.customerSays("Thanks, the order number is 1234");
    expect(chainTexts(w, request.chain, request.id)).toEqual([
      "**Customer:** Thanks, the order number is 1234",
    ]);

    await w.press(ANA, request.chain, "resolve", request.handoffId);
    expect(statusOf(currentCard(w, request.id))).toBe("Resolved by Ana");
    expect(currentCard(w, request.id).actions).toEqual([]);
    const [ended] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(ended).toMatchObject({ status: "ended", acceptedBy: ANA, endReason: "resolved" });
    expect(await w.usage()).toEqual({ ai: 0, human: 1 });
  });

  it("two agents press Accept at once: exactly one wins, the card says so once, the other is told privately", async () => {
    const w = await start({
      agents: [
        { id: ANA, name: "Ana" },
        { id: BRUNO, name: "Bruno" },
      ],
    });
    await w.agentSaysPrivately(ANA, "available");
    await w.agentSaysPrivately(BRUNO, "available");
    await w.customerSays("Can I speak to a person please?");
    const request = handoffCard(w);

    const answers = await Promise.all([
      w.press(ANA, request.chain, "accept", request.handoffId, "execute", false),
      w.press(BRUNO, request.chain, "accept", request.handoffId, "execute", false),
    ]);
    await w.adapter.idle();
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const [stored] = await w.runtime.escalation.listHandoffs(w.tenantId);
    const winner = stored?.acceptedBy;
    expect([ANA, BRUNO]).toContain(winner);
    const loser = winner === ANA ? BRUNO : ANA;
    const winnerName = winner === ANA ? "Ana" : "Bruno";
    expect(w.connector.activity(request.id)?.updates).toBe(1);
    expect(statusOf(currentCard(w, request.id))).toBe(`Taken by ${winnerName}`);
    const lost = answers[winner === ANA ? 1 : 0]?.body;
    expect(lost).toEqual({
      statusCode: 200,
      type: "application/vnd.microsoft.activity.message",
      value: `Already taken by ${winnerName}`,
    });

    // The loser's reply in the chain does not reach the customer; they are told in their personal chat.
    const before = toCustomer(w).length;
    await w.agentWritesInChain(loser, request.chain, "I can take it too");
    expect(toCustomer(w)).toHaveLength(before);
    const loserChat = loser === ANA ? "a:1ana-personal-chat" : "a:1bruno-personal-chat";
    expect(w.connector.texts(loserChat).at(-1)).toMatch(
      /^Not sent to the customer: you do not hold this conversation/,
    );
  });

  it("Close through the Action.Submit fallback ends it as closed; a retried agent reply (same activity id) reaches the customer once", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    await w.agentSaysPrivately(ANA, "disponible");
    await w.customerSays("I need a human agent now");
    const request = handoffCard(w);
    const submitted = await w.press(ANA, request.chain, "accept", request.handoffId, "submit");
    expect(submitted.status).toBe(200);
    expect(statusOf(currentCard(w, request.id))).toBe("Taken by Ana");

    await w.agentWritesInChain(ANA, request.chain, "Looking into it", "1700000000123");
    await w.agentWritesInChain(ANA, request.chain, "Looking into it", "1700000000123");
    expect(toCustomer(w).filter((text) => text === "Looking into it")).toHaveLength(1);

    await w.press(ANA, request.chain, "close", request.handoffId, "submit");
    expect(statusOf(currentCard(w, request.id))).toBe("Closed by Ana");
    const [ended] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(ended).toMatchObject({ status: "ended", endReason: "closed" });
  });

  it("an Accept with a forged token (auth is on) is refused with 401 and takes nothing", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    await w.agentSaysPrivately(ANA, "available");
    await w.customerSays("I want to talk to a human, please");
    const request = handoffCard(w);
    const forged = await fetch(`${w.adapter.url}${w.adapter.path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: w.issuer.authorization(
          { aud: APP_ID, serviceurl: w.connector.serviceUrl },
          { forged: true },
        ),
      },
      body: JSON.stringify({
        type: "invoke",
        name: "adaptiveCard/action",
        id: "forged-1",
        channelId: "msteams",
        serviceUrl: w.connector.serviceUrl,
        from: { id: ANA, name: "Ana" },
        recipient: { id: `28:${APP_ID}` },
        conversation: { id: request.chain, conversationType: "channel" },
        value: { action: { type: "Action.Execute", data: { lutinAgent: "accept", ref: request.handoffId } } },
      }),
    });
    expect(forged.status).toBe(401);
    await w.adapter.idle();
    const [stored] = await w.runtime.escalation.listHandoffs(w.tenantId);
    expect(stored?.status).toBe("pending");
    expect(w.connector.activity(request.id)?.updates).toBe(0);
  });

  it("posts once per key: core repeating a post shows one card", async () => {
    const w = await start({ agents: [{ id: ANA, name: "Ana" }] });
    await w.agentSaysPrivately(ANA, "available");
    const post = {
      kind: "handoff_requested" as const,
      tenant: w.tenantId,
      key: "manual-1:handoff_requested:0",
      ref: "manual-1",
      agents: [ANA],
      text: "New normal request (en, neutral): hello",
      fields: { priority: "normal" },
    };
    const first = await w.agentSide.agents.post(post);
    const again = await w.agentSide.agents.post(post);
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
    expect(w.connector.callsOf("createConversation").filter((call) => call.status < 300)).toHaveLength(1);
  });
});
