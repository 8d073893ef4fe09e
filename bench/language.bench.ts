import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { LanguageCode, LanguageDetector } from "../packages/core/src/assistant/language.js";
import {
  accuracy,
  countWords,
  type EvaluationMessage,
  type EvaluationReport,
  evaluate,
  loadEvaluationSet,
  SHORT_MESSAGE_WORDS,
  type Tally,
} from "../packages/core/src/language/evaluation-set.js";
import { createLanguageDetector, type LanguageDetectorOptions } from "../packages/core/src/language/index.js";
import { format, median, percentile } from "./stats.js";

const run = promisify(execFile);

interface Variant {
  label: string;
  options: LanguageDetectorOptions;
}

/** Each row adds one step to the one above, so the table shows what each step buys. */
const VARIANTS: Variant[] = [
  {
    label: "baseline: eld alone (60 languages, no script step, no courtesy words)",
    options: { restrictToSupportedLanguages: false, decideScriptsFirst: false, useCourtesyWords: false },
  },
  {
    label: "+ eld restricted to the 12 languages",
    options: { decideScriptsFirst: false, useCourtesyWords: false },
  },
  { label: "+ script first (Arabic, kana, Han)", options: { useCourtesyWords: false } },
  { label: "+ courtesy words for 1–3 word messages (**default**)", options: {} },
  { label: "default with eld's `small` database", options: { database: "small" } },
];

const percent = (tally: Tally) => `${format(accuracy(tally) * 100, 1)} %`;

/**
 * Language detection on the held-out evaluation set (never tuned on): accuracy per step and per
 * language, speed per message, and resident memory of a fresh process holding the detector.
 */
export async function languageBenchmark(rounds = 5): Promise<string[]> {
  const heldOut = (await loadEvaluationSet()).filter((message) => message.set === "held-out");
  const short = heldOut.filter((message) => countWords(message.text) <= SHORT_MESSAGE_WORDS).length;
  const reports: { variant: Variant; detector: LanguageDetector; report: EvaluationReport }[] = [];
  for (const variant of VARIANTS) {
    const detector = await createLanguageDetector(variant.options);
    reports.push({ variant, detector, report: evaluate(detector, heldOut) });
  }
  const [baseline, , , chosen] = reports;
  if (baseline === undefined || chosen === undefined) throw new Error("variants missing");

  const lines = [
    `### Language detection, held-out set (${heldOut.length} support messages, ${short} of ≤ ${SHORT_MESSAGE_WORDS} words)`,
    "",
    'Accuracy = detected language is the labelled one (no language counts as wrong). "Reliable wrong" =',
    "readings marked reliable that named the wrong language: those would switch a conversation.",
    "",
    "| detector | overall | ≤ 3 words | ≤ 3 words, Latin-script languages | reliable wrong / reliable | version |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const { variant, detector, report } of reports) {
    lines.push(
      `| ${variant.label} | ${percent(report.overall)} | ${percent(report.short)} | ${percent(report.shortLatin)} (n=${report.shortLatin.total}) | ${report.reliable.total - report.reliable.correct} / ${report.reliable.total} | \`${detector.version}\` |`,
    );
  }

  lines.push(
    "",
    "Per language (default detector against the eld-alone baseline; n = messages, of which ≤ 3 words):",
    "",
    "| language | n | default | default ≤ 3 words | baseline | baseline ≤ 3 words |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  );
  const perLanguageShort = (detector: LanguageDetector, language: LanguageCode) =>
    evaluate(
      detector,
      heldOut.filter((m) => m.language === language && countWords(m.text) <= SHORT_MESSAGE_WORDS),
    ).overall;
  for (const [language, tally] of chosen.report.byLanguage) {
    const baselineTally = baseline.report.byLanguage.get(language) ?? { correct: 0, total: 0 };
    const shortDefault = perLanguageShort(chosen.detector, language);
    lines.push(
      `| ${language} | ${tally.total} (${shortDefault.total}) | ${percent(tally)} | ${percent(shortDefault)} | ${percent(baselineTally)} | ${percent(perLanguageShort(baseline.detector, language))} |`,
    );
  }

  const speed = [measureSpeed("default", chosen.detector, heldOut, rounds)];
  speed.push(measureSpeed("baseline: eld alone", baseline.detector, heldOut, rounds));
  lines.push(
    "",
    `Speed, one core, every held-out message detected 20 times per round (median of ${rounds} rounds):`,
    "",
    "| detector | detections/s | p50 µs | p99 µs |",
    "| --- | ---: | ---: | ---: |",
    ...speed.map(
      (row) => `| ${row.label} | ${format(row.perSecond)} | ${format(row.p50, 1)} | ${format(row.p99, 1)} |`,
    ),
  );

  lines.push(
    "",
    "Resident memory of a fresh Node process: RSS after creating the detector and detecting once, minus",
    "RSS before (median of 3 processes). Target: under 150 MB.",
    "",
    "| eld database | detector RSS MB | under 150 MB |",
    "| --- | ---: | --- |",
  );
  for (const database of ["extrasmall", "small"] as const) {
    const samples: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) samples.push(await detectorMegabytes(database));
    const megabytes = median(samples);
    lines.push(
      `| ${database}${database === "extrasmall" ? " (default)" : ""} | ${format(megabytes, 1)} | ${megabytes < 150 ? "yes" : "no"} |`,
    );
  }

  const overall = accuracy(chosen.report.overall);
  const shortAccuracy = accuracy(chosen.report.short);
  lines.push(
    "",
    `Targets on the held-out set: ≥ 95 % overall → ${overall >= 0.95 ? "met" : "NOT met"} (${percent(chosen.report.overall)}); ≥ 90 % on ≤ 3 words → ${shortAccuracy >= 0.9 ? "met" : "NOT met"} (${percent(chosen.report.short)}).`,
    `Misread by the default detector: ${chosen.report.misses.map((miss) => `"${miss.text}" (${miss.expected} → ${miss.detected ?? "none"})`).join(", ") || "none"}.`,
  );
  return lines;
}

