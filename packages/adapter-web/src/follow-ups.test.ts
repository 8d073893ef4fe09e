import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_TENANT_FILE } from "@lutingenie/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmtpSender, parseSmtpConfig } from "./smtp-sender.js";
import { AgentTestClient } from "./testing/agent-test-client.js";
import { startLocalSmtpServer } from "./testing/local-smtp-server.js";
import {
  CLOSED_ALL_WEEK,
  recordingLogger,
  startTestServer,
  TEST_AGENT_TOKENS,
} from "./testing/test-server.js";
import { writeBikeShopTenant } from "./testing/test-tenant-file.js";
import { type ServerFrame, WidgetTestClient } from "./testing/widget-test-client.js";

/**
 * Issue 17, finding 2, over the real server and real sockets: outside hours a request for a person becomes
 * a follow-up task, the widget is asked for a contact, the agent answers by e-mail (a real SMTP server on
 * 127.0.0.1) or in the thread, kept until the visitor is back.
 */
describe("follow-up tasks that can be kept, over the widget and console sockets", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let smtp: Awaited<ReturnType<typeof startLocalSmtpServer>>;
  const recorded = recordingLogger();

  beforeAll(async () => {
    smtp = await startLocalSmtpServer();
    server = await startTestServer(
      {},
      {
        businessHours: CLOSED_ALL_WEEK,
        logger: recorded.logger,
        outboundSender: createSmtpSender(
          parseSmtpConfig({
            host: smtp.host,
            port: String(smtp.port),
            from: "Lutin & Co <support@lutin.example>",
          }),
        ),
      },
    );
  });
  afterAll(async () => {
    await server?.cleanup();
    await smtp?.close();
  });

  const visitor = (resume?: { visitor: string; token: string }) =>
    WidgetTestClient.connect({
      url: server.url,
      key: "demo-shop-widget",
      ...(resume === undefined ? {} : { resume }),
    });
  /** Asks for a person; resolves with the follow-up notice and the task id it asks a contact for. */
  const askForPerson = async (client: WidgetTestClient, id: string, text = "I want to talk to a human") => {
    const notice = client.next((frame) => frame.type === "reply" && frame.contactRequest !== null, 5_000);
    await client.message(id, text);
    const frame = await notice;
    return { frame, followUp: String((frame.contactRequest as { followUp: string }).followUp) };
  };
  const sendContact = (client: WidgetTestClient, frame: Record<string, unknown>) => {
    const answer = client.next(
      (reply) => (reply.type === "ack" || reply.type === "error") && reply.id === frame.id,
    );
    client.send({ type: "contact", ...frame });
    return answer;
  };
  const taskOf = async (id: string) =>
    (await server.runtime.escalation.listFollowUps("demo-shop")).find((task) => task.id === id);

  it("asks for a contact with the follow-up notice; refuses a bad e-mail, an oversized name and another visitor's task; keeps the good one, never logged", async () => {
    const customer = await visitor();
    const { frame, followUp } = await askForPerson(customer, "c1");
    expect(frame).toMatchObject({ author: "system", language: "en" });
    expect(String(frame.text)).toMatch(/An agent will contact you soon/);

    const invalid = await sendContact(customer, { id: "k1", followUp, email: "chloe-at-example" });
    expect(invalid).toMatchObject({ type: "error", code: "MESSAGE_INVALID" });
    expect(String(invalid.message)).toMatch(/email: email is not an e-mail address/);
    const oversized = await sendContact(customer, {
      id: "k2",
      followUp,
      email: "a@example.com",
      name: "N".repeat(101),
    });
    expect(oversized).toMatchObject({ type: "error", code: "MESSAGE_INVALID" });
    expect(String(oversized.message)).toMatch(/name is longer than 100 characters/);
    const extra = await sendContact(customer, { id: "k3", followUp, email: "a@example.com", phone: "+33" });
    expect(extra).toMatchObject({ type: "error", code: "MESSAGE_INVALID" });

    // An attacker who learnt the task id writes their own address into it: refused as an unknown task.
    const attacker = await visitor();
    const stolen = await sendContact(attacker, { id: "k4", followUp, email: "eve@attacker.example" });
    expect(stolen).toMatchObject({
      type: "error",
      code: "CONTACT_REFUSED",
      message: "unknown follow-up task",
    });
    const invented = await sendContact(attacker, {
      id: "k5",
      followUp: "followup_invented",
      email: "eve@x.example",
    });
    expect(invented).toMatchObject({ code: "CONTACT_REFUSED", message: stolen.message });
    expect((await taskOf(followUp))?.customerContact).toBeNull();

    const saved = await sendContact(customer, { id: "k6", followUp, email: "dan@example.com", name: "Dan" });
    expect(saved).toEqual({ type: "ack", id: "k6", status: "contact_saved" });
    expect((await taskOf(followUp))?.customerContact).toMatchObject({
      email: "dan@example.com",
      name: "Dan",
    });
    expect(recorded.lines.join("\n")).not.toContain("dan@example.com");
    expect(recorded.lines.join("\n")).not.toContain("eve@attacker.example");
    await customer.close();
    await attacker.close();
  });

  it("the agent answers by e-mail: the local SMTP server receives it (recipient, subject, body); the task shows who and when", async () => {
    const customer = await visitor();
    const { followUp } = await askForPerson(customer, "e1", "I want to talk to a human about my refund");
    await sendContact(customer, { id: "e2", followUp, email: "fay@example.org", name: "Fay Lee" });
    const agent = await AgentTestClient.signIn(server.url, TEST_AGENT_TOKENS.ana);
    const before = smtp.mails.length;
    const result = await agent.command({
      type: "answer",
      followUp,
      via: "email",
      id: "mail-1",
      subject: "Your refund",
      text: "Hello Fay, your refund was sent today.",
    });
    expect(result).toMatchObject({ ok: true, status: "sent" });
    // The same answer id again (a resend after a reconnect) sends nothing more.
    expect(
      await agent.command({
        type: "answer",
        followUp,
        via: "email",
        id: "mail-1",
        subject: "x",
        text: "again",
      }),
    ).toMatchObject({ ok: true, status: "sent" });
    const mails = await smtp.waitForMails(before + 1);
    expect(mails).toHaveLength(before + 1);
    const mail = mails.at(-1);
    expect(mail?.envelopeTo).toEqual(["fay@example.org"]);
    expect(mail?.to).toBe('"Fay Lee" <fay@example.org>');
    expect(mail?.subject).toBe("Your refund");
    expect(mail?.text).toContain("Hello Fay, your refund was sent today.");
    expect(mail?.text).toContain("Ana, Lutin & Co");
    expect(mail?.text).toContain("> I want to talk to a human about my refund");

    const task = await taskOf(followUp);
    expect(task).toMatchObject({ status: "assigned", assignee: "ana" });
    expect(task?.history.at(-1)).toMatchObject({ status: "assigned", by: "ana", at: expect.any(Number) });
    expect(await agent.command({ type: "done", followUp })).toMatchObject({ ok: true });
    expect((await taskOf(followUp))?.history.at(-1)).toMatchObject({ status: "done", by: "ana" });
    expect(recorded.lines.join("\n")).not.toContain("fay@example.org");
    await agent.close();
    await customer.close();
  });

  it("the agent answers in the thread while the visitor is away; the visitor comes back and sees it, marked as the agent's", async () => {
    const customer = await visitor();
    const { followUp } = await askForPerson(customer, "t1");
    const identity = { visitor: customer.identity.visitor, token: customer.identity.token };
    await customer.close();

    const agent = await AgentTestClient.signIn(server.url, TEST_AGENT_TOKENS.bruno);
    const pending = await agent.command({
      type: "answer",
      followUp,
      via: "thread",
      id: "thread-1",
      text: "Hi! Bruno here: your parcel is at the post office.",
    });
    expect(pending).toMatchObject({ ok: true, status: "pending" });
    const tooLong = await agent.command({
      type: "answer",
      followUp,
      via: "thread",
      id: "t2",
      text: "x".repeat(2_001),
    });
    expect(tooLong).toMatchObject({ ok: false, problem: "the message is longer than 2000 characters" });

    const back = await visitor(identity);
    expect(back.identity.resumed).toBe(true);
    // Sent right after the welcome: it may be in before a waiter could be set, so the frames are read.
    const kept = () =>
      back.frames.find(
        (frame: ServerFrame) => frame.type === "reply" && String(frame.text).includes("post office"),
      );
    await expect.poll(kept, { timeout: 10_000 }).toBeDefined();
    const reply = kept();
    expect(reply).toMatchObject({
      author: "agent",
      key: "agent:bruno:follow-up:thread-1",
      contactRequest: null,
    });
    await expect
      .poll(async () => (await taskOf(followUp))?.answers?.[0]?.status, { timeout: 10_000 })
      .toBe("delivered");
    // Another visitor never gets it.
    const stranger = await visitor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stranger.frames.some((frame) => String(frame.text ?? "").includes("post office"))).toBe(false);
    await stranger.close();
    await back.close();
    await agent.close();
  });

  it("an agent cannot answer a task that is not their tenant's, and an e-mail answer needs the customer's address", async () => {
    const customer = await visitor();
    const { followUp } = await askForPerson(customer, "n1");
    const agent = await AgentTestClient.signIn(server.url, TEST_AGENT_TOKENS.ana);
    const noAddress = await agent.command({
      type: "answer",
      followUp,
      via: "email",
      id: "m",
      subject: "s",
      text: "t",
    });
    expect(noAddress).toMatchObject({ ok: false, problem: expect.stringMatching(/no e-mail address/) });
    const unknown = await agent.command({
      type: "answer",
      followUp: "followup_of_another_tenant",
      via: "thread",
      id: "m2",
      text: "t",
    });
    expect(unknown).toMatchObject({ ok: false, problem: "unknown follow-up task" });
    await agent.close();
    await customer.close();
  });
});

