import { type InboundEvent, threadKeyOf } from "../events/inbound-event.js";
import type { ConversationRecord } from "./conversation.js";
import { evaluateThread } from "./evaluate-thread.js";
import { type BillingView, compareEvents, settleAt } from "./fold.js";
import { createDefaultRelatednessDetector, type RelatednessDetector } from "./relatedness.js";
import { createDefaultResolutionDetector, type ResolutionDetector } from "./resolution.js";
import { toStoredEvent } from "./stored-event.js";
import { initialFoldState, type StoredEvent } from "./thread-state.js";

export interface BatchOptions {
  /** The instant the result is read at: conversations idle for more than 30 minutes by then are over (C2). */
  now: number;
  billingOf(tenant: string): BillingView;
  relatedness?: RelatednessDetector;
  resolution?: ResolutionDetector;
}

/**
 * C13: the conversations a set of events gives, whatever order they came in and however often each
 * was repeated (C11). The live engine must always agree with this function; the property tests check it.
 */
export async function countConversationsBatch(
  events: Iterable<InboundEvent>,
  options: BatchOptions,
): Promise<ConversationRecord[]> {
  const relatedness = options.relatedness ?? createDefaultRelatednessDetector();
  const resolution = options.resolution ?? createDefaultResolutionDetector();
  const threads = new Map<string, { sample: InboundEvent; events: Map<string, StoredEvent> }>();
  for (const event of events) {
    const threadKey = threadKeyOf(event);
    let thread = threads.get(threadKey);
    if (thread === undefined) {
      thread = { sample: event, events: new Map() };
      threads.set(threadKey, thread);
    }
    // C11: one event per idempotency key within its thread (keys are scoped by tenant, channel and thread).
    if (!thread.events.has(event.key)) thread.events.set(event.key, toStoredEvent(event));
  }

  const conversations: ConversationRecord[] = [];
  for (const [threadKey, thread] of threads) {
    const sorted = [...thread.events.values()].sort(compareEvents);
    const start = initialFoldState();
    // C7: a delivery failure applies to its message wherever the two fall in the order.
    start.failedRefs = sorted.flatMap((event) =>
      event.kind === "delivery_failed" && event.ref ? [event.ref] : [],
    );
    const evaluation = await evaluateThread(
      start,
      sorted,
      {
        threadKey,
        tenant: thread.sample.tenant,
        channel: thread.sample.channel,
        thread: thread.sample.thread,
        billing: options.billingOf(thread.sample.tenant),
        resolution,
        verdicts: {},
      },
      relatedness,
    );
    for (const settled of settleAt(evaluation.state, options.now))
      evaluation.touched.set(settled.id, settled);
    conversations.push(...evaluation.touched.values());
  }
  return conversations.sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1));
}
