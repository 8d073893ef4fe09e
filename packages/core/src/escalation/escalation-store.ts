import { join } from "node:path";
import { openJsonCollection, type RecordDelta } from "../store/json-collection-file.js";
import { copyJson } from "../util/json-copy.js";
import type { Agent, Presence } from "./agents.js";
import type { CustomerFollowUp } from "./follow-up.js";
import type { HandoffRequest, HandoffStatus } from "./handoff.js";
import { handoffDelta } from "./handoff-delta.js";

/**
 * What Escalation persists: agents and their presence, handoff requests and follow-up tasks. Every `put`
 * resolves once the record is durable, so a task the customer was told about is never lost. Stores that
 * several processes share (PostgreSQL) make `replaceHandoff` / `replaceFollowUp` atomic in the database,
 * so the first Accept wins across processes, not only within one.
 */
export interface EscalationStore {
  listAgents(tenant: string): Promise<Agent[]>;
  putAgent(agent: Agent): Promise<void>;
  getHandoff(id: string): Promise<HandoffRequest | undefined>;
  /** Writes a record whole, without a check: for a new handoff only (a change goes through replaceHandoff). */
  putHandoff(request: HandoffRequest): Promise<void>;
  /**
   * The atomic claim: writes `request` at revision `readRevision + 1` only if the stored one is still at
   * `readRevision` (recordRevision of the record the change was computed from), whatever the change (a
   * state, a message, a note). False: another agent or process wrote it first and nothing was written;
   * read it again and apply the change to what is stored (reviseRecord).
   */
  replaceHandoff(request: HandoffRequest, readRevision: number): Promise<boolean>;
  /**
   * A tenant's handoffs (every tenant's when undefined); with `statuses`, only those in one of them: the
   * service's once-a-second check reads the live ones, not the 30 days of history the consoles show.
   */
  listHandoffs(tenant?: string, statuses?: readonly HandoffStatus[]): Promise<HandoffRequest[]>;
  getFollowUp(id: string): Promise<CustomerFollowUp | undefined>;
  /** Writes a task whole, without a check: for a new task only (a change goes through replaceFollowUp). */
  putFollowUp(task: CustomerFollowUp): Promise<void>;
  /** As replaceHandoff, for a follow-up task (two agents assigning it at once: one wins). */
  replaceFollowUp(task: CustomerFollowUp, readRevision: number): Promise<boolean>;
  listFollowUps(tenant?: string): Promise<CustomerFollowUp[]>;
  /** Agents' presence, shared by every process on the store (an agent online on one server is online on all). */
  getPresence(tenant: string, agent: string): Promise<Presence | undefined>;
  putPresence(tenant: string, agent: string, presence: Presence): Promise<void>;
  listPresence(tenant?: string): Promise<AgentPresence[]>;
  close(): Promise<void>;
}

export interface AgentPresence {
  tenant: string;
  agent: string;
  presence: Presence;
}

/**
 * A handoff's or task's revision (issue 16): the counter every replaceHandoff / replaceFollowUp bumps,
 * whatever changed (a state, a kept message, a note, a posted mark). A record written before the counter
 * existed reads as its history length, the revision those stores compared on, so old data still works.
 */
export function recordRevision(record: { revision?: number; history: readonly unknown[] }): number {
  return record.revision ?? record.history.length;
}

/** What a replace stores: the change at the revision after the one it was computed from. */
export function revisedAfter<T extends { revision?: number }>(next: T, readRevision: number): T {
  return { ...next, revision: readRevision + 1 };
}

/**
 * Compare-and-set attempts before giving up: each failed one means another process changed the record,
 * so more than a few in a row is contention worth telling the caller about rather than spinning on.
 */
export const MAX_REPLACE_ATTEMPTS = 8;

/** What a change computed from a read gives: the record to write (null: nothing to write) and the answer. */
export interface Revision<R, T> {
  next: R | null;
  outcome: T;
}

