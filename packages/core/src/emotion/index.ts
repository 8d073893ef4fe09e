export {
  createEmotionDetector,
  EMOTION_ENGINES,
  type EmotionDetectorOptions,
  type EmotionEngine,
} from "./create-emotion-detector.js";
export {
  CUE_FAMILIES,
  type CueFamily,
  createRulesEmotionDetector,
  type RulesEmotionDetectorOptions,
} from "./emotion-detector.js";
export {
  type CombinationPolicy,
  createHybridEmotionDetector,
  HYBRID_POLICY,
  type HybridEmotionDetectorOptions,
} from "./hybrid-emotion-detector.js";
export {
  EMOTION_DATA_SETS,
  type EmotionScores,
  type LabelledMessage,
  loadLabelledMessages,
  scoreDetector,
} from "./labelled-messages.js";
