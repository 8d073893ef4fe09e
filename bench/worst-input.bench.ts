import {
  type ChannelAdapter,
  createLutinRuntime,
  createMemoryStore,
  DEMO_TENANT_FILE,
  type DeliveryResult,
  type LoadedTenant,
  loadTenantFile,
  MAX_TEXT_LENGTH,
  ManualClock,
} from "@lutingenie/core";
import { format, median } from "./stats.js";

/**
 * Adversarial customer messages, each as a generator so that no two messages of a run are the same text
 * (the pipeline caches per text: a repeated text would measure the caches). `n` numbers the message.
 */
type Generator = (n: number, random: () => number) => string;

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const GARBAGE = [
  ..."abcXYZ019!?.,;:#@&*()[]{}<>/\\|~^%$€£éàüßçñøå😀😡🔥👍❤️ـبتثجحخدذرزسشصضطظعغفقكلمنهوي中文字日本語한국어",
  "\u0301",
  "\u0308",
  "\u064B",
  "\u0651",
  "\u200F",
  "\u202E",
  " ",
  "\t",
  "\n",
];

const pick = (set: string | readonly string[], random: () => number) =>
  set[Math.floor(random() * set.length)] as string;
const repeatTo = (unit: string, length = MAX_TEXT_LENGTH) =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
const fill = (length: number, next: () => string) => {
  let text = "";
  while (text.length < length) text += next();
  return text.slice(0, length);
};

const ORDINARY: Generator = (n) => `Where is my order? It is the ${n}th time I ask`;

const INPUTS: Array<[label: string, generate: Generator]> = [
  [
    "40,000-letter unbroken token (random letters)",
    (_, random) => fill(MAX_TEXT_LENGTH, () => pick(LETTERS, random)),
  ],
  ["40,000 × the same letter", (n) => `${"a".repeat(MAX_TEXT_LENGTH - 8)}${String(n).padStart(8, "b")}`],
  ["40,000 digits", (n) => `${n}${repeatTo("1234567890")}`.slice(0, MAX_TEXT_LENGTH)],
  [
    "40,000 characters of mixed garbage (scripts, punctuation, emoji, combining marks, bidi controls)",
    (_, random) => fill(MAX_TEXT_LENGTH, () => pick(GARBAGE, random)),
  ],
  [
    "13,000 two-letter tokens",
    (_, random) => fill(MAX_TEXT_LENGTH, () => `${pick(LETTERS, random)}${pick(LETTERS, random)} `),
  ],
  [
    "6,600 five-letter words (each one a fuzzy search)",
    (_, random) => fill(MAX_TEXT_LENGTH, () => `${fill(5, () => pick(LETTERS, random))} `),
  ],
  ["40,000 × '!'", (n) => `${n}${"!".repeat(MAX_TEXT_LENGTH)}`.slice(0, MAX_TEXT_LENGTH)],
  ["40,000 × '?!'", (n) => `${n}${repeatTo("?!")}`.slice(0, MAX_TEXT_LENGTH)],
  ["20,000 emoji (😡, 2 code units each)", (n) => `${n}${repeatTo("😡")}`.slice(0, MAX_TEXT_LENGTH - 1)],
  [
    "stacked combining marks (e + 30 marks, repeated)",
    (n) => `${n}${repeatTo(`e${"\u0301\u0308\u0323".repeat(10)}`)}`.slice(0, MAX_TEXT_LENGTH),
  ],
  [
    "Arabic letters with marks and right-to-left marks",
    (n) => `${n}${repeatTo("بِّ\u200F")}`.slice(0, MAX_TEXT_LENGTH),
  ],
  [
    "shouting in capitals, repeated",
    (n) => `${n} ${repeatTo("WHY IS THIS NOT WORKING AGAIN ")}`.slice(0, MAX_TEXT_LENGTH),
  ],
  [
    "'I want to talk to a human' repeated",
    (n) => `${n} ${repeatTo("I want to talk to a human ")}`.slice(0, MAX_TEXT_LENGTH),
  ],
  [
    "'thanks, that solved it' repeated",
    (n) => `${n} ${repeatTo("thanks, that solved it ")}`.slice(0, MAX_TEXT_LENGTH),
  ],
  [
    "link and markup fragments (<@, <http:, a-a-, a.a., @) with a digit at the end",
    (n, random) =>
      `${fill(MAX_TEXT_LENGTH - 12, () => pick(["<@", "<http:", "a-", "a.", "@", "x"], random))} ${n}.com`,
  ],
  ["order numbers repeated (#12345 …)", (n) => `${n} ${repeatTo("#12345 ")}`.slice(0, MAX_TEXT_LENGTH)],
];

