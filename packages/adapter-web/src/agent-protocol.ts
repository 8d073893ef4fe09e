import { z } from "zod";

const reference = z.string().min(1).max(200);

/** The agent console's WebSocket protocol, client → server. Every command carries a requestId for its result. */
export const agentClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auth"), token: z.string().min(1).max(200) }).strict(),
  /** Sent every 20 s: refreshes presence (isOnline), which expires after 90 s without one. */
  z.object({ type: z.literal("heartbeat") }).strict(),
  z.object({ type: z.literal("snapshot") }).strict(),
  z.object({ type: z.literal("active"), requestId: reference, isActive: z.boolean() }).strict(),
  z.object({ type: z.literal("accept"), requestId: reference, handoff: reference }).strict(),
  z.object({ type: z.literal("decline"), requestId: reference, handoff: reference }).strict(),
  z
    .object({
      type: z.literal("end"),
      requestId: reference,
      handoff: reference,
      how: z.enum(["closed", "resolved"]),
    })
    .strict(),
  z
    .object({
      type: z.literal("reply"),
      requestId: reference,
      handoff: reference,
      /** The console's message id: a resend after a reconnect is not delivered twice (C11). */
      id: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/, "id must be 1–128 letters, digits, ':', '_' or '-'"),
      text: z.string().min(1, "text must not be empty"),
    })
    .strict(),
  z.object({ type: z.literal("assign"), requestId: reference, followUp: reference }).strict(),
  z.object({ type: z.literal("done"), requestId: reference, followUp: reference }).strict(),
  /** Answers a follow-up task by e-mail (to the contact the customer gave) or in the customer's thread. */
  z
    .object({
      type: z.literal("answer"),
      requestId: reference,
      followUp: reference,
      via: z.enum(["email", "thread"]),
      /** The console's answer id: a resend after a reconnect is not sent twice. */
      id: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/, "id must be 1–128 letters, digits, ':', '_' or '-'"),
      text: z.string().min(1, "text must not be empty").max(10_000, "text is longer than 10,000 characters"),
      subject: z.string().max(200, "subject is longer than 200 characters").optional(),
    })
    .strict(),
]);
export type AgentClientMessage = z.output<typeof agentClientMessageSchema>;
