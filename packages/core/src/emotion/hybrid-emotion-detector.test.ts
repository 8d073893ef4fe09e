import { describe, expect, it } from "vitest";
import { EMOTIONS, type Emotion } from "../assistant/emotion.js";
import { LutinError } from "../errors.js";
import { createEmotionDetector } from "./create-emotion-detector.js";
import { analyzeWithRules, type RuleAnalysis } from "./emotion-detector.js";
import { emitFeatures, extractFeatures } from "./emotion-features.js";
import { EMOTION_MODEL } from "./emotion-model-weights.js";
import { combineReadings, HYBRID_POLICY } from "./hybrid-emotion-detector.js";
import { EMOTION_DATA_SETS, loadLabelledMessages } from "./labelled-messages.js";
import {
  createStreamingScorer,
  deserializeLinearModel,
  predictProbabilities,
  serializeLinearModel,
  trainLinearModel,
} from "./linear-model.js";

const hybrid = createEmotionDetector();

/** A rules reading with only what the combination looks at. */
const rulesReading = (emotion: Emotion, evidence = 0, cues: string[] = []): RuleAnalysis => ({
  emotion,
  score: 0,
  cues,
  evidence: {
    frustrated: 0,
    happy: 0,
    urgent: 0,
    confused: 0,
    ...(emotion === "neutral" ? {} : { [emotion]: evidence }),
  },
  faultEvidence: 0,
  anger: false,
  folded: null,
});
const probabilities = (emotion: Emotion, probability: number) =>
  EMOTIONS.map((candidate) =>
    candidate === emotion ? probability : (1 - probability) / (EMOTIONS.length - 1),
  );

describe("combining the rules and the model", () => {
  it("keeps a confident rules mood whatever the model says", () => {
    const verdict = combineReadings(rulesReading("frustrated", 2.5), probabilities("neutral", 0.95));
    expect(verdict).toMatchObject({ emotion: "frustrated", fromModel: false });
  });

  it("lets a sure model give a mood the rules missed, but not an unsure one", () => {
    expect(combineReadings(rulesReading("neutral"), probabilities("frustrated", 0.7))).toMatchObject({
      emotion: "frustrated",
      fromModel: true,
    });
    expect(combineReadings(rulesReading("neutral"), probabilities("frustrated", 0.5)).emotion).toBe(
      "neutral",
    );
  });

  it("overrules a weak rules mood only when the model is very sure", () => {
    // Sarcasm read as praise by the rules ("Top.", "Bravo.") is the case this is for.
    expect(combineReadings(rulesReading("happy", 1), probabilities("frustrated", 0.85)).emotion).toBe(
      "frustrated",
    );
    expect(combineReadings(rulesReading("happy", 1), probabilities("frustrated", 0.7)).emotion).toBe("happy");
    expect(combineReadings(rulesReading("frustrated", 1), probabilities("neutral", 0.75)).emotion).toBe(
      "frustrated",
    );
  });

  it("keeps the rules' deliberate sign-off neutral, which the writers' data cannot teach", () => {
    const signOff = rulesReading("neutral", 0, ["lexicon:happy", "phrase:sign-off"]);
    expect(combineReadings(signOff, probabilities("happy", 0.95)).emotion).toBe("neutral");
    expect(hybrid.read("c'est tout, merci", "fr")).toMatchObject({ emotion: "neutral", score: 0 });
  });

  it("chose its thresholds by leaving one writer out", () => {
    expect(HYBRID_POLICY).toEqual({ trustRulesFrom: 2, minimumModelProbability: 0.6, overruleMoodFrom: 0.8 });
  });
});

