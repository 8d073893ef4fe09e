import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConversationCounter,
  createBillingDirectory,
  DEFAULT_PLAN_CATALOG,
  type InboundEventInput,
  openLowdbStore,
  periodContaining,
  type Store,
} from "@lutingenie/core";
import { createPostgresStore } from "@lutingenie/store-postgres";
import { startThrowawayCluster } from "@lutingenie/store-postgres/testing";
import { BENCH_TENANT } from "./lowdb-history.js";
import { format, median, percentile } from "./stats.js";

const now = Date.parse("2026-11-20T12:00:00Z");
const clock = { now: () => now };

/** New customers, each a question then a delivered answer (the count moment, C7), as in the lowdb benchmark. */
function exchanges(run: string, customers: number): InboundEventInput[] {
  const events: InboundEventInput[] = [];
  for (let index = 0; index < customers; index++) {
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
  return events;
}

/** Counted messages per second and latency of one store, `inFlight` events at a time. */
async function measure(store: Store, run: string, customers: number, inFlight: number) {
  await store.putTenant(BENCH_TENANT);
  const counter = new ConversationCounter({
    store,
    clock,
    billing: createBillingDirectory({ store, catalog: DEFAULT_PLAN_CATALOG }),
  });
  const events = exchanges(run, customers);
  const latencies: number[] = [];
  const started = performance.now();
  for (let index = 0; index < events.length; index += inFlight) {
    // Customer messages go before their answers: each batch holds whole exchanges in order.
    await Promise.all(
      events.slice(index, index + inFlight).map(async (event) => {
        const sent = performance.now();
        await counter.ingest(event);
        latencies.push(performance.now() - sent);
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: events.length / seconds, p99: percentile(latencies, 0.99) };
}

/**
 * The counter on PostgreSQL (a throwaway cluster with fsync and synchronous commit on, as a production
 * server runs) against lowdb (group commit, fsync) in the same run, same workload, same process.
 */
export async function postgresBenchmark(customers = 1_000, rounds = 3, inFlight = 256): Promise<string[]> {
  const loadBefore = loadavg()[0] ?? 0;
  const cluster = await startThrowawayCluster({ durable: true });
  const lowdb: Array<{ perSecond: number; p99: number }> = [];
  const postgres: Array<{ perSecond: number; p99: number }> = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const dataDir = await mkdtemp(join(tmpdir(), "lutin-bench-"));
      try {
        const store = await openLowdbStore({
          dataDir,
          clock,
          periodOf: (_tenant, at) => periodContaining(at, { timeZone: "UTC", anchorDay: 1 }).label,
        });
        try {
          lowdb.push(await measure(store, `lowdb-${round}`, customers, inFlight));
        } finally {
          await store.close();
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
      const store = await createPostgresStore({ connectionString: cluster.url, poolSize: 16 });
      try {
        postgres.push(await measure(store, `postgres-${round}`, customers, inFlight));
      } finally {
        await store.close();
      }
    }
  } finally {
    await cluster.stop();
  }
  const perSecond = (results: typeof lowdb) => median(results.map((result) => result.perSecond));
  const p99 = (results: typeof lowdb) => median(results.map((result) => result.p99));
  return [
    `### Counting on PostgreSQL against lowdb (same run, same process, median of ${rounds} rounds)`,
    "",
    `Workload: ${format(customers)} new customers, question + delivered answer each (${format(2 * customers)} counted messages), ${inFlight} in flight, through the live counter. PostgreSQL: a throwaway local cluster (PostgreSQL's own defaults: fsync and synchronous commit on), a pool of 16 connections; per event two reads (isProcessed, readThread) and one statement, \`lutin_commit_thread\`, that locks the thread (advisory xact lock), checks its version, claims the key, books the ledger and writes conversations and thread in its own transaction. lowdb: group commit with fsync.`,
    "",
    "| store | counted messages/s | p99 ms | vs. lowdb |",
    "|---|---:|---:|---:|",
    `| PostgreSQL | ${format(perSecond(postgres))} | ${format(p99(postgres), 1)} | ${format(perSecond(postgres) / perSecond(lowdb), 2)}× |`,
    `| lowdb (baseline) | ${format(perSecond(lowdb))} | ${format(p99(lowdb), 1)} | 1.00× |`,
    "",
    `Target (issue 16): ≥ 2,000 counted messages/s on one instance → ${perSecond(postgres) >= 2_000 ? "met" : "NOT met"}.`,
    `Load average when the run started: ${format(loadBefore, 1)} (other work on the same cores lowers both stores' figures; compare the two within a run).`,
  ];
}
