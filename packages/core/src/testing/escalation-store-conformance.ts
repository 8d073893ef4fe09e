import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Agent, agentSchema } from "../escalation/agents.js";
import { type EscalationStore, recordRevision } from "../escalation/escalation-store.js";
import type { CustomerFollowUp } from "../escalation/follow-up.js";
import { applyHandoffEvent, type HandoffRequest } from "../escalation/handoff.js";

/*
 * The EscalationStore contract, for any implementation (memory, files, PostgreSQL, a third party's):
 * `describeEscalationStoreConformance("my store", async () => ({ store }))`. The factory is called before
 * every test and must return an empty store.
 */

export interface EscalationStoreUnderTest {
  store: EscalationStore;
  /** Opens the same data again after `store` was closed; give it for persistent stores. */
  reopen?: () => Promise<EscalationStore>;
  /** Removes what the store left behind; called after the store is closed. */
  cleanup?: () => Promise<void>;
}

let sequence = 0;

export function makeAgent(overrides: Partial<Agent> = {}): Agent {
  return agentSchema.parse({ id: `agent-${++sequence}`, tenant: "acme", name: "Ana", ...overrides });
}

export function makeHandoff(overrides: Partial<HandoffRequest> = {}): HandoffRequest {
  const n = ++sequence;
  return {
    id: `handoff-${n}`,
    tenant: "acme",
    channel: "web",
    thread: `visitor-${n}`,
    threadKey: `acme/web/visitor-${n}`,
    conversationId: `conversation-${n}`,
    reason: "asked_for_human",
    language: "fr",
    emotion: "frustrated",
    priority: "high",
    summary: "Où est ma commande ?",
    lastMessages: [{ from: "customer", text: "Où est ma commande ?", at: 1_000, key: `m-${n}` }],
    createdAt: 1_000,
    deadline: 121_000,
    status: "pending",
    offeredTo: ["ana", "bruno"],
    candidates: ["ana", "bruno"],
    declinedBy: [],
    leftBy: [],
    acceptedBy: null,
    acceptedAt: null,
    followUpReason: null,
    endedAt: null,
    endReason: null,
    history: [],
    ...overrides,
  };
}

export function makeFollowUp(overrides: Partial<CustomerFollowUp> = {}): CustomerFollowUp {
  const n = ++sequence;
  return {
    id: `followup-${n}`,
    tenant: "acme",
    channel: "web",
    thread: `visitor-${n}`,
    threadKey: `acme/web/visitor-${n}`,
    conversationId: `conversation-${n}`,
    handoffId: null,
    contact: `web:visitor-${n}`,
    transcript: [{ from: "customer", text: "human please", at: 1 }],
    summary: "human please",
    topic: "general",
    labels: ["topic:general"],
    priority: "normal",
    priorityReasons: [],
    language: "en",
    emotion: "neutral",
    reason: "asked_for_human",
    status: "open",
    assignee: null,
    createdAt: 1,
    updatedAt: 1,
    postedAt: null,
    history: [{ at: 1, status: "open", by: null }],
    ...overrides,
  };
}

const ids = (records: Array<{ id: string }>) => records.map((record) => record.id).sort();
const accept = (request: HandoffRequest, agent: string) =>
  applyHandoffEvent(request, { type: "accept", agent, at: 2_000 }, { acceptTimeoutMs: 120_000 }).request;

export interface EscalationStoreConformanceOptions {
  /** The store keeps agents, handoffs and tasks across close and reopen (the factory then gives `reopen`). Default true. */
  persistent?: boolean;
}

