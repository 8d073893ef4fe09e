import { followUpContactSchema } from "@lutingenie/core";
import { z } from "zod";

/**
 * The widget's WebSocket protocol (JSON text frames), client → server. `id` is the client message id,
 * kept in the page's sessionStorage until the server acknowledges it: a resend after a reconnect or a
 * reload carries the same id, which core's idempotency keys turn into "nothing new" (C11).
 */
const clientId = z
  .string()
  .min(1, "id must not be empty")
  .max(128, "id is longer than 128 characters")
  .regex(/^[A-Za-z0-9:_-]+$/, "id must be letters, digits, ':', '_' or '-'")
  // Keys core and the console make in the same thread (replies, agent messages): a visitor sending one
  // first would turn that later message into a duplicate, never delivered nor counted (C11).
  .refine((id) => !/^(reply|agent):/.test(id), "id must not start with 'reply:' or 'agent:' (reserved)");

/** Visitor ids are made by the server (visitor-identity.ts); this only bounds what a client may send back. */
export const VISITOR_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const widgetClientMessageSchema = z.discriminatedUnion("type", [
  /**
   * The first frame. A new visitor sends nothing else; a returning one sends the visitor id and token the
   * server gave it in `welcome`; a site that signs its logged-in customers sends `customer`.
   */
  z
    .object({
      type: z.literal("hello"),
      visitor: z
        .string()
        .regex(VISITOR_PATTERN, "visitor must be 1–64 letters, digits, '_' or '-'")
        .optional(),
      token: z.string().min(1).max(200).optional(),
      customer: z
        .object({
          id: z
            .string()
            .min(1, "customer.id must not be empty")
            .max(256, "customer.id is longer than 256 characters"),
          hash: z
            .string()
            .regex(/^[0-9a-fA-F]{64}$/, "customer.hash must be the HMAC-SHA256 of customer.id in hex"),
        })
        .strict()
        .optional(),
    })
    .strict(),
  z
    .object({ type: z.literal("message"), id: clientId, text: z.string().min(1, "text must not be empty") })
    .strict(),
  /** "That solved it" (C4) and "Close chat" (C3). */
  z.object({ type: z.literal("resolve"), id: clientId }).strict(),
  z.object({ type: z.literal("close"), id: clientId }).strict(),
  /** The widget confirms it showed a reply: the delivery receipt core counts on (C7). */
  z
    .object({ type: z.literal("receipt"), key: z.string().min(1).max(600), ok: z.boolean().default(true) })
    .strict(),
  z.object({ type: z.literal("ping") }).strict(),
  /** The customer is typing: shown to the agent who holds the chat, if any (no answer, no rate limit). */
  z.object({ type: z.literal("typing") }).strict(),
  /**
   * The contact a visitor gives for the follow-up task a reply's `contactRequest` named (issue 17): an
   * e-mail and an optional name, checked here and by core, which refuses another visitor's task.
   */
  z
    .object({
      type: z.literal("contact"),
      id: clientId,
      followUp: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,100}$/, "followUp must be the task id of the reply's contactRequest"),
      ...followUpContactSchema.shape,
    })
    .strict(),
]);
export type WidgetClientMessage = z.output<typeof widgetClientMessageSchema>;

/** Server → client. */
export type WidgetServerMessage =
  | {
      type: "welcome";
      visitor: string;
      /** Kept by the widget and sent with `visitor` on the next hello: the only way back into this thread. */
      token: string;
      /** False when a new visitor was made (first visit, or a token that did not match). */
      resumed: boolean;
      maxMessageLength: number;
    }
  /** The assistant (no `agent`) or the named agent who holds the chat is typing. */
  | { type: "typing"; on: boolean; agent?: string }
  /**
   * Whether a person can take the chat now, sent after `welcome` and on every change: `closed` (until
   * `opensAt`, ISO 8601, null when the hours never open) or `nobody-active` show "our team is away; you can
   * still leave a request" before the customer asks; `open` and `off` (no live handoff on the tenant's plan:
   * "talk to a human" gives its contact details) show nothing.
   */
  | {
      type: "desk";
      state: "open" | "closed" | "nobody-active" | "off";
      opensAt: string | null;
      timeZone: string;
    }
  | {
      type: "reply";
      key: string;
      text: string;
      direction: "ltr" | "rtl";
      language: string;
      author: "assistant" | "agent" | "system";
      inReplyTo: string | null;
      actions: { kind: string; label: string; value: string }[];
      /** A follow-up task was created: the widget asks for a contact and sends it as a `contact` frame. */
      contactRequest: { followUp: string } | null;
      /** The goodbye of a conversation the customer resolved (C4): the widget hides "That solved it". */
      resolved?: true;
    }
  | { type: "ack"; id: string; status: string }
  | { type: "error"; id: string | null; code: WidgetErrorCode; message: string; retryAfterMs?: number }
  | { type: "pong" };

export type WidgetErrorCode =
  | "MESSAGE_INVALID"
  | "MESSAGE_TOO_LONG"
  | "RATE_LIMITED"
  | "HELLO_REQUIRED"
  | "HELLO_REPEATED"
  | "IDENTITY_INVALID"
  | "IDENTITY_NOT_CONFIGURED"
  | "CONTACT_REFUSED"
  | "UNAVAILABLE"
  | "INTERNAL";

/** Parses one frame; a readable problem instead of a throw. */
export function parseWidgetFrame(
  frame: string,
): { ok: true; message: WidgetClientMessage } | { ok: false; problem: string; id: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, problem: "the frame is not JSON: send one JSON object per frame", id: null };
  }
  const parsed = widgetClientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  // The refused frame's id, when it has a usable one, so the widget can drop it from its outbox.
  const id = (json as { id?: unknown } | null)?.id;
  return {
    ok: false,
    id: typeof id === "string" && /^[A-Za-z0-9:_-]{1,128}$/.test(id) ? id : null,
    problem: parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "frame"}: ${issue.message}`)
      .join("; "),
  };
}
