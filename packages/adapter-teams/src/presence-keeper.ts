import type { AgentDesk, DeskResult } from "@lutingenie/core";
import type { TeamsAgentState } from "./teams-agent-state.js";

/** Core forgets presence after 90 s without a report; 60 s leaves room for one late or failed refresh. */
export const PRESENCE_REFRESH_MS = 60_000;
const VIA = "teams";

export interface PresenceKeeperOptions {
  desk: () => AgentDesk | undefined;
  /** Where declarations are kept, so a restart keeps who said available and who said away. */
  state: () => TeamsAgentState;
  refreshMs?: number;
  onError?(error: unknown): void;
}

/**
 * A bot cannot read an agent's Teams presence without Graph permissions, so presence here is what agents
 * declare in personal chat: `available` makes them the guide's isOnline + isActive, and this keeper
 * re-reports isOnline every 60 s until they say `away` (as the Slack adapter does). Core's 90 s expiry then
 * only bites when this process is gone: a crash takes every Teams agent offline within 90 s, the honest
 * answer. Any click or reply of an available agent is also a sign of life.
 */
export class PresenceKeeper {
  readonly #options: PresenceKeeperOptions;
  readonly #available = new Map<string, { tenant: string; agent: string }>();
  readonly #away = new Set<string>();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: PresenceKeeperOptions) {
    this.#options = options;
  }

  /** Active and online now, and kept online. Refused, and not kept, for someone who is not an agent. */
  async available(tenant: string, agent: string, name: string): Promise<DeskResult> {
    const desk = this.#options.desk();
    if (desk === undefined) return { ok: false, problem: "LutinGénie is starting: try again in a moment" };
    const activated = await desk.setActive(tenant, agent, true);
    if (!activated.ok) return activated;
    this.#available.set(keyOf(tenant, agent), { tenant, agent });
    this.#away.delete(keyOf(tenant, agent));
    await this.#options.state().declare({ tenant, agent, available: true, name });
    await desk.reportPresence(tenant, agent, { isOnline: true, via: VIA });
    return { ok: true };
  }

  /** Inactive (no new handoffs) and offline, and no longer refreshed. */
  async away(tenant: string, agent: string, name: string): Promise<DeskResult> {
    const desk = this.#options.desk();
    if (desk === undefined) return { ok: false, problem: "LutinGénie is starting: try again in a moment" };
    // Refused for someone who is no agent: nothing is kept for them.
    const made = await desk.setActive(tenant, agent, false);
    if (!made.ok) return made;
    this.#available.delete(keyOf(tenant, agent));
    this.#away.add(keyOf(tenant, agent));
    await this.#options.state().declare({ tenant, agent, available: false, name });
    await desk.reportPresence(tenant, agent, { isOnline: false, via: VIA });
    return { ok: true };
  }

  async touched(tenant: string, agent: string): Promise<void> {
    if (!this.#available.has(keyOf(tenant, agent))) return;
    await this.#options.desk()?.reportPresence(tenant, agent, { isOnline: true, via: VIA });
  }

  /** What the agent last declared here: true (available), false (away), null (nothing yet). */
  declared(tenant: string, agent: string): boolean | null {
    const key = keyOf(tenant, agent);
    return this.#available.has(key) ? true : this.#away.has(key) ? false : null;
  }

  /** Takes back what agents declared before a restart (the next refresh reports them online again). */
  async restore(): Promise<void> {
    for (const { tenant, agent, available } of await this.#options.state().declarations()) {
      if (available) this.#available.set(keyOf(tenant, agent), { tenant, agent });
      else this.#away.add(keyOf(tenant, agent));
    }
  }

  async refresh(): Promise<void> {
    const desk = this.#options.desk();
    if (desk === undefined) return;
    for (const { tenant, agent } of this.#available.values())
      await desk.reportPresence(tenant, agent, { isOnline: true, via: VIA });
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.#options.onError?.(error));
    }, this.#options.refreshMs ?? PRESENCE_REFRESH_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

function keyOf(tenant: string, agent: string): string {
  return `${tenant}\u0000${agent}`;
}
