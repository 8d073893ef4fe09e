import { EMOTIONS, type Emotion, type EmotionDetector } from "../assistant/emotion.js";
import { analyzedText } from "../util/analyzed-text.js";
import { analyzeWithRules, type RuleAnalysis } from "./emotion-detector.js";
import { emitFeatures } from "./emotion-features.js";
import { EMOTION_MODEL } from "./emotion-model-weights.js";
import { createStreamingScorer, deserializeLinearModel, type LinearModel } from "./linear-model.js";

/**
 * How the rules and the model share the verdict. The rules are precise but miss what their lists do
 * not name (most misses were "X → neutral"); the model reads every word but is less sure of any one.
 *
 * - A rules verdict other than neutral whose evidence reaches `trustRulesFrom` stands: those are the
 *   rules' high-precision readings (an angry word, a complaint phrase plus capitals…).
 * - Otherwise the model decides, but a mood (not neutral) needs `minimumModelProbability`; below it the
 *   rules' verdict stands, so an unsure model never turns a plain question into a mood.
 */
export interface CombinationPolicy {
  trustRulesFrom: number;
  minimumModelProbability: number;
  /** The model's probability needed to replace a (weak) mood the rules read, by another mood or neutral. */
  overruleMoodFrom: number;
}

/** Chosen by leaving one writer out (see scripts/train-emotion-model.ts and data/README.md). */
export const HYBRID_POLICY: CombinationPolicy = {
  trustRulesFrom: 2,
  minimumModelProbability: 0.6,
  overruleMoodFrom: 0.8,
};

/**
 * Cues with which the rules decide "no mood" on purpose: "c'est tout, merci" is a sign-off, not
 * gratitude (Emotion celebrates news, not a bare thank-you). The writers of the training sets label
 * every thanks as happy, so the model cannot learn that product decision: the rules keep it. Likewise
 * "ce n'est pas grave" waves a problem away: a negation and a problem word the model reads as a complaint.
 */
const DELIBERATE_NEUTRAL_CUES = ["phrase:sign-off", "phrase:reassurance"];

/** The model reads Latin-script text only: its training sets hold nothing else. */
const LATIN_LETTERS = /[a-z].*[a-z].*[a-z]/is;

export interface HybridVerdict {
  emotion: Emotion;
  /** The model's verdict was taken over the rules'. */
  fromModel: boolean;
  /** The model's probability for the chosen mood. */
  probability: number;
}

export function combineReadings(
  rules: RuleAnalysis,
  probabilities: ArrayLike<number>,
  policy: CombinationPolicy = HYBRID_POLICY,
): HybridVerdict {
  const probabilityOf = (emotion: Emotion) => probabilities[EMOTIONS.indexOf(emotion)] ?? 0;
  if (rules.emotion !== "neutral" && rules.evidence[rules.emotion] >= policy.trustRulesFrom) {
    return { emotion: rules.emotion, fromModel: false, probability: probabilityOf(rules.emotion) };
  }
  if (rules.emotion === "neutral" && DELIBERATE_NEUTRAL_CUES.some((cue) => rules.cues.includes(cue))) {
    return { emotion: "neutral", fromModel: false, probability: probabilityOf("neutral") };
  }
  let best = 0;
  for (let c = 1; c < EMOTIONS.length; c++)
    if ((probabilities[c] ?? 0) > (probabilities[best] ?? 0)) best = c;
  const modelEmotion = EMOTIONS[best] as Emotion;
  const probability = probabilities[best] ?? 0;
  const keepsRules =
    rules.emotion === "neutral"
      ? probability < policy.minimumModelProbability
      : modelEmotion !== rules.emotion &&
        (probability < policy.overruleMoodFrom ||
          (modelEmotion !== "neutral" && probability < policy.minimumModelProbability));
  if (keepsRules) {
    return { emotion: rules.emotion, fromModel: false, probability: probabilityOf(rules.emotion) };
  }
  return { emotion: modelEmotion, fromModel: modelEmotion !== rules.emotion, probability };
}

let committedModel: LinearModel | undefined;
function loadCommittedModel(): LinearModel {
  committedModel ??= deserializeLinearModel(EMOTION_MODEL);
  return committedModel;
}

export interface HybridEmotionDetectorOptions {
  /** Defaults to the committed model; cross-validation passes one trained without the writer it measures. */
  model?: LinearModel;
  policy?: CombinationPolicy;
}

/**
 * hybrid@4 (hybrid@3 with rules@3 and a model retrained with dev-3, issue 17): the rules' reading plus
 * a linear model over hashed words, character n-grams and the rules'
 * own cues, combined by {@link HYBRID_POLICY}. Same contract as the rules; its cues are the rules' cues
 * plus `model:<mood>` when the model overruled them.
 */
export function createHybridEmotionDetector(options: HybridEmotionDetectorOptions = {}): EmotionDetector {
  const model = options.model ?? loadCommittedModel();
  const policy = options.policy ?? HYBRID_POLICY;
  // One scorer per detector: read() is synchronous, so two reads never interleave.
  const scorer = createStreamingScorer(model);
  return {
    name: "lutingenie-emotion-hybrid",
    version: "hybrid@4",
    read(whole, language) {
      // The part the rules read too (analyzed-text.ts): the model's features come from the same text.
      const text = analyzedText(whole);
      const rules = analyzeWithRules(text, language);
      if (!LATIN_LETTERS.test(text)) return { emotion: rules.emotion, score: rules.score, cues: rules.cues };
      scorer.reset();
      emitFeatures(text, language, rules, scorer);
      const verdict = combineReadings(rules, scorer.probabilities(), policy);
      const { emotion } = verdict;
      if (!verdict.fromModel) return { emotion, score: rules.score, cues: rules.cues };
      return {
        emotion,
        score: emotion === "neutral" ? 0 : Math.round(verdict.probability * 100) / 100,
        cues: [...rules.cues, `model:${emotion}`],
      };
    },
  };
}
