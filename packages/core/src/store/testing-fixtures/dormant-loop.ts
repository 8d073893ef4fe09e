/**
 * Child process of the dormant-thread kill -9 test (lowdb-store.test.ts): opens the lowdb store in argv[2]
 * with a clock that jumps two days before each archive run, so that threads keep going dormant (leaving
 * lutin.json for their day file and the dormant index) and coming back (hot again) while workers commit.
 * Each worker owns a few threads that outlive the process (the next round brings them back from wherever
 * the last one left them) and prints `ack <threadKey> <key>` once a commit to one of them has resolved.
 */
import { DAY } from "../../clock.js";
import { makeThreadCommit } from "../../testing/index.js";
import { openLowdbStore } from "../lowdb-store.js";

const [dataDir, roundText = "0"] = process.argv.slice(2);
if (dataDir === undefined) throw new Error("usage: dormant-loop.ts <dataDir> [round]");
const round = Number(roundText);

// Monotonic across rounds: each round starts 1,000 days after the previous one.
let now = Date.UTC(2025, 0, 1) + round * 1_000 * DAY;
const store = await openLowdbStore({
  dataDir,
  clock: { now: () => now },
  dormantThreadDays: 1,
  settledAfterHours: 1,
});
process.stdout.write("ready\n");

async function worker(index: number): Promise<never> {
  for (let n = 0; ; n++) {
    const thread = `dormant-w${index}-t${n % 4}`;
    const key = `r${round}-w${index}-${n}`;
    const commit = makeThreadCommit({ tenant: "acme", thread, key, at: now, counted: false });
    await store.commitThread(commit);
    process.stdout.write(`ack ${commit.thread.key} ${key}\n`);
    // Slower than the archive runs, so that at any moment some threads are dormant and some hot.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 15)));
  }
}

async function archiver(): Promise<never> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    now += 2 * DAY;
    await store.archiveSettled(now);
  }
}

await Promise.all([archiver(), ...Array.from({ length: 4 }, (_, index) => worker(index))]);
