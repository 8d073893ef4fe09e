import type { InboundEvent, InboundEventInput } from "../events/inbound-event.js";
import { parseInboundEvent } from "../events/inbound-event.js";
import type { BillingView } from "./fold.js";

/** Test scenarios start at a fixed instant; `at(5)` is five minutes later. */
export const T0 = Date.parse("2026-03-10T09:00:00.000Z");
export const at = (minutes: number, seconds = 0, milliseconds = 0): number =>
  T0 + minutes * 60_000 + seconds * 1000 + milliseconds;

/** A calendar of UTC calendar months on a single plan: enough for rules that are not about quota. */
export const utcMonthBilling: BillingView = {
  periodOf(instant) {
    const date = new Date(instant);
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}-01`;
  },
  planAt: () => "starter",
};

let sequence = 0;
/** One inbound event with defaults: a live customer message on the web channel of tenant `acme`. */
export function event(overrides: Partial<InboundEventInput> & { at: number }): InboundEvent {
  sequence += 1;
  return parseInboundEvent({
    key: `e${String(sequence).padStart(6, "0")}`,
    tenant: "acme",
    channel: "web",
    thread: "visitor-1",
    kind: "message",
    ...(overrides.kind === undefined || overrides.kind === "message" ? { from: "customer" } : {}),
    receivedAt: overrides.at,
    ...overrides,
  });
}

export const customer = (
  minutes: number,
  text = "Where is my order?",
  extra: Partial<InboundEventInput> = {},
) => event({ at: at(minutes), from: "customer", text, ...extra });
export const assistant = (minutes: number, extra: Partial<InboundEventInput> = {}) =>
  event({ at: at(minutes), from: "assistant", text: "Here is the answer.", ...extra });
export const agent = (minutes: number, extra: Partial<InboundEventInput> = {}) =>
  event({ at: at(minutes), from: "agent", text: "Hello, I am Léa.", ...extra });
export const system = (minutes: number, extra: Partial<InboundEventInput> = {}) =>
  event({ at: at(minutes), from: "system", text: "Still there?", ...extra });
export const action = (kind: InboundEvent["kind"], minutes: number, extra: Partial<InboundEventInput> = {}) =>
  event({ at: at(minutes), kind, ...extra });

/** A billing directory over `utcMonthBilling` with a fixed allowance, for counter tests not about quota. */
export function fixedBilling(allowance = 100, alertThresholds: number[] = [80, 90, 100]) {
  const billing = { ...utcMonthBilling, allowanceAt: () => allowance, alertThresholds };
  return { forTenant: () => billing };
}
