import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from "../adapters/channel-adapter.js";
import { ManualClock } from "../clock.js";
import type { Logger } from "../logging/logger.js";
import { createLutinRuntime } from "../runtime/runtime.js";
import { DEMO_TENANT_FILE, loadTenantFile } from "../runtime/tenant-file.js";
import { createMemoryStore } from "../store/memory-store.js";
import { type EscalationStore, openFileEscalationStore } from "./escalation-store.js";
import type { OutboundEmail, OutboundSender } from "./outbound-sender.js";

// A Monday at 10:00 in Paris; the demo shop's hours are closed every day below (issue 17).
const MONDAY_10_PARIS = Date.UTC(2026, 0, 12, 9, 0);

/** The customer's channel: a visitor who can leave (`connected = false`) and come back. */
class Visitor implements ChannelAdapter {
  readonly channel = "web";
  readonly sent: OutboundMessage[] = [];
  connected = true;
  async start() {}
  async stop() {}
  async send(message: OutboundMessage): Promise<DeliveryResult> {
    if (!this.connected) return { ok: false, reason: "unreachable", retryable: true, detail: "gone" };
    this.sent.push(message);
    return { ok: true, deliveredAt: Date.now() };
  }
  readonly followUps = {
    postFollowUp: async (): Promise<DeliveryResult> => ({ ok: true, deliveredAt: Date.now() }),
  };
  /** The agents' console on the same channel (the demo shop's agents work on the web). */
  readonly agents = { post: async (): Promise<DeliveryResult> => ({ ok: true, deliveredAt: Date.now() }) };
}

/** Records the mails core composes (the SMTP sender itself is tested against a real SMTP server). */
class RecordingSender implements OutboundSender {
  readonly kind = "recording";
  readonly mails: OutboundEmail[] = [];
  failing = false;
  async send(email: OutboundEmail) {
    if (this.failing)
      return { ok: false as const, retryable: true, detail: "connection refused by 127.0.0.1:1" };
    this.mails.push(email);
    return { ok: true as const, sentAt: Date.now() };
  }
}

async function closedDesk(options: { open?: boolean; escalationStore?: EscalationStore } = {}) {
  const clock = new ManualClock(MONDAY_10_PARIS);
  const tenant = await loadTenantFile(DEMO_TENANT_FILE);
  // Every day listed, none open (an empty object would mean "no hours": always open).
  tenant.settings.businessHours =
    options.open === true ? undefined : { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, message, ...fields }));
  const logger: Logger = { info: record("info"), warn: record("warn"), error: record("error") };
  const sender = new RecordingSender();
  const runtime = await createLutinRuntime({
    store: createMemoryStore(),
    tenants: [tenant],
    clock,
    logger,
    outboundSender: sender,
    ...(options.escalationStore === undefined ? {} : { escalationStore: options.escalationStore }),
  });
  const visitor = new Visitor();
  const handle = runtime.assistant.connect(visitor);
  let sequence = 0;
  const say = (text: string, thread = "v1") => {
    clock.advance(15_000);
    return runtime.assistant.receive(visitor, {
      key: `m${++sequence}`,
      tenant: "demo-shop",
      thread,
      from: "customer",
      at: clock.now(),
      text,
    });
  };
  const desk = handle.followUpDesk;
  if (desk === undefined) throw new Error("the runtime hands adapters no follow-up desk");
  const customer = (thread = "v1") => ({ tenant: "demo-shop", channel: "web", thread });
  return { runtime, visitor, say, clock, sender, lines, desk, customer };
}

