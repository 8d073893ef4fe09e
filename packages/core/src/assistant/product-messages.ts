import type { MessageKey } from "../i18n/message-types.js";
import type { LanguageCode } from "./language.js";

/**
 * Every message the product itself writes (handoff and follow-up notices, contact details, errors, tone
 * openers) comes from here, translated. The i18next implementation is `createProductMessages` in ../i18n;
 * the pipeline needs only these two calls, so a test or a tenant may pass its own.
 */
export type ProductMessageKey = MessageKey;

export interface ProductMessages {
  t(language: LanguageCode, key: ProductMessageKey, values?: Record<string, string | number>): string;
  dir(language: LanguageCode): "ltr" | "rtl";
}
