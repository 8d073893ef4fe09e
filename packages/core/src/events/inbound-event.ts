import { z } from "zod";
import { LutinError } from "../errors.js";

/** What an adapter hands to core for every platform event (ARCHITECTURE.md "How a message travels"). */
export const EVENT_KINDS = [
  "message",
  "close",
  "resolve",
  "handoff",
  "admin",
  "delivery_failed",
  "edit",
  "delete",
] as const;
export const SENDERS = ["customer", "assistant", "agent", "system"] as const;
export const ORIGINS = ["live", "test", "preview"] as const;

export type EventKind = (typeof EVENT_KINDS)[number];
export type Sender = (typeof SENDERS)[number];
export type Origin = (typeof ORIGINS)[number];

/** C14: a channel timestamp more than this far ahead of our clock is not trusted. */
export const MAX_CLOCK_SKEW_MS = 5_000;
/** Longest message text core accepts; adapters split or refuse longer ones with a clear error. */
export const MAX_TEXT_LENGTH = 40_000;

const identifier = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(max, `${what} is longer than ${max} characters`);

export const inboundEventSchema = z
  .object({
    /** C11 idempotency key, unique within (tenant, channel): Slack event_id, Teams activity.id, web message id. */
    key: identifier("key", 512),
    tenant: identifier("tenant", 128).default("default"),
    channel: identifier("channel", 64).default("web"),
    /** The place and customer inside the channel: a Slack DM or thread, a Teams chat, a web visitor session. */
    thread: identifier("thread", 512),
    kind: z.enum(EVENT_KINDS).default("message"),
    from: z.enum(SENDERS).optional(),
    origin: z.enum(ORIGINS).default("live"),
    /** The channel's own timestamp, milliseconds since the epoch (C14). */
    at: z.number().int().nonnegative(),
    /** When our server received it; defaults to `at` for replays. */
    receivedAt: z.number().int().nonnegative().optional(),
    text: z.string().max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`).optional(),
    /** Overrides the C6 relatedness detector for this message. */
    related: z.boolean().optional(),
    /** For `delivery_failed`: the key of the assistant or agent message that did not arrive. */
    ref: identifier("ref", 512).optional(),
    /** The bot's own message echoed back by the platform (C9). */
    echo: z.boolean().optional(),
  })
  .strict()
  .superRefine((event, context) => {
    if (event.kind === "message" && event.from === undefined) {
      context.addIssue({
        code: "custom",
        path: ["from"],
        message: "a message needs `from` (customer, assistant, agent or system)",
      });
    }
    if (event.kind === "delivery_failed" && event.ref === undefined) {
      context.addIssue({
        code: "custom",
        path: ["ref"],
        message: "delivery_failed needs `ref`, the key of the message whose delivery failed",
      });
    }
  });

export type InboundEventInput = z.input<typeof inboundEventSchema>;
export type InboundEvent = z.output<typeof inboundEventSchema>;

/** Validates an adapter's event; the error names the field and what is wrong with it. */
export function parseInboundEvent(input: unknown): InboundEvent {
  const result = inboundEventSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys")
      return `unknown field ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
    const field = issue.path.length > 0 ? issue.path.join(".") : "event";
    return `${field}: ${issue.message}`;
  });
  throw new LutinError("EVENT_INVALID", `invalid inbound event: ${problems.join("; ")}`, {
    hint: "fix the adapter's mapping of the platform payload to InboundEvent (see packages/core/src/events/inbound-event.ts)",
    details: { problems },
  });
}

/** C14: use the channel's timestamp unless it is more than 5 s ahead of the receive time. */
export function trustedTimestamp(event: Pick<InboundEvent, "at" | "receivedAt">): number {
  const receivedAt = event.receivedAt ?? event.at;
  return event.at > receivedAt + MAX_CLOCK_SKEW_MS ? receivedAt : event.at;
}

export interface ThreadIdentity {
  tenant: string;
  channel: string;
  thread: string;
}

/** One string per (tenant, channel, thread); the parts are escaped so no two threads share a key. */
export function threadKeyOf(identity: ThreadIdentity): string {
  return `${encodeURIComponent(identity.tenant)}/${encodeURIComponent(identity.channel)}/${encodeURIComponent(identity.thread)}`;
}

/** C11: idempotency keys are scoped by tenant and channel. */
export function idempotencyScopeOf(
  identity: Pick<ThreadIdentity, "tenant" | "channel">,
  key: string,
): string {
  return `${encodeURIComponent(identity.tenant)}/${encodeURIComponent(identity.channel)}/${key}`;
}
