import { type Clock, type DeskStatus, errorFields, type Logger } from "@lutingenie/core";
import type { AgentDeskFrame } from "./agent-protocol.js";
import type { WidgetServerMessage } from "./widget-protocol.js";

/** Where the statuses come from: core's EscalationService (runtime.escalation). */
export interface DeskStatusSource {
  deskStatus(tenant: string): Promise<DeskStatus>;
  /** Core's signal that a tenant's status may have changed (presence, active switch, load). */
  onDeskStatusChange?(listener: (tenant: string) => void): () => void;
}

export interface DeskStatusFeedOptions {
  source: DeskStatusSource;
  clock: Clock;
  logger: Logger;
  /**
   * The longest a watched status goes without being read again, whatever the hours say: a bound on how
   * late a change nobody signals is shown (a clock moved by hand, a presence that lapsed). Default 60 s.
   */
  recheckMs?: number;
}

export interface DeskStatusFeed {
  /**
   * Calls `onStatus` with the tenant's status now, then on every change, until the returned function is
   * called (a socket that closes). Changes are pushed on core's signal and when the business hours open
   * or close (a timer at the status's `hoursChangeAt`).
   */
  watch(tenant: string, onStatus: (status: DeskStatus) => void): () => void;
  /** Reads the tenant's status again and pushes it to its watchers if it changed. */
  refresh(tenant: string): void;
  stop(): void;
}

/** Node's setTimeout takes at most 2^31-1 ms; the recheck bound keeps delays far below it anyway. */
const MAX_TIMER_MS = 2_147_483_647;
/** A read that failed (the store briefly unavailable) is tried again after this long. */
const RETRY_MS = 5_000;

/**
 * Keeps every watcher of a tenant (open widgets and consoles) told of its desk status: one read per
 * change for all of them, at most one read at a time per tenant, and nothing kept for a tenant nobody
 * watches.
 */
export function createDeskStatusFeed(options: DeskStatusFeedOptions): DeskStatusFeed {
  const recheckMs = options.recheckMs ?? 60_000;
  type Watcher = (status: DeskStatus) => void;
  const watchers = new Map<string, Set<Watcher>>();
  /** Watchers still waiting for their first status (they get the next one read, changed or not). */
  const waiting = new Set<Watcher>();
  /** The last status pushed per tenant (and as JSON, to push only changes). */
  const last = new Map<string, { status: DeskStatus; text: string }>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** Tenants being read now → whether another read was asked meanwhile (it runs right after). */
  const reading = new Map<string, boolean>();
  let stopped = false;

  const schedule = (tenant: string, changeAt: number | null) => {
    clearTimeout(timers.get(tenant));
    if (stopped || !watchers.has(tenant)) return;
    const untilChange = changeAt === null ? recheckMs : Math.max(0, changeAt - options.clock.now());
    const timer = setTimeout(() => refresh(tenant), Math.min(untilChange, recheckMs, MAX_TIMER_MS));
    timer.unref();
    timers.set(tenant, timer);
  };

  const deliver = (watcher: Watcher, status: DeskStatus) => {
    waiting.delete(watcher);
    try {
      watcher(status);
    } catch (error) {
      options.logger.warn("desk status not pushed", errorFields(error));
    }
  };

  const read = async (tenant: string): Promise<void> => {
    try {
      const status = await options.source.deskStatus(tenant);
      const audience = watchers.get(tenant);
      if (stopped || audience === undefined) return;
      const text = JSON.stringify(status);
      const changed = last.get(tenant)?.text !== text;
      last.set(tenant, { status, text });
      for (const watcher of audience) if (changed || waiting.has(watcher)) deliver(watcher, status);
      schedule(tenant, status.hoursChangeAt);
    } catch (error) {
      options.logger.warn("desk status not read", { tenant, ...errorFields(error) });
      schedule(tenant, options.clock.now() + RETRY_MS);
    } finally {
      if (reading.get(tenant) === true && !stopped && watchers.has(tenant)) {
        reading.set(tenant, false);
        void read(tenant);
      } else reading.delete(tenant);
    }
  };

  const refresh = (tenant: string) => {
    if (stopped || !watchers.has(tenant)) return;
    if (reading.has(tenant)) {
      reading.set(tenant, true);
      return;
    }
    reading.set(tenant, false);
    void read(tenant);
  };

  const unsubscribe = options.source.onDeskStatusChange?.((tenant) => refresh(tenant));

  return {
    watch(tenant, onStatus) {
      // Each watch is its own entry, even for the same function given twice.
      const watcher: Watcher = (status) => onStatus(status);
      const audience = watchers.get(tenant) ?? new Set();
      audience.add(watcher);
      watchers.set(tenant, audience);
      // A tenant already watched has its status at hand (kept current by core's signals and the timer):
      // a burst of widgets connecting costs no store reads.
      const known = last.get(tenant);
      if (known === undefined) {
        waiting.add(watcher);
        refresh(tenant);
      } else deliver(watcher, known.status);
      return () => {
        waiting.delete(watcher);
        audience.delete(watcher);
        if (audience.size > 0 || watchers.get(tenant) !== audience) return;
        watchers.delete(tenant);
        last.delete(tenant);
        clearTimeout(timers.get(tenant));
        timers.delete(tenant);
      };
    },
    refresh,
    stop() {
      stopped = true;
      unsubscribe?.();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      watchers.clear();
      waiting.clear();
      last.clear();
    },
  };
}

/** What a widget is told: whether to show "our team is away"; never who or how many agents are there. */
export function widgetDeskFrame(status: DeskStatus): Extract<WidgetServerMessage, { type: "desk" }> {
  return {
    type: "desk",
    state: status.state,
    opensAt: status.opensAt === null ? null : new Date(status.opensAt).toISOString(),
    timeZone: status.timeZone,
  };
}

/** What a console is told: the status, why, and whether this agent is one a live request can reach now. */
export function consoleDeskFrame(status: DeskStatus, agent: string): AgentDeskFrame {
  return {
    type: "desk",
    state: status.state,
    reason: status.reason,
    opensAt: status.opensAt === null ? null : new Date(status.opensAt).toISOString(),
    timeZone: status.timeZone,
    reachesYou: status.availableAgents.includes(agent),
  };
}
