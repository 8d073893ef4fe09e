import type { DeliveryResult } from "@lutingenie/core";
import type { SlackStateStore } from "./slack-state.js";

/** A handoff request or follow-up task as posted in Slack: its root message, and what it was posted with. */
export interface PostedTask {
  tenant: string;
  /** The handoff or follow-up id (core's `ref`). */
  ref: string;
  kind: "handoff" | "follow_up";
  channel: string;
  /** The root message; its thread is the task's thread. */
  ts: string;
  /** The text and fields of the first post, redrawn on every update (updates carry only what changed). */
  text: string;
  fields: Record<string, string>;
}

/**
 * Where each handoff and follow-up lives in Slack, both ways: ref → root message (to update it, to post
 * in its thread) and root message → ref (an agent's thread reply, a button click), kept in the adapter's
 * state store (slack-state.ts) so both survive a restart. Also the posts already made, by core's key, so
 * a repeated post shows once: those only matter within a retry's minutes and stay in memory, bounded.
 */
export class AgentPostIndex {
  readonly #state: () => SlackStateStore;
  readonly #receipts: BoundedMap<DeliveryResult>;

  constructor(state: () => SlackStateStore, capacity = 50_000) {
    this.#state = state;
    this.#receipts = new BoundedMap(capacity);
  }

  byRef(tenant: string, ref: string): Promise<PostedTask | undefined> {
    return this.#state().task(tenant, ref);
  }

  byMessage(tenant: string, channel: string, ts: string): Promise<PostedTask | undefined> {
    return this.#state().taskAt(tenant, channel, ts);
  }

  remember(task: PostedTask): Promise<void> {
    return this.#state().rememberTask(task);
  }

  receiptOf(tenant: string, key: string): DeliveryResult | undefined {
    return this.#receipts.get(`${tenant}\u0000${key}`);
  }

  noteReceipt(tenant: string, key: string, receipt: DeliveryResult): void {
    if (receipt.ok) this.#receipts.set(`${tenant}\u0000${key}`, receipt);
  }
}

/** A Map that forgets its oldest entry past `capacity`. */
export class BoundedMap<T> {
  readonly #entries = new Map<string, T>();
  constructor(private readonly capacity: number) {}
  get(key: string): T | undefined {
    return this.#entries.get(key);
  }
  has(key: string): boolean {
    return this.#entries.has(key);
  }
  set(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}
