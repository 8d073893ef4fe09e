import { join } from "node:path";
import { createMemoryJsonCollection, type JsonCollection, openJsonCollection } from "@lutingenie/core";
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
 * and every agent had to say available again. Kept small and async so a shared store (PostgreSQL) can
 * implement it; the adapter ships a memory one and a JSON collection file in the data directory.
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
  | ({ record: "presence"; declaredAt: number } & PresenceDeclaration);

const taskKey = (tenant: string, ref: string) => `task:${tenant}\u0000${ref}`;
const messageKey = (tenant: string, channel: string, ts: string) => `${tenant}\u0000${channel}:${ts}`;
const presenceKey = (tenant: string, agent: string) => `presence:${tenant}\u0000${agent}`;

/**
 * The state in `slack-state.json` of the data directory (and its journal), mode 0600: task messages hold
 * what the customer wrote.
 */
export async function openFileSlackState(options: {
  dataDir: string;
  now?: () => number;
}): Promise<SlackStateStore> {
  const now = options.now ?? Date.now;
  const file = join(options.dataDir, STATE_FILE_NAME);
  const collection = await openJsonCollection<StateRecord>({
    file,
    directory: options.dataDir,
    format: "lutingenie-slack-state",
    fileMode: SECRET_FILE_MODE,
    now,
    expiresAt: (record) =>
      record.record === "task" ? record.drawnAt + TASK_RETENTION_MS : Number.POSITIVE_INFINITY,
    corruptHint: `restore ${file} from a backup, or move it aside: open handoffs and tasks are then posted again as new messages and agents say available again`,
  });
  return stateOver(collection, now);
}

/** State kept in memory only (tests, no data directory): a restart forgets it. */
export function createMemorySlackState(now: () => number = Date.now): SlackStateStore {
  return stateOver(createMemoryJsonCollection<StateRecord>(), now);
}

function stateOver(collection: JsonCollection<StateRecord>, now: () => number): SlackStateStore {
  // Root message → task key, rebuilt at open: the collection is keyed by ref, replies arrive by message.
  const byMessage = new Map<string, string>();
  for (const record of collection.values())
    if (record.record === "task")
      byMessage.set(messageKey(record.tenant, record.channel, record.ts), taskKey(record.tenant, record.ref));
  const taskOf = (record: StateRecord | undefined): PostedTask | undefined => {
    if (record?.record !== "task") return undefined;
    const { record: _record, drawnAt: _drawnAt, ...task } = record;
    return task;
  };
  return {
    task: async (tenant, ref) => taskOf(collection.get(taskKey(tenant, ref))),
    async taskAt(tenant, channel, ts) {
      const key = messageKey(tenant, channel, ts);
      const found = byMessage.get(key);
      const task = found === undefined ? undefined : taskOf(collection.get(found));
      if (found !== undefined && task === undefined) byMessage.delete(key); // expired meanwhile
      return task;
    },
    async rememberTask(task) {
      byMessage.set(messageKey(task.tenant, task.channel, task.ts), taskKey(task.tenant, task.ref));
      await collection.set(taskKey(task.tenant, task.ref), { record: "task", drawnAt: now(), ...task });
    },
    async declarations() {
      return collection
        .values()
        .flatMap((record) =>
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