const ALL_FOUR = ["polyglot", "emotion", "escalation", "memory"];
const THREADS_PER_INPUT = 6;
const MESSAGES_PER_THREAD = 5;
const ROUNDS = 3;

/** A channel that confirms every send at once: the pipeline's own cost, without a network. */
const instantChannel: ChannelAdapter = {
  channel: "bench",
  async start() {},
  async stop() {},
  async send(): Promise<DeliveryResult> {
    return { ok: true, deliveredAt: 0 };
  },
};

/** A seeded generator: every run measures the same messages. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/**
 * One round: a fresh runtime (all four enchantments, the demo knowledge base, in-memory store), then each
 * input sent as THREADS_PER_INPUT threads of MESSAGES_PER_THREAD messages, one at a time; the same thread
 * gets several, so Memory's window and counting's context fill with long messages too.
 */
async function round(tenant: LoadedTenant, roundIndex: number): Promise<Map<string, number[]>> {
  const clock = new ManualClock(Date.UTC(2026, 10, 2, 10, 0));
  const runtime = await createLutinRuntime({
    store: createMemoryStore(),
    tenants: [tenant],
    clock,
    enchantments: ALL_FOUR,
  });
  runtime.assistant.connect(instantChannel);
  const latencies = new Map<string, number[]>();
  const random = seeded(roundIndex + 1);
  let sequence = 0;
  for (const [label, generate] of [["ordinary", ORDINARY] as const, ...INPUTS]) {
    const times: number[] = [];
    for (let thread = 0; thread < THREADS_PER_INPUT; thread++) {
      for (let message = 0; message < MESSAGES_PER_THREAD; message++) {
        const text = generate(++sequence, random);
        clock.advance(20_000);
        const before = performance.now();
        await runtime.assistant.receive(instantChannel, {
          key: `m-${sequence}`,
          tenant: tenant.settings.id,
          thread: `${label}-${roundIndex}-${thread}`,
          from: "customer",
          at: clock.now(),
          text,
        });
        times.push(performance.now() - before);
      }
    }
    latencies.set(label, times);
  }
  await runtime.assistant.stop();
  return latencies;
}

/** Target: the worst input's median under this many milliseconds per message. */
const TARGET_MS = 5;

/**
 * Per-message bounds: the full pipeline (validation, counting, the four enchantments, the knowledge base,
 * delivery, the count) on adversarial messages of up to MAX_TEXT_LENGTH characters, against an ordinary
 * message in the same run.
 */
export async function worstInputBenchmark(): Promise<string[]> {
  const tenant = await loadTenantFile(DEMO_TENANT_FILE);
  await round(tenant, 0); // warm-up: JIT, detector databases
  const all = new Map<string, number[]>();
  for (let index = 1; index <= ROUNDS; index++) {
    for (const [label, times] of await round(tenant, index))
      all.set(label, [...(all.get(label) ?? []), ...times]);
  }
  const baseline = median(all.get("ordinary") ?? [0]);
  let worst = { label: "", median: 0 };
  const rows: string[] = [];
  for (const [label, times] of all) {
    const middle = median(times);
    if (label !== "ordinary" && middle > worst.median) worst = { label, median: middle };
    const name = label === "ordinary" ? 'baseline: an ordinary question ("Where is my order? …")' : label;
    rows.push(
      `| ${name} | ${format(middle, 2)} | ${format(Math.max(...times), 2)} | ${format(middle / baseline, 1)}× |`,
    );
  }
  const messages = THREADS_PER_INPUT * MESSAGES_PER_THREAD * ROUNDS;
  return [
    "## Worst inputs, per customer message (full pipeline, one core, in-memory store)",
    "",
    `Each input: ${messages} messages (${THREADS_PER_INPUT} threads × ${MESSAGES_PER_THREAD} messages × ${ROUNDS} runs), every one a different text of up to ${format(MAX_TEXT_LENGTH)} characters, through validation, counting, the four enchantments, the demo knowledge base and delivery; baseline in the same runs: an ordinary question. Target: the worst input's median under ${TARGET_MS} ms per message.`,
    "",
    "| input | median ms | max ms | vs. baseline |",
    "|---|---:|---:|---:|",
    ...rows,
    "",
    `Worst input: ${worst.label}, median ${format(worst.median, 2)} ms → ${worst.median < TARGET_MS ? "met" : "NOT met"}.`,
  ];
}
