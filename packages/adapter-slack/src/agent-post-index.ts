import type { DeliveryResult } from "@lutingenie/core";

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
 * in its thread) and root message → ref (an agent's thread reply, a button click). Also the posts already
 * made, by core's key, so a repeated post shows once. In memory and bounded: after a restart, updates to
 * an older task are posted as new messages and replies in its old thread are not recognised.
 */
export class AgentPostIndex {
  readonly #byRef: BoundedMap<PostedTask>;
  readonly #byMessage: BoundedMap<PostedTask>;
  readonly #receipts: BoundedMap<DeliveryResult>;

  constructor(capacity = 50_000) {
    this.#byRef = new BoundedMap(capacity);
    this.#byMessage = new BoundedMap(capacity);
    this.#receipts = new BoundedMap(capacity);
  }

  byRef(tenant: string, ref: string): PostedTask | undefined {
    return this.#byRef.get(`${tenant}\u0000${ref}`);
  }

  byMessage(channel: string, ts: string): PostedTask | undefined {
    return this.#byMessage.get(`${channel}:${ts}`);
  }

  remember(task: PostedTask): void {
    this.#byRef.set(`${task.tenant}\u0000${task.ref}`, task);
    this.#byMessage.set(`${task.channel}:${task.ts}`, task);
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
