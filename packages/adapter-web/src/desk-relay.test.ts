import { createInProcessDeskHub, createMemoryEscalationStore, type DeskFeedEvent } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { AgentTestClient } from "./testing/agent-test-client.js";
import { testServersPerTest } from "./testing/per-test.js";
import { recordingLogger, TEST_AGENT_TOKENS } from "./testing/test-server.js";
import { type ServerFrame, WidgetTestClient } from "./testing/widget-test-client.js";

const KEY = "demo-shop-widget";

const post =
  (kind: string) =>
  (frame: ServerFrame): boolean =>
    frame.type === "post" && (frame.post as { kind: string }).kind === kind;

/*
 * Two real servers in one process sharing one escalation store and the in-process desk feed (the
 * embedded form of what PostgreSQL gives several processes: store-postgres's desk-across-servers test).
 */
describe("the web channel's relay between servers", () => {
  const { start, defer } = testServersPerTest();

  const twoServers = async (logger = recordingLogger()) => {
    const escalationStore = createMemoryEscalationStore();
    const hub = createInProcessDeskHub();
    const feedA = hub.join("a");
    const feedB = hub.join("b");
    // Sees everything both servers publish.
    const observer = hub.join("observer");
    const published: DeskFeedEvent[] = [];
    observer.subscribe((event) => published.push(event));
    defer(async () => {
      await feedA.close();
      await feedB.close();
      await observer.close();
    });
    const a = await start({}, { escalationStore, deskFeed: feedA });
    const b = await start({}, { escalationStore, deskFeed: feedB, logger: logger.logger });
    return { a, b, feedA, feedB, logB: logger.lines, published };
  };

  it("a reply for a customer connected to no server is undelivered within the holder time, not a whole receipt time, and never bounces", async () => {
    const { a, b, published } = await twoServers();
    const bruno = await AgentTestClient.signIn(b.url, TEST_AGENT_TOKENS.bruno);
    defer(() => bruno.close());
    const customer = await WidgetTestClient.connect({ url: a.url, key: KEY });
    const offered = bruno.next(post("handoff_requested"));
    await customer.message("gone-1", "I want to talk to a human");
    const handoff = ((await offered).post as { ref: string }).ref;
    expect(await bruno.command({ type: "accept", handoff })).toMatchObject({ ok: true });
    await customer.close();

    const started = Date.now();
    const result = await bruno.command({ type: "reply", handoff, id: "late-1", text: "Vous êtes là ?" });
    const waited = Date.now() - started;
    expect(result).toMatchObject({ ok: false });
    expect(String(result.problem)).toMatch(/not connected to any server/);
    // The holder time (2 s), not the receipt time the test servers use (3 s) plus the answer margin.
    expect(waited).toBeGreaterThanOrEqual(1_900);
    expect(waited).toBeLessThan(3_500);
    // Asked once, answered by nobody: A, which does not hold the customer either, did not pass it on.
    const asked = published.filter(
      (event) => event.kind === "customer-delivery" && event.message.key === "agent:bruno:late-1",
    );
    expect(asked).toHaveLength(1);
    expect(published.some((event) => event.kind === "customer-holding")).toBe(true); // the earlier, held ones
    expect(
      published.filter(
        (event) =>
          event.kind === "customer-holding" &&
          asked.some(
            (request) => request.kind === "customer-delivery" && request.delivery === event.delivery,
          ),
      ),
    ).toEqual([]);
  });

  it("a malformed event on the feed is logged and dropped: the servers go on relaying", async () => {
    const { a, b, feedA, logB } = await twoServers();
    const bruno = await AgentTestClient.signIn(b.url, TEST_AGENT_TOKENS.bruno);
    defer(() => bruno.close());
    for (const broken of [
      { kind: "customer-delivery", channel: "web" },
      { kind: "agents-post", channel: "web", post: null },
      { kind: "desk-changed", channel: "web" },
      { kind: "customer-receipt", channel: "web", delivery: 42 },
      { kind: "no-such-kind", channel: "web" },
    ])
      await feedA.publish(broken as unknown as DeskFeedEvent);
    const customer = await WidgetTestClient.connect({ url: a.url, key: KEY });
    defer(() => customer.close());
    const offered = bruno.next(post("handoff_requested"));
    await customer.message("after-1", "I want to talk to a human");
    const handoff = ((await offered).post as { ref: string }).ref;
    const line = customer.next((frame) => frame.type === "reply" && frame.author === "agent");
    expect(await bruno.command({ type: "accept", handoff })).toMatchObject({ ok: true });
    expect(await bruno.command({ type: "reply", handoff, id: "ok-1", text: "Bonjour !" })).toMatchObject({
      ok: true,
    });
    expect(await line).toMatchObject({ text: "Bonjour !" });
    // B said which kinds it could not handle, one line each; never what the events held.
    const dropped = logB.filter((line) => line.includes("desk feed event not handled"));
    expect(dropped.map((line) => JSON.parse(line).kind).sort()).toEqual(["agents-post", "customer-delivery"]);
    expect(logB.join("\n")).not.toContain("Bonjour");
  });
});