/**
 * Read, change, compare-and-set; on a conflict (another process wrote since the read) read again and apply
 * the change again to what is stored, at most MAX_REPLACE_ATTEMPTS times. Never a write of a record read
 * earlier: this is how every read-modify-write of a handoff or a task goes (issue 16). `change` must be
 * free of effects outside the record, since it may run more than once.
 */
export async function reviseRecord<R extends { revision?: number; history: readonly unknown[] }, T>(steps: {
  read: () => Promise<R | undefined>;
  replace: (next: R, readRevision: number) => Promise<boolean>;
  change: (current: R) => Revision<R, T> | Promise<Revision<R, T>>;
  missing: () => T | Promise<T>;
  busy: () => T | Promise<T>;
}): Promise<T> {
  for (let attempt = 0; attempt < MAX_REPLACE_ATTEMPTS; attempt++) {
    const current = await steps.read();
    if (current === undefined) return steps.missing();
    const { next, outcome } = await steps.change(current);
    if (next === null || (await steps.replace(next, recordRevision(current)))) return outcome;
  }
  return steps.busy();
}

const agentKey = (agent: Pick<Agent, "tenant" | "id">) =>
  `${encodeURIComponent(agent.tenant)}/${encodeURIComponent(agent.id)}`;

function handoffMatches(
  request: HandoffRequest,
  tenant: string | undefined,
  statuses: readonly HandoffStatus[] | undefined,
): boolean {
  return (
    (tenant === undefined || request.tenant === tenant) &&
    (statuses === undefined || statuses.includes(request.status))
  );
}

/**
 * Compare and set within one process: the check and the write happen with no await between them, so
 * nothing else in the process can run in between.
 */
function replaceIn<T extends { id: string; revision?: number; history: readonly unknown[] }>(
  records: { get(id: string): T | undefined },
  next: T,
  readRevision: number,
  write: (record: T) => Promise<void> | void,
): Promise<boolean> {
  const stored = records.get(next.id);
  if (stored === undefined || recordRevision(stored) !== readRevision) return Promise.resolve(false);
  return Promise.resolve(write(revisedAfter(next, readRevision))).then(() => true);
}

/** Presence in process memory: the memory and file stores serve one process (presence older than its TTL is offline anyway). */
function createPresenceMap(): Pick<EscalationStore, "getPresence" | "putPresence" | "listPresence"> {
  const presence = new Map<string, AgentPresence>();
  // Any string as an agent id (a platform's user id): JSON, not encodeURIComponent, which throws on a lone surrogate.
  const presenceKey = (tenant: string, agent: string) => JSON.stringify([tenant, agent]);
  return {
    getPresence: async (tenant, agent) => {
      const found = presence.get(presenceKey(tenant, agent));
      return found === undefined ? undefined : { ...found.presence };
    },
    putPresence: async (tenant, agent, value) =>
      void presence.set(presenceKey(tenant, agent), { tenant, agent, presence: { ...value } }),
    listPresence: async (tenant) =>
      [...presence.values()]
        .filter((entry) => tenant === undefined || entry.tenant === tenant)
        .map((entry) => ({ ...entry, presence: { ...entry.presence } })),
  };
}

