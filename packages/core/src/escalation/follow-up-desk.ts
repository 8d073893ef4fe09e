import { createHash } from "node:crypto";
import type { DeliveryResult } from "../adapters/channel-adapter.js";
import type { ThreadMessage } from "../assistant/assistant.js";
import type { AssistantTenant } from "../assistant/tenant-profile.js";
import type { Clock } from "../clock.js";
import { threadKeyOf } from "../events/inbound-event.js";
import { errorFields, type Logger } from "../logging/logger.js";
import type { KeyedQueue } from "../util/keyed-queue.js";
import { type EscalationStore, reviseRecord } from "./escalation-store.js";
import {
  type CustomerFollowUp,
  customerContactOf,
  type FollowUpAnswer,
  type FollowUpContactInput,
  type FollowUpDesk,
  type FollowUpResult,
  followUpContactSchema,
} from "./follow-up.js";
import type { OutboundSender } from "./outbound-sender.js";

export interface FollowUpDeskDependencies {
  store: EscalationStore;
  /** The queue every change to a task goes through (EscalationService's: assign and done use it too). */
  queue: KeyedQueue;
  clock: Clock;
  logger: Logger;
  tenants: (tenant: string) => Promise<AssistantTenant>;
  outboundSender?: OutboundSender;
  agentName: (tenant: string, agent: string) => Promise<string>;
  /** Delivers to the customer's thread (the Assistant's sendToThread: counted as the agent's message, C10). */
  sendToThread: (message: ThreadMessage) => Promise<DeliveryResult>;
  /** A task changed: the follow-up channels are told. */
  changed: (task: CustomerFollowUp) => Promise<void>;
}

/**
 * Follow-up tasks that can be kept (issue 17, finding 2): the contact a customer gives for their own task,
 * agents' answers by e-mail (through the OutboundSender) or in the customer's thread, and the thread
 * answers kept for a customer who was away, delivered when their channel is back.
 */
export class FollowUpDeskService implements FollowUpDesk {
  readonly #deps: FollowUpDeskDependencies;
  /**
   * Threads with thread answers waiting for their customer, by thread key → task ids: a widget's hello
   * checks here instead of reading every task. Loaded from the store on first use.
   */
  #waitingThreads: Promise<Map<string, Set<string>>> | null = null;

  constructor(dependencies: FollowUpDeskDependencies) {
    this.#deps = dependencies;
  }