describe("follow-up tasks across tenants (attacker tests)", () => {
  it("another tenant's visitor cannot write a contact into a task, nor its agent answer, read or close one", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-follow-ups-tenants-"));
    const tokens = {
      demoAna: "agent-token-ana-of-demo-shop-0123",
      bikeAna: "agent-token-ana-of-bike-shop-0123",
    };
    const server = await startTestServer(
      {
        tenants: [
          {
            tenantFile: DEMO_TENANT_FILE,
            widgetKey: "demo-shop-widget",
            agentTokens: { ana: tokens.demoAna },
          },
          {
            tenantFile: await writeBikeShopTenant(directory),
            widgetKey: "bike-shop-widget",
            agentTokens: { ana: tokens.bikeAna },
          },
        ],
      },
      { businessHours: CLOSED_ALL_WEEK },
    );
    try {
      const customer = await WidgetTestClient.connect({ url: server.url, key: "demo-shop-widget" });
      const notice = customer.next((frame) => frame.type === "reply" && frame.contactRequest !== null);
      await customer.message("x1", "I want to talk to a human");
      const followUp = String(((await notice).contactRequest as { followUp: string }).followUp);

      const intruder = await WidgetTestClient.connect({ url: server.url, key: "bike-shop-widget" });
      const refused = intruder.next((frame) => frame.type === "error" && frame.id === "y1");
      intruder.send({ type: "contact", id: "y1", followUp, email: "eve@attacker.example" });
      expect(await refused).toMatchObject({ code: "CONTACT_REFUSED", message: "unknown follow-up task" });

      const otherAna = await AgentTestClient.signIn(server.url, tokens.bikeAna);
      for (const command of [
        { type: "answer", followUp, via: "thread", id: "z1", text: "hello from another shop" },
        { type: "assign", followUp },
        { type: "done", followUp },
      ])
        expect(await otherAna.command(command)).toMatchObject({
          ok: false,
          problem: "unknown follow-up task",
        });
      const snapshot = otherAna.next((frame) => frame.type === "snapshot");
      otherAna.socket.send(JSON.stringify({ type: "snapshot" }));
      expect(((await snapshot).followUps as unknown[]).length).toBe(0);

      const [task] = (await server.runtime.escalation.listFollowUps("demo-shop")).filter(
        (entry) => entry.id === followUp,
      );
      expect(task).toMatchObject({ status: "open", customerContact: null, answers: [] });
      await Promise.all([customer.close(), intruder.close(), otherAna.close()]);
    } finally {
      await server.cleanup();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
