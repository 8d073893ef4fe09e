import { z } from "zod";
import { type LanguageCode, SUPPORTED_LANGUAGES } from "../assistant/language.js";
import type { WeeklyHours } from "../i18n/weekly-hours.js";
import { isOpenAt } from "./business-hours.js";

/** A person who takes handoffs and follow-up tasks for a tenant. */
export const agentSchema = z
  .object({
    id: z.string().min(1, "must not be empty"),
    tenant: z.string().min(1, "must not be empty"),
    name: z.string().min(1, "must not be empty"),
    /** Channels where the agent works (web console, Slack, Teams); handoffs are posted there. */
    channels: z
      .array(z.string().min(1))
      .min(1, "list at least one channel (web, slack, teams)")
      .default(["web"]),
    /** Languages the agent speaks; empty = takes any. Speakers of the customer's language are offered first. */
    languages: z.array(z.enum(SUPPORTED_LANGUAGES)).default([]),
    /** Live handoffs the agent can hold at once. */
    capacity: z.number().int().min(1, "must be at least 1").default(3),
    /** The guide's `isActive`: the agent is allowed to take handoffs at all (an admin switch, or "away"). */
    isActive: z.boolean().default(true),
  })
  .strict();
export type AgentInput = z.input<typeof agentSchema>;
export type Agent = z.output<typeof agentSchema>;

/** The guide's `isOnline`, reported by adapters (console connection, Slack presence, a toggle). */
export interface Presence {
  isOnline: boolean;
  /** The channel that reported it. */
  via: string;
  /** Last report; presence older than the time-to-live counts as offline (a crashed console stops reporting). */
  seenAt: number;
}

export const DEFAULT_PRESENCE_TTL_MS = 90_000;

export interface AvailabilityQuery {
  agents: readonly Agent[];
  presence: ReadonlyMap<string, Presence>;
  /** Live handoffs each agent holds now. */
  load: ReadonlyMap<string, number>;
  now: number;
  presenceTtlMs: number;
  businessHours: WeeklyHours | undefined;
  timeZone: string;
  /** The customer's language: its speakers are offered first. Absent: no preference (a desk status). */
  language?: LanguageCode;
  /** The tenant setting escalation.agentsMayTakeOutsideHours: an active agent may take chats outside hours. */
  agentsMayTakeOutsideHours?: boolean;
}

export function isOnline(presence: Presence | undefined, now: number, presenceTtlMs: number): boolean {
  return presence?.isOnline === true && now - presence.seenAt <= presenceTtlMs;
}

/** Agents online (presence within its time-to-live) and active, whatever their load or the hour. */
export function presentAgents(
  query: Pick<AvailabilityQuery, "agents" | "presence" | "now" | "presenceTtlMs">,
): Agent[] {
  return query.agents.filter(
    (agent) => agent.isActive && isOnline(query.presence.get(agent.id), query.now, query.presenceTtlMs),
  );
}

/**
 * The guide's pre-flight check: agents with `isOnline` and `isActive` both true, within business hours,
 * with room for one more handoff. Speakers of the customer's language first, then the least loaded.
 * Outside business hours nobody is available, whatever the toggles say, unless the tenant lets agents
 * who are there take chats then (`agentsMayTakeOutsideHours`).
 */
export function availableAgents(query: AvailabilityQuery): Agent[] {
  const inHours = isOpenAt(query.businessHours, query.timeZone, query.now);
  if (!inHours && query.agentsMayTakeOutsideHours !== true) return [];
  const available = presentAgents(query).filter((agent) => (query.load.get(agent.id) ?? 0) < agent.capacity);
  const language = query.language;
  const speaks = (agent: Agent) =>
    language === undefined || agent.languages.length === 0 || agent.languages.includes(language);
  return available.sort(
    (left, right) =>
      Number(speaks(right)) - Number(speaks(left)) ||
      (query.load.get(left.id) ?? 0) - (query.load.get(right.id) ?? 0) ||
      left.id.localeCompare(right.id),
  );
}