describe("hybrid@3", () => {
  it("is the default detector, with its version and the rules' cues plus the model's", () => {
    expect(hybrid.version).toBe("hybrid@4");
    // Sarcasm the rules read as praise: the model overrules them and says so in the cues.
    const reading = hybrid.read(
      "Vol annulé, aucune info, aucun mail, on l'apprend au comptoir. Bravo.",
      "fr",
    );
    expect(
      analyzeWithRules("Vol annulé, aucune info, aucun mail, on l'apprend au comptoir. Bravo.", "fr").emotion,
    ).toBe("happy");
    expect(reading.emotion).toBe("frustrated");
    expect(reading.cues).toContain("model:frustrated");
    expect(reading.score).toBeGreaterThan(0);
    expect(reading.score).toBeLessThanOrEqual(1);
  });

  it("reads the complaints rules@2 missed on the new writers' sets (they are its training data)", () => {
    expect(hybrid.read("Je reste poli mais ma patience a des limites.", "fr").emotion).toBe("frustrated");
    expect(hybrid.read("Gibt es bei Ihnen eigentlich noch echte Menschen?", "de").emotion).toBe("frustrated");
  });

  it("leaves text with no Latin letters to the rules: the model never saw any", () => {
    for (const text of ["ﻩ", "谢谢你的帮助", "😡😡", "???"]) {
      const rules = analyzeWithRules(text, null);
      expect(hybrid.read(text, null)).toEqual({
        emotion: rules.emotion,
        score: rules.score,
        cues: rules.cues,
      });
    }
  });

  it("keeps plain questions neutral", () => {
    for (const [language, text] of [
      ["en", "Do you deliver on Saturdays?"],
      ["fr", "Où est-ce que je trouve mes factures ?"],
      ["es", "¿Cuánto tarda el envío a Canarias?"],
      ["de", "Kann ich ohne Originalverpackung zurückschicken?"],
    ] as const) {
      expect(hybrid.read(text, language)).toMatchObject({ emotion: "neutral", score: 0 });
    }
  });
});

describe("createEmotionDetector options", () => {
  it("gives rules@2 for engine rules, with cue families that can be switched off", () => {
    expect(createEmotionDetector({ engine: "rules" }).version).toBe("rules@3");
    expect(createEmotionDetector({ engine: "rules", cueFamilies: { emoji: false } }).name).not.toContain(
      "emoji",
    );
  });

  it("refuses to switch cue families off under the hybrid, and names the fix", () => {
    const attempt = () => createEmotionDetector({ cueFamilies: { emoji: false } });
    expect(attempt).toThrow(LutinError);
    expect(attempt).toThrow(/rules engine/);
    try {
      attempt();
    } catch (error) {
      expect((error as LutinError).code).toBe("CONFIG_INVALID");
      expect((error as LutinError).hint).toContain('engine: "rules"');
    }
    expect(() => createEmotionDetector({ engine: "model" as never })).toThrow(/engine/);
  });
});

describe("the linear model", () => {
  const messages = loadLabelledMessages(EMOTION_DATA_SETS.heldOut).slice(0, 40);

  it("scores streamed features exactly as it scores the feature lists", () => {
    const model = deserializeLinearModel(EMOTION_MODEL);
    const scorer = createStreamingScorer(model);
    for (const message of messages) {
      const rules = analyzeWithRules(message.text, message.language);
      const listed = [...predictProbabilities(model, extractFeatures(message.text, message.language, rules))];
      scorer.reset();
      emitFeatures(message.text, message.language, rules, scorer);
      expect([...scorer.probabilities()]).toEqual(listed);
    }
  });

  it("survives serialisation up to the 16-bit rounding of its weights", () => {
    const model = trainLinearModel(
      messages.map((message) => ({
        features: extractFeatures(
          message.text,
          message.language,
          analyzeWithRules(message.text, message.language),
        ),
        label: EMOTIONS.indexOf(message.emotion),
      })),
      { classes: EMOTIONS, buckets: 1 << 15, iterations: 30, learningRate: 0.05, l2: 1e-6 },
    );
    const restored = deserializeLinearModel(serializeLinearModel(model));
    let largest = 0;
    for (const weight of model.weights) largest = Math.max(largest, Math.abs(weight));
    expect(largest).toBeGreaterThan(0);
    model.weights.forEach((weight, index) => {
      expect(Math.abs((restored.weights[index] as number) - weight)).toBeLessThanOrEqual(largest / 32767);
    });
  });

  it("refuses a model file whose size does not match its shape, naming the fix", () => {
    const attempt = () => deserializeLinearModel({ ...EMOTION_MODEL, buckets: 16 });
    expect(attempt).toThrow(/163840 weights for 16 buckets/);
    try {
      attempt();
    } catch (error) {
      expect((error as LutinError).hint).toContain("scripts/train-emotion-model.ts");
    }
  });
});
