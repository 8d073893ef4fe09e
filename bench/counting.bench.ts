import {
  ConversationCounter,
  countConversationsBatch,
  createMemoryStore,
  type InboundEvent,
  parseInboundEvent,
} from "@lutingenie/core";
import { format, median, timed } from "./stats.js";
import { supportTraffic } from "./workload.js";

const billing = {
  periodOf: (at: number) => new Date(at).toISOString().slice(0, 7),
  planAt: () => "professional",
  allowanceAt: () => 1_000_000,
  alertThresholds: [80, 90, 100],
};

/**
 * Counting throughput on one core with the in-memory store, against the pure batch function over the same
 * events (the same fold with no store, no queue, no validation) as the baseline, in the same run.
 */
export async function countingBenchmark(rounds = 5): Promise<string[]> {
  const inputs = supportTraffic({ threads: 10_000, exchangesPerThread: 5 });
  const events: InboundEvent[] = inputs.map((input) => parseInboundEvent(input));
  const live: number[] = [];
  const liveValidated: number[] = [];
  const liveConcurrent: number[] = [];
  const batch: number[] = [];
  /** Events per second of one fresh counter fed by `feed`. */
  const throughput = async (feed: (counter: ConversationCounter) => Promise<void>): Promise<number> => {
    const counter = new ConversationCounter({
      store: createMemoryStore(),
      billing: { forTenant: () => billing },
    });
    const { seconds } = await timed(() => feed(counter));
    return inputs.length / seconds;
  };
  for (let round = 0; round < rounds; round++) {
    // Events as an adapter hands them over after validating them at its boundary.
    live.push(
      await throughput(async (counter) => {
        for (const event of events) await counter.ingestEvent(event);
      }),
    );
    liveValidated.push(
      await throughput(async (counter) => {
        for (const input of inputs) await counter.ingest(input);
      }),
    );
    // 256 events in flight at once, like a server with many customers typing.
    liveConcurrent.push(
      await throughput(async (counter) => {
        for (let index = 0; index < events.length; index += 256) {
          await Promise.all(events.slice(index, index + 256).map((event) => counter.ingestEvent(event)));
        }
      }),
    );
    {
      const { seconds } = await timed(() =>
        countConversationsBatch(events, { now: Number.NEGATIVE_INFINITY, billingOf: () => billing }),
      );
      batch.push(events.length / seconds);
    }
  }
  const ratio = median(live) / median(batch);
  return [
    `### Counting throughput, one core, in-memory store (${format(inputs.length)} events, 10,000 threads, median of ${rounds})`,
    "",
    "| engine | events/s (median) | vs. batch baseline |",
    "|---|---:|---:|",
    `| live counter, one event at a time (dedupe, queue, store, fold, ledger), events validated by the adapter | ${format(median(live))} | ${format(ratio, 2)}× |`,
    `| live counter, one event at a time, zod validation included (\`ingest\`) | ${format(median(liveValidated))} | ${format(median(liveValidated) / median(batch), 2)}× |`,
    `| live counter, 256 events in flight (validated by the adapter) | ${format(median(liveConcurrent))} | ${format(median(liveConcurrent) / median(batch), 2)}× |`,
    `| baseline: pure batch function (fold only) | ${format(median(batch))} | 1.00× |`,
    "",
    `Target: at least 100,000 events/s → ${median(live) >= 100_000 ? "met" : "NOT met"}.`,
  ];
}
