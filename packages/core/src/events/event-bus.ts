import type { ConversationRecord } from "../counting/conversation.js";
import type { FiredAlert, LedgerEntry } from "../quota/types.js";

/** What core announces; later issues (dashboard, alerts, escalation) subscribe. Names are noun-verb. */
export interface CoreEventMap {
  "conversation-opened": { conversation: ConversationRecord };
  "conversation-ended": { conversation: ConversationRecord };
  "conversation-counted": { conversation: ConversationRecord; entry: LedgerEntry };
  "conversation-count-reversed": { conversation: ConversationRecord; entry: LedgerEntry };
  "conversation-merged": { conversation: ConversationRecord; into: string | null };
  "quota-threshold-crossed": { alert: FiredAlert };
  /** C13: a reversal removed the crossing of an alert already sent; it fires again if usage reaches it again. */
  "quota-alert-withdrawn": { alert: FiredAlert };
  "event-too-late": {
    tenant: string;
    channel: string;
    thread: string;
    key: string;
    at: number;
    horizon: number;
  };
}

export type CoreEventName = keyof CoreEventMap;
export type CoreEventListener<Name extends CoreEventName> = (payload: CoreEventMap[Name]) => void;

/**
 * A small typed emitter. A listener that throws never breaks counting: its error goes to `onListenerError`
 * (by default a one-line warning without payload, since payloads can hold customer data).
 */
export class EventBus {
  readonly #listeners = new Map<CoreEventName, Set<(payload: never) => void>>();
  readonly #onListenerError: (error: unknown, event: CoreEventName) => void;

  constructor(
    onListenerError: (error: unknown, event: CoreEventName) => void = (error, event) => {
      const message = error instanceof Error ? error.message : String(error);
      process.emitWarning(`listener for ${event} failed: ${message}`, "LutinGenieListenerWarning");
    },
  ) {
    this.#onListenerError = onListenerError;
  }

  on<Name extends CoreEventName>(event: Name, listener: CoreEventListener<Name>): () => void {
    let listeners = this.#listeners.get(event);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(event, listeners);
    }
    listeners.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  off<Name extends CoreEventName>(event: Name, listener: CoreEventListener<Name>): void {
    this.#listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  emit<Name extends CoreEventName>(event: Name, payload: CoreEventMap[Name]): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        (listener as CoreEventListener<Name>)(payload);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }

  hasListeners(event: CoreEventName): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }
}
