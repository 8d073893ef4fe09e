export { chooseConversationLanguage } from "./conversation-language.js";
export { ELD_DATABASE_SIZES, ELD_VERSION, type EldDatabaseSize } from "./eld-database.js";
export { createLanguageDetector, type LanguageDetectorOptions } from "./language-detector.js";
export { DEFAULT_LATIN_RELIABILITY, type LatinReliabilityRule } from "./latin-reliability.js";