export function createMemoryEscalationStore(): EscalationStore {
  const agents = new Map<string, Agent>();
  const handoffs = new Map<string, HandoffRequest>();
  const followUps = new Map<string, CustomerFollowUp>();
  // Records are JSON (they go to a file in the file store): copyJson shares their strings, where
  // structuredClone copied them, and a handoff or follow-up holds up to 20 messages of 40,000 characters.
  const copy = <T>(value: T): T => copyJson(value);
  return {
    listAgents: async (tenant) => [...agents.values()].filter((agent) => agent.tenant === tenant).map(copy),
    putAgent: async (agent) => void agents.set(agentKey(agent), copy(agent)),
    getHandoff: async (id) => (handoffs.has(id) ? copy(handoffs.get(id)) : undefined),
    putHandoff: async (request) => void handoffs.set(request.id, copy(request)),
    replaceHandoff: (request, readRevision) =>
      replaceIn(handoffs, request, readRevision, (next) => void handoffs.set(next.id, copy(next))),
    listHandoffs: async (tenant, statuses) =>
      [...handoffs.values()].filter((request) => handoffMatches(request, tenant, statuses)).map(copy),
    getFollowUp: async (id) => (followUps.has(id) ? copy(followUps.get(id)) : undefined),
    putFollowUp: async (task) => void followUps.set(task.id, copy(task)),
    replaceFollowUp: (task, readRevision) =>
      replaceIn(followUps, task, readRevision, (next) => void followUps.set(next.id, copy(next))),
    listFollowUps: async (tenant) =>
      [...followUps.values()].filter((task) => tenant === undefined || task.tenant === tenant).map(copy),
    ...createPresenceMap(),
    close: async () => {},
  };
}

export const ESCALATION_FILE_NAMES = {
  agents: "agents.json",
  handoffs: "handoffs.json",
  followUps: "follow-ups.json",
} as const;

/**
 * Escalation's files beside lutin.json (the caller holds the data directory's lock). Ended handoffs and
 * done tasks stay for `retentionMs` (default 30 days) for the console's history, then leave the file.
 */
export async function openFileEscalationStore(options: {
  dataDir: string;
  now?: () => number;
  retentionMs?: number;
}): Promise<EscalationStore> {
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? 30 * 24 * 60 * 60 * 1000;
  const hint = (file: string) => `restore ${file} from a backup, or move it aside to start with none`;
  const open = <T>(name: string, format: string, expiresAt?: (value: T) => number, delta?: RecordDelta<T>) =>
    openJsonCollection<T>({
      file: join(options.dataDir, name),
      directory: options.dataDir,
      format,
      now,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(delta === undefined ? {} : { delta }),
      corruptHint: hint(join(options.dataDir, name)),
    });
  const agents = await open<Agent>(ESCALATION_FILE_NAMES.agents, "lutingenie-agents");
  const handoffs = await open<HandoffRequest>(
    ESCALATION_FILE_NAMES.handoffs,
    "lutingenie-handoffs",
    (request) =>
      request.status === "ended" || request.status === "follow_up"
        ? request.createdAt + retentionMs
        : Number.POSITIVE_INFINITY,
    // A held chat's every message updates its handoff: the journal gets what changed, not the record.
    handoffDelta,
  );
  const followUps = await open<CustomerFollowUp>(
    ESCALATION_FILE_NAMES.followUps,
    "lutingenie-follow-ups",
    (task) => (task.status === "done" ? task.updatedAt + retentionMs : Number.POSITIVE_INFINITY),
  );
  return {
    listAgents: async (tenant) => agents.values().filter((agent) => agent.tenant === tenant),
    putAgent: (agent) => agents.set(agentKey(agent), agent),
    getHandoff: async (id) => handoffs.get(id),
    putHandoff: (request) => handoffs.set(request.id, request),
    replaceHandoff: (request, readRevision) =>
      replaceIn(handoffs, request, readRevision, (next) => handoffs.set(next.id, next)),
    listHandoffs: async (tenant, statuses) =>
      handoffs.values().filter((request) => handoffMatches(request, tenant, statuses)),
    getFollowUp: async (id) => followUps.get(id),
    putFollowUp: (task) => followUps.set(task.id, task),
    replaceFollowUp: (task, readRevision) =>
      replaceIn(followUps, task, readRevision, (next) => followUps.set(next.id, next)),
    listFollowUps: async (tenant) =>
      followUps.values().filter((task) => tenant === undefined || task.tenant === tenant),
    // One process holds the data directory: presence stays in its memory (a restart forgets who was
    // online, as the consoles reconnect and report again within seconds).
    ...createPresenceMap(),
    close: async () => {
      await agents.close();
      await handoffs.close();
      await followUps.close();
    },
  };
}
