/**
 * One "instance" of the test of real processes on one database (counter-across-processes.test.ts):
 * feeds every event of the scenario to its own counter on its own store, then prints the keys it
 * processed as one JSON line. Arguments: the database URL, the number of threads, the shuffle seed. It
 * prints "ready" once connected and starts on the first line of its standard input, so that the three
 * processes really count at the same time (their start-up takes seconds).
 */
import { once } from "node:events";
import { feedCounter, scenarioEvents } from "./across-processes.test-support.js";
import { createPostgresStore } from "./postgres-store.js";

const [url, threads, seed] = process.argv.slice(2);
if (url === undefined || threads === undefined || seed === undefined) {
  console.error("usage: across-processes-child.ts DATABASE_URL THREADS SEED");
  process.exit(2);
}
const store = await createPostgresStore({ connectionString: url, poolSize: 4 });
try {
  const events = scenarioEvents(Number(threads));
  await store.isProcessed({ tenant: "acme", channel: "web", thread: "warm-up", key: "warm-up" });
  process.stdout.write("ready\n");
  await once(process.stdin, "data");
  const processed = await feedCounter(store, events, Number(seed));
  process.stdout.write(`${JSON.stringify({ processed })}\n`);
} finally {
  await store.close();
}
