import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_TENANT_FILE } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import type { ServerConfigInput } from "./config.js";
import { AgentTestClient } from "./testing/agent-test-client.js";
import { type TestServer, testServersPerTest } from "./testing/per-test.js";
import { TEST_AGENT_TOKENS } from "./testing/test-server.js";
import { writeBikeShopTenant } from "./testing/test-tenant-file.js";
import { type ServerFrame, WidgetTestClient } from "./testing/widget-test-client.js";

/**
 * The agent console's protocol (issue 17, finding 7) on the real server over real WebSockets: the
 * conversation list and its search, one conversation read in full (a closed one too), internal notes,
 * transfer, typing both ways and canned replies; and, as an attacker, another tenant's agent.
 */
const KEY = "demo-shop-widget";
const isPost = (kind: string) => (frame: ServerFrame) =>
  frame.type === "post" && (frame.post as { kind: string }).kind === kind;
type Card = { id: string; status: string; thread: string; messageCount: number; noteCount: number };
type Detail = {
  conversation: Card & {
    messages: Array<{ from: string; text: string; at: number; agent?: string; emotion?: string }>;
    notes: Array<{ agent: string; text: string; at: number }>;
  };
  transfers: Array<{ from: string; to: string }>;
  customer: { channel: string; language: string; emotionTrend: string[]; previous: Card[] };
};

