/**
 * Trains the hybrid@3 emotion model from the committed training sets and writes
 * packages/core/src/emotion/emotion-model-weights.ts. Deterministic: full-batch training, no sampling,
 * so running it again on the same data gives the same file (emotion-model.test.ts checks it).
 *
 *   node --conditions=source --import tsx scripts/train-emotion-model.ts            # train, write, report
 *   node --conditions=source --import tsx scripts/train-emotion-model.ts --explore  # grid, leave one writer out
 *
 * emotion-held-out.jsonl is never trained on: it is reported as the validation set.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EMOTIONS, type Emotion } from "../packages/core/src/assistant/emotion.js";
import { analyzeWithRules, type RuleAnalysis } from "../packages/core/src/emotion/emotion-detector.js";
import {
  extractFeatures,
  RULE_FEATURES,
  type RuleFeatures,
} from "../packages/core/src/emotion/emotion-features.js";
import {
  EMOTION_TRAINING_OPTIONS,
  loadTrainingSets,
  RULES_TUNED_ON,
  TUNED_SET_WEIGHT,
} from "../packages/core/src/emotion/emotion-model-training.js";
import {
  type CombinationPolicy,
  createHybridEmotionDetector,
  HYBRID_POLICY,
} from "../packages/core/src/emotion/hybrid-emotion-detector.js";
import {
  EMOTION_DATA_SETS,
  type LabelledMessage,
  loadLabelledMessages,
} from "../packages/core/src/emotion/labelled-messages.js";
import {
  type LinearModel,
  serializeLinearModel,
  type TrainingExample,
  type TrainingOptions,
  trainLinearModel,
} from "../packages/core/src/emotion/linear-model.js";

interface Prepared {
  message: LabelledMessage;
  rules: RuleAnalysis;
  example: TrainingExample;
}

const prepare = (message: LabelledMessage, ruleFeatures: RuleFeatures = RULE_FEATURES): Prepared => {
  const rules = analyzeWithRules(message.text, message.language);
  return {
    message,
    rules,
    example: {
      features: extractFeatures(message.text, message.language, rules, ruleFeatures),
      label: EMOTIONS.indexOf(message.emotion),
    },
  };
};

interface Figures {
  size: number;
  accuracy: number;
  frustratedRecall: number;
  frustratedPrecision: number;
}

function figures(expected: readonly Emotion[], actual: readonly Emotion[]): Figures {
  let correct = 0;
  let labelled = 0;
  let read = 0;
  let both = 0;
  expected.forEach((label, index) => {
    const verdict = actual[index];
    if (verdict === label) correct++;
    if (label === "frustrated") labelled++;
    if (verdict === "frustrated") read++;
    if (label === "frustrated" && verdict === "frustrated") both++;
  });
  return {
    size: expected.length,
    accuracy: correct / expected.length,
    frustratedRecall: labelled === 0 ? 1 : both / labelled,
    frustratedPrecision: read === 0 ? 1 : both / read,
  };
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const row = (name: string, f: Figures) =>
  `| ${name} | ${f.size} | ${percent(f.accuracy)} | ${percent(f.frustratedRecall)} | ${percent(f.frustratedPrecision)} |`;

/** Read through the detector itself, so that what is reported is what the runtime does. */
function verdicts(model: LinearModel, prepared: readonly Prepared[], policy: CombinationPolicy): Emotion[] {
  const detector = createHybridEmotionDetector({ model, policy });
  return prepared.map((item) => detector.read(item.message.text, item.message.language).emotion);
}

const prepareSets = (ruleFeatures: RuleFeatures) =>
  loadTrainingSets().map((set) => ({
    writer: set.writer,
    prepared: set.messages.map((message) => prepare(message, ruleFeatures)),
  }));
let sets = prepareSets(RULE_FEATURES);
let heldOut = loadLabelledMessages(EMOTION_DATA_SETS.heldOut).map((message) => prepare(message));
const labels = (prepared: readonly Prepared[]) => prepared.map((item) => item.message.emotion);
const rulesVerdicts = (prepared: readonly Prepared[]) => prepared.map((item) => item.rules.emotion);

