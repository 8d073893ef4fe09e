import type { LanguageCode } from "../assistant/language.js";

/** The CLDR plural categories; i18next appends them to a key (`_one`, `_few`, ...) through Intl.PluralRules. */
export const PLURAL_CATEGORIES = ["zero", "one", "two", "few", "many", "other"] as const;
export type PluralCategory = (typeof PLURAL_CATEGORIES)[number];

/**
 * Exactly the categories `new Intl.PluralRules(language)` reports on Node 20's ICU. Written out (not read from
 * Intl at run time) so that each resource module is type-checked against its own language's forms: a Polish
 * plural without `few` or an English one with `few` is a compile error. A test compares this table with Intl,
 * so an ICU update that changes a language's categories shows up as a failing test, not a wrong message.
 */
export const PLURAL_CATEGORIES_BY_LANGUAGE = {
  en: ["one", "other"],
  fr: ["one", "many", "other"],
  es: ["one", "many", "other"],
  de: ["one", "other"],
  it: ["one", "many", "other"],
  pt: ["one", "many", "other"],
  nl: ["one", "other"],
  pl: ["one", "few", "many", "other"],
  tr: ["one", "other"],
  ar: ["zero", "one", "two", "few", "many", "other"],
  zh: ["other"],
  ja: ["other"],
} as const satisfies Record<LanguageCode, readonly PluralCategory[]>;

export type PluralCategoryOf<Language extends LanguageCode> =
  (typeof PLURAL_CATEGORIES_BY_LANGUAGE)[Language][number];

export function isPluralCategory(value: string): value is PluralCategory {
  return (PLURAL_CATEGORIES as readonly string[]).includes(value);
}