describe("the agent console's protocol", () => {
  const { start, defer } = testServersPerTest();
  const widget = async (server: TestServer, key = KEY) => {
    const client = await WidgetTestClient.connect({ url: server.url, key });
    defer(() => client.close());
    return client;
  };
  const agent = async (server: TestServer, token: string) => {
    const client = await AgentTestClient.signIn(server.url, token);
    defer(() => client.close());
    return client;
  };
  /** The customer asks for a person; `holder` accepts; resolves with the handoff's id. */
  const handedOff = async (customer: WidgetTestClient, holder: AgentTestClient, id = "human-1") => {
    const offered = holder.next(isPost("handoff_requested"));
    await customer.message(id, "I want to talk to a human");
    const handoff = String(((await offered).post as { ref: string }).ref);
    expect(await holder.command({ type: "accept", handoff })).toMatchObject({ ok: true });
    return handoff;
  };
  const open = async (client: AgentTestClient, handoff: string) => {
    const result = await client.command({ type: "open", handoff });
    expect(result).toMatchObject({ ok: true });
    return result as unknown as Detail & ServerFrame;
  };

  it("a closed chat stays readable: its messages with their times, its customer's panel and earlier chats", async () => {
    const server = await start();
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const customer = await widget(server);
    const first = await handedOff(customer, ana);
    const relayed = ana.next(isPost("customer_message"));
    await customer.message("m-1", "Ça fait trois fois que je demande, j'en ai marre !!!");
    // Live posts carry the server's time, for the console's timestamps.
    expect(typeof (await relayed).at).toBe("number");
    const agentLine = customer.next((frame) => frame.type === "reply" && frame.author === "agent");
    expect(
      await ana.command({ type: "reply", handoff: first, id: "a-1", text: "Je regarde tout de suite." }),
    ).toMatchObject({ ok: true });
    await agentLine;
    expect(await ana.command({ type: "end", handoff: first, how: "closed" })).toMatchObject({ ok: true });

    // The same visitor asks again later: a second conversation, with the first one as its history.
    const second = await handedOff(customer, ana, "human-2");
    const detail = await open(ana, second);
    expect(detail.customer.previous.map((card) => card.id)).toEqual([first]);
    expect(detail.customer.channel).toBe("web");

    const closed = await open(ana, first);
    expect(closed.conversation.status).toBe("ended");
    expect(closed.conversation.messages.map((message) => [message.from, message.text])).toEqual([
      ["customer", "Ça fait trois fois que je demande, j'en ai marre !!!"],
      ["agent", "Je regarde tout de suite."],
    ]);
    for (const message of closed.conversation.messages) expect(message.at).toBeGreaterThan(0);
    // The emotion trend reads each message the customer wrote while handed off.
    expect(closed.customer.emotionTrend.at(-1)).toBe("frustrated");

    // The snapshot lists both (waiting/mine/closed are the console's tabs), as cards without messages.
    for (const frame of ana.frames.filter((candidate) => candidate.type === "snapshot"))
      ana.frames.splice(ana.frames.indexOf(frame), 1);
    const snapshot = ana.next((frame) => frame.type === "snapshot");
    ana.socket.send(JSON.stringify({ type: "snapshot" }));
    const cards = (await snapshot).handoffs as Array<Card & { messages?: unknown; history?: unknown }>;
    expect(cards.map((card) => [card.id, card.status])).toEqual([
      [second, "accepted"],
      [first, "ended"],
    ]);
    expect(cards[1]).toMatchObject({ messageCount: 2, noteCount: 0 });
    expect(cards.some((card) => card.messages !== undefined || card.history !== undefined)).toBe(false);
  });

  it("a closed chat, its notes and its moods are still there after a restart (the escalation files)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-console-restart-"));
    defer(() => rm(dataDir, { recursive: true, force: true }));
    const first = await start({}, { dataDir });
    const ana = await AgentTestClient.signIn(first.url, TEST_AGENT_TOKENS.ana);
    const customer = await WidgetTestClient.connect({ url: first.url, key: KEY });
    const handoff = await handedOff(customer, ana);
    const relayed = ana.next(isPost("customer_message"));
    await customer.message("m-1", "C'est inadmissible, j'en ai marre !!!");
    await relayed;
    await ana.command({ type: "reply", handoff, id: "a-1", text: "Je m'en occupe." });
    await ana.command({ type: "note", handoff, id: "n-1", text: "Rappeler demain" });
    await ana.command({ type: "end", handoff, how: "resolved" });
    await customer.close();
    await ana.close();
    await first.cleanup();

    const second = await start({}, { dataDir });
    const again = await agent(second, TEST_AGENT_TOKENS.ana);
    const detail = await open(again, handoff);
    expect(detail.conversation).toMatchObject({ status: "ended", endReason: "resolved" });
    expect(detail.conversation.messages.map((message) => message.text)).toEqual([
      "C'est inadmissible, j'en ai marre !!!",
      "Je m'en occupe.",
    ]);
    expect(detail.conversation.notes.map((note) => note.text)).toEqual(["Rappeler demain"]);
    expect(detail.customer.emotionTrend.at(-1)).toBe("frustrated");
  });

  it("search finds conversations by customer text (accents and case ignored), by id and by language", async () => {
    const server = await start();
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const first = await handedOff(await widget(server), ana);
    const other = await widget(server);
    const second = await handedOff(other, ana, "human-b");
    const relayed = ana.next(isPost("customer_message"));
    await other.message("b-1", "Mon vélo est arrivé cassé");
    await relayed;
    const found = async (query: string) => {
      const result = await ana.command({ type: "search", query });
      expect(result).toMatchObject({ ok: true });
      return (result.conversations as Card[]).map((card) => card.id);
    };
    // The relayed message is kept asynchronously: wait until it is searchable.
    await expect.poll(() => found("VELO EST"), { timeout: 5_000 }).toEqual([second]);
    expect(await found(first)).toEqual([first]);
    expect(await found("")).toEqual([second, first]);
    expect(await found("en")).toContain(first);
    expect(await found("nothing like this anywhere")).toEqual([]);
    const refused = ana.next((frame) => frame.type === "error");
    ana.socket.send(JSON.stringify({ type: "search", requestId: "long", query: "x".repeat(201) }));
    expect((await refused).problem).toMatch(/query is longer than 200 characters/);
  });

  it("notes: stored with the handoff, shown to another agent, never sent to the customer", async () => {
    const server = await start();
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const bruno = await agent(server, TEST_AGENT_TOKENS.bruno);
    const customer = await widget(server);
    const handoff = await handedOff(customer, ana);
    const before = customer.frames.length;
    expect(
      await bruno.command({ type: "note", handoff, id: "n-1", text: "Customer already refunded in May" }),
    ).toMatchObject({ ok: true });
    // A resend (same id, a reconnect) is stored once.
    await bruno.command({ type: "note", handoff, id: "n-1", text: "Customer already refunded in May" });
    const refused = ana.next((frame) => frame.type === "error");
    ana.socket.send(JSON.stringify({ type: "note", requestId: "blank", handoff, id: "n-2", text: "   " }));
    expect((await refused).problem).toBe("text: text must not be empty");
    const detail = await open(ana, handoff);
    expect(detail.conversation.notes.map((note) => [note.agent, note.text])).toEqual([
      ["bruno", "Customer already refunded in May"],
    ]);
    // A round trip: anything the note could have sent the customer has arrived by now.
    await customer.message("after-note", "ok");
    expect(
      customer.frames.slice(before).some((frame) => JSON.stringify(frame).includes("refunded in May")),
    ).toBe(false);
  });

  it("transfer: the target is told and gets the customer's messages; the customer is not interrupted", async () => {
    const server = await start();
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const bruno = await agent(server, TEST_AGENT_TOKENS.bruno);
    const customer = await widget(server);
    const handoff = await handedOff(customer, ana);
    const repliesBefore = customer.replies.length;
    expect(await bruno.command({ type: "transfer", handoff, to: "ana" })).toMatchObject({ ok: false });
    expect(await ana.command({ type: "transfer", handoff, to: "nobody" })).toMatchObject({ ok: false });
    const told = bruno.next(isPost("handoff_transferred"));
    expect(await ana.command({ type: "transfer", handoff, to: "bruno" })).toEqual({
      type: "result",
      requestId: expect.any(String),
      ok: true,
    });
    expect(await told).toMatchObject({
      post: { ref: handoff, text: "Ana transferred a conversation to you" },
    });

    const relayed = bruno.next(isPost("customer_message"));
    await customer.message("after-transfer", "Are you still there?");
    expect((await relayed).post).toMatchObject({ text: "Are you still there?" });
    expect(customer.replies.length).toBe(repliesBefore);
    expect(await ana.command({ type: "reply", handoff, id: "late", text: "me" })).toMatchObject({
      ok: false,
    });
    expect(await bruno.command({ type: "reply", handoff, id: "b-1", text: "Bruno here" })).toMatchObject({
      ok: true,
    });
    expect((await open(bruno, handoff)).transfers).toEqual([
      { at: expect.any(Number), from: "ana", to: "bruno" },
    ]);
  });

  it("typing both ways: the holder's typing reaches the widget with their name; the customer's reaches the holder only", async () => {
    const server = await start();
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    const bruno = await agent(server, TEST_AGENT_TOKENS.bruno);
    const customer = await widget(server);
    const handoff = await handedOff(customer, ana);

    const shown = customer.next((frame) => frame.type === "typing" && frame.agent === "Ana");
    ana.socket.send(JSON.stringify({ type: "typing", handoff, on: true }));
    expect(await shown).toEqual({ type: "typing", on: true, agent: "Ana" });
    const hidden = customer.next((frame) => frame.type === "typing" && frame.on === false);
    ana.socket.send(JSON.stringify({ type: "typing", handoff, on: false }));
    await hidden;
    // Bruno does not hold the chat: his typing is not shown.
    bruno.socket.send(JSON.stringify({ type: "typing", handoff, on: true }));

    const seen = ana.next((frame) => frame.type === "typing");
    customer.send({ type: "typing" });
    expect(await seen).toEqual({ type: "typing", handoff, on: true });
    await customer.message("round-trip", "hello");
    expect(bruno.frames.some((frame) => frame.type === "typing")).toBe(false);
    expect(customer.frames.filter((frame) => frame.type === "typing" && frame.agent === "Bruno")).toEqual([]);
  });

  it("canned replies are the tenant's quick replies in the asked language, the widget's own", async () => {
    const server = await start();
    const ana = await agent(server, TEST_AGENT_TOKENS.ana);
    for (const language of ["en", "fr"]) {
      const config = (await (
        await fetch(`${server.url}/api/widget/config?key=${KEY}&lang=${language}`)
      ).json()) as {
        quickReplies: Array<{ label: string }>;
      };
      expect(config.quickReplies.length).toBeGreaterThan(0);
      const canned = await ana.command({ type: "canned", language });
      expect(canned).toMatchObject({ ok: true, replies: config.quickReplies });
    }
    const refused = ana.next((frame) => frame.type === "error");
    ana.socket.send(JSON.stringify({ type: "canned", requestId: "bad", language: "french" }));
    expect((await refused).problem).toMatch(/two-letter code/);
  });
});

