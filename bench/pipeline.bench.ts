import {
  type ChannelAdapter,
  createLutinRuntime,
  createMemoryStore,
  DEMO_TENANT_FILE,
  type DeliveryResult,
  loadTenantFile,
  ManualClock,
} from "@lutingenie/core";
import { format, median, percentile } from "./stats.js";

/** What customers of the demo shop write: questions, the order flow, thanks, frustration, other languages. */
const CONVERSATION_SCRIPTS: string[][] = [
  ["What are your opening hours?", "thanks!"],
  ["Where is my order?", "#12345", "great, thank you"],
  ["Bonjour, où est ma commande ?", "#12346", "merci"],
  ["How do I return an item?", "And how long does the refund take?"],
  ["This is the third time I ask, where is my refund??", "still nothing"],
  ["¿Cuánto tarda el envío?", "vale, gracias"],
  ["Ich habe mein Passwort vergessen", "danke"],
  ["Do you sell bicycles?", "ok"],
];

const ALL_FOUR = ["polyglot", "emotion", "escalation", "memory"];

/** A channel that confirms every send at once: the pipeline's own cost, without a network. */
const instantChannel: ChannelAdapter = {
  channel: "bench",
  async start() {},
  async stop() {},
  async send(): Promise<DeliveryResult> {
    return { ok: true, deliveredAt: 0 };
  },
};

async function measure(enchantments: string[], threads: number) {
  const clock = new ManualClock(Date.UTC(2026, 10, 2, 10, 0));
  const tenant = await loadTenantFile(DEMO_TENANT_FILE);
  const runtime = await createLutinRuntime({
    store: createMemoryStore(),
    tenants: [tenant],
    clock,
    enchantments,
  });
  runtime.assistant.connect(instantChannel);
  const latencies: number[] = [];
  let messages = 0;
  const started = performance.now();
  for (let thread = 0; thread < threads; thread++) {
    const script = CONVERSATION_SCRIPTS[thread % CONVERSATION_SCRIPTS.length] as string[];
    for (const [index, text] of script.entries()) {
      clock.advance(20_000);
      const before = performance.now();
      await runtime.assistant.receive(instantChannel, {
        key: `m-${thread}-${index}`,
        tenant: tenant.settings.id,
        thread: `visitor-${thread}`,
        from: "customer",
        at: clock.now(),
        text,
      });
      latencies.push(performance.now() - before);
      messages++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await runtime.assistant.stop();
  return { latencies, perSecond: messages / seconds, messages };
}

/**
 * The full pipeline per customer message on one core: validation, counting (in-memory store), the four
 * enchantments, the demo knowledge base, delivery, the count at delivery. Baseline in the same run:
 * the same pipeline with no enchantment, so the table shows what the enchantments cost.
 */
export async function pipelineBenchmark(): Promise<string[]> {
  const threads = 1_500;
  await measure(ALL_FOUR, 200); // warm-up: JIT, detector databases
  const rows: string[] = [];
  const runs: Record<string, { p50: number[]; p99: number[]; rate: number[]; messages: number }> = {};
  for (let round = 0; round < 3; round++) {
    for (const [label, enchantments] of [
      ["all four enchantments + knowledge base", ALL_FOUR],
      ["baseline: no enchantment + knowledge base", []],
    ] as const) {
      const result = await measure([...enchantments], threads);
      runs[label] ??= { p50: [], p99: [], rate: [], messages: result.messages };
      const run = runs[label];
      run.p50.push(percentile(result.latencies, 0.5));
      run.p99.push(percentile(result.latencies, 0.99));
      run.rate.push(result.perSecond);
    }
  }
  for (const [label, run] of Object.entries(runs))
    rows.push(
      `| ${label} | ${format(run.messages)} | ${format(median(run.rate))} | ${format(median(run.p50) * 1000)} | ${format(median(run.p99) * 1000)} |`,
    );
  return [
    "## Assistant pipeline, per customer message (one core, in-memory store)",
    "",
    `${threads} conversations of 2–3 messages from ${CONVERSATION_SCRIPTS.length} scripts (en, fr, es, de; questions, the order flow, thanks, frustration, an unknown question), one message at a time; medians of 3 runs. Targets: p99 under 2 ms, 5,000 messages/s.`,
    "",
    "| pipeline | messages | messages/s | p50 µs | p99 µs |",
    "|---|---:|---:|---:|---:|",
    ...rows,
  ];
}
