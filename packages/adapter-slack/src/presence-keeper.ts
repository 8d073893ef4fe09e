import type { AgentDesk, DeskResult } from "@lutingenie/core";
import type { SlackStateStore } from "./slack-state.js";

/** Core forgets presence after 90 s without a report; 60 s leaves room for one late or failed refresh. */
export const PRESENCE_REFRESH_MS = 60_000;

export interface PresenceKeeperOptions {
  desk: () => AgentDesk | undefined;
  /** Where declarations are kept, so a restart keeps who said available and who said away. */
  state: () => SlackStateStore;
  refreshMs?: number;
  onError?(error: unknown): void;
}

/**
 * Slack tells us nothing when an agent closes the laptop, so presence here is what agents declare:
 * `/lutin available` (or the App Home button) makes them the guide's isOnline + isActive, and this keeper
 * re-reports isOnline every 60 s until they say `/lutin away`. Core's 90 s expiry then only bites when
 * this process is gone (a crash takes every Slack agent offline within 90 s, which is the honest answer).
 */
export class PresenceKeeper {
  readonly #options: PresenceKeeperOptions;
  readonly #available = new Map<string, { tenant: string; agent: string }>();
  /** Agents who said away, so the App Home can show it. */
  readonly #away = new Set<string>();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: PresenceKeeperOptions) {
    this.#options = options;
  }

  /**
   * The agent said available: active and online now, and kept online. Refused, and not kept, for someone
   * who is not one of the tenant's agents (core says what the fix is).
   */
  async available(tenant: string, agent: string): Promise<DeskResult> {
    const desk = this.#options.desk();
    if (desk === undefined) return { ok: false, problem: "LutinGénie is starting: try again in a moment" };
    const activated = await desk.setActive(tenant, agent, true);
    if (!activated.ok) return activated;
    this.#available.set(keyOf(tenant, agent), { tenant, agent });
    this.#away.delete(keyOf(tenant, agent));
    await this.#options.state().declare({ tenant, agent, available: true });
    await desk.reportPresence(tenant, agent, { isOnline: true, via: "slack" });
    return { ok: true };
  }

  /** The agent said away: inactive (no new handoffs) and offline, and no longer refreshed. */
  async away(tenant: string, agent: string): Promise<void> {
    this.#available.delete(keyOf(tenant, agent));
    this.#away.add(keyOf(tenant, agent));
    await this.#options.state().declare({ tenant, agent, available: false });
    const desk = this.#options.desk();
    if (desk === undefined) return;
    await desk.setActive(tenant, agent, false);
    await desk.reportPresence(tenant, agent, { isOnline: false, via: "slack" });
  }

  /** Any click or thread reply by an agent who said available counts as a sign of life. */
  async touched(tenant: string, agent: string): Promise<void> {
    if (!this.#available.has(keyOf(tenant, agent))) return;
    await this.#options.desk()?.reportPresence(tenant, agent, { isOnline: true, via: "slack" });
  }

  /** What the agent last declared here: true (available), false (away), null (nothing yet). */
  declared(tenant: string, agent: string): boolean | null {
    const key = keyOf(tenant, agent);
    return this.#available.has(key) ? true : this.#away.has(key) ? false : null;
  }

  /**
   * Takes back what agents declared before a restart: who said available is reported online again by the
   * next refresh (core's isActive is its own, in its store), who said away stays away.
   */
  async restore(): Promise<void> {
    for (const { tenant, agent, available } of await this.#options.state().declarations()) {
      if (available) this.#available.set(keyOf(tenant, agent), { tenant, agent });
      else this.#away.add(keyOf(tenant, agent));
    }
  }

  /** Re-reports every available agent as online (what the timer does every `refreshMs`). */
  async refresh(): Promise<void> {
    const desk = this.#options.desk();
    if (desk === undefined) return;
    for (const { tenant, agent } of this.#available.values())
      await desk.reportPresence(tenant, agent, { isOnline: true, via: "slack" });
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
