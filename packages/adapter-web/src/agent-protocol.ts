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
]);
export type AgentClientMessage = z.output<typeof agentClientMessageSchema>;

/**
 * Server → console, after the first snapshot and on every change: whether live requests reach agents now
 * (core's desk status). `reachesYou`: this agent is one a live request can reach (online, active, with
 * room, and in hours unless the tenant allows agents outside them).
 */
export interface AgentDeskFrame {
  type: "desk";
  state: "open" | "closed" | "nobody-active";
  reason: "business_hours" | "agent_outside_hours" | "outside_hours" | "no_agent_active" | "agents_busy";
  /** closed: the next opening, ISO 8601 (shown on the tenant's clock, `timeZone`); otherwise null. */
  opensAt: string | null;
  timeZone: string;
  reachesYou: boolean;
}
