export {
  CUE_FAMILIES,
  type CueFamily,
  createEmotionDetector,
  type EmotionDetectorOptions,
} from "./emotion-detector.js";
