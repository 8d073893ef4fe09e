import { randomUUID } from "node:crypto";
import {
  type AgentChannelPost,
  type DeliveryResult,
  type DeskFeed,
  type DeskFeedEvent,
  errorFields,
  type Logger,
  type OutboundMessage,
} from "@lutingenie/core";

/** What the web adapter does for the relay, on this server's own sockets only. */
export interface DeskRelayLocal {
  channel: string;
  serves(tenant: string): boolean;
  /** Whether a widget of this visitor is connected to this server. */
  holdsCustomer(tenant: string, thread: string): boolean;
  /** Delivers to this server's widget sockets and waits for the widget's receipt (never relays again). */
  deliverToCustomer(message: OutboundMessage): Promise<DeliveryResult>;
  /** Shows a post on this server's consoles of the post's tenant: `audience` agents, or all when empty. */
  postToConsoles(post: AgentChannelPost, audience: readonly string[]): void;
  /** Sends this server's consoles of `tenant` a fresh snapshot (read from the shared store). */
  refreshConsoles(tenant: string): void;
}

/**
 * The web channel across servers that share an escalation store: a customer's widget is connected to one
 * server, an agent's console maybe to another. What this server cannot deliver itself goes through the
 * desk feed, and what other servers publish reaches this server's sockets.
 */
export interface DeskRelay {
  start(): void;
  stop(): void;
  /**
   * A message for a visitor with no widget on this server: the server holding one delivers it and sends
   * back the widget's receipt (C7 counts on it), or nobody does and it is undelivered after the timeout.
   */
  deliverElsewhere(message: OutboundMessage): Promise<DeliveryResult>;
  /** Publishes a post for the consoles of other servers; false when the feed refused it. */
  postElsewhere(post: AgentChannelPost, everyone: boolean): Promise<boolean>;
  /** Tells other servers to refresh their consoles of `tenant` (an accept, a decline, a task taken). */
  deskChanged(tenant: string): void;
}

export interface DeskRelayOptions {
  /** How long the widget has to confirm a reply (the web adapter's receiptTimeoutMs). */
  receiptTimeoutMs: number;
  /**
   * How long to wait for a server to say it holds the customer before calling them unreachable: a
   * customer connected nowhere must not hold their thread's turn for a whole receipt time. Default 2 s
   * (a NOTIFY arrives in milliseconds; a lost one is found by the feed's next poll).
   */
  holderTimeoutMs?: number;
  logger: Logger;
}

export function createDeskRelay(feed: DeskFeed, local: DeskRelayLocal, options: DeskRelayOptions): DeskRelay {
  const { channel } = local;
  const { logger } = options;
  const holderTimeoutMs = options.holderTimeoutMs ?? 2_000;
  /** Deliveries this server asked for, by their random id: what to do on a holder's word and on its receipt. */
  const waiting = new Map<string, { held(): void; settle(result: DeliveryResult): void }>();
  // The server that delivers waits up to the receipt time for the widget; this one waits a little longer
  // for its answer, so a receipt that came at the last moment is not taken for silence.
  const answerTimeoutMs = options.receiptTimeoutMs + 1_000;
  let unsubscribe: (() => void) | null = null;

  const publish = (event: DeskFeedEvent): Promise<boolean> =>
    feed.publish(event).then(
      () => true,
      (error: unknown) => {
        logger.warn("desk feed publication failed", { kind: event.kind, ...errorFields(error) });
        return false;
      },
    );

  const onEvent = (event: DeskFeedEvent) => {
    if (event.channel !== channel) return;
    switch (event.kind) {
      case "agents-post":
        if (!local.serves(event.post.tenant)) return;
        local.postToConsoles(event.post, event.everyone ? [] : event.post.agents);
        local.refreshConsoles(event.post.tenant);
        return;
      case "desk-changed":
        if (local.serves(event.tenant)) local.refreshConsoles(event.tenant);
        return;
      case "customer-delivery": {
        const { message } = event;
        if (!local.serves(message.tenant) || !local.holdsCustomer(message.tenant, message.thread)) return;
        void publish({ kind: "customer-holding", channel, delivery: event.delivery });
        void local
          .deliverToCustomer(message)
          .catch(
            (error: unknown): DeliveryResult => ({
              ok: false,
              reason: "unreachable",
              retryable: true,
              detail: `the server holding the widget failed to deliver: ${String(errorFields(error).reason)}`,
            }),
          )
          .then((result) => publish({ kind: "customer-receipt", channel, delivery: event.delivery, result }));
        return;
      }
      case "customer-holding":
        waiting.get(event.delivery)?.held();
        return;
      case "customer-receipt":
        waiting.get(event.delivery)?.settle(event.result);
        return;
    }
  };

  return {
    start() {
      unsubscribe ??= feed.subscribe((event) => {
        try {
          onEvent(event);
        } catch (error) {
          logger.warn("desk feed event not handled", { kind: event.kind, ...errorFields(error) });
        }
      });
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
      for (const entry of waiting.values())
        entry.settle({
          ok: false,
          reason: "unreachable",
          retryable: true,
          detail: "the web adapter is stopping",
        });
    },
    deliverElsewhere(message) {
      const delivery = randomUUID();
      return new Promise<DeliveryResult>((resolve) => {
        const settle = (result: DeliveryResult) => {
          clearTimeout(timer);
          waiting.delete(delivery);
          resolve(result);
        };
        const unreachable = (detail: string) => () =>
          settle({ ok: false, reason: "unreachable", retryable: true, detail });
        let timer = setTimeout(
          unreachable(
            "the visitor's widget is not connected to any server (the reply is sent again when it resends the message)",
          ),
          holderTimeoutMs,
        );
        const held = () => {
          clearTimeout(timer);
          timer = setTimeout(
            unreachable(
              `the server holding the visitor's widget did not answer within ${answerTimeoutMs} ms`,
            ),
            answerTimeoutMs,
          );
        };
        waiting.set(delivery, { held, settle });
        void publish({ kind: "customer-delivery", channel, delivery, message }).then((published) => {
          if (!published)
            settle({
              ok: false,
              reason: "unreachable",
              retryable: true,
              detail: "the visitor's widget is on another server and the desk feed is unavailable",
            });
        });
      });
    },
    postElsewhere: (post, everyone) => publish({ kind: "agents-post", channel, post, everyone }),
    deskChanged(tenant) {
      void publish({ kind: "desk-changed", channel, tenant });
    },
  };
}
