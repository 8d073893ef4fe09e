import { describe, expect, it } from "vitest";
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from "../adapters/channel-adapter.js";
import { ManualClock } from "../clock.js";
import { createMemoryStore } from "../store/memory-store.js";
import { createLutinRuntime } from "./runtime.js";
import { DEMO_TENANT_FILE, loadTenantFile } from "./tenant-file.js";

/*
 * C4 + C11 through the wired runtime: a widget that never got the reply resends the message with the
 * same id and a new timestamp (it stamps each send). "thanks, that solved it" resolved the conversation
 * on its first attempt; its resend used to be answered as a new question ("I'm not sure I understood"),
 * booked after the conversation's end. It must get the goodbye it was owed, and change nothing else.
 */

const START = Date.UTC(2026, 0, 12, 9, 0);

/** The widget: it confirms what it shows, and drops the next `refuse` replies (a lost connection). */
class Widget implements ChannelAdapter {
  readonly channel = "web";
  readonly shown: OutboundMessage[] = [];
  refuse = 0;
  async start() {}
  async stop() {}
  async send(message: OutboundMessage): Promise<DeliveryResult> {
    if (this.refuse > 0) {
      this.refuse--;
      return { ok: false, reason: "unreachable", retryable: true, detail: "the widget is not connected" };
    }
    this.shown.push(message);
    return { ok: true, deliveredAt: START };
  }
}

async function setUp() {
  const clock = new ManualClock(START);
  const store = createMemoryStore();
  const runtime = await createLutinRuntime({
    store,
    tenants: [await loadTenantFile(DEMO_TENANT_FILE)],
    clock,
  });
  const widget = new Widget();
  runtime.assistant.connect(widget);
  const send = (key: string, text: string, after = 15_000) => {
    clock.advance(after);
    return runtime.assistant.receive(widget, {
      key,
      tenant: "demo-shop",
      thread: "visitor",
      from: "customer",
      at: clock.now(),
      text,
    });
  };
  const press = (key: string) => {
    clock.advance(5_000);
    return runtime.assistant.receive(widget, {
      key,
      tenant: "demo-shop",
      thread: "visitor",
      kind: "resolve",
      from: "customer",
      at: clock.now(),
    });
  };
  const counts = async () =>
    (await store.listLedger({ tenant: "demo-shop" })).filter((row) => row.kind === "count").length;
  const goodbye = runtime.messages.t("en", "assistant.resolved");
  return { runtime, store, widget, send, press, counts, goodbye };
}

describe("C4 + C11: the resend of a message that resolved its conversation", () => {
  it("gets the goodbye it never received, once; nothing is counted again", async () => {
    const { widget, send, counts, goodbye } = await setUp();
    await send("m1", "Where is my order?");
    widget.refuse = 1;
    const lost = await send("m2", "thanks, that solved it");
    expect(lost).toMatchObject({ status: "undelivered", reply: { source: "assistant:resolved" } });
    expect(lost.conversation?.endReason).toBe("resolved");

    const resent = await send("m2", "thanks, that solved it", 40_000);
    expect(resent.reply).toMatchObject({ text: goodbye, source: "assistant:resolved", delivered: true });
    expect(resent.conversation).toMatchObject({ id: lost.conversation?.id, endReason: "resolved" });
    expect(widget.shown.map((message) => [message.key, message.author])).toEqual([
      ["reply:m1", "assistant"],
      ["reply:m2", "system"],
    ]);
    expect(await counts()).toBe(1);

    // Now answered: a further resend changes nothing (C11).
    const again = await send("m2", "thanks, that solved it");
    expect(again).toMatchObject({ status: "duplicate", reply: null });
    expect(widget.shown).toHaveLength(2);
    expect(await counts()).toBe(1);
  });

  it("whose goodbye arrived (only the acknowledgement was lost) is a duplicate that sends nothing", async () => {
    const { widget, send, counts } = await setUp();
    await send("m1", "Where is my order?");
    await send("m2", "thanks, that solved it");
    const resent = await send("m2", "thanks, that solved it");
    expect(resent).toMatchObject({ status: "duplicate", reply: null });
    expect(widget.shown).toHaveLength(2);
    expect(await counts()).toBe(1);
  });

  it("still gets the goodbye after the thread moved on to a new question, which it does not touch", async () => {
    const { store, widget, send, counts, goodbye } = await setUp();
    await send("m1", "Where is my order?");
    widget.refuse = 1;
    const lost = await send("m2", "thanks, that solved it");
    const next = await send("m3", "How do I return an item?", 60_000);
    expect(next.conversation?.id).not.toBe(lost.conversation?.id);
    const resent = await send("m2", "thanks, that solved it");
    expect(resent.reply).toMatchObject({ text: goodbye, source: "assistant:resolved" });
    expect(await counts()).toBe(2);
    const conversations = await store.listConversations({ tenant: "demo-shop" });
    expect(conversations.map((conversation) => conversation.endReason)).toEqual(["resolved", null]);
  });

  it("the 'That solved it' button: a resend whose goodbye was lost gets it; once delivered, nothing", async () => {
    const { widget, send, press, counts, goodbye } = await setUp();
    await send("m1", "Where is my order?");
    widget.refuse = 1;
    await press("r1");
    expect(widget.shown).toHaveLength(1);
    expect((await press("r1")).status).toBe("duplicate");
    expect(widget.shown.map((message) => [message.key, message.text])).toEqual([
      ["reply:m1", expect.any(String)],
      ["reply:r1", goodbye],
    ]);
    await press("r1");
    expect(widget.shown).toHaveLength(2);
    expect(await counts()).toBe(1);
  });
});

describe("C4 + C6: a new 'thanks' after the resolution", () => {
  it("is a related follow-up (C6: thanks always are): it reopens the same, already counted conversation and gets a courtesy, not a new count", async () => {
    const { send, counts } = await setUp();
    const first = await send("m1", "Where is my order?");
    await send("m2", "thanks, that solved it");
    const thanks = await send("m3", "thank you so much!");
    expect(thanks.status).toBe("answered");
    expect(thanks.conversation).toMatchObject({ id: first.conversation?.id, endReason: null, counted: true });
    expect(thanks.conversation?.relatedness.at(-1)).toMatchObject({ eventKey: "m3", related: true });
    expect(thanks.reply?.source).toBe("knowledge-base:quick-reply:thanks");
    expect(await counts()).toBe(1);
  });
});