/** The writers the rules were never tuned on: the honest proxy for a blind set. */
const BLIND_WRITERS = new Set(["train-a", "train-b", "train-c"]);

let tunedSetWeight = TUNED_SET_WEIGHT;
const examplesOf = (chosen: typeof sets) =>
  chosen.flatMap((set) => {
    const weight = RULES_TUNED_ON.has(set.writer) ? tunedSetWeight : 1;
    return set.prepared.map((item) => ({ ...item.example, weight }));
  });

function leaveOneWriterOut(options: TrainingOptions) {
  return sets.map((held) => {
    const training = examplesOf(sets.filter((set) => set !== held));
    return { writer: held.writer, prepared: held.prepared, model: trainLinearModel(training, options) };
  });
}

const MODEL_ONLY: CombinationPolicy = {
  trustRulesFrom: Number.POSITIVE_INFINITY,
  minimumModelProbability: 0,
  overruleMoodFrom: 0,
};

if (process.argv.includes("--explore")) {
  const policies: CombinationPolicy[] = [];
  for (const trustRulesFrom of [Number.POSITIVE_INFINITY, 2, 1.5]) {
    for (const minimumModelProbability of [0.5, 0.6, 0.7]) {
      for (const overruleMoodFrom of [0, 0.7, 0.8, 0.9]) {
        policies.push({ trustRulesFrom, minimumModelProbability, overruleMoodFrom });
      }
    }
  }
  const variants = (process.env.EXPLORE_RULE_FEATURES ?? RULE_FEATURES).split(",") as RuleFeatures[];
  const l2s = (process.env.EXPLORE_L2 ?? String(EMOTION_TRAINING_OPTIONS.l2)).split(",").map(Number);
  for (const ruleFeatures of variants) {
    for (const weight of (process.env.EXPLORE_TUNED_WEIGHT ?? String(TUNED_SET_WEIGHT))
      .split(",")
      .map(Number)) {
      tunedSetWeight = weight;
      sets = prepareSets(ruleFeatures);
      heldOut = loadLabelledMessages(EMOTION_DATA_SETS.heldOut).map((message) =>
        prepare(message, ruleFeatures),
      );
      for (const l2 of l2s) {
        for (const iterations of [
          Number(process.env.EXPLORE_ITERATIONS ?? EMOTION_TRAINING_OPTIONS.iterations),
        ]) {
          const options = { ...EMOTION_TRAINING_OPTIONS, l2, iterations };
          const folds = leaveOneWriterOut(options);
          const blind = folds.filter((fold) => BLIND_WRITERS.has(fold.writer));
          console.log(
            `\n### rule features ${ruleFeatures}, tuned-set weight ${weight}, l2 ${l2}, ${iterations} iterations (blind writers pooled; dev-2; held-out)`,
          );
          const blindLabels = blind.flatMap((fold) => labels(fold.prepared));
          console.log(
            row(
              "rules@2",
              figures(
                blindLabels,
                blind.flatMap((fold) => rulesVerdicts(fold.prepared)),
              ),
            ),
          );
          const all = trainLinearModel(examplesOf(sets), options);
          for (const policy of policies) {
            const pooled = figures(
              blindLabels,
              blind.flatMap((fold) => verdicts(fold.model, fold.prepared, policy)),
            );
            const devTwo = folds.find((fold) => fold.writer === "dev-2");
            const devTwoFigures = devTwo
              ? figures(labels(devTwo.prepared), verdicts(devTwo.model, devTwo.prepared, policy))
              : undefined;
            const held = figures(labels(heldOut), verdicts(all, heldOut, policy));
            console.log(
              `${row(`trust ${policy.trustRulesFrom} min ${policy.minimumModelProbability} overrule ${policy.overruleMoodFrom}`, pooled)} dev-2 ${devTwoFigures ? `${percent(devTwoFigures.accuracy)} / ${percent(devTwoFigures.frustratedRecall)} / ${percent(devTwoFigures.frustratedPrecision)}` : "-"} | held-out ${percent(held.accuracy)} / ${percent(held.frustratedRecall)} / ${percent(held.frustratedPrecision)}`,
            );
          }
        }
      }
    }
  }
} else {
  const started = Date.now();
  const model = trainLinearModel(examplesOf(sets), EMOTION_TRAINING_OPTIONS);
  const seconds = (Date.now() - started) / 1000;
  const serialized = serializeLinearModel(model);
  const target = new URL("../packages/core/src/emotion/emotion-model-weights.ts", import.meta.url);
  writeFileSync(
    target,
    [
      "// Generated by scripts/train-emotion-model.ts from the training sets listed in emotion-model-training.ts.",
      "// Do not edit: change the data or the options and run scripts/train-emotion-model.ts again.",
      'import type { SerializedLinearModel } from "./linear-model.js";',
      "",
      `export const EMOTION_MODEL: SerializedLinearModel = ${JSON.stringify(serialized, null, 2)};`,
      "",
    ].join("\n"),
  );
  // Formatted as Biome would, so that retraining on the same data leaves the file byte for byte alike.
  execFileSync("npx", ["biome", "format", "--write", fileURLToPath(target)], { stdio: "ignore" });
  console.log(
    `trained on ${sets.map((set) => `${set.writer} (${set.prepared.length})`).join(", ")} in ${seconds.toFixed(1)} s; wrote ${target.pathname} (${serialized.weights.length} base64 characters)`,
  );
  console.log("\nLeave one writer out (the model trained on the other sets; rules@2 as they are):\n");
  console.log(
    "| held-out writer | detector | messages | accuracy | frustrated recall | frustrated precision |",
  );
  console.log("|---|---|---:|---:|---:|---:|");
  const folds = leaveOneWriterOut(EMOTION_TRAINING_OPTIONS);
  const pooled = {
    expected: [] as Emotion[],
    rules: [] as Emotion[],
    hybrid: [] as Emotion[],
    model: [] as Emotion[],
  };
  for (const fold of folds) {
    const expected = labels(fold.prepared);
    const hybrid = verdicts(fold.model, fold.prepared, HYBRID_POLICY);
    const modelOnly = verdicts(fold.model, fold.prepared, MODEL_ONLY);
    const rules = rulesVerdicts(fold.prepared);
    for (const [name, actual] of [
      ["rules@2", rules],
      ["model only", modelOnly],
      ["hybrid@3", hybrid],
    ] as const) {
      console.log(row(`${fold.writer} | ${name}`, figures(expected, actual)));
    }
    if (BLIND_WRITERS.has(fold.writer)) {
      pooled.expected.push(...expected);
      pooled.rules.push(...rules);
      pooled.hybrid.push(...hybrid);
      pooled.model.push(...modelOnly);
    }
  }
  console.log(row("A+B+C pooled | rules@2", figures(pooled.expected, pooled.rules)));
  console.log(row("A+B+C pooled | model only", figures(pooled.expected, pooled.model)));
  console.log(row("A+B+C pooled | hybrid@3", figures(pooled.expected, pooled.hybrid)));
  console.log("\nA+B+C pooled, hybrid@3 confusions (label → reading: count):\n");
  const confusions = new Map<string, number>();
  pooled.expected.forEach((label, index) => {
    const reading = pooled.hybrid[index];
    if (reading !== label)
      confusions.set(`${label} → ${reading}`, (confusions.get(`${label} → ${reading}`) ?? 0) + 1);
  });
  console.log(
    [...confusions]
      .sort((a, b) => b[1] - a[1])
      .map(([pair, count]) => `${pair}: ${count}`)
      .join(", "),
  );
  console.log("\nValidation: emotion-held-out.jsonl, the committed model:\n");
  console.log(row("held-out | rules@2", figures(labels(heldOut), rulesVerdicts(heldOut))));
  console.log(row("held-out | model only", figures(labels(heldOut), verdicts(model, heldOut, MODEL_ONLY))));
  console.log(row("held-out | hybrid@3", figures(labels(heldOut), verdicts(model, heldOut, HYBRID_POLICY))));
}