describe("follow-up tasks that can be kept (issue 17, finding 2)", () => {
  it("outside hours the follow-up notice asks the channel for a contact; the task keeps contact, transcript, times, language, emotion", async () => {
    const { runtime, visitor, say, desk, customer, lines } = await closedDesk();
    await say("Bonjour, je n'ai pas reçu ma commande, c'est inadmissible !");
    await say("Je voudrais parler à une personne");
    const notice = visitor.sent.at(-1);
    const [task] = await runtime.escalation.listFollowUps("demo-shop");
    expect(task).toBeDefined();
    expect(notice?.author).toBe("system");
    expect(notice?.contactRequest).toEqual({ followUp: task?.id });
    expect(task?.customerContact).toBeNull();

    expect(
      await desk.giveContact(customer(), task?.id ?? "", { email: " chloe@example.fr ", name: "Chloé" }),
    ).toEqual({
      ok: true,
    });
    const [kept] = await runtime.escalation.listFollowUps("demo-shop");
    expect(kept?.customerContact).toMatchObject({ email: "chloe@example.fr", name: "Chloé" });
    expect(kept?.language).toBe("fr");
    expect(kept?.emotion).toBe("frustrated");
    expect(kept?.transcript.map((message) => message.from)).toContain("customer");
    expect(kept?.transcript.some((message) => message.text.includes("inadmissible"))).toBe(true);
    expect(kept?.createdAt).toBeGreaterThan(0);
    expect(kept?.updatedAt).toBeGreaterThanOrEqual(kept?.createdAt ?? 0);
    expect(kept?.labels.length).toBeGreaterThan(0);
    expect(["low", "normal", "high", "urgent"]).toContain(kept?.priority);
    expect(kept?.history).toEqual([{ at: kept?.createdAt, status: "open", by: null }]);
    // Customer contact details never go to logs.
    expect(lines.join("\n")).not.toContain("chloe@example.fr");
  });

  it("refuses an invalid e-mail, an over-long or multi-line name, and another visitor's task (as an unknown one)", async () => {
    const { runtime, say, desk, customer } = await closedDesk();
    await say("I want to talk to a human");
    const [task] = await runtime.escalation.listFollowUps("demo-shop");
    const id = task?.id ?? "";
    const invalid = await desk.giveContact(customer(), id, { email: "not-an-address" });
    expect(invalid).toEqual({ ok: false, problem: expect.stringMatching(/not an e-mail address/) });
    const long = await desk.giveContact(customer(), id, { email: `${"a".repeat(250)}@example.com` });
    expect(long).toEqual({ ok: false, problem: expect.stringMatching(/longer than 254/) });
    const injected = await desk.giveContact(customer(), id, {
      email: "a@example.com",
      name: "Eve\r\nBcc: x@y.z",
    });
    expect(injected).toEqual({ ok: false, problem: expect.stringMatching(/one line/) });
    const attacker = await desk.giveContact(customer("v-attacker"), id, { email: "eve@example.com" });
    const unknown = await desk.giveContact(customer("v-attacker"), "followup_nope", {
      email: "eve@example.com",
    });
    expect(attacker).toEqual({ ok: false, problem: "unknown follow-up task" });
    expect(unknown).toEqual(attacker);
    const otherTenant = await desk.giveContact({ ...customer(), tenant: "other" }, id, {
      email: "eve@example.com",
    });
    expect(otherTenant).toEqual(attacker);
    expect((await runtime.escalation.listFollowUps("demo-shop"))[0]?.customerContact ?? null).toBeNull();
  });

  it("an e-mail answer goes through the outbound sender once per key, in the customer's thread of words; it assigns the task", async () => {
    const { runtime, say, desk, customer, sender, lines, clock } = await closedDesk();
    await say("Where is my parcel? I want to talk to a human");
    const [task] = await runtime.escalation.listFollowUps("demo-shop");
    const id = task?.id ?? "";
    const noContact = await desk.answerFollowUp(id, "ana", {
      via: "email",
      key: "a1",
      text: "Hello",
      subject: "Re",
    });
    expect(noContact).toEqual({ ok: false, problem: expect.stringMatching(/no e-mail address/) });
    await desk.giveContact(customer(), id, { email: "dan@example.com" });

    sender.failing = true;
    const failed = await desk.answerFollowUp(id, "ana", {
      via: "email",
      key: "a1",
      text: "Hello",
      subject: "Re",
    });
    expect(failed).toEqual({ ok: false, problem: expect.stringMatching(/^not sent: connection refused/) });
    sender.failing = false;

    clock.advance(60_000);
    const sent = await desk.answerFollowUp(id, "ana", {
      via: "email",
      key: "a1",
      text: "Your parcel left today.",
      subject: "Your parcel",
    });
    expect(sent).toEqual({ ok: true, status: "sent" });
    expect(
      await desk.answerFollowUp(id, "ana", { via: "email", key: "a1", text: "again", subject: "x" }),
    ).toEqual({
      ok: true,
      status: "sent",
    });
    expect(sender.mails).toHaveLength(1);
    const mail = sender.mails[0];
    expect(mail?.to).toEqual({ address: "dan@example.com", name: null });
    expect(mail?.subject).toBe("Your parcel");
    expect(mail?.text).toMatch(/^Your parcel left today\.\n\n-- \nAna, Lutin & Co\n\n> Where is my parcel\?/);
    const [answered] = await runtime.escalation.listFollowUps("demo-shop");
    expect(answered?.status).toBe("assigned");
    expect(answered?.assignee).toBe("ana");
    expect(answered?.answers).toEqual([
      expect.objectContaining({ via: "email", by: "ana", to: "dan@example.com", status: "sent" }),
    ]);
    expect(answered?.history.at(-1)).toEqual({ at: clock.now(), status: "assigned", by: "ana" });

    expect(await runtime.escalation.completeFollowUp(id, "ana")).toEqual({ ok: true });
    const [done] = await runtime.escalation.listFollowUps("demo-shop");
    expect(done?.history.map((entry) => [entry.status, entry.by])).toEqual([
      ["open", null],
      ["assigned", "ana"],
      ["done", "ana"],
    ]);
    expect(
      await desk.answerFollowUp(id, "ana", { via: "email", key: "a2", text: "P.S.", subject: "x" }),
    ).toEqual({
      ok: false,
      problem: "already done",
    });
    expect(lines.join("\n")).not.toContain("dan@example.com");
  });

  it("a thread answer for a visitor who left is kept and delivered, as the agent's, when they come back", async () => {
    const { runtime, say, desk, customer, visitor } = await closedDesk();
    await say("I want to talk to a human about my refund");
    const [task] = await runtime.escalation.listFollowUps("demo-shop");
    visitor.connected = false;
    const kept = await desk.answerFollowUp(task?.id ?? "", "bruno", {
      via: "thread",
      key: "agent:bruno:t1",
      text: "Your refund is on its way.",
    });
    expect(kept).toEqual({ ok: true, status: "pending" });
    await desk.customerReturned(customer("someone-else"));
    expect(visitor.sent.some((message) => message.text === "Your refund is on its way.")).toBe(false);

    visitor.connected = true;
    await desk.customerReturned(customer());
    const delivered = visitor.sent.filter((message) => message.text === "Your refund is on its way.");
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ author: "agent", key: "agent:bruno:t1", thread: "v1" });
    const [after] = await runtime.escalation.listFollowUps("demo-shop");
    expect(after?.answers?.[0]).toMatchObject({ status: "delivered", via: "thread", by: "bruno" });
    // Delivered once: a second return sends nothing more.
    await desk.customerReturned(customer());
    expect(visitor.sent.filter((message) => message.text === "Your refund is on its way.")).toHaveLength(1);
  });

  it("a handoff nobody accepted in time becomes a task: that notice asks for a contact too", async () => {
    const { runtime, visitor, say, clock } = await closedDesk({ open: true });
    await runtime.escalation.reportPresence("demo-shop", "ana", { isOnline: true, via: "web" });
    await say("I want to talk to a human");
    expect(visitor.sent.at(-1)?.contactRequest).toBeUndefined();
    expect(await runtime.escalation.listFollowUps("demo-shop")).toEqual([]);
    clock.advance(3 * 60_000);
    await runtime.escalation.reportPresence("demo-shop", "ana", { isOnline: true, via: "web" });
    await runtime.escalation.tick();
    const [task] = await runtime.escalation.listFollowUps("demo-shop");
    expect(task?.handoffId).not.toBeNull();
    const notice = visitor.sent.find((message) => message.contactRequest !== undefined);
    expect(notice).toMatchObject({ author: "system", contactRequest: { followUp: task?.id } });
  });

  it("a kept thread answer survives a restart (the file store) and is delivered when the visitor is back", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-follow-ups-"));
    try {
      const firstStore = await openFileEscalationStore({ dataDir });
      const first = await closedDesk({ escalationStore: firstStore });
      await first.say("I want to talk to a human");
      const [task] = await first.runtime.escalation.listFollowUps("demo-shop");
      first.visitor.connected = false;
      const kept = await first.desk.answerFollowUp(task?.id ?? "", "ana", {
        via: "thread",
        key: "agent:ana:r1",
        text: "We found your parcel.",
      });
      expect(kept).toEqual({ ok: true, status: "pending" });
      await first.runtime.escalation.stop();
      await first.runtime.assistant.stop();
      await firstStore.close();

      const secondStore = await openFileEscalationStore({ dataDir });
      const second = await closedDesk({ escalationStore: secondStore });
      await second.desk.customerReturned(second.customer());
      expect(second.visitor.sent.map((message) => message.text)).toEqual(["We found your parcel."]);
      const [after] = await second.runtime.escalation.listFollowUps("demo-shop");
      expect(after?.answers?.[0]).toMatchObject({ status: "delivered" });
      await second.runtime.assistant.stop();
      await secondStore.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