function measureSpeed(
  label: string,
  detector: LanguageDetector,
  messages: readonly EvaluationMessage[],
  rounds: number,
): { label: string; perSecond: number; p50: number; p99: number } {
  const repeats = 20;
  const perSecond: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  // One unmeasured pass so that both detectors are compared after JIT warm-up.
  for (const message of messages) detector.detect(message.text);
  for (let round = 0; round < rounds; round++) {
    // Throughput without a timer around each call; latencies in a separate pass.
    const started = process.hrtime.bigint();
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const message of messages) detector.detect(message.text);
    }
    perSecond.push((repeats * messages.length) / (Number(process.hrtime.bigint() - started) / 1e9));
    const micros: number[] = [];
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const message of messages) {
        const before = process.hrtime.bigint();
        detector.detect(message.text);
        micros.push(Number(process.hrtime.bigint() - before) / 1_000);
      }
    }
    p50.push(percentile(micros, 0.5));
    p99.push(percentile(micros, 0.99));
  }
  return { label, perSecond: median(perSecond), p50: median(p50), p99: median(p99) };
}

/** A fresh process, so that nothing else this benchmark loaded is counted. */
async function detectorMegabytes(database: string): Promise<number> {
  const detectorModule = new URL("../packages/core/src/language/language-detector.ts", import.meta.url).href;
  const script = [
    "const before = process.memoryUsage().rss;",
    `const { createLanguageDetector } = await import(${JSON.stringify(detectorModule)});`,
    `const detector = await createLanguageDetector({ database: ${JSON.stringify(database)} });`,
    'detector.detect("Bonjour, ma commande n\'est toujours pas arrivée.");',
    "console.log(JSON.stringify({ megabytes: (process.memoryUsage().rss - before) / 1048576 }));",
  ].join("\n");
  const { stdout } = await run(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script],
    { maxBuffer: 1 << 20, timeout: 120_000 },
  );
  const last = stdout.trim().split("\n").pop() as string;
  return (JSON.parse(last) as { megabytes: number }).megabytes;
}
