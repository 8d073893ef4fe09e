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
/**
 * Longest message text core accepts: the last line of defence behind each channel's own cap (the widget's
 * maxMessageLength, Slack's and Teams' limits), so that the work one message can cause has a bound
 * whoever sends it. Adapters split or refuse longer ones with a clear error; Assistant.receive answers
 * them with the limit (assistant.messageTooLong) and counts them; parseInboundEvent refuses them.
 */
export const MAX_TEXT_LENGTH = 40_000;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_SPLIT = new RegExp(`(${LONE_SURROGATE.source})`);

const identifier = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(max, `${what} is longer than ${max} characters`)
    // A lone surrogate is no text any platform sends (it cannot be encoded as UTF-8): refused by name
    // here rather than failing later where the id is escaped or stored.
    .refine(
      (value) => !LONE_SURROGATE.test(value),
      `${what} holds a lone UTF-16 surrogate (not valid Unicode text)`,
    );

export const inboundEventSchema = z
  .object({
    /** C11 idempotency key, unique within (tenant, channel, thread): Slack `channel:ts`, Teams activity.id, web message id. */
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

/** An identifier the schema would take (the fast path defers everything else to the schema's wording). */
const isString = (value: unknown, max: number): value is string =>
  typeof value === "string" && value.length >= 1 && value.length <= max && !LONE_SURROGATE.test(value);
const isTimestamp = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/**
 * The schema's result for the common, well-formed event, checked by hand: zod took ~8 µs of the ~20 µs
 * an event costs the counting engine. Returns undefined for anything it is not sure of (a problem to
 * report, an unknown or inherited field, a field present with the value undefined, an object with a
 * prototype of its own): the schema then decides, and words the error. Same fields, same defaults and
 * the same key order as the schema's output (inbound-event.test.ts compares the two on random input).
 */
function parseWellFormed(input: unknown): InboundEvent | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const prototype = Object.getPrototypeOf(input);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const record = input as Record<string, unknown>;
  for (const field in record) {
    switch (field) {
      case "key":
      case "tenant":
      case "channel":
      case "thread":
      case "kind":
      case "from":
      case "origin":
      case "at":
      case "receivedAt":
      case "text":
      case "related":
      case "ref":
      case "echo":
        if (record[field] === undefined) return undefined;
        break;
      default:
        return undefined;
    }
  }
  const {
    key,
    tenant = "default",
    channel = "web",
    thread,
    kind = "message",
    from,
    origin = "live",
    at,
  } = record;
  if (!isString(key, 512) || !isString(tenant, 128) || !isString(channel, 64) || !isString(thread, 512)) {
    return undefined;
  }
  if (
    !(EVENT_KINDS as readonly unknown[]).includes(kind) ||
    !(ORIGINS as readonly unknown[]).includes(origin)
  ) {
    return undefined;
  }
  if (from === undefined ? kind === "message" : !(SENDERS as readonly unknown[]).includes(from))
    return undefined;
  if (!isTimestamp(at)) return undefined;
  const { receivedAt, text, related, ref, echo } = record;
  if (receivedAt !== undefined && !isTimestamp(receivedAt)) return undefined;
  if (text !== undefined && (typeof text !== "string" || text.length > MAX_TEXT_LENGTH)) return undefined;
  if (related !== undefined && typeof related !== "boolean") return undefined;
  if (ref === undefined ? kind === "delivery_failed" : !isString(ref, 512)) return undefined;
  if (echo !== undefined && typeof echo !== "boolean") return undefined;
  // Built in the schema's key order, optional fields only when given, as the schema builds its output.
  const event = { key, tenant, channel, thread, kind } as InboundEvent;
  if (from !== undefined) event.from = from as Sender;
  event.origin = origin as Origin;
  event.at = at;
  if (receivedAt !== undefined) event.receivedAt = receivedAt;
  if (text !== undefined) event.text = text as string;
  if (related !== undefined) event.related = related;
  if (ref !== undefined) event.ref = ref as string;
  if (echo !== undefined) event.echo = echo;
  return event;
}

/** Validates an adapter's event; the error names the field and what is wrong with it. */
export function parseInboundEvent(input: unknown): InboundEvent {
  const wellFormed = parseWellFormed(input);
  if (wellFormed !== undefined) return wellFormed;
  const result = inboundEventSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys")
      return `unknown field ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
    const field = issue.path.length > 0 ? issue.path.join(".") : "event";
    return `${field}: ${issue.message}`;
  });
  const tooLong =
    typeof (input as { text?: unknown } | null)?.text === "string" &&
    (input as { text: string }).text.length > MAX_TEXT_LENGTH;
  throw new LutinError("EVENT_INVALID", `invalid inbound event: ${problems.join("; ")}`, {
    hint: tooLong
      ? `core accepts at most MAX_TEXT_LENGTH = ${MAX_TEXT_LENGTH} characters of text: cap messages in the adapter (split them, or refuse them with the limit), or pass the event to Assistant.receive, which answers the customer with the limit`
      : "fix the adapter's mapping of the platform payload to InboundEvent (see packages/core/src/events/inbound-event.ts)",
    details: { problems, ...(tooLong ? { limit: MAX_TEXT_LENGTH } : {}) },
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

/** Exactly the characters encodeURIComponent leaves as they are. */
const UNRESERVED = /^[A-Za-z0-9\-_.!~*'()]*$/;

/** encodeURIComponent, skipped for the usual part that has nothing to escape (it runs per event). */
function escapePart(part: string): string {
  if (UNRESERVED.test(part)) return part;
  if (!LONE_SURROGATE.test(part)) return encodeURIComponent(part);
  // encodeURIComponent throws on a lone surrogate; callers that skip parseInboundEvent still get a key:
  // each lone surrogate as "%u" + hex, which encodeURIComponent never writes ("%" itself becomes "%25"),
  // so two different parts never share one.
  return part
    .split(LONE_SURROGATE_SPLIT)
    .map((piece) =>
      LONE_SURROGATE.test(piece)
        ? `%u${piece.charCodeAt(0).toString(16).toUpperCase()}`
        : encodeURIComponent(piece),
    )
    .join("");
}

/** One string per (tenant, channel, thread); the parts are escaped so no two threads share a key. */
export function threadKeyOf(identity: ThreadIdentity): string {
  return `${escapePart(identity.tenant)}/${escapePart(identity.channel)}/${escapePart(identity.thread)}`;
}

/**
 * C11: an idempotency key's name within its (tenant, channel): the thread, escaped, then the key. The
 * thread is part of the scope because on the web the client chooses its message ids: scoped by tenant
 * and channel only, a visitor reusing another visitor's ids was answered and never counted. A platform's
 * retry repeats its thread, so real retries still collapse. An escaped thread holds no "/", so the first
 * "/" ends it and no two (thread, key) pairs share a name.
 */
export function threadScopedKeyOf(thread: string, key: string): string {
  return `${escapePart(thread)}/${key}`;
}

/** C11: one string per idempotency key and its whole scope (tenant, channel, thread). */
export function idempotencyScopeOf(identity: ThreadIdentity, key: string): string {
  return `${escapePart(identity.tenant)}/${escapePart(identity.channel)}/${threadScopedKeyOf(identity.thread, key)}`;
}
