/**
 * One instance of pipeline-across-processes.test.ts: the whole runtime (counting, enchantments, the demo
 * tenant's knowledge base) on the PostgreSQL store and thread memory, behind a channel adapter wrapped as
 * `lutin serve` wraps its adapters on PostgreSQL (withTurnsAcrossInstances). Its `send` is the channel: it
 * records each reply and confirms it. Arguments: the database URL and the events file (JSON). Prints
 * "ready" once connected, feeds every event twice in its own shuffled order, all at once, on the first
 * line of standard input, then prints one JSON line: each turn's status and each reply it sent.
 */
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import {
  type ChannelAdapter,
  type CoreHandle,
  createLutinRuntime,
  DEMO_TENANT_FILE,
  type InboundEventInput,
  loadTenantFile,
} from "@lutingenie/core";
import {
  createPostgresStore,
  createPostgresThreadMemory,
  createThreadTurns,
  withTurnsAcrossInstances,
} from "@lutingenie/store-postgres";
import pg from "pg";

const [url, eventsFile, seedText] = process.argv.slice(2);
if (url === undefined || eventsFile === undefined || seedText === undefined) {
  console.error("usage: pipeline-across-processes-child.ts DATABASE_URL EVENTS_FILE SEED");
  process.exit(2);
}
const events = JSON.parse(await readFile(eventsFile, "utf8")) as InboundEventInput[];

/** Deterministic shuffle (a linear congruential generator), so that a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let index = result.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

const store = await createPostgresStore({ connectionString: url, poolSize: 6 });
const turnPool = new pg.Pool({ connectionString: url, max: 8 });
const replies: Array<{ key: string; inReplyTo: string | null; thread: string }> = [];
let core: CoreHandle | null = null;
const channel: ChannelAdapter = {
  channel: "web",
  async start(handle) {
    core = handle;
  },
  async stop() {
    core = null;
  },
  async send(message) {
    replies.push({ key: message.key, inReplyTo: message.inReplyTo ?? null, thread: message.thread });
    return { ok: true, deliveredAt: Date.now() };
  },
};
const runtime = await createLutinRuntime({
  store,
  tenants: [await loadTenantFile(DEMO_TENANT_FILE)],
  memory: createPostgresThreadMemory({ pool: store.pool }),
});
await runtime.assistant.start([withTurnsAcrossInstances(channel, createThreadTurns({ pool: turnPool }))]);
process.stdout.write("ready\n");
await once(process.stdin, "data");
const handle = core as CoreHandle | null;
if (handle === null) throw new Error("the adapter was not started");
const turns = await Promise.all(
  shuffled([...events, ...events], Number(seedText)).map(async (event) => ({
    key: event.key,
    status: (await handle.receive(event)).status,
  })),
);
await runtime.assistant.stop();
await turnPool.end();
await store.close();
process.stdout.write(`${JSON.stringify({ turns, replies })}\n`);
