/**
 * One instance of the kill -9 test (kill-nine.test.ts): counts every event of the scenario on its own
 * counter, 16 at a time in its own order, and prints "ack KEY" once each event's processing resolved
 * (what an adapter would acknowledge). Prints "ready" before the first event. Arguments: the database
 * URL, the number of threads, the shuffle seed.
 */
import { ConversationCounter } from "@lutingenie/core";
import { billing, scenarioEvents, shuffled } from "./across-processes.test-support.js";
import { createPostgresStore } from "./postgres-store.js";

const [url, threads, seed] = process.argv.slice(2);
if (url === undefined || threads === undefined || seed === undefined) {
  console.error("usage: kill-child.ts DATABASE_URL THREADS SEED");
  process.exit(2);
}
const store = await createPostgresStore({ connectionString: url, poolSize: 4 });
const counter = new ConversationCounter({ store, billing, compaction: { maxEvents: 10_000 } });
const events = shuffled(scenarioEvents(Number(threads)), Number(seed));
process.stdout.write("ready\n");
for (let index = 0; index < events.length; index += 16) {
  await Promise.all(
    events.slice(index, index + 16).map(async (event) => {
      await counter.ingestEvent(event);
      process.stdout.write(`ack ${event.key}\n`);
    }),
  );
}
await store.close();
process.stdout.write("done\n");
