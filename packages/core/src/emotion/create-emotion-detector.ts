import { z } from "zod";
import type { EmotionDetector } from "../assistant/emotion.js";
import { LutinError } from "../errors.js";
import {
  CUE_FAMILIES,
  createRulesEmotionDetector,
  cueFamiliesSchema,
  type RulesEmotionDetectorOptions,
} from "./emotion-detector.js";
import { createHybridEmotionDetector } from "./hybrid-emotion-detector.js";

export const EMOTION_ENGINES = ["hybrid", "rules"] as const;
export type EmotionEngine = (typeof EMOTION_ENGINES)[number];

export interface EmotionDetectorOptions extends RulesEmotionDetectorOptions {
  /**
   * `hybrid` (default, hybrid@3): the rules plus the learned model. `rules` (rules@2): the rules alone,
   * whose cue families can be switched off (the benchmark's lexicon-only baseline).
   */
  engine?: EmotionEngine;
}

const optionsSchema = z.strictObject({
  engine: z.enum(EMOTION_ENGINES).optional(),
  cueFamilies: cueFamiliesSchema,
});

/** The Emotion detector the runtime uses: hybrid@3 unless the options ask for the rules alone. */
export function createEmotionDetector(options: EmotionDetectorOptions = {}): EmotionDetector {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LutinError(
      "CONFIG_INVALID",
      `emotion detector options: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
      {
        hint: `engine is one of ${EMOTION_ENGINES.join(", ")}; cueFamilies takes booleans for ${CUE_FAMILIES.join(", ")}`,
      },
    );
  }
  const engine = options.engine ?? "hybrid";
  if (engine === "rules") return createRulesEmotionDetector({ cueFamilies: options.cueFamilies });
  // The model was trained on the readings of every cue family: with one off, its features would lie.
  if (options.cueFamilies !== undefined && Object.values(options.cueFamilies).some((on) => on === false)) {
    throw new LutinError(
      "CONFIG_INVALID",
      "emotion detector options: cueFamilies can switch families off only for the rules engine",
      { hint: 'add engine: "rules" to measure the rules with fewer cue families, or drop cueFamilies' },
    );
  }
  return createHybridEmotionDetector();
}
