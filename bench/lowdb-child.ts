/**
 * One lowdb benchmark step in a fresh process, so cold start and resident memory are its own:
 *   seed    <dataDir> <size> <current|closed>
 *   measure <dataDir> <grouped|ungrouped> <events>
 * Prints one JSON object.
 */
import {
  ConversationCounter,
  createBillingDirectory,
  DEFAULT_PLAN_CATALOG,
  type InboundEventInput,
  openLowdbStore,
  periodContaining,
} from "@lutingenie/core";
import { BENCH_TENANT, commitHistory } from "./lowdb-history.js";
import { percentile } from "./stats.js";

const [command, dataDir, ...rest] = process.argv.slice(2);
const now = Date.parse("2026-11-20T12:00:00Z");
const clock = { now: () => now };
const periodOf = (_tenant: string, at: number) =>
  periodContaining(at, { timeZone: "UTC", anchorDay: 1 }).label;

if (command === "seed") {
  const size = Number(rest[0]);
  const placement = rest[1] as "current" | "closed";
  const chunk = 100_000;
  for (let from = 0; from < size; from += chunk) {
    const store = await openLowdbStore({ dataDir: dataDir as string, clock, periodOf });
    if (from === 0) await store.putTenant(BENCH_TENANT);
    await commitHistory(store, from, Math.min(chunk, size - from), size, placement, now);
    // A running server runs the archive periodically (settled rows of every period, the running one
    // included, leave the live file), so the history is seeded as such a server leaves it.
    await store.archiveClosedPeriods(now);
    await store.close();
  }
  process.stdout.write(`${JSON.stringify({ seeded: size })}\n`);
} else if (command === "measure") {
  const grouped = rest[0] === "grouped";
  const eventCount = Number(rest[1]);
  const openStarted = performance.now();
  const store = await openLowdbStore({ dataDir: dataDir as string, clock, periodOf, groupCommit: grouped });
  const coldStartMs = performance.now() - openStarted;
  const rssAfterOpenMb = process.memoryUsage().rss / 1_048_576;
  const counter = new ConversationCounter({
    store,
    clock,
    billing: createBillingDirectory({ store, catalog: DEFAULT_PLAN_CATALOG }),
  });
  // New customers: each a question then a delivered answer (the count moment, C7).
  // Each measure adds customers of its own, so that repeated runs on one data directory are not duplicates.
  const run = `${process.pid}-${Date.now()}`;
  const events: InboundEventInput[] = [];
  for (let index = 0; events.length < eventCount; index++) {
    const base = { tenant: "bench", channel: "web", thread: `new-${run}-${index}` };
    const at = now - 600_000 + index;
    events.push({ ...base, key: `nc-${run}-${index}`, at, from: "customer", text: "Where is my order?" });
    events.push({
      ...base,
      key: `na-${run}-${index}`,
      at: at + 1500,
      from: "assistant",
      text: "It ships today.",
    });
  }
  const inFlight = grouped ? 256 : 16;
  const latencies: number[] = [];
  const started = performance.now();
  for (let index = 0; index < events.length; index += inFlight) {
    // Customer messages go before their answers: the batch holds whole exchanges in order.
    await Promise.all(
      events.slice(index, index + inFlight).map(async (event) => {
        const sent = performance.now();
        await counter.ingest(event);
        latencies.push(performance.now() - sent);
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = store.stats();
  await store.close();
  // After a clean stop lutin.json holds everything (its journal is empty).
  const { size } = await (await import("node:fs/promises")).stat(store.file);
  process.stdout.write(
    `${JSON.stringify({
      coldStartMs,
      rssAfterOpenMb,
      rssPeakMb: process.resourceUsage().maxRSS / 1024,
      eventsPerSecond: events.length / seconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      fileWrites: stats.fileWrites,
      snapshotWrites: stats.snapshotWrites,
      lastWriteMs: stats.lastWriteMs,
      fileMb: size / 1_048_576,
    })}\n`,
  );
} else {
  process.stderr.write(
    "usage: lowdb-child seed <dir> <size> <current|closed> | measure <dir> <grouped|ungrouped> <events>\n",
  );
  process.exit(2);
}