export function describeEscalationStoreConformance(
  name: string,
  factory: () => Promise<EscalationStoreUnderTest>,
  options: EscalationStoreConformanceOptions = {},
): void {
  const persistent = options.persistent ?? true;
  describe(`EscalationStore conformance: ${name}`, () => {
    let subject: EscalationStoreUnderTest;
    let store: EscalationStore;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });

    afterEach(async () => {
      await store.close();
      await subject.cleanup?.();
    });

    it("starts empty", async () => {
      expect(await store.listAgents("acme")).toEqual([]);
      expect(await store.listHandoffs()).toEqual([]);
      expect(await store.listFollowUps()).toEqual([]);
      expect(await store.listPresence()).toEqual([]);
      expect(await store.getHandoff("handoff-none")).toBeUndefined();
      expect(await store.getFollowUp("followup-none")).toBeUndefined();
      expect(await store.getPresence("acme", "ana")).toBeUndefined();
    });

    it("keeps agents per tenant: the same id in two tenants is two agents, a put replaces", async () => {
      await store.putAgent(makeAgent({ id: "ana", tenant: "acme", name: "Ana" }));
      await store.putAgent(makeAgent({ id: "ana", tenant: "globex", name: "Ana of Globex" }));
      await store.putAgent(makeAgent({ id: "ana", tenant: "acme", name: "Ana B.", isActive: false }));
      expect(await store.listAgents("acme")).toEqual([
        makeAgent({ id: "ana", tenant: "acme", name: "Ana B.", isActive: false }),
      ]);
      expect((await store.listAgents("globex")).map((agent) => agent.name)).toEqual(["Ana of Globex"]);
      expect(await store.listAgents("initech")).toEqual([]);
    });

    it("stores handoffs and tasks whole, lists them by tenant, and hands out copies", async () => {
      const request = makeHandoff({ tenant: "acme" });
      const original = structuredClone(request);
      const other = makeHandoff({ tenant: "globex" });
      const task = makeFollowUp({ tenant: "acme" });
      await store.putHandoff(request);
      await store.putHandoff(other);
      await store.putFollowUp(task);
      expect(await store.getHandoff(request.id)).toEqual(request);
      expect(ids(await store.listHandoffs("acme"))).toEqual([request.id]);
      expect(ids(await store.listHandoffs())).toEqual(ids([request, other]));
      expect(await store.getFollowUp(task.id)).toEqual(task);
      expect(ids(await store.listFollowUps("acme"))).toEqual([task.id]);
      expect(await store.listFollowUps("globex")).toEqual([]);
      // A caller changing what it was given (or what it put) changes nothing stored.
      const read = (await store.getHandoff(request.id)) as HandoffRequest;
      read.candidates.push("mallory");
      request.status = "ended";
      expect(await store.getHandoff(request.id)).toEqual(original);
    });

    it("lists handoffs by status too (the live ones, for the once-a-second check)", async () => {
      const pending = makeHandoff({ tenant: "acme", status: "pending" });
      const accepted = makeHandoff({ tenant: "acme", status: "accepted", acceptedBy: "ana" });
      const ended = makeHandoff({ tenant: "acme", status: "ended" });
      const elsewhere = makeHandoff({ tenant: "globex", status: "pending" });
      for (const request of [pending, accepted, ended, elsewhere]) await store.putHandoff(request);
      expect(ids(await store.listHandoffs(undefined, ["pending"]))).toEqual(ids([pending, elsewhere]));
      expect(ids(await store.listHandoffs("acme", ["pending", "accepted"]))).toEqual(
        ids([pending, accepted]),
      );
      expect(await store.listHandoffs("acme", [])).toEqual([]);
      // A replace that changes the status moves it between the lists.
      const read = (await store.getHandoff(pending.id)) as HandoffRequest;
      expect(await store.replaceHandoff(accept(read, "ana"), recordRevision(read))).toBe(true);
      expect(ids(await store.listHandoffs("acme", ["accepted"]))).toEqual(ids([pending, accepted]));
    });

    it("keeps any string as an id and any text in a record (NUL, lone surrogates, emoji)", async () => {
      const odd = "visitor\u0000\ud800 😀 \\0";
      const request = makeHandoff({ id: `handoff-${odd}`, thread: odd, summary: `a\u0000b ${odd}` });
      await store.putHandoff(request);
      expect(await store.getHandoff(request.id)).toEqual(request);
      expect(await store.getHandoff("handoff-visitor\u0000\ufffd 😀 \\0")).toBeUndefined();
      await store.putPresence("acme", odd, { isOnline: true, via: "web", seenAt: 5 });
      expect(await store.getPresence("acme", odd)).toEqual({ isOnline: true, via: "web", seenAt: 5 });
      expect(await store.getPresence("acme", "visitor\u0000\ufffd 😀 \\0")).toBeUndefined();
    });

    it("replaceHandoff writes only over the revision the change was computed from", async () => {
      const request = makeHandoff();
      await store.putHandoff(request);
      const read = (await store.getHandoff(request.id)) as HandoffRequest;
      const taken = accept(read, "ana");
      expect(await store.replaceHandoff(taken, recordRevision(read))).toBe(true);
      // Stored at the next revision (issue 16): the store bumps it, whatever the caller left in the record.
      expect(await store.getHandoff(request.id)).toEqual({ ...taken, revision: recordRevision(read) + 1 });
      // Bruno's Accept was computed from the same read: it must not land over Ana's.
      expect(await store.replaceHandoff(accept(read, "bruno"), recordRevision(read))).toBe(false);
      expect((await store.getHandoff(request.id))?.acceptedBy).toBe("ana");
      // An unknown id is never created by a replace.
      expect(await store.replaceHandoff(makeHandoff({ id: "handoff-unknown" }), 0)).toBe(false);
      expect(await store.getHandoff("handoff-unknown")).toBeUndefined();
    });

    it("a replace from a stale read fails even when only messages or notes changed (issue 16)", async () => {
      const request = makeHandoff();
      await store.putHandoff(request);
      const read = (await store.getHandoff(request.id)) as HandoffRequest;
      const message = { key: "m-late", at: 1_500, from: "customer" as const, text: "still there?" };
      const withMessage = { ...read, messages: [...(read.messages ?? []), message] };
      // The history is unchanged: a revision taken from the history's length would let both land.
      expect(withMessage.history).toEqual(read.history);
      expect(await store.replaceHandoff(withMessage, recordRevision(read))).toBe(true);
      const stored = (await store.getHandoff(request.id)) as HandoffRequest;
      expect(recordRevision(stored)).toBe(recordRevision(read) + 1);
      const note = { id: "ana:n1", at: 1_600, agent: "ana", text: "refunded once" };
      expect(await store.replaceHandoff({ ...read, notes: [note] }, recordRevision(read))).toBe(false);
      // Nor does an Accept computed from that read land over the message.
      expect(await store.replaceHandoff(accept(read, "ana"), recordRevision(read))).toBe(false);
      expect((await store.getHandoff(request.id))?.messages).toEqual([message]);
      // Applied again to what is stored, it lands, and keeps the message.
      expect(await store.replaceHandoff(accept(stored, "ana"), recordRevision(stored))).toBe(true);
      const taken = (await store.getHandoff(request.id)) as HandoffRequest;
      expect(taken).toMatchObject({ acceptedBy: "ana", messages: [message] });
      expect(recordRevision(taken)).toBe(recordRevision(read) + 2);
    });

    it("replaceFollowUp from a stale read fails even when the history did not grow (issue 16)", async () => {
      const task = makeFollowUp();
      await store.putFollowUp(task);
      const read = (await store.getFollowUp(task.id)) as CustomerFollowUp;
      expect(await store.replaceFollowUp({ ...read, postedAt: 7 }, recordRevision(read))).toBe(true);
      const contact = { email: "c@example.com", name: null, givenAt: 8 };
      expect(await store.replaceFollowUp({ ...read, customerContact: contact }, recordRevision(read))).toBe(
        false,
      );
      const stored = (await store.getFollowUp(task.id)) as CustomerFollowUp;
      expect(stored.postedAt).toBe(7);
      expect(stored.customerContact ?? null).toBeNull();
    });

    it("a record stored before the revision counter reads at its history's length", async () => {
      const old = makeHandoff({
        history: [
          { at: 1_000, event: "agent-available", agent: "ana", result: "offered" },
          { at: 1_100, event: "decline", agent: "bruno", result: "declined" },
        ],
      });
      expect(old.revision).toBeUndefined();
      await store.putHandoff(old);
      expect(await store.replaceHandoff({ ...old, summary: "x" }, 1)).toBe(false);
      expect(await store.replaceHandoff({ ...old, summary: "x" }, 2)).toBe(true);
      expect(recordRevision((await store.getHandoff(old.id)) as HandoffRequest)).toBe(3);
    });

    it("the atomic claim: of many Accepts computed from one read and sent at once, exactly one lands", async () => {
      const agents = Array.from({ length: 24 }, (_, index) => `agent-${index}`);
      const request = makeHandoff({ offeredTo: agents, candidates: agents });
      await store.putHandoff(request);
      const read = (await store.getHandoff(request.id)) as HandoffRequest;
      const landed = await Promise.all(
        agents.map((agent) => store.replaceHandoff(accept(read, agent), recordRevision(read))),
      );
      expect(landed.filter(Boolean)).toHaveLength(1);
      const winner = agents[landed.indexOf(true)];
      expect((await store.getHandoff(request.id))?.acceptedBy).toBe(winner);
    });

    it("replaceFollowUp: of two assignments computed from one read, one lands", async () => {
      const task = makeFollowUp();
      await store.putFollowUp(task);
      const read = (await store.getFollowUp(task.id)) as CustomerFollowUp;
      const assignTo = (agent: string): CustomerFollowUp => ({
        ...read,
        status: "assigned",
        assignee: agent,
        history: [...read.history, { at: 2, status: "assigned", by: agent }],
      });
      const landed = await Promise.all([
        store.replaceFollowUp(assignTo("ana"), recordRevision(read)),
        store.replaceFollowUp(assignTo("bruno"), recordRevision(read)),
      ]);
      expect(landed.filter(Boolean)).toHaveLength(1);
      expect((await store.getFollowUp(task.id))?.assignee).toBe(landed[0] ? "ana" : "bruno");
      expect(await store.replaceFollowUp(makeFollowUp({ id: "followup-unknown" }), 1)).toBe(false);
    });

    it("keeps presence per tenant and agent; a report replaces the previous one", async () => {
      await store.putPresence("acme", "ana", { isOnline: true, via: "web", seenAt: 10 });
      await store.putPresence("globex", "ana", { isOnline: true, via: "slack", seenAt: 11 });
      await store.putPresence("acme", "ana", { isOnline: false, via: "web", seenAt: 12 });
      expect(await store.getPresence("acme", "ana")).toEqual({ isOnline: false, via: "web", seenAt: 12 });
      expect(await store.listPresence("acme")).toEqual([
        { tenant: "acme", agent: "ana", presence: { isOnline: false, via: "web", seenAt: 12 } },
      ]);
      const all = await store.listPresence();
      expect(all.map((entry) => `${entry.tenant}/${entry.agent}`).sort()).toEqual(["acme/ana", "globex/ana"]);
    });

    if (!persistent) return;
    it("keeps agents, handoffs and tasks across a close and reopen", async () => {
      if (subject.reopen === undefined) throw new Error("a persistent store's factory must give reopen");
      const agent = makeAgent({ id: "ana" });
      const request = makeHandoff();
      const task = makeFollowUp();
      await store.putAgent(agent);
      await store.putHandoff(request);
      await store.putFollowUp(task);
      await store.close();
      const reopened = await subject.reopen();
      // afterEach closes this one (the first was closed above).
      store = reopened;
      expect(await reopened.listAgents("acme")).toEqual([agent]);
      expect(await reopened.getHandoff(request.id)).toEqual(request);
      expect(await reopened.getFollowUp(task.id)).toEqual(task);
      // Reopened at the revision it was left at: a change computed before the close still lands once.
      const taken = accept(request, "bruno");
      expect(await reopened.replaceHandoff(taken, recordRevision(request))).toBe(true);
      expect(await reopened.replaceHandoff(taken, recordRevision(request))).toBe(false);
    });
  });
}
