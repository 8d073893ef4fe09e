export {
  CUE_FAMILIES,
  type CueFamily,
  createEmotionDetector,
  type EmotionDetectorOptions,
} from "./emotion-detector.js";
export {
  EMOTION_DATA_SETS,
  type EmotionScores,
  type LabelledMessage,
  loadLabelledMessages,
  scoreDetector,
} from "./labelled-messages.js";
