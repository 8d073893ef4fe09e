/**
 * Child process of the kill -9 test (lowdb-store.test.ts): opens the lowdb store in argv[2] and commits
 * in a loop from several concurrent workers, printing `ack <key>` once each commit has resolved.
 * The parent kills it with SIGKILL at a random moment and checks that every acknowledged key survived.
 */
import { makeThreadCommit } from "../../testing/index.js";
import { openLowdbStore } from "../lowdb-store.js";

const [dataDir, round = "0", workersText = "16"] = process.argv.slice(2);
if (dataDir === undefined) throw new Error("usage: commit-loop.ts <dataDir> [round] [workers]");

const store = await openLowdbStore({ dataDir });
process.stdout.write("ready\n");

async function worker(index: number): Promise<never> {
  for (let n = 0; ; n++) {
    const key = `r${round}-w${index}-${n}`;
    const commit = makeThreadCommit({ tenant: "acme", thread: `kill-r${round}-w${index}`, key });
    await store.commitThread(commit);
    process.stdout.write(`ack ${key}\n`);
  }
}

await Promise.all(Array.from({ length: Number(workersText) }, (_, index) => worker(index)));
