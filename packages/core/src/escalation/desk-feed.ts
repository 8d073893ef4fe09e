import { randomUUID } from "node:crypto";
import type { AgentChannelPost, DeliveryResult, OutboundMessage } from "../adapters/channel-adapter.js";

/**
 * What one server tells the others that share its escalation store, so that a customer on instance A and
 * an agent on instance B work together: posts for consoles A does not hold, a delivery to a customer B
 * does not hold and its receipt, and "the desk changed, refresh your consoles".
 */
export type DeskFeedEvent =
  /** A post for agents (handoff, customer message, follow-up task): consoles on other servers show it too. */
  | { kind: "agents-post"; channel: string; post: AgentChannelPost; everyone: boolean }
  /** Something the consoles list changed (an accept, a decline): other servers refresh their consoles. */
  | { kind: "desk-changed"; channel: string; tenant: string }
  /** A message for a customer this server holds no connection of: the server that holds one delivers it. */
  | { kind: "customer-delivery"; channel: string; delivery: string; message: OutboundMessage }
  /** "I hold this customer and am delivering": the asking server then waits for the receipt, not less. */
  | { kind: "customer-holding"; channel: string; delivery: string }
  /** The delivering server's answer, for the one that asked: the receipt C7 counts on, or the failure. */
  | { kind: "customer-receipt"; channel: string; delivery: string; result: DeliveryResult };

export type DeskFeedListener = (event: DeskFeedEvent) => void;

/**
 * A change feed between the servers of one installation. Delivery is at least once and in publication
 * order per feed; a server never gets its own events back. It carries wake-ups and live relays only:
 * everything that must survive (handoffs, tasks, presence) is in the escalation store, and a server that
 * missed an event still reads the truth from there.
 */
export interface DeskFeed {
  /** This server's id on the feed (random per process). */
  readonly instance: string;
  publish(event: DeskFeedEvent): Promise<void>;
  /** Events other servers published; returns the function that unsubscribes. */
  subscribe(listener: DeskFeedListener): () => void;
  close(): Promise<void>;
}

/** Calls each listener, so that one that throws does not keep the event from the others. */
export function dispatchDeskEvent(listeners: Iterable<DeskFeedListener>, event: DeskFeedEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // A listener's own failure is its to report; the feed goes on.
    }
  }
}

/**
 * The in-process feed: several servers in one process (tests, an embedded setup serving two ports)
 * joined to one hub. Each `join()` is one server's feed. Events are handed on asynchronously, as a
 * database feed would, so a publisher never runs a subscriber's work inside its own call.
 */
export function createInProcessDeskHub(): { join(instance?: string): DeskFeed } {
  const members = new Map<string, Set<DeskFeedListener>>();
  return {
    join(instance = randomUUID()) {
      const listeners = new Set<DeskFeedListener>();
      members.set(instance, listeners);
      return {
        instance,
        async publish(event) {
          // A copy, as JSON: what a database feed would give, so no server shares another's objects.
          const text = JSON.stringify(event);
          for (const [member, theirs] of members)
            if (member !== instance)
              queueMicrotask(() => dispatchDeskEvent(theirs, JSON.parse(text) as DeskFeedEvent));
        },
        subscribe(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        async close() {
          listeners.clear();
          members.delete(instance);
        },
      };
    },
  };
}
