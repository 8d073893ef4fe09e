import { readFileSync } from "node:fs";
import type { LanguageCode, ResponderRequest } from "../packages/core/src/index.js";
import {
  createInMemoryLookup,
  createKnowledgeBaseResponder,
  type KnowledgeBase,
  normalizeText,
  type PerLanguage,
  parseKnowledgeBase,
} from "../packages/core/src/responders/knowledge-base/index.js";
import { format, median, percentile } from "./stats.js";

const demo = new URL("../packages/core/demo/", import.meta.url);

/** A support-like mix: paraphrases, quick replies, flow starts, unrelated messages, in English and French. */
const MESSAGES: [LanguageCode, string][] = [
  ["en", "What time do you open on Saturdays?"],
  ["en", "How long will my parcel take to arrive?"],
  ["en", "Opening hours"],
  ["en", "where is my order #12345"],
  ["en", "My card got declined"],
  ["en", "do you sell bicycles?"],
  ["en", "I'm still waiting for my refund"],
  ["en", "Where do I download my invoices?"],
  ["fr", "Combien de jours pour la livraison ?"],
  ["fr", "Vous acceptez Paypal ?"],
  ["fr", "Horaires"],
  ["fr", "Où est ma commande ?"],
  ["fr", "mot de passe oublié"],
  ["fr", "Vendez-vous des vélos ?"],
  ["fr", "Je voudrais renvoyer mes chaussures"],
  ["fr", "Je voudrais parler à un conseiller"],
];

/**
 * Knowledge base responder on the demo shop: replies per second and latency of one reply, against a
 * baseline measured in the same run, a plain linear scan that returns the first question containing the
 * message (or contained in it) after folding — what a hand-written matcher without an index costs.
 */
export async function knowledgeBaseBenchmark(rounds = 5, repeats = 500): Promise<string[]> {
  const json = JSON.parse(readFileSync(new URL("demo-shop.knowledge-base.json", demo), "utf8"));
  const records = JSON.parse(readFileSync(new URL("demo-shop.orders.json", demo), "utf8")) as Record<
    string,
    PerLanguage<Record<string, string>>
  >;
  const knowledgeBase = parseKnowledgeBase(json, "demo-shop.json");
  const lookups = { orderStatus: createInMemoryLookup({ slot: "orderNumber", records }) };
  const dontKnow = () => "Sorry, I don't know.";
  const signal = new AbortController().signal;
  const requests: ResponderRequest[] = MESSAGES.map(([language, text]) => ({
    tenant: "bench",
    text,
    window: [{ from: "customer", text, at: 0 }],
    language,
    emotion: "neutral",
    state: undefined,
    signal,
  }));

  const buildMs: number[] = [];
  for (let round = 0; round < rounds * 4; round++) {
    const started = process.hrtime.bigint();
    createKnowledgeBaseResponder({ knowledgeBase, lookups, dontKnow });
    buildMs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const responder = createKnowledgeBaseResponder({ knowledgeBase, lookups, dontKnow });
  const scan = linearScan(knowledgeBase);

  const measure = async (reply: (request: ResponderRequest) => unknown) => {
    const perSecond: number[] = [];
    const latencies: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = process.hrtime.bigint();
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (const request of requests) {
          const before = process.hrtime.bigint();
          await reply(request);
          latencies.push(Number(process.hrtime.bigint() - before) / 1e3);
        }
      }
      perSecond.push((repeats * requests.length) / (Number(process.hrtime.bigint() - started) / 1e9));
    }
    return {
      perSecond: median(perSecond),
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
    };
  };
  await measure((request) => responder.respond(request)); // warm-up
  const full = await measure((request) => responder.respond(request));
  const baseline = await measure(async (request) => scan(request.text));
  const row = (name: string, result: typeof full) =>
    `| ${name} | ${format(result.perSecond)} | ${format(result.p50, 1)} | ${format(result.p99, 1)} | ${format(result.perSecond / baseline.perSecond, 2)}× |`;
  return [
    `## Knowledge base responder (demo shop: ${knowledgeBase.entries.length} entries, ${knowledgeBase.quickReplies.length} quick replies, ${knowledgeBase.flows.length} flow, 4 languages)`,
    "",
    `Replies to a mix of ${requests.length} messages (paraphrases, quick replies, flow starts with an in-memory lookup, unrelated), one at a time, ${repeats} passes × median of ${rounds} rounds; baseline in the same run: a linear substring scan over the folded questions (no ranking, no confidence).`,
    "",
    "| matcher | replies/s (median) | p50 µs | p99 µs | vs. linear scan |",
    "|---|---:|---:|---:|---:|",
    row(
      "knowledge base responder (quick replies, flow triggers, MiniSearch in the reply language then the others)",
      full,
    ),
    row("baseline: linear substring scan over the questions", baseline),
    "",
    `Responder build from a parsed file (MiniSearch indexes for 4 languages, quick replies, flows compiled): median ${format(median(buildMs), 2)} ms over ${buildMs.length} builds.`,
  ];
}

function linearScan(knowledgeBase: KnowledgeBase) {
  const questions = knowledgeBase.entries.flatMap((entry) =>
    Object.values(entry.variants).flatMap((variant) =>
      (variant?.questions ?? []).map((question) => ({ id: entry.id, folded: normalizeText(question) })),
    ),
  );
  return (text: string): string | null => {
    const folded = normalizeText(text);
    for (const question of questions) {
      if (question.folded.includes(folded) || folded.includes(question.folded)) return question.id;
    }
    return null;
  };
}