describe("the agent console across tenants, as an attacker", () => {
  const { start, defer } = testServersPerTest();

  it("A's agent cannot open, search, note, transfer or type into B's conversations, nor transfer to B's agents", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-console-tenants-"));
    defer(() => rm(directory, { recursive: true, force: true }));
    const tenants: NonNullable<ServerConfigInput["tenants"]> = [
      {
        tenantFile: DEMO_TENANT_FILE,
        widgetKey: "shop-a-widget",
        adminToken: "admin-token-of-shop-a-0123456789",
        agentTokens: { ana: "agent-token-ana-of-shop-a-01234", bruno: "agent-token-bruno-of-shop-a-0123" },
      },
      {
        tenantFile: await writeBikeShopTenant(directory),
        widgetKey: "shop-b-widget",
        adminToken: "admin-token-of-shop-b-0123456789",
        agentTokens: { ana: "agent-token-ana-of-shop-b-01234", carla: "agent-token-carla-of-shop-b-0123" },
      },
    ];
    const server = await start({ tenants });
    const signIn = async (token: string) => {
      const client = await AgentTestClient.signIn(server.url, token);
      defer(() => client.close());
      return client;
    };
    const anaOfA = await signIn("agent-token-ana-of-shop-a-01234");
    const anaOfB = await signIn("agent-token-ana-of-shop-b-01234");
    await signIn("agent-token-carla-of-shop-b-0123");
    const customerOfB = await WidgetTestClient.connect({ url: server.url, key: "shop-b-widget" });
    defer(() => customerOfB.close());
    const offered = anaOfB.next(isPost("handoff_requested"));
    await customerOfB.message("b-human", "I want to talk to a human");
    const handoff = String(((await offered).post as { ref: string }).ref);
    expect(await anaOfB.command({ type: "accept", handoff })).toMatchObject({ ok: true });
    expect(
      await anaOfB.command({ type: "note", handoff, id: "secret", text: "B's own secret note" }),
    ).toMatchObject({
      ok: true,
    });

    const unknown = await anaOfA.command({ type: "open", handoff: "handoff_that_does_not_exist" });
    expect(unknown).toMatchObject({ ok: false });
    for (const command of [
      { type: "open", handoff },
      { type: "note", handoff, id: "sneak", text: "A was here" },
      { type: "transfer", handoff, to: "ana" },
    ]) {
      const result = await anaOfA.command(command);
      expect({ ok: result.ok, problem: result.problem }).toEqual({ ok: false, problem: unknown.problem });
    }
    const searched = await anaOfA.command({ type: "search", query: "" });
    expect(searched).toMatchObject({ ok: true, conversations: [] });
    anaOfA.socket.send(JSON.stringify({ type: "typing", handoff, on: true }));

    // B's holder cannot hand B's chat to A's agent: "bruno" is no agent of B.
    expect(await anaOfB.command({ type: "transfer", handoff, to: "bruno" })).toMatchObject({
      ok: false,
      problem: "bruno is not an agent of this tenant",
    });
    const detail = (await anaOfB.command({ type: "open", handoff })) as unknown as Detail;
    expect(detail.conversation.notes.map((note) => note.text)).toEqual(["B's own secret note"]);
    expect(detail.conversation.status).toBe("accepted");
    // A round trip on the customer's socket: a typing frame from A would have arrived before this ack.
    await customerOfB.message("b-2", "hello");
    expect(customerOfB.frames.some((frame) => frame.type === "typing" && frame.agent !== undefined)).toBe(
      false,
    );
    expect(anaOfA.frames.some((frame) => frame.type === "post" || frame.type === "typing")).toBe(false);
  });
});
