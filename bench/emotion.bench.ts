import type { EmotionDetector } from "@lutingenie/core";
import { loadTrainingSets, trainWithoutWriter } from "../packages/core/src/emotion/emotion-model-training.js";
import { EMOTION_MODEL } from "../packages/core/src/emotion/emotion-model-weights.js";
import { createHybridEmotionDetector } from "../packages/core/src/emotion/hybrid-emotion-detector.js";
// Until packages/core/src/index.ts re-exports the emotion module, the benchmark reads it from source.
import {
  CUE_FAMILIES,
  createEmotionDetector,
  createRulesEmotionDetector,
  EMOTION_DATA_SETS,
  type LabelledMessage,
  loadLabelledMessages,
  scoreDetector,
} from "../packages/core/src/emotion/index.js";
import { format, median, percentile } from "./stats.js";

/**
 * Emotion detection: the shipped hybrid detector (its rules plus a learned linear model) against its rules and a lexicon-only
 * baseline, all measured in this run, for quality on every labelled set and for speed per read.
 */
export async function emotionBenchmark(rounds = 5, passes = 20): Promise<string[]> {
  const heldOut = loadLabelledMessages(EMOTION_DATA_SETS.heldOut);
  const hybrid = createEmotionDetector();
  const rules = createRulesEmotionDetector();
  const lexiconOnly = createRulesEmotionDetector({
    cueFamilies: Object.fromEntries(CUE_FAMILIES.map((family) => [family, family === "lexicon"])),
  });
  // The detectors' own versions (hybrid@4, rules@3…), so the tables name what was measured.
  const H = hybrid.version;
  const R = rules.version;
  const percent = (value: number) => `${format(value * 100, 1)} %`;
  const trio = (detector: EmotionDetector, set: readonly LabelledMessage[]) => {
    const scores = scoreDetector(detector, set);
    return `${percent(scores.accuracy)} | ${percent(scores.frustratedRecall)} | ${percent(scores.frustratedPrecision)}`;
  };

  const lines = [
    `## Emotion detection (${hybrid.version} against ${rules.version})`,
    "",
    "Accuracy is the exact match of the five labels (frustrated, happy, neutral, confused, urgent); recall and",
    `precision are those of frustrated. ${H}'s model is trained on every set below except held-out, so its`,
    "figures there measure fit; the honest measure of unseen writers is leave-one-writer-out (training script,",
    `figures in packages/core/src/emotion/data/README.md). ${R} was tuned on dev, dev-2, dev-3 and cue-families and`,
    "never saw train-a/b/c, which its figures there measure fairly.",
    "",
    `| set | messages | ${H} accuracy | recall | precision | ${R} accuracy | recall | precision |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [name, file] of [
    ["held-out (validation, never trained on)", EMOTION_DATA_SETS.heldOut],
    ["dev (training)", EMOTION_DATA_SETS.dev],
    ["dev-2 (training)", EMOTION_DATA_SETS.devTwo],
    ["cue-families (training)", EMOTION_DATA_SETS.cueFamilies],
    ["train-a (training)", EMOTION_DATA_SETS.trainA],
    ["train-b (training)", EMOTION_DATA_SETS.trainB],
    ["train-c (training)", EMOTION_DATA_SETS.trainC],
  ] as const) {
    const set = loadLabelledMessages(file);
    lines.push(`| ${name} | ${set.length} | ${trio(hybrid, set)} | ${trio(rules, set)} |`);
  }

  lines.push(
    "",
    "Leave one writer out: the model retrained without the writer it is measured on (the three writers who never saw",
    "the rules; each retraining takes a few seconds). This is the figure to compare with a blind set.",
    "",
    `| left-out writer | messages | ${H} accuracy | recall | precision | ${R} accuracy | recall | precision |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  const sets = loadTrainingSets();
  const pooled: { messages: LabelledMessage[]; readings: string[] } = { messages: [], readings: [] };
  for (const writer of ["train-a", "train-b", "train-c"]) {
    const set = sets.find((candidate) => candidate.writer === writer);
    if (set === undefined) continue;
    const unseen = createHybridEmotionDetector({ model: trainWithoutWriter(sets, writer) });
    lines.push(
      `| ${writer} | ${set.messages.length} | ${trio(unseen, set.messages)} | ${trio(rules, set.messages)} |`,
    );
    pooled.messages.push(...set.messages);
    pooled.readings.push(
      ...set.messages.map((message) => unseen.read(message.text, message.language).emotion),
    );
  }
  // Pooled: each message read by the model that did not see its writer.
  const replay: EmotionDetector = {
    name: "pooled",
    version: H,
    read: (() => {
      let next = 0;
      return () => ({ emotion: pooled.readings[next++] as LabelledMessage["emotion"], score: 0, cues: [] });
    })(),
  };
  lines.push(
    `| A+B+C pooled | ${pooled.messages.length} | ${trio(replay, pooled.messages)} | ${trio(rules, pooled.messages)} |`,
  );

  lines.push(
    "",
    `Held-out set per language (written by the rules' author before the rules: an upper bound for ${R}).`,
    "",
    `| language | messages | ${H} accuracy | recall | precision | ${R} accuracy | recall | precision | lexicon only accuracy | recall |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  const groups: Array<[string, LabelledMessage[]]> = [
    ...["en", "fr", "es", "de"].map(
      (language) =>
        [language, heldOut.filter((message) => message.language === language)] as [string, LabelledMessage[]],
    ),
    ["it+pt+nl", heldOut.filter((message) => ["it", "pt", "nl"].includes(message.language))],
  ];
  for (const [name, group] of groups) {
    const base = scoreDetector(lexiconOnly, group);
    lines.push(
      `| ${name} | ${group.length} | ${trio(hybrid, group)} | ${trio(rules, group)} | ${percent(base.accuracy)} | ${percent(base.frustratedRecall)} |`,
    );
  }

  const weightBytes = Buffer.from(EMOTION_MODEL.weights, "base64").byteLength;
  lines.push(
    "",
    `Speed: every held-out message read ${passes} times per round, ${rounds} rounds, one core; reads/s is the median of`,
    "the rounds, p50/p99 the per-read latency over all rounds. The detectors are measured in turn, in the same run.",
    `Model: ${format(EMOTION_MODEL.buckets)} hashed buckets × ${EMOTION_MODEL.classes.length} classes, ${format(weightBytes / 1024)} KiB of int16 weights`,
    `(${format(EMOTION_MODEL.weights.length / 1024)} KiB as base64 in the source), ${format((weightBytes * 2) / 1024)} KiB as Float32 once loaded.`,
    "",
    "| detector | reads/s | p50 µs | p99 µs |",
    "|---|---:|---:|---:|",
  );
  for (const [name, detector] of [
    [`${H} (rules + model)`, hybrid],
    [`${R} (all cue families)`, rules],
    ["lexicon only (baseline)", lexiconOnly],
  ] as Array<[string, EmotionDetector]>) {
    const speed = measureSpeed(detector, heldOut, rounds, passes);
    lines.push(
      `| ${name} | ${format(speed.readsPerSecond)} | ${format(speed.p50Microseconds, 1)} | ${format(speed.p99Microseconds, 1)} |`,
    );
  }
  return lines;
}

function measureSpeed(
  detector: EmotionDetector,
  messages: readonly LabelledMessage[],
  rounds: number,
  passes: number,
) {
  // Warm-up: the first reads compile the patterns, load the model and let the JIT settle.
  for (let pass = 0; pass < 5; pass++)
    for (const message of messages) detector.read(message.text, message.language);
  const throughputs: number[] = [];
  const latencies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let pass = 0; pass < passes; pass++) {
      for (const message of messages) {
        const before = process.hrtime.bigint();
        detector.read(message.text, message.language);
        latencies.push(Number(process.hrtime.bigint() - before) / 1000);
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    throughputs.push((messages.length * passes) / seconds);
  }
  return {
    readsPerSecond: median(throughputs),
    p50Microseconds: percentile(latencies, 0.5),
    p99Microseconds: percentile(latencies, 0.99),
  };
}
