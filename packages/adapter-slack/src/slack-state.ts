import {
  createMemoryStateCollection,
  fileStateCollections,
  type StateCollection,
  type StateCollectionSpec,
  type StateCollections,
} from "@lutingenie/core";
import type { PostedTask } from "./agent-post-index.js";
import { SECRET_FILE_MODE } from "./installations.js";

/** What an agent last said with `/lutin available|away` or the App Home buttons. */
export interface PresenceDeclaration {
  tenant: string;
  agent: string;
  available: boolean;
}

/**
 * What the Slack adapter must remember across a restart: which Slack message is which handoff or
 * follow-up task (to redraw it with chat.update, and to relay its thread's replies), and what each agent
 * declared. Without it, after a restart updates were posted as new messages, old threads stopped relaying
 * and every agent had to say available again. Kept in one of core's StateCollections: the JSON collection
 * file of the data directory, memory, or a shared store (PostgreSQL: store-postgres's
 * openPostgresStateCollections) for several servers.
 */
export interface SlackStateStore {
  task(tenant: string, ref: string): Promise<PostedTask | undefined>;
  /** The task whose root message is `ts` in `channel` (its thread is the task's thread). */
  taskAt(tenant: string, channel: string, ts: string): Promise<PostedTask | undefined>;
  /** Remembers (or refreshes) a task's root message. */
  rememberTask(task: PostedTask): Promise<void>;
  declarations(): Promise<PresenceDeclaration[]>;
  declare(declaration: PresenceDeclaration): Promise<void>;
  close(): Promise<void>;
}

export const STATE_FILE_NAME = "slack-state.json";
/**
 * A task's message is forgotten 30 days after it was last drawn: handoffs end within hours, follow-up
 * tasks within days, and the file stays small (it is rewritten whole now and then). A task updated after
 * that is posted as a new message, as every task was after a restart before.
 */
export const TASK_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

type StateRecord =
  | ({ record: "task"; drawnAt: number } & PostedTask)
  | ({ record: "presence"; declaredAt: number } & PresenceDeclaration)
  /** Root message → task, so that a thread reply finds its task on any server (not an index in memory). */
  | { record: "link"; task: string; drawnAt: number };

const taskKey = (tenant: string, ref: string) => `task:${tenant}\u0000${ref}`;
const linkKey = (tenant: string, channel: string, ts: string) => `link:${tenant}\u0000${channel}:${ts}`;
const presenceKey = (tenant: string, agent: string) => `presence:${tenant}\u0000${agent}`;

/**
 * The collection's file, format and expiry: `slack-state.json` of the data directory (and its journal),
 * mode 0600: task messages hold what the customer wrote.
 */
const STATE_SPEC: StateCollectionSpec<StateRecord> = {
  name: STATE_FILE_NAME.replace(/\.json$/, ""),
  format: "lutingenie-slack-state",
  fileMode: SECRET_FILE_MODE,
  expiresAt: (record) =>
    record.record === "presence" ? Number.POSITIVE_INFINITY : record.drawnAt + TASK_RETENTION_MS,
  corruptHint: `restore ${STATE_FILE_NAME} from a backup, or move it aside: open handoffs and tasks are then posted again as new messages and agents say available again`,
};

/** The state in one of core's StateCollections (a shared one: every server finds every task's thread). */
export async function openSlackState(
  collections: StateCollections,
  now: () => number = Date.now,
): Promise<SlackStateStore> {
  const collection = await collections.open(STATE_SPEC);
  await linkOlderTasks(collection);
  return stateOver(collection, now);
}

/**
 * Files written before links were kept hold tasks only (their index was rebuilt in memory at each open):
 * give those their link once.
 */
async function linkOlderTasks(collection: StateCollection<StateRecord>): Promise<void> {
  const records = await collection.values();
  const linked = new Set(records.flatMap((record) => (record.record === "link" ? [record.task] : [])));
  for (const record of records)
    if (record.record === "task" && !linked.has(taskKey(record.tenant, record.ref)))
      await collection.set(linkKey(record.tenant, record.channel, record.ts), {
        record: "link",
        task: taskKey(record.tenant, record.ref),
        drawnAt: record.drawnAt,
      });
}

/** The state in `slack-state.json` of the data directory (files of older versions are read as they are). */
export function openFileSlackState(options: {
  dataDir: string;
  now?: () => number;
}): Promise<SlackStateStore> {
  const now = options.now ?? Date.now;
  return openSlackState(fileStateCollections({ dataDir: options.dataDir, now }), now);
}

/** State kept in memory only (tests, no data directory): a restart forgets it. */
export function createMemorySlackState(now: () => number = Date.now): SlackStateStore {
  return stateOver(createMemoryStateCollection(STATE_SPEC, now), now);
}

function stateOver(collection: StateCollection<StateRecord>, now: () => number): SlackStateStore {
  const taskOf = (record: StateRecord | undefined): PostedTask | undefined => {
    if (record?.record !== "task") return undefined;
    const { record: _record, drawnAt: _drawnAt, ...task } = record;
    return task;
  };
  return {
    task: async (tenant, ref) => taskOf(await collection.get(taskKey(tenant, ref))),
    async taskAt(tenant, channel, ts) {
      const link = await collection.get(linkKey(tenant, channel, ts));
      return link?.record === "link" ? taskOf(await collection.get(link.task)) : undefined;
    },
    async rememberTask(task) {
      const drawnAt = now();
      const key = taskKey(task.tenant, task.ref);
      await collection.set(key, { record: "task", drawnAt, ...task });
      await collection.set(linkKey(task.tenant, task.channel, task.ts), {
        record: "link",
        task: key,
        drawnAt,
      });
    },
    async declarations() {
      return (await collection.values()).flatMap((record) =>
        record.record === "presence"
          ? [{ tenant: record.tenant, agent: record.agent, available: record.available }]
          : [],
      );
    },
    async declare(declaration) {
      await collection.set(presenceKey(declaration.tenant, declaration.agent), {
        record: "presence",
        declaredAt: now(),
        ...declaration,
      });
    },
    close: () => collection.close(),
  };
}
