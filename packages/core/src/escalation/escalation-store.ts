import { join } from "node:path";
import { openJsonCollection, type RecordDelta } from "../store/json-collection-file.js";
import { copyJson } from "../util/json-copy.js";
import type { Agent } from "./agents.js";
import type { CustomerFollowUp } from "./follow-up.js";
import type { HandoffRequest } from "./handoff.js";
import { handoffDelta } from "./handoff-delta.js";

/**
 * What Escalation persists: agents, handoff requests and follow-up tasks. Every `put` resolves once the
 * record is durable, so a task the customer was told about is never lost.
 */
export interface EscalationStore {
  listAgents(tenant: string): Promise<Agent[]>;
  putAgent(agent: Agent): Promise<void>;
  getHandoff(id: string): Promise<HandoffRequest | undefined>;
  putHandoff(request: HandoffRequest): Promise<void>;
  listHandoffs(tenant?: string): Promise<HandoffRequest[]>;
  getFollowUp(id: string): Promise<CustomerFollowUp | undefined>;
  putFollowUp(task: CustomerFollowUp): Promise<void>;
  listFollowUps(tenant?: string): Promise<CustomerFollowUp[]>;
  close(): Promise<void>;
}

const agentKey = (agent: Pick<Agent, "tenant" | "id">) =>
  `${encodeURIComponent(agent.tenant)}/${encodeURIComponent(agent.id)}`;

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
    listHandoffs: async (tenant) =>
      [...handoffs.values()].filter((request) => tenant === undefined || request.tenant === tenant).map(copy),
    getFollowUp: async (id) => (followUps.has(id) ? copy(followUps.get(id)) : undefined),
    putFollowUp: async (task) => void followUps.set(task.id, copy(task)),
    listFollowUps: async (tenant) =>
      [...followUps.values()].filter((task) => tenant === undefined || task.tenant === tenant).map(copy),
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
    listHandoffs: async (tenant) =>
      handoffs.values().filter((request) => tenant === undefined || request.tenant === tenant),
    getFollowUp: async (id) => followUps.get(id),
    putFollowUp: (task) => followUps.set(task.id, task),
    listFollowUps: async (tenant) =>
      followUps.values().filter((task) => tenant === undefined || task.tenant === tenant),
    close: async () => {
      await agents.close();
      await handoffs.close();
      await followUps.close();
    },
  };
}