  async giveContact(
    customer: { tenant: string; channel: string; thread: string },
    followUpId: string,
    contact: FollowUpContactInput,
  ): Promise<FollowUpResult> {
    const parsed = followUpContactSchema.safeParse(contact);
    if (!parsed.success)
      return { ok: false, problem: parsed.error.issues.map((issue) => issue.message).join("; ") };
    return this.#deps.queue.run(followUpId, async () => {
      const task = await this.#deps.store.getFollowUp(followUpId);
      // Another thread's task is answered as an unknown one: a visitor cannot learn it exists, nor write it.
      if (
        task === undefined ||
        task.tenant !== customer.tenant ||
        task.channel !== customer.channel ||
        task.thread !== customer.thread
      )
        return { ok: false, problem: UNKNOWN_FOLLOW_UP };
      if (task.status === "done")
        return { ok: false, problem: "this request is already closed: write in the chat to open a new one" };
      const now = this.#deps.clock.now();
      const customerContact = {
        email: parsed.data.email,
        name: parsed.data.name === undefined || parsed.data.name === "" ? null : parsed.data.name,
        givenAt: now,
      };
      // On what is stored now (compare and set, issue 16): an assignment on another server stays.
      const updated = await this.#revise(followUpId, (current) => ({
        ...current,
        customerContact,
        updatedAt: now,
      }));
      if (updated === undefined) return { ok: false, problem: BUSY };
      await this.#deps.changed(updated);
      return { ok: true };
    });
  }

  /**
   * An agent answers a task: by e-mail through the outbound sender, or in the customer's thread (kept
   * and delivered when the customer comes back). A repeated key is the same answer: sent once. Answering
   * an open task assigns it to the agent who answered.
   */
  async answerFollowUp(
    followUpId: string,
    agent: string,
    answer: { via: "email" | "thread"; key: string; text: string; subject?: string },
  ): Promise<FollowUpResult> {
    const text = answer.text.trim();
    if (text === "") return { ok: false, problem: "the answer is empty: write something to the customer" };
    if (text.length > MAX_ANSWER_LENGTH)
      return { ok: false, problem: `the answer is longer than ${MAX_ANSWER_LENGTH} characters` };
    const subject = answer.subject?.trim() ?? "";
    if (answer.via === "email" && (subject.length > MAX_SUBJECT_LENGTH || /[\r\n]/.test(subject)))
      return {
        ok: false,
        problem: `the subject must be one line of at most ${MAX_SUBJECT_LENGTH} characters`,
      };
    return this.#deps.queue.run(followUpId, async () => {
      const task = await this.#deps.store.getFollowUp(followUpId);
      if (task === undefined) return { ok: false, problem: UNKNOWN_FOLLOW_UP };
      const answers = task.answers ?? [];
      const earlier = answers.find((candidate) => candidate.key === answer.key);
      if (earlier !== undefined) return { ok: true, status: earlier.status };
      if (task.status === "done") return { ok: false, problem: "already done" };
      const now = this.#deps.clock.now();
      const tenant = await this.#deps.tenants(task.tenant);
      const agentName = await this.#deps.agentName(task.tenant, agent);
      let recorded: FollowUpAnswer;
      if (answer.via === "email") {
        const contact = customerContactOf(task);
        if (contact === null)
          return {
            ok: false,
            problem: "the customer left no e-mail address: answer in the chat thread instead",
          };
        const sender = this.#deps.outboundSender;
        if (sender === undefined)
          return {
            ok: false,
            problem:
              "no e-mail sender is configured on this server (lutin serve: set LUTIN_SMTP_HOST and LUTIN_SMTP_FROM)",
          };
        const sent = await sender
          .send({
            tenant: task.tenant,
            to: { address: contact.email, name: contact.name },
            subject: subject === "" ? `${tenant.name ?? tenant.id}: ${task.summary.slice(0, 80)}` : subject,
            text: emailBody(text, agentName, tenant.name ?? tenant.id, task),
            reference: `${task.id}.${digest(answer.key)}`,
          })
          .catch((error: unknown) => ({
            ok: false as const,
            retryable: true,
            detail: String(errorFields(error).reason),
          }));
        if (!sent.ok) {
          // The detail only: never the address or the text (customer data stays out of logs).
          this.#deps.logger.warn("follow-up e-mail not sent", {
            task: task.id,
            sender: sender.kind,
            detail: sent.detail,
          });
          return { ok: false, problem: `not sent: ${sent.detail}` };
        }
        recorded = {
          key: answer.key,
          via: "email",
          by: agent,
          at: now,
          text,
          subject: subject === "" ? null : subject,
          to: contact.email,
          status: "sent",
          deliveredAt: sent.sentAt,
        };
      } else {
        recorded = {
          key: answer.key,
          via: "thread",
          by: agent,
          at: now,
          text,
          subject: null,
          to: null,
          status: "pending",
          deliveredAt: null,
        };
      }
      // Stored before the thread delivery: an answer the customer is not there for is kept, never lost.
      // Added to what is stored now (compare and set, issue 16), never over a record read before the e-mail.
      let updated = await this.#revise(followUpId, (current) => {
        const kept = current.answers ?? [];
        if (kept.some((candidate) => candidate.key === recorded.key)) return null;
        const next: CustomerFollowUp = { ...current, answers: [...kept, recorded], updatedAt: now };
        if (current.status === "open")
          Object.assign(next, {
            status: "assigned",
            assignee: agent,
            history: [...current.history, { at: now, status: "assigned", by: agent }],
          });
        return next;
      });
      if (updated === undefined) return { ok: false, problem: BUSY };
      if (recorded.via === "thread") {
        const deliveredAt = await this.#deliverThreadAnswer(updated, recorded);
        if (deliveredAt !== null)
          updated =
            (await this.#markDelivered(followUpId, new Map([[recorded.key, deliveredAt]]))) ?? updated;
        else await this.#markWaiting(updated.threadKey, updated.id);
      }
      await this.#deps.changed(updated);
      const status = (updated.answers ?? []).find((candidate) => candidate.key === recorded.key)?.status;
      return { ok: true, status: status ?? recorded.status };
    });
  }

  /** The customer's channel is back (a widget's hello): thread answers kept for them are delivered now. */
  async customerReturned(customer: { tenant: string; channel: string; thread: string }): Promise<void> {
    const threadKey = threadKeyOf(customer);
    const waiting = await this.#waiting();
    const ids = waiting.get(threadKey);
    if (ids === undefined) return;
    for (const id of [...ids]) {
      await this.#deps.queue.run(id, async () => {
        let task = await this.#deps.store.getFollowUp(id);
        const delivered = new Map<string, number>();
        for (const answer of task?.answers ?? []) {
          if (answer.status !== "pending" || task === undefined) continue;
          const deliveredAt = await this.#deliverThreadAnswer(task, answer);
          if (deliveredAt !== null) delivered.set(answer.key, deliveredAt);
        }
        if (task !== undefined && delivered.size > 0) {
          task = (await this.#markDelivered(id, delivered)) ?? task;
          await this.#deps.changed(task);
        }
        if (task === undefined || !(task.answers ?? []).some((answer) => answer.status === "pending"))
          ids.delete(id);
      });
    }
    if (ids.size === 0) waiting.delete(threadKey);
  }

  /**
   * A change to the task as stored now, by compare and set with bounded retries (issue 16): `change` gives
   * the next record, or null when nothing is to be written. Undefined: unknown task, or too busy.
   */
  #revise(
    id: string,
    change: (current: CustomerFollowUp) => CustomerFollowUp | null,
  ): Promise<CustomerFollowUp | undefined> {
    return reviseRecord({
      read: () => this.#deps.store.getFollowUp(id),
      replace: (next, readRevision) => this.#deps.store.replaceFollowUp(next, readRevision),
      change: (current) => {
        const next = change(current);
        return { next, outcome: next ?? current };
      },
      missing: () => undefined,
      busy: () => undefined,
    });
  }

  /** Marks thread answers delivered (key → when) on the task as stored now. */
  #markDelivered(id: string, delivered: ReadonlyMap<string, number>): Promise<CustomerFollowUp | undefined> {
    const now = this.#deps.clock.now();
    return this.#revise(id, (current) => ({
      ...current,
      updatedAt: now,
      answers: (current.answers ?? []).map((answer) => {
        const deliveredAt = delivered.get(answer.key);
        return deliveredAt === undefined || answer.status !== "pending"
          ? answer
          : { ...answer, status: "delivered" as const, deliveredAt };
      }),
    }));
  }

  /** Sends one thread answer as the agent's message; the channel's receipt time, or null if not delivered. */
  async #deliverThreadAnswer(task: CustomerFollowUp, answer: FollowUpAnswer): Promise<number | null> {
    const result = await this.#deps.sendToThread({
      tenant: task.tenant,
      channel: task.channel,
      thread: task.thread,
      key: answer.key,
      text: answer.text,
      from: "agent",
      language: task.language,
    });
    return result.ok ? result.deliveredAt : null;
  }

  #waiting(): Promise<Map<string, Set<string>>> {
    this.#waitingThreads ??= this.#deps.store.listFollowUps().then((tasks) => {
      const waiting = new Map<string, Set<string>>();
      for (const task of tasks)
        if ((task.answers ?? []).some((answer) => answer.status === "pending"))
          waiting.set(task.threadKey, (waiting.get(task.threadKey) ?? new Set()).add(task.id));
      return waiting;
    });
    return this.#waitingThreads;
  }

  async #markWaiting(threadKey: string, id: string): Promise<void> {
    const waiting = await this.#waiting();
    waiting.set(threadKey, (waiting.get(threadKey) ?? new Set()).add(id));
  }
}

const UNKNOWN_FOLLOW_UP = "unknown follow-up task";
const BUSY = "the task changed several times at once; try again";
/** An e-mail answer's body and a thread answer's text; a chat message is bounded by its channel too. */
const MAX_ANSWER_LENGTH = 10_000;
const MAX_SUBJECT_LENGTH = 200;

/** The agent's text, their signature, then the customer's own words quoted (what the answer is about). */
function emailBody(text: string, agent: string, tenant: string, task: CustomerFollowUp): string {
  const asked = task.transcript
    .filter((message) => message.from === "customer")
    .slice(-3)
    .map((message) => `> ${message.text.replace(/\s+/g, " ").trim().slice(0, 500)}`);
  return [text, "", "-- ", `${agent}, ${tenant}`, ...(asked.length > 0 ? ["", ...asked] : [])].join("\n");
}

/** A stable, short, header-safe form of an answer's key (for its Message-ID). */
function digest(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 20);
}
