import type { WeeklyHours } from "../i18n/weekly-hours.js";
import { type Agent, availableAgents, type Presence, presentAgents } from "./agents.js";
import { isOpenAt, nextHoursChange, nextOpening } from "./business-hours.js";

/**
 * Whether a live request can reach an agent now:
 * - `open`: at least one agent is online, active and has room (inside business hours, or outside them
 *   when the tenant lets agents take chats then);
 * - `closed`: outside business hours; requests become follow-up tasks until `opensAt`;
 * - `nobody-active`: inside business hours, but no agent is online, active and with room.
 * - `off`: the tenant has no live handoff at all (its plan or settings leave Escalation out): "talk to a
 *   human" gives the tenant's contact details, so no "our team is away" notice is shown.
 */
export type DeskState = "open" | "closed" | "nobody-active" | "off";

export type DeskStatusReason =
  /** open, inside business hours */
  | "business_hours"
  /** open outside business hours: the tenant allows it (escalation.agentsMayTakeOutsideHours) and an agent is there */
  | "agent_outside_hours"
  /** closed */
  | "outside_hours"
  /** nobody-active: no agent online and active */
  | "no_agent_active"
  /** nobody-active: the agents online and active all hold as many chats as they can */
  | "agents_busy"
  /** off: Escalation does not run for this tenant (not in its plan, or turned off in its tenant file) */
  | "escalation_off";

export interface DeskStatus {
  state: DeskState;
  reason: DeskStatusReason;
  /** When the business hours open next (closed), null when they never do or the desk is not closed. */
  opensAt: number | null;
  /** The next instant the business hours change (opening or closing): compute the status again then. */
  hoursChangeAt: number | null;
  /** The tenant's time zone: `opensAt` is shown on its clock ("closed until Mon 09:00"). */
  timeZone: string;
  /** Agents who could take a live request now (their ids; never shown to customers). */
  availableAgents: string[];
}

export interface DeskStatusQuery {
  agents: readonly Agent[];
  presence: ReadonlyMap<string, Presence>;
  /** Live handoffs each agent holds now. */
  load: ReadonlyMap<string, number>;
  now: number;
  presenceTtlMs: number;
  businessHours: WeeklyHours | undefined;
  timeZone: string;
  /** The tenant setting escalation.agentsMayTakeOutsideHours: an active agent may take chats outside hours. */
  agentsMayTakeOutsideHours: boolean;
}

/**
 * The desk's status for a tenant at `now` (the availability check the Escalation enchantment makes before
 * offering a live agent, said in a form a console and a widget can show before anyone asks).
 */
export function deskStatusAt(query: DeskStatusQuery): DeskStatus {
  const inHours = isOpenAt(query.businessHours, query.timeZone, query.now);
  const hoursChangeAt = nextHoursChange(query.businessHours, query.timeZone, query.now);
  const available = availableAgents(query).map((agent) => agent.id);
  const status = (state: DeskState, reason: DeskStatusReason, opensAt: number | null = null): DeskStatus => ({
    state,
    reason,
    opensAt,
    hoursChangeAt,
    timeZone: query.timeZone,
    availableAgents: available,
  });
  if (available.length > 0) return status("open", inHours ? "business_hours" : "agent_outside_hours");
  if (!inHours)
    return status("closed", "outside_hours", nextOpening(query.businessHours, query.timeZone, query.now));
  return status("nobody-active", presentAgents(query).length > 0 ? "agents_busy" : "no_agent_active");
}
