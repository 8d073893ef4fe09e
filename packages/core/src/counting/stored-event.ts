import { type InboundEvent, trustedTimestamp } from "../events/inbound-event.js";
import type { StoredEvent } from "./thread-state.js";

/** Enough of a customer's text for the C4/C6 detectors; the rest stays out of the counting store. */
export const STORED_TEXT_LENGTH = 500;

/** What counting keeps of an inbound event: C14's trusted timestamp, and text only where C4/C6 read it. */
export function toStoredEvent(event: InboundEvent, receivedAt = event.receivedAt): StoredEvent {
  const isCustomerMessage = event.kind === "message" && event.from === "customer";
  return {
    key: event.key,
    at: trustedTimestamp({ at: event.at, receivedAt }),
    kind: event.kind,
    from: event.from ?? null,
    origin: event.origin,
    text: isCustomerMessage && event.text !== undefined ? event.text.slice(0, STORED_TEXT_LENGTH) : null,
    related: event.related ?? null,
    ref: event.ref ?? null,
    echo: event.echo ?? false,
  };
}
